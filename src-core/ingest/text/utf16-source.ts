import type { ByteSource } from './byte-source.js';

/**
 * Re-encodes a UTF-16 byte stream as UTF-8, so that the byte-level scanners
 * (newline search, JSON structure) have a single encoding to deal with.
 */
export function utf16ToUtf8Source(
  inner: ByteSource,
  encoding: 'utf-16le' | 'utf-16be',
  chunkSize: number,
): ByteSource {
  // ignoreBOM: the caller already skipped the file's BOM; a later U+FEFF is content.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  const raw = Buffer.allocUnsafe(chunkSize);
  let out = Buffer.alloc(0);
  let outPos = 0;
  let done = false;
  let produced = 0;
  return {
    read(target, offset, length) {
      while (outPos >= out.length) {
        if (done) return 0;
        const n = inner.read(raw, 0, raw.length);
        let text: string;
        if (n === 0) {
          done = true;
          text = decoder.decode();
        } else {
          text = decoder.decode(raw.subarray(0, n), { stream: true });
        }
        out = Buffer.from(text, 'utf8');
        outPos = 0;
      }
      const k = Math.min(length, out.length - outPos);
      out.copy(target, offset, outPos, outPos + k);
      outPos += k;
      produced += k;
      return k;
    },
    get size() {
      return inner.size;
    },
    get bytesRead() {
      return produced;
    },
    close() {
      inner.close();
    },
  };
}

/**
 * Converts positions in a UTF-8 stream back to byte offsets in the original file.
 * `at` must be called with non-decreasing positions whose bytes, from the previous
 * call on, are still in `buf` (the chunk buffer calls it before discarding bytes).
 */
export interface OffsetMapper {
  readonly identity: boolean;
  at(buf: Uint8Array, bufBase: number, pos: number): number;
}

export function identityMapper(bomLength: number): OffsetMapper {
  return { identity: true, at: (_buf, _base, pos) => pos + bomLength };
}

/** Each UTF-16 code unit is 2 file bytes; count code units in the UTF-8 bytes seen. */
export function utf16Mapper(bomLength: number): OffsetMapper {
  let pos = 0;
  let units = 0;
  // Lead bytes start a code point; 4-byte ones (beyond the BMP) are a surrogate pair.
  const unitsOf = (b: number): number => ((b & 0xc0) === 0x80 ? 0 : b >= 0xf0 ? 2 : 1);
  return {
    identity: false,
    at(buf, bufBase, target) {
      for (let i = pos - bufBase, stop = target - bufBase; i < stop; i++) units += unitsOf(buf[i] ?? 0);
      // Backwards only over bytes still buffered (a caller re-asking for an earlier record).
      for (let i = pos - bufBase - 1, stop = Math.max(target - bufBase, 0); i >= stop; i--) units -= unitsOf(buf[i] ?? 0);
      pos = target;
      return bomLength + 2 * units;
    },
  };
}
