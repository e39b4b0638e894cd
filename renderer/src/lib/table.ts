// The results table's logic, apart from React: columns, filtering, sorting. Pure, so
// it is unit-tested and fast on 100,000 rows (text is lowercased once per report).
import type { ReportRow } from '../../../src-core/model/hunt.js';
import { shortTime } from './format.js';
import { VERDICT_RANK, matchesVerdict, type VerdictFilter } from './verdicts.js';

export type ColumnKey =
  | 'verdict' | 'host' | 'startTime' | 'name' | 'path' | 'rareBy' | 'binaryHosts' | 'pathHosts' | 'launchesOnHost'
  | 'children' | 'remoteIps' | 'files' | 'dlls' | 'coveredHosts'
  | 'signature' | 'user' | 'commandLine';

export interface Column {
  key: ColumnKey;
  label: string;
  /** Longer header text for screen readers and tooltips. */
  title: string;
  width: number;
  numeric: boolean;
  /** Monospace (paths, command lines). */
  mono: boolean;
  /** The value sorted by. */
  sortValue(r: ReportRow): string | number | null;
  /** The text shown (and filtered on). */
  text(r: ReportRow): string;
}

const str = (v: string | null) => v ?? '';

/** Every column, in the default order; DEFAULT_SHOWN says which are shown until the user chooses. */
export const COLUMNS: readonly Column[] = [
  { key: 'verdict', label: 'Verdict', title: 'Verdict', width: 116, numeric: false, mono: false, sortValue: (r) => VERDICT_RANK[r.verdict], text: (r) => r.verdict },
  { key: 'host', label: 'Host', title: 'Host (key)', width: 104, numeric: false, mono: false, sortValue: (r) => r.host, text: (r) => r.host },
  { key: 'startTime', label: 'Start (UTC)', title: 'Process start time, UTC', width: 158, numeric: false, mono: false, sortValue: (r) => r.startTime, text: (r) => shortTime(r.startTime) },
  { key: 'name', label: 'Name', title: 'Service process name', width: 128, numeric: false, mono: false, sortValue: (r) => r.name?.toLowerCase() ?? null, text: (r) => str(r.name) },
  { key: 'path', label: 'Path', title: 'Executable path', width: 280, numeric: false, mono: true, sortValue: (r) => r.path?.toLowerCase() ?? null, text: (r) => str(r.path) },
  { key: 'rareBy', label: 'Rare by', title: 'Measures this row is rare by', width: 134, numeric: false, mono: false, sortValue: (r) => r.rareBy.join(','), text: (r) => r.rareBy.join(', ') },
  { key: 'binaryHosts', label: 'Bin. hosts', title: 'Hosts running this binary (hash and name)', width: 60, numeric: true, mono: false, sortValue: (r) => r.binaryHosts, text: (r) => (r.binaryHosts === null ? '' : String(r.binaryHosts)) },
  { key: 'pathHosts', label: 'Path hosts', title: 'Hosts running this normalized path', width: 60, numeric: true, mono: false, sortValue: (r) => r.pathHosts, text: (r) => (r.pathHosts === null ? '' : String(r.pathHosts)) },
  { key: 'launchesOnHost', label: 'Launches', title: 'Child launches of this service name on its host', width: 80, numeric: true, mono: false, sortValue: (r) => r.launchesOnHost, text: (r) => String(r.launchesOnHost) },
  { key: 'children', label: 'Children', title: 'Child processes this instance launched in the window', width: 72, numeric: true, mono: false, sortValue: (r) => r.counts.children, text: (r) => String(r.counts.children) },
  { key: 'remoteIps', label: 'Remote', title: 'Distinct remote addresses it connected to', width: 70, numeric: true, mono: false, sortValue: (r) => r.counts.remoteIps, text: (r) => String(r.counts.remoteIps) },
  { key: 'files', label: 'Files', title: 'Distinct files it wrote or touched', width: 54, numeric: true, mono: false, sortValue: (r) => r.counts.files, text: (r) => String(r.counts.files) },
  { key: 'dlls', label: 'DLLs', title: 'Distinct DLLs it loaded', width: 54, numeric: true, mono: false, sortValue: (r) => r.counts.dlls, text: (r) => String(r.counts.dlls) },
  { key: 'coveredHosts', label: 'Covered', title: 'Hosts with process-start coverage the day it started (marked when too few to call it rare)', width: 74, numeric: true, mono: false, sortValue: (r) => r.coveredHosts, text: (r) => String(r.coveredHosts) },
  { key: 'signature', label: 'Signature', title: 'Code signature state', width: 92, numeric: false, mono: false, sortValue: (r) => r.signature, text: (r) => r.signature },
  { key: 'user', label: 'User', title: 'User account', width: 150, numeric: false, mono: false, sortValue: (r) => r.user?.toLowerCase() ?? null, text: (r) => str(r.user) },
  { key: 'commandLine', label: 'Command line', title: 'Command line', width: 360, numeric: false, mono: true, sortValue: (r) => r.commandLine?.toLowerCase() ?? null, text: (r) => str(r.commandLine) },
];

