// String and template caches ("Chunk header": common string offset array and TemplatePtr;
// "Template definition"). Names and template definitions are referenced by chunk offset and
// decoded once per chunk. The header's hash tables themselves are not needed (nor trusted: a
// damaged string table must not lose records), only the offsets in the data.
//
// Compiled templates are also shared across the chunks of a file: a definition whose bytes are
// identical to one compiled before (same GUID, size and bytes, and the same text for any name
// it references outside itself) reuses that compilation and its extraction plans. The same
// store lends a template, by its identifier, to a chunk whose own definition is unreadable.

import { guidText } from './value-types.js';
import { parseTemplateBody, readNameAt, type ParseContext } from './binxml-parser.js';
import type { CompiledTemplateRef, TElement } from './binxml-tokens.js';
import { EvtxBinXmlError, EvtxError } from './errors.js';
import { u32 } from './bytes.js';
import type { FastPlan, PayloadPlan } from './fast-plan.js';

export const CHUNK_SIZE = 65536;
const DEFINITION_HEADER_SIZE = 24;

/** A template definition ("Template definition"), parsed once. */
export class CompiledTemplate implements CompiledTemplateRef {
  /** The fast extraction plans, built on first use by fast-path.ts. */
  plan: FastPlan | null = null;
  payloadPlan: PayloadPlan | null = null;
  constructor(
    /** Chunk offset of the definition where it was first compiled. */
    readonly offset: number,
    readonly guid: string,
    readonly root: TElement,
  ) {}
}

interface StoredTemplate {
  /** The definition body as stored (its name offsets included). */
  bytes: Buffer;
  /** Names it references outside its own bytes: chunk offset and text. */
  external: Array<[number, string]>;
  template: CompiledTemplate;
}

/** Compiled templates of one file, shared by its chunks. */
export class TemplateStore {
  private readonly byKey = new Map<string, StoredTemplate>();
  private readonly byId = new Map<number, CompiledTemplate>();
  constructor(private readonly max = 4096) {}

  /** The compiled template whose definition matches `b[start, end)`, if any. */
  find(key: string, ctx: ChunkContext, start: number, end: number): CompiledTemplate | undefined {
    const s = this.byKey.get(key);
    if (s === undefined || ctx.buf.compare(s.bytes, 0, s.bytes.length, start, end) !== 0) return undefined;
    for (const [offset, name] of s.external) {
      if (ctx.name(offset) !== name) return undefined;
    }
    return s.template;
  }

  add(key: string, id: number, s: StoredTemplate): void {
    if (this.byKey.size >= this.max) this.byKey.clear();
    if (this.byId.size >= this.max) this.byId.clear();
    this.byKey.set(key, s);
    this.byId.set(id, s.template);
  }

  /** The latest template with this identifier (first 32 bits of its GUID). */
  byIdentifier(id: number): CompiledTemplate | undefined {
    return this.byId.get(id);
  }
}

export class ChunkContext implements ParseContext {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, CompiledTemplate | EvtxError>();
  /** Identifiers of templates taken from earlier chunks (this chunk's definition unreadable). */
  readonly borrowed = new Set<number>();
  /** While compiling a definition: its byte range and the names it references outside it. */
  private recording: { start: number; end: number; external: Array<[number, string]> } | null = null;

  constructor(
    readonly buf: Buffer,
    /** Chunk index in the file (0 = first chunk after the file header). */
    readonly index: number,
    /** File offset of the chunk. */
    readonly fileOffset: number,
    private readonly store: TemplateStore | null = null,
  ) {}

  name(offset: number): string {
    let name = this.names.get(offset);
    if (name === undefined) {
      name = readNameAt(this.buf, offset);
      this.names.set(offset, name);
    }
    const r = this.recording;
    if (r !== null && (offset < r.start || offset >= r.end)) r.external.push([offset, name]);
    return name;
  }

  template(offset: number, id: number): CompiledTemplate {
    const cached = this.templates.get(offset);
    if (cached instanceof CompiledTemplate) return cached;
    if (cached === undefined) {
      try {
        const t = this.compile(offset);
        this.templates.set(offset, t);
        return t;
      } catch (err) {
        this.templates.set(offset, err instanceof EvtxError ? err : new EvtxBinXmlError(String(err), 0x0c, offset));
      } finally {
        this.recording = null;
      }
    }
    const borrowed = this.store?.byIdentifier(id);
    if (borrowed !== undefined) {
      this.borrowed.add(id);
      return borrowed;
    }
    throw this.templates.get(offset) as EvtxError;
  }

  /** Template definition: next offset (4), GUID (16), data size (4), then the BinXML body. */
  private compile(offset: number): CompiledTemplate {
    const b = this.buf;
    if (offset < 512 || offset + DEFINITION_HEADER_SIZE > b.length) {
      throw new EvtxBinXmlError(`template definition offset 0x${offset.toString(16)} out of bounds`, 0x0c, offset);
    }
    const size = u32(b, offset + 20);
    const start = offset + DEFINITION_HEADER_SIZE;
    if (start + size > b.length) throw new EvtxBinXmlError('template definition exceeds the chunk', 0x0c, offset);
    const guid = guidText(b, offset + 4);
    const key = `${guid}/${size}`;
    const known = this.store?.find(key, this, start, start + size);
    if (known !== undefined) return known;
    this.recording = { start, end: start + size, external: [] };
    const root = parseTemplateBody(this, start, start + size);
    const t = new CompiledTemplate(offset, guid, root);
    this.store?.add(key, u32(b, offset + 4), { bytes: Buffer.from(b.subarray(start, start + size)), external: this.recording.external, template: t });
    return t;
  }
}
