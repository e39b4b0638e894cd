// Case files: numbered migrations with a tracking table, a backup before migrating an
// older case, refusal of what is not ours, and interrupted imports marked on reopen.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openCase, CaseError, NEW_CASE_PAGE_SIZE } from '../../src-core/store/case-db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src-core/store/migrations/index.js';
import { listAllowlist, listPathRules } from '../../src-core/store/lists.js';
import { tempDir } from '../helpers/case-builder.js';
import { LONGTAIL_VERSION } from '../../src-core/version.js';
import { REPO } from '../helpers/corpus.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function file(name = 'case.longtail'): string {
  const d = tempDir();
  dirs.push(d);
  return path.join(d, name);
}

/** Takes a case back to schema 6: what migrations 7 and 8 added (verdicts, coverage, the key layout) removed. */
function downgradeFrom7(raw: Database.Database): void {
  raw.exec("DROP TABLE verdict; DROP TABLE coverage; DELETE FROM case_meta WHERE key = 'record_key_layout';");
  raw.prepare('DELETE FROM schema_migration WHERE version IN (7, 8)').run();
}

/** Takes a case back to schema 5: what migrations 6 and 7 added (archive members, the info level, …) removed. */
function downgradeFrom6(raw: Database.Database): void {
  downgradeFrom7(raw);
  raw.exec(`DROP INDEX input_file_container;
            ALTER TABLE input_file DROP COLUMN member_index;
            ALTER TABLE input_file DROP COLUMN member;
            ALTER TABLE input_file DROP COLUMN container_id;
            CREATE TABLE import_note_old (
              id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES input_file(id),
              level TEXT NOT NULL CHECK (level IN ('error', 'warning', 'skipped')),
              reason TEXT NOT NULL, count INTEGER NOT NULL, refs TEXT NOT NULL);
            INSERT INTO import_note_old SELECT * FROM import_note WHERE level <> 'info';
            DROP TABLE import_note;
            ALTER TABLE import_note_old RENAME TO import_note;
            CREATE INDEX import_note_file ON import_note(file_id);`);
  raw.prepare('DELETE FROM schema_migration WHERE version = 6').run();
}

