// Reads the demo files back into one list of process starts and actions, with the
// spec's identities (Defender pid+creation time, Elastic entity_id, Sysmon
// ProcessGuid), so tests can check the data independently of the generator and of
// the app: the Velociraptor collections are unzipped with yauzl and their EVTX logs
// read with libevtx's evtxexport.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import yauzl from 'yauzl';
import type { LibevtxRecord } from '../evtx-writer/libevtx.js';
import { evtxexport, requireLibevtx } from '../evtx-writer/libevtx.js';

export interface Start {
  host: string;
  source: 'defender' | 'elastic' | 'sysmon' | '4688';
  key: string;
  parentKey: string | null;
  pid: number;
  name: string;
  path: string;
  parentName: string;
  sha256: string | null;
  trusted: boolean | null;
  /** ms since 1970 (sub-ms precision is not needed here). */
  time: number;
}

export interface Action {
  host: string;
  source: 'defender' | 'elastic' | 'sysmon' | 'security' | 'system';
  kind: 'network' | 'file' | 'image' | 'install';
  actorKey: string;
  actorName: string;
}

/** One Velociraptor collection zip as read back. */
export interface Collection {
  file: string;
  /** Member names in zip order, and their bytes. */
  members: Map<string, Buffer>;
  /** Member modification times (yauzl reads the DOS time as local time: its local fields are what the zip says). */
  times: Map<string, Date>;
  clientInfo: Record<string, unknown>;
  /** The host the records are attributed to: their Computer, or client_info.json's Hostname when that is generic. */
  host: string;
  /** Per EVTX member: its records as libevtx reads them. */
  logs: Map<string, LibevtxRecord[]>;
}

export interface Fleet {
  starts: Start[];
  actions: Action[];
  csvRows: Record<string, string>[];
  csvHeader: string[];
  jsonLines: { elastic: Record<string, unknown>[]; securityDatasets: Record<string, unknown>[] };
  collections: Collection[];
}

export const hostKey = (name: string) => name.toLowerCase().split('.')[0] ?? '';
const baseName = (p: string) => p.slice(p.lastIndexOf('\\') + 1);

type Json = Record<string, unknown>;
function get(o: unknown, dotted: string): unknown {
  let cur: unknown = o;
  for (const k of dotted.split('.')) cur = cur && typeof cur === 'object' ? (cur as Json)[k] : undefined;
  return cur;
}
const str = (o: unknown, k: string) => {
  const v = get(o, k);
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
};

function readDefender(file: string, out: Fleet): void {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  out.csvHeader = parsed.meta.fields ?? [];
  out.csvRows = parsed.data;
  for (const r of parsed.data) {
    const host = hostKey(r['DeviceName'] ?? '');
    const actorKey = `${host}|${r['InitiatingProcessId']}|${r['InitiatingProcessCreationTime']}`;
    const action = r['ActionType'];
    if (action === 'ProcessCreated') {
      const folder = r['FolderPath'] ?? '';
      out.starts.push({
        host, source: 'defender', key: `${host}|${r['ProcessId']}|${r['ProcessCreationTime']}`, parentKey: actorKey,
        pid: Number(r['ProcessId']), name: r['FileName'] ?? '', path: folder, parentName: r['InitiatingProcessFileName'] ?? '',
        sha256: r['SHA256'] || null, trusted: null, time: Date.parse(r['ProcessCreationTime'] ?? ''),
      });
    } else {
      const kind = action === 'ImageLoaded' ? 'image' : action === 'ServiceInstalled' ? 'install' : action?.startsWith('File') ? 'file' : 'network';
      out.actions.push({
        host, source: 'defender', kind, actorKey, actorName: r['InitiatingProcessFileName'] ?? '',
      });
    }
  }
}

