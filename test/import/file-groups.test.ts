// Small files share one transaction, a savepoint each (decision 39): one file's failure
// must still roll back that file alone, a copy later in the same group is still a
// duplicate, and the hash a parse worker sends is the file's own.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { GROUP_BYTES, groupFiles, importFiles, sha256File } from '../../src-core/ingest/import-files.js';
import { ParsePool } from '../../src-core/ingest/parse-channel.js';
import type { Db } from '../../src-core/store/case-db.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(): { db: Db; dir: string } {
  const c = tempCase();
  const dir = tempDir();
  cleanups.push(c.close, () => fs.rmSync(dir, { recursive: true, force: true }));
  return { db: c.db, dir };
}

/** An Elastic NDJSON file of `n` process starts on `host`, command lines tagged with `tag`. */
function ndjson(dir: string, name: string, host: string, n: number, tag: string): string {
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({
      '@timestamp': `2026-10-20T09:${String(i % 60).padStart(2, '0')}:0${i % 10}.${String(i).padStart(3, '0')}Z`,
      host: { name: host }, event: { category: ['process'], type: ['start'] },
      process: {
        pid: 5000 + i, entity_id: `${host}-${tag}-${i}`, name: 'tool.exe', executable: 'C:\\Tools\\tool.exe',
        command_line: `tool.exe ${tag} ${i}`, parent: { pid: 680, entity_id: `${host}-svc`, name: 'services.exe' },
      },
    }));
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const sized = (...sizes: number[]) => sizes.map((size) => ({ size }));

