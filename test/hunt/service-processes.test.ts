// Spec section 2 (service processes) and 7.2, 7.5, 7.14, 7.15 (instances and parents).
import { describe, expect, it } from 'vitest';
import { addFile, implied, sec4688, sysmon1, t, casePerTest } from '../helpers/case-builder.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import type { Db } from '../../src-core/store/case-db.js';

const newCase = casePerTest();

// One-host cases: coverage is thin by construction, and that flag (issue 13) is not what these tests are about.
const all = huntParams('any', { window: { kind: 'all' }, allowlist: [], minCoveredHosts: 1 });
function serviceRows(db: Db) {
  return db.prepare('SELECT i.*, e.path FROM instance i JOIN process_event e ON e.id = i.event_id WHERE is_service = 1 ORDER BY start_time').all() as Array<{
    proc_id: number; path: string; flags: string | null; merged_event_id: number | null; start_time: string;
  }>;
}

describe('service processes (spec section 2)', () => {
  it('is a process whose parent is named exactly services.exe, case-insensitively', () => {
    const db = newCase();
    addFile(db, 'a', [
      sysmon1({ time: '2026-10-01T10:00:00', path: 'C:\\Windows\\PSEXESVC.exe', parentPath: 'C:\\Windows\\System32\\SERVICES.EXE' }),
      sysmon1({ time: '2026-10-01T10:00:01', path: 'C:\\evil\\a.exe', parentPath: 'C:\\Tools\\myservices.exe' }),
      sysmon1({ time: '2026-10-01T10:00:02', path: 'C:\\evil\\b.exe', parentPath: 'C:\\Windows\\System32\\services.exe.bak' }),
    ]);
    expect(serviceRows(db).map((r) => r.path)).toEqual(['C:\\Windows\\PSEXESVC.exe']);
  });

  it('flags a services.exe parent outside \\Windows\\System32\\ without changing measures', () => {
    const db = newCase();
    addFile(db, 'a', [
      sysmon1({ time: '2026-10-01T10:00:00', path: 'C:\\x\\one.exe', parentPath: 'C:\\Users\\Public\\services.exe' }),
      sysmon1({ time: '2026-10-01T10:00:01', path: 'C:\\x\\two.exe', parentPath: '\\Device\\HarddiskVolume2\\Windows\\System32\\services.exe' }),
    ]);
    const rows = runHunt(db, all).rows;
    const one = rows.find((r) => r.name === 'one.exe')!;
    const two = rows.find((r) => r.name === 'two.exe')!;
    expect(one.flags).toEqual(['services.exe parent outside \\Windows\\System32\\: C:\\Users\\Public\\services.exe']);
    expect(two.flags).toEqual([]);
    expect(one.rareBy).toEqual(two.rareBy);
  });

  it('resolves a 4688 v1 parent from the creator pid: latest earlier start of that pid on the host', () => {
    const db = newCase();
    addFile(db, 'sec', [
      sec4688({ time: '2026-10-01T08:00:00', pid: 0x2cc, path: 'C:\\Windows\\System32\\services.exe' }),
      // pid 0x2cc reused later by another process: a child started after it resolves to it.
      sec4688({ time: '2026-10-01T09:00:00', pid: 0x500, path: 'C:\\Windows\\System32\\cmd.exe', parentPid: 0x2cc }),
      sec4688({ time: '2026-10-01T09:30:00', pid: 0x2cc, path: 'C:\\Windows\\notepad.exe' }),
      sec4688({ time: '2026-10-01T10:00:00', pid: 0x600, path: 'C:\\Windows\\System32\\whoami.exe', parentPid: 0x2cc }),
      // Another host's pid 0x2cc does not count.
      sec4688({ host: 'WS02', time: '2026-10-01T09:00:00', pid: 0x700, path: 'C:\\x\\y.exe', parentPid: 0x2cc }),
    ]);
    expect(serviceRows(db).map((r) => r.path)).toEqual(['C:\\Windows\\System32\\cmd.exe']);
  });

  it('a creator pid never resolves to a start at the same instant or later (strictly before)', () => {
    const db = newCase();
    addFile(db, 'sec', [
      sec4688({ time: '2026-10-01T10:00:00', pid: 0x600, path: 'C:\\x\\child.exe', parentPid: 0x2cc }),
      sec4688({ time: '2026-10-01T10:00:00', pid: 0x2cc, path: 'C:\\Windows\\System32\\services.exe' }),
    ]);
    expect(serviceRows(db)).toEqual([]);
  });

  it('uses ParentProcessGuid when usable, with no pid fallback when that GUID is unknown (7.5)', () => {
    const db = newCase();
    addFile(db, 'a', [
      sysmon1({ time: '2026-10-01T08:00:00', guid: '11111111-0000-0000-0000-000000000001', pid: 700, path: 'C:\\Windows\\System32\\services.exe', parentPath: 'C:\\Windows\\System32\\wininit.exe' }),
      // Parent GUID not among the instances, parent name absent: not a service, even though pid 700 is services.exe.
      sysmon1({ time: '2026-10-01T09:00:00', path: 'C:\\x\\orphan.exe', parentGuid: '99999999-0000-0000-0000-000000000009', parentPid: 700, parentPath: null }),
      // Zero GUID is unusable: falls back to the creator pid.
      sysmon1({ time: '2026-10-01T09:00:01', path: 'C:\\x\\byPid.exe', parentGuid: null, parentPid: 700, parentPath: null }),
    ]);
    expect(serviceRows(db).map((r) => r.path)).toEqual(['C:\\x\\byPid.exe']);
  });

  it('treats a Defender row with InitiatingProcessParentFileName services.exe as an action of a service process', () => {
    const db = newCase();
    const proc = `pt:${t('2026-10-01T07:00:00')}#4242`;
    addFile(db, 'def', [implied({ proc, time: '2026-10-01T07:00:00', pid: 4242, path: 'C:\\Windows\\Temp\\a7f3.exe', parentName: 'services.exe' })]);
    const rows = runHunt(db, all).rows;
    expect(rows.map((r) => [r.name, r.pid, r.startTime])).toEqual([['a7f3.exe', 4242, t('2026-10-01T07:00:00')]]);
  });
});

