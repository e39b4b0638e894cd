// The CLI bundle, dist/cli/, which bin/longtail.mjs runs while it is fresh. Built by
// `npm install` / `npm ci` (the `prepare` script), `npm run build` and `npm run build:cli`;
// esbuild only, well under a second.
//   cli.js           the entry (src-core/cli/start.ts): --help, and the thread a command runs on
//   cli-worker.js    the worker thread with the capped heap that big jobs run in
//   parse-worker.js  the import's parse workers
//   unpack-worker.js the archive reader (zip, gzip, tar) for the import and parse workers
//   checkpoint-worker.js  folds the case's WAL back while a big import writes
//   resolve-worker.js     scans and plans process instances for a big resolution
//   chunk-*.js       code the entries share, loaded when a command needs it (`--help`
//                    loads none of it: no SQLite, zod, papaparse or EVTX parser)
//   build-info.json  what the bundle was built from: every input file with its mtime
//                    and size, for the launcher's freshness check; written last, so an
//                    interrupted build leaves no bundle that looks fresh
// Everything sits in one folder: the core finds its workers next to the code that
// starts them (`new URL('./parse-worker.js', import.meta.url)`), wherever esbuild put it.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Files besides esbuild's inputs that change what the bundle would be. */
const BUILD_INPUTS = ['build/cli-bundle.mjs', 'tsconfig.json'];

/**
 * Builds the CLI bundle into `outdir` (emptied first) from the sources under `root`.
 * @param {{ root?: string, outdir?: string, logLevel?: import('esbuild').LogLevel, sourcemap?: boolean }} [options]
 * @returns {Promise<{ outdir: string, info: { inputs: Record<string, [number, number]>, outputs: string[] } }>}
 */
export async function buildCli(options = {}) {
  const root = path.resolve(options.root ?? ROOT);
  const outdir = path.resolve(options.outdir ?? path.join(root, 'dist', 'cli'));
  fs.rmSync(outdir, { recursive: true, force: true });
  // Taken before the build: a file saved while esbuild reads it then looks changed.
  const before = new Map();
  const stamp = (file) => {
    const st = fs.statSync(path.resolve(root, file));
    return [st.mtimeMs, st.size];
  };
  for (const f of BUILD_INPUTS) if (fs.existsSync(path.join(root, f))) before.set(f, stamp(f));
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      cli: 'src-core/cli/start.ts',
      'cli-worker': 'src-core/cli/cli-worker.ts',
      'parse-worker': 'src-core/ingest/parse-worker.ts',
      'unpack-worker': 'src-core/ingest/archive/unpack-worker.ts',
      'checkpoint-worker': 'src-core/ingest/checkpoint-worker.ts',
      'resolve-worker': 'src-core/hunt/resolve-worker.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: options.sourcemap ?? true,
    // The native module is loaded from node_modules at run time.
    external: ['better-sqlite3'],
    // ESM bundles use require() for CommonJS code (better-sqlite3, Node built-ins): give them one.
    banner: { js: "import { createRequire as __longtailCreateRequire } from 'node:module'; const require = __longtailCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: options.logLevel ?? 'info',
  });
  /** @type {Record<string, [number, number]>} */
  const inputs = {};
  for (const f of Object.keys(result.metafile.inputs).sort()) inputs[f.split(path.sep).join('/')] = stamp(f);
  for (const [f, s] of before) inputs[f] = s;
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.relative(outdir, path.resolve(root, f)).split(path.sep).join('/')).sort();
  const info = { built: new Date().toISOString(), inputs, outputs };
  fs.writeFileSync(path.join(outdir, 'build-info.json'), `${JSON.stringify(info, null, 1)}\n`);
  return { outdir, info };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await buildCli();
}
