// Bundles the Electron main process and the CLI into dist/ with esbuild. Native and
// Electron modules stay external (they are loaded at run time).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'better-sqlite3'],
  logLevel: 'info',
};

await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs' });
await build({
  ...common,
  entryPoints: ['src-core/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'esm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});
