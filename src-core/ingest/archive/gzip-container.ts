// Worker side: a gzip stream (RFC 1952) holds one member, inflated by Node's zlib. Its name
// comes from the header's FNAME when there is one; its size is unknown until the end (the
// ISIZE trailer is the size modulo 2^32 of the last member only), so it is an estimate,
// and the ratio guard watches the real bytes.
import fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import type { ByteStream } from './byte-stream.js';
import type { ArchiveLimits } from './limits.js';

const FEXTRA = 4;
const FNAME = 8;

/** The original file name stored in a gzip header (FNAME, Latin-1), if any. */
export function gzipName(head: Buffer): string | null {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b) return null;
  const flags = head[3]!;
  if (!(flags & FNAME)) return null;
  let at = 10;
  if (flags & FEXTRA) {
    if (head.length < 12) return null;
    at += 2 + head.readUInt16LE(10);
  }
  const end = head.indexOf(0, at);
  if (end < 0) return null;
  // Only the base name: a header can carry any path, which is data, not a place to write.
  const name = path.posix.basename(head.toString('latin1', at, end).replace(/\\/g, '/'));
  return name === '' || name === '.' || name === '..' ? null : name;
}

/** The member's name when the header has none: the container's name without `.gz`. */
export function impliedName(containerName: string): string {
  const base = path.posix.basename(containerName.replace(/\\/g, '/'));
  if (/\.tgz$/i.test(base)) return base.replace(/\.tgz$/i, '.tar');
  if (/\.gz$/i.test(base)) return base.replace(/\.gz$/i, '');
  return `${base}.data`;
}

/** ISIZE of a gzip file on disk: the uncompressed size modulo 2^32 (an estimate). */
export function gzipSizeHint(file: string): number | null {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size < 18) return null;
      const b = Buffer.alloc(4);
      fs.readSync(fd, b, 0, 4, size - 4);
      return b.readUInt32LE(0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** The inflated bytes of a gzip stream, with the ratio guard on the compressed bytes read. */
export function gunzipStream(compressed: ByteStream, limits: ArchiveLimits): ByteStream {
  let consumed = 0;
  compressed.stream.on('data', (chunk: Buffer) => (consumed += chunk.length));
  const stream = pipeline(compressed.stream, createGunzip({ chunkSize: 64 * 1024 }), () => undefined);
  return {
    stream,
    declared: null,
    crc32: null, // zlib checks the gzip CRC-32 itself
    consumed: () => consumed,
    ratio: { max: limits.maxRatio, floor: limits.ratioFloorBytes },
    drain: false,
    done: compressed.done,
  };
}
