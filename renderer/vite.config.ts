// The renderer's build: `vite build renderer` (npm run build:renderer) writes
// dist/renderer/, loaded by Electron from file:// and served by the local HTTP bridge.
// Relative asset URLs (base './'); nothing inlined as scripts or styles (the CSP allows
// only 'self'); nothing fetched from the internet.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
});
