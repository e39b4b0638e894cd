// Turns T-nodes plus template instance values into X-nodes (the generic, slower path used for
// rendering XML and for records the fast path does not cover). Substitution rules ("Normal
// substitution", "Optional substitution"):
// - the value type is the one in the instance's value descriptor;
// - an optional substitution whose value is NULL removes what holds it: the element when it
//   holds only text, the attribute when in an attribute value;
// - an array value repeats the element holding the substitution once per item;
// - a BinXML value (0x21) is parsed as a nested stream and its elements become children.

import {
  K_CDATA,
  K_CHAR_REF,
  K_ELEMENT,
  K_ENTITY_REF,
  K_INSTANCE,
  K_PI,
  K_SUBST,
  K_TEXT,
  entityText,
  type TElement,
  type TNode,
  type TPart,
  type ValueTable,
  type XAttr,
  type XChild,
  type XElement,
} from './binxml-tokens.js';
import { parseStream, MAX_ELEMENT_DEPTH, type ParseContext } from './binxml-parser.js';
import { EvtxBinXmlError } from './errors.js';
import { VT, arrayTexts, isArrayType, valueText } from './value-types.js';

/** Instantiates the top-level nodes of a stream (elements, template instances, PIs). */
export function instantiateStream(ctx: ParseContext, nodes: TNode[], streamDepth: number): XChild[] {
  const out: XChild[] = [];
  for (const n of nodes) {
    if (n.k === K_ELEMENT) instantiateElement(ctx, n, null, out, streamDepth, 0);
    else if (n.k === K_INSTANCE) instantiateElement(ctx, n.template.root, n.values, out, streamDepth, 0);
    else if (n.k === K_PI) out.push({ target: n.target, data: n.data });
  }
  return out;
}

/** Parses and instantiates a BinXML stream at `b[start, end)`. */
export function instantiateBinXml(ctx: ParseContext, start: number, end: number, streamDepth: number): XChild[] {
  return instantiateStream(ctx, parseStream(ctx, start, end, streamDepth), streamDepth);
}

function valueType(vals: ValueTable | null, index: number): number {
  return vals !== null && index < vals.count ? (vals.types[index] as number) : VT.NULL;
}

/** The text of a non-array, non-BinXML substitution value. */
export function substText(ctx: ParseContext, vals: ValueTable, index: number): string {
  if (index >= vals.count) return '';
  const type = vals.types[index] as number;
  return valueText(ctx.buf, vals.offs[index] as number, vals.sizes[index] as number, type);
}

/** Items of an array value, cached per element instantiation. */
function arrayItems(ctx: ParseContext, vals: ValueTable, index: number): string[] {
  return arrayTexts(ctx.buf, vals.offs[index] as number, vals.sizes[index] as number, vals.types[index] as number);
}

/** An element holding only text, with an optional substitution that has no value, is not created. */
function omitted(t: TElement, vals: ValueTable | null): boolean {
  if (t.content === null) return false;
  let optionalNull = false;
  for (const c of t.content) {
    if (c.k === K_SUBST) {
      if (c.optional && valueType(vals, c.index) === VT.NULL) optionalNull = true;
    } else if (c.k !== K_TEXT && c.k !== K_CHAR_REF && c.k !== K_ENTITY_REF) return false;
  }
  return optionalNull;
}

/** How many times an element repeats: the item count of the first array substitution in its content. */
function repeatCount(ctx: ParseContext, t: TElement, vals: ValueTable | null): number {
  if (vals === null || t.content === null) return 1;
  for (const n of t.content) {
    if (n.k === K_SUBST && isArrayType(valueType(vals, n.index))) return arrayItems(ctx, vals, n.index).length;
  }
  return 1;
}

export function instantiateElement(
  ctx: ParseContext,
  t: TElement,
  vals: ValueTable | null,
  out: XChild[],
  streamDepth: number,
  depth: number,
): void {
  if (depth > MAX_ELEMENT_DEPTH) throw new EvtxBinXmlError('elements nested too deeply', 0x01, 0);
  if (omitted(t, vals)) return;
  const n = repeatCount(ctx, t, vals);
  for (let item = 0; item < n; item++) out.push(buildElement(ctx, t, vals, item, streamDepth, depth));
}

/** The text of attribute parts; null when an optional substitution has no value (no attribute). */
function partsText(ctx: ParseContext, parts: TPart[], vals: ValueTable | null, item: number): string | null {
  let text = '';
  for (const p of parts) {
    const piece = partText(ctx, p, vals, item);
    if (piece === null) return null;
    text += piece;
  }
  return text;
}

/** The text a text-ish part adds, or null for an optional substitution with no value. */
function partText(ctx: ParseContext, p: TPart, vals: ValueTable | null, item: number): string | null {
  switch (p.k) {
    case K_TEXT:
      return p.text;
    case K_CHAR_REF:
      return String.fromCharCode(p.code);
    case K_ENTITY_REF:
      return entityText(p.name);
    case K_SUBST: {
      const type = valueType(vals, p.index);
      if (type === VT.NULL) return p.optional ? null : '';
      if (vals === null) return '';
      if (type === VT.BINXML) return '';
      if (isArrayType(type)) {
        const items = arrayItems(ctx, vals, p.index);
        return items[Math.min(item, items.length - 1)] ?? '';
      }
      return substText(ctx, vals, p.index);
    }
  }
}

function buildElement(ctx: ParseContext, t: TElement, vals: ValueTable | null, item: number, streamDepth: number, depth: number): XElement {
  const attrs: XAttr[] = [];
  for (const a of t.attrs) {
    const value = partsText(ctx, a.parts, vals, item);
    if (value !== null) attrs.push({ name: a.name, value });
  }
  const el: XElement = { name: t.name, attrs, value: null, children: [] };
  if (t.content === null) return el;
  for (const n of t.content) {
    switch (n.k) {
      case K_ELEMENT:
        instantiateElement(ctx, n, vals, el.children, streamDepth, depth + 1);
        break;
      case K_CDATA:
        el.children.push({ cdata: n.text });
        break;
      case K_PI:
        el.children.push({ target: n.target, data: n.data });
        break;
      case K_INSTANCE:
        instantiateElement(ctx, n.template.root, n.values, el.children, streamDepth, depth + 1);
        break;
      default: {
        if (n.k === K_SUBST && vals !== null && valueType(vals, n.index) === VT.BINXML) {
          const off = vals.offs[n.index] as number;
          const size = vals.sizes[n.index] as number;
          for (const c of instantiateBinXml(ctx, off, off + size, streamDepth + 1)) el.children.push(c);
          break;
        }
        const piece = partText(ctx, n, vals, item);
        if (piece !== null) el.value = el.value === null ? piece : el.value + piece;
      }
    }
  }
  return el;
}
