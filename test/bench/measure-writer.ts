// Child process of run-bench.ts: the importing thread's own work per event, measured
// alone over the first 64 MB of a fleet file (fileHead; real rows). The file is parsed and
// mapped on this thread first into the batches a parse worker would post (timed too, best
// of three: the parse side's own work per event); then, best of three, on one thread
// with nothing beside it and batch by batch as the importing thread goes: taking a batch
// in (v8 deserialization and unpacking, what receiving a worker's message costs),
// storing its records with the EventWriter (process identities, dedupe keys, implied
// processes, every insert; one transaction for the file), letting it go. The writer's
// part has no parsing, no waiting, no resolution. The one writer can store at most
// 1e6 / (receive + store) events per second (decisions 75 and 78).
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

  // The parse side's own work per event, alone, best of three: read, parse, map and pack
  // each batch, and serialize it as posting it does (the parse workers' part; issue 11).
  const p = prepare({ path: head, explicit: true });
  let wire: Buffer[] = [];
  let parseMs = Infinity;
  for (let run = 0; run < 3; run++) {
    const out: Buffer[] = [];
    const t = performance.now();
    parseFile(parseInput(p), sourceOpener(null), (b: Batch) => out.push(v8.serialize(packBatch(b))));
    parseMs = Math.min(parseMs, performance.now() - t);
    wire = out;
  }

  // As the importing thread does it: each batch taken in, its records stored, then let go.
  // (Taking every batch in first and holding them cost 4 µs per record more in garbage
  // collection, which the import never pays: decision 78.)
  let receiveMs = Infinity;
  let storeMs = Infinity;
  let records = 0;
  let stored = 0;
  for (let run = 0; run < 3; run++) {
    const { db } = openCase(path.join(dir, `writer-${run}.longtail`));
    const fileId = Number(db.prepare(
      "INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at) VALUES (?, ?, '', ?, 'utf-8', 'importing', '')",
    ).run(head, p.size, p.det?.family ?? '').lastInsertRowid);
    const writer = new EventWriter(db);
    let receive = 0;
    let store = 0;
    records = 0;
    stored = 0;
    db.transaction(() => {
      for (const buf of wire) {
        const t0 = performance.now();
        const batch = unpackBatch(v8.deserialize(buf) as PackedBatch);
        const t1 = performance.now();
        for (const o of batch.outcomes) {
          if (o[0] !== 'r') continue;
          records++;
          if (writer.writeWire(fileId, o[2]) === 'stored') stored++;
        }
        receive += t1 - t0;
        store += performance.now() - t1;
      }
    })();
    db.close();
    receiveMs = Math.min(receiveMs, receive);
    storeMs = Math.min(storeMs, store);
  }
  if (records === 0) throw new Error(`${file}: no records in its first 64 MB`);

  const per = (ms: number) => (ms * 1000) / records;
  process.stdout.write(JSON.stringify({ records, stored, parseUs: per(parseMs), receiveUs: per(receiveMs), storeUs: per(storeMs) }) + '\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
