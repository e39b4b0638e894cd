// Spec section 3 (the three measures, window, path rules, allowlist) and 7.1, 7.6-7.9.
import { describe, expect, it } from 'vitest';
import { addFile, sec4688, sysmon1, t, casePerTest } from '../helpers/case-builder.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { compilePathRules } from '../../src-core/hunt/path-rules.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';
import type { Db } from '../../src-core/store/case-db.js';
import type { HuntParams } from '../../src-core/model/hunt.js';

const newCase = casePerTest();

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const all = (o: Partial<HuntParams> = {}) => huntParams('any', { window: { kind: 'all' }, allowlist: [], ...o });
const names = (db: Db, p: HuntParams) => runHunt(db, p).rows.map((r) => `${r.host}:${r.name}`);

describe('unique binary (3.1, 7.7)', () => {
  it('counts distinct hosts per (hash, lowercased name); rare at ≤ maxHosts', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\a\\svc.exe', hashes: { sha256: H1 } }),
      sysmon1({ host: 'ws02.corp.local', time: '2026-10-01T01:00:00', path: 'C:\\b\\SVC.EXE', hashes: { sha256: H1.toUpperCase().toLowerCase() } }),
      sysmon1({ host: 'WS03', time: '2026-10-01T01:00:00', path: 'C:\\a\\svc.exe', hashes: { sha256: H2 } }),
      sysmon1({ host: 'WS03', time: '2026-10-01T01:00:01', path: 'C:\\a\\renamed.exe', hashes: { sha256: H1 } }),
    ]);
    const report = runHunt(db, all({ measures: ['binary'] }));
    const byName = Object.fromEntries(report.rows.map((r) => [`${r.host}:${r.name}`, r]));
    expect(Object.keys(byName).sort()).toEqual(['ws03:renamed.exe', 'ws03:svc.exe']);
    expect(byName['ws03:svc.exe']!.hash).toBe(`sha256:${H2}`);
    expect(byName['ws03:svc.exe']!.binaryHosts).toBe(1);
    expect(names(db, all({ measures: ['binary'], maxHosts: 2 })).sort()).toEqual(
      ['ws01:svc.exe', 'ws02:SVC.EXE', 'ws03:renamed.exe', 'ws03:svc.exe'],
    );
  });

  it('keys sha256, sha1 and md5 separately and prefers sha256', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\a\\s.exe', hashes: { sha256: H1, sha1: 'c'.repeat(40) } }),
      sysmon1({ host: 'WS02', time: '2026-10-01T01:00:00', path: 'C:\\a\\s.exe', hashes: { sha1: 'c'.repeat(40) } }),
      sysmon1({ host: 'WS03', time: '2026-10-01T01:00:00', path: 'C:\\a\\s.exe', hashes: { md5: 'd'.repeat(32) } }),
    ]);
    const rows = runHunt(db, all({ measures: ['binary'] })).rows;
    expect(rows.map((r) => [r.host, r.hash, r.binaryHosts])).toEqual([
      ['ws01', `sha256:${H1}`, 1],
      ['ws02', `sha1:${'c'.repeat(40)}`, 1],
      ['ws03', `md5:${'d'.repeat(32)}`, 1],
    ]);
  });

  it('an instance without a hash has null hash and binaryHosts and is never rare by binary', () => {
    const db = newCase();
    addFile(db, 'f', [sec4688({ time: '2026-10-01T01:00:00', pid: 5, path: 'C:\\x\\n.exe', parentPath: 'C:\\Windows\\System32\\services.exe' })]);
    expect(runHunt(db, all({ measures: ['binary'] })).rows).toEqual([]);
    const row = runHunt(db, all({ measures: ['path'] })).rows[0]!;
    expect([row.hash, row.binaryHosts, row.rareBy]).toEqual([null, null, ['path']]);
  });

  it('leaves out trusted signatures by default, keeps unknown and untrusted, and --allow-signed keeps trusted', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\a\\t.exe', hashes: { sha256: H1 }, signature: 'trusted' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\a\\u.exe', hashes: { sha256: H2 }, signature: 'unknown' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\a\\v.exe', hashes: { sha256: 'e'.repeat(64) }, signature: 'untrusted' }),
    ]);
    expect(names(db, all({ measures: ['binary'] }))).toEqual(['ws01:u.exe', 'ws01:v.exe']);
    expect(names(db, all({ measures: ['binary'], includeTrusted: true }))).toEqual(['ws01:t.exe', 'ws01:u.exe', 'ws01:v.exe']);
    const u = runHunt(db, all({ measures: ['binary'] })).rows[0]!;
    expect(u.signature).toBe('unknown');
  });
});

