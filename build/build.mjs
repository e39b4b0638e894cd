// Bundles the CLI (build/cli-bundle.mjs, into dist/cli/) and the Electron shell
// (build/electron-bundles.mjs, into dist/electron/) with esbuild. Native and Electron
// modules stay external (loaded at run time). The renderer is built by Vite into
// dist/renderer/ (its own script), independently of this one.
import { buildCli } from './cli-bundle.mjs';
import { buildElectron, writeAppManifest } from './electron-bundles.mjs';

await buildCli();
await buildElectron();
writeAppManifest();
