// Time parsing into Iso7 (see model/events.ts). Spec section 1 "Time": UTC, keeping
// the source precision; zone-less times are UTC unless the format is known to be
// local time, and callers record a warning when the zone is unknown.
import type { Iso7 } from '../model/events.js';

export interface ParsedTime {
  iso: Iso7;
  /** False when the text carried no zone (caller decides what that means). */
  zoned: boolean;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$/i;
const US_RE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(AM|PM)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const KIBANA_RE =
  /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s*@\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Builds an Iso7 from civil fields, shifting by `offsetMinutes` (local = UTC + offset). */
function build(
  y: number, mo: number, d: number, h: number, mi: number, s: number,
  frac: string | undefined, offsetMinutes: number,
): Iso7 | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  // Not Date.UTC(y, …): it reads years 0-99 as 1900-1999.
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  // A day the month does not have (02-30) is not a time, not the next month's.
  if (at.getUTCDate() !== d) return null;
  at.setUTCHours(h, mi, Math.min(s, 59), 0);
  const dt = new Date(at.getTime() - offsetMinutes * 60_000);
  if (!inIsoRange(dt)) return null;
  // Fractions beyond 100 ns are truncated, never rounded: rounding could carry into
  // the seconds and move an event across a window edge.
  const f = (frac ?? '').slice(0, 7).padEnd(7, '0');
  return (
    `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)}` +
    `T${pad(dt.getUTCHours(), 2)}:${pad(dt.getUTCMinutes(), 2)}:${pad(dt.getUTCSeconds(), 2)}.${f}Z`
  );
}

/** Iso7 has four year digits: times outside years 0000-9999 cannot be written. */
function inIsoRange(dt: Date): boolean {
  const y = dt.getUTCFullYear();
  return !Number.isNaN(dt.getTime()) && y >= 0 && y <= 9999;
}

function daysIn(y: number, mo: number): number {
  if (mo === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** The number written by `v`'s characters from `from` to `to` (ASCII digits only), or -1. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Whether `v` is `YYYY-MM-DDTHH:MM:SS.<fraction>Z` with a real date and time of day, the
 * fraction taking the characters up to the Z: the common inputs (Iso7 itself, and ISO
 * with milliseconds), checked by character codes. It was two regular expressions and six
 * slices, 7 % of a Defender row's parse (decision 80; test/normalize/fast-checks.test.ts
 * keeps the old check and compares).
 */
export function isIsoUtc(v: string): boolean {
  const z = v.length - 1;
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 46 || v.charCodeAt(z) !== 90 || z < 21) return false;
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return false;
  const h = digits(v, 11, 13);
  const mi = digits(v, 14, 16);
  const sec = digits(v, 17, 19);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  for (let i = 20; i < z; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function zoneOffset(zone: string | undefined): number {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const mins = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -mins : mins;
}

/**
 * Parses the time formats our inputs use: ISO 8601 (any fraction length, `Z`,
 * offsets, or none), `YYYY-MM-DD HH:MM:SS.fff` (Sysmon UtcTime, Security-Datasets),
 * Log Analytics/Sentinel `10/18/2023, 2:37:28.201 PM`, Kibana `Mar 3, 2020 @ 19:08:32.746`,
 * and epoch milliseconds. Returns null when the text is not a time.
 */
export function parseTime(value: unknown): ParsedTime | null {
  if (typeof value === 'number' && Number.isFinite(value)) return fromEpochMs(value);
  if (typeof value !== 'string') return null;
  // Already Iso7, or ISO with milliseconds (field ranges checked: month 13 is not a
  // time): the common cases, answered without a Date.
  if (value.length === 28 && isIsoUtc(value)) return { iso: value, zoned: true };
  if (value.length === 24 && isIsoUtc(value)) return { iso: `${value.slice(0, 23)}0000Z`, zoned: true };
  const text = value.trim();
  if (!text) return null;
  let m = ISO_RE.exec(text);
  if (m) {
    const iso = build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), m[7], zoneOffset(m[8]));
    return iso ? { iso, zoned: m[8] !== undefined } : null;
  }
  m = US_RE.exec(text);
  if (m) {
    let h = +m[4]!;
    const ampm = m[8]?.toUpperCase();
    if (ampm === 'PM' && h < 12) h += 12;
    if (ampm === 'AM' && h === 12) h = 0;
    const iso = build(+m[3]!, +m[1]!, +m[2]!, h, +m[5]!, +(m[6] ?? 0), m[7], zoneOffset(m[9]));
    return iso ? { iso, zoned: m[9] !== undefined } : null;
  }
  m = KIBANA_RE.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    if (!mo) return null;
    const iso = build(+m[3]!, mo, +m[2]!, +m[4]!, +m[5]!, +(m[6] ?? 0), m[7], 0);
    return iso ? { iso, zoned: false } : null;
  }
  if (/^\d{12,14}$/.test(text)) return fromEpochMs(Number(text));
  return null;
}

export function fromEpochMs(ms: number): ParsedTime | null {
  const dt = new Date(Math.floor(ms));
  if (!inIsoRange(dt)) return null;
  const iso = dt.toISOString(); // 2020-01-01T00:00:00.000Z
  // Four digits of 100 ns: .99995 ms and up must not round to a fifth digit.
  const sub = Math.min(9999, Math.round((ms - Math.floor(ms)) * 10_000));
  return { iso: `${iso.slice(0, 23)}${pad(sub, 4)}Z`, zoned: true };
}

/** Shifts an Iso7 by whole minutes (used to undo a local-time offset). */
export function shiftMinutes(iso: Iso7, minutes: number): Iso7 {
  if (minutes === 0) return iso;
  const ms = Date.parse(iso.slice(0, 19) + 'Z') + minutes * 60_000;
  return new Date(ms).toISOString().slice(0, 19) + iso.slice(19);
}

/** Milliseconds since the epoch (sub-millisecond digits dropped): for windows and gaps. */
export function isoToMs(iso: Iso7): number {
  return Date.parse(iso.slice(0, 23) + 'Z');
}

/** Exact difference a − b in 100 ns units (as a JS number; fine for spans under ~28 years). */
export function diffTicks(a: Iso7, b: Iso7): number {
  const whole = (Date.parse(a.slice(0, 19) + 'Z') - Date.parse(b.slice(0, 19) + 'Z')) * 10_000;
  return whole + (Number(a.slice(20, 27)) - Number(b.slice(20, 27)));
}

/** Converts a Windows FILETIME (100 ns since 1601-01-01, as bigint) to Iso7. */
export function fromFiletime(ticks: bigint): Iso7 {
  const unixTicks = ticks - 116444736000000000n;
  const secs = unixTicks / 10_000_000n;
  let rem = unixTicks % 10_000_000n;
  let s = secs;
  if (rem < 0n) {
    rem += 10_000_000n;
    s -= 1n;
  }
  const dt = new Date(Number(s) * 1000);
  return dt.toISOString().slice(0, 19) + '.' + pad(Number(rem), 7) + 'Z';
}

/** Iso7 for a moment given in ms (end-of-window arithmetic). */
export function msToIso(ms: number): Iso7 {
  return new Date(ms).toISOString().slice(0, 23) + '0000Z';
}
