// Decision 66 (issue 11): a new case keys records by host first, so a fleet file's keys
// land in its own hosts' regions of the index instead of sweeping all of it; a case that
// already holds keys keeps the time-first layout its keys were stored in. Either way the
// same record gets the same key, so duplicates are refused across files.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openCase, type Db } from '../../src-core/store/case-db.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { REPO } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { OLD_CASE } from '../fixtures/old-case/old-case-inputs.js';

const dir = tempDir('longtail-keys-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const DEFENDER_CSV = path.join(REPO, 'samples', 'defender', 'fleet-union.csv');
const ELASTIC = path.join(REPO, 'samples', 'elastic', 'fleet-endpoint.ndjson');

const layout = (db: Db) => db.prepare("SELECT value FROM case_meta WHERE key = 'record_key_layout'").pluck().get();
const keys = (db: Db) => db.prepare('SELECT key FROM record_key').pluck().all() as string[];
const hosts = (db: Db) => new Set(db.prepare('SELECT key FROM host').pluck().all() as string[]);

/** The same file with other bytes (a blank line more), so only the record keys can tell it is the same. */
function sameRecordsOtherBytes(file: string): string {
  const copy = path.join(dir, `again-${path.basename(file)}`);
  fs.writeFileSync(copy, fs.readFileSync(file, 'utf8') + '\n');
  return copy;
}

describe('record key layout', () => {
  it('a new case keys by host first, and refuses the same records from other bytes', () => {
    const { db } = openCase(path.join(dir, 'new.longtail'));
    expect(layout(db)).toBe('host');
    importFiles(db, [DEFENDER_CSV, ELASTIC]);
    const known = hosts(db);
    const stored = keys(db);
    expect(stored.length).toBeGreaterThan(100);
    for (const k of stored) expect(known.has(k.slice(0, k.indexOf('|')))).toBe(true);
    const again = importFiles(db, [sameRecordsOtherBytes(DEFENDER_CSV), sameRecordsOtherBytes(ELASTIC)]).files;
    expect(again.map((f) => f.stored)).toEqual([0, 0]);
    expect(again.every((f) => f.duplicates > 0 && f.duplicates === f.records - f.skipped - f.failed)).toBe(true);
    expect(keys(db)).toHaveLength(stored.length);
    db.close();
  });

  it('a case made before schema 8 keeps time-first keys, old and new', () => {
    const copy = path.join(dir, 'old.longtail');
    fs.copyFileSync(OLD_CASE, copy);
    const { db } = openCase(copy);
    expect(layout(db)).toBe('time');
    const before = keys(db).length;
    importFiles(db, [ELASTIC]);
    const after = keys(db);
    expect(after.length).toBeGreaterThan(before);
    for (const k of after) expect(k).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\|/);
    const again = importFiles(db, [sameRecordsOtherBytes(ELASTIC)]).files;
    expect(again[0]!.stored).toBe(0);
    db.close();
  });
});
