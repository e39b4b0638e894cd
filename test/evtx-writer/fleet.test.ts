// A small EVTX bench fleet, read back by libevtx: every file readable with the
// counts the generator reports, the event mix, the planted services in all three
// logs, and the same bytes whether written in worker threads or not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvtxFleetOptions, EvtxFleetResult } from '../bench/evtx-fleet.js';
import { generateEvtxFleet, plantedEvtxServices } from '../bench/evtx-fleet.js';
import type { LibevtxRecord } from './libevtx.js';
import { evtxexport, evtxinfo } from './libevtx.js';

let dir: string;
let opts: EvtxFleetOptions;
let result: EvtxFleetResult;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'longtail-evtx-fleet-'));
  opts = { outDir: path.join(dir, 'a'), bytes: 4_500_000, hosts: 3, seed: 5 };
  result = generateEvtxFleet(opts, { threads: 1 });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dataOf = (r: LibevtxRecord) => Object.fromEntries(r.data.map((d) => [d.name, d.text]));

describe('generateEvtxFleet', () => {
  it('writes Security, Sysmon and System logs per host that libevtx reads in full', () => {
    expect(result.files.map((f) => [path.basename(path.dirname(f.path)), f.log]).sort()).toEqual(
      ['wks-00001', 'wks-00002', 'wks-00003'].flatMap((h) => (['Security', 'Sysmon', 'System'] as const).map((log) => [`${h}.corp.contoso.local`, log])).sort(),
    );
    let total = 0;
    for (const f of result.files) {
      const info = evtxinfo(f.path);
      expect(info, f.path).toMatchObject({ records: f.records, recovered: 0, corrupted: false, dirty: false });
      expect(readFileSync(f.path).length).toBe(f.bytes);
      expect(Object.values(f.events).reduce((a, b) => a + b, 0)).toBe(f.records);
      total += f.bytes;
    }
    expect(total).toBeGreaterThan(opts.bytes * 0.9);
    expect(total).toBeLessThan(opts.bytes * 1.15);
  });

  it('mixes service activity with events the hunt does not use', () => {
    const sum = (log: string, id: number) => result.files.filter((f) => f.log === log).reduce((n, f) => n + (f.events[id] ?? 0), 0);
    const sysmon = result.files.filter((f) => f.log === 'Sysmon').reduce((n, f) => n + f.records, 0);
    const security = result.files.filter((f) => f.log === 'Security').reduce((n, f) => n + f.records, 0);
    for (const id of [1, 3, 5, 7, 10, 11, 12, 13, 22]) expect(sum('Sysmon', id) / sysmon, `Sysmon ${id}`).toBeGreaterThan(0.03);
    for (const id of [4624, 4634, 4688, 4689, 5156]) expect(sum('Security', id) / security, `Security ${id}`).toBeGreaterThan(0.05);
    expect(sum('Security', 4688)).toBe(sum('Sysmon', 1));
    expect(sum('Security', 5156)).toBe(sum('Sysmon', 3));
  });

  it('runs services from services.exe over 30 days, time in order per log', () => {
    const f = result.files.find((x) => x.log === 'Sysmon');
    const records = evtxexport(f?.path ?? '').records;
    expect(records[0]?.timeCreated.startsWith('2026-10-01T')).toBe(true);
    expect((records[records.length - 1]?.timeCreated ?? '').slice(0, 10) >= '2026-10-29').toBe(true);
    const starts = records.filter((r) => r.eventId === 1).map(dataOf);
    const services = starts.filter((d) => d['ParentImage'] === 'C:\\Windows\\System32\\services.exe').map((d) => d['Image']);
    expect(services).toEqual(expect.arrayContaining(['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\spoolsv.exe']));
    expect(records.map((r) => r.recordId)).toEqual(records.map((_, i) => String(i + 1)));
  });

  it('plants rare services, each in 7045, 4697, 4688 and Sysmon 1/3/7/11 of its host', () => {
    expect(result.planted).toEqual(plantedEvtxServices(opts));
    expect(result.planted.length).toBe(2);
    for (const p of result.planted) {
      const logs = (log: string) => evtxexport(result.files.find((f) => f.host === p.host && f.log === log)?.path ?? '').records;
      const system = logs('System').filter((r) => r.eventId === 7045).map(dataOf);
      expect(system).toContainEqual(expect.objectContaining({ ServiceName: p.serviceName, ImagePath: p.path }));
      const security = logs('Security');
      expect(security.filter((r) => r.eventId === 4697).map(dataOf)).toContainEqual(expect.objectContaining({ ServiceName: p.serviceName, ServiceFileName: p.path }));
      expect(security.filter((r) => r.eventId === 4688).map(dataOf)).toContainEqual(
        expect.objectContaining({ NewProcessName: p.path, ParentProcessName: 'C:\\Windows\\System32\\services.exe' }),
      );
      const sysmon = logs('Sysmon');
      const start = sysmon.find((r) => r.eventId === 1 && dataOf(r)['Image'] === p.path);
      expect(start && dataOf(start)).toMatchObject({ ParentImage: 'C:\\Windows\\System32\\services.exe', UtcTime: `${p.start.slice(0, 10)} ${p.start.slice(11, 23)}` });
      const guid = start && dataOf(start)['ProcessGuid'];
      const byService = sysmon.filter((r) => dataOf(r)['ProcessGuid'] === guid).map((r) => r.eventId);
      expect(byService).toEqual(expect.arrayContaining([1, 3, 7, 11]));
      const dll = sysmon.find((r) => r.eventId === 7 && dataOf(r)['ProcessGuid'] === guid);
      expect(dll && dataOf(dll)).toMatchObject({ Signed: 'false', ImageLoaded: p.path.replace(/[^\\]+$/, (n) => `${n.split(/\d*\.exe$/)[0]}.dll`) });
      // Nowhere else: rare by path.
      const elsewhere = result.files.filter((f) => f.host !== p.host && f.log === 'Sysmon')
        .flatMap((f) => evtxexport(f.path).records).filter((r) => r.eventId === 1 && dataOf(r)['Image'] === p.path);
      expect(elsewhere).toEqual([]);
    }
  });

  it('writes the same bytes in worker threads', () => {
    const again = generateEvtxFleet({ ...opts, outDir: path.join(dir, 'b') }, { threads: 2 });
    expect(again.files.map((f) => [f.log, f.records, f.bytes])).toEqual(result.files.map((f) => [f.log, f.records, f.bytes]));
    for (const [i, f] of again.files.entries()) expect(readFileSync(f.path).equals(readFileSync(result.files[i]?.path ?? '')), f.path).toBe(true);
  });
});
