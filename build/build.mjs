// Bundles the CLI (with its parse worker) and the Electron shell into dist/ with esbuild.
// Native and Electron modules stay external for the CLI (loaded at run time); the
// Electron bundles are described in electron-bundles.mjs. The renderer is built by Vite
// into dist/renderer/ (its own script), independently of this one.
import { build } from 'esbuild';
import { buildElectron, writeAppManifest } from './electron-bundles.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'better-sqlite3'],
  logLevel: 'info',
};
// ESM bundles use require() for the native module: give them one.
const esm = {
  ...common,
  format: 'esm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
};

await build({
  ...esm,
  // The worker sits next to the CLI: parse-channel.ts finds it relative to import.meta.url.
  entryPoints: {
    cli: 'src-core/cli.ts',
    'parse-worker': 'src-core/ingest/parse-worker.ts',
    'unpack-worker': 'src-core/ingest/archive/unpack-worker.ts',
  },
  outdir: 'dist',
});
await buildElectron();
writeAppManifest();
