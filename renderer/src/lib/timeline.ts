// Shaping the core's timeline and fleet figures for the charts (pure).
import type { FleetDay, TimelineEvent, TimelineLane } from '../../../src-core/api/contract.js';
import { epochMs } from './format.js';

export const LANES: readonly TimelineLane[] = ['service', 'start', 'child', 'network', 'file', 'dll', 'end'];
export const LANE_LABELS: Record<TimelineLane, string> = {
  service: 'Service install', start: 'Process start', child: 'Child process', network: 'Network', file: 'File', dll: 'DLL load', end: 'Process end',
};

export interface TimelinePoint {
  /** Epoch milliseconds. */
  x: number;
  /** Lane position (0 at the top). */
  y: number;
  lane: TimelineLane;
  time: string;
  label: string;
  detail: string | null;
}

/** Points in time order; at most `max`, thinned evenly per lane (first and last kept). */
export function timelinePoints(events: readonly TimelineEvent[], max = 4000): { points: TimelinePoint[]; thinned: boolean } {
  const all = events.map((e) => ({ x: epochMs(e.time), y: LANES.indexOf(e.lane), lane: e.lane, time: e.time, label: e.label, detail: e.detail }))
    .filter((p) => Number.isFinite(p.x));
  if (all.length <= max) return { points: all.sort((a, b) => a.x - b.x), thinned: false };
  const byLane = new Map<TimelineLane, TimelinePoint[]>();
  for (const p of all) {
    let l = byLane.get(p.lane);
    if (!l) byLane.set(p.lane, (l = []));
    l.push(p);
  }
  const out: TimelinePoint[] = [];
  for (const l of byLane.values()) {
    const keep = Math.max(2, Math.round((l.length / all.length) * max));
    if (l.length <= keep) {
      out.push(...l);
      continue;
    }
    const step = (l.length - 1) / (keep - 1);
    for (let i = 0; i < keep; i++) out.push(l[Math.round(i * step)]!);
  }
  return { points: out.sort((a, b) => a.x - b.x), thinned: true };
}

export interface FleetDayTotal {
  day: string;
  /** Every service launch of the day (rare ones included). */
  total: number;
  ordinary: number;
  rare: number;
  /** The number of rare launches as the chart's label on days that have some, else null. */
  rareLabel: string | null;
  hosts: number;
  rareHosts: string[];
}

/** Launches per day across hosts: ordinary and rare (a day with no launches is kept as 0). */
export function fleetTotals(days: readonly FleetDay[]): FleetDayTotal[] {
  const m = new Map<string, FleetDayTotal>();
  for (const d of days) {
    let t = m.get(d.day);
    if (!t) m.set(d.day, (t = { day: d.day, total: 0, ordinary: 0, rare: 0, rareLabel: null, hosts: 0, rareHosts: [] }));
    t.rare += d.rare;
    t.total += d.launches;
    t.ordinary += Math.max(0, d.launches - d.rare);
    t.rareLabel = t.rare ? String(t.rare) : null;
    t.hosts++;
    if (d.rare > 0) t.rareHosts.push(d.host);
  }
  const sorted = [...m.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  if (sorted.length < 2) return sorted;
  // Fill the gaps so the axis is even.
  const out: FleetDayTotal[] = [];
  const first = Date.parse(`${sorted[0]!.day}T00:00:00Z`);
  const last = Date.parse(`${sorted[sorted.length - 1]!.day}T00:00:00Z`);
  if (!Number.isFinite(first) || !Number.isFinite(last) || (last - first) / 86_400_000 > 3660) return sorted;
  for (let t = first; t <= last; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(m.get(day) ?? { day, total: 0, ordinary: 0, rare: 0, rareLabel: null, hosts: 0, rareHosts: [] });
  }
  return out;
}

/** Time axis ticks: a readable label for the span shown. */
export function timeTick(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  if (spanMs <= 2 * 60_000) return iso.slice(11, 23);
  if (spanMs <= 2 * 86_400_000) return iso.slice(11, 19);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
