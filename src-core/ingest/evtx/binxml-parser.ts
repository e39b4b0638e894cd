// Parses BinXML token streams ("Binary XML": "Document structure" … "PI data") into T-nodes.
// Offsets are chunk-relative throughout, since names and template definitions are referenced by
// chunk offset and may be stored inline right where they are first used.
//
// Three kinds of streams:
// - a template definition body: element starts carry the 2-byte dependency identifier and
//   substitutions are allowed ("Template definition");
// - a record's event data and a BinXML substitution value (type 0x21): no dependency identifier
//   (see the notes under "Element start"), template instances allowed, substitutions not.

import { u16, u32, utf16 } from './bytes.js';
import {
  K_CDATA,
  K_CHAR_REF,
  K_ELEMENT,
  K_ENTITY_REF,
  K_INSTANCE,
  K_PI,
  K_SUBST,
  K_TEXT,
  TOKEN,
  newValueTable,
  type CompiledTemplateRef,
  type TAttr,
  type TElement,
  type TInstance,
  type TNode,
  type TPart,
  type ValueTable,
} from './binxml-tokens.js';
import { EvtxBinXmlError } from './errors.js';

/** What the parser needs from a chunk: its bytes and its string and template caches. */
export interface ParseContext {
  readonly buf: Buffer;
  /** The name stored at a chunk offset ("Name"). */
  name(offset: number): string;
  /** The compiled template definition at a chunk offset; `id` is the instance's template identifier. */
  template(offset: number, id: number): CompiledTemplateRef;
}

/** Bounds nesting on crafted input: elements within a stream, and streams within values. */
export const MAX_ELEMENT_DEPTH = 256;
export const MAX_STREAM_DEPTH = 16;

/** Bytes a name takes when stored inline: next offset, hash, count, characters and NUL. */
export function nameRecordSize(b: Uint8Array, offset: number): number {
  return 10 + u16(b, offset + 6) * 2;
}

/** Reads a name record at `offset` (bounds-checked against the chunk). */
export function readNameAt(b: Buffer, offset: number): string {
  if (offset + 8 > b.length) throw new EvtxBinXmlError('name offset out of bounds', 0, offset);
  const chars = u16(b, offset + 6);
  if (offset + 8 + chars * 2 > b.length) throw new EvtxBinXmlError('name out of bounds', 0, offset);
  return utf16(b, offset + 8, chars);
}

class StreamParser {
  pos: number;
  constructor(
    private readonly ctx: ParseContext,
    start: number,
    private readonly end: number,
    /** Parsing a template definition: dependency identifiers present, substitutions allowed. */
    private readonly inTemplate: boolean,
  ) {
    this.pos = start;
  }