describe('unique path (3.2, 7.8)', () => {
  const rules = compilePathRules(DEFAULT_PATH_RULES);
  it('applies rule 1, then rule 2, then lowercases, keeping the seed regex side effects', () => {
    expect(rules.apply('C:\\Users\\jdoe\\AppData\\Local\\Temp\\setup_1.2.3.exe')).toBe('c:\\users\\user\\appdata\\local\\temp\\setupexe');
    expect(rules.apply('C:\\Windows\\Temp\\{8A2F1C3D-1111-2222-3333-444455556666}\\DismHost.exe')).toBe('c:\\windows\\temp\\{}\\dismhost.exe');
    expect(rules.apply('C:\\Users\\Admin\\AppData\\Local\\Temp\\nsdA1B2.tmp')).toBe('c:\\users\\user\\appdata\\local\\temp\\');
    expect(rules.apply('C:\\Windows\\Temp\\DXAB12.tmp\\x.exe')).toBe('c:\\windows\\temp\\\\x.exe');
    expect(rules.apply('C:\\Temp\\7zS1A2B.tmp\\setup.exe')).toBe('c:\\temp\\\\setup.exe');
    expect(rules.apply('C:\\Temp\\7zS1A2B3.tmp\\setup.exe')).toBe('c:\\temp\\7zs1a2b3.tmp\\setup.exe');
    expect(rules.apply('C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23090.2008-0\\MsMpEng.exe')).toBe(
      'c:\\programdata\\microsoft\\windows defender\\platform\\\\msmpeng.exe',
    );
    // Device paths are not converted (7.8), and user folders only fold on C:.
    expect(rules.apply('\\Device\\HarddiskVolume2\\Users\\bob\\x.exe')).toBe('\\device\\harddiskvolume2\\users\\bob\\x.exe');
    expect(rules.apply('D:\\Users\\bob\\x.exe')).toBe('d:\\users\\bob\\x.exe');
    expect(rules.apply('c:\\USERS\\bob.smith$~\\x.exe')).toBe('c:\\users\\user\\x.exe');
  });

  it('counts distinct hosts per path key for every source; a null path is never rare by path', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\Users\\alice\\AppData\\upd_2231.exe' }),
      sec4688({ host: 'WS02', time: '2026-10-01T01:00:00', pid: 9, path: 'C:\\Users\\bob\\AppData\\upd_x9.exe', parentPath: 'C:\\Windows\\System32\\services.exe' }),
      sysmon1({ host: 'WS03', time: '2026-10-01T01:00:00', path: 'C:\\Program Files\\Acme\\agent.exe' }),
    ]);
    const rows = runHunt(db, all({ measures: ['path'] })).rows;
    // upd_2231. → upd (a run of 6 removed); upd_x9 keeps its short runs: different keys, both rare.
    expect(rows.map((r) => [r.host, r.pathKey, r.pathHosts])).toEqual([
      ['ws01', 'c:\\users\\user\\appdata\\updexe', 1],
      ['ws02', 'c:\\users\\user\\appdata\\upd_x9.exe', 1],
      ['ws03', 'c:\\program files\\acme\\agent.exe', 1],
    ]);
  });

  it('uses the user-edited rules and records them in the report', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\Users\\alice\\a.exe' }),
      sysmon1({ host: 'WS02', time: '2026-10-01T01:00:00', path: 'C:\\Users\\bob\\a.exe' }),
    ]);
    expect(runHunt(db, all({ measures: ['path'] })).rows).toEqual([]);
    const onlyRule1 = [{ ...DEFAULT_PATH_RULES[0]!, enabled: true }, { ...DEFAULT_PATH_RULES[1]!, enabled: false }];
    const report = runHunt(db, all({ measures: ['path'], pathRules: onlyRule1 }));
    expect(report.rows.map((r) => r.pathKey)).toEqual(['c:\\users\\alice\\a.exe', 'c:\\users\\bob\\a.exe']);
    expect(report.parameters.pathRules.map((r) => r.enabled)).toEqual([true, false]);
  });
});

