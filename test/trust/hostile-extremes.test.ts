// Hostile input, tested: the extremes, for every text importer and container. One record
// of a clean file gets a 10 MB command line, 100,000 levels of nesting, a 20 MB line of
// garbage, or an unpaired UTF-16 surrogate (in a UTF-16 file); and files of NULs and of
// random bytes carry data extensions. The other records must import exactly as from the
// clean file, a 10 MB field under the limits is stored whole, and every import stays
// within the time bound (the slowest MB/s is reported).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { tempDir } from '../helpers/case-builder.js';
import { factsArb, TEXT_IMPORTERS, type Fact, type TextInput } from './lib/inputs.js';
import type { Mutated } from './lib/mutate.js';
import { importBytes, type Imported } from './lib/harness.js';
import { compareText } from './lib/compare.js';
import { keepFailure, LONG, SEED, writeFigures } from './lib/figures.js';
import { countImport, countMutation, newTally, type ImporterTally } from './lib/tally.js';

const BIG = 10 * 1024 * 1024;
const LONG_LINE = 20 * 1024 * 1024;
const DEPTH = 100_000;
/** 20 MB lines cost time: one importer per reader family normally, all in a long run. */
const LONG_LINE_IMPORTERS = LONG ? TEXT_IMPORTERS.map((i) => i.name) : ['defender-csv', 'kibana-csv', 'ndjson-elastic', 'json-array'];

let dir: string;
const tallies: Record<string, ImporterTally> = {};
const cases: Array<{ importer: string; case: string; bytes: number; ms: number; status: string; stored: number; failed: number }> = [];
beforeAll(() => {
  dir = tempDir('longtail-extremes-');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFigures('hostile-extremes', { importers: tallies, cases });
});

/** Eight facts, the third a process start (its command line is the field made huge). */
function baseFacts(name: string): Fact[] {
  const [facts] = fc.sample(factsArb(false, 8, 8), { seed: SEED + name.length, numRuns: 1 });
  const out = facts!.map((f) => (f.kind === 'bad' ? { ...f, kind: 'file' as const } : f));
  out[2] = { ...out[2]!, kind: 'process' };
  return out;
}

function record(name: string, got: Imported, label: string): void {
  cases.push({
    importer: name, case: label, bytes: got.bytes, ms: Math.round(got.ms), status: got.result?.status ?? 'none',
    stored: got.result?.stored ?? 0, failed: got.result?.failed ?? 0,
  });
}

function check(name: string, input: TextInput, clean: Imported, mut: Mutated, kind: string): Imported {
  const tally = (tallies[name] ??= newTally());
  const got = importBytes(dir, `extreme${input.ext}`, mut.bytes);
  const cmp = got.result ? compareText(input, clean.rows, got.rows, mut) : null;
  countMutation(tally, kind, got, cmp);
  record(name, got, mut.label);
  const problems = [...got.problems, ...(cmp?.problems ?? [])];
  if (problems.length) {
    const kept = mut.bytes.length < 30e6 ? keepFailure(`${name}-extreme-${Date.now()}${input.ext}`, mut.bytes) : '(too big to keep)';
    throw new Error(`${name}, ${mut.label} (${kept}):\n  ${problems.slice(0, 8).join('\n  ')}`);
  }
  return got;
}

/** The file with record `index`'s bytes replaced. */
function replaced(input: TextInput, index: number, bytes: Buffer, label: string): Mutated {
  const span = input.records[index]!;
  const before = input.bytes.subarray(span.start, span.end);
  const lf = (b: Buffer) => b.reduce((n, c) => n + (c === 10 ? 1 : 0), 0);
  const lineDelta = lf(bytes) - lf(before);
  return {
    bytes: Buffer.concat([input.bytes.subarray(0, span.start), bytes, input.bytes.subarray(span.end)]),
    expect: { kind: 'record', index, lineDelta, mutatedLines: span.lines + lineDelta },
    label,
  };
}

function cleanImport(name: string, input: TextInput): Imported {
  const tally = (tallies[name] ??= newTally());
  const clean = importBytes(dir, `clean${input.ext}`, input.bytes);
  tally.inputs++;
  countImport(tally, clean);
  expect(clean.problems, name).toEqual([]);
  expect(clean.result?.stored, name).toBeGreaterThan(0);
  return clean;
}