describe('Sysmon 1 + 4688 merge (7.2, 7.14)', () => {
  const svc = 'C:\\Windows\\System32\\services.exe';
  it('merges one 4688 into the closest Sysmon 1 with the same host, pid and image within 2 s, keeping the Sysmon start', () => {
    const db = newCase();
    addFile(db, 'sysmon', [
      sysmon1({ time: '2026-10-01T10:00:00.5', pid: 1460, path: 'C:\\Windows\\PSEXESVC.exe', parentPath: svc, user: 'NT AUTHORITY\\SYSTEM' }),
    ]);
    addFile(db, 'security', [
      sec4688({ time: '2026-10-01T10:00:02.5', pid: 1460, path: 'c:\\windows\\psexesvc.exe', parentPath: svc, commandLine: 'from 4688' }),
    ]);
    const rows = serviceRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.start_time).toBe(t('2026-10-01T10:00:00.5'));
    expect(rows[0]!.merged_event_id).not.toBeNull();
    const report = runHunt(db, all);
    expect(report.rows).toHaveLength(1);
    // Sysmon fields win; the 4688 only fills gaps (Sysmon had a command line here).
    expect(report.rows[0]!.commandLine).toBe('C:\\Windows\\PSEXESVC.exe');
    expect(report.rows[0]!.sources).toEqual(['sysmon', 'security']);
  });

  it('does not merge beyond 2 s, with another pid, or another image', () => {
    const db = newCase();
    addFile(db, 'x', [
      sysmon1({ time: '2026-10-01T10:00:00', pid: 10, path: 'C:\\a\\x.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T10:00:02.0000001', pid: 10, path: 'C:\\a\\x.exe', parentPath: svc }),
      sysmon1({ time: '2026-10-01T11:00:00', pid: 11, path: 'C:\\a\\y.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T11:00:00', pid: 12, path: 'C:\\a\\y.exe', parentPath: svc }),
      sysmon1({ time: '2026-10-01T12:00:00', pid: 13, path: 'C:\\a\\z.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T12:00:00', pid: 13, path: 'C:\\a\\w.exe', parentPath: svc }),
    ]);
    expect(serviceRows(db)).toHaveLength(6);
  });

  it('is one-to-one: two 4688s and one Sysmon 1 give two instances, the closer 4688 merged', () => {
    const db = newCase();
    addFile(db, 'x', [
      sysmon1({ time: '2026-10-01T10:00:01', pid: 10, path: 'C:\\a\\x.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T10:00:00', pid: 10, path: 'C:\\a\\x.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T10:00:01.5', pid: 10, path: 'C:\\a\\x.exe', parentPath: svc }),
    ]);
    const rows = serviceRows(db);
    expect(rows.map((r) => r.start_time)).toEqual([t('2026-10-01T10:00:00'), t('2026-10-01T10:00:01')]);
    const merged = db.prepare('SELECT time FROM process_event WHERE id = ?').get(rows[1]!.merged_event_id) as { time: string };
    expect(merged.time).toBe(t('2026-10-01T10:00:01.5'));
  });

  it('children of the 4688 side count for the merged instance', () => {
    const db = newCase();
    addFile(db, 'x', [
      sysmon1({ time: '2026-10-01T10:00:00', guid: 'aaaaaaaa-0000-0000-0000-000000000001', pid: 1460, path: 'C:\\Windows\\PSEXESVC.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T10:00:00.1', pid: 1460, path: 'C:\\Windows\\PSEXESVC.exe', parentPath: svc }),
      sec4688({ time: '2026-10-01T10:00:05', pid: 2000, path: 'C:\\Windows\\System32\\reg.exe', parentPid: 1460, commandLine: 'reg save' }),
    ]);
    const report = runHunt(db, all);
    const row = report.rows.find((r) => r.name === 'PSEXESVC.exe')!;
    expect(row.children).toEqual(['reg.exe']);
    expect(row.launchesOnHost).toBe(1);
  });
});
