// Worker bootstrap for running TypeScript sources (development and tests): registers
// tsx in this thread, then loads the real entry. A module that fails to load is
// reported on the worker's port, so a caller blocked on it is not left waiting.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  await import(workerData.__entry);
} catch (err) {
  const { port, signal } = workerData;
  if (port) {
    port.postMessage({ type: 'error', message: `worker failed to start: ${err instanceof Error ? err.message : String(err)}` });
    if (signal) {
      const sig = new Int32Array(signal);
      Atomics.add(sig, 0, 1);
      Atomics.notify(sig, 0);
    }
  }
  throw err;
}
