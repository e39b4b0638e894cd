// decodeUtf8 must give exactly what Buffer#toString('utf8') gives, on any bytes: its
// Latin-1 fold (decision 86) is only a faster way to the same string.
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src-core/ingest/text/utf8-decode.js';
import { corpusFiles } from '../helpers/corpus.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const same = (b: Buffer, start = 0, end = b.length): void => {
  expect(decodeUtf8(b, start, end)).toBe(b.toString('utf8', start, end));
};

/** Pieces of UTF-8, valid or not, that the fold must tell apart. */
const ATOMS: Buffer[] = [
  Buffer.from('a'), Buffer.from('C:\\Windows\\'), Buffer.from(','), Buffer.from('\n'), Buffer.from('"'), hex('00'), hex('7f'),
  hex('c2ae'), hex('c280'), hex('c2bf'), hex('c2a0'), // ® U+0080 ¿ NBSP: 0xC2 pairs
  hex('c3a9'), hex('c380'), hex('c3bf'), hex('c3c3'), // é À ÿ, and 0xC3 before a non-continuation
  hex('c4b1'), hex('dfbf'), hex('e282ac'), hex('efbbbf'), hex('e4b8ad'), hex('f09f9880'), // wider characters
  hex('c2'), hex('c3'), hex('80'), hex('bf'), hex('c0af'), hex('c1bf'), hex('eda080'), hex('f4908080'), hex('f5'), hex('ff'), hex('e282'), // invalid
];

describe('decodeUtf8', () => {
  it('reads ASCII, Latin-1 pairs, wider characters and invalid bytes as Buffer#toString does', () => {
    for (const a of ATOMS) {
      same(a);
      for (const b of ATOMS) same(Buffer.concat([Buffer.from('x'), a, b, Buffer.from('y')]));
    }
    same(Buffer.alloc(0));
    same(Buffer.from('Microsoft® Windows® Operating System, café, naïve, ÿ'));
    same(Buffer.from('Latin-1 ® then one wider character: €'));
    same(Buffer.from('one wider character first: 中, then ® and é'));
  });

  it('agrees on random mixtures of every kind of piece, whole and in slices', () => {
    let folded = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }), fc.nat(), fc.nat(), (atoms, i, j) => {
        const b = Buffer.concat(atoms);
        same(b);
        const start = b.length === 0 ? 0 : i % b.length;
        same(b, start, start + (j % (b.length - start + 1)));
        if (b.includes(0xc2) && !b.some((x) => x >= 0xc4) && b.toString('utf8').indexOf('\ufffd') < 0) folded++;
      }),
      { numRuns: 4000, seed: 86 },
    );
    // Many of the runs took the fold (valid, only Latin-1 pairs), not only the fallback.
    expect(folded).toBeGreaterThan(50);
  });

  it('agrees on every corpus file, read in chunks cut anywhere', () => {
    const files = corpusFiles().filter((f) => fs.statSync(f).size < 8 << 20);
    expect(files.length).toBeGreaterThan(20);
    let nonAscii = 0;
    for (const f of files) {
      const b = fs.readFileSync(f);
      if (b.some((x) => x >= 0x80)) nonAscii++;
      same(b);
      for (let at = 0; at < b.length; at += 65_521) same(b, at, Math.min(b.length, at + 65_521));
    }
    expect(nonAscii).toBeGreaterThan(5);
  });
});
