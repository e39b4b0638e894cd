// Writes a bench fleet and prints how fast:
//   node bin/run-ts.mjs test/bench/generate-fleet.ts [OUT_DIR] [HOSTS] [EVENTS] [THREADS]
// Defaults: bench-data/fleet (git-ignored), 1000 hosts, 5,000,000 events in both
// formats, one worker thread per core.
import path from 'node:path';
import { generateFleet } from './fleet.js';

const [outDir = 'bench-data/fleet', hosts = '1000', events = '5000000', threads] = process.argv.slice(2);
const started = performance.now();
const result = generateFleet(
  { outDir: path.resolve(outDir), hosts: Number(hosts), events: Number(events), formats: ['defender-csv', 'elastic-ndjson'] },
  threads === undefined ? {} : { threads: Number(threads) },
);
const seconds = (performance.now() - started) / 1000;
let bytes = 0;
let total = 0;
for (const f of result.files) {
  bytes += f.bytes;
  total += f.events;
  process.stdout.write(`${f.path}: ${f.events} events, ${(f.bytes / 1e6).toFixed(0)} MB, ${f.hosts} hosts\n`);
}
for (const p of result.planted) process.stdout.write(`planted ${p.host} ${p.path} ${p.start}\n`);
process.stdout.write(
  `${total} events, ${(bytes / 1e9).toFixed(2)} GB in ${seconds.toFixed(1)} s ` +
  `(${Math.round(total / seconds).toLocaleString('en-US')} events/s, ${(bytes / 1e6 / seconds).toFixed(0)} MB/s)\n`,
);
