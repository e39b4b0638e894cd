// The evidence chain, from the UI: any stored event leads back to its input file (by
// SHA-256) and to the record in it, re-read from the file as it is on disk, after
// checking the file still has the hash it had when imported. A record of an archive
// member is read back through each container from the archive on disk, whose hash is
// checked (the member's bytes follow from the archive's).
import fs from 'node:fs';
import type { Db } from '../store/case-db.js';
import { sha256File } from '../ingest/inputs.js';
import { openFileSource, type ByteSource } from '../ingest/text/byte-source.js';
import { UnpackClient } from '../ingest/archive/unpack-client.js';
import type { ContainerKind, MemberStep, SourceRef } from '../ingest/archive/refs.js';
import { readCsv } from '../ingest/csv/csv-reader.js';
import { readJsonRecords } from '../ingest/json/json-records.js';
import { readEvtx, renderXml } from '../ingest/evtx/index.js';
import { ApiError } from './contract.js';

export type RecordTable = 'process' | 'network' | 'file' | 'image' | 'service' | 'end';

const TABLE: Record<RecordTable, string> = {
  process: 'process_event', network: 'network_event', file: 'file_event', image: 'image_load', service: 'service_install', end: 'process_end',
};

export interface RawRecord {
  file: string;
  sha256: string;
  format: string | null;
  ref: string;
  /** The record as read back from the file; null when the file is gone or changed. */
  text: string | null;
  /** Why `text` is null. */
  unavailable: string | null;
}

/** Re-reading big files is slow: remember files verified unchanged (by size and mtime). */
const verified = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** `what`: the input file itself, or the archive on disk a member was read from. */
function checkFile(file: string, sha256: string, what: 'file' | 'archive' = 'file'): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return `the input ${what} is no longer at this path`;
  }
  const known = verified.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.sha256 === sha256) return null;
  const now = sha256File(file);
  if (now !== sha256) return `the ${what} at this path has changed since it was imported (SHA-256 now ${now})`;
  verified.set(file, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
  return null;
}

/** JSON with the source's key order and integers beyond 2^53 exact. */
export function prettyJson(value: unknown, indent = ''): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

type Open = () => ByteSource;

function csvRecord(open: Open, line: number): string | null {
  const source = open();
  try {
    const reader = readCsv(source);
    for (const row of reader) {
      if (row.line < line) continue;
      if (row.line > line) return null;
      const header = reader.header ?? [];
      const obj: Record<string, string> = {};
      row.fields.forEach((v, i) => {
        obj[header[i] ?? `column ${i + 1}`] = v;
      });
      return prettyJson(obj);
    }
    return null;
  } finally {
    source.close();
  }
}

function jsonRecord(open: Open, ref: string): string | null {
  const byIndex = /^record (\d+)/.exec(ref);
  const byLine = /^line (\d+)/.exec(ref);
  const source = open();
  try {
    for (const rec of readJsonRecords(source)) {
      const hit = byIndex ? rec.index === Number(byIndex[1]) : byLine ? rec.line === Number(byLine[1]) : false;
      if (hit) return rec.error !== undefined ? null : prettyJson(rec.value);
    }
    return null;
  } finally {
    source.close();
  }
}

function evtxRecord(open: Open, ref: string): string | null {
  const m = /^record (\d+) \(chunk (\d+)\)$/.exec(ref);
  if (!m) return null;
  const [id, chunk] = [Number(m[1]), Number(m[2])];
  for (const item of readEvtx(open())) {
    if (item.type === 'record' && item.chunk === chunk && item.recordId === id) return renderXml(item);
    if (item.type !== 'issue' && item.chunk > chunk) return null;
  }
  return null;
}

interface FileRow {
  path: string;
  sha256: string;
  format: string | null;
  container_id: number | null;
  member: string | null;
  member_index: number | null;
}

/** An input's way back to the disk: the archive file and the member names inside it, or null for a file. */
function sourceOf(db: Db, row: FileRow): { file: FileRow; ref: SourceRef } | null {
  if (row.container_id === null) return null;
  const get = db.prepare('SELECT path, sha256, format, container_id, member, member_index FROM input_file WHERE id = ?');
  const steps: MemberStep[] = [];
  let cur = row;
  while (cur.container_id !== null) {
    const parent = get.get(cur.container_id) as FileRow;
    steps.unshift({ container: parent.format as ContainerKind, name: cur.member ?? '', index: cur.member_index ?? 0 });
    cur = parent;
  }
  return { file: cur, ref: { file: cur.path, members: steps } };
}

export function rawRecord(db: Db, table: RecordTable, id: number): RawRecord {
  const row = db
    .prepare(
      `SELECT e.ref, f.path, f.sha256, f.format, f.container_id, f.member, f.member_index
         FROM ${TABLE[table]} e JOIN input_file f ON f.id = e.file_id WHERE e.id = ?`,
    )
    .get(id) as (FileRow & { ref: string }) | undefined;
  if (!row) throw new ApiError('not-found', `no ${table} event #${id} in this case`);
  const out: RawRecord = { file: row.path, sha256: row.sha256, format: row.format, ref: row.ref, text: null, unavailable: null };
  const archived = sourceOf(db, row);
  out.unavailable = archived ? checkFile(archived.file.path, archived.file.sha256, 'archive') : checkFile(row.path, row.sha256);
  if (out.unavailable) return out;
  const unpack = archived ? UnpackClient.start() : null;
  const open: Open = () => (unpack ? unpack.open(archived!.ref, null) : openFileSource(row.path));
  try {
    const line = /^line (\d+)$/.exec(row.ref);
    if (row.format === 'evtx') out.text = evtxRecord(open, row.ref);
    else if (row.format?.endsWith('-csv')) out.text = line ? csvRecord(open, Number(line[1])) : null;
    else if (row.format?.includes('/')) out.text = jsonRecord(open, row.ref);
  } finally {
    unpack?.close();
  }
  if (out.text === null) out.unavailable = `record "${row.ref}" could not be read back from a ${row.format ?? 'file of unknown format'}`;
  return out;
}
