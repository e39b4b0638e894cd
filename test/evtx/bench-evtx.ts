// Single-thread EVTX parse benchmark (not a test): records/s and MB/s on the corpus Sysmon,
// Security and System logs, with and without the hunt's filter, peak RSS, and — when
// `evtxexport` (libevtx-utils) is installed — the time evtxexport takes on the same files.
// The corpus files are small and mostly empty space (zeroed or garbage chunks); "dense" cases
// repeat their chunks into a ~32 MB file, like a full production log.
//
//   node bin/run-ts.mjs test/evtx/bench-evtx.ts [seconds-per-case]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtx, type EvtxFilter } from '../../src-core/ingest/evtx/index.js';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpus', 'evtx');
const seconds = Number(process.argv[2] ?? 3);

const SYSMON = 'Microsoft-Windows-Sysmon';
const HUNT: Record<string, Set<number>> = {
  [SYSMON]: new Set([1, 3, 5, 7, 11, 22, 23, 26]),
  'Microsoft-Windows-Security-Auditing': new Set([4688, 4689, 4697]),
  'Service Control Manager': new Set([7045]),
};
/** Keeps only the hunt's events (Sysmon 1,3,5,7,11,22,23,26; Security 4688,4689,4697; System 7045). */
const huntFilter: EvtxFilter = (eventId, provider) => eventId !== null && HUNT[provider]?.has(eventId) === true;

interface Group {
  name: string;
  files: string[];
}

const groups: Group[] = [
  {
    name: 'Sysmon',
    files: [
      'parser-samples/sysmon.evtx',
      'attack/LM_sysmon_psexec_smb_meterpreter.evtx',
      'attack/apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx',
      'attack/privesc_unquoted_svc_sysmon_1_11.evtx',
    ],
  },
  {
    name: 'Security',
    files: [
      'parser-samples/security.evtx',
      'parser-samples/Security_with_size_t.evtx',
      'parser-samples/post-Security.evtx',
      'attack/ID4688,4697,5140-5145 PSexec remote execution + admin share.evtx',
      'attack/metasploit-psexec-powershell-target-security.evtx',
    ],
  },
  { name: 'System', files: ['parser-samples/system.evtx', 'attack/metasploit-psexec-powershell-target-system.evtx'] },
].map((g) => ({ ...g, files: g.files.map((f) => path.join(CORPUS, f)) }));
const corpusGroups = groups.length;

/** The chunks of `files` repeated into one file of about `mb` MB, with the first file's header. */
function denseFile(name: string, files: string[], mb: number): string {
  const chunks: Buffer[] = [];
  let header: Buffer | null = null;
  for (const f of files) {
    const d = fs.readFileSync(f);
    header ??= Buffer.from(d.subarray(0, 4096));
    for (let p = 4096; p + 65536 <= d.length; p += 65536) if (d.toString('latin1', p, p + 8) === 'ElfChnk\0') chunks.push(d.subarray(p, p + 65536));
  }
  const out = path.join(os.tmpdir(), `longtail-bench-${process.pid}-${name}.evtx`);
  const parts: Buffer[] = [header ?? Buffer.alloc(4096)];
  for (let i = 0; parts.length * 65536 < mb * 1048576; i++) parts.push(chunks[i % chunks.length] as Buffer);
  fs.writeFileSync(out, Buffer.concat(parts));
  return out;
}

const dense: string[] = [];
process.on('exit', () => {
  for (const f of dense) fs.rmSync(f, { force: true });
});
for (const g of groups.slice(0, 2)) {
  const f = denseFile(g.name, g.files, 32);
  dense.push(f);
  groups.push({ name: `${g.name} (dense)`, files: [f] });
}

interface Result {
  records: number;
  kept: number;
  bytes: number;
  ms: number;
}

/** Parses every file of the group once; returns counts (bytes = bytes read from the files). */
function pass(files: string[], filter: EvtxFilter | undefined): Omit<Result, 'ms'> {
  let records = 0;
  let kept = 0;
  let bytes = 0;
  for (const f of files) {
    const reader = readEvtx(f, filter ? { filter } : {});
    for (const item of reader) {
      if (item.type === 'record') {
        records++;
        kept++;
      } else if (item.type === 'skipped') records++;
    }
    bytes += reader.stats.bytes;
  }
  return { records, kept, bytes };
}

function run(files: string[], filter: EvtxFilter | undefined): Result {
  pass(files, filter); // warm-up
  const total: Result = { records: 0, kept: 0, bytes: 0, ms: 0 };
  const start = performance.now();
  do {
    const r = pass(files, filter);
    total.records += r.records;
    total.kept += r.kept;
    total.bytes += r.bytes;
    total.ms = performance.now() - start;
  } while (total.ms < seconds * 1000);
  return total;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function evtxexportMs(files: string[]): number | null {
  const probe = spawnSync('evtxexport', ['-h'], { stdio: 'ignore' });
  if (probe.error) return null;
  const start = performance.now();
  for (const f of files) spawnSync('evtxexport', ['-f', 'xml', f], { stdio: 'ignore' });
  return performance.now() - start;
}

console.log(`EVTX parse benchmark, single thread, ~${seconds}s per case (node ${process.version})`);
for (const [i, g] of groups.entries()) {
  const sizes = g.files.reduce((s, f) => s + fs.statSync(f).size, 0);
  for (const [label, filter] of [
    ['all records', undefined],
    ['hunt filter', huntFilter],
  ] as const) {
    const r = run(g.files, filter);
    const perSec = (r.records / r.ms) * 1000;
    const mbs = (r.bytes / 1048576 / r.ms) * 1000;
    console.log(
      `${g.name.padEnd(16)} ${label.padEnd(11)}: ${fmt(perSec).padStart(9)} records/s ${mbs.toFixed(1).padStart(6)} MB/s` +
        `  (${fmt(r.records)} records, ${fmt(r.kept)} decoded, ${(sizes / 1048576).toFixed(1)} MB per pass)`,
    );
  }
  if (i >= corpusGroups) continue;
  const ours = run(g.files, undefined);
  const oursPassMs = (ours.ms * sizes) / ours.bytes;
  const theirs = evtxexportMs(g.files);
  if (theirs !== null) {
    console.log(`${g.name.padEnd(16)} evtxexport : ${theirs.toFixed(0)} ms per pass (-f xml) vs ${oursPassMs.toFixed(1)} ms here: ${(theirs / oursPassMs).toFixed(1)}x`);
  }
}
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
