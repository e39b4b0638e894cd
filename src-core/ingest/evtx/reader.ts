// The public reader: streams a log chunk by chunk with synchronous reads (constant memory:
// one 64 KiB buffer per chunk, released with its records), scanning every chunk to the end of
// the file whatever the header claims ("Dirty file with invalid number of chunks"; zeroed
// space followed by valid chunks). It never throws for bad data: problems come out as
// EvtxIssue items, in stream order, and reading goes on. Reads are sequential, so a log
// can come from a file or from any byte stream (a member of an archive, inflated as it goes).

import { openFileSource, type ByteSource } from '../text/byte-source.js';
import { allZero } from './bytes.js';
import { CHUNK_SIZE, TemplateStore } from './caches.js';
import { chunkItems, hasChunkSignature, type ChunkItem } from './chunk.js';
import { issue, type EvtxIssue } from './errors.js';
import { FILE_FLAG_NO_CRC32, FILE_HEADER_SIZE, parseFileHeader, type EvtxFileHeader } from './file-header.js';
import type { EvtxFilter, EvtxRecord, EvtxSkipped } from './record.js';

export type EvtxItem = EvtxRecord | EvtxSkipped | EvtxIssue;

export interface EvtxReadOptions {
  /**
   * Called with eventId, provider and channel before a record is fully decoded; records it
   * rejects are yielded as light EvtxSkipped items (their data is never rendered).
   */
  filter?: EvtxFilter;
  /** Scan damaged chunks and chunks with a bad signature for records (default true). */
  recover?: boolean;
}

export interface EvtxReadStats {
  /** Chunks read (all 64 KiB blocks after the header), and those found empty (all zero). */
  chunks: number;
  emptyChunks: number;
  records: number;
  skipped: number;
  issues: number;
  /** Bytes read from the file so far. */
  bytes: number;
}

const ZERO_CHUNK = Buffer.alloc(CHUNK_SIZE);

export class EvtxReader implements Iterable<EvtxItem> {
  /** The file header as stored (its chunk count is informative only). */
  readonly header: EvtxFileHeader;
  readonly path: string | null;
  readonly stats: EvtxReadStats = { chunks: 0, emptyChunks: 0, records: 0, skipped: 0, issues: 0, bytes: 0 };
  private readonly headerIssues: EvtxIssue[];
  private started = false;

  /** The source, its file header already read (when the reader was given a source). */
  private source: ByteSource | null;

  /** A path is opened when iteration starts; a source is read from where it stands. */
  constructor(
    input: string | ByteSource,
    private readonly opts: EvtxReadOptions = {},
  ) {
    let head: Buffer;
    if (typeof input === 'string') {
      this.path = input;
      this.source = null;
      const s = openFileSource(input);
      try {
        head = readFull(s, FILE_HEADER_SIZE);
      } finally {
        s.close();
      }
    } else {
      this.path = null;
      this.source = input;
      head = readFull(input, FILE_HEADER_SIZE);
    }
    const { header, problems } = parseFileHeader(head);
    this.header = header;
    this.headerIssues = problems.map((p) => issue(p.kind, p.message, null, p.offset));
  }

  /** True when the header's dirty flag is set (the file was not closed cleanly). */
  get dirty(): boolean {
    return this.header.dirty;
  }

  [Symbol.iterator](): Iterator<EvtxItem> {
    if (this.started) throw new Error('an EvtxReader can be iterated only once');
    this.started = true;
    return this.items();
  }

  private *items(): Generator<EvtxItem> {
    const stats = this.stats;
    for (const i of this.headerIssues) {
      stats.issues++;
      yield i;
    }
    const opts = {
      filter: this.opts.filter ?? null,
      recover: this.opts.recover ?? true,
      noCrc: (this.header.flags & FILE_FLAG_NO_CRC32) !== 0 && this.header.valid,
      templates: new TemplateStore(),
    };
    let source = this.source;
    if (!source) {
      source = openFileSource(this.path!);
      readFull(source, FILE_HEADER_SIZE);
    }
    this.source = null;
    try {
      for (let pos = FILE_HEADER_SIZE, index = 0; ; pos += CHUNK_SIZE, index++) {
        const buf = Buffer.allocUnsafe(CHUNK_SIZE);
        const n = readInto(source, buf);
        if (n === 0) break;
        stats.bytes += n;
        stats.chunks++;
        if (n < CHUNK_SIZE) {
          buf.fill(0, n);
          if (allZero(buf, 0, n)) {
            stats.emptyChunks++;
            continue;
          }
          stats.issues++;
          yield issue('truncated', `file ends ${CHUNK_SIZE - n} bytes into chunk ${index}`, index, pos + n);
        }
        if (!hasChunkSignature(buf) && buf.equals(ZERO_CHUNK)) {
          stats.emptyChunks++;
          continue;
        }
        for (const item of chunkItems(buf, index, pos, opts) as Iterable<ChunkItem>) {
          if (item.type === 'record') stats.records++;
          else if (item.type === 'skipped') stats.skipped++;
          else stats.issues++;
          yield item;
        }
      }
    } finally {
      source.close();
    }
  }
}

/** Fills `buf` from the source as far as it goes; returns how many bytes (less only at the end). */
function readInto(source: ByteSource, buf: Buffer): number {
  let n = 0;
  while (n < buf.length) {
    const got = source.read(buf, n, buf.length - n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

function readFull(source: ByteSource, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  return buf.subarray(0, readInto(source, buf));
}

/**
 * Opens an EVTX log for streaming, from a path or a source (which the reader closes when
 * iteration ends). Throws only when the log cannot be opened or read.
 */
export function readEvtx(input: string | ByteSource, opts?: EvtxReadOptions): EvtxReader {
  return new EvtxReader(input, opts);
}

export function isRecord(item: EvtxItem): item is EvtxRecord {
  return item.type === 'record';
}

export function isSkipped(item: EvtxItem): item is EvtxSkipped {
  return item.type === 'skipped';
}

export function isIssue(item: EvtxItem): item is EvtxIssue {
  return item.type === 'issue';
}
