// Appends text to a file through a 1 MiB buffer: strings are UTF-8 encoded straight
// into it, cached fragments are copied in as bytes, and a full buffer goes out in
// one writeSync. A multi-gigabyte file never exists as one string; memory stays flat.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Piece } from '../../samples/generator/pieces.js';

const CHUNK = 1 << 20;

export class ChunkedWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private written = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(piece: Piece): void {
    const bytes = typeof piece === 'string' ? null : piece.reusedBytes();
    if (bytes === null) {
      const text = typeof piece === 'string' ? piece : piece.text;
      // A UTF-16 unit takes at most 3 UTF-8 bytes.
      if (this.used + text.length * 3 > CHUNK) {
        this.flush();
        if (text.length * 3 > CHUNK) return this.out(Buffer.from(text, 'utf8'));
      }
      this.used += this.buf.write(text, this.used, 'utf8');
      return;
    }
    if (this.used + bytes.length > CHUNK) {
      this.flush();
      if (bytes.length > CHUNK) return this.out(bytes);
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  private out(bytes: Uint8Array): void {
    // writeSync may write less than asked; loop until the chunk is out.
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.written += bytes.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushes, closes and returns the file's size in bytes. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.written;
  }
}
