// The hot path: normalized fields straight from a compiled template and the instance's value
// descriptors, without instantiating the event. Per template, a plan records where each field
// lives (literal text or substitution indexes); per record only the needed values are decoded.
// Anything unusual at run time (array or BinXML values in these places, element content that
// is not plain text) returns SLOW and the record goes through instantiate.ts + render.ts, which
// define the semantics; tests check both paths agree on every corpus record.

import { u16, u32, u64n } from './bytes.js';
import {
  K_CHAR_REF,
  K_ELEMENT,
  K_ENTITY_REF,
  K_SUBST,
  K_TEXT,
  entityText,
  type TElement,
  type TPart,
  type ValueTable,
} from './binxml-tokens.js';
import type { CompiledTemplate } from './caches.js';
import { createdIso, intOrNull, setData, xmlLines } from './render.js';
import { filetimeToIso, type Iso7 } from './time.js';
import { VT, isArrayType, valueText } from './value-types.js';

export const SLOW: unique symbol = Symbol('slow');
type Slow = typeof SLOW;

/** Text-ish parts of an attribute or of element content; null when the element/attribute is absent. */
type Src = TPart[] | null;

interface DataItem {
  /** Fixed key (tag or literal Name), or null when computed per record. */
  key: string | null;
  /** Parts of the Name attribute of a Data element (null: no Name attribute). */
  nameParts: TPart[] | null;
  isData: boolean;
  parts: TPart[];
}

export interface FastPlan {
  /** False: the template is not a plain <Event> with text System fields; always use the slow path. */
  ok: boolean;
  recordId: Src;
  eventId: Src;
  version: Src;
  level: Src;
  provider: Src;
  channel: Src;
  computer: Src;
  timeCreated: Src;
  /** EventData / UserData payload children; null when those need the slow path. */
  data: DataItem[] | null;
}

function childEl(el: TElement, name: string): TElement | undefined {
  if (el.content === null) return undefined;
  for (const n of el.content) if (n.k === K_ELEMENT && n.name === name) return n;
  return undefined;
}

/** The parts of plain-text content, or undefined when the content holds anything else. */
function textParts(el: TElement): TPart[] | undefined {
  if (el.content === null) return [];
  const parts: TPart[] = [];
  for (const n of el.content) {
    if (n.k === K_TEXT || n.k === K_SUBST || n.k === K_CHAR_REF || n.k === K_ENTITY_REF) parts.push(n);
    else return undefined;
  }
  return parts;
}

function attrParts(el: TElement | undefined, name: string): Src {
  if (el === undefined) return null;
  for (const a of el.attrs) if (a.name === name) return a.parts;
  return null;
}

const NOT_OK: FastPlan = {
  ok: false,
  recordId: null,
  eventId: null,
  version: null,
  level: null,
  provider: null,
  channel: null,
  computer: null,
  timeCreated: null,
  data: null,
};

function dataItems(parent: TElement, eventData: boolean): DataItem[] | null {
  const items: DataItem[] = [];
  if (parent.content === null) return items;
  for (const n of parent.content) {
    if (n.k !== K_ELEMENT) {
      if (n.k === K_TEXT || n.k === K_CHAR_REF || n.k === K_ENTITY_REF) continue; // text beside elements is not data
      return null; // substitutions (BinXML payloads), CDATA, PIs
    }
    const parts = textParts(n);
    if (parts === undefined) return null;
    const isData = eventData && n.name === 'Data';
    const nameParts = isData ? attrParts(n, 'Name') : null;
    let key: string | null = isData ? null : n.name;
    if (isData && nameParts !== null && nameParts.length === 1 && nameParts[0]?.k === K_TEXT) key = nameParts[0].text;
    items.push({ key, nameParts, isData, parts });
  }
  return items;
}

export function buildPlan(t: CompiledTemplate): FastPlan {
  const root = t.root;
  if (root.name !== 'Event' || root.content === null) return NOT_OK;
  for (const n of root.content) if (n.k !== K_ELEMENT && n.k !== K_TEXT) return NOT_OK;
  const system = childEl(root, 'System');
  const field = (name: string): Src | undefined => {
    const el = system && childEl(system, name);
    return el === undefined ? null : textParts(el);
  };
  const recordId = field('EventRecordID');
  const eventId = field('EventID');
  const version = field('Version');
  const level = field('Level');
  const channel = field('Channel');
  const computer = field('Computer');
  if (recordId === undefined || eventId === undefined || version === undefined || level === undefined || channel === undefined || computer === undefined) return NOT_OK;
  const eventData = childEl(root, 'EventData');
  const userData = eventData === undefined ? childEl(root, 'UserData') : undefined;
  let data: DataItem[] | null = [];
  if (eventData !== undefined) data = dataItems(eventData, true);
  else if (userData !== undefined && userData.content !== null) {
    const payload = userData.content.find((n): n is TElement => n.k === K_ELEMENT);
    const onlyElements = userData.content.every((n) => n.k === K_ELEMENT || n.k === K_TEXT);
    data = !onlyElements ? null : payload === undefined ? [] : dataItems(payload, false);
  }
  return {
    ok: true,
    recordId,
    eventId,
    version,
    level,
    provider: attrParts(system && childEl(system, 'Provider'), 'Name'),
    channel,
    computer,
    timeCreated: attrParts(system && childEl(system, 'TimeCreated'), 'SystemTime'),
    data,
  };
}

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

/** The other fields; false when the record needs the slow path. */
export function fastRest(b: Buffer, plan: FastPlan, vals: ValueTable, written: Iso7, out: FastRest): boolean {
  if (plan.data === null) return false;
  const version = srcInt(b, plan.version, vals);
  if (version === SLOW) return false;
  const level = srcInt(b, plan.level, vals);
  if (level === SLOW) return false;
  const computer = srcText(b, plan.computer, vals);
  if (computer === SLOW) return false;
  const timeCreated = timeText(b, plan.timeCreated, vals, written);
  if (timeCreated === SLOW) return false;
  const data: Record<string, string> = {};
  let unnamed = 0;
  for (const item of plan.data) {
    const value = item.parts.length === 0 ? '' : partsText(b, item.parts, vals);
    if (value === SLOW) return false;
    if (value === null) continue; // optional substitution without a value: no element
    let key = item.key;
    if (key === null) {
      const name = item.nameParts === null ? null : partsText(b, item.nameParts, vals);
      if (name === SLOW) return false;
      key = name !== null ? name : `Data${++unnamed}`;
    }
    setData(data, key, xmlLines(value));
  }
  out.version = version;
  out.level = level;
  out.computer = computer;
  out.timeCreated = timeCreated;
  out.data = data;
  return true;
}
