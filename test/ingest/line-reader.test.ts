import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../src-core/ingest/text/byte-source.js';
import { ChunkBuffer } from '../../src-core/ingest/text/chunk-buffer.js';
import { readLines, rawLines } from '../../src-core/ingest/text/line-reader.js';
import { identityMapper } from '../../src-core/ingest/text/utf16-source.js';
import { CHUNK_SIZES, ENCODINGS, byteOffset, encode, generatedSource, src, type Enc } from './helpers.js';

function lines(data: string | Buffer, opts: { chunkSize?: number; maxLineBytes?: number } = {}, maxRead = Infinity) {
  return [...readLines(src(data, maxRead), opts)];
}

/** What readLines should give for `text` in `enc`: split at LF, CR of CRLF dropped. */
function expected(text: string, enc: Enc) {
  const out: { text: string; line: number; offset: number }[] = [];
  let start = 0;
  let n = 1;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    const body = text.slice(start, stop);
    out.push({ text: body.endsWith('\r') ? body.slice(0, -1) : body, line: n++, offset: byteOffset(text, start, enc) });
    if (nl < 0) break;
    start = nl + 1;
  }
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF lines with exact byte offsets', () => {
    expect(lines('a\r\nbb\n\nccc')).toEqual([
      { text: 'a', line: 1, offset: 0 },
      { text: 'bb', line: 2, offset: 3 },
      { text: '', line: 3, offset: 6 },
      { text: 'ccc', line: 4, offset: 7 },
    ]);
  });

  it('yields nothing for an empty file and no phantom line after a final newline', () => {
    expect(lines('')).toEqual([]);
    expect(lines('\n')).toEqual([{ text: '', line: 1, offset: 0 }]);
    expect(lines('x\n').length).toBe(1);
  });

  it('skips a UTF-8 BOM but counts it in offsets', () => {
    expect(lines(encode('ab\ncd', 'utf-8-bom'))).toEqual([
      { text: 'ab', line: 1, offset: 3 },
      { text: 'cd', line: 2, offset: 6 },
    ]);
  });

  it('counts multi-byte characters in offsets', () => {
    expect(lines('é€😀\nx')[1]).toEqual({ text: 'x', line: 2, offset: 10 });
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const got = lines(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x0a, 0xe2, 0x82]));
    expect(got.map((l) => l.text)).toEqual(['a\uFFFDb', '\uFFFD', '\uFFFD']);
    expect(got.map((l) => l.offset)).toEqual([0, 4, 6]);
  });

  it('decodes UTF-16LE and UTF-16BE with byte offsets of the original file', () => {
    const text = 'ab\r\nc€😀\nd';
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      expect(lines(encode(text, enc))).toEqual([
        { text: 'ab', line: 1, offset: 2 },
        { text: 'c€😀', line: 2, offset: 10 },
        { text: 'd', line: 3, offset: 20 },
      ]);
    }
  });

  it('detects BOM-less UTF-16LE', () => {
    const got = lines(Buffer.from('hello\r\nworld\r\n', 'utf16le'));
    expect(got).toEqual([
      { text: 'hello', line: 1, offset: 0 },
      { text: 'world', line: 2, offset: 14 },
    ]);
  });

  it('reports an over-long line without its text and carries on', () => {
    const text = 'short\n' + 'x'.repeat(100) + '\r\nafter\n' + 'y'.repeat(50);
    for (const chunkSize of [3, 4, 16, 1000]) {
      expect(lines(text, { maxLineBytes: 10, chunkSize })).toEqual([
        { text: 'short', line: 1, offset: 0 },
        { text: '', line: 2, offset: 6, tooLong: true },
        { text: 'after', line: 3, offset: 108 },
        { text: '', line: 4, offset: 114, tooLong: true },
      ]);
    }
  });

  it('does not buffer an over-long line', () => {
    const line = 'z'.repeat(8 * 1024 * 1024);
    const chunks = new ChunkBuffer(bufferSource(Buffer.from(`a\n${line}\nb\n`)), identityMapper(0), 4096);
    const seen: string[] = [];
    for (const raw of rawLines(chunks, 1000)) seen.push(raw.tooLong ? 'LONG' : chunks.buf.toString('utf8', raw.start, raw.end));
    expect(seen).toEqual(['a', 'LONG', 'b']);
    expect(chunks.buf.length).toBeLessThan(64 * 1024);
  });

  it('gives the same lines whatever the chunk size or short reads', () => {
    const text = 'first\r\n\r\nthird é\n😀 fourth\r\nlast';
    for (const enc of ENCODINGS) {
      const want = expected(text, enc);
      for (const chunkSize of CHUNK_SIZES) {
        expect(lines(encode(text, enc), { chunkSize })).toEqual(want);
        expect(lines(encode(text, enc), { chunkSize: 64 }, 3)).toEqual(want);
      }
    }
  });

  it('matches a plain split for random text, encodings and chunk sizes', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom('\n', '\r\n', '\r', '\u00e9', '\u20ac', '\ud83d\ude00', ' '),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
        fc.constantFrom(...ENCODINGS),
        fc.integer({ min: 1, max: 40 }),
        (text, enc, chunkSize) => {
          expect(lines(encode(text, enc), { chunkSize })).toEqual(expected(text, enc));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('streams a large input in constant memory', () => {
    const total = 100_000;
    const source = generatedSource(total, (i) => `line ${i} ${'x'.repeat(400)}\n`);
    let n = 0;
    let last = 0;
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    for (const l of readLines(source)) {
      n++;
      last = l.line;
      if (n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(n).toBe(total);
    expect(last).toBe(total);
    expect(source.bytesRead).toBeGreaterThan(40_000_000);
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
  });
});
