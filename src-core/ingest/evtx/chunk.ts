// One 64 KiB chunk ("Chunk", "Chunk header", "Event record", "Recovery", "Corruption
// scenarios"): header and CRC checks, then the records. Records are walked from offset 512 by
// their sizes up to the free space offset. Each is validated (signature, size, trailing copy
// of the size) before its BinXML is trusted:
// - a record whose size copy does not match but whose header looks sane (identifier within the
//   chunk's range) is decoded anyway and yielded as `damaged` when its BinXML decodes: its tail
//   was zeroed or overwritten;
// - past corruption (bad signature, bad size, zeroed space) the rest of the chunk, up to the
//   free space offset, is scanned at 8-byte steps for records whose size copy matches and whose
//   identifier lies in the chunk's range; these are `carved`;
// - a chunk with a bad signature (header lost) is scanned the same way over its whole data area.
// Records found past the free space offset are taken only when they continue the identifier
// sequence (a header not updated before the file was copied).

import { crc32 } from 'node:zlib';
import { allZero, u32, u64n } from './bytes.js';
import { ChunkContext, CHUNK_SIZE, type TemplateStore } from './caches.js';
import { EvtxCrcError, issue, issueFromError, type EvtxIssue } from './errors.js';
import { decodeRecord, type EvtxFilter, type EvtxRecord, type EvtxSkipped, type RecordIntegrity } from './record.js';
import { filetimeToIso } from './time.js';

export const CHUNK_HEADER_SIZE = 512;
export const CHUNK_SIGNATURE = 'ElfChnk\0';
const RECORD_SIGNATURE = 0x00002a2a;
const RECORD_SIGNATURE_BYTES = Buffer.from([0x2a, 0x2a, 0, 0]);
const RECORD_HEADER_SIZE = 24;
/** Signature, size, identifier, written time, at least the end-of-file token… and the size copy. */
const MIN_RECORD_SIZE = 28;
/** Chunk flag 0x4: no CRC-32 values written (as the file flag; see file-header.ts). */
const CHUNK_FLAG_NO_CRC32 = 0x4;

export interface ChunkHeader {
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  eventsChecksum: number;
  flags: number;
  checksum: number;
}

export function parseChunkHeader(b: Buffer): ChunkHeader {
  return {
    firstRecordNumber: u64n(b, 8),
    lastRecordNumber: u64n(b, 16),
    firstRecordId: u64n(b, 24),
    lastRecordId: u64n(b, 32),
    headerSize: u32(b, 40),
    lastRecordOffset: u32(b, 44),
    freeSpaceOffset: u32(b, 48),
    eventsChecksum: u32(b, 52),
    flags: u32(b, 120),
    checksum: u32(b, 124),
  };
}

/** CRC-32 of the first 120 bytes and bytes 128 to 512 of the chunk. */
export function chunkHeaderCrc(b: Buffer): number {
  return crc32(b.subarray(128, CHUNK_HEADER_SIZE), crc32(b.subarray(0, 120)));
}

export function hasChunkSignature(b: Buffer): boolean {
  return b[0] === 0x45 && b[1] === 0x6c && b[2] === 0x66 && b[3] === 0x43 && b[4] === 0x68 && b[5] === 0x6e && b[6] === 0x6b && b[7] === 0;
}

export interface ChunkOptions {
  filter: EvtxFilter | null;
  /** Scan damaged chunks for records (see above); default true. */
  recover: boolean;
  /** The file header says no CRC-32 values are written. */
  noCrc: boolean;
  /** Templates of earlier chunks, for chunks whose own definitions are lost. */
  templates: TemplateStore | null;
}

export interface ChunkStats {
  records: number;
  skipped: number;
  issues: number;
}

export type ChunkItem = EvtxRecord | EvtxSkipped | EvtxIssue;

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The items of one chunk, in order. `b` is the chunk (CHUNK_SIZE bytes; missing tail zero-filled). */
export function* chunkItems(b: Buffer, index: number, fileOffset: number, opts: ChunkOptions): Generator<ChunkItem> {
  const ctx = new ChunkContext(b, index, fileOffset, opts.templates);
  yield* records(ctx, opts);
  if (ctx.borrowed.size > 0) {
    const ids = [...ctx.borrowed].map((id) => hex(id)).join(', ');
    yield issue('binxml', `template definition(s) ${ids} unreadable in this chunk: decoded with the same template from an earlier chunk`, index, fileOffset);
  }
}

