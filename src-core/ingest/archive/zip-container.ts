// Worker side: a zip read with yauzl from its central directory (zip64, many members,
// random access to any member). Names are decoded and checked here, member by member,
// so one bad name is one refused member, not a refused archive.
import fs from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { ArchiveError, problemOf, type ArchiveProblem } from './errors.js';
import type { ByteStream } from './byte-stream.js';

/** Compression methods by number (APPNOTE 4.4.5), for the log when one is not supported. */
const METHOD_NAMES: Record<number, string> = {
  1: 'Shrink', 6: 'Implode', 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 19: 'IBM LZ77', 93: 'Zstandard', 95: 'XZ', 96: 'JPEG', 97: 'WavPack', 98: 'PPMd', 99: 'AES',
};

export interface ZipMember {
  index: number;
  name: string;
  problem: ArchiveProblem | null;
  /** Uncompressed size and CRC-32 as the zip declares them (null: not known, a recovered member cut short). */
  size: number | null;
  crc32: number | null;
  compressedSize: number;
  method: number;
  modified: string | null;
  /** From the central directory (ZipContainer). */
  entry?: yauzl.Entry;
  /** Where its data starts in the zip (a member recovered from its local header). */
  dataStart?: number;
}

/** What a member's name, flags and method say about reading it (the same for both readers). */
export function memberProblem(name: string, encrypted: boolean, method: number): ArchiveProblem | null {
  const unsafe = yauzl.validateFileName(name);
  if (unsafe !== null) return { kind: 'unsafe-name', message: `member name escapes the archive (${unsafe.replace(/:.*$/, '')}): not read` };
  if (encrypted) return { kind: 'encrypted', message: 'encrypted (password-protected): not read' };
  if (method !== 0 && method !== 8) {
    return { kind: 'unsupported', message: `compression method ${method}${METHOD_NAMES[method] ? ` (${METHOD_NAMES[method]})` : ''} is not supported: not read` };
  }
  return null;
}

/** A member's raw bytes as its uncompressed bytes, checked against what the zip declares. */
export function memberBytes(raw: Readable, m: ZipMember): ByteStream {
  const stream = m.method === 8 ? pipeline(raw, createInflateRaw({ chunkSize: 64 * 1024 }), () => undefined) : raw;
  return { stream, declared: m.size, crc32: m.crc32, consumed: null, ratio: null, drain: false, done: () => undefined };
}

/** A zip's members, from its central directory or recovered from its local headers. */
export interface ZipReader {
  readonly members: readonly ZipMember[];
  readonly otherEntries: number;
  readonly problem: ArchiveProblem | null;
  member(index: number): ZipMember;
  stream(m: ZipMember): Promise<ByteStream>;
  storedRange(m: ZipMember, range: ByteRange): Promise<ByteRange | null>;
  close(): void;
}

/** Where a zip's bytes lie in a file on disk: the file, or a stored member inside it. */
export interface ByteRange {
  path: string;
  offset: number;
  size: number;
}

/** Positioned reads of [start, end) on a shared descriptor, which it never closes. */
export class FdRangeStream extends Readable {
  private pos: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.pos = start;
  }

  override _read(size: number): void {
    const n = Math.min(size, 64 * 1024, this.end - this.pos);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(n);
    fs.read(this.fd, buf, 0, n, this.pos, (err, got) => {
      if (this.destroyed) return;
      if (err) this.destroy(err);
      else if (got === 0) this.destroy(new Error('unexpected end of file'));
      else {
        this.pos += got;
        this.push(got === n ? buf : buf.subarray(0, got));
      }
    });
  }
}

/**
 * Reads a range of a file for yauzl (a stored zip inside a zip is read in place), with
 * positioned reads on one descriptor. Also used for zips on disk: yauzl's own file reader
 * fails when a member stream is dropped with a read queued (several members read at once,
 * one abandoned), and Node's file streams close a shared descriptor when destroyed.
 */
class RangeReader extends yauzl.RandomAccessReader {
  private readonly fd: number;

  constructor(private readonly range: ByteRange) {
    super();
    this.fd = fs.openSync(range.path, 'r');
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new FdRangeStream(this.fd, this.range.offset + start, this.range.offset + end);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    let done = 0;
    const step = (): void => {
      fs.read(this.fd, buffer, offset + done, length - done, this.range.offset + position + done, (err, n) => {
        if (err) return callback(err);
        if (n === 0) return callback(new Error('unexpected end of file'));
        done += n;
        if (done < length) step();
        else callback(null);
      });
    };
    if (length === 0) callback(null);
    else step();
  }

  override close(callback: (err: Error | null) => void): void {
    // At once: the unpack worker ends right after closing its zips.
    try {
      fs.closeSync(this.fd);
      callback(null);
    } catch (err) {
      callback(err as Error);
    }
  }
}

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };

function promised<T>(f: (cb: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));
}

