// Every container and encoding the importer accepts, generated here from one small
// set of Defender and Elastic records: each mode must store the same events.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import type { Db } from '../../src-core/store/case-db.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function setup(): { db: Db; dir: string } {
  const c = tempCase();
  const dir = tempDir();
  cleanups.push(c.close, () => fs.rmSync(dir, { recursive: true, force: true }));
  return { db: c.db, dir };
}

// A Defender service process (a7f3.exe started by services.exe) that starts cmd.exe and connects out.
const SVC = {
  InitiatingProcessId: '4100', InitiatingProcessCreationTime: '2026-10-20T09:00:00.1234567Z',
  InitiatingProcessFileName: 'a7f3c2e1.exe', InitiatingProcessFolderPath: 'C:\\Windows\\Temp\\a7f3c2e1.exe',
  InitiatingProcessCommandLine: 'C:\\Windows\\Temp\\a7f3c2e1.exe', InitiatingProcessSHA256: 'ab'.repeat(32),
  InitiatingProcessParentFileName: 'services.exe', InitiatingProcessParentId: '680',
  InitiatingProcessParentCreationTime: '2026-10-01T00:00:01.0000000Z',
  InitiatingProcessAccountDomain: 'nt authority', InitiatingProcessAccountName: 'system',
};
const ROWS: Array<Record<string, string>> = [
  {
    Timestamp: '2026-10-20T09:00:00.1234567Z', DeviceName: 'WS05.corp.local', ActionType: 'ProcessCreated', ReportId: '101',
    FileName: 'a7f3c2e1.exe', FolderPath: 'C:\\Windows\\Temp\\a7f3c2e1.exe', ProcessId: '4100',
    ProcessCreationTime: '2026-10-20T09:00:00.1234567Z', ProcessCommandLine: 'C:\\Windows\\Temp\\a7f3c2e1.exe',
    SHA256: 'ab'.repeat(32), InitiatingProcessFileName: 'services.exe', InitiatingProcessId: '680',
    InitiatingProcessCreationTime: '2026-10-01T00:00:01.0000000Z', InitiatingProcessFolderPath: 'c:\\windows\\system32\\services.exe',
    InitiatingProcessParentFileName: 'wininit.exe',
  },
  {
    ...SVC, Timestamp: '2026-10-20T09:00:05.0000000Z', DeviceName: 'WS05.corp.local', ActionType: 'ProcessCreated', ReportId: '102',
    FileName: 'cmd.exe', FolderPath: 'C:\\Windows\\System32\\cmd.exe', ProcessId: '4200',
    ProcessCreationTime: '2026-10-20T09:00:05.0000000Z', ProcessCommandLine: 'cmd.exe /c "whoami, hostname"\r\nnet user',
  },
  {
    ...SVC, Timestamp: '2026-10-20T09:00:06.0000000Z', DeviceName: 'WS05.corp.local', ActionType: 'ConnectionSuccess', ReportId: '103',
    RemoteIP: '192.0.2.50', RemotePort: '443', RemoteUrl: 'https://c2.example/=cmd', LocalIP: '10.0.0.5', LocalPort: '50123',
  },
];
const COLUMNS = [...new Set(ROWS.flatMap((r) => Object.keys(r)))];

function expectImported(db: Db, label: string): void {
  const report = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] }));
  const row = report.rows.find((r) => r.name === 'a7f3c2e1.exe');
  expect(row, label).toBeDefined();
  expect(row).toMatchObject({
    host: 'ws05', hostName: 'WS05.corp.local', pid: 4100, startTime: '2026-10-20T09:00:00.1234567Z',
    children: ['cmd.exe'], childCommandLines: ['cmd.exe /c "whoami, hostname"\r\nnet user'],
    remoteIps: ['192.0.2.50'], remotePorts: [443], remoteNames: ['https://c2.example/=cmd'],
    hash: `sha256:${'ab'.repeat(32)}`, launchesOnHost: 1,
  });
}

function csvText(columns: string[], rows: Array<Record<string, string>>, rename = (c: string) => c): string {
  return Papa.unparse({ fields: columns.map(rename), data: rows.map((r) => columns.map((c) => r[c] ?? '')) }, { newline: '\r\n' });
}