const count = (db: Db, sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

describe('file groups', () => {
  it('take consecutive files up to GROUP_BYTES; a bigger file is a group of its own', () => {
    expect(groupFiles(sized(10, GROUP_BYTES - 10, 1, GROUP_BYTES + 5, 3, 4))).toEqual([[0, 1], [2], [3], [4, 5]]);
    expect(groupFiles(sized())).toEqual([]);
    const many = groupFiles(sized(...Array<number>(300).fill(1)));
    expect(many.map((g) => g.length)).toEqual([256, 44]);
  });

  it('roll back a failing file alone: the files before and after it in the group are stored', () => {
    const { db, dir } = setup();
    const files = [
      ndjson(dir, 'a.ndjson', 'WS01', 20, 'alpha'),
      ndjson(dir, 'b.ndjson', 'WS02', 20, 'boom'),
      ndjson(dir, 'c.ndjson', 'WS02', 20, 'gamma'),
    ];
    expect(groupFiles(files.map((f) => ({ size: fs.statSync(f).size })))).toEqual([[0, 1, 2]]);
    // The 11th row of b.ndjson fails to store, after ten of its rows (and a new host) were written.
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON process_event WHEN NEW.command_line = 'tool.exe boom 10'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const s = importFiles(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status, f.stored])).toEqual([
      ['a.ndjson', 'complete', 20], ['b.ndjson', 'failed', 0], ['c.ndjson', 'complete', 20],
    ]);
    expect(s.files[1]!.error).toMatch(/nothing stored from this file: disk says no/);
    expect(count(db, "SELECT count(*) AS n FROM process_event WHERE command_line LIKE 'tool.exe boom%'")).toBe(0);
    expect(count(db, "SELECT count(*) AS n FROM process_event WHERE implied = 0")).toBe(40);
    // WS02's host row was created inside b's savepoint and rolled back with it: c, on the
    // same host, must not reuse the id the writer had cached.
    const hosts = db.prepare('SELECT h.key, count(e.id) AS n FROM host h JOIN process_event e ON e.host_id = h.id WHERE e.implied = 0 GROUP BY h.key ORDER BY h.key').all();
    expect(hosts).toEqual([{ key: 'ws01', n: 20 }, { key: 'ws02', n: 20 }]);
    const log = db.prepare('SELECT path, status, sha256, stored, error FROM input_file ORDER BY id').all() as Array<Record<string, unknown>>;
    expect(log.map((r) => [path.basename(String(r['path'])), r['status'], r['sha256'], r['stored']])).toEqual([
      ['a.ndjson', 'complete', sha256File(files[0]!), 20],
      ['b.ndjson', 'failed', sha256File(files[1]!), 0],
      ['c.ndjson', 'complete', sha256File(files[2]!), 20],
    ]);
    // Removing the cause and importing again stores the failed file, and only it.
    db.exec('DROP TRIGGER boom');
    const again = importFiles(db, [dir]);
    expect(again.files.map((f) => f.status)).toEqual(['duplicate', 'complete', 'duplicate']);
    expect(count(db, 'SELECT count(*) AS n FROM process_event WHERE implied = 0')).toBe(60);
  });

  it('see a copy of a file earlier in the same group as a duplicate', () => {
    const { db, dir } = setup();
    const a = ndjson(dir, 'a.ndjson', 'WS01', 5, 'alpha');
    fs.mkdirSync(path.join(dir, 'copy'));
    fs.copyFileSync(a, path.join(dir, 'copy', 'z.ndjson'));
    const s = importFiles(db, [a, path.join(dir, 'copy')]);
    expect(s.files.map((f) => f.status)).toEqual(['complete', 'duplicate']);
    expect(s.files[1]!.error).toMatch(/identical to input #1/);
    expect(count(db, 'SELECT count(*) AS n FROM process_event WHERE implied = 0')).toBe(5);
  });

  it('commit early once they have held the write lock for groupMs, handing the other files to the next group', () => {
    const { db, dir } = setup();
    const files = ['a', 'b', 'c'].map((n, i) => ndjson(dir, `${n}.ndjson`, `WS0${i}`, 10, n));
    const order = (groupMs: number | undefined, caseDb: Db) => {
      const seen: string[] = [];
      importFiles(caseDb, files, {
        groupMs,
        onProgress: (p) => {
          if (p.phase === 'hashing' && p.file) seen.push(`start ${path.basename(p.file)}`);
        },
        onFile: (r) => seen.push(`done ${path.basename(r.path)}`),
      });
      return seen.filter((e, i) => seen.indexOf(e) === i);
    };
    // One group, one commit: every file is reported once the group is committed.
    expect(order(undefined, db)).toEqual(['start a.ndjson', 'start b.ndjson', 'start c.ndjson', 'done a.ndjson', 'done b.ndjson', 'done c.ndjson']);
    // No time at all: each file is committed (and reported) before the next starts.
    const other = setup();
    expect(order(0, other.db)).toEqual(['start a.ndjson', 'done a.ndjson', 'start b.ndjson', 'done b.ndjson', 'start c.ndjson', 'done c.ndjson']);
    const log = other.db.prepare('SELECT path, status, stored FROM input_file ORDER BY id').all() as Array<{ path: string; status: string; stored: number }>;
    expect(log.map((r) => [path.basename(r.path), r.status, r.stored])).toEqual([
      ['a.ndjson', 'complete', 10], ['b.ndjson', 'complete', 10], ['c.ndjson', 'complete', 10],
    ]);
    expect(count(other.db, 'SELECT count(*) AS n FROM process_event WHERE implied = 0')).toBe(30);
  });

  it('log the SHA-256 that the parse worker sends ahead of its batches', () => {
    const { db, dir } = setup();
    const files = [ndjson(dir, 'a.ndjson', 'WS01', 50, 'alpha'), ndjson(dir, 'b.ndjson', 'WS02', 50, 'beta')];
    const before = ParsePool.started;
    // Files of new sizes are hashed as they are parsed (decision 70): asked for ahead here.
    const s = importFiles(db, files, { workerMinBytes: 0, workers: 2, hashFirst: true });
    // Both files went through workers (a hash the writer left unread would have broken
    // the protocol and failed the file).
    expect(ParsePool.started - before).toBe(2);
    expect(s.files.map((f) => f.status)).toEqual(['complete', 'complete']);
    expect(s.files.map((f) => f.sha256)).toEqual(files.map((f) => sha256File(f)));
    const logged = db.prepare('SELECT sha256 FROM input_file ORDER BY id').all() as Array<{ sha256: string }>;
    expect(logged.map((r) => r.sha256)).toEqual(files.map((f) => sha256File(f)));
  });
});

