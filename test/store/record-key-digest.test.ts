// Decision 83: the 128-bit digest of a long record key is taken from SHA-256's base64url
// text instead of a Buffer slice. Stored keys must not change by one character, or a case
// made by an earlier version would take its own records again as new ones.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digest128, recordKeyValue } from '../../src-core/store/wire.js';

/** The digest as every earlier version wrote it. */
function oldDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest().subarray(0, 16).toString('base64url');
}

describe('digest128 (decision 83)', () => {
  it('equals the Buffer slice of SHA-256 on random keys of every kind of character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), (a, b) => {
        for (const k of [a, b, `json#${a}${b}`]) expect(digest128(k)).toBe(oldDigest(k));
      }),
      { numRuns: 3000, seed: 83 },
    );
  });

  it('covers every value of the last character (its two digest bits)', () => {
    const lasts = new Set<string>();
    for (let i = 0; lasts.size < 4 && i < 1000; i++) {
      const k = `json#{"n":${i}}`;
      expect(digest128(k)).toBe(oldDigest(k));
      lasts.add(digest128(k).at(-1)!);
    }
    expect([...lasts].sort()).toEqual(['A', 'Q', 'g', 'w']);
  });

  it('is what recordKeyValue stores for a long key, and a short key stays inline', () => {
    const time = '2026-10-01T02:34:29.6740135Z';
    const long = `json#${'x'.repeat(200)}`;
    expect(recordKeyValue(time, long)).toBe(`2026-10-01T02:34:29.674|#${oldDigest(long)}`);
    expect(recordKeyValue(time, 'ReportId|42')).toBe('2026-10-01T02:34:29.674|ReportId|42');
  });
});
