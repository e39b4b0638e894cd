// The importing thread's end of the resolve worker (decision 69): it starts the worker on
// the hosts to resolve and takes the host plans it sends, synchronously (the caller holds
// a transaction and stores each plan as it comes), at most MAX_IN_FLIGHT messages behind.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { newSignal, SyncReceiver } from '../ingest/sync-port.js';
import { startWorker } from '../ingest/worker-spawn.js';
import type { HostPlan } from './resolve.js';

export interface ResolveJob {
  path: string;
  hostIds: number[];
  /** Named `port` and `signal` as the TypeScript worker boot expects (it reports a failed start on them). */
  port: MessagePort;
  signal: SharedArrayBuffer;
}

export type ResolveMessage =
  | { type: 'plans'; plans: HostPlan[] }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Resolve workers started by this process (the tests check that resolution really went to one). */
export const resolveWorkers = { started: 0 };

/** The plans of the given hosts, computed on the resolve worker from the committed case at `path`. */
export function* workerPlans(path: string, hostIds: number[]): Generator<HostPlan> {
  const { port1, port2 } = new MessageChannel();
  const signal = newSignal();
  const job: ResolveJob = { path, hostIds, port: port2, signal };
  const worker = startWorker(new URL('./resolve-worker.js', import.meta.url), import.meta.url, {
    workerData: job,
    transferList: [port2],
  });
  // Failures arrive as messages (or, for a worker that cannot start, through the boot's).
  worker.on('error', () => undefined);
  worker.unref();
  resolveWorkers.started++;
  const rx = new SyncReceiver(port1, signal, 'the resolve worker');
  let finished = false;
  try {
    for (;;) {
      const m = rx.receive() as ResolveMessage;
      if (m.type === 'end') {
        finished = true;
        return;
      }
      if (m.type === 'error') {
        finished = true;
        throw new Error(`resolving process instances: ${m.message}`);
      }
      yield* m.plans;
    }
  } finally {
    // Abandoned early (the writer failed): the worker stops at its next message.
    rx.close(finished);
  }
}
