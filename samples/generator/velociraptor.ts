// Velociraptor offline collections of the EVTX hosts: one zip per host, named and laid
// out as the offline collector writes them. Its Generic.Collectors.File run uploads the
// three logs under `uploads/auto/C%3A/…` (path components escaped as Velociraptor's
// SanitizeStringForZip does: `:` → `%3A`, `%` → `%25`, `/` → `%2F`), beside the
// collection's own files: client_info.json (the info() row: Hostname, Fqdn, …),
// collection_context.json, requests.json, log.json and uploads.json (JSON lines), and
// the artifact's result rows under results/. Deflated with yazl, with fixed DOS
// timestamps and no extended-timestamp field, so the bytes do not depend on the clock
// or the machine's time zone.
import { createHash } from 'node:crypto';
import { ZipFile } from 'yazl';
import type { HostTimeline } from './host-timeline.js';
import type { EvtxLogName } from './evtx-logs.js';
import { EVTX_FILE_NAMES, hostEvtx } from './evtx-logs.js';
import { iso7 } from './time.js';

export interface CollectionSpec {
  /** The demo host (its name in DEMO_HOSTS), as client_info.json's Hostname says it. */
  host: string;
  fqdn: string;
  /** The Computer field of every record of the host's logs. */
  computer: string;
  /** When the collector started, `YYYY-MM-DDTHH:MM:SSZ`. */
  collected: string;
  /** The collector's flow id. */
  flowId: string;
  /** Who ran the collector, from where. */
  runBy: string;
}

/**
 * The collected hosts. WKS-OPS10's logs name the computer by its FQDN; SRV-APP02's say
 * MINWINPC (the name Windows PE gives itself, as logs exported from an offline or
 * WinPE-mounted system disk can), so only its client_info.json tells which host it is.
 */
export const COLLECTIONS: readonly CollectionSpec[] = [
  {
    host: 'WKS-OPS10', fqdn: 'WKS-OPS10.contoso.local', computer: 'WKS-OPS10.contoso.local',
    collected: '2026-10-28T23:41:09Z', flowId: 'F.D4GQ1TMK8V0SE', runBy: 'C:\\Users\\adm-rmorales\\Desktop',
  },
  {
    host: 'SRV-APP02', fqdn: 'SRV-APP02.contoso.local', computer: 'MINWINPC',
    collected: '2026-10-28T23:52:37Z', flowId: 'F.D4GQ5B2N1HC7A', runBy: 'C:\\Users\\adm-rmorales\\Desktop',
  },
];

const COLLECTOR = 'Collector_velociraptor-v0.74.1-windows-amd64.exe';
const LOG_ORDER: readonly EvtxLogName[] = ['Security', 'System', 'Sysmon'];
const LOG_DIR = 'C:\\Windows\\System32\\winevt\\Logs';

/** The collector's default archive name, `Collection-%FQDN%-%TIMESTAMP%` with every character but [0-9A-Za-z-] made `_`. */
export function collectionFileName(c: CollectionSpec): string {
  return `Collection-${c.fqdn}-${c.collected}`.replace(/[^0-9A-Za-z-]/g, '_') + '.zip';
}

