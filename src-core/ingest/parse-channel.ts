// Parse workers, kept for a whole import and handed files in turn, and the importing
// thread's end of each file: a blocking, synchronous iteration over its batches.
// Synchronous on purpose: the writer holds a transaction (per file, or per group of small
// files) and must not yield to the event loop in the middle of it.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { Detection } from './detect.js';
import type { Batch, ParseEnd } from './parse-file.js';
import { SIG_ABANDONED, SIG_CONSUMED, SIG_POSTED, SIG_SLOTS } from './parse-signal.js';
import { startWorker } from './worker-spawn.js';
import type { ParseJob } from './parse-worker.js';

/** A worker that posts nothing for this long is taken as stuck. */
const STALL_MS = 5 * 60_000;

type Message =
  | { type: 'hash'; sha256: string }
  | { type: 'batch'; batch: Batch }
  | { type: 'end'; end: ParseEnd }
  | { type: 'error'; message: string };

export class ParseChannel {
  private readonly sig: Int32Array;
  private done = false;

  constructor(private readonly port: MessagePort, signal: SharedArrayBuffer) {
    this.sig = new Int32Array(signal);
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

  /**
   * The file's SHA-256, which the worker sends before any batch: the importing thread
   * needs it first (a file already in the case is not read again), and hashing there
   * would read every file twice on the thread that writes.
   */
  sha256(): string {
    const m = this.receive();
    if (m.type === 'hash') return m.sha256;
    this.done = true;
    throw new Error(m.type === 'error' ? m.message : `parse worker protocol: ${m.type} before the file's hash`);
  }

  /** Yields the file's batches; returns what the parser knew at the end. */
  *batches(): Generator<Batch, ParseEnd> {
    for (;;) {
      const m = this.receive();
      if (m.type === 'batch') yield m.batch;
      else {
        this.done = true;
        if (m.type === 'end') return m.end;
        throw new Error(m.type === 'error' ? m.message : 'parse worker protocol: a second hash');
      }
    }
  }

  /** Stops the worker's work on this file if it is not finished, frees the port. */
  close(): void {
    if (!this.done) {
      Atomics.store(this.sig, SIG_ABANDONED, 1);
      Atomics.notify(this.sig, SIG_CONSUMED);
    }
    this.port.close();
  }
}

export class ParsePool {
  /** Workers started by this process (the tests check that files really go to them). */
  static started = 0;
  private readonly workers: Worker[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const w = startWorker(new URL('./parse-worker.js', import.meta.url), import.meta.url, {
        // A parser holds a few batches at a time; a cap keeps garbage from piling up.
        resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
      });
      w.on('error', () => undefined);
      w.unref();
      ParsePool.started++;
      this.workers.push(w);
      return w;
    }
    const w = this.workers[this.next % this.workers.length]!;
    this.next++;
    return w;
  }

  /** Hands a file to the next worker (round robin); its batches come through the channel. */
  submit(path: string, det: Detection): ParseChannel {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(SIG_SLOTS * 4);
    const job: ParseJob = { path, det, port: port2, signal };
    this.worker().postMessage(job, [port2]);
    return new ParseChannel(port1, signal);
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
