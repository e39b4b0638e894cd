// Test helper: renders the records of an EVTX file as EvtxECmd would, as its CSV (`--csv`)
// or its JSON lines (`--json`), so the importer can be checked against the EVTX import of
// the same log. Written from the facts of EvtxECmd's source (github.com/EricZimmerman/evtx
// @ 03a7a1fba32760f20841bea3c12099169f9ecf2d, EvtxECmd 2026.5.0; see
// src-core/ingest/evtxecmd/format.ts and payload.ts), not from its code:
//
// - values as EvtxECmd's SubstitutionArrayEntry.GetDataAsString writes them, by their BinXML
//   type: GUIDs lower case without braces, HexInt32/64 `0x` + upper-case digits without
//   padding, Booleans `True`/`False` (first byte), binary and SizeT as dashed hex bytes,
//   FILETIME/SYSTEMTIME `yyyy-MM-dd HH:mm:ss.fffffff`, strings trimmed of NULs with every run
//   of control (and surrogate) characters replaced by ", ", arrays joined;
// - an optional substitution without a value leaves its element empty (not removed);
// - substituted text escaped twice for XML (so `&lt;`, `&gt;`, `&amp;` in the JSON);
// - the EventData/UserData element as Newtonsoft's SerializeXmlNode writes it (`@Name`,
//   `#text`, one child an object, repeated children an array, empty elements null);
// - a record with neither EventData nor UserData is left out (EvtxECmd fails to load its
//   empty Payload and logs an error for it);
// - CSV: UTF-8 with BOM, CRLF, CsvHelper's quoting, the 2026.5 column order, TimeCreated with
//   `--dt` (default `yyyy-MM-dd HH:mm:ss.fffffff`, UTC); JSON: one object per line (CRLF,
//   BOM), ServiceStack's property order, nulls left out, TimeCreated `…+00:00`.
// It reads the records with Longtail's own EVTX parser (internals, for the value types), so
// it only handles intact records of undamaged logs: enough for the corpus logs it is used on.
import fs from 'node:fs';
import { readEvtx, type EvtxRecord } from '../../src-core/ingest/evtx/index.js';
import { ChunkContext, CHUNK_SIZE } from '../../src-core/ingest/evtx/caches.js';
import { parseStream } from '../../src-core/ingest/evtx/binxml-parser.js';
import {
  K_CDATA, K_CHAR_REF, K_ELEMENT, K_ENTITY_REF, K_INSTANCE, K_SUBST, K_TEXT, entityText,
  type TElement, type TNode, type ValueTable,
} from '../../src-core/ingest/evtx/binxml-tokens.js';
import { VT, arrayTexts, guidText, sidText, valueText } from '../../src-core/ingest/evtx/value-types.js';
import { filetimeToIso } from '../../src-core/ingest/evtx/time.js';
import { u16, u32 } from '../../src-core/ingest/evtx/bytes.js';

const FILE_HEADER = 4096;

/** An element as EvtxECmd's XML has it: text pieces (escaped twice when substituted) and children. */
interface El {
  name: string;
  attrs: Array<[string, string]>;
  nodes: Array<El | string>;
}

// ---- values (EvtxECmd's text of each BinXML type) ----

function controlRuns(s: string): string {
  // .NET's \p{C} works on UTF-16 code units: each half of a surrogate pair is one (Cs).
  return s.replace(/[\uD800-\uDFFF]/g, '\u0000').replace(/\p{C}+/gu, ', ');
}

function trimNul(s: string): string {
  return s.replace(/^\0+|\0+$/g, '');
}

function dashed(b: Buffer, off: number, size: number): string {
  const out: string[] = [];
  for (let i = off; i < off + size; i++) out.push((b[i] as number).toString(16).toUpperCase().padStart(2, '0'));
  return out.join('-');
}

function dotnetTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 27)}`;
}

function u64(b: Buffer, off: number): bigint {
  return (BigInt(u32(b, off + 4)) << 32n) | BigInt(u32(b, off));
}

export function evtxecmdValue(b: Buffer, off: number, size: number, type: number): string {
  if (type & VT.ARRAY) {
    const base = type & 0x7f;
    if (base === VT.STRING) return b.toString('utf16le', off, off + size).split('\0').filter((s) => s !== '').join(', ');
    if (base === VT.GUID) return arrayTexts(b, off, size, type).map((g) => g.slice(1, -1).toLowerCase()).join(',');
    return arrayTexts(b, off, size, type).join(',');
  }
  switch (type) {
    case VT.NULL:
      return '';
    case VT.STRING:
      return controlRuns(trimNul(b.toString('utf16le', off, off + (size & ~1))));
    case VT.ANSI_STRING:
      return controlRuns(trimNul(b.toString('latin1', off, off + size)));
    case VT.BOOL:
      return b[off] !== 0 ? 'True' : 'False';
    case VT.BINARY:
    case VT.SIZE_T:
      return dashed(b, off, size);
    case VT.GUID:
      return guidText(b, off).slice(1, -1).toLowerCase();
    case VT.FILETIME:
      return dotnetTime(filetimeToIso(u32(b, off), u32(b, off + 4)));
    case VT.SYSTEMTIME: {
      const p = (n: number, w = 2) => String(u16(b, off + n)).padStart(w, '0');
      return `${p(0, 4)}-${p(2)}-${p(6)} ${p(8)}:${p(10)}:${p(12)}.${p(14, 3)}0000`;
    }
    case VT.SID:
      return sidText(b, off, size);
    case VT.HEX_INT32:
      return `0x${u32(b, off).toString(16).toUpperCase()}`;
    case VT.HEX_INT64:
      return `0x${u64(b, off).toString(16).toUpperCase()}`;
    case VT.REAL32:
      return String(b.readFloatLE(off));
    case VT.REAL64:
      return String(b.readDoubleLE(off));
    case VT.EVT_HANDLE:
    case VT.EVT_XML:
      return 'UNKNOWN: Please submit to saericzimmerman@gmail.com!';
    default:
      return valueText(b, off, size, type);
  }
}

/** Substituted text, as it ends up in the Payload after EvtxECmd's two rounds of escaping. */
function escapedTwice(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---- instantiation (EvtxECmd's rules, not libevtx's) ----

function build(ctx: ChunkContext, t: TElement, vals: ValueTable | null, depth: number): El {
  const el: El = { name: t.name, attrs: [], nodes: [] };
  for (const a of t.attrs) {
    let v = '';
    let omit = false;
    for (const p of a.parts) {
      if (p.k === K_TEXT) v += p.text;
      else if (p.k === K_CHAR_REF) v += String.fromCharCode(p.code);
      else if (p.k === K_ENTITY_REF) v += entityText(p.name);
      else {
        const type = vals && p.index < vals.count ? (vals.types[p.index] as number) : VT.NULL;
        if (type === VT.NULL && p.optional) omit = true;
        else if (vals) v += evtxecmdValue(ctx.buf, vals.offs[p.index] as number, vals.sizes[p.index] as number, type);
      }
    }
    // EvtxECmd leaves out an attribute whose optional substitution has no value, and an empty one.
    if (!omit && v !== '') el.attrs.push([a.name, v]);
  }
  for (const n of t.content ?? []) instantiate(ctx, n, vals, el, depth);
  return el;
}

function instantiate(ctx: ChunkContext, n: TNode, vals: ValueTable | null, into: El, depth: number): void {
  switch (n.k) {
    case K_ELEMENT:
      into.nodes.push(build(ctx, n, vals, depth + 1));
      return;
    case K_INSTANCE:
      into.nodes.push(build(ctx, n.template.root as TElement, n.values, depth + 1));
      return;
    case K_TEXT:
      into.nodes.push(n.text);
      return;
    case K_CHAR_REF:
      into.nodes.push(String.fromCharCode(n.code));
      return;
    case K_ENTITY_REF:
      into.nodes.push(entityText(n.name));
      return;
    case K_CDATA:
      into.nodes.push(n.text);
      return;
    case K_SUBST: {
      if (!vals || n.index >= vals.count) return;
      const type = vals.types[n.index] as number;
      const off = vals.offs[n.index] as number;
      const size = vals.sizes[n.index] as number;
      if (type === VT.BINXML) {
        // An optional BinXML value is rendered as its nested event; a normal one as this text.
        if (!n.optional) {
          into.nodes.push('BinaryXML');
          return;
        }
        for (const c of parseStream(ctx, off, off + size, depth + 1)) {
          if (c.k === K_INSTANCE || c.k === K_ELEMENT) instantiate(ctx, c, null, into, depth);
        }
        return;
      }
      into.nodes.push(escapedTwice(evtxecmdValue(ctx.buf, off, size, type)));
      return;
    }
    default:
      return;
  }
}

/** The record's <Event> element, rendered with EvtxECmd's rules. */
function eventElement(file: Buffer, r: EvtxRecord): El {
  const chunkAt = FILE_HEADER + r.chunk * CHUNK_SIZE;
  if (file.toString('latin1', chunkAt, chunkAt + 8) !== 'ElfChnk\0') throw new Error(`chunk ${r.chunk} is not where expected`);
  const ctx = new ChunkContext(file.subarray(chunkAt, chunkAt + CHUNK_SIZE), r.chunk, chunkAt);
  const at = r.offset - chunkAt;
  const size = u32(ctx.buf, at + 4);
  const holder: El = { name: '#root', attrs: [], nodes: [] };
  for (const n of parseStream(ctx, at + 24, at + size - 4, 0)) instantiate(ctx, n, null, holder, 0);
  const ev = holder.nodes.find((n): n is El => typeof n !== 'string');
  if (!ev) throw new Error(`record ${r.recordId} has no element`);
  return ev;
}

// ---- Newtonsoft's SerializeXmlNode ----

type Json = string | null | Json[] | { [k: string]: Json };

function elementJson(el: El): Json {
  const children = el.nodes.filter((n): n is El => typeof n !== 'string');
  // Whitespace-only text is not kept by XmlDocument (PreserveWhitespace false).
  const text = el.nodes.filter((n): n is string => typeof n === 'string').join('');
  const hasText = text.trim() !== '';
  if (el.attrs.length === 0 && children.length === 0) return hasText ? text : null;
  const o: { [k: string]: Json } = {};
  for (const [k, v] of el.attrs) o[`@${k}`] = v;
  if (hasText) o['#text'] = text;
  const groups = new Map<string, Json[]>();
  for (const c of children) {
    const g = groups.get(c.name) ?? [];
    g.push(elementJson(c));
    groups.set(c.name, g);
  }
  for (const [name, g] of groups) o[name] = g.length === 1 ? g[0]! : g;
  return o;
}

function child(el: El, name: string): El | undefined {
  return el.nodes.find((n): n is El => typeof n !== 'string' && n.name === name);
}

function textOf(el: El | undefined): string | null {
  if (!el) return null;
  const t = el.nodes.filter((n): n is string => typeof n === 'string').join('');
  return t;
}

function attrOf(el: El | undefined, name: string): string | null {
  return el?.attrs.find(([k]) => k === name)?.[1] ?? null;
}

/**
 * TimeCreated: EvtxECmd parses the SystemTime attribute (its FILETIME text, or an ISO text
 * when the log stores a string) and writes it in UTC.
 */
function createdText(attr: string | null): string {
  if (attr === null) return '0001-01-01 00:00:00.0000000';
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7}$/.test(attr)) return attr;
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(attr);
  if (!m) throw new Error(`TimeCreated ${attr} not handled by this helper`);
  return `${m[1]} ${m[2]}.${(m[3] ?? '').slice(0, 7).padEnd(7, '0')}`;
}

/**
 * EvtxECmd removes namespace declarations with a regular expression over its indented XML
 * (` xmlns.+">` → `>`): from the first xmlns attribute to the end of the start tag, on
 * elements that are not self-closing.
 */
