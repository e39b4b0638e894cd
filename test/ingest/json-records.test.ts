import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src-core/ingest/json/big-json.js';
import { readJsonRecords, type JsonRecord } from '../../src-core/ingest/json/json-records.js';
import { CHUNK_SIZES, ENCODINGS, byteOffset, encode, generatedSource, src, type Enc } from './helpers.js';

type Opts = Parameters<typeof readJsonRecords>[1];

function read(data: string | Buffer, opts: Opts = {}) {
  const reader = readJsonRecords(src(data), opts);
  const records = [...reader];
  return { container: reader.container, meta: reader.meta, records };
}

const ok = (index: number, line: number, offset: number, value: unknown): JsonRecord => ({ value, line, offset, index });
const bad = (index: number, line: number, offset: number, error: string | RegExp) => ({
  line,
  offset,
  index,
  error: typeof error === 'string' ? error : expect.stringMatching(error),
});

/** 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

/** Offset of the n-th occurrence of `needle` in `text` (as UTF-8 bytes). */
function at(text: string, needle: string, nth = 1): number {
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle}`);
  return Buffer.byteLength(text.slice(0, i));
}

describe('readJsonRecords: JSON lines', () => {
  it('reads one record per line, skipping blank lines, with a bad line in the middle', () => {
    const text = '{"a":1}\n{bad\n\n  \r\n{"a":3}\r\n[1,2]\n"s"\n';
    const got = read(text);
    expect(got.container).toBe('ndjson');
    expect(got.records).toEqual([
      ok(1, 1, 0, { a: 1 }),
      bad(2, 2, 8, /JSON/),
      ok(3, 5, 18, { a: 3 }),
      ok(4, 6, 27, [1, 2]),
      ok(5, 7, 33, 's'),
    ]);
  });

  it('has no records for an empty or blank file', () => {
    expect(read('')).toMatchObject({ container: 'ndjson', records: [] });
    expect(read('\n \r\n\t\n')).toMatchObject({ container: 'ndjson', records: [] });
  });

  it('keeps big integers exact', () => {
    expect(read('{"id":18446744073709551615}\n{"id":1}\n').records.map((r) => r.value)).toEqual([
      { id: 18446744073709551615n },
      { id: 1 },
    ]);
  });

  it('still sees JSON lines when the first line is broken', () => {
    const got = read('{"a":1,"b":\n{"a":2}\n{"a":3}\n');
    expect(got.container).toBe('ndjson');
    expect(got.records).toEqual([bad(1, 1, 0, /JSON/), ok(2, 2, 12, { a: 2 }), ok(3, 3, 20, { a: 3 })]);
  });

  it('does not take a record container on a line apart', () => {
    const got = read('{"events":[{"a":1}]}\n{"events":[{"a":2}]}\n');
    expect(got.container).toBe('ndjson');
    expect(got.records.map((r) => r.value)).toEqual([{ events: [{ a: 1 }] }, { events: [{ a: 2 }] }]);
  });

  it('reports over-deep and over-long lines and goes on', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const got = read(`{"a":1}\n${deep}\n{"s":"${'x'.repeat(3000)}"}\n{"a":4}\n`, { maxRecordBytes: 2_000_000 });
    expect(got.records[1]).toEqual(bad(2, 2, 8, 'nested deeper than 512'));
    expect(got.records[2]?.value).toEqual({ s: 'x'.repeat(3000) });
    const small = read(`{"a":1}\n{"s":"${'x'.repeat(3000)}"}\n{"a":3}\n`, { maxRecordBytes: 1000, chunkSize: 256 });
    expect(small.records).toEqual([ok(1, 1, 0, { a: 1 }), bad(2, 2, 8, 'record larger than 1000 bytes'), ok(3, 3, 3017, { a: 3 })]);
  });

  it('accepts a deeply nested line under the cap, brackets inside strings included', () => {
    const deep = '['.repeat(512) + ']'.repeat(512);
    const strings = `{"s":"${'['.repeat(2000)}","t":[[1]]}`;
    const got = read(`${deep}\n${strings}\n`);
    expect(got.records.map((r) => r.error)).toEqual([undefined, undefined]);
  });
});

describe('readJsonRecords: documents', () => {
  it('reads one pretty-printed object as one record', () => {
    const got = read('\n{\n  "a": 1,\n  "b": [1, 2]\n}\n');
    expect(got.container).toBe('object');
    expect(got.records).toEqual([ok(1, 2, 1, { a: 1, b: [1, 2] })]);
  });

  it('reads a compact single-line object as a document', () => {
    expect(read('{"a":1}')).toMatchObject({ container: 'object', records: [ok(1, 1, 0, { a: 1 })] });
  });

  it('streams the elements of a top-level array with their lines and offsets', () => {
    const text = '[\n  {\n    "a": 1\n  },\n  {"a": 2},\n  3,\n  "x",\n  null\n]\n';
    const got = read(text);
    expect(got.container).toBe('array');
    expect(got.records).toEqual([
      ok(1, 2, at(text, '{'), { a: 1 }),
      ok(2, 5, at(text, '{', 2), { a: 2 }),
      ok(3, 6, at(text, '3'), 3),
      ok(4, 7, at(text, '"x"'), 'x'),
      ok(5, 8, at(text, 'null'), null),
    ]);
  });

  it('streams a compact one-line array', () => {
    const got = read('[{"a":1},{"a":2}]');
    expect(got.container).toBe('array');
    expect(got.records).toEqual([ok(1, 1, 1, { a: 1 }), ok(2, 1, 9, { a: 2 })]);
    expect(read('[]')).toMatchObject({ container: 'array', records: [] });
  });

  it('reads concatenated pretty-printed values', () => {
    const text = '{\n  "a": 1\n}\n{\n  "a": 2\n}\n[\n  {"b": 3}\n]\n';
    const got = read(text);
    expect(got.container).toBe('concatenated');
    expect(got.records).toEqual([ok(1, 1, 0, { a: 1 }), ok(2, 4, 13, { a: 2 }), ok(3, 8, at(text, '{"b"'), { b: 3 })]);
  });

  it('streams the hits of an Elasticsearch search response, with the rest in meta', () => {
    const text = JSON.stringify(
      {
        took: 5,
        timed_out: false,
        _shards: { total: 1 },
        hits: { total: { value: 2, relation: 'eq' }, max_score: 1.5, hits: [{ _id: 'a', _source: { x: 1 } }, { _id: 'b', _source: { x: 2 } }] },
        aggregations: { n: { value: 7 } },
      },
      null,
      2,
    );
    const got = read(text);
    expect(got.container).toBe('search-response');
    expect(got.records.map((r) => r.value)).toEqual([
      { _id: 'a', _source: { x: 1 } },
      { _id: 'b', _source: { x: 2 } },
    ]);
    const first = '{\n        "_id": "a"';
    expect(got.records[0]).toMatchObject({ line: lineOf(text, first), offset: at(text, first) });
    expect(lineOf(text, first)).toBe(14);
    expect(got.meta).toEqual({
      took: 5,
      timed_out: false,
      _shards: { total: 1 },
      'hits.total': { value: 2, relation: 'eq' },
      'hits.max_score': 1.5,
      aggregations: { n: { value: 7 } },
    });
  });

  it('streams Defender API results and keeps the schema', () => {
    const legacy = '{"Stats":{"ExecutionTime":0.1},"Schema":[{"Name":"Timestamp","Type":"DateTime"}],"Results":[{"Timestamp":"t1"},{"Timestamp":"t2"}]}';
    const got = read(legacy);
    expect(got.container).toBe('api-results');
    expect(got.records.map((r) => r.value)).toEqual([{ Timestamp: 't1' }, { Timestamp: 't2' }]);
    expect(got.meta).toEqual({ Stats: { ExecutionTime: 0.1 }, Schema: [{ Name: 'Timestamp', Type: 'DateTime' }] });

    const graph = '{\n "@odata.context": "ctx",\n "results": [\n  {"ReportId": 9007199254740993}\n ],\n "schema": [{"name": "ReportId"}]\n}\n';
    const g = read(graph);
    expect(g.container).toBe('api-results');
    expect(g.records).toEqual([ok(1, 4, at(graph, '{"ReportId"'), { ReportId: 9007199254740993n })]);
    expect(g.meta).toEqual({ '@odata.context': 'ctx', schema: [{ name: 'ReportId' }] });

    expect(read('{"value":[{"a":1},{"a":2}],"@odata.nextLink":"n"}')).toMatchObject({ container: 'api-results', meta: { '@odata.nextLink': 'n' } });
    expect(read('{"Schema":[],"Results":[]}')).toMatchObject({ container: 'api-results', records: [], meta: { Schema: [] } });
  });

  it('streams pipeline test events and expected documents', () => {
    expect(read('{"events":[{"a":1},{"a":2}]}')).toMatchObject({ container: 'pipeline-events', records: [{ value: { a: 1 } }, { value: { a: 2 } }] });
    const text = '{\n  "expected": [\n    {"a": 1},\n    null\n  ]\n}';
    expect(read(text).records).toEqual([ok(1, 3, at(text, '{"a"'), { a: 1 }), ok(2, 4, at(text, 'null'), null)]);
  });

  it('takes an object whose container key holds no objects as a record', () => {
    const got = read('{\n  "name": "x",\n  "value": [1, 2],\n  "events": "none"\n}\n');
    expect(got.container).toBe('object');
    expect(got.records).toEqual([ok(1, 1, 0, { name: 'x', value: [1, 2], events: 'none' })]);
    expect(read('{"hits":{"total":3,"hits":"x"}}').records.map((r) => r.value)).toEqual([{ hits: { total: 3, hits: 'x' } }]);
  });

  it('reports over-deep elements and goes on with the next one', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = `[\n${deep},\n{"a":2}\n]`;
    const got = read(text);
    expect(got.records).toEqual([bad(1, 2, 2, 'nested deeper than 512'), ok(2, 3, text.indexOf('{"a":2}'), { a: 2 })]);
    const deepObject = '{"a":' + '{"b":'.repeat(600) + '1' + '}'.repeat(601);
    expect(read(`\n${deepObject}`).records).toEqual([bad(1, 2, 1, 'nested deeper than 512')]);
    expect(read('[' + deep + ']').records).toEqual([bad(1, 1, 1, 'nested deeper than 512')]);
  });

  it('reports truncation once, as the record where the input ends', () => {
    expect(read('[{"a":1},\n{"a":2').records).toEqual([ok(1, 1, 1, { a: 1 }), bad(2, 2, 10, 'truncated')]);
    expect(read('[{"a":1},\n').records).toEqual([ok(1, 1, 1, { a: 1 }), bad(2, 2, 10, 'truncated')]);
    expect(read('{\n  "a": "unfinished').records).toEqual([bad(1, 1, 0, 'truncated')]);
    expect(read('{"results":[{"a":1}').records).toEqual([ok(1, 1, 12, { a: 1 }), bad(2, 1, 19, 'truncated')]);
    expect(read('{"results":[{"a":1}],"schema":[1,').records).toEqual([ok(1, 1, 12, { a: 1 }), bad(2, 1, 33, 'truncated')]);
  });

  it('keeps going after malformed elements', () => {
    const text = '[\n  {"a": [1, 2}},\n  {"b": "x},\n  {"c": 3},\n  garbage,\n  {"d": 4}, ,\n  {"e": 5}\n]\n';
    const got = read(text);
    expect(got.records).toEqual([
      bad(1, 2, 4, "mismatched '}'"),
      bad(2, 3, at(text, '{"b"'), 'unterminated string'),
      ok(3, 4, at(text, '{"c"'), { c: 3 }),
      bad(4, 5, at(text, 'garbage'), /JSON/),
      ok(5, 6, at(text, '{"d"'), { d: 4 }),
      bad(6, 6, at(text, ', ,') + 2, /JSON/),
      ok(7, 7, at(text, '{"e"'), { e: 5 }),
    ]);
  });

  it('recovers from an unterminated string inside a multi-line element', () => {
    const text = '[\n  {\n    "b": "x,\n    "c": 1\n  },\n  {"d": 2}\n]\n';
    expect(read(text).records).toEqual([bad(1, 2, 4, 'unterminated string'), ok(2, 6, at(text, '{"d"'), { d: 2 })]);
  });

  it('does not mistake one element per line for JSON lines', () => {
    expect(read('{"Results":[\n{"a":1},\n{"a":2},\n{"a":3}\n]}\n')).toMatchObject({ container: 'api-results', records: [{}, {}, {}] });
    const commaFirst = '{"took":1,"hits":{"hits":[\n{"a":1}\n,{"a":2}\n,{"a":3}\n]}}\n';
    expect(read(commaFirst)).toMatchObject({ container: 'search-response', meta: { took: 1 } });
    expect(read(commaFirst).records.map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('turns garbage into bad records, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 16 }), (bytes, chunkSize) => {
        const records = read(Buffer.from(bytes), { chunkSize }).records;
        records.forEach((r, i) => expect(r.index).toBe(i + 1));
      }),
      { numRuns: 500 },
    );
    const json = fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', '\n', ' ', 'a', '1', '{"k":', '"v"'), { maxLength: 80 });
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 16 }), (parts, chunkSize) => {
        const text = parts.join('');
        expect(read(text, { chunkSize }).records).toEqual(read(text).records);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readJsonRecords: encodings and chunk boundaries', () => {
  const docs = [
    '{"a":1,"s":"é😀"}\n{"a":2}\r\n\n{"a":3}\n',
    '[\n  {"a": "é"},\n  {"b": "😀\\"\\\\"}\n]\n',
    '{\n  "schema": [1],\n  "results": [\n    {"x": "ü"},\n    {"x": 12345678901234567890}\n  ]\n}',
    '{"a":\n1}\n{"b":\n2}',
    '[{"a":1},\n{"b":',
  ];

  it('gives the same records and exact offsets in every encoding and chunk size', () => {
    for (const text of docs) {
      const base = read(text);
      for (const enc of ENCODINGS) {
        const want = base.records.map((r) => ({ ...r, offset: byteOffset(text, Buffer.from(text).subarray(0, r.offset).toString().length, enc) }));
        for (const chunkSize of CHUNK_SIZES) {
          const got = read(encode(text, enc), { chunkSize });
          expect(got.container).toBe(base.container);
          expect(got.records).toEqual(want);
          expect(got.meta).toEqual(base.meta);
        }
      }
    }
  });

  it('matches generated pretty-printed arrays element by element', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
        fc.constantFrom<Enc>(...ENCODINGS),
        fc.integer({ min: 1, max: 32 }),
        fc.constantFrom('\n', '\r\n'),
        (values, enc, chunkSize, eol) => {
          let text = '[' + eol;
          const want: JsonRecord[] = [];
          let line = 2;
          values.forEach((v, i) => {
            const body = (JSON.stringify(v, null, 2) ?? 'null').replaceAll('\n', eol);
            text += '  ';
            want.push({ value: parseJson(body), line, offset: byteOffset(text, text.length, enc), index: i + 1 });
            text += body + (i < values.length - 1 ? ',' : '') + eol;
            line += body.split('\n').length;
          });
          text += ']' + eol;
          const got = read(encode(text, enc), { chunkSize });
          expect(got.container).toBe('array');
          expect(got.records).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('streams a large array in constant memory', () => {
    const total = 100_000;
    const source = generatedSource(total + 2, (i) =>
      i === 0 ? '{"took":1,"hits":{"hits":[\n' : i === total + 1 ? ']}}\n' : `${i > 1 ? ',' : ''}{"_id":"${i}","_source":{"msg":"${'m'.repeat(400)}"}}\n`,
    );
    const reader = readJsonRecords(source);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    let n = 0;
    for (const r of reader) {
      if (r.error !== undefined) throw new Error(r.error);
      n++;
      if (n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(reader.container).toBe('search-response');
    expect(reader.meta).toEqual({ took: 1 });
    expect(n).toBe(total);
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
  });
});
