import fs from 'node:fs';

/** What is known of a source once read to its end (archive members: hashed as they stream). */
export interface SourceEnd {
  sha256: string;
  /** The data did not check out (CRC-32, size, inflate error): it ended there. */
  problem: { kind: string; message: string } | null;
}

/** A pull-based, synchronous source of bytes: the readers run inside a synchronous import loop. */
export interface ByteSource {
  /** Copies up to `length` bytes into `target` at `offset`; returns how many, 0 at EOF. */
  read(target: Buffer, offset: number, length: number): number;
  /** Total size in bytes when known up front (files), for progress reporting. */
  readonly size: number | null;
  readonly bytesRead: number;
  close(): void;
  /** Archive members: their hash and damage, once read to the end (null before). */
  end?(): SourceEnd | null;
}

/** Opens a file read-only; evidence files must never be modified. */
export function openFileSource(path: string): ByteSource {
  const fd = fs.openSync(path, 'r');
  let size: number | null = null;
  try {
    size = fs.fstatSync(fd).size;
  } catch {
    size = null;
  }
  let bytesRead = 0;
  let closed = false;
  return {
    read(target, offset, length) {
      if (closed || length <= 0) return 0;
      const n = fs.readSync(fd, target, offset, length, null);
      bytesRead += n;
      return n;
    },
    get size() {
      return size;
    },
    get bytesRead() {
      return bytesRead;
    },
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
    },
  };
}

/**
 * An in-memory source. `maxRead` caps the bytes returned per call, so tests can
 * simulate short reads at every possible boundary.
 */
export function bufferSource(buf: Buffer, maxRead = Infinity): ByteSource {
  let pos = 0;
  return {
    read(target, offset, length) {
      const n = Math.min(length, buf.length - pos, maxRead);
      if (n <= 0) return 0;
      buf.copy(target, offset, pos, pos + n);
      pos += n;
      return n;
    },
    size: buf.length,
    get bytesRead() {
      return pos;
    },
    close() {},
  };
}

/** Serves `head` first, then the rest of `source`. */
export function prefixed(head: Buffer, source: ByteSource): ByteSource {
  let pos = 0;
  return {
    read(target, offset, length) {
      if (pos < head.length) {
        const k = Math.min(length, head.length - pos);
        head.copy(target, offset, pos, pos + k);
        pos += k;
        return k;
      }
      return source.read(target, offset, length);
    },
    get size() {
      return source.size;
    },
    get bytesRead() {
      return source.bytesRead;
    },
    close() {
      source.close();
    },
    end: () => source.end?.() ?? null,
  };
}

/** A source that shows `seen` every chunk as it is read (into `target` at `offset`). */
export function tapped(source: ByteSource, seen: (chunk: Buffer) => void): ByteSource {
  return {
    read(target, offset, length) {
      const n = source.read(target, offset, length);
      if (n > 0) seen(target.subarray(offset, offset + n));
      return n;
    },
    get size() {
      return source.size;
    },
    get bytesRead() {
      return source.bytesRead;
    },
    close: () => source.close(),
    end: () => source.end?.() ?? null,
  };
}

/**
 * A source whose first bytes are kept as they are read (up to `cap`), so a reader can look
 * ahead and the next reader start again from the first byte without a second read of the
 * file (or a second inflate of an archive member).
 */
export function recording(source: ByteSource, cap: number): { source: ByteSource; replay: () => ByteSource | null } {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let over = false;
  let replayed = false;
  const rec = tapped(source, (chunk) => {
    if (over || replayed) return;
    if (keptBytes + chunk.length > cap) over = true;
    else {
      kept.push(Buffer.from(chunk));
      keptBytes += chunk.length;
    }
  });
  return {
    source: rec,
    replay() {
      if (over || replayed) return null;
      replayed = true;
      const head = Buffer.concat(kept, keptBytes);
      kept.length = 0;
      return prefixed(head, source);
    },
  };
}