describe('rare per host (3.3, 7.9)', () => {
  it('counts service child launches per (host, service name); rare when 1 ≤ count < maxLaunches', () => {
    const db = newCase();
    const items = [];
    // WS01: two instances of upd.exe share the count: 2 + 3 = 5 < 6 → both rare.
    items.push(sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', guid: 'a0000000-0000-0000-0000-000000000001', path: 'C:\\x\\upd.exe' }));
    items.push(sysmon1({ host: 'WS01', time: '2026-10-02T01:00:00', guid: 'a0000000-0000-0000-0000-000000000002', path: 'C:\\x\\UPD.exe' }));
    for (let i = 0; i < 2; i++) items.push(sysmon1({ host: 'WS01', time: `2026-10-01T02:00:0${i}`, path: 'C:\\w\\cmd.exe', parentGuid: 'a0000000-0000-0000-0000-000000000001', parentPath: 'C:\\x\\upd.exe' }));
    for (let i = 0; i < 3; i++) items.push(sysmon1({ host: 'WS01', time: `2026-10-02T02:00:0${i}`, path: 'C:\\w\\cmd.exe', parentGuid: 'a0000000-0000-0000-0000-000000000002', parentPath: 'C:\\x\\UPD.exe' }));
    // WS02: 6 launches → not rare; a service without children → 0, never rare by host.
    items.push(sysmon1({ host: 'WS02', time: '2026-10-01T01:00:00', guid: 'b0000000-0000-0000-0000-000000000001', path: 'C:\\x\\upd.exe' }));
    for (let i = 0; i < 6; i++) items.push(sysmon1({ host: 'WS02', time: `2026-10-01T02:00:0${i}`, path: 'C:\\w\\cmd.exe', parentGuid: 'b0000000-0000-0000-0000-000000000001', parentPath: 'C:\\x\\upd.exe' }));
    items.push(sysmon1({ host: 'WS02', time: '2026-10-01T03:00:00', path: 'C:\\x\\quiet.exe' }));
    addFile(db, 'f', items);
    const rows = runHunt(db, all({ measures: ['host'] })).rows;
    expect(rows.map((r) => [r.host, r.name, r.launchesOnHost])).toEqual([
      ['ws01', 'upd.exe', 5],
      ['ws01', 'UPD.exe', 5],
    ]);
    const everything = runHunt(db, all({ measures: ['path'], maxHosts: 9 })).rows;
    expect(everything.find((r) => r.name === 'quiet.exe')!.launchesOnHost).toBe(0);
    expect(everything.find((r) => r.host === 'ws02' && r.name === 'upd.exe')!.launchesOnHost).toBe(6);
    expect(names(db, all({ measures: ['host'], maxLaunches: 7 }))).toContain('ws02:upd.exe');
  });
});

describe('window (7.1)', () => {
  it('is newest − N days < t ≤ newest; services by their start, children by theirs', () => {
    const db = newCase();
    addFile(db, 'f', [
      // Newest event: 2026-10-31T12:00:00.5. 30 days before: 2026-10-01T12:00:00.5 (excluded).
      sysmon1({ host: 'WS01', time: '2026-10-01T12:00:00.5', guid: 'c0000000-0000-0000-0000-000000000001', path: 'C:\\x\\edge.exe' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T12:00:00.5000001', path: 'C:\\x\\inside.exe' }),
      // A child inside the window of a service that started outside it still counts for the host measure.
      sysmon1({ host: 'WS01', time: '2026-10-20T00:00:00', path: 'C:\\w\\cmd.exe', parentGuid: 'c0000000-0000-0000-0000-000000000001', parentPath: 'C:\\x\\edge.exe' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T12:00:02', guid: 'c0000000-0000-0000-0000-000000000002', path: 'C:\\x\\edge.exe' }),
      sysmon1({ host: 'WS02', time: '2026-10-31T12:00:00.5', path: 'C:\\x\\last.exe' }),
    ]);
    const report = runHunt(db, huntParams('any', { allowlist: [] }));
    expect(report.parameters.window.newest).toBe(t('2026-10-31T12:00:00.5'));
    expect(report.parameters.window.from).toBe(t('2026-10-01T12:00:00.5'));
    expect(report.rows.map((r) => `${r.host}:${r.name}`)).toEqual(['ws01:inside.exe', 'ws01:edge.exe', 'ws02:last.exe']);
    expect(report.rows.find((r) => r.name === 'edge.exe')!.launchesOnHost).toBe(1);
    const range = runHunt(db, huntParams('any', { allowlist: [], window: { kind: 'range', from: t('2026-10-31T00:00:00'), to: null } }));
    expect(range.rows.map((r) => r.name)).toEqual(['last.exe']);
  });

  it('elastic presets use the seed window of 7 days, the KQL preset 30', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-20T00:00:00', path: 'C:\\x\\old.exe', hashes: { sha256: H1 } }),
      sysmon1({ host: 'WS01', time: '2026-10-30T00:00:00', path: 'C:\\x\\new.exe', hashes: { sha256: H2 } }),
    ]);
    expect(runHunt(db, huntParams('elastic-binary', { allowlist: [] })).rows.map((r) => r.name)).toEqual(['new.exe']);
    expect(runHunt(db, huntParams('elastic-path', { allowlist: [] })).rows.map((r) => r.name)).toEqual(['new.exe']);
  });
});

describe('allowlist (3, 7.6)', () => {
  it('defaults match the service name wherever it lives, remove it from every measure, and its children are not counted', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ time: '2026-10-01T01:00:00', guid: 'd0000000-0000-0000-0000-000000000001', path: 'D:\\weird\\SvcHost.exe', hashes: { sha256: H1 } }),
      sysmon1({ time: '2026-10-01T01:00:01', path: 'C:\\w\\cmd.exe', parentGuid: 'd0000000-0000-0000-0000-000000000001', parentPath: 'D:\\weird\\SvcHost.exe' }),
      sysmon1({ time: '2026-10-01T01:00:02', path: 'C:\\x\\msmpeng.exe.bak' }),
    ]);
    const report = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [...DEFAULT_ALLOWLIST] }));
    expect(report.rows.map((r) => r.name)).toEqual(['msmpeng.exe.bak']);
    expect(report.stats.allowlisted).toBe(1);
  });

  it('children are never allowlisted: an svchost.exe child of a service is still a child launch', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ time: '2026-10-01T01:00:00', guid: 'e0000000-0000-0000-0000-000000000001', path: 'C:\\x\\drop.exe' }),
      sysmon1({ time: '2026-10-01T01:00:01', path: 'C:\\Windows\\System32\\svchost.exe', parentGuid: 'e0000000-0000-0000-0000-000000000001', parentPath: 'C:\\x\\drop.exe' }),
    ]);
    const row = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [...DEFAULT_ALLOWLIST] })).rows[0]!;
    expect([row.name, row.children, row.launchesOnHost]).toEqual(['drop.exe', ['svchost.exe'], 1]);
  });

  it('matches by path glob, hash, signer, and only on the hosts an entry names', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\Program Files\\Acme 2.1\\agent.exe' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\x\\h.exe', hashes: { sha256: H1 } }),
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\x\\s.exe', signer: 'Acme Corp' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\x\\scoped.exe' }),
      sysmon1({ host: 'WS02', time: '2026-10-01T01:00:00', path: 'C:\\x\\scoped.exe' }),
    ]);
    const entry = (kind: 'name' | 'path' | 'hash' | 'signer', value: string, hosts: string[] | null = null) =>
      ({ kind, value, hosts, reason: 'test', enabled: true });
    const report = runHunt(db, all({
      maxHosts: 5,
      allowlist: [
        entry('path', 'c:\\program files\\acme *\\*.exe'),
        entry('hash', `sha256:${H1}`),
        entry('signer', 'acme corp'),
        entry('name', 'scoped.exe', ['ws02']),
        { ...entry('name', 'h.exe'), enabled: false },
      ],
    }));
    expect(report.rows.map((r) => `${r.host}:${r.name}`)).toEqual(['ws01:scoped.exe']);
  });
});

describe('combining measures', () => {
  it('any (default) reports a row rare by at least one chosen measure, all by every one; rareBy lists the chosen ones that hold', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS01', time: '2026-10-01T01:00:00', path: 'C:\\x\\p.exe', hashes: { sha256: H1 } }),
      sysmon1({ host: 'WS02', time: '2026-10-01T01:00:00', path: 'C:\\y\\p.exe', hashes: { sha256: H1 } }),
    ]);
    const anyRows = runHunt(db, all({ measures: ['binary', 'path'] })).rows;
    expect(anyRows.map((r) => r.rareBy)).toEqual([['path'], ['path']]);
    expect(runHunt(db, all({ measures: ['binary', 'path'], match: 'all' })).rows).toEqual([]);
  });
});
