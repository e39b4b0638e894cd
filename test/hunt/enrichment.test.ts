// Spec section 4 (enrichment), 7.10-7.12 and the report row shape of section 6.
import { describe, expect, it } from 'vitest';
import { addFile, dll, fileWrite, install, implied, net, sec4688, sysmon1, t, casePerTest } from '../helpers/case-builder.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { installExecutable, pickInstall } from '../../src-core/hunt/service-link.js';

const newCase = casePerTest();

const all = huntParams('any', { window: { kind: 'all' }, allowlist: [] });
const G = 'f0000000-0000-0000-0000-000000000001';
const P = `guid:${G}`;

describe('enrichment (spec section 4, 7.11)', () => {
  it('gathers children, network, files and DLLs of the instance as distinct values in first-seen order', () => {
    const db = newCase();
    addFile(db, 'sysmon.json', [
      sysmon1({ time: '2026-10-01T10:00:00', guid: G, path: 'C:\\ProgramData\\Upd\\updsvc.exe' }),
      sysmon1({ time: '2026-10-01T10:00:03', path: 'C:\\Windows\\System32\\CMD.exe', parentGuid: G, parentPath: 'C:\\ProgramData\\Upd\\updsvc.exe', commandLine: 'cmd /c whoami' }),
      sysmon1({ time: '2026-10-01T10:00:04', path: 'C:\\Windows\\System32\\cmd.exe', parentGuid: G, parentPath: 'C:\\ProgramData\\Upd\\updsvc.exe', commandLine: 'cmd /c WHOAMI' }),
      sysmon1({ time: '2026-10-01T10:00:05', path: 'C:\\Windows\\System32\\cmd.exe', parentGuid: G, parentPath: 'C:\\ProgramData\\Upd\\updsvc.exe', commandLine: 'cmd /c whoami' }),
      net('WS01', '2026-10-01T10:00:06', P, '203.0.113.7', 443, 'Cdn.Example.net'),
      net('WS01', '2026-10-01T10:00:07', P, '203.0.113.7', 8443, 'cdn.example.NET'),
      net('WS01', '2026-10-01T10:00:08', P, '2001:db8::1', 443, null),
      fileWrite('WS01', '2026-10-01T10:00:09', P, 'C:\\ProgramData\\Upd\\stage.bin', 'c'.repeat(64)),
      fileWrite('WS01', '2026-10-01T10:00:10', P, 'c:\\programdata\\upd\\STAGE.bin'),
      dll('WS01', '2026-10-01T10:00:00.1', P, 'C:\\ProgramData\\Upd\\updsvc.exe', null),
      dll('WS01', '2026-10-01T10:00:01', P, 'C:\\ProgramData\\Upd\\version.dll', false),
      dll('WS01', '2026-10-01T10:00:02', P, 'C:\\Windows\\System32\\kernel32.dll', true, 'trusted'),
      // Activity of another process is not gathered.
      net('WS01', '2026-10-01T10:00:11', 'guid:f0000000-0000-0000-0000-0000000000ff', '198.51.100.1', 80),
    ]);
    const row = runHunt(db, all).rows.find((r) => r.name === 'updsvc.exe')!;
    expect(row.children).toEqual(['CMD.exe']);
    expect(row.childCommandLines).toEqual(['cmd /c whoami', 'cmd /c WHOAMI']);
    expect(row.remoteIps).toEqual(['203.0.113.7', '2001:db8::1']);
    expect(row.remotePorts).toEqual([443, 8443]);
    expect(row.remoteNames).toEqual(['Cdn.Example.net']);
    expect(row.files).toEqual(['C:\\ProgramData\\Upd\\stage.bin']);
    expect(row.fileDetails[0]).toEqual({ path: 'C:\\ProgramData\\Upd\\stage.bin', action: 'created', hash: `sha256:${'c'.repeat(64)}` });
    // The process's own image load is included, as Sysmon logs it.
    expect(row.dlls).toEqual(['C:\\ProgramData\\Upd\\updsvc.exe', 'C:\\ProgramData\\Upd\\version.dll', 'C:\\Windows\\System32\\kernel32.dll']);
    expect(row.dllDetails.map((d) => d.signed)).toEqual([null, false, true]);
    expect(row.firstSeen).toBe(t('2026-10-01T10:00:00'));
    expect(row.lastSeen).toBe(t('2026-10-01T10:00:10'));
    expect(row.sources).toEqual(['sysmon.json']);
  });

  it('an instance seen only through 4688 has no network, file or DLL events', () => {
    const db = newCase();
    const start = '2026-10-01T10:00:00';
    addFile(db, 'sec', [
      sec4688({ time: start, pid: 0x5b4, path: 'C:\\Windows\\PSEXESVC.exe', parentPath: 'C:\\Windows\\System32\\services.exe' }),
      // Same pid, different identity scheme (a Sysmon GUID): never linked to the 4688 instance.
      net('WS01', '2026-10-01T10:00:01', 'guid:f0000000-0000-0000-0000-0000000000aa', '10.0.0.9', 445),
    ]);
    const row = runHunt(db, all).rows[0]!;
    expect([row.remoteIps, row.files, row.dlls]).toEqual([[], [], []]);
  });

  it('links Defender actions through (pid, creation time) of the initiating process', () => {
    const db = newCase();
    const proc = `pt:${t('2026-10-01T09:00:00.1234567')}#4100`;
    const actor = implied({ proc, time: '2026-10-01T09:00:00.1234567', pid: 4100, path: 'C:\\Windows\\Temp\\a7f3c2e1.exe' });
    const other = implied({ proc: `pt:${t('2026-10-01T08:00:00')}#4100`, time: '2026-10-01T08:00:00', pid: 4100, path: 'C:\\x\\old.exe' });
    addFile(db, 'defender.csv', [
      [net('WS01', '2026-10-01T09:00:01', proc, '192.0.2.50', 443, 'https://c2.example/'), actor],
      [net('WS01', '2026-10-01T09:00:02', other.proc, '192.0.2.99', 80), other],
    ]);
    const rows = runHunt(db, all).rows;
    expect(rows.find((r) => r.name === 'a7f3c2e1.exe')!.remoteIps).toEqual(['192.0.2.50']);
    expect(rows.find((r) => r.name === 'old.exe')!.remoteIps).toEqual(['192.0.2.99']);
  });

  it('enrichment respects the window: events outside it are not gathered', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ time: '2026-10-01T10:00:00', guid: G, path: 'C:\\x\\svc.exe' }),
      net('WS01', '2026-10-01T10:00:01', P, '192.0.2.1', 1),
      net('WS01', '2026-10-05T10:00:01', P, '192.0.2.2', 2),
    ]);
    const ranged = huntParams('any', { allowlist: [], window: { kind: 'range', from: null, to: t('2026-10-02T00:00:00') } });
    expect(runHunt(db, ranged).rows[0]!.remoteIps).toEqual(['192.0.2.1']);
  });
});