function readElastic(file: string, out: Fleet): void {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line) as Json;
    out.jsonLines.elastic.push(d);
    const host = hostKey(str(d, 'host.name'));
    const category = (get(d, 'event.category') as string[])[0];
    const key = `${host}|${str(d, 'process.entity_id')}`;
    if (category === 'process') {
      out.starts.push({
        host, source: 'elastic', key, parentKey: `${host}|${str(d, 'process.parent.entity_id')}`,
        pid: Number(get(d, 'process.pid')), name: str(d, 'process.name'), path: str(d, 'process.executable'),
        parentName: str(d, 'process.parent.name'), sha256: str(d, 'process.hash.sha256') || null,
        trusted: get(d, 'process.code_signature.trusted') as boolean, time: Date.parse(str(d, '@timestamp')),
      });
    } else {
      const kind = category === 'library' ? 'image' : category === 'file' ? 'file' : 'network';
      out.actions.push({ host, source: 'elastic', kind, actorKey: key, actorName: str(d, 'process.name') });
    }
  }
}

/** Sysmon UtcTime `2026-10-01 11:18:29.836` → ms. */
const utc = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);

function readSecurityDatasets(file: string, out: Fleet): void {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line) as Json;
    out.jsonLines.securityDatasets.push(d);
    const host = hostKey(str(d, 'Hostname'));
    const id = get(d, 'EventID');
    const key = `${host}|${str(d, 'ProcessGuid').toLowerCase()}`;
    if (id === 1) {
      const hashes = str(d, 'Hashes');
      out.starts.push({
        host, source: 'sysmon', key, parentKey: `${host}|${str(d, 'ParentProcessGuid').toLowerCase()}`,
        pid: Number(str(d, 'ProcessId')), name: baseName(str(d, 'Image')), path: str(d, 'Image'),
        parentName: baseName(str(d, 'ParentImage')), sha256: /SHA256=([0-9A-F]+)/.exec(hashes)?.[1]?.toLowerCase() ?? null,
        trusted: null, time: utc(str(d, 'UtcTime')),
      });
    } else if (id === 4688) {
      // Local time, UTC-5 in this fleet.
      out.starts.push({
        host, source: '4688', key: `${host}|4688|${str(d, 'NewProcessId')}`, parentKey: null,
        pid: parseInt(str(d, 'NewProcessId'), 16), name: baseName(str(d, 'NewProcessName')), path: str(d, 'NewProcessName'),
        parentName: baseName(str(d, 'ParentProcessName')), sha256: null, trusted: null, time: utc(str(d, 'TimeCreated')) + 5 * 3_600_000,
      });
    } else if (id === 3 || id === 7 || id === 11) {
      out.actions.push({
        host, source: 'sysmon', kind: id === 3 ? 'network' : id === 7 ? 'image' : 'file', actorKey: key,
        actorName: baseName(str(d, 'Image')),
      });
    } else if (id === 7045 || id === 4697) {
      out.actions.push({
        host, source: id === 7045 ? 'system' : 'security', kind: 'install', actorKey: '', actorName: '',
      });
    }
  }
}

/** A zip's members (bytes and modification times), in order. */
export async function unzip(file: string): Promise<{ members: Map<string, Buffer>; times: Map<string, Date> }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const members = new Map<string, Buffer>();
  const times = new Map<string, Date>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      members.set(entry.fileName, Buffer.concat(chunks));
      times.set(entry.fileName, entry.getLastModDate());
    }
  } finally {
    zip.close();
  }
  return { members, times };
}

/** Computer names that do not say which host a log is from (as decision 47 lists them). */
const GENERIC = new Set(['', '-', 'localhost', 'minwinpc']);

function data(r: LibevtxRecord, name: string): string {
  return r.data.find((d) => d.name === name)?.text ?? '';
}

/** libevtx's `2026-10-01T12:00:00.123456700Z` → ms. */
const evtxTime = (s: string) => Date.parse(`${s.slice(0, 23)}Z`);

