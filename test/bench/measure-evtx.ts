// Child process of run-bench.ts: single-thread EVTX parse of the given files (with the
// importer's filter: records the hunt does not use are skipped unrendered), one JSON
// line of figures.
//   node measure-evtx.js FILE...
import fs from 'node:fs';
import { readEvtx } from '../../src-core/ingest/evtx/index.js';
import { isUsedWinEvent } from '../../src-core/ingest/mappers/windows-event.js';
import { peakRssMB } from './peak-rss.js';

const files = process.argv.slice(2);
let records = 0;
let skipped = 0;
let bytes = 0;
const t = performance.now();
for (const f of files) {
  bytes += fs.statSync(f).size;
  for (const item of readEvtx(f, { filter: (id, provider, channel) => id !== null && isUsedWinEvent(id, provider, channel) })) {
    if (item.type === 'record') records++;
    else if (item.type === 'skipped') skipped++;
  }
}
const seconds = (performance.now() - t) / 1000;
process.stdout.write(JSON.stringify({ records, skipped, bytes, seconds, peakRssMB: peakRssMB() }) + '\n');
