// Per-chunk string and template caches ("Chunk header": common string offset array and
// TemplatePtr). Names and template definitions are referenced by chunk offset; they are
// decoded once per chunk and kept here. The header's hash tables themselves are not needed
// (nor trusted: a damaged string table must not lose records), only the offsets in the data.

import { guidText } from './value-types.js';
import { parseTemplateBody, readNameAt, type ParseContext } from './binxml-parser.js';
import type { CompiledTemplateRef, TElement } from './binxml-tokens.js';
import { EvtxBinXmlError, EvtxError } from './errors.js';
import { u32 } from './bytes.js';
import type { FastPlan } from './fast-path.js';

export const CHUNK_SIZE = 65536;

/** A template definition ("Template definition"), parsed once per chunk. */
export class CompiledTemplate implements CompiledTemplateRef {
  /** The fast extraction plan, built on first use by fast-path.ts. */
  plan: FastPlan | null = null;
  constructor(
    readonly offset: number,
    readonly guid: string,
    readonly root: TElement,
  ) {}
}

export class ChunkContext implements ParseContext {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, CompiledTemplate | EvtxError>();

  constructor(
    readonly buf: Buffer,
    /** Chunk index in the file (0 = first chunk after the file header). */
    readonly index: number,
    /** File offset of the chunk. */
    readonly fileOffset: number,
  ) {}

  name(offset: number): string {
    let name = this.names.get(offset);
    if (name === undefined) {
      name = readNameAt(this.buf, offset);
      this.names.set(offset, name);
    }
    return name;
  }

  template(offset: number): CompiledTemplate {
    const cached = this.templates.get(offset);
    if (cached !== undefined) {
      if (cached instanceof EvtxError) throw cached;
      return cached;
    }
    try {
      const t = this.compile(offset);
      this.templates.set(offset, t);
      return t;
    } catch (err) {
      const e = err instanceof EvtxError ? err : new EvtxBinXmlError(String(err), 0x0c, offset);
      this.templates.set(offset, e);
      throw e;
    }
  }

  /** Template definition: next offset (4), GUID (16), data size (4), then the BinXML body. */
  private compile(offset: number): CompiledTemplate {
    const b = this.buf;
    if (offset < 512 || offset + 24 > b.length) {
      throw new EvtxBinXmlError(`template definition offset 0x${offset.toString(16)} out of bounds`, 0x0c, offset);
    }
    const size = u32(b, offset + 20);
    const start = offset + 24;
    if (start + size > b.length) throw new EvtxBinXmlError('template definition exceeds the chunk', 0x0c, offset);
    const root = parseTemplateBody(this, start, start + size);
    return new CompiledTemplate(offset, guidText(b, offset + 4), root);
  }
}