function readEvtxRecords(records: readonly LibevtxRecord[], fallbackHost: string, out: Fleet): void {
  for (const r of records) {
    const host = hostKey(GENERIC.has(r.computer.trim().toLowerCase()) ? fallbackHost : r.computer);
    const sysmon = r.provider === 'Microsoft-Windows-Sysmon';
    const key = `${host}|${data(r, 'ProcessGuid').toLowerCase()}`;
    if (sysmon && r.eventId === 1) {
      out.starts.push({
        host, source: 'sysmon', key, parentKey: `${host}|${data(r, 'ParentProcessGuid').toLowerCase()}`,
        pid: Number(data(r, 'ProcessId')), name: baseName(data(r, 'Image')), path: data(r, 'Image'),
        parentName: baseName(data(r, 'ParentImage')),
        sha256: /SHA256=([0-9A-F]+)/.exec(data(r, 'Hashes'))?.[1]?.toLowerCase() ?? null, trusted: null, time: utc(data(r, 'UtcTime')),
      });
    } else if (sysmon && (r.eventId === 3 || r.eventId === 7 || r.eventId === 11)) {
      out.actions.push({
        host, source: 'sysmon', kind: r.eventId === 3 ? 'network' : r.eventId === 7 ? 'image' : 'file', actorKey: key,
        actorName: baseName(data(r, 'Image')),
      });
    } else if (r.eventId === 4688) {
      out.starts.push({
        host, source: '4688', key: `${host}|4688|${data(r, 'NewProcessId')}`, parentKey: null,
        pid: parseInt(data(r, 'NewProcessId'), 16), name: baseName(data(r, 'NewProcessName')), path: data(r, 'NewProcessName'),
        parentName: baseName(data(r, 'ParentProcessName')), sha256: null, trusted: null, time: evtxTime(r.timeCreated),
      });
    } else if (r.eventId === 7045 || r.eventId === 4697) {
      out.actions.push({ host, source: r.eventId === 7045 ? 'system' : 'security', kind: 'install', actorKey: '', actorName: '' });
    }
  }
}

async function readCollections(dir: string, out: Fleet): Promise<void> {
  const folder = path.join(dir, 'velociraptor');
  const files = readdirSync(folder).filter((f) => f.endsWith('.zip')).sort();
  if (files.length === 0) return;
  requireLibevtx();
  const tmp = mkdtempSync(path.join(tmpdir(), 'longtail-collection-'));
  try {
    for (const name of files) {
      const file = path.join(folder, name);
      const { members, times } = await unzip(file);
      const clientInfo = JSON.parse(members.get('client_info.json')?.toString('utf8') ?? '{}') as Record<string, unknown>;
      const host = String(clientInfo['Hostname'] ?? '');
      const logs = new Map<string, LibevtxRecord[]>();
      for (const [member, bytes] of members) {
        if (!member.endsWith('.evtx')) continue;
        const copy = path.join(tmp, `${logs.size}.evtx`);
        writeFileSync(copy, bytes);
        const exported = evtxexport(copy);
        if (exported.status !== 0 || exported.stderr.trim() !== '') throw new Error(`${name}!${member}: evtxexport: ${exported.stderr}`);
        logs.set(member, exported.records);
        readEvtxRecords(exported.records, host, out);
      }
      out.collections.push({ file, members, times, clientInfo, host, logs });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function readFleet(dir: string): Promise<Fleet> {
  const out: Fleet = { starts: [], actions: [], csvRows: [], csvHeader: [], jsonLines: { elastic: [], securityDatasets: [] }, collections: [] };
  readDefender(path.join(dir, 'defender/fleet-union.csv'), out);
  readElastic(path.join(dir, 'elastic/fleet-endpoint.ndjson'), out);
  readSecurityDatasets(path.join(dir, 'security-datasets/fleet-sysmon-security.json'), out);
  await readCollections(dir, out);
  return out;
}

/** The seed's two path rules (spec section 3), then lowercase. */
export function pathKey(p: string): string {
  return p
    .replace(/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|ns[a-z][A-Z0-9]{3,4}\.tmp|DX[A-Z0-9]{3,4}\.tmp|7z[A-Z0-9]{3,5}\.tmp|[0-9.\-_]{3,})/g, '')
    .replace(/[cC]:\\[uU][sS][eE][rR][sS]\\[a-zA-Z0-9.\-_$~]+\\/g, 'C:\\users\\user\\')
    .toLowerCase();
}
