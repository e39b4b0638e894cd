#!/usr/bin/env node
// The `longtail` command. In a source checkout it runs src-core/cli.ts through tsx,
// so `npm run hunt` works right after `npm install` with no build step; a build
// without the sources (dist/ only) runs dist/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

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
