import type { ByteSource } from './byte-source.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import { DEFAULT_CHUNK_SIZE } from './chunk-buffer.js';
import { openUtf8 } from './text-stream.js';

export interface Line {
  text: string;
  /** 1-based. */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Set when the line exceeded maxLineBytes; its text is then ''. */
  tooLong?: boolean;
}

export interface LineOptions {
  /** Longer lines are reported as tooLong and skipped without being buffered. Default 256 MiB. */
  maxLineBytes?: number;
  /** Read size; tiny values let tests hit every chunk boundary. */
  chunkSize?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

/** A line as positions in `chunks.buf`, valid until the generator resumes. */
export interface RawLine {
  start: number;
  /** Exclusive, without the CR of a CRLF. */
  end: number;
  line: number;
  offset: number;
  tooLong: boolean;
}

/**
 * Splits UTF-8 bytes at LF without decoding, which gives exact offsets and lets
 * callers skip lines cheaply. The yielded object is reused between lines.
 */
export function* rawLines(chunks: ChunkBuffer, maxLineBytes: number): Generator<RawLine, void, void> {
  const raw: RawLine = { start: 0, end: 0, line: 0, offset: 0, tooLong: false };
  let lineNo = 1;
  let start = 0;
  let scan = 0;
  for (;;) {
    const nl = scan < chunks.end ? chunks.view.indexOf(10, scan) : -1;
    if (nl >= 0 || (chunks.eof && start < chunks.end)) {
      const stop = nl >= 0 ? nl : chunks.end;
      raw.line = lineNo;
      raw.offset = chunks.fileOffset(start);
      raw.start = start;
      raw.end = stop > start && chunks.buf[stop - 1] === 13 ? stop - 1 : stop;
      raw.tooLong = stop - start > maxLineBytes;
      if (raw.tooLong) raw.end = raw.start;
      yield raw;
      if (nl < 0) return;
      lineNo++;
      start = scan = nl + 1;
      continue;
    }
    if (chunks.eof) return;
    if (chunks.end - start > maxLineBytes) {
      raw.line = lineNo;
      raw.offset = chunks.fileOffset(start);
      const next = skipPastNewline(chunks);
      raw.start = raw.end = next;
      raw.tooLong = true;
      yield raw;
      if (chunks.eof && next >= chunks.end) return;
      lineNo++;
      start = scan = next;
      continue;
    }
    scan = chunks.end;
    const shift = chunks.fill(start);
    start -= shift;
    scan -= shift;
  }
}

/** Discards bytes up to and including the next LF; returns the index after it. */
function skipPastNewline(chunks: ChunkBuffer): number {
  let scan = chunks.end;
  for (;;) {
    scan -= chunks.fill(chunks.end);
    const nl = chunks.view.indexOf(10, scan);
    if (nl >= 0) return nl + 1;
    if (chunks.eof) return chunks.end;
    scan = chunks.end;
  }
}

/** Lines of a text file, decoded (UTF-8 or UTF-16; invalid bytes become U+FFFD). */
export function* readLines(source: ByteSource, opts: LineOptions = {}): Generator<Line, void, void> {
  const { chunks } = openUtf8(source, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  for (const raw of rawLines(chunks, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
    if (raw.tooLong) {
      yield { text: '', line: raw.line, offset: raw.offset, tooLong: true };
    } else {
      yield { text: chunks.buf.toString('utf8', raw.start, raw.end), line: raw.line, offset: raw.offset };
    }
  }
}
