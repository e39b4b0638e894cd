// Turns one input file into a stream of source records with their mapping step, per
// format family. The importer only sees `SourceRecord`s; the format knowledge stays
// in the readers and mappers.
import { recording, type ByteSource, type SourceEnd } from './text/byte-source.js';
import { readCsv } from './csv/csv-reader.js';
import { readJsonRecords } from './json/json-records.js';
import { isUnread } from './json/json-record.js';
import { canonicalJson } from './json/canonical.js';
import { parseJson } from './json/big-json.js';
import { defenderColumn, mapDefender, type DefenderRow, type KnownImplied } from './mappers/defender.js';
import { defenderCells } from './mappers/defender-cells.js';
import { isFlatWindowsEvent, jsonDialect, mapJsonRecord, mapJsonTree } from './mappers/json-record.js';
import { RecordError, skip, type MapResult } from './mappers/types.js';
import { isUsedWinEvent, mapWinEvent, unusedReason } from './mappers/windows-event.js';
import { readEvtx } from './evtx/index.js';
import { evtxecmdCsvStream } from './evtxecmd/csv-stream.js';
import { evtxDedupeKey } from './evtxecmd/map.js';
import { HostNames } from './host-names.js';
import { LocalOffsetCounter } from './local-offset.js';
import type { Detection } from './detect.js';
import type { NoteLevel } from './note-log.js';
import type { HostHint } from './archive/layout.js';

/** What a record stream reads: the bytes (from the start, each time `open` is called) and context. */
export interface StreamInput {
  /** Opens the bytes from the start; called a second time only for a Security-Datasets offset pass. */
  open: () => ByteSource;
  /** The host a collection names, for logs whose Computer field is missing or generic. */
  hostHint: HostHint | null;
  /**
   * Records (0-based, in stream order) the caller will map; the others may come out as
   * UNREAD, without being parsed (a file split between parse workers). Absent: all.
   */
  wanted?: (record: number) => boolean;
  /** The implied processes the file has handed out: the Defender mapper builds no repeat of them (decision 72). */
  implied?: KnownImplied;
}

export interface SourceRecord {
  ref: string;
  /**
   * Maps the record; throws RecordError (or any Error) for a bad record. Call it before
   * taking the next record: a scanned JSON line is read from a tree the next line reuses.
   */
  map: () => MapResult;
}

/** A record the reader itself could not read (bad CSV row, invalid JSON line). */
export interface BadRecord {
  ref: string;
  reason: string;
  detail: string | null;
}

export interface RecordStream {
  /** Format label for the import log, e.g. `defender-csv`, `ndjson/security-datasets` (final once read). */
  format: () => string;
  records: Iterable<SourceRecord | BadRecord>;
  /** File-level notes (zone assumptions, inferred offsets, damage); complete once read. */
  notes: FileNote[];
  bytesRead: () => number;
  close: () => void;
  /** The main source's hash and damage once read to its end (archive members; null for files). */
  end: () => SourceEnd | null;
}

export interface FileNote {
  level: NoteLevel;
  reason: string;
  /** Where in the file, when the note is about a place (e.g. `chunk 3 offset 0x31000`). */
  ref?: string;
}

/** A record left unread because another reader maps it (StreamInput.wanted). */
export const UNREAD: SourceRecord = { ref: '', map: () => skip('unread') };

export function isBad(r: SourceRecord | BadRecord): r is BadRecord {
  return 'reason' in r;
}

/** Kibana CSV writes multi-valued fields as JSON arrays or comma lists. */
function ecsCell(column: string, value: string): unknown {
  if (value.startsWith('[') && value.endsWith(']')) {
    try {
      return parseJson(value);
    } catch {
      return value;
    }
  }
  if ((column === 'event.category' || column === 'event.type') && value.includes(',')) {
    return value.split(',').map((s) => s.trim());
  }
  return value;
}

/**
 * A row as an object of its non-empty cells: empty cells are absent values (spec 7.4),
 * and leaving them out keeps the row small on a 72-column union export where most are.
 */
function cellObject(columns: readonly string[], fields: readonly string[], value: (column: string, v: string) => unknown): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const v = fields[i]!;
    const c = columns[i];
    if (v === '' || c === undefined || c === '') continue;
    obj[c] = value(c, v);
  }
  return obj;
}

const asText = (_: string, v: string): string => v;

