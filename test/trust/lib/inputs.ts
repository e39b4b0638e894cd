// Clean, valid input files of every importer and container the app reads, generated
// from random field values (fast-check): the hostile-input suite mutates them and
// compares the import of the mutated file with the import of the clean one. Each text
// file knows the byte span and first line of each of its records, so a mutation can be
// aimed at one record and its effect on the others checked exactly.
import fc from 'fast-check';
import Papa from 'papaparse';
import {
  evtxBytes, security4688v2, sysmonFileCreate, sysmonImageLoad, sysmonNetworkConnect, sysmonProcessCreate,
  sysmonRegistryValueSet, system7045, type EventSpec,
} from '../../fixtures/evtx-writer/index.js';

/** `lines`: one record is one line (or one quoted multi-line CSV row); `document`: elements of a JSON document. */
export type Layout = 'lines' | 'document';

/** A record's bytes `[start, end)` (its line terminator excluded) and its lines. */
export interface Span {
  start: number;
  end: number;
  /** 1-based line of its first byte. */
  line: number;
  lines: number;
}

export interface TextInput {
  importer: string;
  layout: Layout;
  ext: string;
  bytes: Buffer;
  records: Span[];
  /** Bytes before the first record (CSV header, document opening). */
  headerEnd: number;
}

export interface EvtxInput {
  importer: string;
  bytes: Buffer;
  chunks: number;
}

// ---------------------------------------------------------------------------------
// Field values

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \\/.-_:'.split('');
const SPICE = ['"', ',', ';', '\t', "'", '=', '+', '@', '{', '}', '[', ']', 'é', 'ü', '€', '𝄞', '中', '\u202e', '\u200b', '%s', '$(x)', '\\\\'];
const BREAKS = ['\r\n', '\n', '\u001b[31m', '\u0000', '\r'];

/** Text such as command lines carry: mostly plain, with quotes, separators, non-ASCII, sometimes line breaks. */
export function wildText(opts: { breaks?: boolean; maxLength?: number } = {}): fc.Arbitrary<string> {
  const units = [
    { weight: 12, arbitrary: fc.constantFrom(...PLAIN) },
    { weight: 3, arbitrary: fc.constantFrom(...SPICE) },
  ];
  if (opts.breaks !== false) units.push({ weight: 1, arbitrary: fc.constantFrom(...BREAKS) });
  return fc.string({ unit: fc.oneof(...units), minLength: 1, maxLength: opts.maxLength ?? 40 });
}

const HOSTS = ['WS01', 'ws02.corp.local', 'SRV-FILE02', 'dc01.contoso.com', 'HOST-É'];

export type Kind = 'process' | 'network' | 'file' | 'image' | 'service' | 'end' | 'unused' | 'bad';

/** What one generated record is about; each format writes it its own way. */
export interface Fact {
  kind: Kind;
  host: string;
  text: string;
  /** A second free text (paths, names). */
  name: string;
  pid: number;
  port: number;
}

function factArb(breaks: boolean): fc.Arbitrary<Fact> {
  return fc.record({
    kind: fc.constantFrom<Kind>('process', 'process', 'network', 'file', 'image', 'service', 'end', 'unused', 'bad'),
    host: fc.constantFrom(...HOSTS),
    text: wildText({ breaks }),
    name: wildText({ breaks: false, maxLength: 16 }),
    pid: fc.integer({ min: 4, max: 70_000 }),
    port: fc.integer({ min: 1, max: 65_535 }),
  });
}

/** Facts of one file; distinct pids, so the processes of different records never share an identity. */
export function factsArb(breaks: boolean, min = 6, max = 14): fc.Arbitrary<Fact[]> {
  return fc.uniqueArray(factArb(breaks), { minLength: min, maxLength: max, selector: (f) => Math.floor(f.pid / 2) });
}

/** Distinct times per record (no record is another's duplicate), 100 ns precision. */
function isoAt(i: number, frac = 1234567): string {
  const d = new Date(Date.UTC(2026, 9, 20, 9, 0, 0) + i * 61_000);
  return `${d.toISOString().slice(0, 19)}.${String((frac + i * 7919) % 10_000_000).padStart(7, '0')}Z`;
}

const hex64 = (i: number) => (i.toString(16).padStart(2, '0')).repeat(32).slice(0, 64);
const svcPath = (f: Fact) => `C:\\Windows\\Temp\\${f.name.replace(/[\\/]/g, '_')}.exe`;

// ---------------------------------------------------------------------------------
// Builders that keep record spans

