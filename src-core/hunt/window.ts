// Spec 7.1: the window is `newest − N days < t ≤ newest`, newest being the latest
// time of any stored event (offline data has no "now"). Ranges are inclusive.
import type { Iso7 } from '../model/events.js';
import type { WindowSpec } from '../model/hunt.js';
import { isoToMs } from '../normalize/time.js';

export interface Bounds {
  /** Lower bound, or null for none. */
  from: Iso7 | null;
  fromInclusive: boolean;
  /** Upper bound (inclusive), or null for none. */
  to: Iso7 | null;
  description: string;
}

export function windowBounds(spec: WindowSpec, newest: Iso7 | null): Bounds {
  switch (spec.kind) {
    case 'all':
      return { from: null, fromInclusive: true, to: null, description: 'all events' };
    case 'range':
      return {
        from: spec.from, fromInclusive: true, to: spec.to,
        description: `${spec.from ?? 'the beginning'} .. ${spec.to ?? 'the end'} (inclusive)`,
      };
    case 'days': {
      if (newest === null) return { from: null, fromInclusive: false, to: null, description: `last ${spec.days} days (case is empty)` };
      // Subtract whole days from the newest time, keeping its sub-second digits.
      const fromMs = isoToMs(newest) - spec.days * 86_400_000;
      const from = new Date(fromMs).toISOString().slice(0, 19) + newest.slice(19);
      return { from, fromInclusive: false, to: newest, description: `last ${spec.days} days before the newest event (${newest})` };
    }
  }
}

export function inWindow(t: Iso7, b: Bounds): boolean {
  if (b.from !== null && (b.fromInclusive ? t < b.from : t <= b.from)) return false;
  if (b.to !== null && t > b.to) return false;
  return true;
}

/** A SQL condition on `column` and its parameters (always bound, never spliced). */
export function windowSql(column: string, b: Bounds): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (b.from !== null) {
    parts.push(`${column} ${b.fromInclusive ? '>=' : '>'} ?`);
    params.push(b.from);
  }
  if (b.to !== null) {
    parts.push(`${column} <= ?`);
    params.push(b.to);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/** Parses `30d`, `7d`, `all`, `FROM..TO` (dates or ISO times; either side may be empty). */
export function parseWindow(text: string): WindowSpec {
  const t = text.trim();
  if (t === 'all') return { kind: 'all' };
  const days = /^(\d+)d$/.exec(t);
  if (days) return { kind: 'days', days: Number(days[1]) };
  const range = /^(.*)\.\.(.*)$/.exec(t);
  if (range) {
    const from = range[1]!.trim() ? boundary(range[1]!.trim(), 'start') : null;
    const to = range[2]!.trim() ? boundary(range[2]!.trim(), 'end') : null;
    if (from !== null && to !== null && from > to) throw new Error(`window ${text}: start is after end`);
    return { kind: 'range', from, to };
  }
  throw new Error(`bad window "${text}": use 30d, 7d, all, or FROM..TO`);
}

function boundary(s: string, side: 'start' | 'end'): Iso7 {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return side === 'start' ? `${s}T00:00:00.0000000Z` : `${s}T23:59:59.9999999Z`;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad window bound "${s}"`);
  const frac = /\.(\d+)/.exec(s)?.[1] ?? '';
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac.slice(0, 7).padEnd(7, '0') + 'Z';
}