/**
 * Shown until the user chooses: why a row is here, at a glance; the long text columns are
 * one click away. Covered hosts sits right after the host counts it qualifies ("on 1 host,
 * of 14 covered"), before the activity counts, so it is in view on a 1280-pixel screen.
 */
export const DEFAULT_SHOWN: readonly ColumnKey[] = [
  'verdict', 'host', 'startTime', 'name', 'rareBy', 'binaryHosts', 'pathHosts', 'coveredHosts', 'launchesOnHost',
  'children', 'remoteIps', 'files', 'dlls',
];

export const COLUMN_BY_KEY = Object.fromEntries(COLUMNS.map((c) => [c.key, c])) as Record<ColumnKey, Column>;

export interface TableFilter {
  /** Words that must all appear somewhere in the row (any column, hashes, signer, path key). */
  global: string;
  /** A host key, or '' for every host. */
  host: string;
  /** A verdict, 'reviewed' (any but unreviewed) or 'any'. */
  verdict: VerdictFilter;
  columns: Partial<Record<ColumnKey, string>>;
}

export const NO_FILTER: TableFilter = { global: '', host: '', verdict: 'any', columns: {} };

export interface SortSpec {
  key: ColumnKey;
  dir: 'asc' | 'desc';
}

export function isFiltered(f: TableFilter): boolean {
  return f.global.trim() !== '' || f.host !== '' || f.verdict !== 'any' || Object.values(f.columns).some((v) => v !== undefined && v.trim() !== '');
}

/** Everything the global filter searches, lowercased, once per row. */
export function searchText(r: ReportRow): string {
  return [
    r.host, r.hostName, r.name, r.path, r.pathKey, r.commandLine, r.user, r.hash, r.hashes.sha256, r.hashes.sha1, r.hashes.md5,
    r.signature, r.signer, r.rareBy.join(' '), shortTime(r.startTime), r.serviceInstall?.serviceName ?? null, r.flags.join(' '),
    // The responder's own note is searchable too ("search all columns" for a ticket number).
    r.note,
  ]
    .filter((v): v is string => v !== null && v !== '')
    .join('\u0000')
    .toLowerCase();
}

export type SearchIndex = WeakMap<ReportRow, string>;

type NumericTest = (n: number | null) => boolean;

/** `<=2`, `>1`, `=3`, `2` (equal) or `1-3` (inclusive) for numeric columns; null if not numeric syntax. */
export function numericTest(filter: string): NumericTest | null {
  const f = filter.trim();
  let m = /^(<=|>=|<|>|=|≤|≥)?\s*(\d+)$/.exec(f);
  if (m) {
    const n = Number(m[2]);
    switch (m[1]) {
      case '<': return (v) => v !== null && v < n;
      case '<=': case '≤': return (v) => v !== null && v <= n;
      case '>': return (v) => v !== null && v > n;
      case '>=': case '≥': return (v) => v !== null && v >= n;
      default: return (v) => v === n;
    }
  }
  m = /^(\d+)\s*(?:-|\.\.)\s*(\d+)$/.exec(f);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    return (v) => v !== null && v >= lo && v <= hi;
  }
  if (/^(none|empty|null|-|—)$/i.test(f)) return (v) => v === null;
  return null;
}

