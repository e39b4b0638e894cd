// The writer's process identities: one row per (host, key), whether the key is new, in
// the writer's cache, or only in the case (a writer of a later import, its cache empty).
// An ignored insert leaves SQLite's last rowid at the previous insert's, so an identity
// that exists must be read, never taken from the rowid (decision 75).
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openCase } from '../../src-core/store/case-db.js';
import { EventWriter } from '../../src-core/store/event-writer.js';
import type { WireRecord } from '../../src-core/store/wire.js';
import { tempDir } from '../helpers/case-builder.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function newCase() {
  const d = tempDir();
  dirs.push(d);
  return openCase(path.join(d, 'case.longtail')).db;
}

/** A process start on `host` of the process keyed `key`, started by `parent`. */
function start(host: string, key: string, parent: string, pid: number, line: number): WireRecord {
  return {
    key: `${key}|${line}`,
    items: [[
      'p', host, `2026-10-01T00:00:${String(line).padStart(2, '0')}.000Z`, 'test', `line ${line}`, key, parent, 0, pid,
      `C:\\p${pid}.exe`, `p${pid}.exe`, null, null, null, null, null, 'unknown', null, null, null, null, null, 0,
    ]],
  };
}

/** Stores records with `writer` in one transaction; what became of each. */
function storeAll(db: ReturnType<typeof newCase>, writer: EventWriter, fileId: number, records: WireRecord[]): string[] {
  return db.transaction(() => records.map((r) => writer.writeWire(fileId, r)))();
}

describe('EventWriter process identities', () => {
  it('gives a key the case already holds its own id, after a new key was inserted', () => {
    const db = newCase();
    const fileRow = db.prepare("INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at) VALUES (?, 0, ?, 'x', 'x', 'importing', 'x')");
    const f1 = Number(fileRow.run('a', 'a').lastInsertRowid);
    const first = new EventWriter(db);
    expect(storeAll(db, first, f1, [
      start('WS1', 'k:a', 'k:root', 100, 1), start('WS1', 'k:b', 'k:root', 200, 2), start('WS2', 'k:a', 'k:root', 300, 3),
    ])).toEqual(['stored', 'stored', 'stored']);
    const ids = new Map(
      (db.prepare('SELECT h.key AS host, p.key, p.id FROM proc p JOIN host h ON h.id = p.host_id').all() as { host: string; key: string; id: number }[])
        .map((r) => [`${r.host}/${r.key}`, r.id]),
    );
    // ws1: k:a, k:root, k:b; ws2: k:a, k:root. One identity each, the same key on two hosts apart.
    expect(ids.size).toBe(5);
    expect(ids.get('ws1/k:a')).not.toBe(ids.get('ws2/k:a'));

    // A later import: a fresh writer, its cache empty. A new key first (its insert sets the
    // last rowid), then keys the case holds: each must get its existing id.
    const f2 = Number(fileRow.run('b', 'b').lastInsertRowid);
    const later = new EventWriter(db);
    expect(storeAll(db, later, f2, [
      start('WS1', 'k:c', 'k:a', 400, 4), start('ws1.corp.local', 'k:b', 'k:root', 200, 5), start('WS2', 'k:d', 'k:a', 500, 6),
    ])).toEqual(['stored', 'stored', 'stored']);
    const rows = db.prepare(
      `SELECT e.ref, p.key AS proc, pp.key AS parent, p.id AS procId, pp.id AS parentId
         FROM process_event e JOIN proc p ON p.id = e.proc_id JOIN proc pp ON pp.id = e.parent_proc_id WHERE e.file_id = ? ORDER BY e.id`,
    ).all(f2) as { ref: string; proc: string; parent: string; procId: number; parentId: number }[];
    expect(rows.map((r) => [r.ref, r.proc, r.parent])).toEqual([
      ['line 4', 'k:c', 'k:a'],
      ['line 5', 'k:b', 'k:root'],
      ['line 6', 'k:d', 'k:a'],
    ]);
    expect(rows[0]!.parentId).toBe(ids.get('ws1/k:a'));
    expect(rows[1]!.procId).toBe(ids.get('ws1/k:b'));
    expect(rows[1]!.parentId).toBe(ids.get('ws1/k:root'));
    expect(rows[2]!.parentId).toBe(ids.get('ws2/k:a'));
    // Two new identities, nothing doubled.
    expect(db.prepare('SELECT count(*) FROM proc').pluck().get()).toBe(7);
    db.close();
  });
});
