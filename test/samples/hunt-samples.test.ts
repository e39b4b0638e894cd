// `npm run hunt -- samples/`: the planted rare services and nothing ordinary, from every
// format of the demo fleet, the Velociraptor collections' EVTX logs included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { REPO } from '../helpers/corpus.js';
import { tempCase } from '../helpers/case-builder.js';
import { importFiles, type ImportSummary } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { COLLECTION_FILES } from '../../samples/generate.js';
import { COLLECTION_METADATA } from '../../samples/generator/velociraptor.js';

const c = tempCase();
afterAll(() => c.close());

const SAMPLES = path.join(REPO, 'samples');
const LOGS = 'uploads/auto/C%3A/Windows/System32/winevt/Logs/';
const EVTX_MEMBERS = [`${LOGS}Security.evtx`, `${LOGS}System.evtx`, `${LOGS}Microsoft-Windows-Sysmon%254Operational.evtx`];
const [WKS_ZIP = '', SRV_ZIP = ''] = ['WKS-OPS10', 'SRV-APP02'].map((h) => path.join(SAMPLES, COLLECTION_FILES.find((f) => f.includes(`-${h}_`)) ?? ''));

let summary: ImportSummary;
beforeAll(() => {
  summary = importFiles(c.db, [SAMPLES]);
});