// Decision 70: a file a parse worker reads is hashed as it is parsed, unless its size is
// that of a file in the case or of another input (it may be one already imported).
describe('hashing as the file is parsed', () => {
  const phases = (opts: { workerMinBytes: number; workers: number; hashFirst?: boolean }) => {
    const seen: Array<{ file: string | null; phase: string; records: number }> = [];
    return { seen, opts: { ...opts, onProgress: (p: { file: string | null; phase: string; records: number }) => seen.push(p) } };
  };
  const hashed = (seen: Array<{ file: string | null; phase: string }>, file: string) => seen.some((p) => p.file === file && p.phase === 'hashing');
  const read = (seen: Array<{ file: string | null; phase: string; records: number }>, file: string) =>
    seen.some((p) => p.file === file && p.phase === 'reading' && p.records > 0);

  it('logs the hash of files of new sizes without a hashing pass before them, whole and split between workers', () => {
    const { db, dir } = setup();
    const files = [ndjson(dir, 'a.ndjson', 'WS01', 40, 'alpha'), ndjson(dir, 'b.ndjson', 'WS02', 900, 'beta')];
    const { seen, opts } = phases({ workerMinBytes: 0, workers: 2 });
    const splitBefore = ParsePool.split;
    const s = importFiles(db, files, { ...opts, splitMinBytes: 100 * 1024 });
    expect(ParsePool.split - splitBefore).toBe(1); // b.ndjson, by both workers
    expect(s.files.map((f) => f.status)).toEqual(['complete', 'complete']);
    expect(s.files.map((f) => f.sha256)).toEqual(files.map((f) => sha256File(f)));
    const logged = db.prepare('SELECT sha256 FROM input_file ORDER BY id').pluck().all();
    expect(logged).toEqual(files.map((f) => sha256File(f)));
    expect(files.map((f) => hashed(seen, f))).toEqual([false, false]);
    expect(count(db, 'SELECT count(*) AS n FROM process_event WHERE implied = 0')).toBe(940);
  });

  it('hashes first, and does not read, a file of the size of one the case holds that is that file', () => {
    const { db, dir } = setup();
    const a = ndjson(dir, 'a.ndjson', 'WS01', 60, 'alpha');
    importFiles(db, [a], { workerMinBytes: 0, workers: 2 });
    const { seen, opts } = phases({ workerMinBytes: 0, workers: 2 });
    const again = importFiles(db, [a], opts);
    expect(again.files[0]).toMatchObject({ status: 'duplicate', sha256: sha256File(a), error: 'identical to input #1 (same SHA-256), already imported' });
    expect(hashed(seen, a)).toBe(true);
    expect(read(seen, a)).toBe(false);
    expect(count(db, 'SELECT count(*) AS n FROM process_event WHERE implied = 0')).toBe(60);
  });

  it('hashes first two inputs of one size: the copy is not read', () => {
    const { db, dir } = setup();
    const a = ndjson(dir, 'a.ndjson', 'WS01', 60, 'alpha');
    const copy = path.join(dir, 'copy.ndjson');
    fs.copyFileSync(a, copy);
    const { seen, opts } = phases({ workerMinBytes: 0, workers: 2 });
    const s = importFiles(db, [a, copy], opts);
    expect(s.files.map((f) => f.status)).toEqual(['complete', 'duplicate']);
    expect([hashed(seen, a), hashed(seen, copy), read(seen, copy)]).toEqual([true, true, false]);
  });

  it('rolls back a file found identical once read, alone in its group and inside a group of several', () => {
    const { db, dir } = setup();
    const files = [ndjson(dir, 'a.ndjson', 'WS01', 60, 'alpha'), ndjson(dir, 'b.ndjson', 'WS02', 30, 'beta')];
    importFiles(db, files, { workerMinBytes: 0, workers: 2 });
    const events = count(db, 'SELECT count(*) AS n FROM process_event');
    const keys = count(db, 'SELECT count(*) AS n FROM record_key');
    // hashFirst: false stands for a copy the size check could not foresee (e.g. one stored
    // by this import after the file was handed to its worker).
    for (const group of [[files[0]!], files]) {
      const { seen, opts } = phases({ workerMinBytes: 0, workers: 2, hashFirst: false });
      const s = importFiles(db, group, opts);
      expect(s.files.map((f) => f.status)).toEqual(group.map(() => 'duplicate'));
      expect(s.files.map((f) => f.sha256)).toEqual(group.map((f) => sha256File(f)));
      expect(s.files.map((f) => f.stored)).toEqual(group.map(() => 0));
      expect(group.every((f) => read(seen, f))).toBe(true); // read, then rolled back
      expect(s.files[0]!.error).toBe('identical to input #1 (same SHA-256), already imported');
    }
    expect(count(db, 'SELECT count(*) AS n FROM process_event')).toBe(events);
    expect(count(db, 'SELECT count(*) AS n FROM record_key')).toBe(keys);
    const rows = db.prepare('SELECT status, sha256, records FROM input_file ORDER BY id').all();
    expect(rows).toEqual([
      ...files.map((f) => ({ status: 'complete', sha256: sha256File(f), records: files.indexOf(f) === 0 ? 60 : 30 })),
      { status: 'duplicate', sha256: sha256File(files[0]!), records: 0 },
      ...files.map((f) => ({ status: 'duplicate', sha256: sha256File(f), records: 0 })),
    ]);
  });
});