describe('case files', () => {
  it('records every migration, in order, and starts with the seed defaults', () => {
    const f = file();
    const { db } = openCase(f);
    const rows = db.prepare('SELECT version, name FROM schema_migration ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(listAllowlist(db).map((e) => e.value)).toEqual(['svchost.exe', 'mssense.exe', 'msmpeng.exe', 'searchindexer.exe', 'microsoftedgeupdate.exe']);
    expect(listPathRules(db)).toHaveLength(2);
    db.close();
    // Reopening applies nothing twice.
    const again = openCase(f);
    expect((again.db.prepare('SELECT count(*) AS n FROM schema_migration').get() as { n: number }).n).toBe(SCHEMA_VERSION);
    expect(again.backupPath).toBeNull();
    again.db.close();
  });

  it('creates a case with 16 KiB pages; a case of 4 KiB pages keeps them and stores and hunts the same', () => {
    const bytes = (db: Database.Database) => (db.pragma('page_size', { simple: true }) as number) * (db.pragma('wal_autocheckpoint', { simple: true }) as number);
    const tables = ['process_event', 'network_event', 'file_event', 'image_load', 'service_install', 'process_end', 'proc', 'record_key', 'instance'];
    const seen = (db: Database.Database) => ({
      counts: tables.map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n),
      rows: runHunt(db, huntParams('any', { window: { kind: 'all' } })).rows,
    });
    const fresh = openCase(file()).db;
    expect(fresh.pragma('page_size', { simple: true })).toBe(NEW_CASE_PAGE_SIZE);
    expect(NEW_CASE_PAGE_SIZE).toBe(16384);
    // The log bound is the same in bytes whatever the page size.
    expect(bytes(fresh)).toBe(256 * 1024 * 1024);
    importFiles(fresh, [path.join(REPO, 'samples')]);
    const a = seen(fresh);
    expect(a.counts[0]).toBeGreaterThan(0);
    expect(a.rows.length).toBeGreaterThan(0);
    fresh.close();
    // A database file with SQLite's default 4 KiB pages already fixed, as earlier versions
    // created every case (no tables: it becomes a case when opened).
    const f = file();
    const raw = new Database(f);
    raw.exec('CREATE TABLE t (x); DROP TABLE t');
    raw.close();
    const old = openCase(f).db;
    expect(old.pragma('page_size', { simple: true })).toBe(4096);
    expect(bytes(old)).toBe(256 * 1024 * 1024);
    importFiles(old, [path.join(REPO, 'samples')]);
    expect(seen(old)).toEqual(a);
    old.close();
    // An empty file is a new case too.
    const empty = file();
    fs.writeFileSync(empty, '');
    const e = openCase(empty).db;
    expect(e.pragma('page_size', { simple: true })).toBe(NEW_CASE_PAGE_SIZE);
    e.close();
  });

  it('migrates a case of an older schema, keeping a backup of it as it was', () => {
    const f = file();
    const raw = new Database(f);
    raw.exec('CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    MIGRATIONS[0]!.up(raw);
    raw.prepare("INSERT INTO schema_migration VALUES (1, 'initial', 'then')").run();
    raw.prepare("INSERT INTO host (key) VALUES ('ws01')").run();
    raw.close();
    const { db, backupPath } = openCase(f);
    expect(backupPath).toBe(`${f}.schema-1.bak`);
    expect(listAllowlist(db)).toHaveLength(5);
    expect((db.prepare('SELECT key FROM host').get() as { key: string }).key).toBe('ws01');
    db.close();
    const backup = new Database(backupPath!, { readonly: true });
    expect((backup.prepare('SELECT max(version) AS v FROM schema_migration').get() as { v: number }).v).toBe(1);
    expect((backup.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'allow_entry'").get() as { n: number }).n).toBe(1);
    expect((backup.prepare('SELECT count(*) AS n FROM allow_entry').get() as { n: number }).n).toBe(0);
    backup.close();
  });

  it('makes a case of what a process killed while creating one left, and still refuses what is not ours', () => {
    // Before decision 82 the tracking table was committed before the first migration: a
    // kill inside that migration left it alone and empty, and the file was refused.
    const killed = file();
    const raw = new Database(killed);
    raw.pragma(`page_size = ${NEW_CASE_PAGE_SIZE}`);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    raw.close();
    const { db } = openCase(killed);
    expect(db.prepare('SELECT count(*) FROM schema_migration').pluck().get()).toBe(SCHEMA_VERSION);
    const imported = importFiles(db, [path.join(REPO, 'samples')]).files;
    expect(imported.filter((r) => r.status === 'complete').length).toBeGreaterThan(3);
    expect(imported.filter((r) => r.status === 'failed')).toEqual([]);
    db.close();
    // Beside a table of someone else's, it is not that.
    const other = file('other.db');
    const o = new Database(other);
    o.exec('CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    o.exec('CREATE TABLE t (x)');
    o.close();
    expect(() => openCase(other)).toThrow(/not a Longtail case/);
    // The tracking table comes in the first migration's transaction: a first migration
    // that fails (here on a view in the way of one of its tables) leaves no table behind.
    const failing = file('failing.longtail');
    const f = new Database(failing);
    f.exec('CREATE VIEW input_file AS SELECT 1 AS x');
    f.close();
    expect(() => openCase(failing)).toThrow(CaseError);
    const left = new Database(failing);
    expect(left.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([]);
    left.close();
  });

  it('refuses a newer schema, a foreign SQLite database and a file that is not a database', () => {
    const newer = file();
    openCase(newer).db.close();
    const raw = new Database(newer);
    raw.prepare("INSERT INTO schema_migration VALUES (999, 'future', 'later')").run();
    raw.close();
    expect(() => openCase(newer)).toThrow(/newer Longtail \(schema 999/);
    const foreign = file('other.db');
    const o = new Database(foreign);
    o.exec('CREATE TABLE t (x)');
    o.close();
    expect(() => openCase(foreign)).toThrow(/not a Longtail case/);
    const text = file('notes.txt');
    fs.writeFileSync(text, 'not a database at all, just some text that is long enough to have a header');
    expect(() => openCase(text)).toThrow(CaseError);
    expect(() => openCase(file('missing.longtail'), { create: false })).toThrow(/no such case file/);
  });

  it('migrates a schema-4 case to keep service paths in instance and index them, and hunts it as before', () => {
    const f = file();
    const { db } = openCase(f);
    importFiles(db, [path.join(REPO, 'samples')]);
    const before = runHunt(db, huntParams('any', { window: { kind: 'all' } })).rows;
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.path !== null)).toBe(true);
    db.close();
    // The same case as schema 4 wrote it: no path column, migrations 5 and 6 not applied.
    const raw = new Database(f);
    downgradeFrom6(raw);
    raw.exec(`DROP INDEX instance_service;
              ALTER TABLE instance DROP COLUMN path;
              CREATE INDEX instance_service ON instance(start_time) WHERE is_service = 1;`);
    raw.prepare('DELETE FROM schema_migration WHERE version = 5').run();
    raw.close();
    const migrated = openCase(f);
    expect(migrated.backupPath).toBe(`${f}.schema-4.bak`);
    const m = migrated.db;
    const wrong = m.prepare(
      `SELECT count(*) AS n FROM instance i JOIN process_event e ON e.id = i.event_id
        WHERE i.is_service = 1 AND i.path IS NOT e.path`,
    ).get() as { n: number };
    expect(wrong.n).toBe(0);
    expect((m.prepare('SELECT count(*) AS n FROM instance WHERE is_service = 1 AND path IS NOT NULL').get() as { n: number }).n).toBeGreaterThan(0);
    expect((m.prepare('SELECT count(*) AS n FROM host WHERE resolved = 0').get() as { n: number }).n).toBe(0);
    // The hunt reads service processes from the index alone.
    const plan = m.prepare("EXPLAIN QUERY PLAN SELECT proc_id, host_id, start_time, name_lc, path, sha256, sha1, md5, signature, signer FROM instance WHERE is_service = 1").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail)).toEqual(['SCAN instance USING COVERING INDEX instance_service']);
    const after = runHunt(m, huntParams('any', { window: { kind: 'all' } })).rows;
    expect(after).toEqual(before);
    m.close();
  });

  it('migrates a schema-5 case to archive members and the info level, keeping every event and note', () => {
    const f = file();
    const { db } = openCase(f);
    importFiles(db, [path.join(REPO, 'samples')]);
    const tables = ['input_file', 'import_note', 'process_event', 'network_event', 'file_event', 'image_load', 'service_install', 'record_key'];
    const counts = (d: Database.Database) => tables.map((t) => (d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
    const notes = (d: Database.Database) => d.prepare("SELECT file_id, level, reason, count, refs FROM import_note WHERE level <> 'info' ORDER BY id").all();
    const before = { counts: counts(db), notes: notes(db), rows: runHunt(db, huntParams('any', { window: { kind: 'all' } })).rows };
    db.close();
    const raw = new Database(f);
    downgradeFrom6(raw);
    raw.close();
    const migrated = openCase(f);
    expect(migrated.backupPath).toBe(`${f}.schema-5.bak`);
    const m = migrated.db;
    expect(counts(m).slice(2)).toEqual(before.counts.slice(2));
    expect(notes(m)).toEqual(before.notes);
    expect(m.prepare('SELECT count(*) AS n FROM input_file WHERE container_id IS NOT NULL OR member IS NOT NULL').get()).toEqual({ n: 0 });
    // The new level is accepted, and the old ones still are.
    m.prepare("INSERT INTO import_note (file_id, level, reason, count, refs) VALUES (1, 'info', 'x', 1, '[]')").run();
    expect(() => m.prepare("INSERT INTO import_note (file_id, level, reason, count, refs) VALUES (1, 'loud', 'x', 1, '[]')").run()).toThrow(/CHECK/);
    expect(runHunt(m, huntParams('any', { window: { kind: 'all' } })).rows).toEqual(before.rows);
    m.close();
  });

  it('marks a file left importing by a killed process as incomplete on reopen', () => {
    const f = file();
    const { db } = openCase(f);
    db.prepare("INSERT INTO input_file (path, size, sha256, status, started_at) VALUES ('x.csv', 1, 'abc', 'importing', 'now')").run();
    db.close();
    const again = openCase(f).db;
    expect(again.prepare('SELECT status, error FROM input_file').get()).toEqual({
      status: 'incomplete', error: 'import interrupted before the file was finished; nothing of it is stored',
    });
    again.close();
  });

  it('keeps the version constant in step with package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(LONGTAIL_VERSION).toBe(pkg.version);
  });
});
