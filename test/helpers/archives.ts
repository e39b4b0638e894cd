// Archives made at test time from files on disk or bytes: zip (yazl, deflate or stored,
// nested), tar, tar.gz and gz (tar-stream and zlib). Nothing big is committed.
import fs from 'node:fs';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import yazl from 'yazl';

export interface Entry {
  name: string;
  /** A file to take the bytes from, or the bytes. */
  file?: string;
  data?: Buffer;
  /** Stored instead of deflated. */
  stored?: boolean;
}

export interface ZipOptions {
  /** zip64 records for every member and the end of the central directory, as for archives over 4 GiB. */
  zip64?: boolean;
}

const bytes = (e: Entry): Buffer => e.data ?? fs.readFileSync(e.file!);

/** A zip of the entries, written to `out`; fixed dates, so the same entries make the same bytes. */
export async function writeZip(out: string, entries: readonly Entry[], options: ZipOptions = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2026-10-28T12:00:00Z');
  const zip64 = options.zip64 ?? false;
  for (const e of entries) {
    const options = { compress: !e.stored, mtime, forceZip64Format: zip64 };
    // Files are read as the zip is written, not all held at once (the bench zips 1 GB).
    if (e.data) zip.addBuffer(e.data, e.name, options);
    else zip.addFile(e.file!, e.name, options);
  }
  zip.end({ forceZip64Format: zip64, comment: '' });
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(out)).on('close', () => resolve()).on('error', reject);
  });
  return out;
}

export function tarBytes(entries: readonly Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, mtime: new Date('2026-10-28T12:00:00Z') }, bytes(e));
  pack.finalize();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (c: unknown) => parts.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(parts)));
    pack.on('error', reject);
  });
}

export async function writeTar(out: string, entries: readonly Entry[], gzip = false): Promise<string> {
  const t = await tarBytes(entries);
  fs.writeFileSync(out, gzip ? zlib.gzipSync(t) : t);
  return out;
}

/** A gzip of one file; `name` goes in the header's FNAME (as `gzip` writes it) unless null. */
export function writeGzip(out: string, data: Buffer, name: string | null = null): string {
  let gz = zlib.gzipSync(data);
  if (name !== null) {
    // FLG.FNAME (RFC 1952 2.3.1): the name, NUL-terminated, after the 10-byte header.
    const head = Buffer.from(gz.subarray(0, 10));
    head[3] = head[3]! | 8;
    gz = Buffer.concat([head, Buffer.from(`${name}\0`, 'latin1'), gz.subarray(10)]);
  }
  fs.writeFileSync(out, gz);
  return out;
}
