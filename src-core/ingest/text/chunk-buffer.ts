import type { ByteSource } from './byte-source.js';
import type { OffsetMapper } from './utf16-source.js';

export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/**
 * A growable window over a byte stream. Callers keep indices into `buf`; `fill`
 * may move the kept bytes down, and returns by how much so they can adjust.
 * Memory is bounded by what callers ask to keep (one record), never the file.
 */
export class ChunkBuffer {
  buf: Buffer;
  /** `buf` limited to the valid bytes, so native searches never see stale data. */
  view: Buffer;
  end = 0;
  /** Stream position of buf[0]. */
  base = 0;
  eof = false;

  constructor(
    private readonly source: ByteSource,
    private readonly mapper: OffsetMapper,
    private readonly chunkSize: number = DEFAULT_CHUNK_SIZE,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(2 * chunkSize, 16));
    this.view = this.buf.subarray(0, 0);
  }

  /**
   * Reads one more chunk, keeping buf[keepFrom, end). Returns the shift applied to
   * indices (0 when nothing moved); check `eof` afterwards.
   */
  fill(keepFrom: number): number {
    if (this.eof) return 0;
    let shift = 0;
    if (this.buf.length - this.end < this.chunkSize) {
      const keep = this.end - keepFrom;
      if (!this.mapper.identity) this.mapper.at(this.buf, this.base, this.base + keepFrom);
      if (keep + this.chunkSize > this.buf.length) {
        const next = Buffer.allocUnsafe(Math.max(keep + this.chunkSize, 2 * this.buf.length));
        this.buf.copy(next, 0, keepFrom, this.end);
        this.buf = next;
      } else {
        this.buf.copyWithin(0, keepFrom, this.end);
      }
      shift = keepFrom;
      this.base += keepFrom;
      this.end = keep;
    }
    const n = this.source.read(this.buf, this.end, this.chunkSize);
    if (n === 0) this.eof = true;
    this.end += n;
    this.view = this.buf.subarray(0, this.end);
    return shift;
  }

  /** Byte offset in the file of buf[index]. */
  fileOffset(index: number): number {
    return this.mapper.at(this.buf, this.base, this.base + index);
  }
}
