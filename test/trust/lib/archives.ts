// Archives for the trust suites, built at test time: clean zips (yazl), tars (tar-stream)
// and gzip streams (zlib) of corpus logs and generated files, where each member's bytes
// lie in the archive (so a mutation can be traced to the members it touched), and the
// byte patches that make the bad containers yazl refuses to write: an escaping name, an
// encryption flag, an odd compression method, a lying size or CRC-32, a central directory
// entry pointing at another member's data.
import zlib from 'node:zlib';
import yazl from 'yazl';
import tar from 'tar-stream';

/** One file or folder of an archive to build. */
export interface EntrySpec {
  name: string;
  /** Absent for a folder. */
  data?: Buffer;
  /** Zip only: deflate (default) or store. */
  compress?: boolean;
}

const MTIME = new Date(Date.UTC(2026, 9, 20, 9, 0, 0));

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

/** A clean zip (no data descriptors: yazl knows every size of a buffer up front); zip64 records everywhere if asked. */
export async function zipBytes(entries: readonly EntrySpec[], opts: { zip64?: boolean } = {}): Promise<Buffer> {
  const z = new yazl.ZipFile();
  const zip64 = opts.zip64 ?? false;
  for (const e of entries) {
    if (e.data === undefined) z.addEmptyDirectory(e.name, { mtime: MTIME });
    else z.addBuffer(e.data, e.name, { mtime: MTIME, compress: e.compress ?? true, forceZip64Format: zip64 });
  }
  z.end({ forceZip64Format: zip64, comment: '' });
  return collect(z.outputStream as AsyncIterable<unknown>);
}

/** A clean ustar archive. */
export async function tarBytes(entries: readonly EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const out = collect(pack as AsyncIterable<unknown>);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = e.data === undefined
        ? { name: e.name, type: 'directory' as const, mtime: MTIME }
        : { name: e.name, size: e.data.length, mtime: MTIME };
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      pack.entry(header, e.data ?? Buffer.alloc(0), done);
    });
  }
  pack.finalize();
  return out;
}

/** A gzip stream, with the original name in its header when given (FNAME). */
export function gzipBytes(data: Buffer, name?: string): Buffer {
  const gz = zlib.gzipSync(data, { level: 6 });
  if (name === undefined) return gz;
  // zlib writes no FNAME: the header is 10 bytes, FNAME (flag 8) goes right after it.
  const head = Buffer.from(gz.subarray(0, 10));
  head[3] = head[3]! | 8;
  return Buffer.concat([head, Buffer.from(`${name}\0`, 'latin1'), gz.subarray(10)]);
}

// ---------------------------------------------------------------------------------
// Zip layout (APPNOTE 4.3): where each member's local header, data and central
// directory entry lie. Enough of the format for the clean zips built above (no zip64,
// no data descriptors, no archive comment).

export interface ZipEntryLayout {
  /** Central directory order. */
  index: number;
  name: string;
  /** The entry is a folder (its name ends in `/`). */
  folder: boolean;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Local file header: [localOffset, dataStart). */
  localOffset: number;
  dataStart: number;
  /** End of its compressed data. */
  dataEnd: number;
  /** Its central directory entry: [cdOffset, cdEnd). */
  cdOffset: number;
  cdEnd: number;
}

export interface ZipLayout {
  entries: ZipEntryLayout[];
  cdStart: number;
  cdEnd: number;
  /** The end of central directory record: [eocd, bytes.length). */
  eocd: number;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;

export function zipLayout(bytes: Buffer): ZipLayout {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || bytes.readUInt32LE(eocd) !== EOCD_SIG) throw new Error('no end of central directory record');
  const count = bytes.readUInt16LE(eocd + 10);
  const cdSize = bytes.readUInt32LE(eocd + 12);
  const cdStart = bytes.readUInt32LE(eocd + 16);
  const entries: ZipEntryLayout[] = [];
  let at = cdStart;
  for (let index = 0; index < count; index++) {
    if (bytes.readUInt32LE(at) !== CENTRAL_SIG) throw new Error(`no central directory entry #${index} at ${at}`);
    const nameLen = bytes.readUInt16LE(at + 28);
    const extraLen = bytes.readUInt16LE(at + 30);
    const commentLen = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLen);
    if (bytes.readUInt32LE(localOffset) !== LOCAL_SIG) throw new Error(`no local header for ${name}`);
    const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const cdEnd = at + 46 + nameLen + extraLen + commentLen;
    entries.push({
      index, name, folder: name.endsWith('/'), flags: bytes.readUInt16LE(at + 8), method: bytes.readUInt16LE(at + 10),
      crc32: bytes.readUInt32LE(at + 16), compressedSize, size: bytes.readUInt32LE(at + 24), localOffset, dataStart,
      dataEnd: dataStart + compressedSize, cdOffset: at, cdEnd,
    });
    at = cdEnd;
  }
  if (at !== cdStart + cdSize) throw new Error('central directory size does not add up');
  return { entries, cdStart, cdEnd: at, eocd };
}

