// Worker side: a zip whose central directory cannot be read (a copy cut short, a collector
// killed before it finished) still holds its members, each behind a local file header
// (APPNOTE 4.3.7). yauzl reads zips from the central directory only, so this walks the local
// headers from the start, as `zip -FF` does: every member whose data is whole is read as
// usual, the one the end cuts is read up to the cut. Names and their checks are yauzl's.
//
// A member written as a stream (general purpose bit 3: Velociraptor, Java, .NET, yazl) has
// no sizes in its local header: its data ends at the data descriptor whose compressed size
// is the distance from the data's start (APPNOTE 4.3.9), found by searching for it.
import fs from 'node:fs';
import yauzl from 'yauzl';
import { ArchiveError, type ArchiveProblem } from './errors.js';
import type { ByteStream } from './byte-stream.js';
import { FdRangeStream, memberBytes, memberProblem, type ByteRange, type ZipMember, type ZipReader } from './zip-container.js';

const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const CENTRAL = 0x02014b50;
const FLAG_DESCRIPTOR = 8;
const WINDOW = 1024 * 1024;

/** Synchronous positioned reads of a range (recovery runs once per archive, at listing). */
class RangeFile {
  readonly fd: number;

  constructor(readonly range: ByteRange) {
    this.fd = fs.openSync(range.path, 'r');
  }

  read(at: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.range.size - at));
    const buf = Buffer.alloc(n);
    let done = 0;
    while (done < n) {
      const got = fs.readSync(this.fd, buf, done, n - done, this.range.offset + at + done);
      if (got === 0) break;
      done += got;
    }
    return buf.subarray(0, done);
  }

  /** The first offset at or after `from` where `sig` (4 bytes, little-endian) is, or -1. */
  find(sig: number, from: number): number {
    const needle = Buffer.alloc(4);
    needle.writeUInt32LE(sig);
    for (let at = from; at < this.range.size; at += WINDOW - 3) {
      const i = this.read(at, WINDOW).indexOf(needle);
      if (i >= 0) return at + i;
    }
    return -1;
  }
}

interface Descriptor {
  crc32: number;
  compressed: number;
  size: number;
  /** Where the next header starts. */
  end: number;
}

/** The data descriptor that closes data starting at `dataStart`: the first whose size fits. */
function findDescriptor(f: RangeFile, dataStart: number, zip64: boolean): Descriptor | null {
  for (let at = f.find(DESCRIPTOR, dataStart); at >= 0; at = f.find(DESCRIPTOR, at + 1)) {
    const d = f.read(at, 24);
    if (zip64 && d.length >= 24 && Number(d.readBigUInt64LE(8)) === at - dataStart) {
      return { crc32: d.readUInt32LE(4), compressed: at - dataStart, size: Number(d.readBigUInt64LE(16)), end: at + 24 };
    }
    if (d.length >= 16 && d.readUInt32LE(8) === at - dataStart) {
      return { crc32: d.readUInt32LE(4), compressed: at - dataStart, size: d.readUInt32LE(12), end: at + 16 };
    }
  }
  // A descriptor without its optional signature: 12 bytes right before the next header.
  for (let at = f.find(LOCAL, dataStart); at >= 0; at = f.find(LOCAL, at + 1)) {
    const d = f.read(at - 12, 12);
    if (d.length === 12 && d.readUInt32LE(4) === at - 12 - dataStart) return { crc32: d.readUInt32LE(0), compressed: at - 12 - dataStart, size: d.readUInt32LE(8), end: at };
  }
  return null;
}

/** Sizes from the zip64 extra field (0x0001), for the fields the header sets to 0xFFFFFFFF. */
function zip64Sizes(fields: readonly yauzl.ExtraField[], size: number, compressed: number): { size: number; compressed: number } {
  for (const field of fields) {
    if (field.id !== 0x0001) continue;
    let at = 0;
    if (size === 0xffffffff && field.data.length >= at + 8) size = Number(field.data.readBigUInt64LE((at += 8) - 8));
    if (compressed === 0xffffffff && field.data.length >= at + 8) compressed = Number(field.data.readBigUInt64LE(at));
  }
  return { size, compressed };
}

