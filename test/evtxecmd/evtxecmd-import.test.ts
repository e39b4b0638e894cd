// EvtxECmd CSV and JSON (issue 10 item 4) through the importer, generated at test time from
// the shared corpus EVTX logs by render-evtxecmd.ts: the CSV, the JSON and the EVTX import
// of a log store the same events and give the same hunt rows, and a log imported both ways
// is stored once (spec section 1: same host, channel and EventRecordID).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { corpus } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { caseEvents as events } from '../helpers/case-events.js';
import { importFiles, type ImportSummary } from '../../src-core/ingest/import-files.js';
import { ParsePool } from '../../src-core/ingest/parse-channel.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import type { Db } from '../../src-core/store/case-db.js';
import type { ReportRow } from '../../src-core/model/hunt.js';
import { evtxecmdCsv, evtxecmdJson, evtxecmdRecords, type EvtxECmdRecord } from './render-evtxecmd.js';

const ATTACK = fs.readdirSync(corpus('evtx', 'attack')).filter((f) => f.endsWith('.evtx')).sort();
const SAMPLES = ['sysmon.evtx', 'system.evtx', '2-vss_7-System.evtx'];
const LOGS = [...ATTACK.map((f) => corpus('evtx', 'attack', f)), ...SAMPLES.map((f) => corpus('evtx', 'parser-samples', f))];

const dir = tempDir('longtail-evtxecmd-');
const cleanups: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

/** EvtxECmd output of each corpus log: `<dir>/csv/<log>.csv` and `<dir>/json/<log>.json`. */
const rendered = new Map<string, { evtx: string; csv: string; json: string; records: EvtxECmdRecord[] }>();
beforeAll(() => {
  fs.mkdirSync(path.join(dir, 'csv'));
  fs.mkdirSync(path.join(dir, 'json'));
  for (const evtx of LOGS) {
    const name = path.basename(evtx);
    const records = evtxecmdRecords(evtx);
    const csv = path.join(dir, 'csv', `${name}.csv`);
    const json = path.join(dir, 'json', `${name}.json`);
    fs.writeFileSync(csv, evtxecmdCsv(records));
    fs.writeFileSync(json, evtxecmdJson(records));
    rendered.set(name, { evtx, csv, json, records });
  }
});

function newCase(): Db {
  const c = tempCase();
  cleanups.push(c.close);
  return c.db;
}

/** Hunt rows without the case's own ids, sources named by the log they came from. */
function hunt(db: Db, allowlist?: []): Array<Omit<ReportRow, 'instanceId'>> {
  const report = runHunt(db, huntParams('any', { window: { kind: 'all' }, ...(allowlist ? { allowlist } : {}) }));
  return report.rows.map(({ instanceId: _id, ...row }) => ({
    ...row,
    sources: row.sources.map((s) => path.basename(s).replace(/\.(csv|json)$/, '')),
  }));
}

function importOne(db: Db, file: string) {
  const s = importFiles(db, [file]);
  expect(s.files).toHaveLength(1);
  return s.files[0]!;
}

