// Bundles the CLI (with its parse worker) and the Electron main process into dist/
// with esbuild. Native and Electron modules stay external (loaded at run time).
import { build } from 'esbuild';

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
  entryPoints: { cli: 'src-core/cli.ts', 'parse-worker': 'src-core/ingest/parse-worker.ts' },
  outdir: 'dist',
});
await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs' });
