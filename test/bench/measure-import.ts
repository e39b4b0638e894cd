// Child process of run-bench.ts: imports files into a case and prints one JSON line of
// figures (so memory is measured for the import alone).
//   node bin/run-ts.mjs test/bench/measure-import.ts CASE FILE...
import fs from 'node:fs';
import { openCase } from '../../src-core/store/case-db.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { peakRssMB } from './peak-rss.js';

const [caseFile, ...files] = process.argv.slice(2);
if (!caseFile || files.length === 0) throw new Error('usage: measure-import.ts CASE FILE...');
const { db } = openCase(caseFile);
const cpuStart = process.cpuUsage();
const started = performance.now();
let resolveStarted = 0;
// Every thread's CPU when resolution began: resolution's own share of the import's CPU.
let resolveCpuStart: NodeJS.CpuUsage | null = null;
let peakRss = 0;
let sampled = 0;
const sample = () => {
  const now = performance.now();
  if (now - sampled < 100) return; // reading RSS is a system call: not on every batch
  sampled = now;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
const summary = importFiles(db, files, {
  onProgress: (p) => {
    sample();
    if (p.phase === 'resolving' && resolveStarted === 0) {
      resolveStarted = performance.now();
      resolveCpuStart = process.cpuUsage();
    }
  },
});
const ended = performance.now();
// Every thread's CPU time (parse workers included): what two cores must share.
const cpu = process.cpuUsage(cpuStart);
const resolveCpu = resolveCpuStart ? process.cpuUsage(resolveCpuStart) : null;
db.close();
sampled = 0;
sample();
const records = summary.files.reduce((n, f) => n + f.records, 0);
const stored = summary.files.reduce((n, f) => n + f.stored, 0);
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
process.stdout.write(JSON.stringify({
  seconds: (ended - started) / 1000,
  readSeconds: (resolveStarted - started) / 1000,
  resolveSeconds: (ended - resolveStarted) / 1000,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  resolveCpuSeconds: resolveCpu ? (resolveCpu.user + resolveCpu.system) / 1e6 : 0,
  records,
  stored,
  failed: summary.files.reduce((n, f) => n + f.failed, 0),
  bytes,
  peakRssMB: Math.max(peakRss / 1e6, peakRssMB()),
  caseMB: fs.statSync(caseFile).size / 1e6,
  checkpoints: summary.checkpoints ?? null,
}) + '\n');