function* records(ctx: ChunkContext, opts: ChunkOptions): Generator<ChunkItem> {
  const { buf: b, index, fileOffset } = ctx;
  const at = (off: number): number => fileOffset + off;

  if (!hasChunkSignature(b)) {
    yield issue('chunk-header', `bad chunk signature ${JSON.stringify(b.toString('latin1', 0, 8))}`, index, fileOffset);
    if (opts.recover) yield* carve(ctx, CHUNK_HEADER_SIZE, CHUNK_SIZE, null, -1, opts);
    return;
  }

  const h = parseChunkHeader(b);
  const checkCrc = !opts.noCrc && (h.flags & CHUNK_FLAG_NO_CRC32) === 0;
  let headerOk = true;
  if (checkCrc) {
    const computed = chunkHeaderCrc(b);
    if (computed !== h.checksum) {
      headerOk = false;
      yield issue('crc', new EvtxCrcError('chunk header', h.checksum, computed, 124).message, index, at(124));
    }
  }
  let limit = h.freeSpaceOffset;
  if (limit < CHUNK_HEADER_SIZE || limit > CHUNK_SIZE) {
    yield issue('chunk-header', `free space offset ${hex(limit)} out of range`, index, at(48));
    limit = CHUNK_SIZE;
    headerOk = false;
  } else if (checkCrc) {
    const computed = crc32(b.subarray(CHUNK_HEADER_SIZE, limit));
    if (computed !== h.eventsChecksum) {
      yield issue('crc', new EvtxCrcError('event records', h.eventsChecksum, computed, 52).message, index, at(52));
    }
  }
  const rangeOk = h.firstRecordId <= h.lastRecordId && h.lastRecordId - h.firstRecordId < CHUNK_SIZE;
  const range: IdRange | null = rangeOk ? { first: h.firstRecordId, last: h.lastRecordId } : null;
  if (!rangeOk) {
    yield issue('chunk-header', `bad record identifier range ${h.firstRecordId}-${h.lastRecordId}`, index, at(24));
  }

  let off = CHUNK_HEADER_SIZE;
  let prevId = -1;
  let pastFreeSpace = false;
  let found = 0;
  const count = (item: ChunkItem): ChunkItem => {
    if (item.type !== 'issue' && range !== null && item.headerId >= range.first && item.headerId <= range.last) found++;
    return item;
  };
  for (;;) {
    if (off + RECORD_HEADER_SIZE > limit || (prevId >= 0 && prevId === h.lastRecordId && headerOk)) {
      // The walk is complete. Take further records only when they continue the sequence.
      if (off + RECORD_HEADER_SIZE <= CHUNK_SIZE && prevId >= 0 && continues(b, off, prevId)) {
        if (!pastFreeSpace) {
          yield issue('chunk-header', `records continue past the ${off >= limit ? 'free space offset' : 'last record identifier'} ${off >= limit ? hex(limit) : h.lastRecordId}`, index, at(off));
        }
        pastFreeSpace = true;
        limit = CHUNK_SIZE;
      } else break;
    }
    const sig = u32(b, off);
    if (sig !== RECORD_SIGNATURE) {
      if (pastFreeSpace) break;
      if (allZero(b, off, limit)) {
        // Archived files zero-fill up to a free space offset at the chunk end: only missing
        // records make that a problem.
        if (prevId === h.lastRecordId) break;
        yield issue('record-header', `zeroed space from ${hex(off)} to ${hex(limit)} before record ${h.lastRecordId}`, index, at(off));
      } else {
        yield issue('record-header', `bad record signature 0x${sig.toString(16).padStart(8, '0')}`, index, at(off));
      }
      if (opts.recover) for (const item of carve(ctx, off + 8, limit, range, prevId, opts)) yield count(item);
      break;
    }
    const size = u32(b, off + 4);
    const id = u64n(b, off + 8);
    if (size < MIN_RECORD_SIZE || off + size > CHUNK_SIZE) {
      if (pastFreeSpace) break;
      yield issue('record-header', `bad record size ${size}`, index, at(off), id);
      if (opts.recover) for (const item of carve(ctx, off + 8, limit, range, prevId, opts)) yield count(item);
      break;
    }
    const copy = u32(b, off + size - 4);
    if (copy !== size) {
      if (pastFreeSpace) break;
      const inRange = range !== null && id >= range.first && id <= range.last && id > prevId;
      yield issue(
        'record-header',
        `record size ${size} does not match its copy ${copy}${inRange ? '' : ` and identifier ${id} is outside the chunk's range`}`,
        index,
        at(off),
        id,
      );
      if (inRange) {
        const item = decodeAt(ctx, off, size, id, 'damaged', opts);
        yield count(item);
        if (item.type !== 'issue') prevId = id;
      }
      // Records may still follow the damaged one; else scan on from inside it.
      if (off + size + RECORD_HEADER_SIZE <= limit && validRecordAt(b, off + size) !== null) {
        off += size;
        continue;
      }
      if (opts.recover) for (const item of carve(ctx, off + 8, limit, range, prevId, opts)) yield count(item);
      break;
    }
    const item = decodeAt(ctx, off, size, id, 'intact', opts);
    yield count(item);
    prevId = id;
    off += size;
  }
  if (range !== null && headerOk && h.freeSpaceOffset > CHUNK_HEADER_SIZE && found < range.last - range.first + 1) {
    const listed = range.last - range.first + 1;
    yield issue('record-header', `${listed - found} of the ${listed} record identifiers the chunk header lists (${range.first}-${range.last}) were not found`, index, fileOffset);
  }
}

