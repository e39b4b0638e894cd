#!/usr/bin/env node
// The `longtail` command. In a source checkout it runs src-core/cli.ts through tsx,
// so `npm run hunt` works right after `npm install` with no build step; a build
// without the sources (dist/ only) runs dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

// Memory must not grow with input size: cap V8's heap so the garbage collector works
// before the process gets big, rather than when it nears the machine's memory. The
// cap applies at start-up only, hence the re-run with the flag.
const HEAP_MB = 320;
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size')) && !process.env.LONGTAIL_NO_HEAP_CAP) {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? (r.signal ? 1 : 0));
}

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'src-core', 'cli.ts');
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(pathToFileURL(source).href);
} else {
  cli = await import(pathToFileURL(path.join(root, 'dist', 'cli.js')).href);
}
cli.runCli();
