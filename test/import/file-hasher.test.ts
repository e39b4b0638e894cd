// Decision 70: a file's hash taken from the bytes its parser reads. Whatever the readers
// do (read it all, read its start and stop, read the start twice, read in odd sizes),
// the digest must be the file's SHA-256, each byte hashed once.
import { afterAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/case-builder.js';
import { FileHasher } from '../../src-core/ingest/text/file-hasher.js';
import { sha256File } from '../../src-core/ingest/inputs.js';
import type { ByteSource } from '../../src-core/ingest/text/byte-source.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'data.bin');
fs.writeFileSync(file, crypto.randomBytes(3 * 1024 * 1024 + 17));
const expected = sha256File(file);

/** Reads `bytes` (all when omitted) in reads of `step` bytes; returns what it read. */
function drain(s: ByteSource, step: number, bytes = Infinity): number {
  const buf = Buffer.alloc(step);
  let total = 0;
  while (total < bytes) {
    const n = s.read(buf, 0, Math.min(step, bytes - total));
    if (n === 0) break;
    total += n;
  }
  return total;
}

describe('FileHasher', () => {
  it('hashes a file read once, whole, in odd read sizes', () => {
    for (const step of [1000, 65536, 1 << 20]) {
      const h = new FileHasher(file);
      const s = h.open();
      expect(drain(s, step)).toBe(fs.statSync(file).size);
      s.close();
      expect(h.digest()).toBe(expected);
    }
  });

  it('reads what the parser left unread (a reader that stopped early)', () => {
    const h = new FileHasher(file);
    const s = h.open();
    drain(s, 4096, 100_000);
    s.close();
    expect(h.digest()).toBe(expected);
    expect(h.digest()).toBe(expected); // taken once, repeated
  });

  it('hashes each byte once when a second reader starts again from the first byte', () => {
    const h = new FileHasher(file);
    const head = h.open();
    drain(head, 3000, 70_001); // a look at the start, as format sniffing does
    head.close();
    // The second pass overlaps the hashed part, then goes past it in reads that straddle it.
    const all = h.open();
    drain(all, 7777);
    all.close();
    expect(h.digest()).toBe(expected);
  });

  it('takes the hash from whichever reader gets furthest (an offset pass, then the parse)', () => {
    const h = new FileHasher(file);
    const a = h.open();
    const b = h.open();
    drain(a, 5000, 1_000_000);
    drain(b, 9000, 2_000_000); // behind, then ahead of a
    drain(a, 5000); // behind b to the end
    a.close();
    b.close();
    expect(h.digest()).toBe(expected);
  });
});
