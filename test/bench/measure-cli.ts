// CLI start time for run-bench.ts: wall time from spawning `node bin/longtail.mjs …` to
// its exit, for `--help` and a hunt over one small file, through the bundle (as
// `npm install` leaves it) and, for reference, through the sources (tsx), with Node's
// own start (`node -e 0`) beside them. Figures are printed, never asserted.
//   node bin/run-ts.mjs test/bench/measure-cli.ts [RUNS]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, corpus } from '../helpers/corpus.js';

export interface CliStartRow {
  command: string;
  path: 'node alone' | 'bundle' | 'sources';
  /** Milliseconds, in the order run. */
  runs: number[];
  medianMs: number;
}

interface CliBundleModule {
  buildCli(options?: { logLevel?: string }): Promise<unknown>;
}

/** The small file hunted: a Security-Datasets log from the corpus, or the demo fleet's. */
export function oneSmallFile(): string {
  const fax = corpus('json', 'security-datasets', 'cmd_service_mod_fax_2020-10-2120454410.json');
  return fs.existsSync(fax) ? fax : path.join(REPO, 'samples', 'security-datasets', 'fleet-sysmon-security.json');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Times `runs` runs of each command (after one unmeasured round). Builds dist/cli/ first, so the launcher finds it fresh. */
export async function measureCliStart(runs = 10): Promise<CliStartRow[]> {
  const { buildCli } = (await import(pathToFileURL(path.join(REPO, 'build', 'cli-bundle.mjs')).href)) as CliBundleModule;
  await buildCli({ logLevel: 'warning' });
  const file = oneSmallFile();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-cli-bench-'));
  const launcher = path.join(REPO, 'bin', 'longtail.mjs');
  const cases: Array<{ command: string; path: CliStartRow['path']; args: string[]; env?: Record<string, string> }> = [
    { command: 'node -e 0', path: 'node alone', args: ['-e', '0'] },
  ];
  const hunt = ['hunt', file, '--format', 'json'];
  for (const [p, env] of [['bundle', {}], ['sources', { LONGTAIL_FROM_SOURCE: '1' }]] as const) {
    cases.push({ command: 'longtail --help', path: p, args: [launcher, '--help'], env });
    cases.push({ command: `longtail hunt ${path.basename(file)} --format json`, path: p, args: [launcher, ...hunt], env });
  }
  // Round robin, one run of each command in turn: a neighbour's load on this shared
  // machine then weighs on every command alike, not on whichever ran at the time.
  const times: number[][] = cases.map(() => []);
  try {
    for (let i = 0; i <= runs; i++) {
      cases.forEach((c, j) => {
        const env = { ...process.env, LONGTAIL_FROM_SOURCE: '', ...c.env };
        const t = performance.now();
        const r = spawnSync(process.execPath, c.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
        const ms = performance.now() - t;
        if (r.status !== 0) throw new Error(`${c.command} (${c.path}) exited ${r.status}: ${r.stderr.toString()}`);
        if (i > 0) times[j]!.push(ms);
      });
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
  return cases.map((c, j) => ({ command: c.command, path: c.path, runs: times[j]!, medianMs: median(times[j]!) }));
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  process.stdout.write(JSON.stringify(await measureCliStart(Number(process.argv[2] ?? 10))) + '\n');
}
