// `npm run bench`: import throughput per format, hunt time and peak memory on a
// generated fleet (default 1,000 hosts, 5,000,000 events). Figures are printed, never
// asserted. Each measurement runs in its own process so its memory is its own.
//   npm run bench -- [--hosts N] [--events N] [--files-per-format N] [--workers N] [--write docs/bench.md]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { generateFleet } from './fleet.js';
import { REPO } from '../helpers/corpus.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const hosts = Number(arg('hosts', '1000'));
const events = Number(arg('events', '5000000'));
const filesPerFormat = Number(arg('files-per-format', '4'));
const write = arg('write', '');
const dataDir = path.join(REPO, 'bench-data', `fleet-${hosts}-${events}-${filesPerFormat}`);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-bench-'));

interface FileInfo { path: string; format: string; events: number; bytes: number }
const manifest = path.join(dataDir, 'manifest.json');
let files: FileInfo[];
if (fs.existsSync(manifest)) {
  files = JSON.parse(fs.readFileSync(manifest, 'utf8')) as FileInfo[];
  process.stdout.write(`Using the fleet generated earlier in ${path.relative(REPO, dataDir)}\n`);
} else {
  process.stdout.write(`Generating ${hosts} hosts, ${events.toLocaleString('en-US')} events in ${path.relative(REPO, dataDir)} …\n`);
  const t = performance.now();
  files = generateFleet({ outDir: dataDir, hosts, events, formats: ['defender-csv', 'elastic-ndjson'], filesPerFormat }).files
    .map((f) => ({ path: f.path, format: f.format, events: f.events, bytes: f.bytes }));
  fs.writeFileSync(manifest, JSON.stringify(files, null, 1));
  process.stdout.write(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

// Measure the code as it ships: bundled by esbuild (as `npm run build` does), not
// through the TypeScript loader used in development.
const buildDir = path.join(REPO, 'bench-data', 'build');
await build({
  entryPoints: {
    'measure-import': path.join(REPO, 'test', 'bench', 'measure-import.ts'),
    'measure-hunt': path.join(REPO, 'test', 'bench', 'measure-hunt.ts'),
    'parse-worker': path.join(REPO, 'src-core', 'ingest', 'parse-worker.ts'),
  },
  outdir: buildDir, bundle: true, platform: 'node', target: 'node20', format: 'esm',
  external: ['better-sqlite3'], logLevel: 'warning',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});

function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, ['--max-old-space-size=320', path.join(buildDir, script.replace(/\.ts$/, '.js')), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

interface ImportFigures { seconds: number; readSeconds: number; resolveSeconds: number; records: number; stored: number; failed: number; bytes: number; peakRssMB: number; caseMB: number }
interface HuntFigures { events: number; times: number[]; rows: Array<{ host: string; path: string | null }>; peakRssMB: number }

const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  process.stdout.write(s + '\n');
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

say(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
say(`Fleet: ${hosts} hosts, ${fmt(files.reduce((n, f) => n + f.events, 0))} events in ${files.length} files (${(files.reduce((n, f) => n + f.bytes, 0) / 1e9).toFixed(2)} GB)`);
say('');
say('| import | events | MB | seconds | events/s | MB/s | parse+store s | resolve s | peak RSS MB | case MB |');
say('|---|---|---|---|---|---|---|---|---|---|');
for (const format of ['defender-csv', 'elastic-ndjson']) {
  const mine = files.filter((f) => f.format === format);
  const r = child<ImportFigures>('measure-import.ts', [path.join(workDir, `${format}.longtail`), ...mine.map((f) => f.path)]);
  if (r.failed) say(`(${r.failed} records failed)`);
  say(`| ${format} | ${fmt(r.records)} | ${fmt(r.bytes / 1e6)} | ${r.seconds.toFixed(1)} | ${fmt(r.records / r.seconds)} | ${(r.bytes / 1e6 / r.seconds).toFixed(0)} | ${r.readSeconds.toFixed(1)} | ${r.resolveSeconds.toFixed(1)} | ${fmt(r.peakRssMB)} | ${fmt(r.caseMB)} |`);
}
const all = path.join(workDir, 'all.longtail');
const r = child<ImportFigures>('measure-import.ts', [all, ...files.map((f) => f.path)]);
say(`| both formats, one case | ${fmt(r.records)} | ${fmt(r.bytes / 1e6)} | ${r.seconds.toFixed(1)} | ${fmt(r.records / r.seconds)} | ${(r.bytes / 1e6 / r.seconds).toFixed(0)} | ${r.readSeconds.toFixed(1)} | ${r.resolveSeconds.toFixed(1)} | ${fmt(r.peakRssMB)} | ${fmt(r.caseMB)} |`);
say('');
const h = child<HuntFigures>('measure-hunt.ts', [all, '3']);
say(`Hunt (preset any, window all) over ${fmt(h.events)} stored events: ${h.times.map((t) => t.toFixed(2)).join(' s, ')} s; peak RSS ${fmt(h.peakRssMB)} MB; ${h.rows.length} rows:`);
for (const row of h.rows) say(`- ${row.host} ${row.path}`);
fs.rmSync(workDir, { recursive: true, force: true });
if (write) {
  const target = path.resolve(REPO, write);
  const prior = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  const marker = '<!-- bench:import -->';
  const body = `${marker}\n_${new Date().toISOString().slice(0, 10)}, \`npm run bench\`_\n\n${lines.join('\n')}\n${marker}`;
  const re = new RegExp(`${marker}[\\s\\S]*${marker}`);
  fs.writeFileSync(target, re.test(prior) ? prior.replace(re, body) : `${prior}${prior ? '\n' : ''}${body}\n`);
  process.stdout.write(`Figures written to ${write}\n`);
}
