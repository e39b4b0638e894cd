// The committed demo fleet is what samples/generate.ts writes, and it has the shape
// the hunt contract (../shared/spec/hunts.md) expects: one instance looks the same in
// every row, ordinary services are common, and exactly the planted ones are rare.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_FILES, SAMPLES_DIR, SAMPLE_FILES, generateSamples } from '../../samples/generate.js';
import { DEMO_HOSTS } from '../../samples/generator/demo-fleet.js';
import type { PlantedService } from '../../samples/generator/planted.js';
import type { Collection, Fleet, Start } from './read-fleet.js';
import { hostKey, pathKey, readFleet, unzip } from './read-fleet.js';

const CORPUS_CSV = path.resolve(SAMPLES_DIR, '../../shared/corpus/csv/defender/advanced_hunting_test.csv');
const ALLOWLIST = new Set(['svchost.exe', 'mssense.exe', 'msmpeng.exe', 'searchindexer.exe', 'microsoftedgeupdate.exe']);

let tmp: string;
let planted: PlantedService[];
let fleet: Fleet;
/** Process starts other than 4688 (whose instances merge into Sysmon's). */
let starts: Start[];
let byKey: Map<string, Start>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'longtail-samples-'));
  planted = (await generateSamples(tmp)).planted;
  fleet = await readFleet(SAMPLES_DIR);
  starts = fleet.starts.filter((s) => s.source !== '4688');
  byKey = new Map(starts.map((s) => [s.key, s]));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);
}

const isService = (s: Start) => s.parentName.toLowerCase() === 'services.exe';

/** Same members (names, order, times, bytes), then the same bytes: deflate output is zlib's, so say which differs. */
async function expectSameZip(fresh: string, committed: string, rel: string): Promise<void> {
  const [a, b] = [await unzip(fresh), await unzip(committed)];
  expect([...a.members.keys()], rel).toEqual([...b.members.keys()]);
  for (const [name, bytes] of a.members) {
    expect(bytes.equals(b.members.get(name) ?? Buffer.alloc(0)), `${rel}!${name}`).toBe(true);
    expect(a.times.get(name)?.getTime(), `${rel}!${name} time`).toBe(b.times.get(name)?.getTime());
  }
  expect(readFileSync(fresh).equals(readFileSync(committed)), `${rel}: same members, other compressed bytes (another zlib build?)`).toBe(true);
}