/** Velociraptor's escaping of one path component in a zip (SanitizeStringForZip). */
export function zipComponent(name: string): string {
  return name.replace(/[?"*:|<>%/\\]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The member a file of the host's C: drive is uploaded to (the auto accessor). */
export function uploadMember(windowsPath: string): string {
  return ['uploads', 'auto', ...windowsPath.split('\\').map(zipComponent)].join('/');
}

const ARTIFACT = 'Generic.Collectors.File';
const RESULTS = `results/${zipComponent(`${ARTIFACT}/All Matches Metadata`)}.json`;

/** The members every collection has besides its uploads (the importer lists them as not imported). */
export const COLLECTION_METADATA = ['client_info.json', 'collection_context.json', 'log.json', 'requests.json', 'uploads.json', RESULTS] as const;

const seconds = (iso: string) => Date.parse(iso) / 1000;
const isoSeconds = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const goTime = (s: number) => `${isoSeconds(s).replace('T', ' ').replace('Z', '')} +0000 UTC`;
const jsonl = (rows: readonly object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** A Date whose local-time fields are the UTC fields of second `s`: yazl writes DOS times from local fields. */
function dosTime(s: number): Date {
  const d = new Date(s * 1000);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function hostId(c: CollectionSpec): string {
  const h = createHash('sha256').update(`longtail-demo:hostid:${c.fqdn}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface Member {
  name: string;
  bytes: Buffer;
  /** Seconds since 1970 (written as the member's DOS time). */
  at: number;
}

/** The collection's members, in the order the collector writes them. */
export function collectionMembers(c: CollectionSpec, tl: HostTimeline): Member[] {
  const logs = hostEvtx(tl.activities, c.computer, tl.serviceNames);
  const start = seconds(c.collected);
  const paths = LOG_ORDER.map((log) => `${LOG_DIR}\\${EVTX_FILE_NAMES[log]}`);
  const uploads = LOG_ORDER.map((log, i) => ({ log, path: paths[i] ?? '', bytes: logs.files[log], at: start + 3 + i }));
  const total = uploads.reduce((n, u) => n + u.bytes.length, 0);
  const end = start + 7;

  const metadata = uploads.map((u) => ({
    Created: '2026-03-04T15:21:07.5566811Z', Changed: iso7(logs.lastWritten[u.log]), LastAccessed: isoSeconds(u.at),
    Modified: iso7(logs.lastWritten[u.log]), FileName: EVTX_FILE_NAMES[u.log], SourceFile: u.path, Size: u.bytes.length,
  }));
  const uploadRows = uploads.map((u) => ({
    Timestamp: isoSeconds(u.at), started: goTime(u.at), vfs_path: u.path,
    _Components: ['uploads', 'auto', ...u.path.split('\\')], file_size: u.bytes.length, uploaded_size: u.bytes.length, Type: '',
  }));
  const log = [
    { s: start, message: `Will collect package ${c.runBy}\\${collectionFileName(c)}` },
    { s: start + 1, message: `Starting collection of ${ARTIFACT}` },
    ...uploads.map((u) => ({ s: u.at, message: `Collecting file ${u.path} into /${uploadMember(u.path)} (${u.bytes.length} bytes)` })),
    { s: start + 6, message: `Collected ${uploads.length} rows for ${ARTIFACT}/All Matches Metadata` },
    { s: end, message: 'Collection completed' },
  ].map((l) => ({ _ts: l.s, client_time: l.s, level: 'DEFAULT', message: `${l.message}\n` }));
  const collectionSpec = ['Glob', ...paths.map((p) => p.slice(3).replaceAll('\\', '/'))].join('\n');
  const requests = {
    items: [{
      session_id: c.flowId, request_id: 1,
      VQLClientAction: {
        query_id: 1, total_queries: 1,
        env: [{ key: 'collectionSpec', value: collectionSpec }, { key: 'Root', value: 'C:' }, { key: 'Accessor', value: 'auto' }],
        Query: [
          { VQL: `LET Generic_Collectors_File_0_0 = SELECT * FROM Artifact.${ARTIFACT}(collectionSpec=collectionSpec, Root=Root, Accessor=Accessor)` },
          { Name: `${ARTIFACT}/All Matches Metadata`, VQL: 'SELECT * FROM Generic_Collectors_File_0_0' },
        ],
        max_row: 1000,
      },
    }],
  };
  const ns = (s: number) => s * 1_000_000_000;
  const context = {
    client_id: 'auto', session_id: c.flowId,
    request: { artifacts: [ARTIFACT], specs: [{ artifact: ARTIFACT, parameters: { env: requests.items[0]?.VQLClientAction.env } }] },
    create_time: ns(start), start_time: ns(start), active_time: ns(end),
    total_uploaded_files: uploads.length, total_expected_uploaded_bytes: total, total_uploaded_bytes: total,
    total_collected_rows: uploads.length, total_logs: log.length, state: 2,
    artifacts_with_results: [`${ARTIFACT}/All Matches Metadata`],
    query_stats: [{ status: 1, names_with_response: [`${ARTIFACT}/All Matches Metadata`], log_rows: log.length, result_rows: uploads.length }],
  };
  const info = {
    Hostname: c.host, OS: 'windows',
    Platform: c.host.startsWith('SRV-') ? 'Microsoft Windows Server 2022 Standard' : 'Microsoft Windows 11 Enterprise',
    PlatformFamily: c.host.startsWith('SRV-') ? 'Server' : 'Standalone Workstation',
    PlatformVersion: c.host.startsWith('SRV-') ? '10.0.20348 Build 20348' : '10.0.22621.4317 Build 22621.4317',
    KernelVersion: c.host.startsWith('SRV-') ? '10.0.20348 Build 20348' : '10.0.22621.4317 Build 22621.4317',
    VirtualizationSystem: '', VirtualizationRole: '', HostID: hostId(c), Exe: `${c.runBy}\\${COLLECTOR}`, CWD: c.runBy, IsAdmin: true,
    ClientStart: `${c.collected.slice(0, 19)}.2204871Z`, LocalTZ: 'CDT', LocalTZOffset: -18000, Fqdn: c.fqdn, Architecture: 'amd64',
  };
  const text = (name: string, s: string, at: number): Member => ({ name, bytes: Buffer.from(s, 'utf8'), at });
  return [
    ...uploads.map((u) => ({ name: uploadMember(u.path), bytes: u.bytes, at: u.at })),
    text(RESULTS, jsonl(metadata), start + 6),
    text('log.json', jsonl(log), end),
    text('uploads.json', jsonl(uploadRows), end),
    text('requests.json', JSON.stringify(requests, null, 1), end),
    text('collection_context.json', JSON.stringify(context, null, 1), end),
    text('client_info.json', JSON.stringify(info, null, 1), end),
  ];
}

/** The zip of the members: deflated, DOS timestamps only. */
export function zipMembers(members: readonly Member[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const m of members) {
    zip.addBuffer(m.bytes, m.name, { mtime: dosTime(m.at), mode: 0o100644, compressionLevel: 9, forceDosTimestamp: true });
  }
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (b: Buffer) => chunks.push(b));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}
