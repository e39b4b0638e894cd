import type { ByteSource } from '../../src-core/ingest/text/byte-source.js';
import { bufferSource } from '../../src-core/ingest/text/byte-source.js';

export type Enc = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
export const ENCODINGS: Enc[] = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'];

/** Text as file bytes; UTF-16 always gets its BOM. */
export function encode(text: string, enc: Enc): Buffer {
  switch (enc) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}

/** Byte offset in the encoded file of the character at `index` of `text`. */
export function byteOffset(text: string, index: number, enc: Enc): number {
  const prefix = text.slice(0, index);
  switch (enc) {
    case 'utf-8':
      return Buffer.byteLength(prefix, 'utf8');
    case 'utf-8-bom':
      return 3 + Buffer.byteLength(prefix, 'utf8');
    default:
      return 2 + 2 * prefix.length;
  }
}

export function src(data: string | Buffer, maxRead = Infinity): ByteSource {
  return bufferSource(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, maxRead);
}

/**
 * A source that makes its bytes on the fly, so tests can stream far more data than
 * they could hold, and see whether the reader's memory stays flat.
 */
export function generatedSource(totalRecords: number, record: (i: number) => string): ByteSource {
  let i = 0;
  let pending = Buffer.alloc(0);
  let pos = 0;
  let bytesRead = 0;
  return {
    read(target, offset, length) {
      while (pos >= pending.length) {
        if (i >= totalRecords) return 0;
        const parts: string[] = [];
        for (let k = 0; k < 256 && i < totalRecords; k++) parts.push(record(i++));
        pending = Buffer.from(parts.join(''), 'utf8');
        pos = 0;
      }
      const n = Math.min(length, pending.length - pos);
      pending.copy(target, offset, pos, pos + n);
      pos += n;
      bytesRead += n;
      return n;
    },
    size: null,
    get bytesRead() {
      return bytesRead;
    },
    close() {},
  };
}

export const CHUNK_SIZES = [1, 2, 3, 5, 7, 13, 64, 65536];
