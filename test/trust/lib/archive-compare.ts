// The data invariants of a damaged archive's import against the clean archive's: each
// member is expected intact (stored exactly as from the clean archive: same status, same
// counts, same events by record reference and content), damaged from some byte on (the
// records wholly before that byte kept: a figure, and an assertion where the suites say
// so), or anything. A member that is gone must be accounted for: the log names the
// damage on its container (or the archive as a whole failed). Nothing may appear that
// the clean archive did not hold, unless a damaged member's name changed.
import type { ArchiveImported, MemberOutcome } from './archive-harness.js';
import { ARCHIVE_NOTE } from './archive-harness.js';

export type MemberExpect =
  | { kind: 'intact' }
  /** Its bytes are the clean member's up to `prefix` (the damage or the cut is there). */
  | { kind: 'damaged'; prefix: number }
  | { kind: 'any' };

/** One member that did not come out as expected. */
export interface MemberIssue {
  /** Its name in the clean archive's import ('' when about several members). */
  name: string;
  /** gone: expected intact, not in the log; changed: expected intact, stored otherwise; silent: gone with no damage named
   *  around it; invented: in the log, not in the clean archive. */
  what: 'gone' | 'changed' | 'silent' | 'invented';
  text: string;
  /** What the import made of it, when it is in the log. */
  got: MemberOutcome | null;
}

export interface ArchiveComparison {
  issues: MemberIssue[];
  /** The issues in words. */
  problems: string[];
  /** Members expected intact that are gone or changed: members lost beyond the damaged one. */
  lost: number;
  /** Records of damaged members, wholly before the damage, that are gone or changed. */
  prefixLost: number;
  /** What `prefixLost` counts, in words. */
  prefixProblems: string[];
  /** Members in the import that the clean archive does not have (no damaged member to explain them). */
  invented: number;
  /** Members compared (expected intact). */
  intact: number;
}

const EVTX_HEADER = 4096;
const EVTX_CHUNK = 65_536;

/** Offset just past line `n` (1-based) of `data`, or Infinity. */
function lineEnd(data: Buffer, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = data.indexOf(10, at + 1);
    if (at < 0) return Infinity;
  }
  return at + 1;
}

/**
 * The clean member's events that lie wholly in its first `prefix` bytes: whole lines of a
 * line-oriented file (`line N`), records of whole EVTX chunks (`record N (chunk C)`).
 * Elements of a JSON document are not counted (one cut bracket may take the document).
 */
export function eventsBefore(m: MemberOutcome, data: Buffer, prefix: number): string[] {
  const out: string[] = [];
  const lineOriented = /^(ndjson\/|defender-csv|sentinel-csv|kibana-csv|evtxecmd-csv)/.test(m.result.format ?? '');
  for (const e of m.events) {
    const line = /^line (\d+) /.exec(e);
    if (line && lineOriented) {
      if (lineEnd(data, Number(line[1])) <= prefix) out.push(e);
      continue;
    }
    const rec = /^record \d+ \(chunk (\d+)\) /.exec(e);
    if (rec && m.result.format === 'evtx') {
      if (EVTX_HEADER + (Number(rec[1]) + 1) * EVTX_CHUNK <= prefix) out.push(e);
    }
  }
  return out;
}

/**
 * Whether the log says why a member is gone: the archive, or a container around the member
 * (a nested archive, the tar of a .tar.gz), failed, its listing stopped at damage, or it
 * was not recognised as an archive at all (its own result says why).
 */
function goneExplained(got: ArchiveImported, name: string): boolean {
  const parts = name.split('!/');
  for (let k = 0; k < parts.length; k++) {
    const key = parts.slice(0, k).join('!/');
    const c = got.containers.get(key);
    if (c && (c.status !== 'complete' || c.notes.some((n) => n.level === 'error' && ARCHIVE_NOTE.test(n.reason)))) return true;
    const m = key === '' ? undefined : got.members.get(key);
    if (m && (m.result.status !== 'complete' || m.damage)) return true;
    // Not read as an archive at all (cut to nothing, its signature damaged): its own entry says what it was taken for.
    if (key === '' && !c && got.archive) return true;
    // A nested archive that is not there under its name, where its container has a member that failed for an archive
    // problem: that is the nested archive, under a damaged name (a gzip header's).
    const nested = k + 1 < parts.length ? parts.slice(0, k + 1).join('!/') : null;
    if (c && nested && !got.containers.has(nested) && !got.members.has(nested)) {
      const prefix = key === '' ? '' : `${key}!/`;
      for (const [n, o] of got.members) {
        if (n.startsWith(prefix) && !n.slice(prefix.length).includes('!/') && o.result.status === 'failed' && ARCHIVE_NOTE.test(o.result.error ?? '')) return true;
      }
    }
  }
  return false;
}

