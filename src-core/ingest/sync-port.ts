// Messages between threads with a bounded number in flight, read synchronously at the
// receiving end: the importing thread holds a transaction and must not yield to the event
// loop, so it blocks on a shared counter (Atomics.wait) and takes messages with
// receiveMessageOnPort. One shared Int32Array per stream counts what was posted and
// consumed, and says when the reader gave up.
//
// Producers come in two kinds: a synchronous one (a parse worker, whose whole job is one
// synchronous loop) blocks while too many messages are in flight; an asynchronous one
// (the unpack worker, which drives zlib and archive readers with callbacks) awaits.
import { receiveMessageOnPort, type MessagePort, type TransferListItem } from 'node:worker_threads';

export const SIG_POSTED = 0;
export const SIG_CONSUMED = 1;
/** Set by the reader when it drops the stream (e.g. a duplicate file): stop producing. */
export const SIG_ABANDONED = 2;
export const SIG_SLOTS = 3;
/** Messages a producer may run ahead of its reader. */
export const MAX_IN_FLIGHT = 8;

/** A producer that posts nothing for this long is taken as stuck. */
const STALL_MS = 5 * 60_000;

export function newSignal(): SharedArrayBuffer {
  return new SharedArrayBuffer(SIG_SLOTS * 4);
}

/** Thrown at the producer when the reader abandoned the stream. */
export class Abandoned extends Error {
  constructor() {
    super('the reader abandoned this stream');
  }
}

/** The reading end: blocks until the next message arrives. */
export class SyncReceiver {
  private readonly sig: Int32Array;
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
    private readonly what = 'the producer',
  ) {
    this.sig = new Int32Array(signal);
  }

  receive(): unknown {
    let waited = 0;
    for (;;) {
      const posted = Atomics.load(this.sig, SIG_POSTED);
      const got = receiveMessageOnPort(this.port);
      if (got) {
        Atomics.add(this.sig, SIG_CONSUMED, 1);
        Atomics.notify(this.sig, SIG_CONSUMED);
        return got.message;
      }
      const r = Atomics.wait(this.sig, SIG_POSTED, posted, 1000);
      waited = r === 'timed-out' ? waited + 1000 : 0;
      if (waited >= STALL_MS) throw new Error(`${this.what} stopped responding`);
    }
  }

  /** Tells the producer to stop (if it has not finished) and frees the port. */
  close(finished: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (!finished) {
      Atomics.store(this.sig, SIG_ABANDONED, 1);
      Atomics.notify(this.sig, SIG_CONSUMED);
    }
    this.port.close();
  }
}

function counted(sig: Int32Array, port: MessagePort, message: unknown, transfer?: readonly TransferListItem[]): void {
  port.postMessage(message, transfer);
  Atomics.add(sig, SIG_POSTED, 1);
  Atomics.notify(sig, SIG_POSTED);
}

/** Posting end for a synchronous producer: blocks while MAX_IN_FLIGHT messages wait. */
export function syncPoster(port: MessagePort, signal: SharedArrayBuffer) {
  const sig = new Int32Array(signal);
  return (message: unknown, transfer?: readonly TransferListItem[]) => {
    for (;;) {
      if (Atomics.load(sig, SIG_ABANDONED) !== 0) throw new Abandoned();
      const consumed = Atomics.load(sig, SIG_CONSUMED);
      if (Atomics.load(sig, SIG_POSTED) - consumed < MAX_IN_FLIGHT) break;
      Atomics.wait(sig, SIG_CONSUMED, consumed, 1000);
    }
    counted(sig, port, message, transfer);
  };
}

/** Atomics.waitAsync (Node 16+, typed from the ES2024 library, which this project does not use). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Posting end for an asynchronous producer: awaits while MAX_IN_FLIGHT messages wait. */
export class AsyncPoster {
  private readonly sig: Int32Array;

  constructor(
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.sig = new Int32Array(signal);
  }

  get abandoned(): boolean {
    return Atomics.load(this.sig, SIG_ABANDONED) !== 0;
  }

  /** Resolves when a message may be posted (fewer than MAX_IN_FLIGHT wait); throws Abandoned if the reader is gone. */
  async room(): Promise<void> {
    for (;;) {
      if (this.abandoned) throw new Abandoned();
      const consumed = Atomics.load(this.sig, SIG_CONSUMED);
      if (Atomics.load(this.sig, SIG_POSTED) - consumed < MAX_IN_FLIGHT) return;
      const w = waitAsync(this.sig, SIG_CONSUMED, consumed, 1000);
      if (w.async) await w.value;
    }
  }

  /** Posts at once: only after `room()` resolved, with nothing posted since. */
  send(message: unknown): void {
    counted(this.sig, this.port, message);
  }

  /** Resolves once the message is posted; throws Abandoned if the reader is gone. */
  async post(message: unknown, transfer?: readonly TransferListItem[]): Promise<void> {
    await this.room();
    counted(this.sig, this.port, message, transfer);
  }

  /** A last message (end or error), posted whatever is in flight: the reader drains it. */
  final(message: unknown): void {
    if (!this.abandoned) counted(this.sig, this.port, message);
    this.port.close();
  }
}
