// One input file through the real importer into a fresh case, and what the trust
// suites check after every import: no exception, one result for the file, the
// accounting (records = stored + duplicates + skipped + failed, every skip and failure
// with a reason, failures with a location), the case file sound, and a time bound.
// The stored events come back as comparable rows (by record reference and content).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../../src-core/store/case-db.js';
import { openCase } from '../../../src-core/store/case-db.js';
import { importFiles, type FileImportResult } from '../../../src-core/ingest/import-files.js';

export const EVENT_TABLES = ['process_event', 'network_event', 'file_event', 'image_load', 'service_install', 'process_end'] as const;

/** One stored event: where it came from, and everything it holds but database ids. */
export interface EventRow {
  ref: string;
  implied: boolean;
  /** host key + process identity, for implied processes (stored once per process). */
  proc: string | null;
  content: string;
}

export interface Imported {
  result: FileImportResult | null;
  rows: EventRow[];
  ms: number;
  bytes: number;
  /** Broken invariants, in words (empty when all hold). */
  problems: string[];
  crashed: boolean;
}

/** Where a failed record must say it is. */
export const LOCATION = /^(line \d+|record \d+ \((line \d+|chunk (\d+|-))\))(:|$)/;

/** Seconds allowed per file: generous, for a loaded two-core machine. */
export function timeBoundMs(bytes: number): number {
  return 8000 + 4000 * (bytes / 1e6);
}

let counter = 0;

export function readRows(db: Db, fileId: number): EventRow[] {
  const rows: EventRow[] = [];
  for (const t of EVENT_TABLES) {
    const hasProc = t !== 'service_install';
    const sql =
      `SELECT e.*, h.key AS host_key${hasProc ? ', p.key AS proc_key' : ''}${t === 'process_event' ? ', pp.key AS parent_proc_key' : ''}
         FROM ${t} e JOIN host h ON h.id = e.host_id
         ${hasProc ? 'LEFT JOIN proc p ON p.id = e.proc_id' : ''}
         ${t === 'process_event' ? 'LEFT JOIN proc pp ON pp.id = e.parent_proc_id' : ''}
        WHERE e.file_id = ? ORDER BY e.id`;
    for (const r of db.prepare(sql).all(fileId) as Array<Record<string, unknown>>) {
      const { id: _id, file_id: _f, host_id: _h, proc_id: _p, parent_proc_id: _pp, ref, ...rest } = r;
      const implied = t === 'process_event' && rest['implied'] === 1;
      const content = t + JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
      rows.push({ ref: String(ref), implied, proc: implied ? `${String(rest['host_key'])}|${String(rest['proc_key'])}` : null, content });
    }
  }
  return rows;
}

function accounting(db: Db, r: FileImportResult): string[] {
  const out: string[] = [];
  const sum = r.stored + r.duplicates + r.skipped + r.failed;
  if (sum !== r.records) out.push(`records ${r.records} != stored ${r.stored} + duplicates ${r.duplicates} + skipped ${r.skipped} + failed ${r.failed}`);
  const byLevel = (level: string) => r.notes.filter((n) => n.level === level).reduce((a, n) => a + n.count, 0);
  if (byLevel('skipped') !== r.skipped) out.push(`skipped ${r.skipped} but skip reasons count ${byLevel('skipped')}`);
  if (byLevel('error') !== r.failed) out.push(`failed ${r.failed} but error reasons count ${byLevel('error')}`);
  for (const n of r.notes) {
    if (n.reason.trim() === '') out.push(`a ${n.level} note without a reason`);
    if (n.level === 'error' || n.level === 'skipped') {
      if (n.refs.length !== Math.min(n.count, 20)) out.push(`${n.level} "${n.reason}": ${n.count} record(s) but ${n.refs.length} location(s)`);
      for (const ref of n.refs) if (!LOCATION.test(ref)) out.push(`${n.level} "${n.reason}": location ${JSON.stringify(ref.slice(0, 80))} names no line or record`);
    }
  }
  if (r.status !== 'complete' && r.records !== 0) out.push(`status ${r.status} with ${r.records} records counted`);
  if (r.status === 'failed' && !r.error) out.push('failed without an error message');
  if (r.fileId !== null) {
    const row = db.prepare('SELECT status, records, stored, duplicates, skipped, failed FROM input_file WHERE id = ?').get(r.fileId) as Record<string, unknown> | undefined;
    if (!row) out.push('no input_file row');
    else {
      const want = { status: r.status, records: r.records, stored: r.stored, duplicates: r.duplicates, skipped: r.skipped, failed: r.failed };
      if (JSON.stringify(row) !== JSON.stringify(want)) out.push(`input_file row ${JSON.stringify(row)} != result ${JSON.stringify(want)}`);
      const notes = db.prepare('SELECT level, count(*) AS n, sum(count) AS c FROM import_note WHERE file_id = ? GROUP BY level').all(r.fileId) as Array<{ level: string; c: number }>;
      for (const level of ['error', 'skipped']) {
        const c = notes.find((n) => n.level === level)?.c ?? 0;
        if (c !== byLevel(level)) out.push(`import_note ${level} count ${c} != result ${byLevel(level)}`);
      }
    }
  }
  return out;
}

/** Imports `bytes` as `name` into a new case in `dir`; checks the general invariants. */
export function importBytes(dir: string, name: string, bytes: Buffer): Imported {
  const n = ++counter;
  const sub = path.join(dir, `in-${n}`);
  fs.mkdirSync(sub);
  const file = path.join(sub, name);
  fs.writeFileSync(file, bytes);
  const caseFile = path.join(dir, `case-${n}.longtail`);
  const { db } = openCase(caseFile);
  const problems: string[] = [];
  let result: FileImportResult | null = null;
  let rows: EventRow[] = [];
  let crashed = false;
  const t0 = performance.now();
  try {
    const summary = importFiles(db, [file]);
    if (summary.files.length !== 1) problems.push(`${summary.files.length} results for one file`);
    result = summary.files[0] ?? null;
  } catch (err) {
    crashed = true;
    problems.push(`importFiles threw: ${(err as Error).stack ?? String(err)}`);
  }
  const ms = performance.now() - t0;
  try {
    if (result) {
      problems.push(...accounting(db, result));
      if (result.fileId !== null) rows = readRows(db, result.fileId);
      const distinct = new Set(rows.filter((r) => !r.implied).map((r) => r.ref)).size;
      if (distinct !== result.stored) problems.push(`${result.stored} records stored but events carry ${distinct} distinct record references`);
    }
    const importing = db.prepare("SELECT count(*) AS n FROM input_file WHERE status = 'importing'").get() as { n: number };
    if (importing.n > 0) problems.push("a file left 'importing'");
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`foreign_key_check: ${fk.length} violation(s)`);
  } finally {
    db.close();
    fs.rmSync(sub, { recursive: true, force: true });
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(caseFile + suffix, { force: true });
  }
  if (ms > timeBoundMs(bytes.length)) problems.push(`took ${ms.toFixed(0)} ms for ${bytes.length} bytes (bound ${timeBoundMs(bytes.length).toFixed(0)} ms)`);
  return { result, rows, ms, bytes: bytes.length, problems, crashed };
}