  private fail(message: string): never {
    throw new EvtxBinXmlError(message, this.ctx.buf[this.pos] ?? 0, this.pos);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`truncated BinXML: ${n} bytes needed, ${Math.max(0, this.end - this.pos)} left`);
  }

  /** Reads a 4-byte name offset and skips the name when it is stored inline. */
  private nameRef(): string {
    this.need(4);
    const b = this.ctx.buf;
    const offset = u32(b, this.pos);
    this.pos += 4;
    const name = this.ctx.name(offset);
    if (offset === this.pos) {
      this.need(8);
      const size = nameRecordSize(b, offset);
      this.need(size);
      this.pos += size;
    }
    return name;
  }

  /** Top-level tokens of a stream, up to the end-of-file token or the end of the data. */
  stream(): TNode[] {
    const b = this.ctx.buf;
    const out: TNode[] = [];
    while (this.pos < this.end) {
      const t = b[this.pos] as number;
      switch (t) {
        case TOKEN.EOF:
          this.pos++;
          return out;
        case TOKEN.FRAGMENT_HEADER:
          this.need(4);
          this.pos += 4;
          break;
        case TOKEN.TEMPLATE_INSTANCE:
          if (this.inTemplate) this.fail('template instance inside a template definition');
          out.push(this.instance());
          break;
        case TOKEN.OPEN_START_ELEMENT:
        case TOKEN.OPEN_START_ELEMENT | TOKEN.MORE:
          out.push(this.element(0));
          break;
        case TOKEN.PI_TARGET:
          out.push(this.pi());
          break;
        default:
          this.fail('unexpected token at document level');
      }
    }
    return out;
  }

  private instance(): TInstance {
    const table = newValueTable(0);
    const template = readInstance(this.ctx, this.pos, this.end, table, true);
    this.pos = table.end;
    return { k: K_INSTANCE, template, values: table };
  }

  element(depth: number): TElement {
    if (depth > MAX_ELEMENT_DEPTH) this.fail('elements nested too deeply');
    const b = this.ctx.buf;
    const token = b[this.pos] as number;
    this.need(this.inTemplate ? 11 : 9);
    this.pos += this.hasDependencyId() ? 7 : 5; // token, [dependency identifier], data size
    const name = this.nameRef();
    const attrs: TAttr[] = [];
    if (token & TOKEN.MORE) {
      this.need(4);
      this.pos += 4; // attribute list size
      for (;;) {
        this.need(1);
        const t = b[this.pos] as number;
        if (t !== TOKEN.ATTRIBUTE && t !== (TOKEN.ATTRIBUTE | TOKEN.MORE)) break;
        this.pos++;
        const attrName = this.nameRef();
        attrs.push({ name: attrName, parts: this.parts() });
      }
    }
    this.need(1);
    const close = b[this.pos] as number;
    if (close === TOKEN.CLOSE_EMPTY_ELEMENT) {
      this.pos++;
      return { k: K_ELEMENT, name, attrs, content: null };
    }
    if (close !== TOKEN.CLOSE_START_ELEMENT) this.fail(`expected the end of element start <${name}>`);
    this.pos++;
    const content = this.content(depth);
    return { k: K_ELEMENT, name, attrs, content };
  }

  /**
   * Whether the element start at `pos` carries a dependency identifier: always in template
   * definitions; elsewhere not, unless only that reading gives a data size and name offset
   * that fit (an element stored directly in a record by a producer that writes one).
   */
  private hasDependencyId(): boolean {
    if (this.inTemplate) return true;
    const b = this.ctx.buf;
    const fits = (dep: number): boolean => {
      const p = this.pos + 1 + dep;
      if (p + 8 > this.end) return false;
      return this.pos + 5 + dep + u32(b, p) <= this.end && u32(b, p + 4) < b.length;
    };
    return !fits(0) && fits(2);
  }

  /** Attribute data: value text, substitutions, character and entity references. */
  private parts(): TPart[] {
    const b = this.ctx.buf;
    const parts: TPart[] = [];
    for (;;) {
      if (this.pos >= this.end) return parts;
      const part = this.part(b[this.pos] as number);
      if (part === null) return parts;
      parts.push(part);
    }
  }

  /** One text-ish token, or null when the token at `pos` is something else. */
  private part(t: number): TPart | null {
    const b = this.ctx.buf;
    switch (t & ~TOKEN.MORE) {
      case TOKEN.VALUE: {
        this.need(4);
        const type = b[this.pos + 1] as number;
        if (type !== 0x01) this.fail(`unsupported value text type 0x${type.toString(16)}`);
        const chars = u16(b, this.pos + 2);
        this.pos += 4;
        this.need(chars * 2);
        const text = utf16(b, this.pos, chars);
        this.pos += chars * 2;
        return { k: K_TEXT, text };
      }
      case TOKEN.NORMAL_SUBSTITUTION:
      case TOKEN.OPTIONAL_SUBSTITUTION: {
        if (t & TOKEN.MORE) return null;
        if (!this.inTemplate) this.fail('substitution outside a template definition');
        this.need(4);
        const index = u16(b, this.pos + 1);
        const type = b[this.pos + 3] as number;
        this.pos += 4;
        return { k: K_SUBST, index, type, optional: t === TOKEN.OPTIONAL_SUBSTITUTION };
      }
      case TOKEN.CHAR_REF: {
        this.need(3);
        const code = u16(b, this.pos + 1);
        this.pos += 3;
        return { k: K_CHAR_REF, code };
      }
      case TOKEN.ENTITY_REF: {
        this.pos++;
        return { k: K_ENTITY_REF, name: this.nameRef() };
      }
      default:
        return null;
    }
  }

  /** Element content up to and including the end-element token. */
  private content(depth: number): TNode[] {
    const b = this.ctx.buf;
    const out: TNode[] = [];
    for (;;) {
      this.need(1);
      const t = b[this.pos] as number;
      if (t === TOKEN.END_ELEMENT) {
        this.pos++;
        return out;
      }
      const part = this.part(t);
      if (part !== null) {
        out.push(part);
        continue;
      }
      switch (t) {
        case TOKEN.OPEN_START_ELEMENT:
        case TOKEN.OPEN_START_ELEMENT | TOKEN.MORE:
          out.push(this.element(depth + 1));
          break;
        case TOKEN.CDATA_SECTION:
        case TOKEN.CDATA_SECTION | TOKEN.MORE: {
          this.need(3);
          const chars = u16(b, this.pos + 1);
          this.pos += 3;
          this.need(chars * 2);
          out.push({ k: K_CDATA, text: utf16(b, this.pos, chars) });
          this.pos += chars * 2;
          break;
        }
        case TOKEN.PI_TARGET:
          out.push(this.pi());
          break;
        case TOKEN.EOF:
          this.fail(`end of data inside element content`);
          break;
        default:
          this.fail('unexpected token in element content');
      }
    }
  }

  /** A processing instruction: target name, then (normally) its data ("PI target", "PI data"). */
  private pi(): TNode {
    const b = this.ctx.buf;
    this.pos++;
    const target = this.nameRef();
    let data = '';
    if (this.pos < this.end && b[this.pos] === TOKEN.PI_DATA) {
      this.need(3);
      const chars = u16(b, this.pos + 1);
      this.pos += 3;
      this.need(chars * 2);
      data = utf16(b, this.pos, chars);
      this.pos += chars * 2;
    }
    return { k: K_PI, target, data };
  }
}

