// Rendering of instantiated events (X-nodes): XML text in evtxexport's layout, the normalized
// fields, and the `data` map with the text rules of the reference dumps.
//
// libevtx prints an element on one line when it has a value, otherwise its child elements one
// per line, indented by two spaces per level. The reference dumps take a value as the XML
// text content of that printout, so an element with child elements (UserData payloads, BinXML
// values) yields the indentation whitespace and the texts of its descendants; `itertext`
// reproduces that without building the XML.

import { isXElement, type XChild, type XElement } from './binxml-tokens.js';
import { toIso7, type Iso7 } from './time.js';

const INDENT: string[] = [''];
function indent(level: number): string {
  while (INDENT.length <= level) INDENT.push(`${INDENT[INDENT.length - 1]}  `);
  return INDENT[level] as string;
}

function escText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

function escAttr(s: string): string {
  return /[&<"]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;') : s;
}

/** XML text of one node at `level`, each line ending in a newline (special characters escaped). */
export function xmlText(node: XChild, level = 0): string {
  const ind = indent(level);
  if (!isXElement(node)) {
    if ('cdata' in node) return `${ind}<![CDATA[${node.cdata}]]>\n`;
    return `${ind}<?${node.target}${node.data === '' ? '' : ` ${node.data}`}?>\n`;
  }
  let s = `${ind}<${node.name}`;
  for (const a of node.attrs) s += ` ${a.name}="${escAttr(a.value)}"`;
  if (node.value !== null) {
    if (node.value === '') return `${s}/>\n`;
    return `${s}>${escText(node.value)}</${node.name}>\n`;
  }
  if (node.children.length === 0) return `${s}/>\n`;
  s += '>\n';
  for (const c of node.children) s += xmlText(c, level + 1);
  return `${s}${ind}</${node.name}>\n`;
}

/** The text content of `el` as printed by libevtx at indentation `level`. */
export function itertext(el: XElement, level: number): string {
  if (el.value !== null) return el.value;
  const n = el.children.length;
  if (n === 0) return '';
  const inner = `\n${indent(level + 1)}`;
  let s = inner;
  for (let i = 0; i < n; i++) {
    const c = el.children[i] as XChild;
    if (isXElement(c)) s += itertext(c, level + 1);
    else if ('cdata' in c) s += c.cdata;
    s += i < n - 1 ? inner : `\n${indent(level)}`;
  }
  return s;
}

export function child(el: XElement, name: string): XElement | undefined {
  for (const c of el.children) if (isXElement(c) && c.name === name) return c;
  return undefined;
}

export function attr(el: XElement | undefined, name: string): string | undefined {
  if (el === undefined) return undefined;
  for (const a of el.attrs) if (a.name === name) return a.value;
  return undefined;
}

/**
 * Element text as an XML parser reports it: line ends normalized to LF (the reference dumps
 * were read back from libevtx's XML output).
 */
export function xmlLines(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
}

/**
 * A data value as the reference dumps have it: line ends as LF, and a value made only of line
 * ends is empty (libevtx prints it as an empty element; the libyal document notes Event
 * Viewer treats such content strings as empty).
 */
export function dataText(s: string): string {
  if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) return s;
  return /^[\r\n]+$/.test(s) ? '' : s.replace(/\r\n?/g, '\n');
}

/** Sets data[key], keeping keys such as `__proto__` as plain own properties. */
export function setData(data: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
  else data[key] = value;
}

/**
 * The `data` map of an event: EventData children (`<Data Name=…>` by name, unnamed `Data` as
 * Data1, Data2, …, other elements by tag) or, for UserData, the children of its payload
 * element by tag. Later duplicates overwrite earlier ones.
 */
export function eventDataOf(event: XElement): Record<string, string> {
  const data: Record<string, string> = {};
  const eventData = child(event, 'EventData');
  if (eventData !== undefined) {
    let unnamed = 0;
    for (const c of eventData.children) {
      if (!isXElement(c)) continue;
      let key = c.name;
      if (key === 'Data') {
        const name = attr(c, 'Name');
        key = name !== undefined ? name : `Data${++unnamed}`;
      }
      setData(data, key, dataText(itertext(c, 2)));
    }
    return data;
  }
  const userData = child(event, 'UserData');
  if (userData !== undefined) {
    const payload = userData.children.find(isXElement);
    if (payload !== undefined) for (const c of payload.children) if (isXElement(c)) setData(data, c.name, dataText(itertext(c, 3)));
  }
  return data;
}

export interface EventFields {
  /** System/EventRecordID (differs from the record header's identifier in exported logs); the header's when missing or 0. */
  recordId: number;
  eventId: number | null;
  version: number | null;
  level: number | null;
  provider: string;
  channel: string;
  computer: string;
  /** System/TimeCreated@SystemTime when present and not zero, else the record's written time. */
  timeCreated: Iso7;
  data: Record<string, string>;
}

export const FILETIME_ZERO_ISO = '1601-01-01T00:00:00.0000000Z';

export function intOrNull(s: string | undefined | null): number | null {
  if (s === undefined || s === null || s === '') return null;
  const n = Number(s);
  return Number.isInteger(n) && n >= -Number.MAX_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? n : null;
}

/** TimeCreated text as Iso7, or the written time when missing, zero or not a timestamp. */
export function createdIso(text: string | undefined | null, written: Iso7): Iso7 {
  if (text === undefined || text === null) return written;
  const iso = toIso7(text);
  return iso === null || iso === FILETIME_ZERO_ISO ? written : iso;
}

/** System/EventRecordID, unless missing or 0 (never a record number: zeroed data). */
export function recordNumber(eventRecordId: number | null, headerId: number): number {
  return eventRecordId === null || eventRecordId <= 0 ? headerId : eventRecordId;
}

/** Normalized fields from the first element of an instantiated record (normally <Event>). */
export function eventFields(roots: XChild[], headerId: number, written: Iso7): EventFields {
  const event = roots.find(isXElement);
  if (event === undefined) {
    return { recordId: headerId, eventId: null, version: null, level: null, provider: '', channel: '', computer: '', timeCreated: written, data: {} };
  }
  const system = child(event, 'System');
  const text = (name: string): string | null => {
    const el = system && child(system, name);
    return el === undefined ? null : xmlLines(itertext(el, 2));
  };
  return {
    recordId: recordNumber(intOrNull(text('EventRecordID')), headerId),
    eventId: intOrNull(text('EventID')),
    version: intOrNull(text('Version')),
    level: intOrNull(text('Level')),
    provider: attr(system && child(system, 'Provider'), 'Name') ?? '',
    channel: text('Channel') ?? '',
    computer: text('Computer') ?? '',
    timeCreated: createdIso(attr(system && child(system, 'TimeCreated'), 'SystemTime'), written),
    data: eventDataOf(event),
  };
}
