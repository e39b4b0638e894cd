// Child process of run-bench.ts: the importing thread's own work per event, measured
// alone over the first 64 MB of a fleet file (fileHead; real rows). The file is parsed and
// mapped on this thread first, untimed, into the batches a parse worker would post;
// then, best of three each, on one thread with nothing beside it: taking the batches
// in (v8 deserialization and unpacking, what receiving a worker's message costs) and storing their
// records with the EventWriter in one transaction (process identities, dedupe keys,
// implied processes, every insert). No parsing, no waiting, no resolution. The one
// writer can store at most 1e6 / (receive + store) events per second (decision 75).
//   node measure-writer.js FILE
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { openCase } from '../../src-core/store/case-db.js';
import { EventWriter } from '../../src-core/store/event-writer.js';
import { parseInput, prepare } from '../../src-core/ingest/file-importer.js';
import { parseFile, sourceOpener, type Batch } from '../../src-core/ingest/parse-file.js';
import { packBatch, unpackBatch, type PackedBatch } from '../../src-core/ingest/batch-wire.js';
import { fileHead } from './file-head.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: measure-writer.ts FILE');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-writer-'));
try {
  // The parser reads a file: the same first 64 MB as the floor, written apart.
  const head = path.join(dir, path.basename(file));
  fs.writeFileSync(head, fileHead(file));

  const p = prepare({ path: head, explicit: true });
  const wire: Buffer[] = [];
  parseFile(parseInput(p), sourceOpener(null), (b: Batch) => wire.push(v8.serialize(packBatch(b))));

  let receiveMs = Infinity;
  let batches: Batch[] = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    batches = wire.map((b) => unpackBatch(v8.deserialize(b) as PackedBatch));
    receiveMs = Math.min(receiveMs, performance.now() - t);
  }
  const records = batches.flatMap((b) => b.outcomes.flatMap((o) => (o[0] === 'r' ? [o[2]] : [])));

  let storeMs = Infinity;
  let stored = 0;
  for (let run = 0; run < 3; run++) {
    const { db } = openCase(path.join(dir, `writer-${run}.longtail`));
    const fileId = Number(db.prepare(
      "INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at) VALUES (?, ?, '', ?, 'utf-8', 'importing', '')",
    ).run(head, p.size, p.det?.family ?? '').lastInsertRowid);
    const writer = new EventWriter(db);
    stored = 0;
    const t = performance.now();
    db.transaction(() => {
      for (const r of records) if (writer.writeWire(fileId, r) === 'stored') stored++;
    })();
    storeMs = Math.min(storeMs, performance.now() - t);
    db.close();
  }

  const per = (ms: number) => (ms * 1000) / records.length;
  process.stdout.write(JSON.stringify({ records: records.length, stored, receiveUs: per(receiveMs), storeUs: per(storeMs) }) + '\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