class TextBuilder {
  private readonly parts: Buffer[] = [];
  private bytes = 0;
  private line = 1;
  readonly spans: Span[] = [];
  headerEnd = 0;

  add(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.parts.push(b);
    this.bytes += b.length;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) this.line++;
  }

  record(text: string): void {
    if (this.spans.length === 0) this.headerEnd = this.bytes;
    const start = this.bytes;
    const line = this.line;
    this.add(text);
    this.spans.push({ start, end: this.bytes, line, lines: this.line - line + 1 });
  }

  build(importer: string, layout: Layout, ext: string): TextInput {
    return { importer, layout, ext, bytes: Buffer.concat(this.parts), records: this.spans, headerEnd: this.headerEnd };
  }
}

// ---------------------------------------------------------------------------------
// Defender rows (portal CSV, Sentinel CSV, API results, Streaming API)

const DEFENDER_COLUMNS = [
  'Timestamp', 'DeviceName', 'ActionType', 'ReportId', 'FileName', 'FolderPath', 'ProcessId', 'ProcessCreationTime',
  'ProcessCommandLine', 'SHA256', 'AccountDomain', 'AccountName', 'InitiatingProcessFileName', 'InitiatingProcessFolderPath',
  'InitiatingProcessId', 'InitiatingProcessCreationTime', 'InitiatingProcessCommandLine', 'InitiatingProcessParentFileName',
  'InitiatingProcessParentId', 'InitiatingProcessParentCreationTime', 'InitiatingProcessSHA256', 'RemoteIP', 'RemotePort',
  'RemoteUrl', 'LocalIP', 'LocalPort', 'Protocol', 'AdditionalFields',
] as const;
const DEFENDER_TIMES = new Set(['Timestamp', 'ProcessCreationTime', 'InitiatingProcessCreationTime', 'InitiatingProcessParentCreationTime']);

type Row = Record<string, string>;

function defenderRow(f: Fact, i: number): { row: Row; table: string } {
  const t = isoAt(i);
  const svc: Row = {
    InitiatingProcessFileName: `${f.name}.exe`, InitiatingProcessFolderPath: svcPath(f), InitiatingProcessId: String(f.pid),
    // A process row carries the text once (ProcessCommandLine): a 10 MB command line stays one.
    InitiatingProcessCreationTime: isoAt(0, 1), InitiatingProcessCommandLine: f.kind === 'process' ? svcPath(f) : f.text,
    InitiatingProcessParentFileName: 'services.exe', InitiatingProcessParentId: '680',
    InitiatingProcessParentCreationTime: '2026-10-01T00:00:01.0000000Z', InitiatingProcessSHA256: hex64(f.pid % 251),
  };
  const base: Row = { Timestamp: t, DeviceName: f.host, ReportId: String(1000 + i) };
  switch (f.kind) {
    case 'process':
      return {
        table: 'DeviceProcessEvents',
        row: {
          ...base, ...svc, ActionType: 'ProcessCreated', FileName: 'cmd.exe', FolderPath: 'C:\\Windows\\System32\\cmd.exe',
          ProcessId: String(f.pid + 1), ProcessCreationTime: t, ProcessCommandLine: f.text, AccountDomain: 'nt authority',
          AccountName: f.name,
        },
      };
    case 'network':
      return {
        table: 'DeviceNetworkEvents',
        row: { ...base, ...svc, ActionType: 'ConnectionSuccess', RemoteIP: `192.0.2.${f.port % 255}`, RemotePort: String(f.port), RemoteUrl: f.text, LocalIP: '10.0.0.5', LocalPort: '50123', Protocol: 'Tcp' },
      };
    case 'file':
      return { table: 'DeviceFileEvents', row: { ...base, ...svc, ActionType: 'FileCreated', FolderPath: `C:\\Temp\\${f.name}`, FileName: f.text.replace(/[\r\n]/g, '') || 'x' } };
    case 'image':
      return { table: 'DeviceImageLoadEvents', row: { ...base, ...svc, ActionType: 'ImageLoaded', FolderPath: `C:\\Temp\\${f.name}.dll`, FileName: `${f.name}.dll`, SHA256: hex64(i) } };
    case 'service':
      return {
        table: 'DeviceEvents',
        row: {
          ...base, ...svc, ActionType: 'ServiceInstalled', FolderPath: svcPath(f), FileName: `${f.name}.exe`,
          AdditionalFields: JSON.stringify({ ServiceName: f.text, ServiceAccount: 'LocalSystem', ServiceStartType: 3 }),
        },
      };
    case 'end':
    case 'unused':
      return { table: 'DeviceRegistryEvents', row: { ...base, ...svc, ActionType: 'RegistryValueSet', FileName: f.text } };
    case 'bad':
      // No DeviceName: a bad record with a reason.
      return { table: 'DeviceProcessEvents', row: { ...base, ...svc, DeviceName: '', ActionType: 'ProcessCreated', FileName: 'x.exe', ProcessId: '1', ProcessCommandLine: f.text } };
  }
}

