// Decision 57: many dirty hosts are resolved from one sorted pass read through a second
// connection. It must build exactly the instances the batched passes build, whether every
// host is dirty or only some, and leave no host dirty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../bench/fleet.js';
import { tempCase } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { resolveDirtyHosts } from '../../src-core/hunt/resolve.js';
import { resolveWorkers } from '../../src-core/hunt/resolve-client.js';
import { corpus } from '../helpers/corpus.js';
import type { Db } from '../../src-core/store/case-db.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-resolve-'));
const cleanups: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

function instances(db: Db): unknown[] {
  return db.prepare(`SELECT proc_id, host_id, event_id, merged_event_id, start_time, name_lc, parent_id, parent_name_lc, is_service,
    flags, sha256, signature, signer, parent_is_service, path FROM instance ORDER BY proc_id`).raw().all();
}
const aliases = (db: Db) => db.prepare('SELECT proc_id, instance_id, host_id FROM proc_instance ORDER BY proc_id').raw().all();
const coverage = (db: Db) => db.prepare('SELECT host_id, kind, day, starts FROM coverage ORDER BY host_id, kind, day').raw().all();
const dirtyHosts = (db: Db) => (db.prepare('SELECT count(*) FROM host WHERE resolved = 0').pluck().get() as number);

describe('resolution from one sorted pass (decision 57)', () => {
  const fleet = generateFleet({ outDir: dir, hosts: 40, events: 30_000, formats: ['defender-csv', 'elastic-ndjson'], seed: 3 }, { threads: 1 });
  // A second fleet written newest first: rows stored against time order, which the sort must undo.
  const late = generateFleet({ outDir: path.join(dir, 'late'), hosts: 40, events: 20_000, formats: ['defender-csv', 'elastic-ndjson'], seed: 4 }, { threads: 1 });
  for (const f of late.files) {
    const lines = fs.readFileSync(f.path, 'utf8').trimEnd().split('\n');
    const head = f.format === 'defender-csv' ? [lines.shift()!] : [];
    fs.writeFileSync(f.path, [...head, ...lines.reverse()].join('\n') + '\n');
  }
  // Security-Datasets logs (4688 parents found by creator pid and time) newest first, too.
  const sd = path.join(dir, 'sd');
  fs.mkdirSync(sd);
  for (const f of fs.readdirSync(corpus('json', 'security-datasets'))) {
    const lines = fs.readFileSync(corpus('json', 'security-datasets', f), 'utf8').trimEnd().split('\n');
    fs.writeFileSync(path.join(sd, f), lines.reverse().join('\n') + '\n');
  }
  // Pid reuse, newest first: the child's creator pid 0x100 ran twice; the later run is its parent.
  const start = (time: string, pid: string, creator: string, image: string) => JSON.stringify({
    EventID: 4688, Channel: 'Security', SourceName: 'Microsoft-Windows-Security-Auditing', Hostname: 'REUSE01',
    TimeCreated: time, EventTime: time, NewProcessId: pid, ProcessId: creator, NewProcessName: image, CommandLine: image,
  });
  fs.writeFileSync(path.join(sd, 'pid-reuse.json'), [
    start('2024-05-01T10:00:05.000Z', '0x300', '0x100', 'C:\\Temp\\child.exe'),
    start('2024-05-01T10:00:03.000Z', '0x100', '0x4', 'C:\\Temp\\second.exe'),
    start('2024-05-01T10:00:01.000Z', '0x100', '0x4', 'C:\\Temp\\first.exe'),
  ].join('\n') + '\n');
  const otherJson = fs.readdirSync(corpus('json')).filter((d) => d !== 'security-datasets').map((d) => corpus('json', d));
  const inputs = [...fleet.files.map((f) => f.path), ...late.files.map((f) => f.path), sd, ...otherJson, corpus('csv'), corpus('evtx', 'attack')];

  it('builds the instances the batched passes build, every host dirty or some', () => {
    const c = tempCase();
    cleanups.push(c.close);
    importFiles(c.db, inputs, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    expect(dirtyHosts(c.db)).toBe(0);
    const imported = { i: instances(c.db), a: aliases(c.db), c: coverage(c.db) };
    expect(imported.c.length).toBeGreaterThan(40);
    expect(imported.i.length).toBeGreaterThan(3000);
    expect((c.db.prepare('SELECT count(*) FROM instance WHERE is_service = 1').pluck().get() as number)).toBeGreaterThan(50);
    const parentOfChild = () => c.db.prepare(`SELECT p.name_lc FROM instance i JOIN instance p ON p.proc_id = i.parent_id
      WHERE i.name_lc = 'child.exe'`).pluck().get();
    expect(parentOfChild()).toBe('second.exe');

    const modes = [
      { sortedScan: false },
      { sortedScan: true, worker: false },
      // Decision 69: the scan and the planning on the resolve worker.
      { sortedScan: true, worker: true },
    ];
    for (const share of ['every host', 'half of the hosts']) {
      for (const mode of modes) {
        c.db.prepare(share === 'every host' ? 'UPDATE host SET resolved = 0' : 'UPDATE host SET resolved = 0 WHERE id % 2 = 0').run();
        // Stale rows a rebuild must replace, not keep.
        c.db.prepare("UPDATE instance SET name_lc = 'stale' WHERE host_id % 2 = 0").run();
        c.db.prepare('UPDATE coverage SET starts = -1 WHERE host_id % 2 = 0').run();
        const workersBefore = resolveWorkers.started;
        const n = resolveDirtyHosts(c.db, mode);
        const label = `${share}, ${JSON.stringify(mode)}`;
        expect(resolveWorkers.started - workersBefore, label).toBe(mode.worker ? 1 : 0);
        expect(n, label).toBeGreaterThan(10);
        expect(dirtyHosts(c.db)).toBe(0);
        expect({ i: instances(c.db), a: aliases(c.db), c: coverage(c.db) }, label).toEqual(imported);
        expect(parentOfChild()).toBe('second.exe');
      }
    }
  });

  it('takes the batched passes inside a caller\'s transaction (a second connection would not see its rows)', () => {
    const c = tempCase();
    cleanups.push(c.close);
    importFiles(c.db, [fleet.files[0]!.path], { workerMinBytes: Number.MAX_SAFE_INTEGER });
    const want = instances(c.db);
    c.db.transaction(() => {
      c.db.prepare('DELETE FROM instance').run();
      c.db.prepare('UPDATE host SET resolved = 0').run();
      resolveDirtyHosts(c.db);
      expect(instances(c.db)).toEqual(want);
    })();
  });
});

describe('the resolve worker (decision 69)', () => {
  it('fails the resolution with its reason, leaving the hosts dirty for the next one', () => {
    const c = tempCase();
    cleanups.push(c.close);
    importFiles(c.db, [corpus('csv')]);
    const before = instances(c.db);
    c.db.prepare('UPDATE host SET resolved = 0').run();
    // This connection keeps working on the moved file; the worker, opening it by path, cannot.
    const moved = `${c.file}.moved`;
    fs.renameSync(c.file, moved);
    try {
      expect(() => resolveDirtyHosts(c.db, { worker: true })).toThrow(/^resolving process instances: /);
    } finally {
      fs.renameSync(moved, c.file);
    }
    expect(c.db.inTransaction).toBe(false);
    expect(dirtyHosts(c.db)).toBeGreaterThan(0);
    resolveDirtyHosts(c.db, { worker: true });
    expect(dirtyHosts(c.db)).toBe(0);
    expect(instances(c.db)).toEqual(before);
  });
});
