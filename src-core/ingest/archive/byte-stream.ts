// Worker side: the bytes of a member as a Node stream, checked as they flow (size and
// CRC-32 against the container's header, the running ratio for streams of unknown size)
// and hashed, then handed to a synchronous reader in chunks.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Abandoned, type AsyncPoster } from '../sync-port.js';
import { ArchiveError, problemOf, type ArchiveProblem } from './errors.js';
import { RING_SLOT_BYTES, RING_SLOTS, type StreamMessage } from './listing.js';

export interface ByteStream {
  stream: Readable;
  /** The uncompressed size the container declares: the data must be exactly this long. */
  declared: number | null;
  /** The CRC-32 the container declares (zip). */
  crc32: number | null;
  /** Compressed bytes read so far, for streams whose size is not declared (gzip): the ratio guard. */
  consumed: (() => number) | null;
  /** Budget for `consumed`: how many bytes out per compressed byte in, and the floor. */
  ratio: { max: number; floor: number } | null;
  /** A member of a sequential container (tar): drain what is left rather than destroy the stream. */
  drain: boolean;
  /** Called once the stream is finished with, read or not. */
  done: () => void;
  /** Said at the end when nothing else went wrong (a recovered member the file's end cuts). */
  endProblem?: ArchiveProblem;
  /** The cause behind the stream's own error, when it lies deeper (a tar member: the .tar.gz's inflate). */
  cause?: () => Error | null;
}

/**
 * zlib hands out a new buffer for every chunk it inflates, and V8 frees such buffers only
 * at a garbage collection, which it starts once some 64 MB of them have piled up: 30-40 MB
 * more at the peak of an import (issue 10, measured on a 1 GB zip of EVTX). A young-
 * generation collection after every few megabytes inflated frees them while they are
 * young, for about a millisecond each. `gc` is not exposed to Node programs by default:
 * the flag is set here, in the unpack worker only, and without it nothing is collected.
 */
const collect = ((): ((options: { type: 'minor' }) => void) | null => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as (options: { type: 'minor' }) => void) : null;
  } catch {
    return null;
  }
})();
const COLLECT_EVERY = 4 * 1024 * 1024;
let sinceCollect = 0;

function inflated(bytes: number): void {
  sinceCollect += bytes;
  if (sinceCollect < COLLECT_EVERY || !collect) return;
  sinceCollect = 0;
  collect({ type: 'minor' });
}


/** Writes into a reader's ring, a slot at a time, each posted once full. */
class RingWriter {
  private readonly ring: Uint8Array;
  private slot = -1;
  private fill = 0;
  private posted = 0;

  constructor(
    private readonly out: AsyncPoster,
    ring: SharedArrayBuffer,
  ) {
    this.ring = new Uint8Array(ring);
  }

  async write(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      if (this.slot < 0) {
        await this.out.room(); // the slot about to be written is not the one being read
        this.slot = this.posted % RING_SLOTS;
        this.fill = 0;
      }
      const n = Math.min(chunk.length - at, RING_SLOT_BYTES - this.fill);
      this.ring.set(chunk.subarray(at, at + n), this.slot * RING_SLOT_BYTES + this.fill);
      this.fill += n;
      at += n;
      if (this.fill === RING_SLOT_BYTES) this.flush();
    }
  }

  flush(): void {
    if (this.slot < 0 || this.fill === 0) return;
    if (this.out.abandoned) throw new Abandoned();
    this.out.send({ type: 'data', slot: this.slot, length: this.fill } satisfies StreamMessage);
    this.posted++;
    this.slot = -1;
  }
}

/**
 * How many bytes of the stream its limits allow (Infinity: no limit), and what is wrong
 * past them: its declared size, or (size not declared) the ratio to the bytes read so far.
 */
function limit(bs: ByteStream): { allowed: number; problem: ArchiveProblem } | null {
  if (bs.declared !== null) {
    return { allowed: bs.declared, problem: { kind: 'bomb', message: `more data than the ${bs.declared} bytes its header declares (damaged, or a zip bomb)` } };
  }
  if (bs.consumed && bs.ratio) {
    const allowed = Math.max(bs.ratio.floor, bs.consumed() * bs.ratio.max);
    return { allowed, problem: { kind: 'bomb', message: `inflates to more than ${bs.ratio.max} times its compressed size (a zip bomb?): reading stopped at ${allowed} bytes` } };
  }
  return null;
}

/**
 * Streams a member to its reader through the reader's ring. Damage (a zlib error, a short
 * member, a CRC mismatch) ends the member where it happened and is reported with the end,
 * so the records read before it are kept, as with a truncated file on disk. Null when the
 * reader left.
 */
export async function pumpMember(bs: ByteStream, out: AsyncPoster, ring: SharedArrayBuffer): Promise<StreamMessage | null> {
  const hash = createHash('sha256');
  const writer = new RingWriter(out, ring);
  let crc = 0;
  let bytes = 0;
  let problem: ArchiveProblem | null = null;
  let reading = true;
  try {
    try {
      for await (const whole of bs.stream as AsyncIterable<Buffer>) {
        if (!reading) continue; // draining a tar member nobody reads any more
        // Past a limit, the bytes up to it are read and the rest is not.
        const l = limit(bs);
        let chunk = whole;
        if (l && bytes + chunk.length > l.allowed) {
          chunk = chunk.subarray(0, Math.max(0, l.allowed - bytes));
          problem = l.problem;
          reading = false;
        }
        bytes += chunk.length;
        hash.update(chunk);
        if (bs.crc32 !== null) crc = crc32(chunk, crc);
        await writer.write(chunk);
        inflated(chunk.length);
        if (!reading && !bs.drain) break;
      }
    } catch (err) {
      if (err instanceof Abandoned) throw err;
      problem ??= problemOf(bs.cause?.() ?? err);
    }
    writer.flush();
  } catch (err) {
    if (err instanceof Abandoned) {
      if (bs.drain) await drain(bs.stream);
      return null;
    }
    throw err;
  } finally {
    bs.done();
  }
  if (!problem && bs.declared !== null && bytes < bs.declared) {
    problem = { kind: 'truncated', message: `ends after ${bytes} of the ${bs.declared} bytes its header declares` };
  }
  if (!problem && bs.crc32 !== null && (crc >>> 0) !== (bs.crc32 >>> 0)) {
    problem = { kind: 'damaged', message: `CRC-32 ${hex(crc)} where the header says ${hex(bs.crc32)}: the data is damaged` };
  }
  problem ??= bs.endProblem ?? null;
  return { type: 'end', sha256: hash.digest('hex'), bytes, problem };
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Reads what is left of a stream without keeping it (a tar member: the next one follows it). */
export async function drain(stream: Readable): Promise<void> {
  try {
    for await (const _ of stream as AsyncIterable<Buffer>) {
      // discarded
    }
  } catch {
    // the stream's own error is reported by whoever reads the container
  }
}

/** The first `max` bytes of a stream (what content detection looks at); the rest drained or dropped. */
export async function readHead(bs: ByteStream, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of bs.stream as AsyncIterable<Buffer>) {
      if (n < max) {
        parts.push(chunk.subarray(0, max - n));
        n += Math.min(chunk.length, max - n);
      }
      if (n >= max && !bs.drain) break;
    }
  } catch (err) {
    // The head is what could be read; damage is found and reported when the member is read.
    if (n === 0) throw err instanceof ArchiveError ? err : new ArchiveError(problemOf(err).kind, problemOf(err).message);
  } finally {
    bs.done();
  }
  return Buffer.concat(parts, n);
}
