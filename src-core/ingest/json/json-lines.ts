import type { ChunkBuffer } from '../text/chunk-buffer.js';
import { rawLines } from '../text/line-reader.js';
import { MAX_JSON_DEPTH } from './big-json.js';
import { DEPTH_ERROR, parsedRecord, tooLargeError, type JsonRecord } from './json-record.js';
import type { JsonTree } from './json-tree.js';

const OPENER = new Uint8Array(256);
OPENER[0x5b] = 1;
OPENER[0x7b] = 1;

/**
 * JSON.parse itself copes with deep nesting, but whatever walks the value later is
 * recursive. Counting brackets (strings included) is cheap and exact enough to rule
 * nesting out; only lines with that many brackets get the string-aware check.
 */
function tooDeep(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 2 * MAX_JSON_DEPTH) return false;
  let openers = 0;
  for (let i = start; i < end; i++) openers += OPENER[buf[i] as number] as number;
  if (openers <= MAX_JSON_DEPTH) return false;
  let depth = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/**
 * JSON lines: every non-blank line is one record; a bad line never affects the next. With
 * a `tree`, a line its scan accepts comes out scanned, not parsed (decision 83); the rest
 * are parsed as ever, so JSON.parse still decides which lines are bad.
 */
export function* jsonLines(
  chunks: ChunkBuffer, maxRecordBytes: number, keep?: (index: number) => boolean, tree?: JsonTree,
): Generator<JsonRecord, void, void> {
  let index = 0;
  for (const raw of rawLines(chunks, maxRecordBytes)) {
    const buf = chunks.buf;
    if (raw.tooLong) {
      index++;
      yield keep && !keep(index) ? { line: raw.line, offset: raw.offset, index } : { line: raw.line, offset: raw.offset, index, error: tooLargeError(maxRecordBytes) };
      continue;
    }
    let start = raw.start;
    let end = raw.end;
    while (start < end && isWs(buf[start] as number)) start++;
    while (end > start && isWs(buf[end - 1] as number)) end--;
    if (start === end) continue;
    index++;
    const offset = start === raw.start ? raw.offset : chunks.fileOffset(start);
    // Another reader maps this one (a file split between parse workers): not even decoded.
    if (keep && !keep(index)) {
      yield { line: raw.line, offset, index };
      continue;
    }
    const text = buf.toString('utf8', start, end);
    // The scan gives up past MAX_JSON_DEPTH itself, so a line it accepts needs no depth count
    // (a byte loop over every line longer than 1 KB: 6 % of the parse).
    if (tree?.scan(text)) {
      yield { line: raw.line, offset, index, tree: tree.ref() };
      continue;
    }
    yield tooDeep(buf, start, end) ? { line: raw.line, offset, index, error: DEPTH_ERROR } : parsedRecord(text, raw.line, offset, index);
  }
}
