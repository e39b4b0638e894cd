// Decision 67: a big import's WAL is folded back into the case file by a worker thread,
// not by the importing thread; the case comes out the same, and the worker never holds
// anything open once stopped.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { corpus } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { WalCheckpointer } from '../../src-core/ingest/wal-checkpointer.js';
import { openCase, type Db } from '../../src-core/store/case-db.js';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Rows of `t` in the case file's own pages, the WAL left out (a copy of the main file
 * alone); -1 when the copy caught a checkpoint half-way (a torn copy: look again).
 */
function rowsInMainFile(file: string, dir: string): number {
  const copy = path.join(dir, `main-only-${Date.now()}.db`);
  fs.copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 't'").get();
    return has ? (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n : 0;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CORRUPT') return -1;
    throw err;
  } finally {
    db.close();
    fs.rmSync(copy, { force: true });
  }
}

/** Waits (up to 5 s) until the case file itself holds `n` rows of `t`; returns what it holds. */
function waitForRows(file: string, dir: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < 250 && seen !== n; i++) {
    sleep(20);
    seen = rowsInMainFile(file, dir);
  }
  return seen;
}

function writeRows(db: Db, from: number, n: number): void {
  const ins = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = from; i < from + n; i++) ins.run(i, 'x'.repeat(200));
  })();
}

describe('the WAL checkpointer', () => {
  it('copies committed pages into the case file from its own thread while this one writes on', () => {
    const c = tempCase();
    cleanups.push(c.close);
    // This connection never checkpoints: any page in the main file got there from the worker.
    c.db.pragma('wal_autocheckpoint = 0');
    c.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const ck = WalCheckpointer.start(c.db, 20)!;
    expect(ck).not.toBeNull();
    writeRows(c.db, 0, 5000);
    expect(waitForRows(c.file, c.dir, 5000)).toBe(5000);
    // More commits while it runs: it keeps up with them too.
    writeRows(c.db, 5000, 5000);
    expect(waitForRows(c.file, c.dir, 10_000)).toBe(10_000);
    const stats = ck.stop();
    expect(stats.copied).toBeGreaterThanOrEqual(2);
    expect(stats.passes).toBeGreaterThanOrEqual(stats.copied);
    expect(ck.stop()).toBe(stats);
  });

  it('closes its connection when stopped: the last close then removes the WAL', () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'case.longtail');
    const { db } = openCase(file);
    db.pragma('wal_autocheckpoint = 0');
    const ck = WalCheckpointer.start(db, 10)!;
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    writeRows(db, 0, 1000);
    // Its connection is open and working: it has copied the rows into the file.
    expect(waitForRows(file, dir, 1000)).toBe(1000);
    ck.stop();
    expect(ck.finished()).toBe(true);
    db.close();
    // A connection still open elsewhere would have kept the WAL file.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const again = new Database(file, { readonly: true });
    expect((again.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(1000);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it("raises the importing connection's own auto-checkpoint to 1 GiB of log while it runs, and puts it back", () => {
    const c = tempCase();
    cleanups.push(c.close);
    const pageSize = c.db.pragma('page_size', { simple: true }) as number;
    const before = c.db.pragma('wal_autocheckpoint', { simple: true });
    // The case's own bound: 256 MiB of log, counted in pages.
    expect(before).toBe((256 * 1024 * 1024) / pageSize);
    const ck = WalCheckpointer.start(c.db, 50)!;
    expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe((1024 * 1024 * 1024) / pageSize);
    ck.stop();
    expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe(before);
  });

  it('is not started where no other thread could checkpoint (in memory, read-only)', () => {
    const mem = new Database(':memory:');
    expect(WalCheckpointer.start(mem)).toBeNull();
    mem.close();
    const c = tempCase();
    cleanups.push(c.close);
    const ro = new Database(c.file, { readonly: true });
    expect(WalCheckpointer.start(ro)).toBeNull();
    ro.close();
  });

  it('ends by itself, having done nothing, when its worker cannot open the case; stop() then returns at once', () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'case.longtail');
    const { db } = openCase(file);
    // The open connection keeps working on the moved file; the worker, opening by path, finds nothing.
    fs.renameSync(file, path.join(dir, 'moved.longtail'));
    const ck = WalCheckpointer.start(db, 10)!;
    // It ends by itself, having failed to open the case, long before anyone stops it.
    for (let i = 0; i < 500 && !ck.finished(); i++) sleep(20);
    expect(ck.finished()).toBe(true);
    const t = performance.now();
    expect(ck.stop()).toEqual({ passes: 0, copied: 0 });
    expect(performance.now() - t).toBeLessThan(2000);
    db.close();
  });
});

describe('an import with the checkpointer', () => {
  it('stores exactly what an import without it stores, and says what it checkpointed', () => {
    const inputs = [corpus('json'), corpus('csv')];
    const plain = tempCase();
    const checked = tempCase();
    cleanups.push(plain.close, checked.close);
    const a = importFiles(plain.db, inputs, { checkpointMinBytes: Number.MAX_SAFE_INTEGER });
    const b = importFiles(checked.db, inputs, { checkpointMinBytes: 0 });
    expect(a.checkpoints).toBeNull();
    expect(b.checkpoints).not.toBeNull();
    const dump = (db: Db) => ({
      files: db.prepare('SELECT path, sha256, status, records, stored, duplicates FROM input_file ORDER BY id').all(),
      events: db.prepare('SELECT ref, source, time, pid, path, command_line, implied FROM process_event ORDER BY id').all(),
      instances: db.prepare('SELECT proc_id, event_id, is_service, parent_name_lc FROM instance ORDER BY proc_id').all(),
    });
    expect(dump(checked.db)).toEqual(dump(plain.db));
    expect(b.files.reduce((n, f) => n + f.stored, 0)).toBeGreaterThan(290);
  });

  it('is left out of small imports (the default threshold)', () => {
    const c = tempCase();
    cleanups.push(c.close);
    expect(importFiles(c.db, [corpus('csv')]).checkpoints).toBeNull();
  });
});
