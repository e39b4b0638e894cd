// One JSON record → hunt events, whatever produced it: Defender Streaming API or API
// rows, Elasticsearch hits (`_source` or `fields`), Winlogbeat / Elastic Windows
// integration documents, Security-Datasets flattened events, or plain ECS documents.
import type { Iso7 } from '../../model/events.js';
import { parseTime, shiftMinutes } from '../../normalize/time.js';
import { clean } from '../../normalize/values.js';
import { canonicalJson } from '../json/canonical.js';
import { OBJ, type JsonTree, type TreeRef } from '../json/json-tree.js';
import { mapDefender, looksLikeDefenderColumns, type KnownImplied } from './defender.js';
import { ValueDoc, type Doc } from './doc.js';
import { TreeDoc } from './tree-doc.js';
import { mapEcs } from './ecs.js';
import { RecordError, skip, type MapResult } from './types.js';
import { mapWinEvent } from './windows-event.js';
import { isWinlogDoc, mapWinlog } from './winlog.js';
import { isEvtxECmdDocument } from '../evtxecmd/format.js';
import { mapEvtxECmd } from '../evtxecmd/map.js';

export type JsonDialect = 'defender-streaming' | 'defender-row' | 'security-datasets' | 'evtxecmd' | 'winlog' | 'ecs' | 'unknown';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Security-Datasets style: EventData at top level next to EventID/Channel/Hostname. */
export function isFlatWindowsEvent(v: Record<string, unknown>): boolean {
  return (
    ('EventID' in v || 'EventId' in v) &&
    ('Channel' in v || 'SourceName' in v) &&
    ('Hostname' in v || 'Computer' in v) &&
    !isObject(v['winlog'])
  );
}

/** The document inside an Elasticsearch hit, and its `_id`. */
function unwrapHit(v: Record<string, unknown>): { doc: Record<string, unknown>; id: string | null } {
  const id = clean(v['_id']);
  if (isObject(v['_source'])) return { doc: v['_source'], id };
  if (isObject(v['fields']) && ('_id' in v || '_index' in v)) return { doc: v['fields'], id };
  return { doc: v, id };
}

interface Classified {
  dialect: JsonDialect;
  doc: Record<string, unknown>;
  id: string | null;
  /** Built once during classification and reused by the mapper. */
  flat: Doc | null;
}

function classify(v: Record<string, unknown>): Classified {
  const category = typeof v['category'] === 'string' ? v['category'] : '';
  if (category.startsWith('AdvancedHunting-') && isObject(v['properties'])) {
    return { dialect: 'defender-streaming', doc: v['properties'], id: null, flat: null };
  }
  const { doc, id } = unwrapHit(v);
  // Before Security-Datasets: EvtxECmd records also carry EventId, Channel and Computer.
  if (isEvtxECmdDocument(doc)) return { dialect: 'evtxecmd', doc, id, flat: null };
  if (isFlatWindowsEvent(doc)) return { dialect: 'security-datasets', doc, id, flat: null };
  // Defender API rows always carry DeviceName; checking it first keeps ECS documents cheap.
  if ('DeviceName' in doc && !('@timestamp' in doc) && looksLikeDefenderColumns(Object.keys(doc))) {
    return { dialect: 'defender-row', doc, id, flat: null };
  }
  const flat = new ValueDoc(doc);
  if (isWinlogDoc(flat)) return { dialect: 'winlog', doc, id, flat };
  if (flat.has('event.category') || flat.has('@timestamp')) return { dialect: 'ecs', doc, id, flat };
  return { dialect: 'unknown', doc, id, flat };
}

/** Which producer a JSON record comes from (for the import log's format line). */
export function jsonDialect(v: unknown): JsonDialect {
  return isObject(v) ? classify(v).dialect : 'unknown';
}

export interface JsonRecordContext {
  ref: string;
  /**
   * Security-Datasets: minutes to subtract from TimeCreated/EventTime to get UTC
   * (spec 7.3), inferred per file; 0 when the file is read as UTC.
   */
  localOffsetMinutes: number;
  /** The record's content key from its own text (its scan, mapJsonTree), when there is one. */
  contentKey?: () => string | null;
  /** Implied processes the file has handed out: Defender rows build no repeat of them (decision 72). */
  known?: KnownImplied;
}

/**
 * Spec 7.13: the whole record as canonical JSON. From the record's text when it was
 * scanned (the same text, computed faster: decisions 54 and 83), else from the value.
 */
function contentKey(v: unknown, ctx: JsonRecordContext): string {
  return ctx.contentKey?.() ?? `json#${canonicalJson(v)}`;
}

/** The dialects read from a scanned record; every other one is read from the parsed value. */
interface TreeClassified {
  dialect: 'winlog' | 'ecs' | 'unknown';
  id: string | null;
  flat: TreeDoc;
}

