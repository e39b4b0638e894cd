// Starts a worker thread on one of our modules, from sources (through tsx, as in
// development and tests) or from a build (plain .js next to the bundle).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./ts-worker-boot.mjs', import.meta.url);

/**
 * `module` is the worker's URL as seen from the caller's own file, e.g.
 * `new URL('./parse-worker.js', import.meta.url)`; when the caller runs from a .ts
 * source the .ts sibling is started through tsx.
 */
export function startWorker(module: URL, callerUrl: string, options: WorkerOptions): Worker {
  if (callerUrl.endsWith('.ts')) {
    const entry = module.href.replace(/\.js$/, '.ts');
    return new Worker(BOOT, { ...options, workerData: { ...(options.workerData as object), __entry: entry } });
  }
  // A worker that cannot load says so in an event; a caller blocked waiting for it would
  // never see it. A bundle without its worker beside it is the likely cause: said at once.
  if (module.protocol === 'file:' && !fs.existsSync(fileURLToPath(module))) {
    throw new Error(`${fileURLToPath(module)} is missing: the program's worker bundles must sit beside it`);
  }
  return new Worker(module, options);
}
