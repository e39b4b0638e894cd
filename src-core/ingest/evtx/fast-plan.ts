// Extraction plans for the fast path (fast-path.ts), built once per compiled template: where
// each normalized field lives in the template (literal text or substitution indexes), and
// which elements hold the event data ("Template definition"; the EventData / UserData layout
// follows the reference dumps, see render.ts).

import { K_CHAR_REF, K_ELEMENT, K_ENTITY_REF, K_SUBST, K_TEXT, type TElement, type TPart } from './binxml-tokens.js';
import type { CompiledTemplate } from './caches.js';

/** Text-ish parts of an attribute or of element content; null when the element/attribute is absent. */
export type Src = TPart[] | null;

export interface DataItem {
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
export interface DataPlan {
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
  if (keys.includes('__proto__')) return { items, make: null };
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

/** Object builders by key list, shared by every template with the same keys. */
const makers = new Map<string, (values: string[]) => Record<string, string>>();
const MAX_MAKERS = 2048;

/** Where the data of an event may come from, in the order of the <Event> element's content. */
export type DataSource =
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