/**
 * classify() over a scanned record, for the dialects it can read there; null sends the
 * record to the value path. Every dialect classify() tells apart before `winlog` needs a
 * key this one looks for (top-level `category`; `EventId` or `EventID`; `DeviceName`), so
 * where none is present both reach the same answer.
 */
function classifyTree(tree: JsonTree, root: number): TreeClassified | null {
  if (tree.member(root, 'category') >= 0) return null;
  const idNode = tree.member(root, '_id');
  const id = idNode < 0 ? null : clean(tree.value(idNode));
  let doc = root;
  const source = tree.member(root, '_source');
  if (source >= 0 && tree.kind(source) === OBJ) {
    doc = source;
  } else {
    const fields = tree.member(root, 'fields');
    if (fields >= 0 && tree.kind(fields) === OBJ && (idNode >= 0 || tree.member(root, '_index') >= 0)) doc = fields;
  }
  if (tree.member(doc, 'EventId') >= 0 || tree.member(doc, 'EventID') >= 0 || tree.member(doc, 'DeviceName') >= 0) return null;
  const flat = new TreeDoc(tree, doc);
  if (isWinlogDoc(flat)) return { dialect: 'winlog', id, flat };
  if (flat.has('event.category') || flat.has('@timestamp')) return { dialect: 'ecs', id, flat };
  return { dialect: 'unknown', id, flat };
}

function docTime(d: Doc): Iso7 {
  const t = parseTime(d.get('@timestamp')) ?? parseTime(d.get('event.created')) ?? parseTime(d.get('winlog.time_created'));
  if (!t) throw new RecordError('no @timestamp');
  return t.iso;
}

function flatWindows(v: Record<string, unknown>, ctx: JsonRecordContext, dedupeKey: string): MapResult {
  const eventId = Number(clean(v['EventID'] ?? v['EventId']));
  if (!Number.isInteger(eventId)) throw new RecordError('bad EventID', String(v['EventID'] ?? v['EventId']));
  const raw = v['TimeCreated'] ?? v['EventTime'] ?? v['@timestamp'];
  const t = parseTime(raw);
  if (!t) throw new RecordError('bad or missing TimeCreated', String(raw ?? ''));
  return mapWinEvent({
    eventId,
    provider: clean(v['SourceName']) ?? clean(v['ProviderName']),
    channel: clean(v['Channel']),
    computer: clean(v['Hostname']) ?? clean(v['Computer']),
    time: shiftMinutes(t.iso, -ctx.localOffsetMinutes),
    recordId: clean(v['RecordNumber']) ?? clean(v['EventRecordID']),
    data: v,
    ref: ctx.ref,
    dedupeKey,
  });
}

/**
 * mapJsonRecord for a scanned record (decision 83): Elastic and Winlogbeat documents are
 * read from the tree, every other dialect from the value parsed now. The same result as
 * mapJsonRecord(parseJson(text)).
 */
export function mapJsonTree(ref: TreeRef, ctx: JsonRecordContext): MapResult {
  const tree = ref.tree;
  tree.check(ref);
  const key = () => `json#${tree.canonical()}`;
  const c = tree.kind(tree.root) === OBJ ? classifyTree(tree, tree.root) : null;
  if (c === null) return mapJsonRecord(tree.value(tree.root), { ...ctx, contentKey: key });
  if (c.dialect === 'unknown') return skip('JSON document of an unknown kind');
  const d = c.flat;
  const common = { time: docTime(d), ref: ctx.ref, dedupeKey: c.id !== null ? `json|${c.id}` : key() };
  return c.dialect === 'winlog' ? mapWinlog(d, common) : mapEcs(d, common);
}

export function mapJsonRecord(value: unknown, ctx: JsonRecordContext): MapResult {
  if (!isObject(value)) throw new RecordError('not a JSON object');
  const c = classify(value);
  const dedupe = () => (c.id !== null ? `json|${c.id}` : contentKey(value, ctx));
  switch (c.dialect) {
    case 'defender-streaming': {
      const table = (value['category'] as string).slice('AdvancedHunting-'.length);
      return mapDefender(c.doc, table, { ref: ctx.ref, fallbackKey: 'ReportId' in c.doc ? null : contentKey(value, ctx), known: ctx.known });
    }
    case 'defender-row':
      return mapDefender(c.doc, null, { ref: ctx.ref, fallbackKey: 'ReportId' in c.doc ? null : dedupe(), known: ctx.known });
    case 'security-datasets':
      return flatWindows(c.doc, ctx, dedupe());
    case 'evtxecmd':
      // EVTX records rendered by EvtxECmd: the EVTX duplicate key, not the JSON one (decision 42).
      return mapEvtxECmd(c.doc, ctx.ref);
    case 'winlog':
    case 'ecs': {
      const d = c.flat!;
      const common = { time: docTime(d), ref: ctx.ref, dedupeKey: dedupe() };
      return c.dialect === 'winlog' ? mapWinlog(d, common) : mapEcs(d, common);
    }
    default:
      return skip('JSON document of an unknown kind');
  }
}