describe('service install link (7.12)', () => {
  it('extracts the executable as the spec says', () => {
    expect(installExecutable('%SystemRoot%\\PSEXESVC.exe')).toBe('c:\\windows\\psexesvc.exe');
    expect(installExecutable('%COMSPEC% /b /c start /b /min powershell.exe -nop -w hidden')).toBe('c:\\windows\\system32\\cmd.exe');
    expect(installExecutable('"C:\\Program Files\\Winlogbeat\\winlogbeat.exe" -c "C:\\x.yml"')).toBe('c:\\program files\\winlogbeat\\winlogbeat.exe');
    expect(installExecutable('\\??\\C:\\Windows\\system32\\drivers\\x.sys')).toBe('c:\\windows\\system32\\drivers\\x.sys');
    expect(installExecutable('\\SystemRoot\\System32\\svc.exe -k')).toBe('c:\\windows\\system32\\svc.exe');
    expect(installExecutable('C:\\Program Files\\My App\\app.exe --service')).toBe('c:\\program files\\my app\\app.exe');
    expect(installExecutable('C:\\a.exe.bak\\b.exe')).toBe('c:\\a.exe.bak\\b.exe');
    expect(installExecutable('%ProgramFiles(x86)%\\A\\b.exe')).toBe('c:\\program files (x86)\\a\\b.exe');
    expect(installExecutable('%windir%\\x.exe')).toBe('c:\\windows\\x.exe');
    expect(installExecutable('%SystemDrive%\\x.exe')).toBe('c:\\x.exe');
    expect(installExecutable('psexesvc.exe')).toBe('psexesvc.exe');
  });

  it('takes the latest matching install at or before the start; bare names compare with the name', () => {
    const rows = [
      { time: t('2026-10-01T09:00:00'), exe: 'c:\\windows\\psexesvc.exe', id: 1 },
      { time: t('2026-10-01T09:30:00'), exe: 'psexesvc.exe', id: 2 },
      { time: t('2026-10-01T10:00:00'), exe: 'c:\\windows\\psexesvc.exe', id: 3 },
      { time: t('2026-10-01T10:00:00.0000001'), exe: 'c:\\windows\\psexesvc.exe', id: 4 },
    ];
    expect(pickInstall(rows, t('2026-10-01T10:00:00'), 'C:\\Windows\\PSEXESVC.exe', 'PSEXESVC.exe')?.id).toBe(3);
    expect(pickInstall(rows, t('2026-10-01T09:45:00'), 'D:\\elsewhere\\psexesvc.exe', 'psexesvc.exe')?.id).toBe(2);
    expect(pickInstall(rows, t('2026-10-01T08:00:00'), 'C:\\Windows\\PSEXESVC.exe', 'PSEXESVC.exe')).toBeNull();
  });

  it('attaches the install on the same host only, with its fields', () => {
    const db = newCase();
    addFile(db, 'system', [
      install('WS01', '2026-10-01T09:59:59', 'PSEXESVC', '%SystemRoot%\\PSEXESVC.exe'),
      install('WS02', '2026-10-01T09:59:59', 'OTHER', '%SystemRoot%\\PSEXESVC.exe'),
    ]);
    addFile(db, 'sysmon', [
      sysmon1({ host: 'WS01', time: '2026-10-01T10:00:00', path: 'C:\\Windows\\PSEXESVC.exe' }),
      sysmon1({ host: 'WS03', time: '2026-10-01T10:00:00', path: 'C:\\Windows\\PSEXESVC.exe' }),
    ]);
    const rows = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [], maxHosts: 5 })).rows;
    expect(rows.find((r) => r.host === 'ws01')!.serviceInstall).toEqual({
      serviceName: 'PSEXESVC', imagePath: '%SystemRoot%\\PSEXESVC.exe', account: 'LocalSystem', startType: 'demand start',
      serviceType: 'user mode service', time: t('2026-10-01T09:59:59'), source: 'system:7045',
    });
    expect(rows.find((r) => r.host === 'ws01')!.sources).toEqual(['sysmon', 'system']);
    expect(rows.find((r) => r.host === 'ws03')!.serviceInstall).toBeNull();
  });
});