function csvStream(input: StreamInput, det: Detection): RecordStream {
  const source = input.open();
  const reader = readCsv(source);
  const isDefender = det.family === 'defender-csv';
  const notes: RecordStream['notes'] = [];
  let zoneWarned = false;
  function* records(): Generator<SourceRecord | BadRecord> {
    let columns: string[] | null = null;
    let used: ((fields: readonly string[]) => DefenderRow) | null = null;
    for (const row of reader) {
      const ref = `line ${row.line}`;
      if (row.error !== undefined) {
        yield { ref, reason: 'malformed CSV row', detail: row.error };
        continue;
      }
      if (columns === null) {
        columns = (reader.header ?? []).map((c) => (isDefender ? defenderColumn(c) : c.trim()));
        if (isDefender) used = defenderCells(columns);
      }
      if (used) {
        const cells = used(row.fields);
        const { fields } = row;
        const cols = columns;
        // Without a ReportId, the record's key is its content: every cell (canonical JSON).
        const fallbackKey = () => (cells['ReportId'] !== undefined ? null : `csv#${canonicalJson(cellObject(cols, fields, asText))}`);
        yield { ref, map: () => mapDefender(cells, null, { ref, fallbackKey: fallbackKey(), known: input.implied }) };
      } else {
        const obj = cellObject(columns, row.fields, ecsCell);
        if (!zoneWarned && typeof obj['@timestamp'] === 'string' && !/(Z|[+-]\d\d:?\d\d)$/.test(obj['@timestamp'])) {
          notes.push({ level: 'warning', reason: 'times without a time zone (Kibana CSV uses the browser zone): read as UTC' });
          zoneWarned = true;
        }
        yield { ref, map: () => mapJsonRecord(obj, { ref, localOffsetMinutes: 0 }) };
      }
    }
  }
  return {
    format: () => (isDefender ? (det.sentinel ? 'sentinel-csv' : 'defender-csv') : 'kibana-csv'),
    records: records(),
    notes,
    bytesRead: () => source.bytesRead,
    close: () => source.close(),
    end: () => source.end?.() ?? null,
  };
}

/** Readable records the dialect is taken from. */
const PEEK_RECORDS = 25;
/** The most the peek may read ahead (it stops early past this; its bytes are replayed). */
const PEEK_BYTES = 16 * 1024 * 1024;

/**
 * The container and the dialect (the most common among the first readable records) name
 * the format. Not the first record alone: one damaged record must not change how the
 * others are read (a Security-Datasets file would lose its local-time offset).
 */
function peekJson(source: ByteSource): { container: string; dialect: string } {
  {
    const reader = readJsonRecords(source);
    const counts = new Map<string, number>();
    let container: string | null = null;
    let seen = 0;
    for (const rec of reader) {
      if (rec.error !== undefined) continue;
      container ??= reader.container;
      const dialect = jsonDialect(rec.value);
      if (dialect !== 'unknown') counts.set(dialect, (counts.get(dialect) ?? 0) + 1);
      if (++seen >= PEEK_RECORDS || source.bytesRead >= PEEK_BYTES) break;
    }
    let dialect = 'unknown';
    let best = 0;
    for (const [d, n] of counts) {
      if (n > best) {
        dialect = d;
        best = n;
      }
    }
    return { container: container ?? reader.container, dialect };
  }
}

/** Spec 7.3: a pass over a Security-Datasets file to learn its local-time offset. */
function inferOffset(source: ByteSource): LocalOffsetCounter {
  const counter = new LocalOffsetCounter();
  try {
    for (const rec of readJsonRecords(source)) {
      const v = rec.value;
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && isFlatWindowsEvent(v as Record<string, unknown>)) {
        counter.add(v as Record<string, unknown>);
      }
    }
  } finally {
    source.close();
  }
  return counter;
}

function jsonStream(input: StreamInput): RecordStream {
  // The peek reads through a recording of the source, replayed for the main pass: one read
  // of the bytes, which matters for archive members (each read inflates them again).
  const first = recording(input.open(), 2 * PEEK_BYTES);
  let peeked: { container: string; dialect: string };
  try {
    peeked = peekJson(first.source);
  } catch (err) {
    first.source.close();
    throw err;
  }
  const { container, dialect } = peeked;
  const notes: RecordStream['notes'] = [];
  let offset = 0;
  if (dialect === 'security-datasets') {
    const inferred = inferOffset(input.open()).result();
    offset = inferred.offsetMinutes;
    if (inferred.pairs === 0) {
      notes.push({ level: 'warning', reason: 'TimeCreated has no reliable zone and no Sysmon UtcTime to infer it from: read as UTC' });
    } else if (offset !== 0) {
      const sign = offset > 0 ? '+' : '-';
      const abs = Math.abs(offset);
      const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      notes.push({
        level: 'warning',
        reason:
          `TimeCreated is local time UTC${sign}${hhmm} (inferred from ${inferred.agreeing} of ${inferred.pairs} ` +
          'Sysmon TimeCreated/UtcTime pairs): shifted to UTC',
      });
    }
  }
  const source = first.replay() ?? (first.source.close(), input.open());
  const wanted = input.wanted;
  // Scanned records: each is mapped before the next is read (parse-file.ts).
  const reader = readJsonRecords(source, wanted ? { keep: (index) => wanted(index - 1), tree: true } : { tree: true });
  function* records(): Generator<SourceRecord | BadRecord> {
    for (const rec of reader) {
      if (isUnread(rec)) {
        yield UNREAD;
        continue;
      }
      const ref = container === 'ndjson' ? `line ${rec.line}` : `record ${rec.index} (line ${rec.line})`;
      if (rec.error !== undefined) {
        yield { ref, reason: 'invalid JSON', detail: rec.error };
        continue;
      }
      const ctx = { ref, localOffsetMinutes: offset, known: input.implied };
      const tree = rec.tree;
      const value = rec.value;
      yield { ref, map: tree ? () => mapJsonTree(tree, ctx) : () => mapJsonRecord(value, ctx) };
    }
  }
  return {
    // A second top-level value turns "object" into "concatenated": ask after reading.
    format: () => `${container === 'object' ? reader.container : container}/${dialect}`,
    records: records(),
    notes,
    bytesRead: () => source.bytesRead,
    close: () => source.close(),
    end: () => source.end?.() ?? null,
  };
}

