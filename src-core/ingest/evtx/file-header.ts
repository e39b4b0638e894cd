// The 4096-byte file header ("File header", "File flags"). Only informative: the reader never
// trusts its chunk count (dirty files undercount, see "Dirty file with invalid number of
// chunks") and scans every 64 KiB chunk to the end of the file.

import { crc32 } from 'node:zlib';
import { u16, u32, u64n } from './bytes.js';
import { EvtxCrcError, EvtxFileHeaderError, type EvtxError } from './errors.js';

export const FILE_HEADER_SIZE = 4096;
export const FILE_SIGNATURE = 'ElfFile\0';

export const FILE_FLAG_DIRTY = 0x1;
export const FILE_FLAG_FULL = 0x2;
/** Not in the libyal document; the Rust evtx crate treats 0x4 as "no CRC-32 written". */
export const FILE_FLAG_NO_CRC32 = 0x4;

export interface EvtxFileHeader {
  /** False when the signature is missing: the other fields are then unreliable. */
  valid: boolean;
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  /** The number of chunks the header claims (often fewer than the file holds). */
  chunkCount: number;
  flags: number;
  dirty: boolean;
  full: boolean;
  /** Stored CRC-32 of the first 120 bytes, and whether it matches (true when the header says there is none). */
  checksum: number;
  checksumOk: boolean;
}

export interface ParsedFileHeader {
  header: EvtxFileHeader;
  problems: EvtxError[];
}

/** Parses the file header from `b` (at least 128 bytes for a meaningful result). */
export function parseFileHeader(b: Buffer): ParsedFileHeader {
  const problems: EvtxError[] = [];
  if (b.length < 128) {
    problems.push(new EvtxFileHeaderError(`file too small for an EVTX header (${b.length} bytes)`, 0));
    return { header: emptyHeader(), problems };
  }
  const valid = b.toString('latin1', 0, 8) === FILE_SIGNATURE;
  if (!valid) problems.push(new EvtxFileHeaderError(`bad file signature ${JSON.stringify(b.toString('latin1', 0, 8))}`, 0));
  const flags = u32(b, 120);
  const checksum = u32(b, 124);
  const computed = crc32(b.subarray(0, 120));
  const noCrc = (flags & FILE_FLAG_NO_CRC32) !== 0;
  const checksumOk = noCrc || computed === checksum;
  if (valid && !checksumOk) problems.push(new EvtxCrcError('file header', checksum, computed, 124));
  const header: EvtxFileHeader = {
    valid,
    firstChunk: u64n(b, 8),
    lastChunk: u64n(b, 16),
    nextRecordId: u64n(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    headerBlockSize: u16(b, 40),
    chunkCount: u16(b, 42),
    flags,
    dirty: (flags & FILE_FLAG_DIRTY) !== 0,
    full: (flags & FILE_FLAG_FULL) !== 0,
    checksum,
    checksumOk,
  };
  if (valid) {
    if (header.headerSize !== 128) problems.push(new EvtxFileHeaderError(`unexpected header size ${header.headerSize}`, 32));
    if (header.headerBlockSize !== FILE_HEADER_SIZE) {
      problems.push(new EvtxFileHeaderError(`unexpected header block size ${header.headerBlockSize} (using ${FILE_HEADER_SIZE})`, 40));
    }
    if (header.majorVersion !== 3) problems.push(new EvtxFileHeaderError(`unknown format version ${header.majorVersion}.${header.minorVersion}`, 36));
    const unknown = flags & ~(FILE_FLAG_DIRTY | FILE_FLAG_FULL | FILE_FLAG_NO_CRC32);
    if (unknown !== 0) problems.push(new EvtxFileHeaderError(`unknown file flags 0x${flags.toString(16)}`, 120));
  }
  return { header, problems };
}

function emptyHeader(): EvtxFileHeader {
  return {
    valid: false,
    firstChunk: 0,
    lastChunk: 0,
    nextRecordId: 0,
    headerSize: 0,
    minorVersion: 0,
    majorVersion: 0,
    headerBlockSize: 0,
    chunkCount: 0,
    flags: 0,
    dirty: false,
    full: false,
    checksum: 0,
    checksumOk: false,
  };
}
