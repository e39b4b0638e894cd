// An archive through the real importer into a fresh case (optionally holding other files
// already), and what the trust suites check after every archive import: no exception, one
// result for the archive and one per member, each in the import log (a row with its
// container, or an ignored result named on its container's row), the accounting of every
// row (records = stored + duplicates + skipped + failed, reasons with locations, archive
// problems with their byte offset), no events on a row that is not complete, the
// containers' member tallies, a sound case, a time bound, and the files stored before the
// archive exactly as they were. The members come back by name with their stored events
// (record reference and content) and a digest of them, to compare with a clean import.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Db } from '../../../src-core/store/case-db.js';
import { openCase } from '../../../src-core/store/case-db.js';
import { importFiles, type FileImportResult } from '../../../src-core/ingest/import-files.js';
import type { ArchiveLimits } from '../../../src-core/ingest/archive/limits.js';
import type { ImportNote } from '../../../src-core/ingest/note-log.js';
import { EVENT_TABLES, LOCATION, readRows, timeBoundMs } from './harness.js';

/** The import log's words for what is wrong with an archive or member (file-importer.ts problemText). */
export const ARCHIVE_NOTE = /^(damaged archive|truncated archive|damaged member|zip bomb guard|encrypted member|unsupported member|unsafe member name|archive nested too deep): /;
/** Where a member's data problem was met: bytes of the member read before it. */
const AFTER_BYTES = /^after \d+ bytes$/;

export interface MemberOutcome {
  /** Its display path after the archive's own `!/`: `logs/a.evtx`, `x.tar!/logs/a.evtx`. */
  name: string;
  result: FileImportResult;
  /** Stored events (implied processes aside) as `ref content`, sorted. */
  events: string[];
  /** SHA-256 of `events`: equal digests, equal stored records. */
  digest: string;
  /** Its archive problem note (damaged, truncated, bomb…), when its data did not check out. */
  damage: ImportNote | null;
}

/** A row of the import log (input_file and its notes), as `longtail log` shows it. */
export interface LogEntry {
  id: number;
  path: string;
  status: string;
  format: string | null;
  error: string | null;
  /** The path of its container's row. */
  container: string | null;
  member: string | null;
  records: number;
  stored: number;
  notes: Array<{ level: string; reason: string; count: number; refs: string[] }>;
}

/** The import log's rows for `file` and what was read from it, in order. */
export function readLog(db: Db, file: string): LogEntry[] {
  const rows = db.prepare(
    `SELECT f.id, f.path, f.status, f.format, f.error, c.path AS container, f.member, f.records, f.stored
       FROM input_file f LEFT JOIN input_file c ON c.id = f.container_id
      WHERE f.path = ? OR substr(f.path, 1, ?) = ? ORDER BY f.id`,
  ).all(file, file.length + 2, `${file}!/`) as Array<Omit<LogEntry, 'notes'>>;
  const notes = db.prepare('SELECT level, reason, count, refs FROM import_note WHERE file_id = ? ORDER BY id');
  return rows.map((r) => ({
    ...r,
    notes: (notes.all(r.id) as Array<{ level: string; reason: string; count: number; refs: string }>).map((n) => ({ ...n, refs: JSON.parse(n.refs) as string[] })),
  }));
}

export interface ArchiveImported {
  /** The archive's path on disk (gone after the import: names only). */
  file: string;
  results: FileImportResult[];
  /** The archive's own result. */
  archive: FileImportResult | null;
  /** Containers (the archive and nested ones) by their display path after the archive's `!/` ('' for the archive). */
  containers: Map<string, FileImportResult>;
  members: Map<string, MemberOutcome>;
  /** The import log's rows for the archive and its members. */
  log: LogEntry[];
  /** Events in the case after the import, per table (the files imported before included). */
  counts: Record<string, number>;
  ms: number;
  bytes: number;
  /** Broken invariants, in words (empty when all hold). */
  problems: string[];
  crashed: boolean;
}

export interface ArchiveImportOptions {
  limits?: Partial<ArchiveLimits>;
  /** Files imported into the case first (their own import): they must come out of the archive's import unchanged. */
  before?: ReadonlyArray<{ name: string; bytes: Buffer }>;
}

