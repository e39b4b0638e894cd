// Decision 79: `fastRows` cuts a window into the rows papaparse would, or declines it.
// Every window it accepts is compared with papaparse's Parser on the same window, and
// whole files are read both ways (real exports, generated and random text, every
// encoding and many read sizes): the same rows, lines and errors.
import fs from 'node:fs';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fastRows } from '../../src-core/ingest/csv/fast-rows.js';
import { readCsv, type CsvOptions } from '../../src-core/ingest/csv/csv-reader.js';
import { CHUNK_SIZES, ENCODINGS, encode, src } from './helpers.js';

interface PapaOut {
  data: string[][];
  errors: unknown[];
  meta: { cursor: number };
}

/** What papaparse makes of a window, as CsvRows calls it. */
function papa(input: string, delimiter: string, atEnd: boolean): PapaOut {
  return new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' }).parse(input, 0, !atEnd) as PapaOut;
}

/** A window as CsvRows hands it over: cut after its last LF unless it ends the text. */
function window(text: string, atEnd: boolean): string | null {
  if (atEnd) return text.length > 0 ? text : null;
  const lf = text.lastIndexOf('\n');
  return lf < 0 ? null : text.slice(0, lf + 1);
}

/** fastRows against papaparse on one window; whether fastRows took it. */
function compare(input: string, delimiter: string, atEnd: boolean): boolean {
  const fast = fastRows(input, delimiter, atEnd);
  if (fast === null) return false;
  const p = papa(input, delimiter, atEnd);
  expect(p.errors).toEqual([]);
  // At the end, papaparse makes a last empty row of the text after the final LF.
  const rows = atEnd && input.endsWith('\n') ? p.data.slice(0, -1) : p.data;
  expect(fast.rows).toEqual(rows);
  expect(fast.cursor).toBe(p.data.length === 0 ? 0 : p.meta.cursor);
  expect(fast.newlines).toBe(input.slice(0, fast.cursor).split('\n').length - 1);
  // Each row starts on its line and ends at its own LF (or the text's end).
  let line = 0;
  fast.rows.forEach((fields, i) => {
    expect(fast.lines[i]).toBe(line);
    const end = fast.ends[i]!;
    expect(end === input.length || input[end] === '\n').toBe(true);
    line += 1 + fields.join('').split('\n').length - 1;
  });
  return true;
}

function readAll(data: string | Buffer, opts: CsvOptions) {
  const reader = readCsv(src(data), opts);
  return { header: reader.header, rows: [...reader] };
}

/** The same file read with fastRows and with papaparse alone. */
function sameBothWays(data: string | Buffer, opts: CsvOptions = {}): number {
  const fast = readAll(data, opts);
  expect(fast).toEqual(readAll(data, { ...opts, papaparseOnly: true }));
  return fast.rows.length;
}

