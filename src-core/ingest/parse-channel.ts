// Parse workers, kept for a whole import and handed files in turn, and the importing
// thread's end of each file: a blocking, synchronous iteration over its batches.
// Synchronous on purpose: the writer holds a transaction (per file, or per group of small
// files) and must not yield to the event loop in the middle of it.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { Batch, ParseEnd, ParseInput } from './parse-file.js';
import { newSignal, SyncReceiver } from './sync-port.js';
import { startWorker } from './worker-spawn.js';
import type { ParseJob } from './parse-worker.js';

type Message =
  | { type: 'hash'; sha256: string }
  | { type: 'batch'; batch: Batch }
  | { type: 'end'; end: ParseEnd }
  | { type: 'error'; message: string };

export class ParseChannel {
  private readonly rx: SyncReceiver;
  private done = false;

  constructor(port: MessagePort, signal: SharedArrayBuffer) {
    this.rx = new SyncReceiver(port, signal, 'the parse worker');
  }

  private receive(): Message {
    return this.rx.receive() as Message;
  }

  /**
   * A file's SHA-256, which the worker sends before any batch: the importing thread
   * needs it first (a file already in the case is not read again), and hashing there
   * would read every file twice on the thread that writes. (Not for archive members:
   * their hash comes with the end.)
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
    this.rx.close(this.done);
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

  /**
   * Hands a file to the next worker (round robin); its batches come through the channel.
   * An archive member comes with a control port to the unpack worker, which reads it.
   */
  submit(input: ParseInput, unpack: MessagePort | null): ParseChannel {
    const { port1, port2 } = new MessageChannel();
    const signal = newSignal();
    const job: ParseJob = { input, port: port2, signal, unpack };
    this.worker().postMessage(job, unpack ? [port2, unpack] : [port2]);
    return new ParseChannel(port1, signal);
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
