// The hot path: normalized fields straight from a compiled template and the instance's value
// descriptors, without instantiating the event. Per template, a plan records where each field
// lives (literal text or substitution indexes); per record only the needed values are decoded.
// The common shapes are covered: System fields as text, EventData/UserData either literal in
// the template or carried by a BinXML substitution holding one more template instance (as in
// Security and Sysmon logs). Anything else at run time (array or BinXML values in other places,
// element content that is not plain text) returns SLOW and the record goes through
// instantiate.ts + render.ts, which define the semantics; tests check both paths agree on every
// corpus record.

import { u16, u32, u64n } from './bytes.js';
import { K_CHAR_REF, K_ENTITY_REF, K_SUBST, K_TEXT, TOKEN, entityText, type TPart, type ValueTable } from './binxml-tokens.js';
import { readInstance, type ParseContext } from './binxml-parser.js';
import type { CompiledTemplate } from './caches.js';
import { buildPayloadPlan, type DataItem, type DataPlan, type FastPlan, type PayloadPlan, type Src } from './fast-plan.js';
import { createdIso, dataText, intOrNull, setData, xmlLines } from './render.js';
import { filetimeToIso, type Iso7 } from './time.js';
import { VT, arrayTexts, isArrayType, valueText } from './value-types.js';

export const SLOW: unique symbol = Symbol('slow');
type Slow = typeof SLOW;

/**
 * Text of parts: null when an optional substitution has no value (the element or attribute
 * holding it is then absent), SLOW for array and BinXML values.
 */
function partsText(b: Buffer, parts: TPart[], vals: ValueTable): string | null | Slow {
  if (parts.length === 1) return partText(b, parts[0] as TPart, vals);
  let text = '';
  for (const p of parts) {
    const piece = partText(b, p, vals);
    if (piece === SLOW || piece === null) return piece;
    text += piece;
  }
  return text;
}

function partText(b: Buffer, p: TPart, vals: ValueTable): string | null | Slow {
  switch (p.k) {
    case K_TEXT:
      return p.text;
    case K_SUBST: {
      if (p.index >= vals.count) return p.optional ? null : '';
      const type = vals.types[p.index] as number;
      if (type === VT.NULL) return p.optional ? null : '';
      if (type === VT.BINXML || isArrayType(type)) return SLOW;
      return valueText(b, vals.offs[p.index] as number, vals.sizes[p.index] as number, type);
    }
    case K_CHAR_REF:
      return String.fromCharCode(p.code);
    case K_ENTITY_REF:
      return entityText(p.name);
  }
}

/** Element text (itertext of a plain-text element): '' when absent. */
function srcText(b: Buffer, src: Src, vals: ValueTable): string | Slow {
  if (src === null) return '';
  const t = partsText(b, src, vals);
  return t === null ? '' : t === SLOW ? SLOW : xmlLines(t);
}

/** An integer field; reads 8/16/32/64-bit values directly instead of via text. */
function srcInt(b: Buffer, src: Src, vals: ValueTable): number | null | Slow {
  if (src !== null && src.length === 1) {
    const p = src[0] as TPart;
    if (p.k === K_SUBST && p.index < vals.count) {
      const type = vals.types[p.index] as number;
      const off = vals.offs[p.index] as number;
      const size = vals.sizes[p.index] as number;
      if (type === VT.UINT16 && size >= 2) return u16(b, off);
      if (type === VT.UINT8 && size >= 1) return b[off] as number;
      if (type === VT.UINT32 && size >= 4) return u32(b, off);
      if (type === VT.UINT64 && size >= 8 && u32(b, off + 4) < 0x200000) return u64n(b, off);
    }
  }
  const t = srcText(b, src, vals);
  return t === SLOW ? SLOW : intOrNull(t);
}

export interface FastHead {
  recordId: number | null;
  eventId: number | null;
  provider: string;
  channel: string;
}

/** recordId, eventId, provider and channel only (for the filter). */
export function fastHead(b: Buffer, plan: FastPlan, vals: ValueTable, out: FastHead): boolean {
  const recordId = srcInt(b, plan.recordId, vals);
  if (recordId === SLOW) return false;
  const eventId = srcInt(b, plan.eventId, vals);
  if (eventId === SLOW) return false;
  const provider = plan.provider === null ? '' : partsText(b, plan.provider, vals);
  if (provider === SLOW) return false;
  const channel = srcText(b, plan.channel, vals);
  if (channel === SLOW) return false;
  out.recordId = recordId;
  out.eventId = eventId;
  out.provider = provider ?? '';
  out.channel = channel;
  return true;
}

export interface FastRest {
  version: number | null;
  level: number | null;
  computer: string;
  timeCreated: Iso7;
  data: Record<string, string>;
}

function timeText(b: Buffer, src: Src, vals: ValueTable, written: Iso7): Iso7 | Slow {
  if (src === null) return written;
  if (src.length === 1) {
    const p = src[0] as TPart;
    if (p.k === K_SUBST && p.index < vals.count && vals.types[p.index] === VT.FILETIME && (vals.sizes[p.index] as number) >= 8) {
      const off = vals.offs[p.index] as number;
      const lo = u32(b, off);
      const hi = u32(b, off + 4);
      return lo === 0 && hi === 0 ? written : filetimeToIso(lo, hi);
    }
  }
  const t = partsText(b, src, vals);
  return t === SLOW ? SLOW : createdIso(t, written);
}

/** Whether a value of this type can hold line ends (strings); other types skip dataText. */
function textual(type: number): boolean {
  return type === VT.STRING || type === VT.ANSI_STRING || type === VT.EVT_XML;
}

const valueBuf: string[] = [];