function usTime(iso: string): string {
  const d = new Date(iso.slice(0, 23) + 'Z');
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${hh}:${mm}:${ss}.${iso.slice(20, 23)} ${h < 12 ? 'AM' : 'PM'}`;
}

function csvLine(cells: string[]): string {
  return Papa.unparse([cells], { newline: '\r\n' });
}

export function defenderCsv(facts: Fact[], sentinel: boolean): TextInput {
  const b = new TextBuilder();
  const columns = [...DEFENDER_COLUMNS];
  if (sentinel) b.add('\uFEFF');
  b.add(csvLine(columns.map((c) => (sentinel && DEFENDER_TIMES.has(c) ? `${c} [UTC]` : c))) + '\r\n');
  facts.forEach((f, i) => {
    const { row } = defenderRow(f, i);
    b.record(csvLine(columns.map((c) => {
      const v = row[c] ?? '';
      return sentinel && DEFENDER_TIMES.has(c) && v !== '' ? usTime(v) : v;
    })));
    b.add('\r\n');
  });
  return b.build(sentinel ? 'sentinel-csv' : 'defender-csv', 'lines', '.csv');
}

// ---------------------------------------------------------------------------------
// Elastic documents (NDJSON, Kibana CSV, arrays, _search responses, pipeline events)

type Json = Record<string, unknown>;

function ecsDoc(f: Fact, i: number): Json {
  const ts = isoAt(i).slice(0, 23) + 'Z';
  const host: Json = { name: f.host, os: { family: 'windows' } };
  const proc: Json = { pid: f.pid, entity_id: `ent-${f.pid}`, executable: svcPath(f), name: `${f.name}.exe` };
  switch (f.kind) {
    case 'process':
      return {
        '@timestamp': ts, host, event: { category: ['process'], type: ['start'], action: 'start' },
        process: { pid: f.pid + 1, entity_id: `ent-${f.pid}-${i}`, executable: 'C:\\Windows\\System32\\cmd.exe', command_line: f.text, hash: { sha256: hex64(i) }, parent: { pid: f.pid, entity_id: `ent-${f.pid}`, name: 'services.exe', executable: 'C:\\Windows\\System32\\services.exe' } },
        user: { name: f.name, domain: 'CORP' },
      };
    case 'network':
      return { '@timestamp': ts, host, event: { category: ['network'], action: 'connection_attempted' }, process: proc, destination: { ip: `192.0.2.${f.port % 255}`, port: f.port, domain: f.text }, network: { direction: 'egress', transport: 'tcp' } };
    case 'file':
      return { '@timestamp': ts, host, event: { category: ['file'], type: ['creation'], action: 'creation' }, process: proc, file: { path: `C:\\Temp\\${f.text}` } };
    case 'image':
      return { '@timestamp': ts, host, event: { category: ['library'], action: 'load' }, process: proc, dll: { path: `C:\\Temp\\${f.text}.dll`, code_signature: { trusted: false } } };
    case 'end':
      return { '@timestamp': ts, host, event: { category: ['process'], type: ['end'] }, process: proc };
    case 'service':
      // A Linux host: the ES|QL seed filters it out, counted as skipped.
      return { '@timestamp': ts, host: { name: f.host, os: { family: 'linux' } }, event: { category: ['process'], type: ['start'] }, process: proc };
    case 'unused':
      return { '@timestamp': ts, host, event: { category: ['registry'] }, registry: { path: f.text } };
    case 'bad':
      return { '@timestamp': ts, event: { category: ['process'], type: ['start'] }, process: { ...proc, command_line: f.text } };
  }
}

function defenderStreaming(f: Fact, i: number): Json {
  const { row, table } = defenderRow(f, i);
  const props: Json = {};
  for (const [k, v] of Object.entries(row)) if (v !== '') props[k] = /Id$|Port$/.test(k) && /^\d+$/.test(v) ? Number(v) : v;
  return { time: row['Timestamp'], tenantId: 't-1', operationName: 'Publish', category: `AdvancedHunting-${table}`, properties: props };
}

/** Security-Datasets flattened events; TimeCreated is local time (UTC+2), Sysmon carries UtcTime. */
function securityDatasets(f: Fact, i: number): Json {
  const utc = new Date(Date.UTC(2026, 9, 20, 9, 0, 0) + i * 61_000);
  const local = new Date(utc.getTime() + 120 * 60_000);
  const text = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');
  const sysmon = (id: number, data: Json): Json => ({
    EventID: id, SourceName: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: f.host,
    TimeCreated: text(local), UtcTime: text(utc), ProcessGuid: `{5101cf11-0000-0000-0000-${String(f.pid).padStart(12, '0')}}`,
    ProcessId: String(f.pid), Image: svcPath(f), RecordNumber: 100 + i, ...data,
  });
  switch (f.kind) {
    case 'process':
      return sysmon(1, { CommandLine: f.text, ParentImage: 'C:\\Windows\\System32\\services.exe', ParentProcessGuid: '{5101cf11-0000-0000-0000-000000000680}', User: f.name, Hashes: `SHA256=${hex64(i).toUpperCase()}` });
    case 'network':
      return sysmon(3, { Initiated: 'true', DestinationIp: `192.0.2.${f.port % 255}`, DestinationPort: String(f.port), DestinationHostname: f.text, SourceIp: '10.0.0.5', SourcePort: '50000', Protocol: 'tcp' });
    case 'file':
      return sysmon(11, { TargetFilename: `C:\\Temp\\${f.text}` });
    case 'image':
      return sysmon(7, { ImageLoaded: `C:\\Temp\\${f.text}.dll`, Signed: 'false', SignatureStatus: 'Unavailable' });
    case 'end':
      return sysmon(5, {});
    case 'service':
      return { EventID: 7045, SourceName: 'Service Control Manager', Channel: 'System', Hostname: f.host, TimeCreated: text(local), ServiceName: f.text, ImagePath: svcPath(f), AccountName: 'LocalSystem', StartType: 'demand start', ServiceType: 'user mode service', RecordNumber: 100 + i };
    case 'unused':
      return sysmon(13, { TargetObject: `HKLM\\${f.text}`, Details: 'DWORD (0x00000001)' });
    case 'bad':
      return { EventID: 4688, SourceName: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', Hostname: f.host, TimeCreated: `not a time ${f.name}`, NewProcessName: f.text, RecordNumber: 100 + i };
  }
}

function winlogbeat(f: Fact, i: number): Json {
  const ts = isoAt(i);
  const winlog = (channel: string, provider: string, id: number, data: Json): Json => ({
    '@timestamp': ts, host: { name: f.host }, event: { code: String(id), kind: 'event' },
    winlog: { channel, provider_name: provider, event_id: id, computer_name: f.host, record_id: 5000 + i, event_data: data },
  });
  const sysmon = (id: number, data: Json) => winlog('Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', id, {
    ProcessGuid: `{5101cf11-0000-0000-0000-${String(f.pid).padStart(12, '0')}}`, ProcessId: String(f.pid), Image: svcPath(f), UtcTime: ts.slice(0, 23).replace('T', ' '), ...data,
  });
  switch (f.kind) {
    case 'process':
      return { ...winlog('Security', 'Microsoft-Windows-Security-Auditing', 4688, { NewProcessName: svcPath(f), NewProcessId: `0x${f.pid.toString(16)}`, CommandLine: f.text, ParentProcessName: 'C:\\Windows\\System32\\services.exe', ProcessId: '0x2a8', TargetUserName: f.name, TargetDomainName: 'CORP' }), process: { command_line: f.text } };
    case 'network':
      return sysmon(3, { Initiated: 'true', DestinationIp: `192.0.2.${f.port % 255}`, DestinationPort: String(f.port), DestinationHostname: f.text });
    case 'file':
      return sysmon(11, { TargetFilename: `C:\\Temp\\${f.text}` });
    case 'image':
      return sysmon(7, { ImageLoaded: `C:\\Temp\\${f.text}.dll`, Signed: 'false' });
    case 'end':
      return sysmon(5, {});
    case 'service':
      return winlog('Security', 'Microsoft-Windows-Security-Auditing', 4697, { ServiceName: f.text, ServiceFileName: svcPath(f), ServiceAccount: 'LocalSystem' });
    case 'unused':
      return winlog('Security', 'Microsoft-Windows-Security-Auditing', 4624, { TargetUserName: f.text });
    case 'bad':
      return { '@timestamp': ts, host: { name: f.host }, winlog: { channel: 'Security', event_id: `x${f.name}` } };
  }
}

function ndjson(importer: string, docs: Json[], crlf: boolean): TextInput {
  const b = new TextBuilder();
  docs.forEach((d, i) => {
    b.record(JSON.stringify(d));
    if (i < docs.length - 1 || crlf) b.add(crlf ? '\r\n' : '\n');
  });
  return b.build(importer, 'lines', '.ndjson');
}

export const ndjsonElastic = (facts: Fact[], crlf = false) => ndjson('ndjson-elastic', facts.map(ecsDoc), crlf);
export const ndjsonDefenderStreaming = (facts: Fact[]) => ndjson('ndjson-defender-streaming', facts.map(defenderStreaming), false);
export const ndjsonWinlogbeat = (facts: Fact[]) => ndjson('ndjson-winlogbeat', facts.map(winlogbeat), false);
/** Security-Datasets: at least eight Sysmon pairs first, so one damaged record cannot outvote the offset. */
export function ndjsonSecurityDatasets(facts: Fact[]): TextInput {
  const pairs: Fact[] = Array.from({ length: 8 }, (_, k) => ({ kind: 'process', host: 'WORKSTATION5', text: `C:\\w\\p${k}.exe -x`, name: `p${k}`, pid: 3000 + k, port: 1 }));
  return ndjson('ndjson-security-datasets', [...pairs, ...facts].map(securityDatasets), false);
}

function flatten(o: Json, prefix = '', out: Json = {}): Json {
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Json, `${prefix}${k}.`, out);
    else out[prefix + k] = v;
  }
  return out;
}

const KIBANA_COLUMNS = [
  '@timestamp', 'host.name', 'host.os.family', 'event.category', 'event.type', 'event.action', 'process.pid', 'process.entity_id',
  'process.name', 'process.executable', 'process.command_line', 'process.hash.sha256', 'process.parent.pid', 'process.parent.entity_id',
  'process.parent.name', 'process.parent.executable', 'user.name', 'user.domain', 'destination.ip', 'destination.port',
  'destination.domain', 'network.direction', 'file.path', 'dll.path', 'registry.path',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function kibanaCsv(facts: Fact[]): TextInput {
  const b = new TextBuilder();
  b.add(csvLine(KIBANA_COLUMNS) + '\n');
  facts.forEach((f, i) => {
    const doc = flatten(ecsDoc(f, i));
    const d = new Date(String(doc['@timestamp']));
    doc['@timestamp'] = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} @ ${d.toISOString().slice(11, 23)}`;
    b.record(csvLine(KIBANA_COLUMNS.map((c) => {
      const v = doc[c];
      return v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
    })));
    b.add('\n');
  });
  return b.build('kibana-csv', 'lines', '.csv');
}

