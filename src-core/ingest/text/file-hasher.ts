// A file's SHA-256 taken from the bytes its parser reads anyway (decision 70), so a big
// file is read once instead of twice, and the writer no longer waits at the start of
// each file for a hashing pass before its first record.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { openFileSource, type ByteSource } from './byte-source.js';

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
    const source = openFileSource(this.path);
    let pos = 0;
    return {
      read: (target, offset, length) => {
        const n = source.read(target, offset, length);
        if (n > 0) {
          if (this.result === null && pos <= this.hashedTo && pos + n > this.hashedTo) {
            this.hash.update(target.subarray(offset + (this.hashedTo - pos), offset + n));
            this.hashedTo = pos + n;
          }
          pos += n;
        }
        return n;
      },
      get size() {
        return source.size;
      },
      get bytesRead() {
        return source.bytesRead;
      },
      close: () => source.close(),
    };
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
