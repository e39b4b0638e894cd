// Verdicts in the renderer (issue 13): their order, labels, the verdict filter, the grid's
// keys, and applying a stored change to the rows in hand (pure, unit-tested). The list
// mirrors src-core/model/hunt.ts VERDICTS (a runtime value the renderer may not import).
import type { VerdictChange } from '../../../src-core/api/contract.js';
import type { ReportRow, Verdict } from '../../../src-core/model/hunt.js';

export const VERDICTS: readonly Verdict[] = ['unreviewed', 'benign', 'suspicious', 'malicious'];

export const VERDICT_LABELS: Record<Verdict, string> = {
  unreviewed: 'Unreviewed', benign: 'Benign', suspicious: 'Suspicious', malicious: 'Malicious',
};

/** The grid's one-letter keys. */
export const VERDICT_KEYS: Record<string, Verdict> = { b: 'benign', s: 'suspicious', m: 'malicious', u: 'unreviewed' };

export function isVerdict(v: unknown): v is Verdict {
  return typeof v === 'string' && (VERDICTS as readonly string[]).includes(v);
}

/**
 * Sort rank, ascending = triage order: what was judged dangerous first, then what still
 * needs a look, then what was cleared. A responder sorting by verdict wants the worst on
 * top and the work left right under it; benign rows are the least interesting.
 */
export const VERDICT_RANK: Record<Verdict, number> = { malicious: 0, suspicious: 1, unreviewed: 2, benign: 3 };

/** The filter bar's choice: any row, one verdict, or every row someone judged. */
export type VerdictFilter = 'any' | 'reviewed' | Verdict;
export const VERDICT_FILTERS: readonly VerdictFilter[] = ['any', 'unreviewed', 'reviewed', 'malicious', 'suspicious', 'benign'];

export function isVerdictFilter(v: unknown): v is VerdictFilter {
  return typeof v === 'string' && (VERDICT_FILTERS as readonly string[]).includes(v);
}

export function matchesVerdict(r: Pick<ReportRow, 'verdict'>, f: VerdictFilter): boolean {
  if (f === 'any') return true;
  if (f === 'reviewed') return r.verdict !== 'unreviewed';
  return r.verdict === f;
}

/** Rows per verdict (for the filter's labels). */
export function verdictCounts(rows: readonly Pick<ReportRow, 'verdict'>[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { unreviewed: 0, benign: 0, suspicious: 0, malicious: 0 };
  for (const r of rows) out[r.verdict]++;
  return out;
}

/** `b`, `s`, `m`, `u` without a modifier, else null (Ctrl+S and the like stay the browser's). */
export function verdictForKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): Verdict | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return VERDICT_KEYS[e.key.toLowerCase()] ?? null;
}

/**
 * The rows after a stored change: the rows it names get the verdict, note and who/when
 * the core stored; every other row stays the same object (so caches keyed by row hold).
 * Returns the input array itself when no row changed.
 */
export function applyVerdictChange(rows: readonly ReportRow[], change: VerdictChange): readonly ReportRow[] {
  const ids = new Set(change.instanceIds);
  let changed = false;
  const out = rows.map((r) => {
    if (!ids.has(r.instanceId)) return r;
    changed = true;
    return withVerdict(r, change);
  });
  return changed ? out : rows;
}

/** One row with a change applied (whether or not the change names it). */
export function withVerdict<R extends Pick<ReportRow, 'instanceId' | 'verdict' | 'note' | 'verdictBy' | 'verdictAt'>>(r: R, change: VerdictChange): R {
  const note = change.notes[r.instanceId];
  return { ...r, verdict: change.verdict, note: note ?? r.note, verdictBy: change.by, verdictAt: change.at };
}

/** "Marked suspicious by alice on 2026-10-20 01:12 UTC", or that nobody has. */
export function verdictWho(r: Pick<ReportRow, 'verdict' | 'verdictBy' | 'verdictAt'>): string {
  if (!r.verdictBy && !r.verdictAt) return 'Nobody has judged it yet.';
  const when = r.verdictAt ? ` on ${r.verdictAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  const what = r.verdict === 'unreviewed' ? 'Set back to unreviewed' : `Marked ${r.verdict}`;
  return `${what}${r.verdictBy ? ` by ${r.verdictBy}` : ''}${when}`;
}