/** A pretty-printed document whose records are the elements of one array. */
function document(importer: string, open: string, elements: Json[], close: string): TextInput {
  const b = new TextBuilder();
  b.add(open);
  elements.forEach((e, i) => {
    b.record(JSON.stringify(e, null, 2).replace(/\n/g, '\n    '));
    b.add(i < elements.length - 1 ? ',\n    ' : '\n');
  });
  b.add(close);
  return b.build(importer, 'document', '.json');
}

export const jsonArray = (facts: Fact[]) => document('json-array', '[\n    ', facts.map(ecsDoc), ']\n');
export const searchResponse = (facts: Fact[]) => document(
  'search-response', '{\n  "took": 3,\n  "timed_out": false,\n  "hits": {\n  "total": { "value": ' + facts.length + ' },\n  "hits": [\n    ',
  facts.map((f, i) => ({ _index: 'logs-endpoint', _id: `id-${i}`, _score: 1, _source: ecsDoc(f, i) })), '  ]\n  }\n}\n',
);
export function defenderApi(facts: Fact[]): TextInput {
  const rows = facts.map((f, i) => {
    const { row } = defenderRow(f, i);
    return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
  });
  const schema = JSON.stringify(DEFENDER_COLUMNS.map((name) => ({ name, type: 'String' })));
  return document('defender-api', `{\n  "schema": ${schema},\n  "results": [\n    `, rows, '  ]\n}\n');
}
export const pipelineEvents = (facts: Fact[]) => document('pipeline-events', '{\n  "events": [\n    ', facts.map(winlogbeat), '  ]\n}\n');