function stripXmlns(el: El): void {
  const i = el.attrs.findIndex(([k]) => k.startsWith('xmlns'));
  if (i >= 0 && el.nodes.length > 0) el.attrs.splice(i);
  for (const n of el.nodes) if (typeof n !== 'string') stripXmlns(n);
}

// ---- the EvtxECmd record ----

const LEVELS: Record<number, string> = { 0: 'LogAlways', 1: 'Critical', 2: 'Error', 3: 'Warning', 4: 'Info', 5: 'Verbose', 8: 'Success', 16: 'Failure' };
const KEYWORDS: Record<string, string> = {
  '0x8010000000000000': 'Audit failure', '0x8020000000000000': 'Audit success', '0x8000000000000010': 'Time',
  '0x8000000000000080': 'State', '0x8000000000000040': 'Reboot', '0x8000000000000018': 'Installation',
  '0x8000000000000014': 'Download', '0x8080000000000000': 'Audit success, classic', '0x8000000000000000': 'Classic',
};

export interface EvtxECmdRecord {
  RecordNumber: number;
  EventRecordId: string | null;
  /** TimeCreated in UTC, 7 fractional digits (what `--dt` formats). */
  TimeCreated: string;
  EventId: number;
  Level: string | null;
  Provider: string | null;
  Channel: string | null;
  ProcessId: number;
  ThreadId: number;
  Computer: string | null;
  ChunkNumber: number;
  UserId: string | null;
  MapDescription: string | null;
  UserName: string | null;
  RemoteHost: string | null;
  PayloadData1: string | null;
  PayloadData2: string | null;
  PayloadData3: string | null;
  PayloadData4: string | null;
  PayloadData5: string | null;
  PayloadData6: string | null;
  ExecutableInfo: string | null;
  HiddenRecord: boolean;
  SourceFile: string;
  Keywords: string | null;
  ExtraDataOffset: number;
  Payload: string;
}

