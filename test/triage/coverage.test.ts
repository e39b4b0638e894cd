// Issue 13: coverage-aware rarity. A fleet where some hosts stop logging process starts
// part way through the window: each row carries the hosts covered on its start day, rows
// on thin days are flagged, the summary counts covered hosts, and coverage ranges and
// the log show the gaps.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openCase, type Db } from '../../src-core/store/case-db.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { coverageRanges } from '../../src-core/hunt/coverage.js';
import { setVerdicts } from '../../src-core/store/verdicts.js';
import { instanceDetail } from '../../src-core/api/detail.js';
import { backfillCoverage } from '../../src-core/store/migrations/007-verdicts-coverage.js';
import { SCHEMA_VERSION } from '../../src-core/store/migrations/index.js';
import { addFile, implied, sec4688, sysmon1, tempDir } from '../helpers/case-builder.js';
import { REPO } from '../helpers/corpus.js';
import { OLD_CASE } from '../fixtures/old-case/old-case-inputs.js';
import type { MappedItem } from '../../src-core/model/events.js';

const dir = tempDir('longtail-coverage-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}`;
const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

/** Ordinary (non-service) starts on each day from `first` to `last`: the host was logging. */
function logging(host: string, first: number, last: number, kind: 'sysmon' | 'security' = 'sysmon'): MappedItem[] {
  const out: MappedItem[] = [];
  for (let d = first; d <= last; d++) {
    const time = `${day(d)}T09:00:00`;
    out.push(kind === 'sysmon'
      ? sysmon1({ host, time, path: NOTEPAD, parentPath: 'C:\\Windows\\explorer.exe' })
      : sec4688({ host, time, pid: 5000 + d, path: NOTEPAD, parentPath: 'C:\\Windows\\explorer.exe' }));
  }
  return out;
}

function fleet(): { db: Db; file: string } {
  const file = path.join(dir, `fleet-${Math.random().toString(36).slice(2)}.longtail`);
  const { db } = openCase(file);
  addFile(db, 'a.json', logging('HOST-A', 1, 10));
  addFile(db, 'b.json', logging('HOST-B', 1, 10, 'security'));
  addFile(db, 'c.json', logging('HOST-C', 1, 5));
  addFile(db, 'd.json', logging('HOST-D', 1, 5));
  addFile(db, 'e.json', logging('HOST-E', 1, 3));
  // A host known only from a Defender network row's actor: no process-start coverage.
  addFile(db, 'f.json', [implied({ host: 'HOST-F', time: `${day(8)}T12:00:00`, proc: 'pt:f#1', path: 'C:\\x\\agent.exe' })]);
  // Two unique service binaries on HOST-A: one while five hosts logged, one while two did.
  addFile(db, 'svc.json', [
    sysmon1({ host: 'HOST-A', time: `${day(2)}T03:00:00`, path: 'C:\\ProgramData\\early\\svc.exe', hashes: { sha256: '11'.repeat(32) } }),
    sysmon1({ host: 'HOST-A', time: `${day(8)}T03:00:00`, path: 'C:\\ProgramData\\late\\svc.exe', hashes: { sha256: '22'.repeat(32) } }),
  ]);
  return { db, file };
}

describe('coverage-aware rarity', () => {
  it('counts the hosts covered on each row\'s day, flags thin days and sums up the window', () => {
    const { db } = fleet();
    const report = runHunt(db, huntParams('any', { window: { kind: 'all' } }), { enrich: false });
    const early = report.rows.find((r) => r.path?.includes('early'))!;
    const late = report.rows.find((r) => r.path?.includes('late'))!;
    expect(early).toMatchObject({ coveredHosts: 5, thinCoverage: false, rareBy: expect.arrayContaining(['binary', 'path']) });
    expect(late).toMatchObject({ coveredHosts: 2, thinCoverage: true });
    expect(late.flags).toContain('thin coverage: 2 of the case\'s hosts logged process starts that day (fewer than 3)');
    expect(early.flags.some((f) => f.startsWith('thin coverage'))).toBe(false);
    // HOST-F's agent is known only as the actor of a Defender row: a service process on a
    // day when two hosts (none of them F) logged process starts.
    expect(report.rows.find((r) => r.host === 'host-f')).toMatchObject({ coveredHosts: 2, thinCoverage: true });
    expect(report.stats).toMatchObject({ coveredHosts: 5, hosts: 6, thinCoverage: 2 });
    expect(report.parameters.minCoveredHosts).toBe(3);

    const lenient = runHunt(db, huntParams('any', { window: { kind: 'all' }, minCoveredHosts: 2 }), { enrich: false });
    expect(lenient.rows.find((r) => r.path?.includes('late'))).toMatchObject({ coveredHosts: 2, thinCoverage: false });
    expect(lenient.stats.thinCoverage).toBe(0);
    expect(runHunt(db, huntParams('any', { window: { kind: 'all' }, minCoveredHosts: 6 }), { enrich: false }).stats.thinCoverage).toBe(3);

    // An opened row is flagged against the hunt's threshold, as in the report.
    expect(instanceDetail(db, late.instanceId, { kind: 'all' }).row).toMatchObject({ coveredHosts: 2, thinCoverage: true });
    expect(instanceDetail(db, late.instanceId, { kind: 'all' }, 2).row).toMatchObject({ coveredHosts: 2, thinCoverage: false, flags: [] });

    // A window over days 7-10 only: two hosts logged in it.
    const window = runHunt(db, huntParams('any', { window: { kind: 'range', from: `${day(7)}T00:00:00.0000000Z`, to: `${day(10)}T23:59:59.9999999Z` } }), { enrich: false });
    expect(window.stats.coveredHosts).toBe(2);
  });

  it('keeps each host\'s runs of days per source, the same from resolution as from the migration', () => {
    const { db } = fleet();
    const ranges = coverageRanges(db).filter((r) => r.host !== 'host-a');
    expect(ranges).toEqual([
      { host: 'host-b', kind: 'security', from: day(1), to: day(10), starts: 10 },
      { host: 'host-c', kind: 'sysmon', from: day(1), to: day(5), starts: 5 },
      { host: 'host-d', kind: 'sysmon', from: day(1), to: day(5), starts: 5 },
      { host: 'host-e', kind: 'sysmon', from: day(1), to: day(3), starts: 3 },
    ]);
    // host-a: ten logging days plus the two service starts.
    expect(coverageRanges(db).filter((r) => r.host === 'host-a')).toEqual([{ host: 'host-a', kind: 'sysmon', from: day(1), to: day(10), starts: 12 }]);
    const rows = () => db.prepare('SELECT host_id, kind, day, starts FROM coverage ORDER BY host_id, kind, day').all();
    const fromResolution = rows();
    db.prepare('DELETE FROM coverage').run();
    backfillCoverage(db);
    expect(rows()).toEqual(fromResolution);
  });

  it('shows the gaps in `longtail log`, and `longtail hunt --format json` the coverage and verdicts', () => {
    const { db, file } = fleet();
    const late = runHunt(db, huntParams('any', { window: { kind: 'all' } }), { enrich: false }).rows.find((r) => r.path?.includes('late'))!;
    setVerdicts(db, { instanceIds: [late.instanceId], verdict: 'suspicious', note: 'ran at 03:00', user: 'dana' });
    db.close();
    const hunt = spawnSync(process.execPath, [path.join(REPO, 'bin', 'longtail.mjs'), 'hunt', file, '--window', 'all', '--format', 'json'], { encoding: 'utf8' });
    expect(hunt.status).toBe(0);
    const rows = (JSON.parse(hunt.stdout) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows.find((r) => r['instanceId'] === late.instanceId)).toMatchObject({
      verdict: 'suspicious', note: 'ran at 03:00', verdictBy: 'dana', coveredHosts: 2, thinCoverage: true,
      counts: { children: 0, remoteIps: 0, files: 0, dlls: 0 },
    });
    const table = spawnSync(process.execPath, [path.join(REPO, 'bin', 'longtail.mjs'), 'hunt', file, '--window', 'all'], { encoding: 'utf8' });
    expect(table.stdout).toContain('5 of 6 hosts logged process starts in the window; 2 row(s) measured on thin coverage (fewer than 3 hosts that day).');
    expect(table.stdout).toContain('verdict: suspicious (dana, ');
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'longtail.mjs'), 'log', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Process-start coverage (UTC days, by host and source): 5 host(s)');
    expect(r.stdout).toContain(`  host-c: sysmon ${day(1)}..${day(5)} (5)\n`);
    expect(r.stdout).toContain(`  host-b: security ${day(1)}..${day(10)} (10)\n`);
  });
});

