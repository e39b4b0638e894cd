// Throughput and memory of the streaming readers (not a test). Run with
//   node bin/run-ts.mjs test/ingest/bench-readers.ts [MB]
// It writes MB megabytes (default 200) of NDJSON, a JSON array and CSV to the temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv } from '../../src-core/ingest/csv/csv-reader.js';
import { parseJson } from '../../src-core/ingest/json/big-json.js';
import { canonicalJson } from '../../src-core/ingest/json/canonical.js';
import { readJsonRecords } from '../../src-core/ingest/json/json-records.js';
import { openFileSource } from '../../src-core/ingest/text/byte-source.js';
import { readLines } from '../../src-core/ingest/text/line-reader.js';

const targetBytes = Number(process.argv[2] ?? 200) * 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-bench-'));

function event(i: number): Record<string, unknown> {
  const pid = 1000 + (i % 50000);
  return {
    '@timestamp': new Date(1_700_000_000_000 + i * 1000).toISOString(),
    host: { name: `WKS-${i % 300}` },
    event: { code: '1', provider: 'Microsoft-Windows-Sysmon', record_id: i },
    process: {
      pid,
      executable: `C:\\Windows\\System32\\svc${i % 97}.exe`,
      command_line: `"C:\\Windows\\System32\\svc${i % 97}.exe" -k netsvcs -p -s Svc${i % 13}`,
      parent: { pid: 600 + (i % 7), executable: 'C:\\Windows\\System32\\services.exe' },
      hash: { sha256: (i * 2654435761).toString(16).padStart(16, '0').repeat(4) },
    },
    user: { name: 'SYSTEM', domain: 'NT AUTHORITY' },
  };
}

function csvRow(i: number): string {
  const e = event(i) as { process: { command_line: string; executable: string; pid: number } };
  const extra = JSON.stringify({ ServiceName: `Svc${i % 13}`, StartType: 'auto', Account: 'LocalSystem' });
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return [
    new Date(1_700_000_000_000 + i * 1000).toISOString(), `dev${i % 300}`, `wks-${i % 300}.corp.example`, 'ProcessCreated',
    `svc${i % 97}.exe`, q(e.process.executable), (i * 2654435761).toString(16).padStart(40, '0'), e.process.pid,
    q(e.process.command_line), 'System', q(extra), 'services.exe', q('C:\\Windows\\System32\\services.exe'), i,
    (i * 40503).toString(16).padStart(64, 'a'), `https://update-${i % 50}.example.com/path/to/resource?id=${i}`,
  ].join(',');
}

function writeFile(name: string, header: string, make: (i: number) => string, sep: string, footer: string): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, header);
  let written = header.length;
  let batch: string[] = [];
  for (let i = 0; written < targetBytes; i++) {
    const s = (i === 0 ? '' : sep) + make(i);
    written += s.length;
    batch.push(s);
    if (batch.length === 1000) {
      fs.writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  fs.writeSync(fd, batch.join('') + footer);
  fs.closeSync(fd);
  return file;
}

function measure(label: string, file: string, read: (file: string, sample: () => void) => number): void {
  global.gc?.();
  const size = fs.statSync(file).size;
  let peak = process.memoryUsage().rss;
  let calls = 0;
  const sample = () => {
    if (++calls % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  };
  const t0 = process.hrtime.bigint();
  const n = read(file, sample);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${label.padEnd(28)} ${n.toLocaleString('en-US').padStart(11)} records  ${(n / s / 1000).toFixed(0).padStart(5)}k rec/s  ` +
      `${(size / 1048576 / s).toFixed(0).padStart(4)} MB/s  avg ${(size / n).toFixed(0)} B/rec  peak RSS ${(peak / 1048576).toFixed(0)} MB`,
  );
}

function countJson(file: string, sample: () => void): number {
  const src = openFileSource(file);
  let n = 0;
  for (const r of readJsonRecords(src)) {
    if (r.error !== undefined) throw new Error(`bad record ${r.index}: ${r.error}`);
    n++;
    sample();
  }
  src.close();
  return n;
}

const ndjson = writeFile('events.ndjson', '', (i) => JSON.stringify(event(i)), '\n', '\n');
const array = writeFile('events-array.json', '[\n', (i) => '  ' + JSON.stringify(event(i)), ',\n', '\n]\n');
const csvHeader = 'Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,SHA1,ProcessId,ProcessCommandLine,AccountName,AdditionalFields,InitiatingProcessFileName,InitiatingProcessFolderPath,ReportId,SHA256,RemoteUrl\n';
const csv = writeFile('events.csv', csvHeader, csvRow, '\n', '\n');
console.log(`files in ${dir}; rss before reading ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);

measure('readLines (ndjson file)', ndjson, (file, sample) => {
  const src = openFileSource(file);
  let n = 0;
  for (const line of readLines(src)) {
    n += line.text.length > 0 ? 1 : 0;
    sample();
  }
  src.close();
  return n;
});
// Baseline: the least any JSON lines reader does (split lines, JSON.parse each).
measure('baseline lines+JSON.parse', ndjson, (file, sample) => {
  const src = openFileSource(file);
  let n = 0;
  for (const line of readLines(src)) {
    if (JSON.parse(line.text) !== undefined) n++;
    sample();
  }
  src.close();
  return n;
});
measure('readJsonRecords ndjson', ndjson, countJson);
measure('readJsonRecords array', array, countJson);
measure('readCsv', csv, (file, sample) => {
  const src = openFileSource(file);
  let n = 0;
  for (const row of readCsv(src)) {
    if (row.error !== undefined) throw new Error(`bad row ${row.record}: ${row.error}`);
    n++;
    sample();
  }
  src.close();
  return n;
});

// canonicalJson against JSON.parse on the same records.
const sampleLines: string[] = [];
for (const line of readLines(openFileSource(ndjson))) {
  sampleLines.push(line.text);
  if (sampleLines.length === 100_000) break;
}
const values = sampleLines.map((l) => parseJson(l));
const best = (fn: () => void): number => {
  let min = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
};
let sink = 0;
const tParse = best(() => {
  for (const l of sampleLines) sink += (JSON.parse(l) as object) ? 1 : 0;
});
const tParseJson = best(() => {
  for (const l of sampleLines) sink += (parseJson(l) as object) ? 1 : 0;
});
const tCanon = best(() => {
  for (const v of values) sink += canonicalJson(v).charCodeAt(1);
});
console.log(
  `100k records: JSON.parse ${tParse.toFixed(0)} ms, parseJson ${tParseJson.toFixed(0)} ms, ` +
    `canonicalJson ${tCanon.toFixed(0)} ms (${(tCanon / tParse).toFixed(2)}x JSON.parse) [${sink > 0 ? 'ok' : ''}]`,
);
console.log(`process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
fs.rmSync(dir, { recursive: true, force: true });