export function compareArchive(
  clean: ArchiveImported,
  got: ArchiveImported,
  expect: (name: string) => MemberExpect,
  data: (name: string) => Buffer | null,
  /** Members the clean archive does not have that may be there (added to the damaged archive on purpose). */
  added: (name: string) => boolean = () => false,
): ArchiveComparison {
  const cmp: ArchiveComparison = { issues: [], problems: [], lost: 0, prefixLost: 0, prefixProblems: [], invented: 0, intact: 0 };
  const issue = (name: string, what: MemberIssue['what'], text: string, got: MemberOutcome | null) => {
    cmp.issues.push({ name, what, text, got });
    cmp.problems.push(text);
  };
  const unexplained: string[] = [];
  for (const [name, m] of clean.members) {
    const e = expect(name);
    const g = got.members.get(name);
    if (e.kind === 'intact') {
      cmp.intact++;
      if (!g) {
        cmp.lost++;
        issue(name, 'gone', `${name} (untouched) is gone from the log (clean: ${m.result.status}, ${m.result.stored} stored)`, null);
        continue;
      }
      const a = { status: m.result.status, records: m.result.records, stored: m.result.stored, duplicates: m.result.duplicates, skipped: m.result.skipped, failed: m.result.failed, digest: m.digest };
      const b = { status: g.result.status, records: g.result.records, stored: g.result.stored, duplicates: g.result.duplicates, skipped: g.result.skipped, failed: g.result.failed, digest: g.digest };
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        cmp.lost++;
        const missing = m.events.filter((x) => !g.events.includes(x));
        issue(name, 'changed', `${name} (untouched) changed: ${JSON.stringify({ ...a, digest: undefined })} -> ${JSON.stringify({ ...b, digest: undefined })}` +
          `${g.result.error ? `, error ${JSON.stringify(g.result.error)}` : ''}${g.damage ? `, note ${JSON.stringify(g.damage.reason)}` : ''}; ${missing.length} event(s) missing, first: ${missing[0]?.slice(0, 160) ?? '-'}`, g);
      }
      continue;
    }
    if (!g) {
      if (!goneExplained(got, name)) unexplained.push(name);
      continue;
    }
    if (e.kind === 'damaged') {
      const bytes = data(name);
      if (!bytes) continue;
      const want = eventsBefore(m, bytes, e.prefix);
      const have = new Set(g.events);
      const missing = want.filter((x) => !have.has(x));
      if (missing.length) {
        cmp.prefixLost += missing.length;
        cmp.prefixProblems.push(`${name}: ${missing.length} of the ${want.length} record(s) wholly in its first ${e.prefix} bytes lost (status ${g.result.status}, ` +
          `${g.result.stored} stored${g.damage ? `, note ${JSON.stringify(g.damage.reason)}` : ''}${g.result.error ? `, error ${JSON.stringify(g.result.error)}` : ''}); first: ${missing[0]!.slice(0, 160)}`);
      }
    }
  }
  const extra = [...got.members.keys()].filter((n) => !clean.members.has(n) && !added(n));
  const anyDamaged = [...clean.members.keys()].some((n) => expect(n).kind !== 'intact');
  if (extra.length && !anyDamaged) {
    cmp.invented += extra.length;
    issue('', 'invented', `member(s) the clean archive does not have, and no member was damaged: ${extra.slice(0, 5).join(', ')}`, null);
  }
  // A damaged member that is gone, and no damage named around it: unless its own name was damaged (it is among the extra ones).
  if (unexplained.length > extra.length) issue('', 'silent', `member(s) gone without a word in the log about their container: ${unexplained.slice(0, 5).join(', ')}`, null);
  return cmp;
}