function itemsData(b: Buffer, plan: DataPlan, vals: ValueTable): Record<string, string> | Slow {
  const items = plan.items;
  const make = plan.make;
  if (make !== null) {
    // Values in item order; any element that drops out or repeats ends this attempt.
    let i = 0;
    for (; i < items.length; i++) {
      const item = items[i] as DataItem;
      let value: string | null | Slow;
      if (item.parts.length === 0) value = '';
      else if (item.parts.length === 1) {
        const p = item.parts[0] as TPart;
        if (p.k === K_SUBST && p.index < vals.count) {
          const type = vals.types[p.index] as number;
          if (isArrayType(type)) break;
          value = partText(b, p, vals);
          if (typeof value === 'string' && textual(type)) value = dataText(value);
        } else value = partText(b, p, vals);
      } else {
        value = partsText(b, item.parts, vals);
        if (typeof value === 'string') value = dataText(value);
      }
      if (value === SLOW) return SLOW;
      if (value === null) break;
      valueBuf[i] = value;
    }
    if (i === items.length) return make(valueBuf);
  }
  return itemsDataByKey(b, items, vals);
}

function itemsDataByKey(b: Buffer, items: DataItem[], vals: ValueTable): Record<string, string> | Slow {
  const data: Record<string, string> = {};
  let unnamed = 0;
  for (const item of items) {
    let value: string | null | Slow;
    let repeat: string[] | null = null;
    let clean = false;
    if (item.parts.length === 0) {
      value = '';
      clean = true;
    } else {
      const p = item.parts[0] as TPart;
      if (item.parts.length === 1 && p.k === K_SUBST && p.index < vals.count) {
        const type = vals.types[p.index] as number;
        if (isArrayType(type)) {
          // An array value repeats the element once per item ("Normal substitution").
          repeat = arrayTexts(b, vals.offs[p.index] as number, vals.sizes[p.index] as number, type);
          value = '';
        } else {
          value = partText(b, p, vals);
          clean = !textual(type);
        }
      } else value = partsText(b, item.parts, vals);
    }
    if (value === SLOW) return SLOW;
    if (value === null) continue; // optional substitution without a value: no element
    const name = item.key === null && item.nameParts !== null ? partsText(b, item.nameParts, vals) : null;
    if (name === SLOW) return SLOW;
    if (repeat === null) setData(data, item.key ?? name ?? `Data${++unnamed}`, clean ? value : dataText(value));
    else for (const v of repeat) setData(data, item.key ?? name ?? `Data${++unnamed}`, dataText(v));
  }
  return data;
}

/**
 * The template instance a BinXML payload value holds (an optional fragment header, one
 * instance, the end-of-file token), read into `table`; null when it holds anything else.
 */
function payloadTemplate(ctx: ParseContext, off: number, end: number, table: ValueTable): CompiledTemplate | null {
  const b = ctx.buf;
  let p = off;
  if (p < end && b[p] === TOKEN.FRAGMENT_HEADER) p += 4;
  if (p >= end || b[p] !== TOKEN.TEMPLATE_INSTANCE) return null;
  const template = readInstance(ctx, p, end, table, true);
  if (table.end < end && b[table.end] !== TOKEN.EOF) return null;
  return template as CompiledTemplate;
}

function payloadPlanOf(t: CompiledTemplate): PayloadPlan {
  return t.payloadPlan ?? (t.payloadPlan = buildPayloadPlan(t));
}

/** The data map, following the slow path's choice: the first EventData, else the first UserData. */
function eventData(ctx: ParseContext, plan: FastPlan, vals: ValueTable, nested: ValueTable): Record<string, string> | Slow {
  const b = ctx.buf;
  let user: DataPlan | null = null;
  let userVals: ValueTable | null = null;
  let nestedUsed = false;
  for (const src of plan.sources) {
    let kind: 'EventData' | 'UserData' | 'other';
    let items: DataPlan | null;
    let from = vals;
    if (src.kind === 'payload' || src.kind === 'userPayload') {
      if (src.index >= vals.count) continue;
      const type = vals.types[src.index] as number;
      if (type !== VT.BINXML) {
        if (isArrayType(type)) return SLOW;
        continue; // text (or nothing) beside the elements: not data
      }
      if (nestedUsed) return SLOW;
      const off = vals.offs[src.index] as number;
      const t = payloadTemplate(ctx, off, off + (vals.sizes[src.index] as number), nested);
      if (t === null) return SLOW;
      nestedUsed = true;
      from = nested;
      if (src.kind === 'payload') ({ kind, items } = payloadPlanOf(t));
      else {
        kind = 'UserData';
        items = payloadPlanOf(t).payloadItems;
      }
    } else ({ kind, items } = src);
    if (kind === 'other') continue;
    if (items === null) return SLOW;
    if (kind === 'EventData') return itemsData(b, items, from);
    if (user === null) {
      user = items;
      userVals = from;
    }
  }
  return user === null || userVals === null ? {} : itemsData(b, user, userVals);
}

/** The other fields; false when the record needs the slow path. */
export function fastRest(ctx: ParseContext, plan: FastPlan, vals: ValueTable, nested: ValueTable, written: Iso7, out: FastRest): boolean {
  const b = ctx.buf;
  const version = srcInt(b, plan.version, vals);
  if (version === SLOW) return false;
  const level = srcInt(b, plan.level, vals);
  if (level === SLOW) return false;
  const computer = srcText(b, plan.computer, vals);
  if (computer === SLOW) return false;
  const timeCreated = timeText(b, plan.timeCreated, vals, written);
  if (timeCreated === SLOW) return false;
  const data = eventData(ctx, plan, vals, nested);
  if (data === SLOW) return false;
  out.version = version;
  out.level = level;
  out.computer = computer;
  out.timeCreated = timeCreated;
  out.data = data;
  return true;
}
