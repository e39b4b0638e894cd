#!/usr/bin/env node
// Runs a TypeScript entry point from a source checkout (dev scripts, bench, samples).
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: run-ts.mjs FILE.ts [ARGS...]\n');
  process.exit(1);
}
process.argv = [process.argv[0], entry, ...rest];
register();
await import(pathToFileURL(path.resolve(entry)).href);