let counter = 0;

const digest = (lines: readonly string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');

export function eventCounts(db: Db): Record<string, number> {
  return Object.fromEntries(EVENT_TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

/** A row of the import log, its notes and its events: what must not change once stored. */
function snapshot(db: Db, ids: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  const row = db.prepare('SELECT * FROM input_file WHERE id = ?');
  const notes = db.prepare('SELECT level, reason, count, refs FROM import_note WHERE file_id = ? ORDER BY id');
  for (const id of ids) {
    const events = readRows(db, id).map((r) => `${r.ref} ${r.content}`).sort();
    out.set(id, JSON.stringify([row.get(id), notes.all(id), digest(events), events.length]));
  }
  return out;
}

/** The member's name inside the archive: its display path after `file!/`. */
export function memberName(file: string, r: FileImportResult): string {
  return r.path.startsWith(`${file}!/`) ? r.path.slice(file.length + 2) : r.path;
}

export function memberOutcomes(db: Db, file: string, results: readonly FileImportResult[]): Map<string, MemberOutcome> {
  const out = new Map<string, MemberOutcome>();
  for (const r of results) {
    if (r.container === null || r.members) continue;
    const events = r.fileId === null ? [] : readRows(db, r.fileId).filter((e) => !e.implied).map((e) => `${e.ref} ${e.content}`).sort();
    let name = memberName(file, r);
    // Two members of one name (a damaged name can become another's): both kept.
    for (let k = 2; out.has(name); k++) name = `${memberName(file, r)}#${k}`;
    out.set(name, { name, result: r, events, digest: digest(events), damage: r.notes.find((n) => ARCHIVE_NOTE.test(n.reason)) ?? null });
  }
  return out;
}

interface LogRow {
  id: number;
  path: string;
  status: string;
  format: string | null;
  records: number;
  stored: number;
  duplicates: number;
  skipped: number;
  failed: number;
  error: string | null;
  container_id: number | null;
  member: string | null;
}

/**
 * The invariants of an import of `file` (an archive on disk) that gave `results`, on the
 * case `db` holds: each result and its row of the import log, the containers' tallies,
 * and the case as a whole.
 */
export function checkArchiveImport(db: Db, file: string, results: readonly FileImportResult[]): string[] {
  const out: string[] = [];
  const roots = results.filter((r) => r.path === file);
  if (roots.length !== 1) out.push(`${roots.length} results for the archive itself`);
  const mine = results.filter((r) => r.path === file || r.path.startsWith(`${file}!/`));
  const containers = new Map(mine.filter((r) => r.members !== undefined).map((r) => [r.path, r]));
  const rows = new Map((db.prepare('SELECT * FROM input_file').all() as LogRow[]).map((r) => [r.id, r]));
  const noteCounts = db.prepare('SELECT level, sum(count) AS c FROM import_note WHERE file_id = ? GROUP BY level');
  for (const r of mine) {
    const where = r.path === file ? 'the archive' : memberName(file, r);
    const say = (s: string) => out.push(`${where}: ${s}`);
    const sum = r.stored + r.duplicates + r.skipped + r.failed;
    if (sum !== r.records) say(`records ${r.records} != stored ${r.stored} + duplicates ${r.duplicates} + skipped ${r.skipped} + failed ${r.failed}`);
    if (r.status !== 'complete' && r.records !== 0) say(`status ${r.status} with ${r.records} records counted`);
    if (r.status !== 'complete' && !r.error?.trim()) say(`${r.status} without a reason`);
    if (r.status === 'duplicate' && !/^identical to input #\d+ \(same SHA-256\), already imported$/.test(r.error ?? '')) say(`duplicate: ${r.error}`);
    if (r.container !== null) {
      if (!r.path.startsWith(`${r.container}!/`)) say(`its path does not start with its container's (${r.container})`);
      if (!containers.has(r.container)) say(`its container ${r.container} has no result`);
    }
    let errors = 0;
    let skipped = 0;
    for (const n of r.notes) {
      if (!n.reason.trim()) say(`a ${n.level} note without a reason`);
      if (ARCHIVE_NOTE.test(n.reason)) {
        // A member's data problem says after how many bytes; a container's listing problem says nothing more.
        if (n.level !== 'error') say(`archive problem as a ${n.level}: ${n.reason}`);
        for (const ref of n.refs) if (!AFTER_BYTES.test(ref)) say(`archive problem "${n.reason}" at ${JSON.stringify(ref)}`);
        if (r.members === undefined && n.refs.length !== 1) say(`archive problem "${n.reason}" without where it was met`);
        continue;
      }
      if (n.level === 'error') errors += n.count;
      if (n.level === 'skipped') skipped += n.count;
      if (n.level === 'error' || n.level === 'skipped') {
        if (n.refs.length !== Math.min(n.count, 20)) say(`${n.level} "${n.reason}": ${n.count} record(s) but ${n.refs.length} location(s)`);
        for (const ref of n.refs) if (!LOCATION.test(ref)) say(`${n.level} "${n.reason}": location ${JSON.stringify(ref.slice(0, 80))} names no line or record`);
      }
    }
    if (errors !== r.failed) say(`failed ${r.failed} but error reasons count ${errors}`);
    if (skipped !== r.skipped) say(`skipped ${r.skipped} but skip reasons count ${skipped}`);
    if (r.fileId === null) {
      // Only an ignored member has no row: its container's row names it.
      if (r.status !== 'ignored') say(`${r.status} but no row in the import log`);
      else if (r.container !== null) {
        const name = r.path.slice(r.container.length + 2);
        const c = containers.get(r.container);
        if (!c?.notes.some((n) => n.level === 'info' && n.refs.includes(name))) say(`ignored, but its container's row does not name it`);
      }
      continue;
    }
    const row = rows.get(r.fileId);
    if (!row) {
      say('no input_file row');
      continue;
    }
    const want = { path: r.path, status: r.status, records: r.records, stored: r.stored, duplicates: r.duplicates, skipped: r.skipped, failed: r.failed, error: r.error };
    const got = { path: row.path, status: row.status, records: row.records, stored: row.stored, duplicates: row.duplicates, skipped: row.skipped, failed: row.failed, error: row.error };
    if (JSON.stringify(got) !== JSON.stringify(want)) say(`input_file row ${JSON.stringify(got)} != result ${JSON.stringify(want)}`);
    if (r.container !== null) {
      const c = containers.get(r.container);
      if (c && row.container_id !== c.fileId) say(`row's container_id ${row.container_id} is not its container's row ${c.fileId}`);
      if (row.member !== r.path.slice(r.container.length + 2)) say(`row's member ${JSON.stringify(row.member)} is not its name`);
    } else if (row.container_id !== null) say('a row with a container_id but no container in its result');
    const counts = noteCounts.all(r.fileId) as Array<{ level: string; c: number }>;
    for (const level of ['error', 'warning', 'info', 'skipped']) {
      const inDb = counts.find((n) => n.level === level)?.c ?? 0;
      const inResult = r.notes.filter((n) => n.level === level).reduce((a, n) => a + n.count, 0);
      if (inDb !== inResult) say(`import_note ${level} count ${inDb} != result ${inResult}`);
    }
    if (r.members === undefined && r.container !== null && r.status === 'complete') {
      const refs = new Set(readRows(db, r.fileId).filter((e) => !e.implied).map((e) => e.ref));
      if (refs.size !== r.stored) say(`${r.stored} records stored but events carry ${refs.size} distinct record references`);
    }
  }
  for (const c of containers.values()) {
    // A container counts the files in it; a nested container has a row and a tally of its own.
    const members = mine.filter((r) => r.container === c.path && r.members === undefined);
    const t = c.members!;
    const by = (s: string) => members.filter((m) => m.status === s).length;
    const want = { total: members.length, complete: by('complete'), duplicate: by('duplicate'), failed: by('failed'), ignored: by('ignored') };
    if (JSON.stringify(t) !== JSON.stringify(want)) out.push(`${memberName(file, c) || 'the archive'}: member tally ${JSON.stringify(t)} != its members' results ${JSON.stringify(want)}`);
  }
  const importing = db.prepare("SELECT count(*) AS n FROM input_file WHERE status = 'importing'").get() as { n: number };
  if (importing.n > 0) out.push(`${importing.n} row(s) left 'importing'`);
  for (const t of EVENT_TABLES) {
    const n = db.prepare(`SELECT count(*) AS n FROM ${t} e JOIN input_file f ON f.id = e.file_id WHERE f.status != 'complete' OR f.format IN ('zip', 'gzip', 'tar')`).get() as { n: number };
    if (n.n > 0) out.push(`${n.n} ${t} row(s) on an input that is not a complete file`);
  }
  const orphans = db.prepare("SELECT count(*) AS n FROM input_file m JOIN input_file c ON c.id = m.container_id WHERE c.format NOT IN ('zip', 'gzip', 'tar')").get() as { n: number };
  if (orphans.n > 0) out.push(`${orphans.n} member row(s) whose container is not an archive`);
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') out.push(`integrity_check: ${String(integrity)}`);
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length) out.push(`foreign_key_check: ${fk.length} violation(s)`);
  return out;
}

/** Imports `bytes` as the archive `name` into a new case in `dir` (after `before`, if given); checks the invariants. */
export function importArchive(dir: string, name: string, bytes: Buffer, opts: ArchiveImportOptions = {}): ArchiveImported {
  const n = ++counter;
  const sub = path.join(dir, `a-${n}`);
  fs.mkdirSync(sub);
  const file = path.join(sub, name);
  fs.writeFileSync(file, bytes);
  const caseFile = path.join(dir, `case-a-${n}.longtail`);
  const { db } = openCase(caseFile);
  const problems: string[] = [];
  let results: FileImportResult[] = [];
  let crashed = false;
  let ms = 0;
  let members = new Map<string, MemberOutcome>();
  let log: LogEntry[] = [];
  let counts: Record<string, number> = {};
  try {
    let earlier: Map<number, string> | null = null;
    if (opts.before?.length) {
      const folder = path.join(sub, 'before');
      fs.mkdirSync(folder);
      const files = opts.before.map((b) => {
        fs.writeFileSync(path.join(folder, b.name), b.bytes);
        return path.join(folder, b.name);
      });
      const prior = importFiles(db, files).files;
      if (prior.some((r) => r.status !== 'complete' || r.stored === 0)) throw new Error(`the files imported first do not import cleanly: ${JSON.stringify(prior.map((r) => [r.path, r.status, r.stored]))}`);
      earlier = snapshot(db, prior.map((r) => r.fileId!));
    }
    const t0 = performance.now();
    try {
      results = importFiles(db, [file], { archiveLimits: opts.limits }).files;
    } catch (err) {
      crashed = true;
      problems.push(`importFiles threw: ${(err as Error).stack ?? String(err)}`);
    }
    ms = performance.now() - t0;
    problems.push(...checkArchiveImport(db, file, results));
    if (earlier) {
      const now = snapshot(db, [...earlier.keys()]);
      for (const [id, before] of earlier) if (now.get(id) !== before) problems.push(`input #${id}, imported before the archive, changed: ${before.slice(0, 200)} -> ${now.get(id)?.slice(0, 200)}`);
    }
    members = memberOutcomes(db, file, results);
    log = readLog(db, file);
    counts = eventCounts(db);
  } finally {
    db.close();
    fs.rmSync(sub, { recursive: true, force: true });
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(caseFile + suffix, { force: true });
  }
  if (ms > timeBoundMs(bytes.length)) problems.push(`took ${ms.toFixed(0)} ms for ${bytes.length} bytes (bound ${timeBoundMs(bytes.length).toFixed(0)} ms)`);
  const containers = new Map(results.filter((r) => r.members !== undefined).map((r) => [r.path === file ? '' : memberName(file, r), r]));
  return { file, results, archive: results.find((r) => r.path === file) ?? null, containers, members, log, counts, ms, bytes: bytes.length, problems, crashed };
}
