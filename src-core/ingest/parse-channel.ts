// Parse workers, kept for a whole import and handed files in turn, and the importing
// thread's end of each file: a blocking, synchronous iteration over its batches.
// Synchronous on purpose: the writer holds a transaction (per file, or per group of small
// files) and must not yield to the event loop in the middle of it.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { Batch, ParseEnd, ParseInput } from './parse-file.js';
import { newSignal, SyncReceiver } from './sync-port.js';
import { unpackBatch, type PackedBatch } from './batch-wire.js';
import { startWorker } from './worker-spawn.js';
import type { ParseJob } from './parse-worker.js';

type Message =
  | { type: 'hash'; sha256: string }
  | { type: 'batch'; packed: PackedBatch }
  | { type: 'end'; end: ParseEnd }
  | { type: 'error'; message: string; sha256?: string | null };

/** A parse worker's failure on a file, with the file's hash when it could be taken. */
export class ParseFailed extends Error {
  constructor(
    message: string,
    readonly sha256: string | null,
  ) {
    super(message);
  }
}

/**
 * The importing thread's end of one file's parse: its hash first (when `hashFirst`, else
 * in its end's `source`), then its batches in order.
 */
export interface FileChannel {
  readonly hashFirst: boolean;
  sha256(): string;
  batches(): Generator<Batch, ParseEnd>;
  close(): void;
}

export class ParseChannel implements FileChannel {
  private readonly rx: SyncReceiver;
  private done = false;

  constructor(
    port: MessagePort,
    signal: SharedArrayBuffer,
    readonly hashFirst: boolean,
  ) {
    this.rx = new SyncReceiver(port, signal, 'the parse worker');
  }

  private receive(): Message {
    return this.rx.receive() as Message;
  }

  /**
   * A file's SHA-256, which the worker sends before any batch when `hashFirst` (a file
   * that may be in the case already is then not read again; decision 70). Hashing on
   * this thread would read the file twice on the thread that writes. Other files, and
   * archive members, have their hash in their end.
   */
  sha256(): string {
    const m = this.receive();
    if (m.type === 'hash') return m.sha256;
    this.done = true;
    throw m.type === 'error' ? new ParseFailed(m.message, m.sha256 ?? null) : new Error(`parse worker protocol: ${m.type} before the file's hash`);
  }

  /** Yields the file's batches; returns what the parser knew at the end. */
  *batches(): Generator<Batch, ParseEnd> {
    for (;;) {
      const m = this.next();
      if (m.type === 'end') return m.end;
      yield m.batch;
    }
  }

  /** The next batch, or the end. */
  next(): { type: 'batch'; batch: Batch } | { type: 'end'; end: ParseEnd } {
    const m = this.receive();
    if (m.type === 'batch') return { type: 'batch', batch: unpackBatch(m.packed) };
    this.done = true;
    if (m.type === 'end') return m;
    throw m.type === 'error' ? new ParseFailed(m.message, m.sha256 ?? null) : new Error('parse worker protocol: a second hash');
  }

  /** Stops the worker's work on this file if it is not finished, frees the port. */
  close(): void {
    this.rx.close(this.done);
  }
}

/**
 * A file split between parse workers (decision 55): part k sends batches k, k + n, …;
 * they are taken in number order. When the part holding the next number ends, every
 * part has ended; file notes are the same in each part and are taken once.
 */
export class SplitChannel implements FileChannel {
  constructor(private readonly parts: ParseChannel[]) {}

  get hashFirst(): boolean {
    return this.parts[0]!.hashFirst;
  }

  sha256(): string {
    return this.parts[0]!.sha256();
  }

  *batches(): Generator<Batch, ParseEnd> {
    const n = this.parts.length;
    for (let seq = 0; ; seq++) {
      const m = this.parts[seq % n]!.next();
      if (m.type === 'batch') {
        if (m.batch.seq !== seq) throw new Error(`parse worker protocol: batch ${m.batch.seq} where ${seq} was due`);
        yield m.batch;
        continue;
      }
      const ends = [m.end];
      for (let k = 1; k < n; k++) {
        const other = this.parts[(seq + k) % n]!.next();
        if (other.type !== 'end') throw new Error(`parse worker protocol: batch ${other.batch.seq} after the file's end`);
        ends.push(other.end);
      }
      return mergeEnds(ends);
    }
  }

  close(): void {
    for (const p of this.parts) p.close();
  }
}

function mergeEnds(ends: ParseEnd[]): ParseEnd {
  const seen = new Set<string>();
  const notes = ends.flatMap((e) => e.notes).filter((note) => {
    const key = JSON.stringify(note);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Only the first part hashes the file (when it is not hashed first).
  const source = ends.find((e) => e.source !== null)?.source ?? null;
  return { ...ends[0]!, notes, bytesRead: Math.max(...ends.map((e) => e.bytesRead)), source };
}

export class ParsePool {
  /** Workers started by this process (the tests check that files really go to them). */
  static started = 0;
  /** Files split between workers (the tests check that the split really happened). */
  static split = 0;
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
  /** Hands one file to `parts` workers, each parsing its share of the batches (decision 55). */
  submitSplit(input: ParseInput, parts: number, hashFirst: boolean): SplitChannel {
    ParsePool.split++;
    return new SplitChannel(Array.from({ length: parts }, (_, index) => this.submit({ ...input, part: { index, of: parts } }, null, hashFirst)));
  }

  /** `hashFirst`: the file's hash before its batches (files on disk that may be in the case already; decision 70). */
  submit(input: ParseInput, unpack: MessagePort | null, hashFirst: boolean): ParseChannel {
    const { port1, port2 } = new MessageChannel();
    const signal = newSignal();
    const job: ParseJob = { input, port: port2, signal, unpack, hashFirst };
    this.worker().postMessage(job, unpack ? [port2, unpack] : [port2]);
    return new ParseChannel(port1, signal, hashFirst);
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
