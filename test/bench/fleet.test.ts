// A small bench fleet: counts, formats, time order, service linkage, planted
// services, and byte-identical output whether written in worker threads or not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetOptions, FleetResult } from './fleet.js';
import { generateFleet, plantedFleetServices } from './fleet.js';

const CORPUS_CSV = path.resolve(import.meta.dirname, '../../../shared/corpus/csv/defender/advanced_hunting_test.csv');

let dir: string;
let opts: FleetOptions;
let result: FleetResult;
let csvRows: Record<string, string>[];
let csvFields: string[];
let docs: Record<string, unknown>[];

type Json = Record<string, unknown>;
function get(o: unknown, dotted: string): unknown {
  let cur: unknown = o;
  for (const k of dotted.split('.')) cur = cur && typeof cur === 'object' ? (cur as Json)[k] : undefined;
  return cur;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'longtail-fleet-'));
  opts = { outDir: path.join(dir, 'a'), hosts: 20, events: 5_000, formats: ['defender-csv', 'elastic-ndjson'], seed: 7 };
  result = generateFleet(opts);
  const csvFile = result.files.find((f) => f.format === 'defender-csv')?.path ?? '';
  const parsed = Papa.parse<Record<string, string>>(readFileSync(csvFile, 'utf8'), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  csvRows = parsed.data;
  csvFields = parsed.meta.fields ?? [];
  const ndjson = readFileSync(result.files.find((f) => f.format === 'elastic-ndjson')?.path ?? '', 'utf8');
  expect(ndjson.endsWith('\n')).toBe(true);
  docs = ndjson.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateFleet', () => {
  it('writes the requested events, split evenly over formats and hosts', () => {
    expect(result.files.map((f) => [f.format, f.events, f.hosts])).toEqual([['defender-csv', 2_500, 10], ['elastic-ndjson', 2_500, 10]]);
    expect(csvRows).toHaveLength(2_500);
    expect(docs).toHaveLength(2_500);
    expect(new Set(csvRows.map((r) => r['DeviceName'])).size).toBe(10);
    expect(new Set(docs.map((d) => get(d, 'host.name'))).size).toBe(10);
    for (const f of result.files) expect(f.bytes).toBe(readFileSync(f.path).length);
  });

  it('mixes the four kinds about a quarter each', () => {
    for (const f of result.files) {
      for (const kind of ['process', 'network', 'file', 'image'] as const) {
        expect(f.kinds[kind] / f.events, `${f.format} ${kind}`).toBeGreaterThan(0.2);
        expect(f.kinds[kind] / f.events, `${f.format} ${kind}`).toBeLessThan(0.3);
      }
    }
  });

  it('writes the corpus CSV header, 72 cells a row, and valid Elastic Defend documents', () => {
    expect(csvFields.join(',')).toBe(readFileSync(CORPUS_CSV, 'utf8').split('\n')[0]);
    for (const r of csvRows) expect(Object.keys(r)).toHaveLength(72);
    for (const d of docs) {
      expect(get(d, 'host.os.family')).toBe('windows');
      expect(get(d, 'process.entity_id')).toEqual(expect.any(String));
      expect(['process', 'network', 'file', 'library']).toContain((get(d, 'event.category') as string[])[0]);
    }
  });

  it('keeps each file in time order over 30 days', () => {
    const csvTimes = csvRows.map((r) => r['Timestamp'] ?? '');
    const docTimes = docs.map((d) => String(d['@timestamp']));
    for (const times of [csvTimes, docTimes]) {
      expect([...times].sort()).toEqual(times);
      const span = Date.parse(times.at(-1) ?? '') - Date.parse(times[0] ?? '');
      expect(span).toBeGreaterThan(29 * 86_400_000);
      expect(span).toBeLessThanOrEqual(30 * 86_400_000);
    }
  });

  it('links every Defender action to its instance start row', () => {
    const starts = new Set(csvRows.filter((r) => r['ActionType'] === 'ProcessCreated')
      .map((r) => `${r['DeviceName']}|${r['ProcessId']}|${r['ProcessCreationTime']}`));
    const actions = csvRows.filter((r) => r['ActionType'] !== 'ProcessCreated' && r['ActionType'] !== 'ServiceInstalled');
    const serviceActions = actions.filter((r) => r['InitiatingProcessParentFileName'] === 'services.exe');
    expect(serviceActions.length).toBeGreaterThan(500);
    for (const r of actions) {
      expect(starts.has(`${r['DeviceName']}|${r['InitiatingProcessId']}|${r['InitiatingProcessCreationTime']}`), r['ReportId']).toBe(true);
    }
  });

  it('links every Elastic event and child to a process start by entity id', () => {
    const starts = new Set(docs.filter((d) => get(d, 'event.category.0') === 'process').map((d) => get(d, 'process.entity_id')));
    for (const d of docs) {
      expect(starts.has(get(d, 'process.entity_id'))).toBe(true);
      const parent = get(d, 'process.parent');
      if (parent && get(parent, 'name') !== 'services.exe' && get(parent, 'name') !== 'userinit.exe') {
        expect(starts.has(get(parent, 'entity_id'))).toBe(true);
      }
    }
  });

  it('plants rare services on single hosts and says where', () => {
    expect(result.planted).toEqual(plantedFleetServices(opts));
    expect(result.planted.map((p) => p.format).sort()).toEqual(['defender-csv', 'elastic-ndjson']);
    for (const p of result.planted) {
      const inCsv = csvRows.filter((r) => r['FolderPath'] === p.path && r['InitiatingProcessFileName'] === 'services.exe' && r['ActionType'] === 'ProcessCreated');
      const inDocs = docs.filter((d) => get(d, 'process.executable') === p.path && get(d, 'process.parent.name') === 'services.exe');
      const hosts = [...inCsv.map((r) => r['DeviceName']), ...inDocs.map((d) => get(d, 'host.name'))];
      expect(hosts, p.path).toEqual([p.host]);
      const children = p.format === 'defender-csv'
        ? csvRows.filter((r) => r['ActionType'] === 'ProcessCreated' && r['InitiatingProcessFolderPath'] === p.path.toLowerCase())
        : docs.filter((d) => get(d, 'process.parent.executable') === p.path);
      expect(children, p.path).toHaveLength(2);
    }
  });

  it('is deterministic, in worker threads or on one thread', () => {
    const again = generateFleet({ ...opts, outDir: path.join(dir, 'b') }, { threads: 1 });
    for (const [i, f] of again.files.entries()) {
      expect(readFileSync(f.path).equals(readFileSync(result.files[i]?.path ?? '')), f.path).toBe(true);
    }
  });

  it('splits a format over several files, and refuses too few events', () => {
    const split = generateFleet({ ...opts, outDir: path.join(dir, 'c'), formats: ['elastic-ndjson'], filesPerFormat: 3 });
    expect(split.files.map((f) => f.events)).toEqual([1_667, 1_667, 1_666]);
    expect(split.files.map((f) => f.hosts)).toEqual([7, 7, 6]);
    expect(() => generateFleet({ ...opts, outDir: path.join(dir, 'd'), events: 100 })).toThrow(/raise events/);
  });
});
