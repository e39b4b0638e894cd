// The synchronous side of the unpack worker: listings and member bytes for readers that
// cannot await (the importing thread inside its transaction, parse workers). Each request
// gets a port of its own and a shared counter (sync-port.ts); the worker inflates ahead
// of the reader by a few chunks at most, so memory stays bounded whatever the member size.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort, type Transferable, type Worker } from 'node:worker_threads';
import type { ByteSource, SourceEnd } from '../text/byte-source.js';
import { newSignal, SyncReceiver } from '../sync-port.js';

const RING_BYTES = RING_SLOTS * RING_SLOT_BYTES;
/**
 * Rings of streams that ended, for the next stream of this thread. A ring whose stream was
 * abandoned is not reused: the worker may still be writing into it.
 */
const freeRings: SharedArrayBuffer[] = [];
import { startWorker } from '../worker-spawn.js';
import { ArchiveError } from './errors.js';
import type { ArchiveLimits } from './limits.js';
import { RING_SLOT_BYTES, RING_SLOTS, type ListMessage, type Listing, type MemberInfo, type StreamMessage, type UnpackRequest } from './listing.js';
import { displayPath, type ContainerKind, type SourceRef } from './refs.js';

/** A member's bytes, read synchronously; hashed by the worker as they stream. */
export class MemberSource implements ByteSource {
  private chunk: Buffer | null = null;
  private at = 0;
  private finished: SourceEnd | null = null;
  private read_ = 0;
  private closed = false;

  constructor(
    private readonly rx: SyncReceiver,
    private readonly ring: SharedArrayBuffer,
    readonly size: number | null,
    private readonly name: string,
  ) {}

  read(target: Buffer, offset: number, length: number): number {
    if (length <= 0) return 0;
    for (;;) {
      if (this.chunk && this.at < this.chunk.length) {
        const n = Math.min(length, this.chunk.length - this.at);
        this.chunk.copy(target, offset, this.at, this.at + n);
        this.at += n;
        this.read_ += n;
        return n;
      }
      if (this.finished) return 0;
      const m = this.rx.receive() as StreamMessage;
      if (m.type === 'data') {
        this.chunk = Buffer.from(this.ring, m.slot * RING_SLOT_BYTES, m.length);
        this.at = 0;
      } else if (m.type === 'end') {
        this.finished = { sha256: m.sha256, problem: m.problem };
        this.chunk = null;
      } else {
        this.finished = { sha256: '', problem: null };
        throw new ArchiveError('corrupt', `${this.name}: ${m.message}`);
      }
    }
  }

  get bytesRead(): number {
    return this.read_;
  }

  end(): SourceEnd | null {
    return this.finished;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rx.close(this.finished !== null);
    if (this.finished?.sha256 && freeRings.length < 4) freeRings.push(this.ring);
  }
}

type Post = (m: UnpackRequest, transfer?: Transferable[]) => void;

let tempDirs = 0;
/** Long enough for the TypeScript loader to compile the worker from sources on a slow machine. */
const START_MS = 60_000;

export class UnpackClient {
  private constructor(
    private readonly post: Post,
    private readonly worker: Worker | null,
    private readonly port: MessagePort | null,
    private readonly tempDir: string | null,
  ) {}

  /**
   * Starts an unpack worker owned by this thread, and waits until it runs: a worker that
   * cannot load (a build without its bundle) reports it in an event this thread, blocked
   * in its reads, would never see.
   */
  static start(limits?: Partial<ArchiveLimits>): UnpackClient {
    const tempDir = path.join(os.tmpdir(), `longtail-unpack-${process.pid}-${tempDirs++}`);
    const ready = new SharedArrayBuffer(4);
    const worker = startWorker(new URL('./unpack-worker.js', import.meta.url), import.meta.url, {
      workerData: { limits, tempDir, ready },
      // A small young generation: the buffers zlib makes are collected as it goes
      // (byte-stream.ts); the old one holds listings (many members) and streams in flight.
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 2 },
    });
    worker.on('error', () => undefined);
    worker.unref();
    if (Atomics.wait(new Int32Array(ready), 0, 0, START_MS) === 'timed-out') {
      void worker.terminate();
      throw new Error(`the unpack worker did not start within ${START_MS / 1000} s (is unpack-worker.js missing beside the program?)`);
    }
    return new UnpackClient((m, t) => worker.postMessage(m, t), worker, null, tempDir);
  }

  /** A client over a control port made by `connectPort` on another thread. */
  static connect(port: MessagePort): UnpackClient {
    return new UnpackClient((m, t) => port.postMessage(m, t), null, port, null);
  }

  private request(m: { type: 'list'; kind: ContainerKind } | { type: 'open'; ring: SharedArrayBuffer }, ref: SourceRef): SyncReceiver {
    const { port1, port2 } = new MessageChannel();
    const signal = newSignal();
    this.post({ ...m, ref, port: port2, signal }, [port2]);
    return new SyncReceiver(port1, signal, 'the unpack worker');
  }

  /** Every member of a container (its first level), with what its first bytes are. */
  list(ref: SourceRef, kind: ContainerKind): Listing {
    const rx = this.request({ type: 'list', kind }, ref);
    const members: MemberInfo[] = [];
    try {
      for (;;) {
        const m = rx.receive() as ListMessage;
        if (m.type === 'member') members.push(m.info);
        else if (m.type === 'end') return { ...m.listing, members };
        else throw new ArchiveError(m.kind, m.message);
      }
    } finally {
      rx.close(true);
    }
  }

  /** A member's bytes from the start. Close it when done, read or not. */
  open(ref: SourceRef, size: number | null): MemberSource {
    const ring = freeRings.pop() ?? new SharedArrayBuffer(RING_BYTES);
    return new MemberSource(this.request({ type: 'open', ring }, ref), ring, size, displayPath(ref));
  }

  /** The tar members an import will read (or release), in order. */
  plan(container: SourceRef, indexes: number[]): void {
    this.post({ type: 'plan', container, indexes });
  }

  /** Nobody will read this member (any further). */
  release(ref: SourceRef): void {
    this.post({ type: 'release', ref });
  }

  /** A control port to the same worker, for another thread (transfer it there). */
  connectPort(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.post({ type: 'connect', port: port2 }, [port2]);
    return port1;
  }

  /**
   * Ends the worker: it closes the archives it has open (their descriptors belong to the
   * process, and a long-running app would keep them) and exits; terminated if it does not.
   */
  close(): void {
    this.port?.close();
    if (this.worker) {
      const worker = this.worker;
      worker.postMessage({ type: 'shutdown' } satisfies UnpackRequest);
      setTimeout(() => void worker.terminate(), 5000).unref();
    }
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