/** EVTX: records the hunt does not use are skipped on their System values alone. */
function evtxStream(input: StreamInput): RecordStream {
  const source = input.open();
  const reader = readEvtx(source, { filter: (id, provider, channel) => id !== null && isUsedWinEvent(id, provider, channel) });
  const hosts = new HostNames(input.hostHint);
  const notes: FileNote[] = [];
  if (reader.dirty) notes.push({ level: 'warning', reason: 'the log was not closed cleanly (dirty flag): every chunk was scanned' });
  // A record-level issue is a bad record only if the record never comes out: the reader
  // reports a damaged tail, then still yields the record it recovered.
  const pending = new Map<string, BadRecord>();
  let damaged = 0;
  function* records(): Generator<SourceRecord | BadRecord> {
    for (const item of reader) {
      if (item.type === 'issue') {
        const where = `chunk ${item.chunk ?? '-'} offset 0x${item.offset.toString(16)}`;
        if (item.recordId !== undefined && (item.kind === 'binxml' || item.kind === 'record-header')) {
          const key = `${item.chunk}:${item.recordId}`;
          if (!pending.has(key)) {
            pending.set(key, { ref: `record ${item.recordId} (chunk ${item.chunk ?? '-'})`, reason: `EVTX ${item.kind} damage`, detail: `${where}: ${item.message}` });
          }
        } else {
          // Damage around records (CRCs, chunk headers) is a warning about the file.
          notes.push({ level: 'warning', reason: `EVTX ${item.kind}: ${genericIssue(item.message)}`, ref: `${where}: ${item.message}` });
        }
        continue;
      }
      pending.delete(`${item.chunk}:${item.recordId}`);
      const ref = `record ${item.recordId} (chunk ${item.chunk})`;
      if (item.type === 'skipped') {
        const reason = unusedReason(item.eventId, item.provider, item.channel);
        yield { ref, map: () => skip(reason) };
        continue;
      }
      if (item.integrity === 'damaged') damaged++;
      const r = item;
      yield {
        ref,
        map: () => {
          if (r.eventId === null) throw new RecordError('EVTX record without an EventID');
          const computer = hosts.of(r.computer);
          return mapWinEvent({
            eventId: r.eventId, provider: r.provider, channel: r.channel, computer, time: r.timeCreated,
            recordId: String(r.recordId), data: r.data, ref,
            // Spec section 1: same host, channel and EventRecordID (EvtxECmd output gives the same key).
            dedupeKey: evtxDedupeKey(computer ?? '', r.channel, String(r.recordId)),
          });
        },
      };
    }
    yield* pending.values();
    if (damaged) notes.push({ level: 'warning', reason: `${damaged} record(s) with a damaged tail kept (their values may be incomplete)` });
    notes.push(...hosts.notes());
  }
  // The reader closes its source when iteration ends or is abandoned (for-of calls return()).
  return {
    format: () => 'evtx', records: records(), notes, bytesRead: () => reader.stats.bytes, close: () => source.close(),
    end: () => source.end?.() ?? null,
  };
}

/** Issue messages carry offsets and values; the log groups by the words before them. */
function genericIssue(message: string): string {
  return message.replace(/0x[0-9a-f]+|\b\d+\b/gi, 'N').slice(0, 120);
}

export function openRecordStream(input: StreamInput, det: Detection): RecordStream {
  switch (det.family) {
    case 'evtx':
      return evtxStream(input);
    case 'defender-csv':
    case 'ecs-csv':
      return csvStream(input, det);
    case 'json':
      return jsonStream(input);
    case 'evtxecmd-csv':
      return evtxecmdCsvStream(input);
    default:
      throw new RecordError(`unsupported format: ${det.reason ?? det.family}`);
  }
}
