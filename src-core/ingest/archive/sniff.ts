// Containers are recognised by content, like every other input: zip by its local file or
// end-of-central-directory signature, gzip by its magic and method, tar by the ustar magic
// or, for old v7 archives, a valid header checksum.
import type { ContainerKind } from './refs.js';

function isTarHeader(h: Buffer): boolean {
  if (h.length < 512) return false;
  // POSIX "ustar\0" and GNU "ustar  \0" (APPNOTE of tar: IEEE 1003.1 ustar header, offset 257).
  if (h.toString('latin1', 257, 262) === 'ustar') return true;
  // v7: no magic; the header's checksum (offset 148, octal) must match its bytes, with
  // the checksum field itself counted as spaces, and a name must be there.
  if (h[0] === 0) return false;
  const stored = parseInt(h.toString('latin1', 148, 156).replace(/[\0 ]+$/g, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === stored;
}

export function sniffContainer(head: Buffer): ContainerKind | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    const sig = head.readUInt32LE(0);
    // local file header; end of central directory (an empty zip); the spanning marker
    // some writers put before the first local header.
    if (sig === 0x04034b50 || sig === 0x06054b50 || sig === 0x08074b50) return 'zip';
  }
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return 'gzip';
  if (isTarHeader(head)) return 'tar';
  return null;
}

/** The end of central directory record's size without its comment (APPNOTE 4.3.16). */
const EOCD_SIZE = 22;
/** How far from the end an end record can be: its comment is at most 65,535 bytes. */
export const ZIP_TAIL_BYTES = EOCD_SIZE + 0xffff;

/**
 * A zip whose first bytes are damaged (its first local header overwritten) still ends with
 * its end of central directory record, pointing at a central directory inside the file:
 * yauzl reads such a zip from there. `tail` is the file's last bytes, `size` its length.
 */
export function zipByTail(tail: Buffer, size: number): boolean {
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== 0x06054b50) continue;
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    const eocdAt = size - tail.length + at;
    // zip64 writes 0xFFFFFFFF here; otherwise the directory must end where the record starts.
    if (cdOffset === 0xffffffff || (cdOffset + cdSize <= eocdAt && cdSize > 0)) return true;
  }
  return false;
}
