// Decision 71: repeats of an implied process (Defender's InitiatingProcess* columns, on
// every event a process caused) are left out by the parser; the writer stored only the
// first anyway. The case must come out exactly as when every repeat is handed over,
// including when the first row naming a process is a duplicate record the writer drops.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { corpus } from '../helpers/corpus.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { FileImporter, parseInput, prepare } from '../../src-core/ingest/file-importer.js';
import { parseFile, sourceOpener } from '../../src-core/ingest/parse-file.js';
import { isImpliedWire } from '../../src-core/store/wire.js';
import type { Db } from '../../src-core/store/case-db.js';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));
const dir = tempDir();
cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));

const SAMPLE = path.join(import.meta.dirname, '..', '..', 'samples', 'defender', 'fleet-union.csv');
const DEFENDER_JSON = corpus('json', 'defender', 'streaming-api-excerpt.ndjson');
const defenderCorpus = () => fs.readdirSync(corpus('csv', 'defender')).filter((f) => f.endsWith('.csv')).map((f) => corpus('csv', 'defender', f));

function openCase(): Db {
  const c = tempCase();
  cleanups.push(c.close);
  return c.db;
}

/** Every stored row that a difference in implied processes could change. */
function snapshot(db: Db): Record<string, unknown[]> {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    files: q('SELECT path, status, records, stored, duplicates, skipped, failed, hosts FROM input_file ORDER BY id'),
    processes: q(`SELECT e.ref, e.source, e.time, e.pid, e.path, e.name, e.command_line, e.user, e.sha256, e.signature, e.signer,
      e.parent_pid, e.parent_name, e.implied, p.key AS proc, pp.key AS parent_proc FROM process_event e
      LEFT JOIN proc p ON p.id = e.proc_id LEFT JOIN proc pp ON pp.id = e.parent_proc_id ORDER BY e.ref, e.source, e.implied, e.time`),
    procs: q('SELECT h.key AS host, p.key FROM proc p JOIN host h ON h.id = p.host_id ORDER BY h.key, p.key'),
    network: q('SELECT e.ref, e.remote_ip, p.key FROM network_event e LEFT JOIN proc p ON p.id = e.proc_id ORDER BY e.ref'),
    instances: q('SELECT e.ref, e.source, i.is_service, i.parent_name_lc FROM instance i JOIN process_event e ON e.id = i.event_id ORDER BY e.ref, e.source'),
  };
}

/** The sample's rows, to craft files from. */
const sample = Papa.parse<Record<string, string>>(fs.readFileSync(SAMPLE, 'utf8'), { header: true, skipEmptyLines: true });
const write = (name: string, rows: Array<Record<string, string>>) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Papa.unparse(rows, { columns: sample.meta.fields }) + '\n');
  return file;
};

describe('implied processes handed over once per file', () => {
  it('leaves the repeats out of what the parser hands over: one implied item per process and host', () => {
    const count = (everyImplied: boolean) => {
      const keys: string[] = [];
      parseFile(parseInput(prepare({ path: SAMPLE, explicit: true }), everyImplied), sourceOpener(null), (b) => {
        for (const o of b.outcomes) if (o[0] === 'r') for (const w of o[2].items) if (isImpliedWire(w)) keys.push(`${w[1]}|${w[5]}`);
      });
      return keys;
    };
    const all = count(true);
    const once = count(false);
    expect(new Set(all).size).toBeLessThan(all.length); // the sample does repeat them
    expect(once).toEqual([...new Set(all)]);
  });

  for (const mode of ['this thread', 'parse workers'] as const) {
    const opts = { workerMinBytes: mode === 'parse workers' ? 0 : 1 << 30, workers: 2 };
    // Defender CSV, and Defender JSON (Streaming API rows, one initiating process repeated),
    // whose mapper reads the same memory.
    for (const [what, files, least] of [['CSV sample and corpus', () => [SAMPLE, ...defenderCorpus()], 10], ['JSON corpus', () => [DEFENDER_JSON], 3]] as const) {
      it(`stores exactly what every repeat stored, over the Defender ${what} (${mode})`, () => {
        const a = openCase();
        const b = openCase();
        importFiles(a, files(), opts);
        importFiles(b, files(), { ...opts, everyImplied: true });
        expect(snapshot(a)).toEqual(snapshot(b));
        expect(snapshot(a)['processes']!.filter((r) => (r as { implied: number }).implied === 1).length).toBeGreaterThan(least);
      });
    }

    it(`reads a file again when its first row naming a process is a duplicate with other columns (${mode})`, () => {
      const rows = sample.data.filter((r) => r['InitiatingProcessId'] && r['InitiatingProcessCreationTime'] && r['ReportId']);
      const [x, y] = [rows[0]!, rows.find((r) => r['DeviceName'] === rows[0]!['DeviceName'] && r['ReportId'] !== rows[0]!['ReportId'])!];
      const other = { InitiatingProcessId: '4242', InitiatingProcessCreationTime: '2026-10-20T08:00:00.1234567Z', InitiatingProcessFileName: 'odd.exe' };
      const first = write(`first-${mode}.csv`, [x]);
      // Row 2 is x again (same ReportId, host and time: a duplicate) naming another
      // initiating process; row 3, a new record, names that process too.
      const second = write(`second-${mode}.csv`, [{ ...x, ...other }, { ...y, ...other }]);
      const extra = write(`extra-${mode}.csv`, [sample.data[5]!]);
      for (const group of [[second], [second, extra]]) {
        const a = openCase();
        const b = openCase();
        importFiles(a, [first], opts);
        importFiles(b, [first], { ...opts, everyImplied: true });
        const before = FileImporter.retries;
        const s = importFiles(a, group, opts);
        expect(FileImporter.retries - before).toBe(1);
        importFiles(b, group, { ...opts, everyImplied: true });
        expect(s.files[0]).toMatchObject({ status: 'complete', records: 2, stored: 1, duplicates: 1 });
        expect(snapshot(a)).toEqual(snapshot(b));
        const implied = a.prepare("SELECT ref, name FROM process_event WHERE implied = 1 AND pid = 4242").all();
        expect(implied).toEqual([{ ref: 'line 3', name: 'odd.exe' }]);
      }
    });
  }

  it('does not read a file again when its duplicates name processes the case holds', () => {
    const db = openCase();
    importFiles(db, [SAMPLE], { workerMinBytes: 0, workers: 2 });
    const copy = path.join(dir, 'copy.csv');
    fs.writeFileSync(copy, fs.readFileSync(SAMPLE, 'utf8') + '\n'); // other bytes, the same records
    const before = FileImporter.retries;
    const s = importFiles(db, [copy], { workerMinBytes: 0, workers: 2 });
    expect(FileImporter.retries - before).toBe(0);
    expect(s.files[0]!.stored).toBe(0);
    expect(s.files[0]!.duplicates).toBeGreaterThan(100);
  });
});
