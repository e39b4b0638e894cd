// A big synthetic fleet for `npm run bench`, streamed to disk: Defender
// advanced-hunting CSV and/or Elastic Defend NDJSON, events in time order over 30
// days, about a quarter each process starts, network, file and image loads. Ordinary
// services are the demo fleet's (same paths and hashes on every host); a few hosts
// (~0.1%) carry a planted rare service, listed by plantedFleetServices(opts).
// Memory stays flat per file: per-host state is a few processes and output goes out
// in 1 MiB writes. Files are written in parallel worker threads (one per core) while
// the caller blocks, so the API stays synchronous. Speed: see test/bench/README.md.
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { FleetFormat, FleetOptions, FleetPlan, PlantedFleetService } from './fleet-plan.js';
import { planFleet, plantedFleetServices } from './fleet-plan.js';
import type { EventKind, FleetFile } from './fleet-file.js';
import { writeFleetFile } from './fleet-file.js';

export type { EventKind, FleetFile, FleetFormat, FleetOptions, PlantedFleetService };
export { plantedFleetServices };

export interface FleetResult {
  files: FleetFile[];
  planted: PlantedFleetService[];
}

export interface RunOptions {
  /** Worker threads writing files at once; 1 writes them one by one on this thread. Default: cores. */
  threads?: number;
}

const WORKER = new URL('./fleet-worker.mjs', import.meta.url);

/** Writes plan.files in worker threads, at most `threads` at once, blocking until all are done. */
function writeInWorkers(opts: FleetOptions, plan: FleetPlan, threads: number): FleetFile[] {
  const done = new SharedArrayBuffer(4);
  const counter = new Int32Array(done);
  const results: FleetFile[] = [];
  const running = new Map<number, { worker: Worker; port: MessagePort }>();
  let next = 0;
  let seen = 0;
  const start = (fileIndex: number) => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, { workerData: { opts, fileIndex, port: port2, done }, transferList: [port2] });
    running.set(fileIndex, { worker, port: port1 });
  };
  while (next < Math.min(threads, plan.files.length)) start(next++);
  while (running.size > 0) {
    // Sleep until a worker bumps the counter (the timeout only guards against a lost wake-up).
    Atomics.wait(counter, 0, seen, 1_000);
    seen = Atomics.load(counter, 0);
    for (const [fileIndex, { worker, port }] of running) {
      const message = receiveMessageOnPort(port)?.message as { file?: FleetFile; error?: string } | undefined;
      if (!message) continue;
      running.delete(fileIndex);
      port.close();
      void worker.terminate();
      if (message.error !== undefined || !message.file) {
        for (const r of running.values()) void r.worker.terminate();
        throw new Error(`writing ${plan.files[fileIndex]?.path}: ${message.error ?? 'no result'}`);
      }
      results[fileIndex] = message.file;
      if (next < plan.files.length) start(next++);
    }
  }
  return results;
}

/** Writes the fleet; the same options (seed defaults to 1) give the same bytes. */
export function generateFleet(opts: FleetOptions, run: RunOptions = {}): FleetResult {
  const plan = planFleet(opts);
  mkdirSync(opts.outDir, { recursive: true });
  const threads = Math.max(1, Math.min(run.threads ?? availableParallelism(), plan.files.length));
  const files = threads === 1
    ? plan.files.map((_, i) => writeFleetFile(plan, i))
    : writeInWorkers(opts, plan, threads);
  return { files, planted: plantedFleetServices(opts) };
}