interface ColumnTest {
  col: Column;
  test: (r: ReportRow) => boolean;
}

function columnTests(f: TableFilter): ColumnTest[] {
  const out: ColumnTest[] = [];
  for (const col of COLUMNS) {
    const raw = f.columns[col.key]?.trim();
    if (!raw) continue;
    const num = col.numeric ? numericTest(raw) : null;
    if (num) {
      out.push({ col, test: (r) => num(col.sortValue(r) as number | null) });
      continue;
    }
    // Text columns: every word must appear; a leading `!` keeps rows without it.
    const words = raw.toLowerCase().split(/\s+/).filter(Boolean);
    out.push({
      col,
      test: (r) => {
        const t = col.text(r).toLowerCase();
        return words.every((w) => (w.startsWith('!') && w.length > 1 ? !t.includes(w.slice(1)) : t.includes(w)));
      },
    });
  }
  return out;
}

/** The rows that pass every filter, in their given order. */
export function filterRows(rows: readonly ReportRow[], f: TableFilter, index?: SearchIndex): ReportRow[] {
  const words = f.global.toLowerCase().split(/\s+/).filter(Boolean);
  const tests = columnTests(f);
  const host = f.host;
  const verdict = f.verdict;
  if (!words.length && !tests.length && !host && verdict === 'any') return rows.slice();
  const out: ReportRow[] = [];
  for (const r of rows) {
    if (host && r.host !== host) continue;
    if (verdict !== 'any' && !matchesVerdict(r, verdict)) continue;
    if (words.length) {
      let hay = index?.get(r);
      if (hay === undefined) {
        hay = searchText(r);
        index?.set(r, hay);
      }
      let ok = true;
      for (const w of words) {
        if (!hay.includes(w)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
    }
    if (tests.every((t) => t.test(r))) out.push(r);
  }
  return out;
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // empty values last, whatever the direction
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** A sorted copy; ties keep the report's order (host, then start time). Empty values sort last. */
export function sortRows(rows: readonly ReportRow[], sort: SortSpec | null): ReportRow[] {
  if (!sort) return rows.slice();
  const col = COLUMN_BY_KEY[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((r, i) => ({ r, i, v: col.sortValue(r) }));
  keyed.sort((x, y) => {
    if (x.v === null || y.v === null) return compare(x.v, y.v) || x.i - y.i;
    return sign * compare(x.v, y.v) || x.i - y.i;
  });
  return keyed.map((k) => k.r);
}

/** Next sort after a click on a column header: ascending, descending, then none. */
export function nextSort(cur: SortSpec | null, key: ColumnKey): SortSpec | null {
  if (!cur || cur.key !== key) return { key, dir: COLUMN_BY_KEY[key].numeric ? 'desc' : 'asc' };
  const first = COLUMN_BY_KEY[key].numeric ? 'desc' : 'asc';
  if (cur.dir === first) return { key, dir: first === 'asc' ? 'desc' : 'asc' };
  return null;
}

/** Row index after a navigation key, or null when the key does not move. */
export function navigate(key: string, current: number, count: number, page: number): number | null {
  if (count === 0) return null;
  const cur = current < 0 ? -1 : current;
  switch (key) {
    case 'ArrowDown': return Math.min(count - 1, cur + 1);
    case 'ArrowUp': return Math.max(0, cur - 1);
    case 'PageDown': return Math.min(count - 1, Math.max(0, cur) + page);
    case 'PageUp': return Math.max(0, cur - page);
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}

/** Distinct hosts of the rows, sorted, with their row counts (for the host filter). */
export function hostsOf(rows: readonly ReportRow[]): Array<{ host: string; rows: number }> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.host, (m.get(r.host) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([host, n]) => ({ host, rows: n }));
}
