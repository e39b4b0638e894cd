import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvRow } from '../../src-core/ingest/csv/csv-reader.js';
import { CHUNK_SIZES, ENCODINGS, encode, generatedSource, src } from './helpers.js';

type Opts = Parameters<typeof readCsv>[1];

function read(data: string | Buffer, opts: Opts = {}) {
  const reader = readCsv(src(data), opts);
  const rows = [...reader];
  return { header: reader.header, delimiter: reader.delimiter, encoding: reader.encoding, rows };
}

const row = (record: number, line: number, fields: string[], error?: string): CsvRow =>
  error === undefined ? { fields, record, line } : { fields, record, line, error };

describe('readCsv', () => {
  it('reads RFC 4180 quoting: commas, doubled quotes, LF and CRLF inside fields', () => {
    const text =
      'Name,CommandLine,Note\r\n' +
      'a,"cmd.exe /c ""x, y""",plain\r\n' +
      'b,"two\r\nlines","three\nmore\nlines"\r\n' +
      'c,,\r\n';
    const got = read(text);
    expect(got.header).toEqual(['Name', 'CommandLine', 'Note']);
    expect(got.rows).toEqual([
      row(1, 2, ['a', 'cmd.exe /c "x, y"', 'plain']),
      row(2, 3, ['b', 'two\r\nlines', 'three\nmore\nlines']),
      row(3, 7, ['c', '', '']),
    ]);
  });

  it('skips blank lines but counts them', () => {
    const got = read('a,b\n\n1,2\r\n\r\n\n3,4');
    expect(got.rows).toEqual([row(1, 3, ['1', '2']), row(2, 6, ['3', '4'])]);
  });

  it('flags rows whose field count differs from the header, keeping their fields', () => {
    const got = read('a,b,c\n1,2\n1,2,3,4\n1,2,3\n');
    expect(got.rows).toEqual([
      row(1, 2, ['1', '2'], 'has 2 fields, header has 3'),
      row(2, 3, ['1', '2', '3', '4'], 'has 4 fields, header has 3'),
      row(3, 4, ['1', '2', '3']),
    ]);
  });

  it('sniffs comma, semicolon and tab from the header line, or takes the given one', () => {
    expect(read('a;b;"c,d"\n1;2;3\n').delimiter).toBe(';');
    expect(read('a;b;"c,d"\n1;2;3\n').rows[0]?.fields).toEqual(['1', '2', '3']);
    expect(read('a\tb,c\tc\n1\t2\t3\n').delimiter).toBe('\t');
    expect(read('\n\nx,y\n1,2\n').delimiter).toBe(',');
    expect(read('single\nv\n').delimiter).toBe(',');
    expect(read('a|b\n1|2\n', { delimiter: '|' }).rows[0]?.fields).toEqual(['1', '2']);
  });

  it('reads UTF-8 with and without BOM and UTF-16LE/BE with BOM', () => {
    const text = 'Nom,Ville\r\nÉloïse,"Zürich, CH"\r\n😀,"a\r\nb"\r\nx,y\r\n';
    for (const enc of ENCODINGS) {
      const got = read(encode(text, enc));
      expect(got.encoding).toBe(enc === 'utf-8-bom' ? 'utf-8' : enc);
      expect(got.header).toEqual(['Nom', 'Ville']);
      expect(got.rows).toEqual([row(1, 2, ['Éloïse', 'Zürich, CH']), row(2, 3, ['😀', 'a\r\nb']), row(3, 5, ['x', 'y'])]);
    }
  });

  it('decodes invalid UTF-8 to U+FFFD the same at every chunk boundary', () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n'),
      Buffer.from([0xe2, 0x82, 0x41, 0x2c, 0xf0, 0x9f, 0x98, 0x80, 0x0a, 0xff, 0xc3, 0x2c, 0xe2, 0x82, 0xac, 0x0a, 0x78, 0x2c, 0xf0, 0x9f]),
    ]);
    const want = bytes.toString('utf8').split('\n').slice(1).map((l) => l.split(','));
    expect(want).toEqual([['\ufffdA', '😀'], ['\ufffd\ufffd', '€'], ['x', '\ufffd']]);
    for (const chunkSize of CHUNK_SIZES) expect(read(bytes, { chunkSize }).rows.map((r) => r.fields)).toEqual(want);
  });

  it('is empty for an empty file and has no rows for a header-only file', () => {
    expect(read('')).toMatchObject({ header: null, rows: [] });
    expect(read('a,b')).toMatchObject({ header: ['a', 'b'], rows: [] });
  });

  it('reports an unbalanced quote on its record and resumes on the next line (quote never closes)', () => {
    const got = read('a,b,c\n1,"2,3\n4,5,6\n7,8,9\n');
    expect(got.rows).toEqual([row(1, 2, [], 'unbalanced quote'), row(2, 3, ['4', '5', '6']), row(3, 4, ['7', '8', '9'])]);
  });

  it('reports an unbalanced quote that a later quote seems to close', () => {
    const got = read('a,b,c\n1,"bad,x\n4,5,6\n7,"ok",9\n10,11,12\n');
    expect(got.rows).toEqual([
      row(1, 2, [], 'unbalanced quote'),
      row(2, 3, ['4', '5', '6']),
      row(3, 4, ['7', 'ok', '9']),
      row(4, 5, ['10', '11', '12']),
    ]);
  });

  it('keeps a stray quote that papaparse resolves on the same line', () => {
    expect(read('a,b\n"x"y",z\n').rows).toEqual([row(1, 2, ['x"y', 'z'])]);
  });

  it('accepts a long quoted field spanning many lines and windows', () => {
    const big = Array.from({ length: 20000 }, (_, i) => `line ${i}, with "quotes"`).join('\r\n');
    const text = `id,message\r\n1,"${big.replaceAll('"', '""')}"\r\n2,after\r\n`;
    const got = read(text, { chunkSize: 4096 });
    expect(got.rows).toEqual([row(1, 2, ['1', big]), row(2, 20002, ['2', 'after'])]);
  });

  it('gives up on a quoted field past maxRecordChars and resumes after its first line', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `${i},v${i}`).join('\n');
    const got = read(`id,v\n0,"open\n${body}\n`, { maxRecordChars: 4096, chunkSize: 512 });
    expect(got.rows[0]).toEqual(row(1, 2, [], 'unbalanced quote (field runs past 4096 characters)'));
    expect(got.rows.length).toBe(3001);
    expect(got.rows[1]).toEqual(row(2, 3, ['0', 'v0']));
    expect(got.rows[3000]).toEqual(row(3001, 3002, ['2999', 'v2999']));
    expect(got.rows.filter((r) => r.error !== undefined).length).toBe(1);
  });

  it('skips a line longer than maxRecordChars without a newline in reach', () => {
    const got = read(`a,b\n${'x'.repeat(20000)},y\n1,2\n`, { maxRecordChars: 1024, chunkSize: 256 });
    expect(got.rows).toEqual([row(1, 2, [], 'record longer than 1024 characters'), row(2, 3, ['1', '2'])]);
  });

  it('stays linear on a file where every row has a stray quote', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `${i},"bad`);
    const t0 = Date.now();
    const got = read(`a,b\n${lines.join('\n')}\n`);
    expect(got.rows.length).toBe(20000);
    expect(got.rows.every((r, i) => r.error === 'unbalanced quote' && r.line === i + 2)).toBe(true);
    // Quadratic rescanning took over a minute here.
    expect(Date.now() - t0).toBeLessThan(15000);
  });

  it('gives the same rows whatever the chunk size', () => {
    const text = 'h1,h2\r\n"a ""q"", b","line1\r\nline2"\r\n\r\nplain,"é😀"\n"x\ny",last';
    const want = read(text).rows;
    expect(want.length).toBe(3);
    for (const enc of ENCODINGS) {
      for (const chunkSize of CHUNK_SIZES) expect(read(encode(text, enc), { chunkSize }).rows).toEqual(want);
    }
  });

  it('matches the rows it was given, for random fields, line endings and chunk sizes', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.array(fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é', '😀', '{"k":"v"}'), { maxLength: 6 }).map((a) => a.join('')),
    );
    const table = fc
      .integer({ min: 1, max: 5 })
      .chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }));
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 48 }), (rows, eol, quoteAll, chunkSize) => {
        // A row that would read as a blank line, or a last field ending in CR, is out of scope.
        const usable = rows.filter((r) => !(r.length === 1 && r[0] === '') && !(r[r.length - 1] ?? '').endsWith('\r'));
        if (usable.length === 0) return;
        const quote = (f: string) => (quoteAll || /[",\r\n]/.test(f) || f.trim() !== f ? `"${f.replaceAll('"', '""')}"` : f);
        const lines = usable.map((r) => r.map(quote).join(','));
        const text = lines.join(eol) + eol;
        const got = read(text, { delimiter: ',', chunkSize });
        expect(got.header).toEqual(usable[0]);
        let line = 1 + 1 + ((usable[0] ?? []).join('').match(/\n/g)?.length ?? 0);
        const want: CsvRow[] = [];
        usable.slice(1).forEach((r, i) => {
          want.push(row(i + 1, line, r));
          line += 1 + (r.join('').match(/\n/g)?.length ?? 0);
        });
        expect(got.rows).toEqual(want);
        // And the same fields as papaparse parsing the whole text in one call.
        const whole = Papa.parse<string[]>(text, { delimiter: ',', newline: eol as '\n' | '\r\n' }).data.slice(0, -1);
        expect([got.header, ...got.rows.map((r) => r.fields)]).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('streams a large file in constant memory', () => {
    const total = 200_000;
    const source = generatedSource(total + 1, (i) =>
      i === 0 ? 'Timestamp,Cmd,Extra\n' : `2024-01-01T00:00:00Z,"""C:\\x.exe"" -k ${i}","{""n"":${i}}"\r\n`,
    );
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    let lastLine = 0;
    for (const r of readCsv(source)) {
      if (r.error !== undefined) throw new Error(r.error);
      n++;
      lastLine = r.line;
      if (n % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(n).toBe(total);
    expect(lastLine).toBe(total + 1);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});