export class ZipContainer implements ZipReader {
  readonly members: ZipMember[] = [];
  private readonly byIndex = new Map<number, ZipMember>();
  /** Folders and other entries that are not files. */
  otherEntries = 0;
  /** The central directory could not be read to its end. */
  problem: ArchiveProblem | null = null;

  private constructor(private readonly zip: yauzl.ZipFile) {}

  /** Opens a zip on disk, or in a range of a file, and reads its central directory. */
  static async open(at: ByteRange): Promise<ZipContainer> {
    let zip: yauzl.ZipFile;
    try {
      zip = await promised<yauzl.ZipFile>((cb) => yauzl.fromRandomAccessReader(new RangeReader(at), at.size, OPTIONS, cb));
    } catch (err) {
      throw new ArchiveError('corrupt', `not a readable zip: ${(err as Error).message}`);
    }
    const c = new ZipContainer(zip);
    await c.readEntries();
    if (!c.problem) await c.checkEnd(zip);
    c.markOverlaps();
    return c;
  }

  private readEntries(): Promise<void> {
    const zip = this.zip;
    return new Promise((resolve) => {
      let index = 0;
      zip.on('entry', (entry: yauzl.Entry) => {
        this.add(entry, index++);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (err: Error) => {
        this.problem = {
          kind: /end of central directory|signature/i.test(err.message) ? 'corrupt' : problemOf(err).kind,
          message: `the central directory is damaged after ${this.members.length + this.otherEntries} entries (${err.message}); the members before it are read`,
        };
        resolve();
      });
      zip.readEntry();
    });
  }

  /**
   * yauzl reads as many entries as the end record counts: a count too small (damage, or a
   * zip made to hide members) would drop the rest without a word. Another central
   * directory header right after the last one read says so.
   */
  private async checkEnd(zip: yauzl.ZipFile): Promise<void> {
    const cursor = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
    const sig = Buffer.alloc(4);
    const reader = (zip as unknown as { reader: yauzl.RandomAccessReader }).reader;
    const ok = await new Promise<boolean>((resolve) => reader.read(sig, 0, 4, cursor, (err) => resolve(!err)));
    if (ok && sig.readUInt32LE(0) === 0x02014b50) {
      const n = this.members.length + this.otherEntries;
      this.problem = {
        kind: 'corrupt',
        message: `the end record counts ${n} entries but the central directory goes on: the members after entry ${n} are not read`,
      };
    }
  }

  private add(entry: yauzl.Entry, index: number): void {
    const raw = entry.fileNameRaw;
    // Backslashes become slashes (zips made by old .NET on Windows use them); the name is then checked.
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
    if (name.endsWith('/')) {
      this.otherEntries++;
      return;
    }
    const m: ZipMember = {
      index, name, problem: memberProblem(name, entry.isEncrypted(), entry.compressionMethod), size: entry.uncompressedSize,
      crc32: entry.crc32, compressedSize: entry.compressedSize, method: entry.compressionMethod,
      modified: entry.getLastModDate().toISOString(), entry,
    };
    this.members.push(m);
    this.byIndex.set(index, m);
  }

  member(index: number): ZipMember {
    const m = this.byIndex.get(index);
    if (!m) throw new ArchiveError('corrupt', `no member #${index} in the central directory`);
    return m;
  }

  /**
   * Members whose data overlaps another's: the "overlapping files" zip bomb reuses one
   * compressed kernel for every member. Checked on the central directory's offsets.
   */
  private markOverlaps(): void {
    const at = (m: ZipMember) => m.entry!.relativeOffsetOfLocalHeader;
    const byOffset = [...this.members].sort((a, b) => at(a) - at(b));
    for (let i = 1; i < byOffset.length; i++) {
      const prev = byOffset[i - 1]!;
      const m = byOffset[i]!;
      const prevEnd = at(prev) + 30 + prev.entry!.fileNameLength + prev.compressedSize;
      if (at(m) < prevEnd && m.problem === null) {
        m.problem = { kind: 'bomb', message: `its data overlaps member "${prev.name}" (a zip bomb construction): not read` };
      }
    }
  }

  /** A member's uncompressed bytes, checked against the central directory's size and CRC-32. */
  async stream(m: ZipMember): Promise<ByteStream> {
    return memberBytes(await promised<Readable>((cb) => this.zip.openReadStream(m.entry!, { decodeFileData: false }, cb)), m);
  }

  /** Where a stored (uncompressed, unencrypted) member's bytes are, inside `range`; null otherwise. */
  async storedRange(m: ZipMember, range: ByteRange): Promise<ByteRange | null> {
    if (m.method !== 0 || m.entry!.isEncrypted()) return null;
    const h = await promised<{ fileDataStart: number }>((cb) => this.zip.readLocalFileHeader(m.entry!, { minimal: true }, cb));
    return { path: range.path, offset: range.offset + h.fileDataStart, size: m.compressedSize };
  }

  close(): void {
    this.zip.close();
  }
}
