// Worker thread for generateFleet: writes one file of the plan. Plain JS so it can
// register the TypeScript loader before importing the generator. Whatever happens it
// answers on its port and bumps the shared counter the blocked caller waits on, or
// the caller would wait forever.
import { workerData } from 'node:worker_threads';

const { opts, fileIndex, port, done } = workerData;
const counter = new Int32Array(done);
try {
  const { register } = await import('tsx/esm/api');
  register();
  const { planFleet } = await import('./fleet-plan.ts');
  const { writeFleetFile } = await import('./fleet-file.ts');
  port.postMessage({ file: writeFleetFile(planFleet(opts), fileIndex) });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
} finally {
  port.close();
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}
