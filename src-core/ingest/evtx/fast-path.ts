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
import {
  K_CHAR_REF,
  K_ELEMENT,
  K_ENTITY_REF,
  K_SUBST,
  K_TEXT,
  TOKEN,
  entityText,
  type TElement,
  type TPart,
  type ValueTable,
} from './binxml-tokens.js';
import { readInstance, type ParseContext } from './binxml-parser.js';
import type { CompiledTemplate } from './caches.js';
import { createdIso, dataText, intOrNull, setData, xmlLines } from './render.js';
import { filetimeToIso, type Iso7 } from './time.js';
import { VT, arrayTexts, isArrayType, valueText } from './value-types.js';

export const SLOW: unique symbol = Symbol('slow');
type Slow = typeof SLOW;

/** Text-ish parts of an attribute or of element content; null when the element/attribute is absent. */
type Src = TPart[] | null;

interface DataItem {
  /** Fixed key (tag or literal Name), or null when computed per record. */
  key: string | null;
  /** Parts of the Name attribute of a Data element (null: no Name attribute). */
  nameParts: TPart[] | null;
  parts: TPart[];
}

/**
 * The data items of one EventData or UserData payload. When every key is known in advance
 * (literal names, unnamed Data numbered in order), `make` builds the data object from the
 * values in one object literal: a fixed shape V8 allocates at once, instead of adding one
 * computed key at a time. Records where an element drops out or repeats take the general way.
 */
interface DataPlan {
  items: DataItem[];
  make: ((values: string[]) => Record<string, string>) | null;
}

function dataPlan(items: DataItem[]): DataPlan {
  const keys: string[] = [];
  let unnamed = 0;
  for (const item of items) {
    if (item.key !== null) keys.push(item.key);
    else if (item.nameParts === null) keys.push(`Data${++unnamed}`);
    else return { items, make: null }; // a Name made of substitutions
  }
  if (keys.includes('__proto__') || process.env['EVTX_NO_MAKE']) return { items, make: null };
  // Keys are embedded as JSON string literals (valid JS string literals), values by index.
  const body = `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`;
  let make = makers.get(body);
  if (make === undefined) {
    if (makers.size >= MAX_MAKERS) makers.clear();
    make = new Function('v', body) as (values: string[]) => Record<string, string>;
    makers.set(body, make);
  }
  return { items, make };
}

/** Object builders by key list, shared by all chunks (templates are compiled per chunk). */
const makers = new Map<string, (values: string[]) => Record<string, string>>();
const MAX_MAKERS = 2048;

/** Where the data of an event may come from, in the order of the <Event> element's content. */
type DataSource =
  | { kind: 'EventData' | 'UserData'; items: DataPlan | null }
  /** A substitution in <Event> whose BinXML value may hold EventData or UserData. */
  | { kind: 'payload'; index: number }
  /** <UserData> holding one substitution whose BinXML value is the payload element. */
  | { kind: 'userPayload'; index: number; optional: boolean };

/** What a template rooted at EventData or UserData contributes (for payload substitutions). */
export interface PayloadPlan {
  kind: 'EventData' | 'UserData' | 'other';
  items: DataPlan | null;
  /** The template's root taken as a UserData payload element: its children. */
  payloadItems: DataPlan | null;
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
  sources: DataSource[];
}

function childEl(el: TElement, name: string): TElement | undefined {
  if (el.content === null) return undefined;
  for (const n of el.content) if (n.k === K_ELEMENT && n.name === name) return n;
  return undefined;
}

function isTextPart(n: { k: number }): n is TPart {
  return n.k === K_TEXT || n.k === K_SUBST || n.k === K_CHAR_REF || n.k === K_ENTITY_REF;
}

/** The parts of plain-text content, or undefined when the content holds anything else. */
function textParts(el: TElement): TPart[] | undefined {
  if (el.content === null) return [];
  for (const n of el.content) if (!isTextPart(n)) return undefined;
  return el.content as TPart[];
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
  sources: [],
};

/** Data items of EventData (eventData true) or of a UserData payload; null when not plain. */
function dataItems(parent: TElement, eventData: boolean): DataPlan | null {
  const items: DataItem[] = [];
  if (parent.content === null) return dataPlan(items);
  for (const n of parent.content) {
    if (n.k !== K_ELEMENT) {
      if (n.k === K_TEXT || n.k === K_CHAR_REF || n.k === K_ENTITY_REF) continue; // text beside elements is not data
      return null; // substitutions (BinXML payloads, or text that may omit the element), CDATA, PIs
    }
    const parts = textParts(n);
    if (parts === undefined) return null;
    const isData = eventData && n.name === 'Data';
    const nameParts = isData ? attrParts(n, 'Name') : null;
    let key: string | null = isData ? null : n.name;
    if (isData && nameParts !== null && nameParts.length === 1 && nameParts[0]?.k === K_TEXT) key = nameParts[0].text;
    items.push({ key, nameParts, parts });
  }
  return dataPlan(items);
}

/** <UserData>%n</UserData>: the substitution, else null. */
function userSubst(userData: TElement): { index: number; optional: boolean } | null {
  const c = userData.content;
  if (c === null || c.length !== 1) return null;
  const n = c[0];
  return n !== undefined && n.k === K_SUBST ? { index: n.index, optional: n.optional } : null;
}

const EMPTY: DataPlan = { items: [], make: null };

function userItems(userData: TElement): DataPlan | null {
  if (userData.content === null) return EMPTY;
  if (!userData.content.every((n) => n.k === K_ELEMENT || n.k === K_TEXT)) return null;
  const payload = userData.content.find((n): n is TElement => n.k === K_ELEMENT);
  return payload === undefined ? EMPTY : dataItems(payload, false);
}

export function buildPlan(t: CompiledTemplate): FastPlan {
  const root = t.root;
  if (root.name !== 'Event' || root.content === null) return NOT_OK;
  const system = childEl(root, 'System');
  const sources: DataSource[] = [];
  for (const n of root.content) {
    if (n.k === K_ELEMENT) {
      if (n.name === 'EventData') sources.push({ kind: 'EventData', items: dataItems(n, true) });
      else if (n.name === 'UserData') {
        const sub = userSubst(n);
        sources.push(sub === null ? { kind: 'UserData', items: userItems(n) } : { kind: 'userPayload', ...sub });
      }
    } else if (n.k === K_SUBST) sources.push({ kind: 'payload', index: n.index });
    else if (n.k !== K_TEXT) return NOT_OK;
  }
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
  if (recordId === undefined || eventId === undefined || version === undefined || level === undefined || channel === undefined || computer === undefined) {
    return NOT_OK;
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
    sources,
  };
}

export function buildPayloadPlan(t: CompiledTemplate): PayloadPlan {
  const payloadItems = dataItems(t.root, false);
  if (t.root.name === 'EventData') return { kind: 'EventData', items: dataItems(t.root, true), payloadItems };
  if (t.root.name === 'UserData') return { kind: 'UserData', items: userItems(t.root), payloadItems };
  return { kind: 'other', items: null, payloadItems };
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
  const r = readInstance(ctx, p, end, table, true);
  if (r.end < end && b[r.end] !== TOKEN.EOF) return null;
  return r.template as CompiledTemplate;
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