describe('the demo fleet', () => {
  it('imports cleanly and the default hunt reports exactly the planted services', () => {
    const data = summary.files.filter((f) => f.status !== 'ignored');
    const name = (p: string) => path.relative(SAMPLES, p).split(path.sep).join('/');
    expect(data.map((f) => [name(f.path), f.status, f.failed])).toEqual([
      ['defender/fleet-union.csv', 'complete', 0], ['elastic/fleet-endpoint.ndjson', 'complete', 0],
      ['security-datasets/fleet-sysmon-security.json', 'complete', 0],
      ...[SRV_ZIP, WKS_ZIP].flatMap((zip) => [
        ...EVTX_MEMBERS.map((m) => [`${name(zip)}!/${m}`, 'complete', 0]),
        [name(zip), 'complete', 0],
      ]),
    ]);
    const report = runHunt(c.db, huntParams('any'));
    expect(report.rows.map((r) => [r.host, r.path, r.rareBy.join('+')])).toEqual([
      ['eng-ws06', 'C:\\ProgramData\\UpdaterSvc\\updsvc.exe', 'binary+path'],
      ['eng-ws06', 'C:\\ProgramData\\UpdaterSvc\\updsvc.exe', 'binary+path'],
      ['fin-ws02', 'C:\\Windows\\Temp\\a7f3c2e1.exe', 'binary+path+host'],
      ['srv-app02', 'C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe', 'binary+path+host'],
      ['srv-file02', 'C:\\Windows\\PSEXESVC.exe', 'binary+path+host'],
      ['wks-ops09', 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\svch0st4821.exe', 'binary+path+host'],
    ]);
    const psexec = report.rows.find((r) => r.host === 'srv-file02')!;
    expect(psexec.children).toEqual(['cmd.exe', 'reg.exe']);
    expect(psexec.serviceInstall?.serviceName).toBe('PSEXESVC');
    const upd = report.rows.find((r) => r.host === 'eng-ws06')!;
    expect(upd.dllDetails.filter((d) => d.signature === 'untrusted' || d.signed === false).map((d) => d.path)).toEqual(['C:\\ProgramData\\UpdaterSvc\\version.dll']);
    expect(upd.remoteNames).toEqual(['cdn.update-sync.example.net']);
  });

  it('finds the tunnel service in SRV-APP02\'s collection, under the host name client_info.json gives', () => {
    const row = runHunt(c.db, huntParams('any')).rows.find((r) => r.host === 'srv-app02')!;
    expect(row).toMatchObject({
      hostName: 'SRV-APP02', name: 'dtelsvc.exe', commandLine: '"C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe" -service',
      user: 'NT AUTHORITY\\SYSTEM', startTime: '2026-10-26T03:41:15.2080000Z', launchesOnHost: 2, children: ['cmd.exe'],
      remoteIps: ['192.0.2.61', '10.0.0.10'], remotePorts: [443, 389], remoteNames: ['sync.diag-telemetry.example.org', 'dc01.contoso.local'],
      files: ['C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtel.dat'],
      serviceInstall: {
        serviceName: 'DiagTelemetrySvc', imagePath: '"C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe" -service',
        account: 'LocalSystem',
      },
    });
    expect(row.dllDetails.filter((d) => d.signed === false).map((d) => d.path)).toEqual([
      'C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe', 'C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelcore.dll',
    ]);
    expect(row.sources.map((s) => path.basename(s.split('!/')[0] ?? ''))).toContain(path.basename(SRV_ZIP));
  });
});

describe('the Velociraptor collections', () => {
  type FileRow = { id: number; path: string; container_id: number | null; member: string | null; status: string; hosts: string };
  const rows = () => c.db.prepare('SELECT id, path, container_id, member, status, hosts FROM input_file ORDER BY id').all() as FileRow[];
  const notes = (id: number) => c.db.prepare('SELECT level, reason, count, refs FROM import_note WHERE file_id = ? ORDER BY id').all(id) as Array<{
    level: string; reason: string; count: number; refs: string;
  }>;
  const zipRow = (zip: string) => rows().find((r) => r.path === zip)!;
  const memberRows = (zip: string) => rows().filter((r) => r.container_id === zipRow(zip).id);

  it('imports each zip\'s three logs as members of their container, and none of its metadata files', () => {
    for (const zip of [WKS_ZIP, SRV_ZIP]) {
      expect(zipRow(zip)).toMatchObject({ container_id: null, member: null, status: 'complete' });
      expect(memberRows(zip).map((r) => [r.member, r.path, r.status])).toEqual(EVTX_MEMBERS.map((m) => [m, `${zip}!/${m}`, 'complete']));
      const zipNotes = notes(zipRow(zip).id);
      const metadata = zipNotes.find((n) => n.reason.startsWith('member not imported'));
      expect(metadata).toMatchObject({ level: 'info', reason: 'member not imported: Velociraptor collection metadata, not event data', count: 6 });
      expect((JSON.parse(metadata!.refs) as string[]).sort()).toEqual([...COLLECTION_METADATA].sort());
      expect(rows().some((r) => COLLECTION_METADATA.some((m) => r.path === `${zip}!/${m}`))).toBe(false);
      const result = summary.files.find((f) => f.path === zip);
      expect(result?.members).toEqual({ total: 9, complete: 3, duplicate: 0, failed: 0, ignored: 6 });
      expect(summary.files.filter((f) => f.container === zip && f.status === 'ignored').map((f) => f.path.slice(zip.length + 2)).sort())
        .toEqual([...COLLECTION_METADATA].sort());
    }
  });

  it('names SRV-APP02 from client_info.json (its logs say MINWINPC) and WKS-OPS10 from its logs\' own Computer field', () => {
    expect(notes(zipRow(SRV_ZIP).id)[0]).toMatchObject({
      level: 'info', reason: 'Velociraptor offline collection of host "SRV-APP02" (name from client_info.json (Velociraptor collection))',
    });
    expect(notes(zipRow(WKS_ZIP).id)[0]).toMatchObject({
      level: 'info', reason: 'Velociraptor offline collection of host "WKS-OPS10" (name from client_info.json (Velociraptor collection))',
    });
    const hostNotes = (zip: string) => memberRows(zip).map((r) => [r.member, r.hosts, notes(r.id).filter((n) => n.reason.includes('host name')).map((n) => n.reason)]);
    const fromInfo = (n: number) => `host name "SRV-APP02" from client_info.json (Velociraptor collection): the logs' Computer field was missing or generic (MINWINPC) in ${n} record(s)`;
    expect(hostNotes(SRV_ZIP)).toEqual([
      [EVTX_MEMBERS[0], '["srv-app02"]', [fromInfo(72)]],
      // 40 of its 41 records are 7036s, which the hunt does not use: only the 7045 is named.
      [EVTX_MEMBERS[1], '["srv-app02"]', [fromInfo(1)]],
      [EVTX_MEMBERS[2], '["srv-app02"]', [fromInfo(130)]],
    ]);
    const fromLogs = 'host name from the logs\' Computer field, as client_info.json (Velociraptor collection) says ("WKS-OPS10")';
    expect(hostNotes(WKS_ZIP)).toEqual([
      [EVTX_MEMBERS[0], '["wks-ops10"]', [fromLogs]],
      [EVTX_MEMBERS[1], '[]', []], // only 7036s: nothing stored, no host
      [EVTX_MEMBERS[2], '["wks-ops10"]', [fromLogs]],
    ]);
    const hosts = c.db.prepare('SELECT h.key, n.name FROM host h JOIN host_name n ON n.host_id = h.id ORDER BY h.key, n.name').all() as Array<{ key: string; name: string }>;
    expect(hosts.filter((h) => h.key === 'srv-app02' || h.key === 'wks-ops10')).toEqual([
      { key: 'srv-app02', name: 'SRV-APP02' }, { key: 'wks-ops10', name: 'WKS-OPS10.contoso.local' },
    ]);
    expect(hosts.some((h) => h.key === 'minwinpc' || h.name === 'MINWINPC')).toBe(false);
    expect(hosts.map((h) => h.key)).toHaveLength(14);
  });
});