describe('EvtxECmd output of the corpus logs', () => {
  it('is detected by its content: evtxecmd-csv and ndjson/evtxecmd, whatever the file is called', () => {
    const { csv, json } = rendered.get(ATTACK[0]!)!;
    const renamedCsv = path.join(dir, 'export.dat');
    const renamedJson = path.join(dir, 'export.txt');
    fs.copyFileSync(csv, renamedCsv);
    fs.copyFileSync(json, renamedJson);
    const db = newCase();
    const s = importFiles(db, [renamedCsv, renamedJson]).files;
    expect(s.map((f) => [f.format, f.status])).toEqual([['evtxecmd-csv', 'complete'], ['ndjson/evtxecmd', 'complete']]);
  });

  it('is written as EvtxECmd writes it (BOM, header, CRLF, quoting, Payload JSON)', () => {
    const text = fs.readFileSync(rendered.get('ID7045-7036 PSexec service installation.evtx')!.csv, 'utf8');
    expect(text.startsWith('\uFEFFRecordNumber,EventRecordId,TimeCreated,EventId,Level,Provider,Channel,ProcessId,ThreadId,Computer,ChunkNumber,UserId,')).toBe(true);
    const rows = text.split('\r\n');
    const install = rows.find((r) => r.includes(',7045,'))!;
    expect(install).toMatch(/^\d+,\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7},7045,Info,Service Control Manager,System,/);
    expect(install).toContain(',False,');
    expect(install).toContain('"{""EventData"":{""Data"":[{""@Name"":""ServiceName"",""#text"":""PSEXESVC""}');
    const json = fs.readFileSync(rendered.get('ID7045-7036 PSexec service installation.evtx')!.json, 'utf8');
    const line = JSON.parse(json.slice(1).split('\r\n').find((l) => l.includes('"EventId":7045'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ Channel: 'System', EventId: 7045, HiddenRecord: false, ExtraDataOffset: 0 });
    expect(line['TimeCreated']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    expect(typeof line['Payload']).toBe('string');
  });

  it.each(LOGS.map((l) => path.basename(l)))('%s: the CSV and JSON imports store the events of the EVTX import', (name) => {
    const { evtx, csv, json } = rendered.get(name)!;
    const a = newCase();
    const b = newCase();
    const c = newCase();
    const fromEvtx = importOne(a, evtx);
    const fromCsv = importOne(b, csv);
    const fromJson = importOne(c, json);
    expect(fromCsv).toMatchObject({ status: 'complete', format: 'evtxecmd-csv', failed: 0 });
    expect(fromJson).toMatchObject({ status: 'complete', format: 'ndjson/evtxecmd', failed: 0 });
    // Every record EvtxECmd writes has EventData or UserData; the hunt's events always do.
    expect(fromCsv.stored).toBe(fromEvtx.stored);
    expect(fromJson.stored).toBe(fromEvtx.stored);
    expect(fromCsv.stored).toBeGreaterThan(0);
    expect(fromCsv.hosts).toEqual(fromEvtx.hosts);
    // Records the hunt does not use are skipped with the EVTX import's wording; EvtxECmd
    // leaves out the few with neither EventData nor UserData, so there may be fewer.
    expect(fromCsv.records).toBe(rendered.get(name)!.records.length);
    expect(fromCsv.skipped).toBe(fromCsv.records - fromCsv.stored);
    const skips = (f: typeof fromEvtx) => new Map(f.notes.filter((n) => n.level === 'skipped').map((n) => [n.reason, n.count]));
    const evtxSkips = skips(fromEvtx);
    for (const [reason, count] of skips(fromCsv)) {
      expect.soft(evtxSkips.get(reason), reason).toBeGreaterThanOrEqual(count);
    }
    expect(skips(fromJson)).toEqual(skips(fromCsv));
    expect(events(b)).toEqual(events(a));
    expect(events(c)).toEqual(events(a));
  });
});

describe('the hunt over the corpus logs as EvtxECmd output', () => {
  let evtx: Db;
  let csv: Db;
  let json: Db;
  beforeAll(() => {
    evtx = newCase();
    csv = newCase();
    json = newCase();
    importFiles(evtx, LOGS);
    importFiles(csv, [path.join(dir, 'csv')]);
    importFiles(json, [path.join(dir, 'json')]);
  });

  it('gives the rows of the EVTX import, with and without the default allowlist', () => {
    const rows = hunt(evtx, []);
    expect(rows.length).toBeGreaterThan(60);
    expect(hunt(csv, [])).toEqual(rows);
    expect(hunt(json, [])).toEqual(rows);
    expect(hunt(csv)).toEqual(hunt(evtx));
    expect(hunt(json)).toEqual(hunt(evtx));
  });

  it('finds the corpus service processes from the CSV alone', () => {
    const rows = hunt(csv);
    const names = (n: string) => rows.filter((r) => r.name?.toLowerCase() === n);
    expect(names('psexesvc.exe')[0]).toMatchObject({ host: 'srvdefender01', children: ['cmd.exe'], serviceInstall: { serviceName: 'PSEXESVC', serviceType: '0x00000010' } });
    expect(names('jjs.exe')[0]!.dllDetails.find((d) => d.path.toLowerCase().endsWith('\\jli.dll'))).toMatchObject({ signed: false });
    expect(names('program.exe').map((r) => r.path)).toEqual(['C:\\program.exe']);
    // Metasploit's psexec: 4688 v1 with only a creator pid, linked to the 7045 whose ImagePath
    // EvtxECmd wrote as `echo genusn &gt; \\.\pipe\genusn`.
    const cmd = names('cmd.exe').filter((r) => r.host === 'ie10win7');
    expect(cmd.map((r) => r.serviceInstall?.imagePath)).toContain('cmd.exe /c echo genusn > \\\\.\\pipe\\genusn');
  });
});

describe('a log imported from EVTX and from EvtxECmd output', () => {
  const logs = () => [...rendered.values()];
  const totals = (s: ImportSummary) => ({
    stored: s.files.reduce((n, f) => n + f.stored, 0),
    duplicates: s.files.reduce((n, f) => n + f.duplicates, 0),
  });

  it('EVTX then CSV then JSON: the second and third store nothing, every used record a duplicate', () => {
    const db = newCase();
    const first = totals(importFiles(db, logs().map((l) => l.evtx)));
    const before = events(db);
    const rows = hunt(db, []);
    const second = importFiles(db, logs().map((l) => l.csv));
    for (const f of second.files) expect.soft(f, f.path).toMatchObject({ status: 'complete', stored: 0, failed: 0 });
    expect(totals(second)).toEqual({ stored: 0, duplicates: first.stored });
    const third = importFiles(db, logs().map((l) => l.json));
    expect(totals(third)).toEqual({ stored: 0, duplicates: first.stored });
    expect(events(db)).toEqual(before);
    // The rows name every file a record was seen in only through the first one stored.
    expect(hunt(db, [])).toEqual(rows);
  });

  it('CSV then EVTX: the EVTX import stores nothing and the rows are those of the EVTX alone', () => {
    const db = newCase();
    const first = totals(importFiles(db, logs().map((l) => l.csv)));
    const second = importFiles(db, logs().map((l) => l.evtx));
    expect(totals(second)).toEqual({ stored: 0, duplicates: first.stored });
    const alone = newCase();
    importFiles(alone, logs().map((l) => l.evtx));
    expect(events(db)).toEqual(events(alone));
    const strip = (rows: ReturnType<typeof hunt>) => rows.map(({ sources: _s, ...r }) => r);
    expect(strip(hunt(db, []))).toEqual(strip(hunt(alone, [])));
  });

  it('a CSV with fewer records than the log (EvtxECmd --inc) adds nothing, an overlapping one only its new records', () => {
    const { evtx, records } = rendered.get('privesc_unquoted_svc_sysmon_1_11.evtx')!;
    const half = path.join(dir, 'half.csv');
    fs.writeFileSync(half, evtxecmdCsv(records.slice(0, 40)));
    const db = newCase();
    const a = importOne(db, half);
    expect(a.stored).toBe(40);
    const b = importOne(db, evtx);
    expect([b.stored, b.duplicates]).toEqual([records.length - 40, 40]);
  });
});

describe('parse workers', () => {
  it('parse EvtxECmd CSV and JSON with the same result as the importing thread', () => {
    const inputs = [path.join(dir, 'csv'), path.join(dir, 'json')];
    const inline = newCase();
    const workers = newCase();
    const a = importFiles(inline, inputs, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    const before = ParsePool.started;
    const b = importFiles(workers, inputs, { workerMinBytes: 0, workers: 2 });
    expect(ParsePool.started - before).toBe(2);
    expect(b.files.map((f) => [f.format, f.stored, f.duplicates, f.skipped, f.failed])).toEqual(a.files.map((f) => [f.format, f.stored, f.duplicates, f.skipped, f.failed]));
    expect(events(workers)).toEqual(events(inline));
  });
});
