// Decision 80: the time and hash checks every Defender row runs three times each, by
// character codes, against the regular expressions they replaced (kept here).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoUtc, parseTime } from '../../src-core/normalize/time.js';
import { clean, makeHashes } from '../../src-core/normalize/values.js';

const ISO7_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const ISO3_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
function daysIn(y: number, mo: number): number {
  return mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
}
function plausible(iso: string): boolean {
  const mo = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(+iso.slice(0, 4), mo) &&
    +iso.slice(11, 13) <= 23 && +iso.slice(14, 16) <= 59 && +iso.slice(17, 19) <= 59;
}
/** The check before decision 80, for the two lengths parseTime asks it about. */
const before = (v: string) => (v.length === 28 ? ISO7_RE.test(v) : v.length === 24 && ISO3_RE.test(v)) && plausible(v);

function hexBefore(value: unknown, length: number): string | null {
  const text = clean(value);
  if (text === null) return null;
  const t = text.trim().toLowerCase();
  return t.length === length && /^[0-9a-f]+$/.test(t) ? t : null;
}

describe('isIsoUtc (decision 80)', () => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const time = fc.record({
    y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 60 }),
    frac: fc.integer({ min: 0, max: 9_999_999 }), ms: fc.boolean(),
  }).map(({ y, mo, d, h, mi, s, frac, ms }) =>
    `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${ms ? pad(frac % 1000, 3) : pad(frac, 7)}Z`);
  // One character of a time put in another's place, or replaced by a look-alike.
  const damaged = fc.tuple(time, fc.nat(), fc.constantFrom('0', '9', '-', ':', 'T', 'Z', '.', ' ', 'x', '٣', '\u0000', '/'))
    .map(([t, at, c]) => t.slice(0, at % t.length) + c + t.slice((at % t.length) + 1));

  it('accepts and refuses exactly what the regular expressions and range checks did', () => {
    fc.assert(fc.property(fc.oneof(time, damaged), (v) => {
      expect(isIsoUtc(v), v).toBe(before(v));
    }), { numRuns: 20000 });
    fc.assert(fc.property(fc.string({ minLength: 24, maxLength: 28 }), (v) => {
      if (v.length === 24 || v.length === 28) expect(isIsoUtc(v)).toBe(before(v));
    }), { numRuns: 5000 });
  });

  it('knows leap years, month lengths and the last second of a day', () => {
    for (const [v, ok] of [
      ['2024-02-29T23:59:59.9999999Z', true], ['2023-02-29T00:00:00.0000000Z', false], ['1900-02-29T00:00:00.000Z', false],
      ['2000-02-29T00:00:00.000Z', true], ['2026-04-31T00:00:00.0000000Z', false], ['2026-12-31T24:00:00.0000000Z', false],
      ['2026-00-10T00:00:00.0000000Z', false], ['2026-10-01T00:60:00.0000000Z', false], ['2026-10-01T00:00:00,0000000Z', false],
    ] as const) {
      expect(isIsoUtc(v), v).toBe(ok);
      expect(before(v), v).toBe(ok);
    }
    // Other lengths: a fraction of at least one digit.
    expect(isIsoUtc('2026-10-01T00:00:00.Z')).toBe(false);
    expect(isIsoUtc('2026-10-01T00:00:00.5Z')).toBe(true);
    expect(isIsoUtc('2026-10-01T00:00:00Z')).toBe(false);
    expect(parseTime('2026-10-01T00:00:09.4993511Z')).toEqual({ iso: '2026-10-01T00:00:09.4993511Z', zoned: true });
    expect(parseTime('2026-10-01T00:00:09.499Z')).toEqual({ iso: '2026-10-01T00:00:09.4990000Z', zoned: true });
  });
});

describe('hash cells (decision 80)', () => {
  it('takes exactly the hashes the regular expression took, lowercased', () => {
    // A hash of the right length, perhaps with one character changed, cased or padded.
    const cell = (length: number) => fc.tuple(
      fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), { minLength: length - 1, maxLength: length + 1 }).map((a) => a.join('')),
      fc.nat(), fc.option(fc.constantFrom('g', 'G', 'x', ' ', '\t', 'İ', 'K', '-', '/', ':', '@', '`')), fc.constantFrom('', ' ', '\t'),
    ).map(([h, at, c, padding]) => padding + (c === null ? h : h.slice(0, at % h.length) + c + h.slice((at % h.length) + 1)) + padding);
    fc.assert(fc.property(cell(64), cell(40), cell(32), (a, b, c) => {
      expect(makeHashes(a, b, c)).toEqual({ sha256: hexBefore(a, 64), sha1: hexBefore(b, 40), md5: hexBefore(c, 32) });
    }), { numRuns: 5000 });
    const sha1 = 'D0F5B053800771B81E14AF7E9D68AE772DC4C689';
    expect(makeHashes(null, ` ${sha1} `, '-').sha1).toBe(sha1.toLowerCase());
    expect(makeHashes(null, sha1.slice(1), null).sha1).toBeNull();
  });
});
