export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface SniffedEncoding {
  encoding: TextEncoding;
  /** Bytes of byte-order mark to skip (0 when there is none). */
  bomLength: number;
}

/** How many leading bytes sniffEncoding looks at; pass at least this many when available. */
export const SNIFF_BYTES = 64;

/**
 * BOM first; without one, UTF-16 is guessed from NUL bytes: ASCII-range text saved
 * as UTF-16 (PowerShell's `Out-File` default) has a NUL in every other byte, which
 * UTF-8 text never has.
 */
export function sniffEncoding(head: Buffer): SniffedEncoding {
  const b0 = head[0];
  const b1 = head[1];
  if (b0 === 0xef && b1 === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const pairs = Math.min(head.length, SNIFF_BYTES) >> 1;
  if (pairs < 2) return { encoding: 'utf-8', bomLength: 0 };
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenNul++;
    if (head[2 * i + 1] === 0) oddNul++;
  }
  // A few NULs are tolerated on the other side (U+0100..U+FFFF text, padding), not many.
  if (oddNul >= pairs * 0.7 && evenNul <= pairs * 0.1) return { encoding: 'utf-16le', bomLength: 0 };
  if (evenNul >= pairs * 0.7 && oddNul <= pairs * 0.1) return { encoding: 'utf-16be', bomLength: 0 };
  return { encoding: 'utf-8', bomLength: 0 };
}
