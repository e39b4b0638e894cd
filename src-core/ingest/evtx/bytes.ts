// Little-endian readers over a chunk buffer. Callers check bounds first; these stay tiny so
// V8 inlines them on the hot path.

export function u16(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
}

export function i32(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24);
}

/** An unsigned 64-bit value as a number; exact below 2^53. */
export function u64n(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 4294967296 + u32(b, o);
}

/** Node's Buffer has native slice decoders; calling them directly skips toString's argument checks. */
interface NativeSlices {
  ucs2Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** UTF-16LE text of `b[start, end)` (bounds already checked; `end - start` even). */
export function ucs2(b: Buffer, start: number, end: number): string {
  return (b as unknown as NativeSlices).ucs2Slice(start, end);
}

/** Latin-1 text of `b[start, end)` (bounds already checked). */
export function latin1(b: Buffer, start: number, end: number): string {
  return (b as unknown as NativeSlices).latin1Slice(start, end);
}

/** UTF-16LE text of `chars` code units at `o`. */
export function utf16(b: Buffer, o: number, chars: number): string {
  return chars === 0 ? '' : ucs2(b, o, o + chars * 2);
}

/** True when `b[start, end)` holds only zero bytes. */
export function allZero(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}
