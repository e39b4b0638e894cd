// EvtxECmd's `Payload` column → the EventData name→value record the EVTX reader gives
// (src-core/ingest/evtx/render.ts `eventDataOf`), so the Windows mapper reads the same
// names whichever file the record came from.
//
// How EvtxECmd builds it (github.com/EricZimmerman/evtx @ 03a7a1f, evtx/EventRecord.cs
// BuildProperties, EvtxECmd/Program.cs, evtx/Tags/OpenStartElementTag.cs): the record's XML
// is rendered, its `<EventData>` or `<UserData>` element (else the element after System)
// is loaded into an XmlDocument (whitespace-only text dropped) and serialised by
// Newtonsoft's `JsonConvert.SerializeXmlNode`:
// - `{"EventData":{"Data":[{"@Name":"Image","#text":"C:\\x.exe"},…]}}`;
// - one `<Data>` is an object, not an array: `{"EventData":{"Data":{"@Name":…,"#text":…}}}`;
// - an empty `<Data Name="X"/>` has no `#text`: `{"@Name":"X"}`;
// - an unnamed `<Data>` is its text (a string), or null when empty;
// - other children by tag (`"Binary":"4D-5A-…"`), repeated tags as arrays;
// - `<EventData/>` with nothing in it is null;
// - UserData: `{"UserData":{"EventXML":{"Param1":"…",…}}}` (xmlns attributes removed).
// Substituted text is XML-escaped twice on the way (XText, then every `&` again), so the
// JSON holds `&lt;`, `&gt;` and `&amp;` where the event has `<`, `>` and `&`: decoded here
// (decision 45). String values had each run of control characters replaced by ", " by
// EvtxECmd (SubstitutionArrayEntry.cs): that cannot be undone and is kept.
import { RecordError } from '../mappers/types.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

/** Undoes EvtxECmd's second level of XML escaping (one pass: `&amp;lt;` → `&lt;`). */
export function unescapeText(s: string): string {
  return s.indexOf('&') < 0 ? s : s.replace(/&(amp|lt|gt);/g, (_, name: string) => ENTITY[name]!);
}

/** The text of an element as Newtonsoft wrote it: a string, null, or an object with `#text`. */
function text(v: Json | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return unescapeText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(text).join('');
  // An element with attributes (or mixed content): its text nodes, else its descendants' texts.
  const own = v['#text'] ?? v['#cdata-section'];
  if (own !== undefined) return text(own);
  let s = '';
  for (const [k, c] of Object.entries(v)) if (!k.startsWith('@') && !k.startsWith('#')) s += text(c);
  return s;
}

/** Data names come from the log: `__proto__` must stay a plain key. */
function newData(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function eventData(v: Json): Record<string, string> {
  const data = newData();
  if (!isObject(v)) return data;
  let unnamed = 0;
  for (const [tag, value] of Object.entries(v)) {
    if (tag.startsWith('@') || tag.startsWith('#')) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      let key = tag;
      if (tag === 'Data') {
        const name = isObject(item) ? item['@Name'] : undefined;
        // As the EVTX reader: named by Name, unnamed ones Data1, Data2, … in order.
        key = typeof name === 'string' ? name : `Data${++unnamed}`;
      }
      data[key] = text(item);
    }
  }
  return data;
}

/** UserData: the children of its payload element, by tag (later duplicates win). */
function userData(v: Json): Record<string, string> {
  const data = newData();
  if (!isObject(v)) return data;
  const payload = Object.entries(v).find(([k]) => !k.startsWith('@') && !k.startsWith('#'))?.[1];
  const element = Array.isArray(payload) ? payload[0] : payload;
  if (!isObject(element)) return data;
  for (const [tag, value] of Object.entries(element)) {
    if (tag.startsWith('@') || tag.startsWith('#')) continue;
    data[tag] = text(Array.isArray(value) ? value[value.length - 1] : value);
  }
  return data;
}

/**
 * The event's data values by name from a Payload cell (JSON text) or, when a pipeline has
 * already parsed it, the object. Throws a RecordError when it is not EvtxECmd's JSON.
 */
export function payloadData(payload: unknown): Record<string, string> {
  let root: unknown = payload;
  if (typeof payload === 'string') {
    if (payload.trim() === '') throw new RecordError('empty Payload');
    try {
      root = JSON.parse(payload) as unknown;
    } catch (err) {
      throw new RecordError('Payload is not valid JSON', (err as Error).message);
    }
  } else if (payload === undefined || payload === null) {
    throw new RecordError('no Payload');
  }
  if (!isObject(root)) throw new RecordError('Payload is not a JSON object', JSON.stringify(root).slice(0, 80));
  if ('EventData' in root) return eventData(root['EventData']!);
  if ('UserData' in root) return userData(root['UserData']!);
  // Neither (e.g. ProcessingErrorData): the EVTX reader has no data values either.
  return newData();
}