describe('committed samples', () => {
  it('are byte-identical to a fresh generation', async () => {
    for (const rel of Object.values(SAMPLE_FILES)) {
      expect(readFileSync(path.join(tmp, rel)).equals(readFileSync(path.join(SAMPLES_DIR, rel))), rel).toBe(true);
    }
    expect(COLLECTION_FILES).toHaveLength(2);
    for (const rel of COLLECTION_FILES) await expectSameZip(path.join(tmp, rel), path.join(SAMPLES_DIR, rel), rel);
    // Nothing else in the sample folders: a stale or stray file would be imported too.
    const written = new Set([...Object.values(SAMPLE_FILES), ...COLLECTION_FILES]);
    const data = readdirSync(SAMPLES_DIR, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && !d.parentPath.includes('generator'))
      .map((d) => path.relative(SAMPLES_DIR, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
      .filter((rel) => rel !== 'README.md' && rel !== 'generate.ts');
    expect(data.sort()).toEqual([...written].sort());
  });

  it('collections come out the same in any time zone (zip times are the UTC clock)', async () => {
    const saved = process.env['TZ'];
    const other = mkdtempSync(path.join(tmpdir(), 'longtail-samples-tz-'));
    try {
      process.env['TZ'] = 'Asia/Kolkata';
      // The switch took effect (else this test would prove nothing).
      expect(new Date(Date.UTC(2026, 9, 28, 23, 41, 9)).getHours()).toBe(5);
      await generateSamples(other);
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
    try {
      for (const rel of COLLECTION_FILES) expect(readFileSync(path.join(other, rel)).equals(readFileSync(path.join(SAMPLES_DIR, rel))), rel).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('keep the samples folder under 2 MB, the collections under 100 KB', () => {
    expect(dirBytes(SAMPLES_DIR)).toBeLessThan(2_000_000);
    const zips = COLLECTION_FILES.reduce((n, rel) => n + statSync(path.join(SAMPLES_DIR, rel)).size, 0);
    expect(zips).toBeLessThan(100_000);
  });
});

describe('formats', () => {
  it('Defender CSV reuses the corpus 72-column header, with unique ReportIds per host', () => {
    const corpusHeader = readFileSync(CORPUS_CSV, 'utf8').split('\n')[0];
    expect(fleet.csvHeader.join(',')).toBe(corpusHeader);
    expect(fleet.csvHeader).toHaveLength(72);
    const seen = new Set<string>();
    for (const r of fleet.csvRows) {
      expect(Object.keys(r)).toHaveLength(72);
      expect(r['Timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      const id = `${r['DeviceName']}|${r['ReportId']}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
    }
  });

  it('Security-Datasets TimeCreated is local time 5 h behind Sysmon UtcTime', () => {
    const sysmon = fleet.jsonLines.securityDatasets.filter((d) => typeof d['UtcTime'] === 'string');
    expect(sysmon.length).toBeGreaterThan(100);
    for (const d of sysmon) {
      const local = Date.parse(`${String(d['TimeCreated']).replace(' ', 'T')}Z`);
      const utc = Date.parse(`${String(d['UtcTime']).replace(' ', 'T')}Z`);
      expect(Math.round((local - utc) / 60_000)).toBe(-300);
    }
  });

  it('every 4688 has its Sysmon 1 twin (same host, pid, image, within 2 s)', () => {
    const audited = fleet.starts.filter((s) => s.source === '4688');
    expect(audited.length).toBeGreaterThan(50);
    for (const a of audited) {
      const twin = starts.find((s) => s.source === 'sysmon' && s.host === a.host && s.pid === a.pid &&
        s.path.toLowerCase() === a.path.toLowerCase() && Math.abs(s.time - a.time) <= 2_000);
      expect(twin, `${a.host} ${a.path} ${a.pid}`).toBeDefined();
    }
  });
});

const LOGS = 'uploads/auto/C%3A/Windows/System32/winevt/Logs/';
const SYSMON_LOG = `${LOGS}Microsoft-Windows-Sysmon%254Operational.evtx`;

function collection(host: string): Collection {
  const c = fleet.collections.find((x) => x.host === host);
  if (!c) throw new Error(`no collection of ${host}`);
  return c;
}

function jsonLines(b: Buffer | undefined): Array<Record<string, unknown>> {
  return (b?.toString('utf8') ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Velociraptor collections', () => {
  it('are one zip per host, named and laid out as the offline collector writes them', () => {
    expect(fleet.collections.map((c) => [path.basename(c.file), c.host])).toEqual([
      ['Collection-SRV-APP02_contoso_local-2026-10-28T23_52_37Z.zip', 'SRV-APP02'],
      ['Collection-WKS-OPS10_contoso_local-2026-10-28T23_41_09Z.zip', 'WKS-OPS10'],
    ]);
    for (const c of fleet.collections) {
      // Velociraptor escapes `:` and `%` in path components (C%3A, Sysmon%254Operational) and `/` in artifact source names.
      expect([...c.members.keys()]).toEqual([
        `${LOGS}Security.evtx`, `${LOGS}System.evtx`, SYSMON_LOG, 'results/Generic.Collectors.File%2FAll Matches Metadata.json',
        'log.json', 'uploads.json', 'requests.json', 'collection_context.json', 'client_info.json',
      ]);
      expect(c.clientInfo).toMatchObject({ Hostname: c.host, Fqdn: `${c.host}.contoso.local` });
      const evtx = [...c.logs.keys()];
      const uploads = jsonLines(c.members.get('uploads.json'));
      expect(uploads.map((u) => [u['vfs_path'], u['file_size']])).toEqual(evtx.map((m) => [
        m.split('/').slice(2).map(decodeURIComponent).join('\\'), c.members.get(m)?.length,
      ]));
      expect(uploads[2]?.['vfs_path']).toBe('C:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-Sysmon%4Operational.evtx');
      const context = JSON.parse(c.members.get('collection_context.json')?.toString('utf8') ?? '{}') as Record<string, unknown>;
      const requests = JSON.parse(c.members.get('requests.json')?.toString('utf8') ?? '{}') as { items: Array<{ session_id: string }> };
      expect(context['total_uploaded_bytes']).toBe(evtx.reduce((n, m) => n + (c.members.get(m)?.length ?? 0), 0));
      expect(context['session_id']).toBe(requests.items[0]?.session_id);
      expect(jsonLines(c.members.get('log.json')).every((l) => l['level'] === 'DEFAULT' && typeof l['message'] === 'string')).toBe(true);
      expect(jsonLines(c.members.get('results/Generic.Collectors.File%2FAll Matches Metadata.json')).map((r) => r['Size']))
        .toEqual(evtx.map((m) => c.members.get(m)?.length));
      // Member times: the collection's own minutes (DOS time fields, UTC clock).
      const m = /-(\d{4}-\d\d-\d\d)T(\d\d)_(\d\d)_(\d\d)Z\.zip$/.exec(c.file);
      const collected = Date.parse(`${m?.[1]}T${m?.[2]}:${m?.[3]}:${m?.[4]}Z`);
      for (const [name, t] of c.times) {
        const wall = Date.UTC(t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds());
        expect(wall - collected, name).toBeGreaterThanOrEqual(0);
        expect(wall - collected, name).toBeLessThan(10_000);
      }
    }
  });

  it('their logs name the computer: WKS-OPS10 by its FQDN, SRV-APP02 generically (MINWINPC)', () => {
    const computers = (c: Collection) => new Set([...c.logs.values()].flat().map((r) => r.computer));
    expect(computers(collection('WKS-OPS10'))).toEqual(new Set(['WKS-OPS10.contoso.local']));
    expect(computers(collection('SRV-APP02'))).toEqual(new Set(['MINWINPC']));
  });

  it('each log holds its channel\'s events, numbered from 1 in time order', () => {
    const ids = (c: Collection, member: string) => [...new Set(c.logs.get(member)?.map((r) => `${r.channel}:${r.eventId}`))].sort();
    const sysmon = ['1', '11', '3', '7'].map((id) => `Microsoft-Windows-Sysmon/Operational:${id}`);
    expect(ids(collection('WKS-OPS10'), `${LOGS}Security.evtx`)).toEqual(['Security:4688']);
    expect(ids(collection('WKS-OPS10'), `${LOGS}System.evtx`)).toEqual(['System:7036']);
    expect(ids(collection('SRV-APP02'), `${LOGS}Security.evtx`)).toEqual(['Security:4688', 'Security:4697']);
    expect(ids(collection('SRV-APP02'), `${LOGS}System.evtx`)).toEqual(['System:7036', 'System:7045']);
    for (const c of fleet.collections) {
      expect(ids(c, SYSMON_LOG)).toEqual(sysmon);
      for (const records of c.logs.values()) {
        expect(records.map((r) => Number(r.recordId))).toEqual(records.map((_, i) => i + 1));
        const times = records.map((r) => r.timeCreated);
        expect(times).toEqual([...times].sort());
        expect(times[0]! >= '2026-10-01' && times[times.length - 1]! < '2026-10-29').toBe(true);
      }
    }
  });

  it('SRV-APP02 logs the tunnel service\'s install (7045, 4697) and its start by services.exe (Sysmon 1, 4688)', () => {
    const records = [...collection('SRV-APP02').logs.values()].flat();
    const field = (r: (typeof records)[number], name: string) => r.data.find((d) => d.name === name)?.text;
    const installs = records.filter((r) => r.eventId === 7045 || r.eventId === 4697).sort((a, b) => b.eventId - a.eventId);
    expect(installs.map((r) => [r.eventId, field(r, 'ServiceName'), field(r, 'ImagePath') ?? field(r, 'ServiceFileName')])).toEqual([
      [7045, 'DiagTelemetrySvc', '"C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe" -service'],
      [4697, 'DiagTelemetrySvc', '"C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe" -service'],
    ]);
    const start = records.filter((r) => r.eventId === 1 && field(r, 'Image')?.endsWith('\\dtelsvc.exe'));
    expect(start.map((r) => [field(r, 'ParentImage'), field(r, 'UtcTime')])).toEqual([
      ['C:\\Windows\\System32\\services.exe', '2026-10-26 03:41:15.208'],
    ]);
    expect(records.filter((r) => r.eventId === 4688 && field(r, 'NewProcessName')?.endsWith('\\dtelsvc.exe'))).toHaveLength(1);
  });
});

describe('service instances', () => {
  it('Defender rows of a service instance repeat its start row (pid and creation time)', () => {
    const startRows = new Map<string, Record<string, string>>();
    for (const r of fleet.csvRows) {
      if (r['ActionType'] === 'ProcessCreated' && r['InitiatingProcessFileName'] === 'services.exe') {
        startRows.set(`${r['DeviceName']}|${r['ProcessId']}|${r['ProcessCreationTime']}`, r);
      }
    }
    let checked = 0;
    for (const r of fleet.csvRows) {
      if (r['InitiatingProcessParentFileName'] !== 'services.exe') continue;
      const start = startRows.get(`${r['DeviceName']}|${r['InitiatingProcessId']}|${r['InitiatingProcessCreationTime']}`);
      expect(start, `${r['ActionType']} ${r['InitiatingProcessFileName']} ${r['ReportId']}`).toBeDefined();
      expect(start?.['SHA256']).toBe(r['InitiatingProcessSHA256']);
      expect(start?.['ProcessCommandLine']).toBe(r['InitiatingProcessCommandLine']);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('every action and every child names a logged process start', () => {
    // The kernel (Sysmon "System", Defender ntoskrnl.exe, pid 4) starts before any sensor.
    const actions = fleet.actions.filter((a) => a.kind !== 'install' && a.actorName !== 'System' && a.actorName !== 'ntoskrnl.exe');
    expect(actions.length).toBeGreaterThan(500);
    for (const a of actions) expect(byKey.has(a.actorKey), `${a.source} ${a.kind} by ${a.actorName}`).toBe(true);
    // services.exe and userinit.exe (explorer's parent) start before the sensors too.
    for (const s of starts) {
      if (isService(s) || s.parentName.toLowerCase() === 'userinit.exe') continue;
      expect(byKey.has(s.parentKey ?? ''), `${s.source} ${s.host} ${s.name} <- ${s.parentName}`).toBe(true);
    }
  });

  it('same binary, same path and hashes on every host and source', () => {
    const hashesByName = new Map<string, Set<string>>();
    for (const s of starts.filter(isService)) {
      const name = s.name.toLowerCase();
      hashesByName.set(name, (hashesByName.get(name) ?? new Set()).add(s.sha256 ?? 'none'));
    }
    for (const [name, hashes] of hashesByName) expect([...hashes], name).toHaveLength(1);
    const dism = starts.filter((s) => isService(s) && s.name === 'DismHost.exe');
    expect(new Set(dism.map((s) => s.path)).size).toBe(DEMO_HOSTS.length);
    expect(new Set(dism.map((s) => pathKey(s.path)))).toEqual(new Set(['c:\\windows\\temp\\{}\\dismhost.exe']));
  });
});

/** The spec's three measures with default settings, computed independently of the app. */
function rareServices(): Map<string, { host: string; path: string; rareBy: string[] }> {
  const svc = starts.filter((s) => isService(s) && !ALLOWLIST.has(s.name.toLowerCase()));
  const keys = new Set(svc.map((s) => s.key));
  const binaryHosts = new Map<string, Set<string>>();
  const pathHosts = new Map<string, Set<string>>();
  const launches = new Map<string, number>();
  const add = (m: Map<string, Set<string>>, k: string, host: string) => m.set(k, (m.get(k) ?? new Set()).add(host));
  for (const s of svc) {
    if (s.sha256 && s.trusted !== true) add(binaryHosts, `${s.sha256}|${s.name.toLowerCase()}`, s.host);
    add(pathHosts, pathKey(s.path), s.host);
  }
  for (const c of starts) {
    const parent = c.parentKey && keys.has(c.parentKey) ? byKey.get(c.parentKey) : undefined;
    if (parent) launches.set(`${parent.host}|${parent.name.toLowerCase()}`, (launches.get(`${parent.host}|${parent.name.toLowerCase()}`) ?? 0) + 1);
  }
  const rare = new Map<string, { host: string; path: string; rareBy: string[] }>();
  for (const s of svc) {
    const rareBy: string[] = [];
    if (s.sha256 && s.trusted !== true && (binaryHosts.get(`${s.sha256}|${s.name.toLowerCase()}`)?.size ?? 0) <= 1) rareBy.push('binary');
    if ((pathHosts.get(pathKey(s.path))?.size ?? 0) <= 1) rareBy.push('path');
    const n = launches.get(`${s.host}|${s.name.toLowerCase()}`) ?? 0;
    if (n >= 1 && n < 6) rareBy.push('host');
    if (rareBy.length > 0) rare.set(s.path.toLowerCase(), { host: s.host, path: s.path, rareBy });
  }
  return rare;
}

describe('planted services', () => {
  it('are exactly what the three rarity measures flag', () => {
    const rare = rareServices();
    expect([...rare.keys()].sort()).toEqual(planted.map((p) => p.path.toLowerCase()).sort());
    for (const p of planted) {
      const r = rare.get(p.path.toLowerCase());
      expect(r?.host).toBe(hostKey(p.host));
      expect(r?.rareBy).toEqual(p.rareBy);
    }
  });

  it('each runs on exactly one host, with the child launches described', () => {
    for (const p of planted) {
      const instances = starts.filter((s) => isService(s) && s.path.toLowerCase() === p.path.toLowerCase());
      expect(new Set(instances.map((s) => s.host)), p.id).toEqual(new Set([hostKey(p.host)]));
      expect(instances).toHaveLength(p.starts.length);
      const keys = new Set(instances.map((s) => s.key));
      expect(starts.filter((c) => c.parentKey !== null && keys.has(c.parentKey)), p.id).toHaveLength(p.children);
    }
  });

  it('ordinary services with children launch at least 6 per host', () => {
    const plantedNames = new Set(planted.map((p) => p.name.toLowerCase()));
    const counts = new Map<string, number>();
    for (const c of starts) {
      const parent = c.parentKey ? byKey.get(c.parentKey) : undefined;
      if (parent && isService(parent)) counts.set(`${parent.host}|${parent.name.toLowerCase()}`, (counts.get(`${parent.host}|${parent.name.toLowerCase()}`) ?? 0) + 1);
    }
    for (const [key, n] of counts) {
      if (!plantedNames.has(key.split('|')[1] ?? '')) expect(n, key).toBeGreaterThanOrEqual(6);
    }
  });
});