describe.each(TEXT_IMPORTERS.map((i) => [i.name, i] as const))('extremes: %s', (name, imp) => {
  const isJson = !name.endsWith('csv');

  it('a 10 MB command line in one record: stored whole, the others intact', () => {
    const facts = baseFacts(name);
    const input = imp.build(facts);
    const clean = cleanImport(name, input);
    // Built by the generator, so the format's own quoting and escaping apply.
    const bigText = 'C:\\Windows\\System32\\cmd.exe /c ' + 'A'.repeat(BIG);
    const big = imp.build(facts.map((f, i) => (i === 2 ? { ...f, text: bigText } : f)));
    const idx = 2 + (name === 'ndjson-security-datasets' ? 8 : 0);
    const span = big.records[idx]!;
    const mut = replaced(input, idx, big.bytes.subarray(span.start, span.end), `record ${idx + 1}: a ${BIG / 2 ** 20} MiB command line`);
    const got = check(name, input, clean, mut, 'gigantic-field');
    expect(got.result?.failed).toBe(clean.result?.failed);
    expect(got.rows.some((r) => !r.implied && r.content.includes('A'.repeat(1000)) && r.content.length > BIG), 'the 10 MB value stored').toBe(true);
  }, 120_000);

  it('100,000 levels of nesting in one record: a bad record, the others intact', () => {
    const input = imp.build(baseFacts(name));
    const clean = cleanImport(name, input);
    const deep = isJson
      ? `{"a":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`
      // Kibana CSV reads `[…]` cells as JSON; Defender CSV parses AdditionalFields.
      : csvLineOf(input, `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
    check(name, input, clean, replaced(input, 3, Buffer.from(deep), `record 4: ${DEPTH.toLocaleString('en-US')} levels of nesting`), 'deep-nesting');
  }, 120_000);

  it.runIf(LONG_LINE_IMPORTERS.includes(name))('a 20 MB line of garbage in one record: a bad record, the others intact', () => {
    const input = imp.build(baseFacts(name));
    const clean = cleanImport(name, input);
    const garbage = Buffer.alloc(LONG_LINE, 'x');
    check(name, input, clean, replaced(input, 4, garbage, 'record 5: a 20 MiB line of garbage'), 'long-line');
  }, 120_000);

  it('an unpaired surrogate inside one record of a UTF-16 file: the others intact', () => {
    const input = imp.build(baseFacts(name));
    // The clean file in UTF-16LE with a BOM: spans are in code units.
    const text = input.bytes.toString('utf8').replace(/^\uFEFF/, '');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bom = input.bytes[0] === 0xef ? 3 : 0;
    const unit = (byte: number) => 2 + 2 * input.bytes.subarray(bom, byte).toString('utf8').length;
    const utf16: TextInput = {
      ...input, bytes: le, headerEnd: unit(input.headerEnd),
      records: input.records.map((s) => ({ ...s, start: unit(s.start), end: unit(s.end) })),
    };
    const clean = cleanImport(name, utf16);
    const span = utf16.records[5]!;
    const mid = span.start + 2 * Math.floor((span.end - span.start) / 4);
    const bytes = Buffer.concat([le.subarray(span.start, mid), Buffer.from([0x00, 0xd8, 0x41, 0x00, 0x00, 0xdc, 0x00, 0xdc]), le.subarray(mid, span.end)]);
    check(name, utf16, clean, replaced(utf16, 5, bytes, 'record 6: unpaired surrogates D800, DC00 DC00 (UTF-16LE)'), 'utf16-surrogates');
  }, 120_000);
});

/** A CSV record of the right width whose every cell is `cell`. */
function csvLineOf(input: TextInput, cell: string): string {
  const header = input.bytes.subarray(0, input.headerEnd).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0]!;
  const width = header.split(',').length;
  return Array.from({ length: width }, (_, i) => (i === 0 ? '2026-10-20T09:00:00Z' : `"${cell}"`)).join(',');
}

describe('extremes: not data at all', () => {
  const EXTENSIONS = ['.csv', '.tsv', '.json', '.jsonl', '.ndjson', '.evtx'];
  let s = SEED >>> 0;
  const random = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      b[i] = s >>> 24;
    }
    return b;
  };
  const header = 'Timestamp,DeviceName,ActionType,ReportId,FileName\r\n';
  const shapes: Array<[string, () => Buffer]> = [
    ['1 MiB of NUL bytes', () => Buffer.alloc(1 << 20)],
    ['256 KiB of random bytes', () => random(1 << 18)],
    ['"{" then random bytes', () => Buffer.concat([Buffer.from('{'), random(1 << 16)])],
    ['"[" then random bytes', () => Buffer.concat([Buffer.from('[\n'), random(1 << 16)])],
    ['an EVTX signature then random bytes', () => Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), random(200_000)])],
    ['a chunk signature at 4096 then random bytes', () => Buffer.concat([random(4096), Buffer.from('ElfChnk\0', 'latin1'), random(140_000)])],
    ['a Defender CSV header then random bytes', () => Buffer.concat([Buffer.from(header), random(1 << 18)])],
    ['a Defender CSV header then NUL bytes', () => Buffer.concat([Buffer.from(header), Buffer.alloc(1 << 18)])],
    ['a UTF-16 BOM then an odd number of random bytes', () => Buffer.concat([Buffer.from([0xff, 0xfe]), random(65_537)])],
  ];
  it.each(shapes.flatMap(([label, make]) => EXTENSIONS.map((ext) => [label, ext, make] as const)))('%s as %s: a result, no exception, sound case', (label, ext, make) => {
    const tally = (tallies['not-data'] ??= newTally());
    const bytes = make();
    const got = importBytes(dir, `garbage${ext}`, bytes);
    countMutation(tally, label, got, null);
    record('not-data', got, `${label} (${ext})`);
    expect(got.problems).toEqual([]);
    expect(['complete', 'failed']).toContain(got.result?.status);
  });
});
