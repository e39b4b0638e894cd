// Child process of run-bench.ts: the least work any importer must do per event of a
// file, measured stage by stage on one thread over its first 64 MB (fileHead; real rows of
// the generated fleet): decode the UTF-8, split it into records and fields (papaparse
// for CSV, JSON.parse per line for NDJSON), and store one row per event with its
// dedupe key (a bare INSERT into the case's process_event table, indexes and all, and
// one into record_key, in one transaction). No mapping, no process identities, no
// messages between threads. Prints one JSON line of µs per event per stage.
//   node measure-floor.js csv|ndjson FILE
import { hash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { openCase } from '../../src-core/store/case-db.js';
import { fileHead } from './file-head.js';

const [kind, file] = process.argv.slice(2);
if ((kind !== 'csv' && kind !== 'ndjson') || !file) throw new Error('usage: measure-floor.ts csv|ndjson FILE');

const bytes = fileHead(file);

/** Best of three: the floor is the least the work can cost here, not an average. */
function best<T>(work: () => T): { value: T; ms: number } {
  let value!: T;
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    value = work();
    ms = Math.min(ms, performance.now() - t);
  }
  return { value, ms };
}

const decode = best(() => new TextDecoder().decode(bytes));
const text = decode.value;

/** Six values every stored event has, taken from the record as the mappers would. */
type Row = [string, string, number | null, string | null, string | null, string | null];
const tokenize = best((): Row[] => {
  if (kind === 'csv') {
    const data = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    const h = data[0]!;
    const at = (name: string) => h.indexOf(name);
    const [ts, dev, pid, folder, file, cmd] = ['Timestamp', 'DeviceName', 'ProcessId', 'FolderPath', 'FileName', 'ProcessCommandLine'].map(at);
    return data.slice(1).map((r) => [r[ts!]!, r[dev!]!, Number(r[pid!]) || null, r[folder!] || null, r[file!] || null, r[cmd!] || null]);
  }
  const rows: Row[] = [];
  for (let i = 0, j = text.indexOf('\n'); j >= 0; i = j + 1, j = text.indexOf('\n', i)) {
    const d = JSON.parse(text.slice(i, j)) as {
      '@timestamp': string; host?: { name?: string };
      process?: { pid?: number; executable?: string; name?: string; command_line?: string };
    };
    const p = d.process ?? {};
    rows.push([d['@timestamp'], d.host?.name ?? '', p.pid ?? null, p.executable ?? null, p.name ?? null, p.command_line ?? null]);
  }
  return rows;
});
const rows = tokenize.value;

// Not part of the floor, printed beside it: the SHA-256 that spec 7.13's content key asks
// of every JSON document without an `_id` (the fleet's lines have none), over each line's
// own text. Defender rows need none (their key, ReportId with host and time, is short).
const keyHash = kind === 'ndjson'
  ? best(() => {
    let n = 0;
    for (let i = 0, j = text.indexOf('\n'); j >= 0; i = j + 1, j = text.indexOf('\n', i)) n += hash('sha256', text.slice(i, j), 'base64url').length;
    return n;
  })
  : null;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-floor-'));
let storeMs = Infinity;
try {
  for (let run = 0; run < 3; run++) {
    const { db } = openCase(path.join(dir, `floor-${run}.longtail`));
    const insert = db.prepare(
      `INSERT INTO process_event (file_id, ref, source, host_id, host_name, time, pid, path, name, command_line, signature)
       VALUES (1, ?, 'floor', ?, ?, ?, ?, ?, ?, ?, 'unknown')`,
    );
    const key = db.prepare('INSERT OR IGNORE INTO record_key (key, file_id) VALUES (?, 1)');
    const t = performance.now();
    db.transaction(() => {
      rows.forEach((r, i) => {
        const ref = `line ${i + 2}`;
        insert.run(ref, (i % 1000) + 1, r[1], r[0], r[2], r[3], r[4], r[5]);
        key.run(`${r[0]}|${ref}`);
      });
    })();
    storeMs = Math.min(storeMs, performance.now() - t);
    db.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const per = (ms: number) => (ms * 1000) / rows.length;
process.stdout.write(JSON.stringify({
  events: rows.length, bytes: bytes.length,
  decodeUs: per(decode.ms), tokenizeUs: per(tokenize.ms), storeUs: per(storeMs),
  keyHashUs: keyHash ? per(keyHash.ms) : 0,
}) + '\n');
