// Worker thread of the parse pool: hashes, then parses and maps the files it is handed,
// one after another, streaming each file's batches on that file's own port, at most
// MAX_IN_FLIGHT ahead of the importing thread (memory stays bounded whatever the size).
import { parentPort, type MessagePort } from 'node:worker_threads';
import { parseFile } from './parse-file.js';
import { sha256File } from './inputs.js';
import type { Detection } from './detect.js';
import { MAX_IN_FLIGHT, SIG_ABANDONED, SIG_CONSUMED, SIG_POSTED } from './parse-signal.js';

export interface ParseJob {
  path: string;
  det: Detection;
  port: MessagePort;
  signal: SharedArrayBuffer;
}

class Abandoned extends Error {}

function run(job: ParseJob): void {
  const sig = new Int32Array(job.signal);
  const post = (message: unknown) => {
    for (;;) {
      if (Atomics.load(sig, SIG_ABANDONED) !== 0) throw new Abandoned();
      const consumed = Atomics.load(sig, SIG_CONSUMED);
      if (Atomics.load(sig, SIG_POSTED) - consumed < MAX_IN_FLIGHT) break;
      Atomics.wait(sig, SIG_CONSUMED, consumed, 1000);
    }
    job.port.postMessage(message);
    Atomics.add(sig, SIG_POSTED, 1);
    Atomics.notify(sig, SIG_POSTED);
  };
  try {
    post({ type: 'hash', sha256: sha256File(job.path) });
    const end = parseFile(job.path, job.det, (batch) => post({ type: 'batch', batch }));
    post({ type: 'end', end });
  } catch (err) {
    if (!(err instanceof Abandoned)) {
      try {
        post({ type: 'error', message: (err as Error).message });
      } catch {
        // abandoned meanwhile: nobody is listening
      }
    }
  } finally {
    job.port.close();
  }
}

// Jobs arrive as messages and run one at a time: each run is synchronous, so the next
// message is only taken once the current file is done.
parentPort!.on('message', (job: ParseJob) => run(job));
