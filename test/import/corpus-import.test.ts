// The whole of ../shared/corpus/json and ../shared/corpus/csv in one case: every record
// accounted for, and the service processes a responder expects are found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { corpus, jsonLines } from '../helpers/corpus.js';
import { tempCase } from '../helpers/case-builder.js';
import { importFiles, type ImportSummary } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import type { Db } from '../../src-core/store/case-db.js';
import type { HuntReport } from '../../src-core/model/hunt.js';

let db: Db;
let close: () => void;
let summary: ImportSummary;
let report: HuntReport;
let noAllowlist: HuntReport;

beforeAll(() => {
  const c = tempCase();
  db = c.db;
  close = c.close;
  summary = importFiles(db, [corpus('json'), corpus('csv')]);
  report = runHunt(db, huntParams('any', { window: { kind: 'all' } }));
  noAllowlist = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] }));
});
afterAll(() => close());

/** Records per file counted independently of our readers. */
function expectedRecords(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.csv')) return 26;
  if (file.endsWith('.ndjson') || file.includes('security-datasets')) return text.split('\n').filter((l) => l.trim()).length;
  const v = JSON.parse(text) as unknown;
  if (Array.isArray(v)) return v.length;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o['events'])) return (o['events'] as unknown[]).length;
  if (Array.isArray(o['expected'])) return (o['expected'] as unknown[]).length;
  return 1;
}

describe('importing the corpus JSON and CSV', () => {
  it('reads every file completely and accounts for every record', () => {
    expect(summary.files.length).toBe(20);
    for (const f of summary.files) {
      expect.soft(f.status, f.path).toBe('complete');
      expect.soft(f.records, f.path).toBe(expectedRecords(f.path));
      expect.soft(f.stored + f.duplicates + f.skipped + f.failed, f.path).toBe(f.records);
      expect.soft(f.failed, f.path).toBe(0);
    }
    const logged = db.prepare("SELECT sum(records) AS r, sum(stored) + sum(duplicates) + sum(skipped) + sum(failed) AS s FROM input_file").get() as { r: number; s: number };
    expect(logged.r).toBe(logged.s);
  });

  it('logs each skipped kind with a reason and a count that add up', () => {
    const fax = summary.files.find((f) => f.path.includes('cmd_service_mod_fax'))!;
    const skipped = fax.notes.filter((n) => n.level === 'skipped');
    expect(skipped.reduce((a, n) => a + n.count, 0)).toBe(fax.skipped);
    expect(skipped.find((n) => n.reason === 'Sysmon event 12: not used by the hunt')?.count).toBe(159);
  });

  it('infers the Security-Datasets local offset from Sysmon pairs and says so', () => {
    const psexec = summary.files.find((f) => f.path.includes('cmd_psexec'))!;
    expect(psexec.notes.some((n) => n.level === 'warning' && n.reason.startsWith('TimeCreated is local time UTC-04:00'))).toBe(true);
    // 4688 of PSEXESVC.exe at 03:30:46.435 local is 07:30:46.435 UTC, as Sysmon says.
    const row = db.prepare("SELECT time FROM process_event WHERE source = 'security:4688' AND path = 'C:\\Windows\\PSEXESVC.exe'").get() as { time: string };
    expect(row.time).toBe('2020-10-19T07:30:46.4350000Z');
  });
});

describe('hunting the corpus with --window all', () => {
  it('finds PSEXESVC.exe, merged from Sysmon 1 and 4688, with its children and install', () => {
    const rows = report.rows.filter((r) => r.name?.toLowerCase() === 'psexesvc.exe');
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r).toMatchObject({
      host: 'workstation5', pid: 1460, startTime: '2020-10-19T07:30:46.4350000Z', path: 'C:\\Windows\\PSEXESVC.exe',
      hash: 'sha256:141b2190f51397dbd0dfde0e3904b264c91b6f81febc823ff0c33da980b69944',
    });
    expect(r.children).toEqual(['reg.exe']);
    expect(r.childCommandLines).toEqual(['"reg" save HKLM\\security\\policy\\secrets C:\\Users\\wardog\\AppData\\Local\\Temp\\secrets']);
    expect(r.serviceInstall).toMatchObject({ serviceName: 'PSEXESVC', imagePath: '%SystemRoot%\\PSEXESVC.exe' });
    expect(r.rareBy).toEqual(['binary', 'path', 'host']);
  });

  it('finds the powershell.exe that services.exe starts in the Fax service dataset', () => {
    const rows = report.rows.filter((r) => r.name?.toLowerCase() === 'powershell.exe' && r.host === 'workstation5');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.commandLine).toBe('C:\\windows\\system32\\WindowsPowerShell\\v1.0\\powershell.exe -noexit -c "write-host \'T1543.003 Test\'"');
    expect(rows[0]!.startTime).toBe('2020-10-22T00:45:35.2800000Z');
  });

  it("identifies the Defender export's service processes; svchost.exe is on four hosts, so not rare", () => {
    const services = db.prepare(
      `SELECT e.name FROM instance i JOIN host h ON h.id = i.host_id JOIN process_event e ON e.id = i.event_id
        WHERE h.key = 'test-hostname' AND i.is_service = 1 ORDER BY lower(e.name)`,
    ).all() as Array<{ name: string }>;
    expect(services.map((s) => s.name)).toEqual(['msmpeng.exe', 'MsSense.exe', 'svchost.exe']);
    const defender = (r: HuntReport) => r.rows.filter((x) => x.host === 'test-hostname').map((x) => x.name);
    expect(defender(report)).toEqual([]);
    expect(defender(noAllowlist)).toEqual(['MsSense.exe', 'msmpeng.exe']);
    const sense = noAllowlist.rows.find((x) => x.name === 'MsSense.exe')!;
    expect(sense.remoteIps).toEqual(['20.50.201.200']);
    expect(sense.rareBy).toEqual(['binary', 'path']);
    const svchost = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [], measures: ['path'], maxHosts: 4 }));
    expect(svchost.rows.filter((r) => r.name === 'svchost.exe').map((r) => [r.host, r.pathHosts])).toEqual([
      ['data-viz-win-1', 4], ['janeslaptop1', 4], ['test-hostname', 4], ['testmachine6', 4],
    ]);
    expect(report.stats.allowlisted).toBeGreaterThanOrEqual(5);
  });

  it('finds the Defender streaming service process with the file it wrote and the DLL it loaded', () => {
    const wa = noAllowlist.rows.find((r) => r.name === 'WaAppAgent.exe')!;
    expect(wa.host).toBe('testmachine5');
    expect(wa.files).toEqual(['C:\\Windows\\System32\\VMAgentDisabler.dll']);
    expect(wa.dlls).toEqual([
      'C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\System.Management\\8af759007c012da690062882e06694f1\\System.Management.ni.dll',
    ]);
  });

  it('reports the input files with their SHA-256', () => {
    expect(report.inputs).toHaveLength(20);
    const one = report.inputs.find((i) => i.file.endsWith('streaming-api-excerpt.ndjson'))!;
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(one.records).toBe(jsonLines('json', 'defender', 'streaming-api-excerpt.ndjson').length);
  });
});