export class RecoveredZip implements ZipReader {
  readonly members: ZipMember[] = [];
  otherEntries = 0;
  problem: ArchiveProblem | null = null;
  private readonly byIndex = new Map<number, ZipMember>();

  private constructor(private readonly file: RangeFile) {}

  /** Walks the local headers; null when there is none to start from (not a zip at all). */
  static scan(range: ByteRange, why: string): RecoveredZip | null {
    const f = new RangeFile(range);
    const z = new RecoveredZip(f);
    let at = 0;
    let index = 0;
    let cut = false;
    let skipped = 0;
    while (at + 30 <= range.size) {
      const h = f.read(at, 30);
      const sig = h.readUInt32LE(0);
      if (sig === CENTRAL) break; // the central directory starts: every member was seen
      if (sig !== LOCAL) {
        // Damage between members: resume at the next local header.
        const next = f.find(LOCAL, at + 1);
        if (next < 0) break;
        skipped += next - at;
        at = next;
        continue;
      }
      const flags = h.readUInt16LE(6);
      const method = h.readUInt16LE(8);
      const nameLength = h.readUInt16LE(26);
      const extraLength = h.readUInt16LE(28);
      const extra = f.read(at + 30 + nameLength, extraLength);
      let fields: yauzl.ExtraField[] = [];
      try {
        fields = yauzl.parseExtraFields(extra);
      } catch {
        // a damaged extra field: the name is decoded without it
      }
      const name = yauzl.getFileNameLowLevel(flags, f.read(at + 30, nameLength), fields, false);
      const dataStart = at + 30 + nameLength + extraLength;
      let sizes = zip64Sizes(fields, h.readUInt32LE(22), h.readUInt32LE(18));
      let crc32: number | null = h.readUInt32LE(14);
      let end: number;
      if (flags & FLAG_DESCRIPTOR) {
        const d = findDescriptor(f, dataStart, fields.some((x) => x.id === 0x0001));
        if (d) {
          sizes = { size: d.size, compressed: d.compressed };
          crc32 = d.crc32;
          end = d.end;
        } else {
          sizes = { size: -1, compressed: range.size - dataStart };
          end = range.size;
        }
      } else {
        end = dataStart + sizes.compressed;
      }
      const whole = sizes.size >= 0 && end <= range.size;
      if (!whole) {
        cut = true;
        sizes.compressed = Math.min(sizes.compressed, range.size - dataStart);
      }
      if (name.endsWith('/')) z.otherEntries++;
      else {
        const m: ZipMember = {
          index, name, problem: memberProblem(name, (flags & 1) !== 0, method), size: whole ? sizes.size : null,
          crc32: whole ? crc32 : null, compressedSize: sizes.compressed, method, modified: null, dataStart,
        };
        z.members.push(m);
        z.byIndex.set(index, m);
      }
      index++;
      at = end;
    }
    if (z.members.length === 0 && z.otherEntries === 0) {
      fs.closeSync(f.fd);
      return null;
    }
    const found = `${z.members.length} member(s) recovered from their local headers`;
    z.problem = {
      kind: cut ? 'truncated' : 'corrupt',
      message:
        `the central directory could not be read (${why}); ${found}` +
        (cut ? ', the last one cut short by the end of the file' : '') +
        (skipped ? `; ${skipped} damaged bytes between members skipped` : ''),
    };
    return z;
  }

  member(index: number): ZipMember {
    const m = this.byIndex.get(index);
    if (!m) throw new ArchiveError('corrupt', `no member #${index} among the recovered ones`);
    return m;
  }

  async stream(m: ZipMember): Promise<ByteStream> {
    const start = this.file.range.offset + m.dataStart!;
    const bs = memberBytes(new FdRangeStream(this.file.fd, start, start + m.compressedSize), m);
    // Cut by the end of the file: what is there is read, and the member said to be cut.
    if (m.size === null) bs.endProblem = { kind: 'truncated', message: 'the file ends inside this member: read up to there' };
    return bs;
  }

  async storedRange(m: ZipMember, range: ByteRange): Promise<ByteRange | null> {
    if (m.method !== 0 || m.size === null) return null;
    return { path: range.path, offset: range.offset + m.dataStart!, size: m.compressedSize };
  }

  close(): void {
    fs.closeSync(this.file.fd);
  }
}
