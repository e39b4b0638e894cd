// A file's SHA-256 taken from the bytes its parser reads anyway (decision 70), so a big
// file is read once instead of twice, and the writer no longer waits at the start of
// each file for a hashing pass before its first record.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { openFileSource, tapped, type ByteSource } from './byte-source.js';

/**
 * Every source it opens hashes the bytes it reads in order from where the hash stands;
 * bytes read again (a second pass over the start) are not hashed twice, and bytes no
 * reader got to are read by `digest`. So the digest is the file's whatever the parser
 * read, once, twice or only in part.
 */
export class FileHasher {
  private readonly hash = createHash('sha256');
  private hashedTo = 0;
  private result: string | null = null;

  constructor(private readonly path: string) {}

  open(): ByteSource {
    let pos = 0;
    return tapped(openFileSource(this.path), (chunk) => {
      const end = pos + chunk.length;
      if (this.result === null && pos <= this.hashedTo && end > this.hashedTo) {
        this.hash.update(chunk.subarray(this.hashedTo - pos));
        this.hashedTo = end;
      }
      pos = end;
    });
  }

  /** The file's SHA-256 (hex): reads what no source has read yet. Taken once; later calls repeat it. */
  digest(): string {
    if (this.result !== null) return this.result;
    const fd = fs.openSync(this.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, buf.length, this.hashedTo)) > 0) {
        this.hash.update(buf.subarray(0, n));
        this.hashedTo += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    this.result = this.hash.digest('hex');
    return this.result;
  }
}
