// A small BinXML assembler for unit tests: builds one chunk with hand-written records, to
// exercise tokens the corpus lacks (CDATA, character and entity references, PIs, arrays,
// optional substitutions). Names are always stored inline, as they are at first use.

import { crc32 } from 'node:zlib';

export type Part = (a: Asm) => void;

export class Asm {
  readonly out: number[] = [];
  /** `base`: chunk offset of the first byte written. */
  constructor(readonly base: number) {}

  get pos(): number {
    return this.base + this.out.length;
  }

  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: bigint): this {
    return this.u32(Number(v & 0xffffffffn)).u32(Number(v >> 32n));
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.out.push(x);
    return this;
  }
  patch32(at: number, v: number): void {
    const i = at - this.base;
    this.out[i] = v & 0xff;
    this.out[i + 1] = (v >>> 8) & 0xff;
    this.out[i + 2] = (v >>> 16) & 0xff;
    this.out[i + 3] = (v >>> 24) & 0xff;
  }

  /** A name offset pointing right after itself, then the name record (inline). */
  name(s: string): this {
    this.u32(this.pos + 4).u32(0).u16(0).u16(s.length);
    return this.raw(Buffer.from(s, 'utf16le')).u16(0);
  }

  fragment(): this {
    return this.u8(0x0f).u8(1).u8(1).u8(0);
  }

  /** An element: start (with dependency identifier in templates), attributes, content, end. */
  element(name: string, opts: { dep?: boolean; attrs?: Array<[string, Part[]]>; content?: Part[] }): this {
    const start = this.pos;
    const attrs = opts.attrs ?? [];
    this.u8(attrs.length > 0 ? 0x41 : 0x01);
    if (opts.dep) this.u16(0xffff);
    const sizeAt = this.pos;
    this.u32(0).name(name);
    if (attrs.length > 0) {
      const listAt = this.pos;
      this.u32(0);
      attrs.forEach(([attrName, parts], i) => {
        this.u8(i < attrs.length - 1 ? 0x46 : 0x06).name(attrName);
        for (const p of parts) p(this);
      });
      this.patch32(listAt, this.pos - listAt - 4);
    }
    if (opts.content === undefined) this.u8(0x03);
    else {
      this.u8(0x02);
      for (const p of opts.content) p(this);
      this.u8(0x04);
    }
    this.patch32(sizeAt, this.pos - (start + (opts.dep ? 7 : 5)));
    return this;
  }
}

export const text =
  (s: string): Part =>
  (a) =>
    a.u8(0x05).u8(0x01).u16(s.length).raw(Buffer.from(s, 'utf16le'));
export const subst =
  (index: number, type: number, optional = false): Part =>
  (a) =>
    a.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
export const charRef =
  (code: number): Part =>
  (a) =>
    a.u8(0x08).u16(code);
export const entityRef =
  (name: string): Part =>
  (a) =>
    a.u8(0x09).name(name);
export const cdata =
  (s: string): Part =>
  (a) =>
    a.u8(0x07).u16(s.length).raw(Buffer.from(s, 'utf16le'));
export const pi =
  (target: string, data: string): Part =>
  (a) =>
    a.u8(0x0a).name(target).u8(0x0b).u16(data.length).raw(Buffer.from(data, 'utf16le'));
export const el =
  (name: string, opts: { dep?: boolean; attrs?: Array<[string, Part[]]>; content?: Part[] }): Part =>
  (a) =>
    a.element(name, opts);

export interface Value {
  type: number;
  bytes: Uint8Array;
}

/** A template instance with its definition inline, then the values ("Template instance"). */
export const instance =
  (guid: Uint8Array, body: Part, values: Value[]): Part =>
  (a) => {
    a.u8(0x0c).u8(0x01).raw(guid.subarray(0, 4));
    a.u32(a.pos + 4); // definition right here
    a.u32(0).raw(guid);
    const sizeAt = a.pos;
    a.u32(0);
    const bodyStart = a.pos;
    a.fragment();
    body(a);
    a.u8(0x00);
    a.patch32(sizeAt, a.pos - bodyStart);
    a.u32(values.length);
    for (const v of values) a.u16(v.bytes.length).u8(v.type).u8(0);
    for (const v of values) a.raw(v.bytes);
  };

/** One chunk holding records built from BinXML parts (ids from 1), with valid CRCs. */
export function chunkWith(records: Part[][], written = 0x01d5_0000_0000_0000n): Buffer {
  const c = Buffer.alloc(65536);
  let off = 512;
  let last = 512;
  records.forEach((parts, i) => {
    const a = new Asm(off);
    a.raw(Buffer.from([0x2a, 0x2a, 0, 0])).u32(0).u64(BigInt(i + 1)).u64(written);
    for (const p of parts) p(a);
    a.u8(0x00);
    while ((a.out.length + 4) % 8 !== 0) a.u8(0);
    const size = a.out.length + 4;
    a.u32(size);
    a.patch32(off + 4, size);
    Buffer.from(a.out).copy(c, off);
    last = off;
    off += size;
  });
  c.write('ElfChnk\0', 0, 'latin1');
  c.writeBigUInt64LE(1n, 8);
  c.writeBigUInt64LE(BigInt(records.length), 16);
  c.writeBigUInt64LE(1n, 24);
  c.writeBigUInt64LE(BigInt(records.length), 32);
  c.writeUInt32LE(128, 40);
  c.writeUInt32LE(last, 44);
  c.writeUInt32LE(off, 48);
  c.writeUInt32LE(crc32(c.subarray(512, off)), 52);
  c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
  return c;
}

/** A file header for `chunks` chunks. */
export function fileHeader(chunks: number, nextRecordId: number): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks - 1)), 16);
  h.writeBigUInt64LE(BigInt(nextRecordId), 24);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(chunks, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return h;
}
