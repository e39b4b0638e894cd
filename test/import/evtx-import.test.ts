// EVTX through the importer: the whole corpus (EVTX, CSV, JSON) in one case, the
// expected service processes with their enrichment, exact accounting of damaged logs,
// duplicate logs, forwarded events from several hosts, parse workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { CORPUS, corpus } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { importFiles, type ImportSummary } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import type { HuntReport } from '../../src-core/model/hunt.js';
import {
  security4688v1, sysmonImageLoad, sysmonProcessCreate, system7045, writeEvtx,
} from '../fixtures/evtx-writer/index.js';

const whole = tempCase();
let summary: ImportSummary;
let report: HuntReport;
const dir = tempDir();

beforeAll(() => {
  summary = importFiles(whole.db, [CORPUS]);
  report = runHunt(whole.db, huntParams('any', { window: { kind: 'all' } }));
});
afterAll(() => {
  whole.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => summary.files.find((f) => path.basename(f.path) === name)!;
const rows = (name: string) => report.rows.filter((r) => r.name?.toLowerCase() === name);

describe('the whole corpus in one case', () => {
  it('reads every file and accounts for every record', () => {
    for (const f of summary.files) {
      expect.soft(['complete', 'duplicate', 'ignored'], f.path).toContain(f.status);
      expect.soft(f.stored + f.duplicates + f.skipped + f.failed, f.path).toBe(f.records);
    }
    expect(summary.files.filter((f) => f.format === 'evtx')).toHaveLength(29);
    // issue_201.evtx is byte-identical to MSExchange_Management_wec.evtx.
    expect(file('issue_201.evtx').status).toBe('duplicate');
  });

  it('counts the records of damaged logs as the corpus README states, carved ones on top and said so', () => {
    const readme: Record<string, number> = {
      'security.evtx': 2261, 'sample-with-irregular-bool-values.evtx': 3028, '2-vss_7-System.evtx': 1160,
      'sysmon.evtx': 358, 'system.evtx': 1881, 'Application_no_crc32.evtx': 17, 'post-Security.evtx': 126,
      'Security_with_size_t.evtx': 636, 'Microsoft-Windows-HelloForBusiness%4Operational.evtx': 6,
      'Microsoft-Windows-LanguagePackSetup%4Operational.evtx': 17,
      'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 340,
      'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 459,
      '2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx': 1910,
      '2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx': 1774,
    };
    for (const [name, n] of Object.entries(readme)) expect.soft(file(name).records - file(name).failed, name).toBe(n);
    // The checksum-damaged RDP log: its two overwritten records are bad, with their chunk and offset.
    const rdp = file('2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
    expect(rdp.failed).toBe(2);
    expect(rdp.notes.find((n) => n.level === 'error')?.refs[0]).toMatch(/^record \d+ \(chunk \d+\): chunk \d+ offset 0x[0-9a-f]+: /);
    expect(rdp.notes.some((n) => n.level === 'warning' && n.reason.startsWith('EVTX crc'))).toBe(true);
    // The bad chunk magic: the Rust crate's 270, plus records carved from the headless chunks, said so.
    const magic = file('sample_with_a_bad_chunk_magic.evtx');
    const carved = magic.notes.find((n) => n.reason === 'EVTX record-header: N record(s) recovered by scanning')!;
    const recovered = carved.refs.reduce((a, r) => a + Number(/: (\d+) record\(s\)/.exec(r)![1]), 0);
    expect([magic.records - recovered, recovered]).toEqual([270, 113]);
  });

  it('stores the same records of a log once: security_bad_string_cache.evtx holds security.evtx', () => {
    const a = file('security.evtx');
    const b = file('security_bad_string_cache.evtx');
    expect(b.records).toBe(a.records);
    expect(b.stored).toBe(0);
    expect(b.duplicates).toBe(a.stored);
  });

  it('finds PSEXESVC.exe: from Sysmon + 4688 (Security-Datasets) and from 4688 alone (EVTX)', () => {
    const ps = rows('psexesvc.exe');
    expect(ps.map((r) => r.host).sort()).toEqual(['srvdefender01', 'workstation5']);
    const evtxOnly = ps.find((r) => r.host === 'srvdefender01')!;
    expect(evtxOnly).toMatchObject({ hash: null, children: ['cmd.exe'], serviceInstall: { serviceName: 'PSEXESVC' } });
    expect(evtxOnly.sources.every((s) => s.endsWith('.evtx'))).toBe(true);
  });

  it('finds jjs.exe from a user folder loading the unsigned jli.dll', () => {
    const [jjs] = rows('jjs.exe');
    expect(jjs).toMatchObject({ host: 'iewin7', path: 'C:\\Users\\IEUser\\Desktop\\info.rar\\jjs.exe' });
    const jli = jjs!.dllDetails.find((d) => d.path.toLowerCase().endsWith('\\jli.dll'))!;
    expect(jli).toMatchObject({ path: 'C:\\Users\\IEUser\\Desktop\\info.rar\\jli.dll', signed: false });
  });

  it('finds the meterpreter cmd.exe children of services.exe, including from 4688 v1 with only a creator pid', () => {
    const cmds = rows('cmd.exe');
    const sysmon = cmds.find((r) => r.host === 'iewin7')!;
    expect(sysmon.commandLine).toMatch(/^C:\\Windows\\system32\\cmd\.exe \/b \/c start \/b \/min powershell\.exe/);
    expect(sysmon.children).toEqual(['powershell.exe']);
    const v1 = cmds.filter((r) => r.host === 'ie10win7');
    expect(v1.map((r) => r.serviceInstall?.serviceName)).toEqual(['UWdKhYTIQWWJxHfx', 'genusn']);
    expect(v1[0]!.flags[0]).toMatch(/^parent inferred as services\.exe: creator pid 460 \(0x1cc\)/);
    expect(v1[0]!.children).toEqual(['powershell.exe']);
  });

  it('finds the unquoted service path C:\\program.exe and allowlists the svchost noise', () => {
    expect(rows('program.exe').map((r) => r.path)).toEqual(['C:\\program.exe']);
    const svchost = whole.db.prepare(
      "SELECT count(*) AS n FROM instance i JOIN host h ON h.id = i.host_id WHERE h.key = 'msedgewin10' AND i.is_service = 1 AND i.name_lc = 'svchost.exe'",
    ).get() as { n: number };
    expect(svchost.n).toBeGreaterThan(20);
    expect(rows('svchost.exe')).toEqual([]);
  });
});

describe('EVTX edge cases', () => {
  const t = (s: string) => `2026-10-0${s}Z`;
  const svc = 'C:\\Windows\\System32\\services.exe';
  const proc = (computer: string, time: string, guid: string, image: string, parentGuid: string, parentImage: string, pid = 100) =>
    sysmonProcessCreate({ computer, time: t(time) }, {
      ProcessGuid: guid, ProcessId: pid, Image: image, FileVersion: '-', Description: '-', Product: '-', Company: '-',
      CommandLine: image, CurrentDirectory: 'C:\\', User: 'NT AUTHORITY\\SYSTEM', LogonGuid: '{00000000-0000-0000-0000-0000000003e7}',
      LogonId: 0x3e7, TerminalSessionId: 0, IntegrityLevel: 'System', Hashes: `SHA256=${'A1'.repeat(32)}`,
      ParentProcessGuid: parentGuid, ParentProcessId: 600, ParentImage: parentImage, ParentCommandLine: parentImage,
    });

  it('a forwarded-events log with several hosts gives each record its own host', () => {
    const f = path.join(dir, 'ForwardedEvents.evtx');
    writeEvtx(f, [
      proc('WS01.corp.local', '1T10:00:00.1234567', '{11111111-0000-0000-0000-000000000001}', 'C:\\x\\a.exe', '{11111111-0000-0000-0000-0000000000aa}', svc),
      proc('WS02.corp.local', '1T10:00:01', '{22222222-0000-0000-0000-000000000001}', 'C:\\x\\b.exe', '{22222222-0000-0000-0000-0000000000aa}', svc),
      proc('ws03', '1T10:00:02', '{33333333-0000-0000-0000-000000000001}', 'C:\\x\\c.exe', '{33333333-0000-0000-0000-0000000000aa}', svc),
    ]);
    const c = tempCase();
    const s = importFiles(c.db, [f]);
    expect(s.files[0]).toMatchObject({ status: 'complete', format: 'evtx', stored: 3, hosts: ['ws01', 'ws02', 'ws03'] });
    const r = runHunt(c.db, huntParams('any', { window: { kind: 'all' }, allowlist: [] })).rows;
    expect(r.map((x) => [x.host, x.hostName, x.name, x.startTime])).toEqual([
      // Sysmon 1 starts at its UtcTime, to the millisecond (spec 7.2).
      ['ws01', 'WS01.corp.local', 'a.exe', '2026-10-01T10:00:00.1230000Z'],
      ['ws02', 'WS02.corp.local', 'b.exe', '2026-10-01T10:00:01.0000000Z'],
      ['ws03', 'ws03', 'c.exe', '2026-10-01T10:00:02.0000000Z'],
    ]);
    c.close();
  });

  it('parses several big EVTX files in parallel workers with the same result as in-thread', () => {
    const files = [0, 1, 2].map((k) => {
      const f = path.join(dir, `host${k}.evtx`);
      const events = [];
      for (let i = 0; i < 400; i++) {
        const guid = `{${String(k).repeat(8)}-0000-0000-0000-${String(i).padStart(12, '0')}}`;
        events.push(proc(`host${k}`, `2T${String(10 + (i % 10)).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}`, guid, `C:\\x\\s${i % 7}.exe`, '{99999999-0000-0000-0000-000000000000}', svc, 1000 + i));
        events.push(sysmonImageLoad({ computer: `host${k}`, time: t('2T12:00:00') }, {
          ProcessGuid: guid, ProcessId: 1000 + i, Image: `C:\\x\\s${i % 7}.exe`, ImageLoaded: 'C:\\x\\evil.dll', FileVersion: '-',
          Description: '-', Product: '-', Company: '-', Hashes: 'SHA256=00', Signed: i % 2 === 0, Signature: '-', SignatureStatus: 'Unavailable',
        }));
      }
      writeEvtx(f, events);
      return f;
    });
    const a = tempCase();
    const b = tempCase();
    const inline = importFiles(a.db, files, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    const workers = importFiles(b.db, files, { workerMinBytes: 0 });
    expect(workers.files.map((f) => [f.stored, f.records])).toEqual(inline.files.map((f) => [f.stored, f.records]));
    const dump = (db: typeof a.db) => db.prepare('SELECT ref, dll_path, signed FROM image_load ORDER BY ref').all();
    expect(dump(b.db)).toEqual(dump(a.db));
    expect((dump(a.db) as unknown[]).length).toBe(1200);
    a.close();
    b.close();
  });

  it('a 4688 v1 whose creator pid is unknown is a service process only when a matching install precedes it', () => {
    const f = path.join(dir, 'v1.evtx');
    const sec = (time: string, pid: number, image: string, cmd: string) => security4688v1({ computer: 'HOST9', time: t(time) }, {
      SubjectUserSid: 'S-1-5-18', SubjectUserName: 'HOST9$', SubjectDomainName: 'WORKGROUP', SubjectLogonId: 0x3e7n,
      NewProcessId: pid, NewProcessName: image, TokenElevationType: '%%1936', ProcessId: 0x1cc, CommandLine: cmd,
    } as never);
    const g = path.join(dir, 'system.evtx');
    writeEvtx(g, [system7045({ computer: 'HOST9', time: t('3T09:59:59') }, {
      ServiceName: 'abcd', ImagePath: '%SystemRoot%\\abcd.exe', ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem',
    } as never)]);
    writeEvtx(f, [
      sec('3T10:00:00', 0x500, 'C:\\Windows\\abcd.exe', 'C:\\Windows\\abcd.exe'),
      sec('3T10:00:01', 0x504, 'C:\\Windows\\other.exe', 'C:\\Windows\\other.exe'),
      sec('3T10:05:00', 0x508, 'C:\\Windows\\abcd.exe', 'C:\\Windows\\abcd.exe'),
    ]);
    const c = tempCase();
    importFiles(c.db, [f, g]);
    const r = runHunt(c.db, huntParams('any', { window: { kind: 'all' }, allowlist: [] })).rows;
    // The second abcd.exe starts 5 minutes after the install: too late to infer the SCM.
    expect(r.map((x) => [x.name, x.pid, x.serviceInstall?.serviceName])).toEqual([['abcd.exe', 0x500, 'abcd']]);
    c.close();
  });
});

describe('evtx reading corpus paths', () => {
  it('has the attack samples it is tested on', () => {
    expect(fs.existsSync(corpus('evtx', 'attack', 'ID7045-7036 PSexec service installation.evtx'))).toBe(true);
  });
});
