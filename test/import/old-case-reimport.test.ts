// Issue 11: a case made by an earlier Longtail re-imports the same files with zero new
// events. test/fixtures/old-case/old-case.longtail was made by an earlier commit (its
// README says which) from the corpus JSON and Defender CSV plus hand-made edge records.
// Identical files stop at the file SHA-256, so the test also feeds the same records in
// other bytes (old-case-inputs.ts: lines reordered, keys reordered, other whitespace and
// escapes, other number spellings, documents as JSON lines, UTF-16LE, a UTF-8 BOM): only
// the record keys (spec 7.13 for JSON without `_id`: canonical JSON, SHA-256) can
// recognise those, and the keys this version computes must be the ones the old version
// stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/case-builder.js';
import { openCase, type Db } from '../../src-core/store/case-db.js';
import { importFiles, sha256File, type FileImportResult } from '../../src-core/ingest/import-files.js';
import {
  EDGE_BYTES_DISTINCT, EDGE_BYTES_FILE, EDGE_BYTES_LINES, EDGE_DISTINCT, EDGE_FILE, EDGE_LINES, OLD_CASE, caseInputs, writeVariants,
  type VariantFile,
} from '../fixtures/old-case/old-case-inputs.js';

const TABLES = ['process_event', 'network_event', 'file_event', 'image_load', 'service_install', 'process_end', 'record_key'] as const;
type Counts = Record<(typeof TABLES)[number], number>;

function counts(db: Db): Counts {
  const out = {} as Counts;
  for (const t of TABLES) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return out;
}

interface Tally {
  records: number;
  stored: number;
  duplicates: number;
  skipped: number;
  failed: number;
}

function sum(ts: Tally[]): Tally {
  const out: Tally = { records: 0, stored: 0, duplicates: 0, skipped: 0, failed: 0 };
  for (const t of ts) for (const k of Object.keys(out) as Array<keyof Tally>) out[k] += t[k];
  return out;
}

function tally(r: Tally): Tally {
  return { records: r.records, stored: r.stored, duplicates: r.duplicates, skipped: r.skipped, failed: r.failed };
}

function resultFor(results: FileImportResult[], file: string): FileImportResult {
  const r = results.find((x) => x.path === file);
  if (!r) throw new Error(`no import result for ${file}`);
  return r;
}

/** A file whose records all were in the case already: read record by record, nothing stored. */
function expectAllDuplicates(r: FileImportResult, expected: Tally, label: string): void {
  expect.soft(r.status, label).toBe('complete');
  expect.soft(r.records, label).toBe(expected.records);
  expect.soft(r.records, label).toBeGreaterThan(0);
  expect.soft(r.failed, label).toBe(0);
  expect.soft(r.skipped, label).toBe(expected.skipped);
  expect.soft(r.stored, `${label}: records stored again (their keys differ from the old case's)`).toBe(0);
  expect.soft(r.duplicates, label).toBe(r.records - r.skipped - r.failed);
  expect.soft(r.duplicates, label).toBe(expected.stored + expected.duplicates);
}

let dir: string;
let old: Db;
let before: Counts;
let inputs: string[];
let variants: VariantFile[];
/** Each input's tally as the old version logged it (found by SHA-256). */
const logged = new Map<string, Tally>();

const expectedOf = (v: VariantFile) => sum(v.of.map((o) => logged.get(o)!));

beforeAll(() => {
  dir = tempDir('longtail-old-case-');
  const copy = path.join(dir, 'old.longtail');
  fs.copyFileSync(OLD_CASE, copy);
  old = openCase(copy).db;
  before = counts(old);
  inputs = caseInputs();
  const byHash = old.prepare("SELECT records, stored, duplicates, skipped, failed FROM input_file WHERE sha256 = ? AND status = 'complete'");
  for (const f of inputs) {
    const row = byHash.get(sha256File(f)) as Tally | undefined;
    if (row) logged.set(f, row);
  }
  variants = writeVariants(path.join(dir, 'variants'));
});

afterAll(() => {
  old?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the old case', () => {
  it('holds every input, byte for byte, and the edge records as designed', () => {
    for (const f of inputs) expect.soft(logged.has(f), `${f} (changed since the fixture was made?)`).toBe(true);
    const edge = logged.get(EDGE_FILE)!;
    expect(edge).toMatchObject({ records: EDGE_LINES.length, stored: EDGE_DISTINCT, duplicates: EDGE_LINES.length - EDGE_DISTINCT, failed: 0 });
    const bytes = logged.get(EDGE_BYTES_FILE)!;
    expect(bytes).toMatchObject({
      records: EDGE_BYTES_LINES.length, stored: EDGE_BYTES_DISTINCT, duplicates: EDGE_BYTES_LINES.length - EDGE_BYTES_DISTINCT, failed: 0,
    });
    expect(before.record_key).toBe(sum([...logged.values()]).stored);
    expect(before.process_event).toBeGreaterThan(0);
  });
});

describe('re-importing into a copy of the old case', () => {
  it('(a) the same files: duplicates by SHA-256, nothing stored', () => {
    const { files } = importFiles(old, inputs);
    expect(files).toHaveLength(inputs.length);
    for (const r of files) {
      expect.soft(r.status, r.path).toBe('duplicate');
      expect.soft(r.stored, r.path).toBe(0);
    }
    expect(counts(old)).toEqual(before);
  });

  it('(b) the same records in other bytes: every record a duplicate, zero new events', () => {
    const hashes = new Set(inputs.map((f) => sha256File(f)));
    const { files } = importFiles(old, variants.map((v) => v.path));
    for (const v of variants) {
      const r = resultFor(files, v.path);
      const label = `${v.kind} ${path.basename(v.path)}`;
      // Read record by record: not caught by the file hash.
      expect.soft(hashes.has(r.sha256 ?? ''), label).toBe(false);
      expectAllDuplicates(r, expectedOf(v), label);
    }
    expect(counts(old)).toEqual(before);
  });
});

describe('one version: the variants against the originals in a fresh case', () => {
  function fresh(name: string): Db {
    return openCase(path.join(dir, `${name}.longtail`)).db;
  }

  it('(c) originals then variants: the originals count as in the old case, the variants store nothing', () => {
    const db = fresh('originals-first');
    try {
      const { files } = importFiles(db, [...inputs, ...variants.map((v) => v.path)]);
      for (const f of inputs) expect.soft(tally(resultFor(files, f)), f).toEqual(logged.get(f));
      for (const v of variants) expectAllDuplicates(resultFor(files, v.path), expectedOf(v), `${v.kind} ${path.basename(v.path)}`);
      expect(counts(db)).toEqual(before);
    } finally {
      db.close();
    }
  });

  it('(c) rewritten variants first, then the originals: the originals store nothing', () => {
    const db = fresh('variants-first');
    try {
      const rewritten = variants.filter((v) => v.kind === 'rewritten' || (v.kind === 'same-records' && v.path.endsWith('.csv')));
      expect(rewritten.flatMap((v) => v.of).sort()).toEqual([...inputs].sort());
      const { files } = importFiles(db, [...rewritten.map((v) => v.path), ...inputs]);
      for (const v of rewritten) expect.soft(tally(resultFor(files, v.path)), v.path).toEqual(expectedOf(v));
      for (const f of inputs) expectAllDuplicates(resultFor(files, f), logged.get(f)!, path.basename(f));
      expect(counts(db)).toEqual(before);
    } finally {
      db.close();
    }
  });
});
