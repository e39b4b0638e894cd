// The committed demo fleet is what samples/generate.ts writes, and it has the shape
// the hunt contract (../shared/spec/hunts.md) expects: one instance looks the same in
// every row, ordinary services are common, and exactly the planted ones are rare.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR, SAMPLE_FILES, generateSamples } from '../../samples/generate.js';
import type { PlantedService } from '../../samples/generator/planted.js';
import type { Fleet, Start } from './read-fleet.js';
import { hostKey, pathKey, readFleet } from './read-fleet.js';

const CORPUS_CSV = path.resolve(SAMPLES_DIR, '../../shared/corpus/csv/defender/advanced_hunting_test.csv');
const ALLOWLIST = new Set(['svchost.exe', 'mssense.exe', 'msmpeng.exe', 'searchindexer.exe', 'microsoftedgeupdate.exe']);

let tmp: string;
let planted: PlantedService[];
let fleet: Fleet;
/** Process starts other than 4688 (whose instances merge into Sysmon's). */
let starts: Start[];
let byKey: Map<string, Start>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'longtail-samples-'));
  planted = generateSamples(tmp).planted;
  fleet = readFleet(SAMPLES_DIR);
  starts = fleet.starts.filter((s) => s.source !== '4688');
  byKey = new Map(starts.map((s) => [s.key, s]));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);
}

const isService = (s: Start) => s.parentName.toLowerCase() === 'services.exe';

describe('committed samples', () => {
  it('are byte-identical to a fresh generation', () => {
    for (const rel of Object.values(SAMPLE_FILES)) {
      expect(readFileSync(path.join(tmp, rel)).equals(readFileSync(path.join(SAMPLES_DIR, rel))), rel).toBe(true);
    }
  });

  it('keep the samples folder under 2 MB', () => {
    expect(dirBytes(SAMPLES_DIR)).toBeLessThan(2_000_000);
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
    expect(new Set(dism.map((s) => s.path)).size).toBe(12);
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
