// Shaping process-start coverage (coverage.list) for the Import screen's chart and host
// strips (pure, unit-tested). Rarity is only as good as the hosts it was measured over:
// a day when few hosts logged process starts, or a host with a hole in its logs, is
// where "seen on one host" means little.
import type { CoverageKind, CoverageRange } from '../../../src-core/api/contract.js';

/** Mirrors src-core/model/hunt.ts COVERAGE_KINDS (a runtime value the renderer may not import). */
export const COVERAGE_KINDS: readonly CoverageKind[] = ['sysmon', 'security', 'defender', 'elastic'];

export const KIND_LABELS: Record<CoverageKind, string> = {
  sysmon: 'Sysmon 1', security: 'Security 4688', defender: 'Defender', elastic: 'Elastic',
};

const DAY_MS = 86_400_000;
/** Longer spans are not filled day by day (a stray timestamp years off must not make millions of bars). */
const MAX_FILL_DAYS = 3660;

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** One day of the chart: hosts covered, each counted once. */
export interface CoverageDay {
  day: string;
  /** Hosts whose only process-start source that day is this kind. */
  sysmon: number;
  security: number;
  defender: number;
  elastic: number;
  /** Hosts with more than one source that day. */
  several: number;
  /** Distinct hosts with any coverage (the stack's height). */
  hosts: number;
  /** Hosts per kind, overlapping (for the tooltip). */
  byKind: Record<CoverageKind, number>;
}

function emptyDay(day: string): CoverageDay {
  return { day, sysmon: 0, security: 0, defender: 0, elastic: 0, several: 0, hosts: 0, byKind: { sysmon: 0, security: 0, defender: 0, elastic: 0 } };
}

/** The days a range covers (inclusive), or none when it is not a readable range. */
function eachDay(from: string, to: string, fn: (day: string) => void): void {
  const a = dayMs(from);
  const b = dayMs(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a || (b - a) / DAY_MS > MAX_FILL_DAYS) {
    if (Number.isFinite(a)) fn(from);
    return;
  }
  for (let t = a; t <= b; t += DAY_MS) fn(dayOf(t));
}

/** Per day, the hosts with process-start coverage, split by source; days without any kept as 0. */
export function coverageDays(ranges: readonly CoverageRange[]): CoverageDay[] {
  // day → host → kinds
  const days = new Map<string, Map<string, Set<CoverageKind>>>();
  for (const r of ranges) {
    eachDay(r.from, r.to, (day) => {
      let hosts = days.get(day);
      if (!hosts) days.set(day, (hosts = new Map()));
      let kinds = hosts.get(r.host);
      if (!kinds) hosts.set(r.host, (kinds = new Set()));
      kinds.add(r.kind);
    });
  }
  const out = new Map<string, CoverageDay>();
  for (const [day, hosts] of days) {
    const d = emptyDay(day);
    for (const kinds of hosts.values()) {
      d.hosts++;
      for (const k of kinds) d.byKind[k]++;
      if (kinds.size > 1) d.several++;
      else d[[...kinds][0]!]++;
    }
    out.set(day, d);
  }
  const sorted = [...out.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  if (sorted.length < 2) return sorted;
  const first = dayMs(sorted[0]!.day);
  const last = dayMs(sorted[sorted.length - 1]!.day);
  if ((last - first) / DAY_MS > MAX_FILL_DAYS) return sorted;
  const filled: CoverageDay[] = [];
  for (let t = first; t <= last; t += DAY_MS) {
    const day = dayOf(t);
    filled.push(out.get(day) ?? emptyDay(day));
  }
  return filled;
}

export interface DaySpan {
  from: string;
  to: string;
}

/** One host's coverage over the case: when, from what, and the holes in it. */
export interface HostCoverage {
  host: string;
  kinds: CoverageKind[];
  /** Covered days, merged across kinds (consecutive days join). */
  spans: DaySpan[];
  /** Days with no process starts between the host's first and last covered day. */
  gaps: DaySpan[];
  gapDays: number;
  coveredDays: number;
  first: string;
  last: string;
  starts: number;
}

/** Merges day spans (inclusive) that overlap or touch. */
export function mergeSpans(spans: readonly DaySpan[]): DaySpan[] {
  const sorted = spans.filter((s) => Number.isFinite(dayMs(s.from)) && Number.isFinite(dayMs(s.to)))
    .map((s) => (s.to < s.from ? { from: s.to, to: s.from } : { from: s.from, to: s.to }))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: DaySpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && dayMs(s.from) <= dayMs(last.to) + DAY_MS) {
      if (s.to > last.to) last.to = s.to;
    } else out.push(s);
  }
  return out;
}

const spanDays = (s: DaySpan) => Math.round((dayMs(s.to) - dayMs(s.from)) / DAY_MS) + 1;

/** Every host's coverage; hosts with gaps first (most missing days first), then by name. */
export function hostCoverage(ranges: readonly CoverageRange[]): HostCoverage[] {
  const by = new Map<string, CoverageRange[]>();
  for (const r of ranges) {
    let l = by.get(r.host);
    if (!l) by.set(r.host, (l = []));
    l.push(r);
  }
  const out: HostCoverage[] = [];
  for (const [host, list] of by) {
    const spans = mergeSpans(list);
    if (!spans.length) continue;
    const gaps: DaySpan[] = [];
    for (let i = 1; i < spans.length; i++) {
      gaps.push({ from: dayOf(dayMs(spans[i - 1]!.to) + DAY_MS), to: dayOf(dayMs(spans[i]!.from) - DAY_MS) });
    }
    out.push({
      host,
      kinds: COVERAGE_KINDS.filter((k) => list.some((r) => r.kind === k)),
      spans,
      gaps,
      gapDays: gaps.reduce((a, g) => a + spanDays(g), 0),
      coveredDays: spans.reduce((a, s) => a + spanDays(s), 0),
      first: spans[0]!.from,
      last: spans[spans.length - 1]!.to,
      starts: list.reduce((a, r) => a + r.starts, 0),
    });
  }
  return out.sort((a, b) => b.gapDays - a.gapDays || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/** Where a span sits on a strip from `from` to `to` (inclusive days), as left and width fractions. */
export function spanPlace(span: DaySpan, from: string, to: string): { left: number; width: number } {
  const a = dayMs(from);
  const total = (dayMs(to) - a) / DAY_MS + 1;
  if (!(total > 0)) return { left: 0, width: 1 };
  const left = Math.max(0, (dayMs(span.from) - a) / DAY_MS) / total;
  const width = Math.min(1 - left, spanDays(span) / total);
  return { left, width: Math.max(0, width) };
}

export function spanText(s: DaySpan): string {
  return s.from === s.to ? s.from : `${s.from} to ${s.to}`;
}
