// Worker side: a gzip stream (RFC 1952) holds one member, inflated by Node's zlib. Its name
// comes from the header's FNAME when there is one; its size is unknown until the end (the
// ISIZE trailer is the size modulo 2^32 of the last member only), so it is an estimate,
// and the ratio guard watches the real bytes.
import fs from 'node:fs';
import path from 'node:path';
import { constants, createGunzip } from 'node:zlib';
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

/** A gzip stream ends with its 8-byte trailer: CRC-32 and size (RFC 1952 2.3.1). */
const TRAILER = 8;

/**
 * The inflated bytes of a gzip stream, with the ratio guard on the compressed bytes read.
 * zlib drops what it inflated in the call that meets an error, so a damaged trailer (or
 * a stream cut short) would lose the last chunk of good data: the last 8 bytes are held
 * back until everything before them is inflated and flushed out, then given to zlib,
 * which checks them and reports the damage with nothing left to lose.
 */
export function gunzipStream(compressed: ByteStream, limits: ArchiveLimits): ByteStream {
  let consumed = 0;
  const source = compressed.stream;
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  let tail = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    consumed += chunk.length;
    const all = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    const body = all.length - TRAILER;
    tail = Buffer.from(all.subarray(Math.max(0, body)));
    if (body > 0 && !gunzip.write(all.subarray(0, body))) source.pause();
  });
  gunzip.on('drain', () => source.resume());
  source.on('end', () => gunzip.flush(constants.Z_SYNC_FLUSH, () => gunzip.end(tail)));
  source.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => source.destroy());
  return {
    stream: gunzip,
    declared: null,
    crc32: null, // zlib checks the gzip CRC-32 itself
    consumed: () => consumed,
    ratio: { max: limits.maxRatio, floor: limits.ratioFloorBytes },
    drain: false,
    done: compressed.done,
  };
}
