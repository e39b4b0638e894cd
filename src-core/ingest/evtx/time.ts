// FILETIME and SYSTEMTIME to ISO 8601 text ("Value types": FileTimeType 0x11, SysTimeType 0x12,
// "Systemtime"). A FILETIME counts 100 ns ticks since 1601-01-01 in 64 bits, more than a JS
// number holds exactly, so the tick count is divided by 10^7 in 16-bit limbs: every
// intermediate stays below 2^53 and the 7 fractional digits are exact.

/** An ISO 8601 UTC timestamp with exactly 7 fractional digits, e.g. `2019-04-30T20:26:51.7935890Z`. */
export type Iso7 = string;

const TICKS_PER_SECOND = 10_000_000;
const SECONDS_1601_TO_1970 = 11_644_473_600;

const P2: string[] = [];
for (let i = 0; i < 100; i++) P2.push(i < 10 ? `0${i}` : `${i}`);

function pad4(n: number): string {
  return n >= 1000 ? `${n}` : n >= 100 ? `0${n}` : n >= 10 ? `00${n}` : n >= 0 ? `000${n}` : `-${pad4(-n)}`;
}

function pad7(n: number): string {
  const s = `${n}`;
  return s.length >= 7 ? s : '0000000'.slice(s.length) + s;
}

/** Days since 1970-01-01 to a civil date (proleptic Gregorian), as [year, month, day]. */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

let lastSecs = NaN;
let lastPrefix = '';

/** Seconds since the Unix epoch plus a 7-digit tick fraction, as ISO 8601. */
export function isoFromUnixSeconds(secs: number, ticks: number): Iso7 {
  if (secs !== lastSecs) {
    const days = Math.floor(secs / 86400);
    let sod = secs - days * 86400;
    const [y, m, d] = civil(days);
    const hh = Math.floor(sod / 3600);
    sod -= hh * 3600;
    const mi = Math.floor(sod / 60);
    const ss = sod - mi * 60;
    lastPrefix = `${pad4(y)}-${P2[m]}-${P2[d]}T${P2[hh]}:${P2[mi]}:${P2[ss]}.`;
    lastSecs = secs;
  }
  return `${lastPrefix}${pad7(ticks)}Z`;
}

let lastLo = -1;
let lastHi = -1;
let lastIso = '';

/** A FILETIME given as its low and high 32-bit halves (unsigned), to ISO with 100 ns precision. */
export function filetimeToIso(lo: number, hi: number): Iso7 {
  if (lo === lastLo && hi === lastHi) return lastIso;
  // Long division of hi:lo by 10^7, 16 bits at a time.
  let r = hi >>> 16;
  const q3 = Math.floor(r / TICKS_PER_SECOND);
  r = (r - q3 * TICKS_PER_SECOND) * 65536 + (hi & 0xffff);
  const q2 = Math.floor(r / TICKS_PER_SECOND);
  r = (r - q2 * TICKS_PER_SECOND) * 65536 + (lo >>> 16);
  const q1 = Math.floor(r / TICKS_PER_SECOND);
  r = (r - q1 * TICKS_PER_SECOND) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(r / TICKS_PER_SECOND);
  r -= q0 * TICKS_PER_SECOND;
  const secs = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0;
  const iso = isoFromUnixSeconds(secs - SECONDS_1601_TO_1970, r);
  lastLo = lo;
  lastHi = hi;
  lastIso = iso;
  return iso;
}

/** A FILETIME as a BigInt tick count (for callers that need the exact integer). */
export function filetimeTicks(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The ISO text of a BigInt FILETIME tick count (0 ≤ ticks < 2^64). */
export function filetimeTicksToIso(ticks: bigint): Iso7 {
  return filetimeToIso(Number(ticks & 0xffffffffn), Number((ticks >> 32n) & 0xffffffffn));
}

/** libevtx's text of a FILETIME value: 9 fractional digits, e.g. `2016-07-08T18:12:51.681640800Z`. */
export function filetimeText(lo: number, hi: number): string {
  const iso = filetimeToIso(lo, hi);
  return `${iso.slice(0, -1)}00Z`;
}

/**
 * libevtx's text of a SYSTEMTIME value (16 bytes: year, month, day of week, day, hour, minute,
 * second, milliseconds; each 16-bit): milliseconds precision, e.g. `2019-03-08T23:23:05.000Z`.
 * The fields are printed as stored, not validated.
 */
export function systemtimeText(b: Uint8Array, off: number): string {
  const ms = field(b, off + 14);
  return `${pad4(field(b, off))}-${two(field(b, off + 2))}-${two(field(b, off + 6))}T${two(field(b, off + 8))}:${two(field(b, off + 10))}:${two(field(b, off + 12))}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`}Z`;
}

function field(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
}

function two(n: number): string {
  return n < 100 ? (P2[n] as string) : `${n}`;
}

const ISO_TEXT = /^(\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** An ISO 8601 UTC text with 0 to 9 fractional digits as Iso7 (digits beyond 7 dropped), or null. */
export function toIso7(text: string): Iso7 | null {
  const m = ISO_TEXT.exec(text);
  if (m === null) return null;
  const frac = m[2] ?? '';
  return `${m[1]}.${frac.length >= 7 ? frac.slice(0, 7) : frac + '0000000'.slice(frac.length)}Z`;
}