/** Every text importer, by name: how to build a clean file from facts. */
export const TEXT_IMPORTERS: ReadonlyArray<{ name: string; build: (facts: Fact[]) => TextInput }> = [
  { name: 'defender-csv', build: (f) => defenderCsv(f, false) },
  { name: 'sentinel-csv', build: (f) => defenderCsv(f, true) },
  { name: 'kibana-csv', build: kibanaCsv },
  { name: 'ndjson-elastic', build: (f) => ndjsonElastic(f, f.length % 2 === 0) },
  { name: 'ndjson-defender-streaming', build: ndjsonDefenderStreaming },
  { name: 'ndjson-security-datasets', build: ndjsonSecurityDatasets },
  { name: 'ndjson-winlogbeat', build: ndjsonWinlogbeat },
  { name: 'json-array', build: jsonArray },
  { name: 'search-response', build: searchResponse },
  { name: 'defender-api', build: defenderApi },
  { name: 'pipeline-events', build: pipelineEvents },
];

// ---------------------------------------------------------------------------------
// EVTX (the fixture writer)

const SVC = 'C:\\Windows\\System32\\services.exe';
const guid = (n: number) => `{5101cf11-${String(n % 10_000).padStart(4, '0')}-0000-0000-${String(n).padStart(12, '0').slice(-12)}}`;