describe('Defender exports', () => {
  it('portal CSV (RFC 4180: embedded commas, quotes and CRLF newlines)', () => {
    const { db, dir } = setup();
    const f = path.join(dir, 'export.csv');
    fs.writeFileSync(f, csvText(COLUMNS, ROWS));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'defender-csv', records: 3, stored: 3, failed: 0 });
    expectImported(db, 'portal csv');
  });

  it.each([
    ['utf-16le', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ['utf-16be', (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()])],
    ['utf-8 with BOM', (s: string) => Buffer.from('\uFEFF' + s, 'utf8')],
  ])('CSV in %s', (label, encode) => {
    const { db, dir } = setup();
    const f = path.join(dir, 'export.csv');
    fs.writeFileSync(f, encode(csvText(COLUMNS, ROWS)));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', stored: 3 });
    expectImported(db, label);
  });

  it('Sentinel / Log Analytics CSV: `[UTC]` headers, US dates, BOM', () => {
    const { db, dir } = setup();
    const us = (iso: string) => {
      const d = new Date(iso.slice(0, 23) + 'Z');
      const h = d.getUTCHours();
      const hh = h % 12 === 0 ? 12 : h % 12;
      const frac = iso.slice(20, 23);
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${hh}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${frac} ${h < 12 ? 'AM' : 'PM'}`;
    };
    const timeCols = new Set(['Timestamp', 'ProcessCreationTime', 'InitiatingProcessCreationTime', 'InitiatingProcessParentCreationTime']);
    const rows = ROWS.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, timeCols.has(k) ? us(v) : v])));
    const f = path.join(dir, 'sentinel.csv');
    fs.writeFileSync(f, '\uFEFF' + csvText(COLUMNS, rows, (c) => (timeCols.has(c) ? `${c} [UTC]` : c)));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'sentinel-csv', stored: 3 });
    const report = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] }));
    // Sentinel keeps milliseconds only.
    expect(report.rows.find((x) => x.name === 'a7f3c2e1.exe')).toMatchObject({
      startTime: '2026-10-20T09:00:00.1230000Z', children: ['cmd.exe'], remoteIps: ['192.0.2.50'],
    });
  });

  it.each([
    ['Graph runHuntingQuery', (rows: unknown[]) => ({ schema: COLUMNS.map((name) => ({ name, type: 'String' })), results: rows })],
    ['legacy API', (rows: unknown[]) => ({ Schema: COLUMNS.map((Name) => ({ Name, Type: 'String' })), Results: rows })],
  ])('%s JSON', (_label, wrap) => {
    const { db, dir } = setup();
    const f = path.join(dir, 'api.json');
    fs.writeFileSync(f, JSON.stringify(wrap(ROWS), null, 2));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'api-results/defender-row', stored: 3 });
    expectImported(db, 'api');
  });

  it('Streaming API NDJSON', () => {
    const { db, dir } = setup();
    const table = (r: Record<string, string>) => (r['ActionType'] === 'ProcessCreated' ? 'DeviceProcessEvents' : 'DeviceNetworkEvents');
    const f = path.join(dir, 'stream.json');
    fs.writeFileSync(f, ROWS.map((r) => JSON.stringify({ time: r['Timestamp'], category: `AdvancedHunting-${table(r)}`, properties: r })).join('\n'));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'ndjson/defender-streaming', stored: 3 });
    expectImported(db, 'streaming');
  });

  it('keeps report ids beyond 2^53 exact, so rows that differ only there are both stored', () => {
    const { db, dir } = setup();
    const f = path.join(dir, 'big.json');
    const base = JSON.stringify({ category: 'AdvancedHunting-DeviceNetworkEvents', properties: { ...ROWS[2], ReportId: 0 } });
    fs.writeFileSync(f, [base.replace('"ReportId":0', '"ReportId":9007199254740993'), base.replace('"ReportId":0', '"ReportId":9007199254740992')].join('\n'));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ stored: 2, duplicates: 0 });
    const keys = (db.prepare('SELECT key FROM record_key').all() as Array<{ key: string }>).map((k) => k.key).sort();
    expect(keys).toEqual([
      // A new case keys records by host first (schema 8).
      'ws05|2026-10-20T09:00:06.000|defender|9007199254740992|ws05|2026-10-20T09:00:06.000',
      'ws05|2026-10-20T09:00:06.000|defender|9007199254740993|ws05|2026-10-20T09:00:06.000',
    ]);
  });
});

// The same service process as Elastic Defend documents.
const ECS_DOCS = [
  {
    '@timestamp': '2026-10-20T09:00:00.123Z', host: { name: 'WS05', os: { family: 'windows' } },
    event: { category: ['process'], type: ['start'], action: 'start' },
    process: {
      pid: 4100, entity_id: 'c3ZjLTQxMDA=', name: 'a7f3c2e1.exe', executable: 'C:\\Windows\\Temp\\a7f3c2e1.exe',
      command_line: 'C:\\Windows\\Temp\\a7f3c2e1.exe', hash: { sha256: 'ab'.repeat(32) },
      parent: { pid: 680, entity_id: 'c2Vydi02ODA=', name: 'services.exe', executable: 'C:\\Windows\\System32\\services.exe' },
    },
  },
  {
    '@timestamp': '2026-10-20T09:00:05Z', host: { name: 'WS05' }, event: { category: ['process'], type: ['start'] },
    process: { pid: 4200, entity_id: 'Y21kLTQyMDA=', name: 'cmd.exe', command_line: 'cmd.exe /c whoami', parent: { entity_id: 'c3ZjLTQxMDA=', name: 'a7f3c2e1.exe' } },
  },
  {
    '@timestamp': '2026-10-20T09:00:06Z', host: { name: 'WS05' }, event: { category: ['network'], action: 'connection_attempted' },
    process: { pid: 4100, entity_id: 'c3ZjLTQxMDA=' }, destination: { ip: '192.0.2.50', port: 443, domain: 'c2.example' },
  },
];

function expectEcs(db: Db): void {
  const row = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] })).rows.find((r) => r.name === 'a7f3c2e1.exe');
  expect(row).toMatchObject({
    host: 'ws05', pid: 4100, startTime: '2026-10-20T09:00:00.1230000Z', children: ['cmd.exe'],
    childCommandLines: ['cmd.exe /c whoami'], remoteIps: ['192.0.2.50'], remoteNames: ['c2.example'],
  });
}

function flatten(o: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[prefix + k] = v;
  }
  return out;
}

describe('Elastic documents', () => {
  it.each([
    ['NDJSON of _source', 'ndjson/ecs', () => ECS_DOCS.map((d) => JSON.stringify(d)).join('\n') + '\n'],
    ['a JSON array', 'array/ecs', () => JSON.stringify(ECS_DOCS, null, 2)],
    ['a _search response', 'search-response/ecs', () => JSON.stringify({ took: 3, hits: { total: { value: 3 }, hits: ECS_DOCS.map((d, i) => ({ _index: 'logs', _id: `id${i}`, _source: d })) } })],
    ['the fields API (dotted keys, array values)', 'search-response/ecs', () => JSON.stringify({
      hits: { hits: ECS_DOCS.map((d, i) => ({ _index: 'logs', _id: `f${i}`, fields: Object.fromEntries(Object.entries(flatten(d)).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) })) },
    })],
    ['dotted and nested keys mixed, pretty-printed and concatenated', 'concatenated/ecs', () =>
      ECS_DOCS.map((d) => JSON.stringify({ ...flatten({ process: d.process }), host: d.host, event: d.event, '@timestamp': d['@timestamp'], ...('destination' in d ? { destination: d.destination } : {}) }, null, 2)).join('\n')],
  ])('%s', (_label, format, make) => {
    const { db, dir } = setup();
    const f = path.join(dir, 'docs.json');
    fs.writeFileSync(f, make());
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format, records: 3, stored: 3, failed: 0 });
    expectEcs(db);
  });

  it('Kibana CSV export (zone-less times read as UTC, with a warning)', () => {
    const { db, dir } = setup();
    const flat = ECS_DOCS.map((d) => flatten(d));
    const cols = [...new Set(flat.flatMap((d) => Object.keys(d)))];
    const kibanaTime = (iso: string) => {
      const d = new Date(iso);
      const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      return `${mon} ${d.getUTCDate()}, ${d.getUTCFullYear()} @ ${d.toISOString().slice(11, 23)}`;
    };
    const rows = flat.map((d) => cols.map((c) => {
      const v = d[c];
      if (c === '@timestamp') return kibanaTime(String(v));
      return Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v);
    }));
    const f = path.join(dir, 'discover.csv');
    fs.writeFileSync(f, Papa.unparse({ fields: cols, data: rows }));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'kibana-csv', stored: 3 });
    expect(r!.notes.some((n) => n.level === 'warning' && /without a time zone/.test(n.reason))).toBe(true);
    expectEcs(db);
  });
});

describe('bad input', () => {
  it('records a malformed CSV row with its line and goes on', () => {
    const { db, dir } = setup();
    const good = csvText(COLUMNS, ROWS).split('\r\n');
    // Line 3 holds the cmd.exe row (its command line spans lines 3-4); break the network row's quoting.
    const lines = [...good.slice(0, 5), 'WS05,"unbalanced,quote', ...good.slice(5)];
    const f = path.join(dir, 'bad.csv');
    fs.writeFileSync(f, lines.join('\r\n'));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', records: 4, stored: 3, failed: 1 });
    const err = r!.notes.find((n) => n.level === 'error')!;
    expect(err.refs[0]).toMatch(/^line 6\b/);
    const logged = db.prepare("SELECT reason, count, refs FROM import_note WHERE level = 'error'").get() as { refs: string };
    expect(JSON.parse(logged.refs)[0]).toMatch(/^line 6\b/);
    expectImported(db, 'bad csv');
  });

  it('records invalid JSON lines and records without a host, and goes on', () => {
    const { db, dir } = setup();
    const f = path.join(dir, 'bad.ndjson');
    const noHost = { ...ECS_DOCS[2], host: undefined, '@timestamp': '2026-10-20T09:00:07Z' };
    fs.writeFileSync(f, [JSON.stringify(ECS_DOCS[0]), '{"truncated": ', JSON.stringify(ECS_DOCS[1]), JSON.stringify(noHost), JSON.stringify(ECS_DOCS[2])].join('\n'));
    const [r] = importFiles(db, [f]).files;
    expect(r).toMatchObject({ records: 5, stored: 3, failed: 2 });
    expect(r!.notes.filter((n) => n.level === 'error').map((n) => [n.reason, n.refs.map((x) => x.split(':')[0])])).toEqual([
      ['invalid JSON', ['line 2']],
      ['no host.name', ['line 4']],
    ]);
    expectEcs(db);
  });

  it('reports an unreadable or unrecognised file and imports the others', () => {
    const { db, dir } = setup();
    const good = path.join(dir, 'good.ndjson');
    fs.writeFileSync(good, ECS_DOCS.map((d) => JSON.stringify(d)).join('\n'));
    const junk = path.join(dir, 'junk.csv');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]));
    const missing = path.join(dir, 'gone.json');
    const s = importFiles(db, [missing, junk, good]);
    expect(s.files.map((f) => [path.basename(f.path), f.status])).toEqual([
      ['gone.json', 'failed'], ['junk.csv', 'failed'], ['good.ndjson', 'complete'],
    ]);
    expect(s.files[0]!.error).toMatch(/cannot read.*ENOENT/);
    expect(s.files[1]!.error).toMatch(/unsupported format/);
    expectEcs(db);
  });

  it('ignores non-data files found while walking a folder', () => {
    const { db, dir } = setup();
    fs.writeFileSync(path.join(dir, 'README.md'), '# notes\nsome text\n');
    fs.writeFileSync(path.join(dir, 'docs.ndjson'), ECS_DOCS.map((d) => JSON.stringify(d)).join('\n'));
    const s = importFiles(db, [dir]);
    expect(s.files.map((f) => [path.basename(f.path), f.status])).toEqual([['README.md', 'ignored'], ['docs.ndjson', 'complete']]);
  });
});

describe('duplicates (spec section 1, 7.13)', () => {
  it('re-importing a file, a renamed copy, or an overlapping export stores nothing twice', () => {
    const { db, dir } = setup();
    const a = path.join(dir, 'a.csv');
    fs.writeFileSync(a, csvText(COLUMNS, ROWS.slice(0, 2)));
    expect(importFiles(db, [a]).files[0]).toMatchObject({ stored: 2 });
    const again = importFiles(db, [a]).files[0]!;
    expect(again).toMatchObject({ status: 'duplicate', stored: 0 });
    expect(again.error).toMatch(/identical to input #1/);
    // A later export overlapping the first (same ReportId, host and time) adds only the new row.
    const b = path.join(dir, 'b.csv');
    fs.writeFileSync(b, csvText(COLUMNS, ROWS.slice(1)));
    expect(importFiles(db, [b]).files[0]).toMatchObject({ status: 'complete', records: 2, stored: 1, duplicates: 1 });
    // The same Defender row arriving as JSON is the same record.
    const c = path.join(dir, 'c.ndjson');
    fs.writeFileSync(c, JSON.stringify({ category: 'AdvancedHunting-DeviceNetworkEvents', properties: ROWS[2] }));
    expect(importFiles(db, [c]).files[0]).toMatchObject({ stored: 0, duplicates: 1 });
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect([count('process_event WHERE implied = 0'), count('network_event')]).toEqual([2, 1]);
    expectImported(db, 'dedupe');
  });

  it('JSON without _id: identical objects (whatever their key order) are stored once; with _id, the _id decides', () => {
    const { db, dir } = setup();
    const reordered = Object.fromEntries(Object.entries(ECS_DOCS[2]!).reverse());
    const f = path.join(dir, 'd.ndjson');
    fs.writeFileSync(f, [ECS_DOCS[2], ECS_DOCS[2], reordered].map((d) => JSON.stringify(d)).join('\n'));
    expect(importFiles(db, [f]).files[0]).toMatchObject({ records: 3, stored: 1, duplicates: 2 });
    const g = path.join(dir, 'g.json');
    const hit = (id: string, port: number) => ({ _id: id, _source: { ...ECS_DOCS[2], destination: { ip: '192.0.2.50', port } } });
    fs.writeFileSync(g, JSON.stringify({ hits: { hits: [hit('x1', 1), hit('x1', 2), hit('x2', 1)] } }));
    expect(importFiles(db, [g]).files[0]).toMatchObject({ records: 3, stored: 2, duplicates: 1 });
  });
});
