#!/usr/bin/env node
// The `longtail` command. Runs the CLI bundle, dist/cli/cli.js (built by `npm install`
// through the `prepare` script, and by `npm run build` or `npm run build:cli`), when it
// was built from the sources as they are now; otherwise src-core/cli/start.ts through
// tsx, so an edit in src-core is never hidden behind an old bundle. A copy without the
// sources runs the bundle. LONGTAIL_FROM_SOURCE=1 runs the sources anyway.
//
// Fresh means: every file the bundle was built from (esbuild's inputs, sources and
// bundled packages, plus the build script and tsconfig.json, listed in
// dist/cli/build-info.json) has the mtime and size it had then. An edited, replaced or
// deleted file makes the bundle stale; so does a new file, through the edit that
// imports it. About 100 stat calls: 1–2 ms, against ~600 ms for compiling the sources.
//
// No re-run of node for a heap cap: start.ts runs big jobs in a worker thread whose heap
// is capped (resourceLimits).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundleDir = path.join(root, 'dist', 'cli');
const source = path.join(root, 'src-core', 'cli', 'start.ts');

function bundleIsFresh() {
  let info;
  try {
    info = JSON.parse(readFileSync(path.join(bundleDir, 'build-info.json'), 'utf8'));
  } catch {
    return false;
  }
  for (const [file, [mtimeMs, size]] of Object.entries(info.inputs)) {
    const st = statSync(path.resolve(root, file), { throwIfNoEntry: false });
    if (!st || st.mtimeMs !== mtimeMs || st.size !== size) return false;
  }
  return info.outputs.every((file) => existsSync(path.join(bundleDir, file)));
}

let entry;
if (!existsSync(source) || (!process.env.LONGTAIL_FROM_SOURCE && bundleIsFresh())) {
  entry = path.join(bundleDir, 'cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
}
const { start } = await import(pathToFileURL(entry).href);
await start();
