// What both kill suites do: run the built CLI's import and kill it at a point, and compare
// the events of two cases by the SHA-256 of the input each came from (multisets: nothing
// lost, nothing doubled).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { builtCli } from '../../helpers/built-cli.js';
import { EVENT_TABLES } from './harness.js';

/** Every stored event, by the SHA-256 of the input (member) it came from: equal maps, nothing lost or doubled. */
export function contents(file: string): Map<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out = new Map<string, string[]>();
    for (const t of EVENT_TABLES) {
      const rows = db.prepare(`SELECT f.sha256, e.ref, e.source, e.time FROM ${t} e JOIN input_file f ON f.id = e.file_id ORDER BY f.sha256, e.ref, e.source, e.time`).all() as Array<{ sha256: string; ref: string; source: string; time: string }>;
      for (const r of rows) {
        const list = out.get(r.sha256) ?? [];
        list.push(`${t}|${r.ref}|${r.source}|${r.time}`);
        out.set(r.sha256, list);
      }
    }
    for (const list of out.values()) list.sort();
    return out;
  } finally {
    db.close();
  }
}

/** What a kill left behind (both suites sort their kill points by it). */
export type KilledCase =
  | { state: 'no case' }
  /** Killed while the case was being created: its tables not committed yet. */
  | { state: 'no schema' }
  | { state: 'case'; integrity: string; importing: number; complete: number };

export function killedCase(file: string): KilledCase {
  if (!fs.existsSync(file)) return { state: 'no case' };
  const db = new Database(file);
  try {
    const tables = ['input_file', 'import_note', ...EVENT_TABLES];
    const present = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(', ')})`)
      .pluck().get(...tables) as number;
    if (present < tables.length) return { state: 'no schema' };
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const count = (status: string) => db.prepare('SELECT count(*) FROM input_file WHERE status = ?').pluck().get(status) as number;
    return { state: 'case', integrity, importing: count('importing'), complete: count('complete') };
  } finally {
    db.close();
  }
}

/** Rows of `want` missing from `got`, and rows of `got` beyond `want` (multisets). */
export function difference(want: Map<string, string[]>, got: Map<string, string[]>): { lost: number; extra: number } {
  const count = (m: Map<string, string[]>) => {
    const c = new Map<string, number>();
    for (const [sha, rows] of m) for (const r of rows) c.set(`${sha} ${r}`, (c.get(`${sha} ${r}`) ?? 0) + 1);
    return c;
  };
  const a = count(want);
  const b = count(got);
  let lost = 0;
  let extra = 0;
  for (const [k, n] of a) lost += Math.max(0, n - (b.get(k) ?? 0));
  for (const [k, n] of b) extra += Math.max(0, n - (a.get(k) ?? 0));
  return { lost, extra };
}

/** The end of what the last `runImport` wrote to stderr: a failed re-run says why in the test's message. */
export const lastRun = { stderr: '' };
const STDERR_TAIL = 4096;

/** Runs `longtail import CASE INPUTS…` from the built CLI; kills it after `killAfterMs` unless null. Resolves with its exit code. */
export function runImport(
  caseFile: string, inputs: readonly string[], killAfterMs: number | null, env: Record<string, string> = {},
): Promise<number | null> {
  return builtCli().then((cli) => new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'import', caseFile, ...inputs], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_TAIL);
    });
    let timer: NodeJS.Timeout | null = null;
    if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      lastRun.stderr = stderr;
      resolve(code);
    });
  }));
}

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
