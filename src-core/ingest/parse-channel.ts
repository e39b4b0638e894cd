// The importing thread's end of a parse worker: a blocking, synchronous iteration
// over its batches. Synchronous on purpose: the writer holds one transaction per file
// and must not yield to the event loop in the middle of it.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { Detection } from './detect.js';
import type { Batch, ParseEnd } from './parse-file.js';
import { SIG_CONSUMED, SIG_POSTED } from './parse-signal.js';
import { startWorker } from './worker-spawn.js';

/** A worker that posts nothing for this long is taken as stuck. */
const STALL_MS = 5 * 60_000;

type Message = { type: 'batch'; batch: Batch } | { type: 'end'; end: ParseEnd } | { type: 'error'; message: string };

export class ParseChannel {
  /** Workers started by this process (the tests check that big files really use them). */
  static started = 0;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly sig: Int32Array;

  constructor(path: string, det: Detection) {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(8);
    this.sig = new Int32Array(signal);
    this.port = port1;
    this.worker = startWorker(new URL('./parse-worker.js', import.meta.url), import.meta.url, {
      workerData: { path, det, port: port2, signal },
      transferList: [port2],
      // A parser holds a few batches at a time; a cap keeps garbage from piling up.
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    ParseChannel.started++;
    // An error before the first post (e.g. a module that fails to load) still ends the wait.
    this.worker.on('error', () => undefined);
  }

  private receive(): Message {
    let waited = 0;
    for (;;) {
      const posted = Atomics.load(this.sig, SIG_POSTED);
      const got = receiveMessageOnPort(this.port);
      if (got) {
        Atomics.add(this.sig, SIG_CONSUMED, 1);
        Atomics.notify(this.sig, SIG_CONSUMED);
        return got.message as Message;
      }
      const r = Atomics.wait(this.sig, SIG_POSTED, posted, 1000);
      waited = r === 'timed-out' ? waited + 1000 : 0;
      if (waited >= STALL_MS) throw new Error('the parse worker stopped responding');
    }
  }

  /** Yields the file's batches; returns what the parser knew at the end. */
  *batches(): Generator<Batch, ParseEnd> {
    for (;;) {
      const m = this.receive();
      if (m.type === 'batch') yield m.batch;
      else if (m.type === 'end') return m.end;
      else throw new Error(m.message);
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