describe('schema 7 on a case made by the previous version', () => {
  it('keeps every event and fills the coverage from them', () => {
    const copy = path.join(dir, 'old.longtail');
    fs.copyFileSync(OLD_CASE, copy);
    const tables = ['process_event', 'network_event', 'file_event', 'image_load', 'service_install', 'process_end', 'record_key', 'host', 'proc', 'instance', 'input_file'];
    const count = (db: Database.Database) => Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
    const raw = new Database(copy, { readonly: true });
    const before = count(raw);
    const version = (raw.prepare('SELECT max(version) AS v FROM schema_migration').get() as { v: number }).v;
    const starts = (raw.prepare("SELECT count(*) AS n FROM process_event WHERE implied = 0 AND (source IN ('sysmon:1', 'security:4688') OR source LIKE 'defender:%' OR source LIKE 'elastic:%')").get() as { n: number }).n;
    raw.close();
    expect(version).toBe(6);
    expect(before['process_event']).toBeGreaterThan(0);

    const { db, backupPath } = openCase(copy);
    expect(backupPath).toBe(`${copy}.schema-6.bak`);
    expect(count(db)).toEqual(before);
    expect((db.prepare('SELECT max(version) AS v FROM schema_migration').get() as { v: number }).v).toBe(SCHEMA_VERSION);
    expect((db.prepare('SELECT sum(starts) AS n FROM coverage').get() as { n: number }).n).toBe(starts);
    expect((db.prepare('SELECT count(*) AS n FROM verdict').get() as { n: number }).n).toBe(0);
    const report = runHunt(db, huntParams('any', { window: { kind: 'all' } }));
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.rows.every((r) => r.verdict === 'unreviewed')).toBe(true);
    expect(report.rows.some((r) => r.coveredHosts >= 1)).toBe(true);
    db.close();
  });
});
