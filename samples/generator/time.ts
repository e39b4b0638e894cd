// Time as integer 100 ns ticks since EPOCH_MS: JS numbers cannot hold 100 ns ticks
// since 1970 exactly, but a few months of them fit easily, and Defender/Elastic print
// seven fractional digits.
export type Ticks = number;

export const EPOCH_MS = Date.UTC(2026, 8, 1); // 2026-09-01T00:00:00Z
export const TICKS_PER_MS = 10_000;
export const SECOND = 10_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Ticks of a UTC civil time, e.g. at(2026, 10, 18, 14, 37, 28). Months are 1-based. */
export function at(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Ticks {
  return (Date.UTC(y, mo - 1, d, h, mi, s) - EPOCH_MS) * TICKS_PER_MS;
}

// The bench formats millions of timestamps: the date part is cached (it changes once
// a day of data), the clock part is built from a two-digit table, not from Date, and
// the last two seconds formatted are kept (rows mix the event time with start times).
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedDate = '';
let slotA = NaN;
let prefixA = '';
let slotB = NaN;
let prefixB = '';

/** `YYYY-MM-DDTHH:MM:SS.` of the second containing t. */
function secondPrefix(t: Ticks): string {
  const second = Math.floor(t / SECOND);
  if (second === slotA) return prefixA;
  if (second === slotB) return prefixB;
  const day = Math.floor(second / 86_400); // EPOCH_MS is a UTC midnight
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(EPOCH_MS + day * 86_400_000).toISOString().slice(0, 11);
  }
  const s = second - day * 86_400;
  slotB = slotA;
  prefixB = prefixA;
  slotA = second;
  prefixA = `${cachedDate}${TWO_DIGITS[Math.floor(s / 3_600)]}:${TWO_DIGITS[Math.floor(s / 60) % 60]}:${TWO_DIGITS[s % 60]}.`;
  return prefixA;
}

/** The seven fractional digits of t's second. */
function frac7(t: Ticks): string {
  return String(10_000_000 + (t - Math.floor(t / SECOND) * SECOND)).slice(1);
}

/** `2026-10-18T14:37:28.2012261Z` (Defender, Elastic Defend). */
export function iso7(t: Ticks): string {
  return `${secondPrefix(t)}${frac7(t)}Z`;
}

/** `2026-10-18 14:37:28.201` (Sysmon UtcTime; Security-Datasets TimeCreated after shifting). */
export function spaced3(t: Ticks): string {
  const p = secondPrefix(t);
  return `${p.slice(0, 10)} ${p.slice(11)}${frac7(t).slice(0, 3)}`;
}

/** Seconds since 1601 with nine decimals, as inside Elastic Defend entity ids. */
export function fileTimeSeconds(t: Ticks): string {
  // EPOCH_MS is a whole second, so the fraction is t's own.
  const seconds = EPOCH_MS / 1000 + 11_644_473_600 + Math.floor(t / SECOND);
  return `${seconds}.${frac7(t)}00`;
}