describe('fastRows (decision 79)', () => {
  it('cuts plain and quoted rows as papaparse does', () => {
    const text =
      'a,"b ""q"", c",d\n' + // doubled quotes, a delimiter inside quotes
      '"multi\nline\r\nfield",x,""\n' + // LF and CRLF inside a field, an empty quoted field
      'x"y,z,"w"\r\n' + // a quote inside an unquoted field is text; CR LF after a closing quote
      '\n' + // a blank line
      'p,q,r\r\n' + // CR kept on the unquoted last field (CsvRows takes it off)
      ',,\n';
    for (const atEnd of [false, true]) expect(compare(text, ',', atEnd)).toBe(true);
    const got = fastRows(text, ',', true)!;
    expect(got.rows).toEqual([
      ['a', 'b "q", c', 'd'],
      ['multi\nline\r\nfield', 'x', ''],
      ['x"y', 'z', 'w'],
      [''],
      ['p', 'q', 'r\r'],
      ['', '', ''],
    ]);
    expect(got.lines).toEqual([0, 1, 4, 5, 6, 7]);
  });

  it('holds back the last row of a window that does not end the text', () => {
    const text = 'a,b\nc,"open\nstill open\n';
    const got = fastRows(text, ',', false)!;
    expect(got.rows).toEqual([['a', 'b']]);
    expect(got.cursor).toBe(4);
    expect(got.newlines).toBe(1);
    expect(compare(text, ',', false)).toBe(true);
    // Nothing complete: the caller widens the window.
    expect(fastRows('"open\nstill\n', ',', false)!.cursor).toBe(0);
    // A last row without LF is complete only at the end.
    expect(fastRows('a,b\nc,d', ',', true)!.rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(fastRows('a,"b"', ',', true)!.rows).toEqual([['a', 'b']]);
  });

  it('declines what papaparse reads with an error or around whitespace', () => {
    expect(fastRows('a,"open\n', ',', true)).toBeNull(); // MissingQuotes
    expect(fastRows('"x"y,z\n', ',', true)).toBeNull(); // InvalidQuotes
    expect(fastRows('"x" ,z\n', ',', true)).toBeNull(); // a space papaparse skips
    expect(fastRows('"x"\r,z\n', ',', true)).toBeNull(); // a CR papaparse skips
    expect(fastRows('a,b\n', 'ab', true)).toBeNull(); // not one character
    expect(papa('"x" ,z\n', ',', true).errors).toEqual([]); // papaparse reads it: the caller hands it over
  });

  it('reads like papaparse, or declines, on random text of CSV characters', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '😀'), { maxLength: 60 })
      .map((a) => a.join(''));
    let taken = 0;
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';', '\t'), fc.boolean(), (t, d, atEnd) => {
        const input = window(t, atEnd);
        if (input !== null && compare(input, d, atEnd)) taken++;
      }),
      { numRuns: 3000 },
    );
    // Most such text is irregular; the comparisons above must not all be declined ones.
    expect(taken).toBeGreaterThan(300);
  });

  it('takes every window of well-formed CSV, and reads it as papaparse does', () => {
    const field = fc.array(fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é', '{"k":"v"}'), { maxLength: 5 }).map((a) => a.join(''));
    const table = fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(table, fc.boolean(), fc.constantFrom('\n', '\r\n'), fc.boolean(), (rows, quoteAll, eol, atEnd) => {
        const quote = (f: string) => (quoteAll || /[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
        const input = window(rows.map((r) => r.map(quote).join(',')).join(eol) + eol, atEnd)!;
        expect(compare(input, ',', atEnd)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads the corpus and sample exports as papaparse does, fastRows taking their windows', () => {
    const files = ['../shared/corpus/csv/defender/advanced_hunting_test.csv', 'samples/defender/fleet-union.csv'];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect(compare(text, ',', true)).toBe(true);
      expect(sameBothWays(text)).toBeGreaterThan(20);
      for (const chunkSize of [1000, 4096, 65536]) sameBothWays(text, { chunkSize });
    }
  });

  it('reads whole files like papaparse alone: every encoding, read size and kind of damage', () => {
    const text =
      'h1,h2,h3\r\n' +
      '"a ""q"", b","line1\r\nline2",x\r\n' +
      '\r\n' +
      'plain,"é😀",""\n' +
      'x"y,"z" ,w\n' + // whitespace after a closing quote: papaparse's window
      '1,"bad"quote,3\n' + // InvalidQuotes
      '4,5\n' + // too few fields
      '"x\ny",last,end';
    for (const enc of ENCODINGS) {
      for (const chunkSize of CHUNK_SIZES) sameBothWays(encode(text, enc), { chunkSize });
    }
    expect(sameBothWays(text)).toBe(6);
    expect(sameBothWays('a,b\n1,"open\n2,3\n')).toBe(2); // unbalanced: a bad row, then the next line
  });

  it('reads random files like papaparse alone', () => {
    const line = fc.array(fc.constantFrom('a', ',', '"', '""', '\r', ' ', 'é', ',"x"', '"y",'), { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 64 }), (lines, eol, chunkSize) => {
        sameBothWays(['a,b,c', ...lines].join(eol) + eol, { chunkSize, delimiter: ',' });
      }),
      { numRuns: 400 },
    );
  });
});