/** Something like what EvtxECmd's maps put in the description columns (never read by Longtail). */
function mapColumns(eventId: number, data: Record<string, Json>): Partial<EvtxECmdRecord> {
  const v = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : null);
  const cmd = v('CommandLine') ?? v('ImagePath');
  return {
    MapDescription: cmd !== null ? `Event ${eventId}, with a command line` : null,
    UserName: v('User') ?? v('SubjectUserName'),
    PayloadData1: v('ProcessId') !== null ? `ProcessID: ${v('ProcessId')}, ProcessGUID: ${v('ProcessGuid') ?? ''}` : null,
    PayloadData3: v('Hashes'),
    ExecutableInfo: cmd,
  };
}

function namedData(payload: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  const ed = payload && typeof payload === 'object' && !Array.isArray(payload) ? payload['EventData'] : null;
  const data = ed && typeof ed === 'object' && !Array.isArray(ed) ? ed['Data'] : null;
  for (const d of Array.isArray(data) ? data : data ? [data] : []) {
    if (d && typeof d === 'object' && !Array.isArray(d) && typeof d['@Name'] === 'string') out[d['@Name']] = d['#text'] ?? null;
  }
  return out;
}

function toRecord(file: Buffer, r: EvtxRecord, sourceFile: string): EvtxECmdRecord | null {
  const ev = eventElement(file, r);
  const sys = child(ev, 'System');
  const payloadEl = ev.nodes.find((n): n is El => typeof n !== 'string' && (n.name === 'EventData' || n.name === 'UserData'));
  if (!payloadEl) return null;
  stripXmlns(payloadEl);
  const payload: Json = { [payloadEl.name]: elementJson(payloadEl) };
  const exec = sys && child(sys, 'Execution');
  const level = textOf(sys && child(sys, 'Level'));
  const keywords = textOf(sys && child(sys, 'Keywords'));
  return {
    RecordNumber: r.headerId,
    EventRecordId: textOf(sys && child(sys, 'EventRecordID')),
    TimeCreated: createdText(attrOf(sys && child(sys, 'TimeCreated'), 'SystemTime')),
    EventId: Number(textOf(sys && child(sys, 'EventID')) ?? 0),
    Level: level === null ? null : (LEVELS[Number(level)] ?? level),
    Provider: attrOf(sys && child(sys, 'Provider'), 'Name'),
    Channel: textOf(sys && child(sys, 'Channel')),
    ProcessId: Number(attrOf(exec, 'ProcessID') ?? 0),
    ThreadId: Number(attrOf(exec, 'ThreadID') ?? 0),
    Computer: textOf(sys && child(sys, 'Computer')),
    ChunkNumber: r.chunk,
    UserId: attrOf(sys && child(sys, 'Security'), 'UserID'),
    MapDescription: null, UserName: null, RemoteHost: null,
    PayloadData1: null, PayloadData2: null, PayloadData3: null, PayloadData4: null, PayloadData5: null, PayloadData6: null,
    ExecutableInfo: null,
    ...mapColumns(r.eventId ?? 0, namedData(payload)),
    HiddenRecord: false,
    SourceFile: sourceFile,
    Keywords: keywords === null ? null : (KEYWORDS[keywords] ?? keywords),
    ExtraDataOffset: 0,
    Payload: JSON.stringify(payload),
  };
}

