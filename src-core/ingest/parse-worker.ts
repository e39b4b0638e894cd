// Worker thread: parses and maps one file and streams batches to the importing thread,
// at most MAX_IN_FLIGHT ahead of it (memory stays bounded whatever the file size).
import { workerData, type MessagePort } from 'node:worker_threads';
import { parseFile } from './parse-file.js';
import type { Detection } from './detect.js';
import { MAX_IN_FLIGHT, SIG_CONSUMED, SIG_POSTED } from './parse-signal.js';

const { path, det, port, signal } = workerData as { path: string; det: Detection; port: MessagePort; signal: SharedArrayBuffer };
const sig = new Int32Array(signal);

function post(message: unknown): void {
  for (;;) {
    const consumed = Atomics.load(sig, SIG_CONSUMED);
    if (Atomics.load(sig, SIG_POSTED) - consumed < MAX_IN_FLIGHT) break;
    Atomics.wait(sig, SIG_CONSUMED, consumed, 1000);
  }
  port.postMessage(message);
  Atomics.add(sig, SIG_POSTED, 1);
  Atomics.notify(sig, SIG_POSTED);
}

try {
  const end = parseFile(path, det, (batch) => post({ type: 'batch', batch }));
  post({ type: 'end', end });
} catch (err) {
  post({ type: 'error', message: (err as Error).message });
}
port.close();
