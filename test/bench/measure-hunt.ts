// Child process of run-bench.ts: runs the hunt over a case several times and prints
// one JSON line of figures.
//   node bin/run-ts.mjs test/bench/measure-hunt.ts CASE [RUNS]
import { openCase } from '../../src-core/store/case-db.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { peakRssMB } from './peak-rss.js';

const [caseFile, runsText = '3'] = process.argv.slice(2);
if (!caseFile) throw new Error('usage: measure-hunt.ts CASE [RUNS]');
const { db } = openCase(caseFile);
const events = ['process_event', 'network_event', 'file_event', 'image_load', 'service_install']
  .reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0);
const times: number[] = [];
let rows: Array<{ host: string; path: string | null }> = [];
let stats = {};
for (let i = 0; i < Number(runsText); i++) {
  const t = performance.now();
  const report = runHunt(db, huntParams('any', { window: { kind: 'all' } }));
  times.push((performance.now() - t) / 1000);
  rows = report.rows.map((r) => ({ host: r.host, path: r.path }));
  stats = report.stats;
}
db.close();
process.stdout.write(JSON.stringify({
  events, times, rows, stats, peakRssMB: peakRssMB(),
}) + '\n');
