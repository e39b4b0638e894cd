// Issue 13: which hosts were logging process starts, and when. A rarity measure counts
// hosts; "seen on 1 host" means little if only 2 hosts sent process starts that day, so
// every row carries the number of hosts with process-start coverage on the UTC day its
// service process started, and the hunt says how many hosts had any in the window.
// Granularity is the UTC day: fine enough to show a host that stopped logging for a
// week, coarse enough that a quiet hour on a working host is not a gap.
import type { Db } from '../store/case-db.js';
import type { CoverageKind } from '../model/hunt.js';
import type { CoverageRange } from '../api/contract.js';

/** The coverage kind of a stored process start's source, or null for other sources. */
export function coverageKind(source: string): CoverageKind | null {
  if (source === 'sysmon:1') return 'sysmon';
  if (source === 'security:4688') return 'security';
  if (source.startsWith('defender:')) return 'defender';
  if (source.startsWith('elastic:')) return 'elastic';
  return null;
}

/** Process starts of one kind on one UTC day: [kind, day, starts]. */
export type CoverageCount = [kind: CoverageKind, day: string, starts: number];

/** One host's coverage from its process starts (resolution computes it per host). */
export function hostCoverage(rows: Iterable<{ time: string; source: string; implied: number }>): CoverageCount[] {
  const counts = new Map<string, number>();
  // Rows come in time order, mostly one source: the key is rebuilt only when either changes.
  let lastSource = '';
  let lastKind: CoverageKind | null = null;
  let lastDay = '';
  let key = '';
  for (const r of rows) {
    if (r.implied) continue;
    if (r.source !== lastSource) {
      lastSource = r.source;
      lastKind = coverageKind(r.source);
      lastDay = '';
    }
    if (lastKind === null) continue;
    if (lastDay === '' || !r.time.startsWith(lastDay)) {
      lastDay = r.time.slice(0, 10);
      key = `${lastKind} ${lastDay}`;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => {
    const [kind, day] = k.split(' ') as [CoverageKind, string];
    return [kind, day, n];
  });
}

/** Rewrites one host's coverage. */
export function storeHostCoverage(db: Db, hostId: number, counts: readonly CoverageCount[]): void {
  db.prepare('DELETE FROM coverage WHERE host_id = ?').run(hostId);
  const ins = db.prepare('INSERT INTO coverage (host_id, kind, day, starts) VALUES (?, ?, ?, ?)');
  for (const [kind, day, n] of counts) ins.run(hostId, kind, day, n);
}

/** Whole days between two `YYYY-MM-DD` days. */
function dayGap(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Every host's coverage as runs of consecutive days, per kind; by host, kind, day. */
export function coverageRanges(db: Db): CoverageRange[] {
  const rows = db
    .prepare(
      `SELECT h.key AS host, c.kind, c.day, c.starts FROM coverage c JOIN host h ON h.id = c.host_id
        ORDER BY h.key, c.kind, c.day`,
    )
    .all() as Array<{ host: string; kind: CoverageKind; day: string; starts: number }>;
  const out: CoverageRange[] = [];
  let cur: CoverageRange | null = null;
  for (const r of rows) {
    if (cur && cur.host === r.host && cur.kind === r.kind && dayGap(cur.to, r.day) === 1) {
      cur.to = r.day;
      cur.starts += r.starts;
      continue;
    }
    cur = { host: r.host, kind: r.kind, from: r.day, to: r.day, starts: r.starts };
    out.push(cur);
  }
  return out;
}

export interface CoverageIndex {
  /** Hosts with process starts (any kind) on a UTC day. */
  hostsOn(day: string): number;
  /** Hosts with process starts on at least one day from `from` to `to` (days, inclusive; null = open). */
  hostsBetween(from: string | null, to: string | null): number;
}

/** The case's coverage by day, read once per hunt (hosts × days rows, small). */
export function coverageIndex(db: Db): CoverageIndex {
  const byDay = new Map<string, Set<number>>();
  for (const r of db.prepare('SELECT DISTINCT day, host_id FROM coverage').iterate() as IterableIterator<{ day: string; host_id: number }>) {
    let s = byDay.get(r.day);
    if (!s) byDay.set(r.day, (s = new Set()));
    s.add(r.host_id);
  }
  return {
    hostsOn: (day) => byDay.get(day)?.size ?? 0,
    hostsBetween(from, to) {
      const hosts = new Set<number>();
      for (const [day, s] of byDay) {
        if ((from === null || day >= from) && (to === null || day <= to)) for (const h of s) hosts.add(h);
      }
      return hosts.size;
    },
  };
}