describe('report rows (spec section 6)', () => {
  it('have every spec key, sorted by host then start time', () => {
    const db = newCase();
    addFile(db, 'f', [
      sysmon1({ host: 'WS02', time: '2026-10-01T10:00:00', path: 'C:\\x\\b.exe' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T11:00:00', path: 'C:\\x\\c.exe' }),
      sysmon1({ host: 'WS01', time: '2026-10-01T09:00:00', path: 'C:\\x\\a.exe', pid: 77, user: 'NT AUTHORITY\\SYSTEM' }),
    ]);
    const rows = runHunt(db, all).rows;
    expect(rows.map((r) => `${r.host}:${r.name}`)).toEqual(['ws01:a.exe', 'ws01:c.exe', 'ws02:b.exe']);
    const keys = ['host', 'hostName', 'name', 'path', 'commandLine', 'user', 'pid', 'startTime', 'hash', 'signature',
      'binaryHosts', 'pathKey', 'pathHosts', 'launchesOnHost', 'rareBy', 'children', 'childCommandLines', 'remoteIps',
      'remotePorts', 'remoteNames', 'files', 'dlls', 'serviceInstall', 'sources'];
    for (const k of keys) expect(rows[0]).toHaveProperty(k);
    expect(rows[0]).toMatchObject({ host: 'ws01', hostName: 'WS01', pid: 77, user: 'NT AUTHORITY\\SYSTEM', startTime: t('2026-10-01T09:00:00'), hash: null, signature: 'unknown' });
  });
});