/** Every record of an EVTX file as EvtxECmd writes it (records it cannot write left out). */
export function evtxecmdRecords(evtxPath: string, sourceFile = `C:\\Triage\\${evtxPath.split(/[\\/]/).pop()}`): EvtxECmdRecord[] {
  const file = fs.readFileSync(evtxPath);
  const out: EvtxECmdRecord[] = [];
  // Issues (empty chunks past the last one written, CRCs) are the EVTX import's business;
  // a record this helper cannot place in its chunk throws.
  for (const item of readEvtx(evtxPath, { recover: false })) {
    if (item.type !== 'record') continue;
    if (item.integrity !== 'intact') throw new Error(`${evtxPath}: record ${item.recordId} is ${item.integrity}`);
    const rec = toRecord(file, item, sourceFile);
    if (rec) out.push(rec);
  }
  return out;
}

// ---- the two output formats ----

/** EvtxECmd 2026.5's column order (EvtxECmd/Program.cs, CsvHelper AutoMap + Index). */
export const CSV_COLUMNS = [
  'RecordNumber', 'EventRecordId', 'TimeCreated', 'EventId', 'Level', 'Provider', 'Channel', 'ProcessId', 'ThreadId',
  'Computer', 'ChunkNumber', 'UserId', 'MapDescription', 'UserName', 'RemoteHost', 'PayloadData1', 'PayloadData2',
  'PayloadData3', 'PayloadData4', 'PayloadData5', 'PayloadData6', 'ExecutableInfo', 'HiddenRecord', 'SourceFile',
  'Keywords', 'ExtraDataOffset', 'Payload',
] as const;

/** CsvHelper's default quoting (ConfigurationFunctions.ShouldQuote). */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  if (s === '') return s;
  const quote = s.includes('"') || s.includes(',') || s.includes('\r') || s.includes('\n') || s.startsWith(' ') || s.endsWith(' ');
  return quote ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvOptions {
  /** TimeCreated as `--dt` writes it, from `yyyy-MM-dd HH:mm:ss.fffffff` (default: as is). */
  dt?: (t: string) => string;
  columns?: readonly string[];
}

export function evtxecmdCsv(records: readonly EvtxECmdRecord[], opts: CsvOptions = {}): string {
  const columns = opts.columns ?? CSV_COLUMNS;
  const dt = opts.dt ?? ((t: string) => t);
  const lines = [columns.join(',')];
  for (const r of records) {
    const row = r as unknown as Record<string, string | number | boolean | null>;
    lines.push(columns.map((c) => csvField(c === 'TimeCreated' ? dt(r.TimeCreated) : (row[c] ?? null))).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** ServiceStack.Text's property order: EventRecord's declaration order; nulls left out. */
const JSON_ORDER = [
  'PayloadData1', 'PayloadData2', 'PayloadData3', 'PayloadData4', 'PayloadData5', 'PayloadData6', 'UserName', 'RemoteHost',
  'ExecutableInfo', 'MapDescription', 'ChunkNumber', 'Computer', 'Payload', 'UserId', 'Channel', 'Provider', 'EventId',
  'EventRecordId', 'ProcessId', 'ThreadId', 'Level', 'Keywords', 'SourceFile', 'ExtraDataOffset', 'HiddenRecord',
  'TimeCreated', 'RecordNumber',
] as const;

export function evtxecmdJsonLine(r: EvtxECmdRecord): string {
  const o: Record<string, unknown> = {};
  for (const k of JSON_ORDER) {
    const v = (r as unknown as Record<string, unknown>)[k];
    if (v === null || v === undefined) continue;
    o[k] = k === 'TimeCreated' ? `${r.TimeCreated.replace(' ', 'T')}+00:00` : v;
  }
  return JSON.stringify(o);
}

export function evtxecmdJson(records: readonly EvtxECmdRecord[]): string {
  return `\uFEFF${records.map(evtxecmdJsonLine).join('\r\n')}\r\n`;
}
