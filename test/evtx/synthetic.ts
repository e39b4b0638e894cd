// Builds EVTX files from corpus chunks for tests: damaged, reordered, repeated.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { readEvtx, type EvtxIssue, type EvtxRecord } from '../../src-core/ingest/evtx/index.js';

export const CHUNK = 65536;
export const HEADER = 4096;

export interface Split {
  header: Buffer;
  chunks: Buffer[];
}

/** The file header and the chunks that have a signature (copies). */
export function split(file: string): Split {
  const d = fs.readFileSync(file);
  const chunks: Buffer[] = [];
  for (let p = HEADER; p + CHUNK <= d.length; p += CHUNK) {
    if (d.toString('latin1', p, p + 8) === 'ElfChnk\0') chunks.push(Buffer.from(d.subarray(p, p + CHUNK)));
  }
  return { header: Buffer.from(d.subarray(0, HEADER)), chunks };
}

/** Sets the header's chunk count and fixes its CRC. */
export function withChunkCount(header: Buffer, count: number): Buffer {
  const h = Buffer.from(header);
  h.writeUInt16LE(count, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return h;
}

/** Recomputes a chunk's event-records CRC and header CRC. */
export function fixChunkCrcs(c: Buffer): Buffer {
  const fso = c.readUInt32LE(48);
  c.writeUInt32LE(crc32(c.subarray(512, fso)), 52);
  c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
  return c;
}

/** Offsets and sizes of the records of a chunk, by walking it. */
export function recordOffsets(c: Buffer): Array<{ off: number; size: number; id: number }> {
  const out: Array<{ off: number; size: number; id: number }> = [];
  const fso = c.readUInt32LE(48);
  for (let off = 512; off + 24 <= fso && c.readUInt32LE(off) === 0x2a2a; ) {
    const size = c.readUInt32LE(off + 4);
    out.push({ off, size, id: Number(c.readBigUInt64LE(off + 8)) });
    off += size;
  }
  return out;
}

const made: string[] = [];

export function tempFile(parts: Buffer[]): string {
  const p = path.join(os.tmpdir(), `longtail-evtx-${process.pid}-${crypto.randomBytes(6).toString('hex')}.evtx`);
  fs.writeFileSync(p, Buffer.concat(parts));
  made.push(p);
  return p;
}

export function removeTempFiles(): void {
  for (const p of made.splice(0)) fs.rmSync(p, { force: true });
}

export interface Read {
  records: EvtxRecord[];
  issues: EvtxIssue[];
}

export function readAll(file: string, recover = true): Read {
  const records: EvtxRecord[] = [];
  const issues: EvtxIssue[] = [];
  for (const item of readEvtx(file, { recover })) {
    if (item.type === 'record') records.push(item);
    else if (item.type === 'issue') issues.push(item);
  }
  return { records, issues };
}