/** Parses a template definition body ("Template definition"): one element after a fragment header. */
export function parseTemplateBody(ctx: ParseContext, start: number, end: number): TElement {
  const p = new StreamParser(ctx, start, end, true);
  const nodes = p.stream();
  const root = nodes.find((n): n is TElement => n.k === K_ELEMENT);
  if (root === undefined) throw new EvtxBinXmlError('template definition without an element', ctx.buf[start] ?? 0, start);
  return root;
}

/** Parses a record's event data or a BinXML value into its top-level nodes. */
export function parseStream(ctx: ParseContext, start: number, end: number, streamDepth: number): TNode[] {
  if (streamDepth > MAX_STREAM_DEPTH) throw new EvtxBinXmlError('BinXML values nested too deeply', ctx.buf[start] ?? 0, start);
  return new StreamParser(ctx, start, end, false).stream();
}

/**
 * Reads a template instance at `pos` (the 0x0c token) into `table` ("Template instance",
 * "Template instance data"): skips an inline template definition, reads the value descriptors
 * and checks that the values fit before `end`. `grow` lets the table's arrays be replaced when
 * too small (else the instance is rejected). Returns the template; `table.end` is set to the
 * offset after the values.
 */
export function readInstance(
  ctx: ParseContext,
  pos: number,
  end: number,
  table: ValueTable,
  grow: boolean,
): CompiledTemplateRef {
  const b = ctx.buf;
  if (pos + 10 > end) throw new EvtxBinXmlError('truncated template instance', TOKEN.TEMPLATE_INSTANCE, pos);
  const defOffset = u32(b, pos + 6);
  let p = pos + 10;
  const template = ctx.template(defOffset, u32(b, pos + 2));
  if (defOffset === p) {
    if (p + 24 > end) throw new EvtxBinXmlError('truncated template definition', TOKEN.TEMPLATE_INSTANCE, p);
    p += 24 + u32(b, p + 20);
  }
  if (p + 4 > end) throw new EvtxBinXmlError('truncated template instance data', TOKEN.TEMPLATE_INSTANCE, p);
  const count = u32(b, p);
  p += 4;
  if (count * 4 > end - p) throw new EvtxBinXmlError(`template instance with ${count} values exceeds the data`, TOKEN.TEMPLATE_INSTANCE, p - 4);
  if (count > table.types.length) {
    if (!grow) throw new EvtxBinXmlError('too many template values', TOKEN.TEMPLATE_INSTANCE, p - 4);
    table.types = new Uint8Array(count);
    table.sizes = new Uint16Array(count);
    table.offs = new Int32Array(count);
  }
  let v = p + count * 4;
  for (let i = 0; i < count; i++, p += 4) {
    const size = u16(b, p);
    table.types[i] = b[p + 2] as number;
    table.sizes[i] = size;
    table.offs[i] = v;
    v += size;
  }
  if (v > end) throw new EvtxBinXmlError('template values exceed the record data', TOKEN.TEMPLATE_INSTANCE, pos);
  table.count = count;
  table.end = v;
  return template;
}