function evtxEvent(f: Fact, i: number): EventSpec {
  const o = { computer: f.host, time: isoAt(i) };
  const text = f.text.replace(/\u0000/g, '');
  const image = svcPath(f);
  const common = { ProcessGuid: guid(f.pid), ProcessId: f.pid, Image: image };
  switch (f.kind) {
    case 'process':
    case 'bad':
      return sysmonProcessCreate(o, {
        ...common, FileVersion: '-', Description: '-', Product: '-', Company: '-', CommandLine: text, CurrentDirectory: 'C:\\',
        User: f.name, LogonGuid: '{00000000-0000-0000-0000-0000000003e7}', LogonId: 0x3e7, TerminalSessionId: 0, IntegrityLevel: 'System',
        Hashes: `SHA256=${hex64(i).toUpperCase()}`, ParentProcessGuid: guid(680), ParentProcessId: 680, ParentImage: SVC, ParentCommandLine: SVC,
      });
    case 'network':
      return sysmonNetworkConnect(o, {
        ...common, User: f.name, Protocol: 'tcp', Initiated: true, SourceIsIpv6: false, SourceIp: '10.0.0.5', SourceHostname: '-',
        SourcePort: 50_000, SourcePortName: '-', DestinationIsIpv6: false, DestinationIp: `192.0.2.${f.port % 255}`, DestinationHostname: text,
        DestinationPort: f.port, DestinationPortName: '-',
      });
    case 'file':
      return sysmonFileCreate(o, { ...common, TargetFilename: `C:\\Temp\\${text}`, CreationUtcTime: isoAt(i).slice(0, 23).replace('T', ' ') });
    case 'image':
      return sysmonImageLoad(o, {
        ...common, ImageLoaded: `C:\\Temp\\${text}.dll`, FileVersion: '-', Description: '-', Product: '-', Company: '-',
        Hashes: `SHA256=${hex64(i)}`, Signed: false, Signature: '-', SignatureStatus: 'Unavailable',
      });
    case 'service':
      return system7045(o, { ServiceName: text, ImagePath: image, ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' });
    case 'end':
      return security4688v2(o, {
        SubjectUserSid: 'S-1-5-18', SubjectUserName: `${f.name}$`, SubjectDomainName: 'CORP', SubjectLogonId: 0x3e7, NewProcessId: f.pid,
        NewProcessName: image, TokenElevationType: '%%1936', ProcessId: 0x2a8, CommandLine: text, TargetUserSid: 'S-1-0-0',
        TargetUserName: '-', TargetDomainName: '-', TargetLogonId: 0, ParentProcessName: SVC, MandatoryLabel: 'S-1-16-16384',
      });
    case 'unused':
      return sysmonRegistryValueSet(o, { ...common, EventType: 'SetValue', TargetObject: `HKLM\\${text}`, Details: 'DWORD (0x00000001)' });
  }
}

/** A valid log of several chunks (`perChunk` records each), mixed Sysmon, Security and System records. */
export function evtxInput(facts: Fact[], perChunk: number): EvtxInput {
  const bytes = evtxBytes(facts.map(evtxEvent), { recordsPerChunk: perChunk });
  return { importer: 'evtx-fixture', bytes, chunks: Math.ceil(facts.length / perChunk) };
}