interface IdRange {
  first: number;
  last: number;
}

/** The size of a plausible record at `off` (signature, size, size copy), or null. */
function validRecordAt(b: Buffer, off: number): number | null {
  if (off + RECORD_HEADER_SIZE > CHUNK_SIZE || u32(b, off) !== RECORD_SIGNATURE) return null;
  const size = u32(b, off + 4);
  if (size < MIN_RECORD_SIZE || off + size > CHUNK_SIZE) return null;
  return u32(b, off + size - 4) === size ? size : null;
}

function continues(b: Buffer, off: number, prevId: number): boolean {
  return validRecordAt(b, off) !== null && u64n(b, off + 8) === prevId + 1;
}

function decodeAt(ctx: ChunkContext, off: number, size: number, id: number, integrity: RecordIntegrity, opts: ChunkOptions): ChunkItem {
  const b = ctx.buf;
  const written = filetimeToIso(u32(b, off + 16), u32(b, off + 20));
  try {
    return decodeRecord({ ctx, at: off, size, headerId: id, written, integrity }, opts.filter);
  } catch (err) {
    return issueFromError(err, ctx.index, ctx.fileOffset + off, id);
  }
}

/**
 * Scans `[from, limit)` at 8-byte steps for records whose size copy matches (and, with a
 * range, whose identifier lies in it and after `prevId`), decoding each as `carved`.
 */
function* carve(ctx: ChunkContext, from: number, limit: number, range: IdRange | null, prevId: number, opts: ChunkOptions): Generator<ChunkItem> {
  const b = ctx.buf;
  let off = (from + 7) & ~7;
  let found = 0;
  while (off + RECORD_HEADER_SIZE <= limit) {
    // Jump to the next signature (records start 8-byte aligned).
    const next = b.indexOf(RECORD_SIGNATURE_BYTES, off);
    if (next < 0 || next + RECORD_HEADER_SIZE > limit) break;
    if ((next & 7) !== 0) {
      off = (next + 7) & ~7;
      continue;
    }
    off = next;
    const size = validRecordAt(b, off);
    if (size === null || off + size > limit) {
      off += 8;
      continue;
    }
    const id = u64n(b, off + 8);
    if (range !== null && (id < range.first || id > range.last || id <= prevId)) {
      off += 8;
      continue;
    }
    const item = decodeAt(ctx, off, size, id, 'carved', opts);
    yield item;
    if (item.type !== 'issue') {
      found++;
      prevId = Math.max(prevId, id);
    }
    off += size;
  }
  if (found > 0) yield issue('record-header', `${found} record(s) recovered by scanning`, ctx.index, ctx.fileOffset + from);
}