/** The bytes of a member (inflated when deflated), from the clean zip. */
export function zipMemberData(bytes: Buffer, e: ZipEntryLayout): Buffer {
  const raw = bytes.subarray(e.dataStart, e.dataEnd);
  return e.method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
}

/**
 * Changes one member's header fields in both places a zip keeps them (the local file
 * header and the central directory entry), as a hostile or broken writer would have
 * written them. A new name must have as many bytes as the old one: nothing moves.
 */
export interface ZipPatch {
  name?: string;
  /** General-purpose flags (bit 0: encrypted; bit 3: data descriptor; bit 11: UTF-8 names). */
  flags?: (f: number) => number;
  method?: number;
  crc32?: number;
  size?: number;
  /** Only in the central directory: where the member's local header is. */
  localOffset?: number;
}

export function patchZip(bytes: Buffer, index: number, patch: ZipPatch): Buffer {
  const out = Buffer.from(bytes);
  const e = zipLayout(bytes).entries[index];
  if (!e) throw new Error(`no member #${index}`);
  // Offsets of the same fields in the local header (l) and the central entry (c).
  const l = e.localOffset;
  const c = e.cdOffset;
  if (patch.name !== undefined) {
    const name = Buffer.from(patch.name, 'utf8');
    if (name.length !== Buffer.byteLength(e.name)) throw new Error(`"${patch.name}" is not as long as "${e.name}"`);
    name.copy(out, l + 30);
    name.copy(out, c + 46);
  }
  if (patch.flags) {
    out.writeUInt16LE(patch.flags(e.flags), l + 6);
    out.writeUInt16LE(patch.flags(e.flags), c + 8);
  }
  if (patch.method !== undefined) {
    out.writeUInt16LE(patch.method, l + 8);
    out.writeUInt16LE(patch.method, c + 10);
  }
  if (patch.crc32 !== undefined) {
    out.writeUInt32LE(patch.crc32 >>> 0, l + 14);
    out.writeUInt32LE(patch.crc32 >>> 0, c + 16);
  }
  if (patch.size !== undefined) {
    out.writeUInt32LE(patch.size, l + 22);
    out.writeUInt32LE(patch.size, c + 24);
  }
  if (patch.localOffset !== undefined) out.writeUInt32LE(patch.localOffset, c + 42);
  return out;
}

/**
 * The "overlapping files" construction: the central directory gets one more entry, a copy
 * of member `index`'s entry under another name of the same length, pointing at the same
 * local header and data. The end record counts it.
 */
export function addOverlappingEntry(bytes: Buffer, index: number, name: string): Buffer {
  const z = zipLayout(bytes);
  const e = z.entries[index]!;
  const copy = Buffer.from(bytes.subarray(e.cdOffset, e.cdEnd));
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length !== Buffer.byteLength(e.name)) throw new Error('the overlapping name must be as long as the original');
  nameBytes.copy(copy, 46);
  const eocd = Buffer.from(bytes.subarray(z.eocd));
  eocd.writeUInt16LE(z.entries.length + 1, 8);
  eocd.writeUInt16LE(z.entries.length + 1, 10);
  eocd.writeUInt32LE(z.cdEnd - z.cdStart + copy.length, 12);
  return Buffer.concat([bytes.subarray(0, z.cdEnd), copy, eocd]);
}

// ---------------------------------------------------------------------------------
// Tar layout: 512-byte headers, each followed by its data padded to 512.

export interface TarEntryLayout {
  index: number;
  name: string;
  file: boolean;
  header: number;
  dataStart: number;
  dataEnd: number;
}

export function tarLayout(bytes: Buffer): TarEntryLayout[] {
  const out: TarEntryLayout[] = [];
  for (let at = 0, index = 0; at + 512 <= bytes.length; index++) {
    const h = bytes.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const prefix = h.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    const size = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    out.push({ index, name: prefix ? `${prefix}/${name}` : name, file: type === '0' || type === '\0', header: at, dataStart: at + 512, dataEnd: at + 512 + size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// How much of a cut or damaged compressed stream still inflates to the original bytes.

/**
 * Bytes of output that `compressed[0, n)` determines: inflating a prefix with a sync flush
 * yields exactly the output whose codes lie wholly inside it. Whatever follows byte `n`
 * (cut off, flipped), the output before this point is the original's.
 */
export function inflatablePrefix(compressed: Buffer, n: number, raw: boolean): number {
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  try {
    return (raw ? zlib.inflateRawSync(compressed.subarray(0, n), opts) : zlib.gunzipSync(compressed.subarray(0, n), opts)).length;
  } catch {
    return 0; // not even the header
  }
}
