// The Electron bundles, into dist/electron/:
//   main.js            the main process (ESM; Electron 45 loads ESM mains)
//   session-worker.js  \
//   import-worker.js    \  the core's workers, beside main.js: CoreHost and the import
//   parse-worker.js     /  worker find them with new URL('./x.js', import.meta.url);
//   unpack-worker.js   /   the unpack worker reads archives for the import and parse workers
//   checkpoint-worker.js   folds the case's WAL back while a big import writes
//   resolve-worker.js      scans and plans process instances for a big resolution
//   preload.cjs        the sandboxed preload (CommonJS; a sandboxed preload cannot be ESM)
// and dist/package.json, the app's own manifest: electron-builder packages dist/ as the
// app (build/electron-builder.mjs), so the app carries only these bundles and the
// renderer, no node_modules. better-sqlite3's JavaScript is bundled; its native part is
// loaded from the path in LONGTAIL_SQLITE_BINDING (electron/native.ts).
//
// The preload gets the handler map's names generated here from ARGS in
// src-core/api/contract.ts, in place of electron/api-names.ts: it must not bundle zod
// or any other code of the core, and the build fails if it would.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron 45 runs Node 22 and Chromium 142. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/** What the preload may be built from (paths relative to the repository). */
export const PRELOAD_INPUTS = ['electron/preload.ts', 'electron/channels.ts', 'src-core/api/bridge.ts'];

/** The handler map's names, read off ARGS by bundling and loading contract.ts. */
export async function apiNames() {
  const out = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src-core/api/contract.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  const contract = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const names = Object.keys(contract.ARGS ?? {});
  if (names.length === 0) throw new Error('build: no handler names found in src-core/api/contract.ts (ARGS)');
  return names;
}

/** Replaces electron/api-names.ts with the generated list. */
function apiNamesPlugin(names) {
  return {
    name: 'longtail-api-names',
    setup(b) {
      b.onResolve({ filter: /^\.\/api-names\.js$/ }, () => ({ path: 'electron/api-names.generated.js', namespace: 'longtail-api-names' }));
      b.onLoad({ filter: /.*/, namespace: 'longtail-api-names' }, () => ({
        contents: `// generated from ARGS in src-core/api/contract.ts\nexport const API_NAMES = Object.freeze(${JSON.stringify(names)});\n`,
        loader: 'js',
      }));
    },
  };
}

/** ESM bundles use require() for CommonJS code (better-sqlite3, Node built-ins): give them one. */
const ESM_REQUIRE = "import { createRequire as __longtailCreateRequire } from 'node:module'; const require = __longtailCreateRequire(import.meta.url);";

/**
 * Builds the Electron bundles into `outdir` (emptied first).
 * @param {{ outdir?: string, logLevel?: import('esbuild').LogLevel, sourcemap?: boolean }} [options]
 * @returns {Promise<{ outdir: string, names: string[], preloadInputs: string[] }>}
 */
export async function buildElectron(options = {}) {
  const outdir = path.resolve(options.outdir ?? path.join(ROOT, 'dist', 'electron'));
  const logLevel = options.logLevel ?? 'info';
  const sourcemap = options.sourcemap ?? true;
  fs.rmSync(outdir, { recursive: true, force: true });
  const names = await apiNames();

  const main = build({
    absWorkingDir: ROOT,
    entryPoints: {
      main: 'electron/main.ts',
      'session-worker': 'src-core/api/session-worker.ts',
      'import-worker': 'src-core/api/import-worker.ts',
      'parse-worker': 'src-core/ingest/parse-worker.ts',
      'unpack-worker': 'src-core/ingest/archive/unpack-worker.ts',
      'checkpoint-worker': 'src-core/ingest/checkpoint-worker.ts',
      'resolve-worker': 'src-core/hunt/resolve-worker.ts',
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    sourcemap,
    external: ['electron'],
    banner: { js: ESM_REQUIRE },
    logLevel,
  });

  const preload = build({
    absWorkingDir: ROOT,
    entryPoints: ['electron/preload.ts'],
    outfile: path.join(outdir, 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: CHROME_TARGET,
    sourcemap,
    external: ['electron'],
    plugins: [apiNamesPlugin(names)],
    metafile: true,
    logLevel,
  });

  const [, pre] = await Promise.all([main, preload]);
  const preloadInputs = Object.keys(pre.metafile.inputs).filter((p) => !p.startsWith('longtail-api-names:'));
  const foreign = preloadInputs.filter((p) => !PRELOAD_INPUTS.includes(p.split(path.sep).join('/')));
  if (foreign.length) {
    throw new Error(`build: the preload must carry only the handler names and the bridge, but it would bundle ${foreign.join(', ')}`);
  }
  return { outdir, names, preloadInputs };
}

/**
 * dist/package.json: the packaged app's manifest (name, version, ESM, main), from the
 * repository's package.json. No dependencies: everything the app runs is bundled.
 */
export function writeAppManifest(distDir = path.join(ROOT, 'dist')) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const manifest = {
    name: pkg.name,
    productName: 'Longtail',
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    author: pkg.author ?? { name: 'Longtail' },
    private: true,
    type: 'module',
    main: 'electron/main.js',
  };
  fs.mkdirSync(distDir, { recursive: true });
  fs.writeFileSync(path.join(distDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
