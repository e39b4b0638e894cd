// Decision 73: a Defender CSV row reaches mapDefender as an object of the used columns
// only. It must map exactly as the object of every non-empty cell did, over real rows
// and over the header shapes exports come in (Sentinel zones, no ReportId, repeated
// columns, hostile column names), and the used-column list must be what the mapper reads.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-core/ingest/json/canonical.js';
import { defenderColumn, mapDefender, type DefenderRow } from '../../src-core/ingest/mappers/defender.js';
import { DEFENDER_USED_COLUMNS } from '../../src-core/ingest/mappers/defender-cells.js';
import { openRecordStream, isBad, type SourceRecord } from '../../src-core/ingest/record-stream.js';
import { bufferSource } from '../../src-core/ingest/text/byte-source.js';
import { detectHead } from '../../src-core/ingest/detect.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INPUTS = [
  path.join(root, '../shared/corpus/csv/defender/advanced_hunting_test.csv'),
  path.join(root, 'samples/defender/fleet-union.csv'),
];

type Table = string[][];
const read = (file: string): Table => (Papa.parse(fs.readFileSync(file, 'utf8'), { skipEmptyLines: true }).data as Table);
const col = (t: Table, name: string) => t[0]!.indexOf(name);

/** The header shapes exports come in, built from a real file. */
function variants(t: Table): Record<string, Table> {
  const drop = (name: string) => t.map((r) => r.filter((_, i) => i !== col(t, name)));
  const ts = col(t, 'Timestamp');
  const folder = col(t, 'FolderPath');
  return {
    original: t,
    // Sentinel: zones in the header, TimeGenerated and Type columns.
    sentinel: t.map((r, i) => [...r.map((c, j) => (i === 0 && j === ts ? 'Timestamp [UTC]' : c)), i === 0 ? 'TimeGenerated [UTC]' : r[ts]!, i === 0 ? 'Type' : 'DeviceProcessEvents']),
    // No Timestamp at all: TimeGenerated is the time.
    timeGenerated: t.map((r, i) => r.map((c, j) => (i === 0 && j === ts ? 'TimeGenerated' : c))),
    // No ReportId: the key is the content of every cell.
    noReportId: drop('ReportId'),
    // FolderPath twice: the last non-empty cell wins, whichever copy is empty.
    repeated: t.map((r, i) => [...r.map((c, j) => (j === folder && i % 3 === 1 ? '' : c)), i === 0 ? 'FolderPath' : i % 3 === 2 ? '' : `D:\\copy${i}`]),
    // Column names that are object properties elsewhere, and a blank one.
    hostile: t.map((r, i) => [...r, ...(i === 0 ? ['__proto__', 'constructor', '', 'toString'] : ['{"x":1}', 'c', 'blank header', 'ts'])]),
  };
}

/** What the CSV stream gave before decision 73: an object of every non-empty cell. */
function everyCell(header: string[], fields: string[]): Record<string, unknown> {
  const columns = header.map(defenderColumn);
  const obj: Record<string, unknown> = {};
  fields.forEach((v, i) => {
    const c = columns[i];
    if (v !== '' && c !== undefined && c !== '') obj[c] = v;
  });
  return obj;
}

function streamed(t: Table): SourceRecord[] {
  const buf = Buffer.from(Papa.unparse(t, { newline: '\r\n' }));
  const stream = openRecordStream({ open: () => bufferSource(buf), hostHint: null }, detectHead(buf));
  const out: SourceRecord[] = [];
  for (const r of stream.records) {
    if (isBad(r)) throw new Error(`${r.ref}: ${r.reason} ${r.detail ?? ''}`);
    out.push(r);
  }
  return out;
}

describe('Defender CSV rows as used cells (decision 73)', () => {
  for (const file of INPUTS) {
    for (const [name, t] of Object.entries(variants(read(file)))) {
      it(`maps every row as the object of every cell did: ${path.basename(file)}, ${name}`, () => {
        const records = streamed(t);
        expect(records).toHaveLength(t.length - 1);
        let keyed = 0;
        records.forEach((rec, i) => {
          const obj = everyCell(t[0]!, t[i + 1]!);
          const fallbackKey = 'ReportId' in obj ? null : `csv#${canonicalJson(obj)}`;
          const got = rec.map();
          expect(got).toEqual(mapDefender(obj, null, { ref: rec.ref, fallbackKey }));
          if ('items' in got && got.items.some((it) => 'dedupeKey' in it && it.dedupeKey?.startsWith('csv#'))) keyed++;
        });
        // The content-key path is really taken where there is no ReportId, and only there.
        expect(keyed > 0).toBe(name === 'noReportId');
      });
    }
  }

  it('lists exactly the columns the mapper reads, over every kind of row', () => {
    const read_ = new Set<string>();
    for (const file of INPUTS) {
      for (const t of Object.values(variants(read(file)))) {
        for (const fields of t.slice(1)) {
          const row = new Proxy(everyCell(t[0]!, fields), {
            get(target, key) {
              if (typeof key === 'string') read_.add(key);
              return target[key as string];
            },
          });
          mapDefender(row as DefenderRow, null, { ref: 'x', fallbackKey: null });
        }
      }
    }
    expect([...read_].sort()).toEqual([...DEFENDER_USED_COLUMNS].sort());
  });
});
