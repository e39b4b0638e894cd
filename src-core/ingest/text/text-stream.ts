import { prefixed, type ByteSource } from './byte-source.js';
import { decodeUtf8 } from './utf8-decode.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE } from './chunk-buffer.js';
import { SNIFF_BYTES, sniffEncoding, type TextEncoding } from './encoding.js';
import { identityMapper, utf16Mapper, utf16ToUtf8Source } from './utf16-source.js';

function readHead(source: ByteSource): Buffer {
  const head = Buffer.alloc(SNIFF_BYTES);
  let n = 0;
  for (;;) {
    const k = source.read(head, n, SNIFF_BYTES - n);
    if (k === 0) break;
    n += k;
    if (n === SNIFF_BYTES) break;
  }
  return head.subarray(0, n);
}

export interface Utf8Window {
  encoding: TextEncoding;
  /** UTF-8 bytes of the text (BOM removed), with file offsets for any position. */
  chunks: ChunkBuffer;
}

/** Sniffs the encoding and exposes the text as UTF-8 bytes with exact file offsets. */
export function openUtf8(source: ByteSource, chunkSize = DEFAULT_CHUNK_SIZE): Utf8Window {
  const head = readHead(source);
  const { encoding, bomLength } = sniffEncoding(head);
  const rest = prefixed(head.subarray(bomLength), source);
  if (encoding === 'utf-8') {
    return { encoding, chunks: new ChunkBuffer(rest, identityMapper(bomLength), chunkSize) };
  }
  const utf8 = utf16ToUtf8Source(rest, encoding, chunkSize);
  return { encoding, chunks: new ChunkBuffer(utf8, utf16Mapper(bomLength), chunkSize) };
}

export interface DecodedText {
  encoding: TextEncoding;
  /** The next piece of decoded text, or null at the end. */
  next(): string | null;
}

/** Sniffs the encoding and decodes chunk by chunk (invalid bytes become U+FFFD). */
export function openDecoded(source: ByteSource, chunkSize = DEFAULT_CHUNK_SIZE): DecodedText {
  const head = readHead(source);
  const { encoding, bomLength } = sniffEncoding(head);
  const rest = prefixed(head.subarray(bomLength), source);
  return { encoding, next: encoding === 'utf-8' ? utf8Chunks(rest, chunkSize) : utf16Chunks(rest, encoding, chunkSize) };
}

/** Length of the UTF-8 sequence a lead byte starts (1 for anything invalid). */
function sequenceLength(b: number): number {
  return b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
}

/**
 * Buffer#toString (decodeUtf8: the same text, faster on Latin-1) is several times faster
 * than a streaming TextDecoder; it only needs chunks cut between characters, so an
 * incomplete sequence at the end waits for the next read.
 */
function utf8Chunks(source: ByteSource, chunkSize: number): () => string | null {
  const raw = Buffer.allocUnsafe(chunkSize + 4);
  let carry = 0;
  return () => {
    for (;;) {
      const n = source.read(raw, carry, chunkSize);
      const end = carry + n;
      if (n === 0) {
        carry = 0;
        return end === 0 ? null : decodeUtf8(raw, 0, end);
      }
      let cut = end;
      for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
        const b = raw[i] as number;
        if ((b & 0xc0) === 0x80) continue;
        if (i + sequenceLength(b) > end) cut = i;
        break;
      }
      const text = decodeUtf8(raw, 0, cut);
      raw.copyWithin(0, cut, end);
      carry = end - cut;
      if (text !== '') return text;
    }
  };
}

function utf16Chunks(source: ByteSource, encoding: 'utf-16le' | 'utf-16be', chunkSize: number): () => string | null {
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  const raw = Buffer.allocUnsafe(chunkSize);
  let done = false;
  return () => {
    while (!done) {
      const n = source.read(raw, 0, raw.length);
      if (n === 0) {
        done = true;
        const tail = decoder.decode();
        return tail === '' ? null : tail;
      }
      const text = decoder.decode(raw.subarray(0, n), { stream: true });
      if (text !== '') return text;
    }
    return null;
  };
}
