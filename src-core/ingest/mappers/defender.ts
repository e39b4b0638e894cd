// Microsoft Defender for Endpoint advanced hunting rows (portal/Sentinel CSV, Graph
// and legacy API JSON, Streaming API) → hunt events. Column semantics: a row's
// InitiatingProcess* columns are the process that acted, InitiatingProcessParent* its
// parent; in DeviceProcessEvents the row's own Process*/FileName columns are the new
// process. A row whose InitiatingProcessParentFileName is services.exe is therefore
// an action of a service process (spec section 2), which we record as an implied
// process next to the event.
import type {
  FileEvent, ImageLoadEvent, ImpliedProcess, MappedItem, NetworkEvent, ProcessStartEvent,
  ServiceInstallEvent, Signature,
} from '../../model/events.js';
import { parseTime } from '../../normalize/time.js';
import {
  baseName, clean, joinFolder, joinUser, makeHashes, parsePid, parsePort, pidTimeKey, signatureFrom,
} from '../../normalize/values.js';
import { RecordError, skip, type MapResult } from './types.js';

export type DefenderRow = Readonly<Record<string, unknown>>;

export type DefenderTable =
  | 'DeviceProcessEvents' | 'DeviceNetworkEvents' | 'DeviceFileEvents'
  | 'DeviceImageLoadEvents' | 'DeviceEvents';

const FILE_ACTIONS = new Set(['filecreated', 'filemodified', 'filedeleted', 'filerenamed']);
/** DeviceNetworkEvents ActionTypes, for union exports that do not name the table. */
const NETWORK_ACTION = /^(connection|inboundconnection|listeningconnection|networksignatureinspected)|connectioninspected$/;

/** Column names as exported by Sentinel/Log Analytics carry a zone: `Timestamp [UTC]`. */
export function defenderColumn(name: string): string {
  return name.replace(/\s*\[(UTC|Local Time)\]\s*$/i, '').trim();
}

export function looksLikeDefenderColumns(columns: readonly string[]): boolean {
  const set = new Set(columns.map(defenderColumn));
  return set.has('DeviceName') && (set.has('ActionType') || set.has('InitiatingProcessFileName') || set.has('ReportId'));
}

/** Which kind of event a row is, from its table when known, else from ActionType. */
export function classifyDefender(row: DefenderRow, table: string | null): DefenderTable | null {
  const action = clean(row['ActionType'])?.toLowerCase() ?? null;
  const t = table ?? clean(row['Type']) ?? clean(row['$table']) ?? clean(row['TableName']);
  switch (t) {
    case 'DeviceProcessEvents':
      return action === null || action === 'processcreated' ? 'DeviceProcessEvents' : null;
    case 'DeviceNetworkEvents':
    case 'DeviceFileEvents':
    case 'DeviceImageLoadEvents':
      return t;
    case 'DeviceEvents':
      return action === 'serviceinstalled' ? 'DeviceEvents' : null;
    case undefined:
    case null:
      break;
    default:
      return null;
  }
  if (action === null) return null;
  if (action === 'processcreated') return 'DeviceProcessEvents';
  if (action === 'imageloaded') return 'DeviceImageLoadEvents';
  if (FILE_ACTIONS.has(action)) return 'DeviceFileEvents';
  if (action === 'serviceinstalled') return 'DeviceEvents';
  if (NETWORK_ACTION.test(action)) return 'DeviceNetworkEvents';
  return null;
}

function time(row: DefenderRow, column: string): string | null {
  return parseTime(row[column])?.iso ?? null;
}

function signatureOf(status: unknown, signerType: unknown): { signature: Signature; signer: string | null } {
  return { signature: signatureFrom(undefined, status), signer: clean(signerType) };
}

/** The InitiatingProcess* columns as an implied instance (`proc`: their process identity). */
function initiating(row: DefenderRow, host: string, ref: string, source: string, pid: number | null, created: string | null, proc: string | null): ImpliedProcess | null {
  if (proc === null || created === null) return null;
  const name = clean(row['InitiatingProcessFileName']);
  const parentName = clean(row['InitiatingProcessParentFileName']);
  return {
    kind: 'implied', host, time: created, source, ref, proc, pid,
    path: joinFolder(clean(row['InitiatingProcessFolderPath']), name),
    name,
    commandLine: clean(row['InitiatingProcessCommandLine']),
    user: joinUser(row['InitiatingProcessAccountDomain'], row['InitiatingProcessAccountName']),
    hashes: makeHashes(row['InitiatingProcessSHA256'], row['InitiatingProcessSHA1'], row['InitiatingProcessMD5']),
    ...signatureOf(row['InitiatingProcessSignatureStatus'], row['InitiatingProcessSignerType']),
    parent: {
      proc: pidTimeKey(parsePid(row['InitiatingProcessParentId']), time(row, 'InitiatingProcessParentCreationTime')),
      pid: parsePid(row['InitiatingProcessParentId']),
      path: null,
      name: parentName,
      commandLine: null,
    },
  };
}

function parseAdditional(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  const text = clean(value);
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Implied processes already handed out for this file (by host spelling and process key). */
export interface KnownImplied {
  has(host: string, proc: string): boolean;
}

export interface DefenderContext {
  ref: string;
  /** Used when the row has no ReportId: the caller's content key. */
  fallbackKey: string | null;
  /**
   * The parser drops an implied process it has handed out already (decision 71): one
   * known here is not built at all (decision 72). The event still names it as its actor.
   */
  known?: KnownImplied;
}

export function mapDefender(row: DefenderRow, table: string | null, ctx: DefenderContext): MapResult {
  const kind = classifyDefender(row, table);
  const actionText = clean(row['ActionType']);
  if (kind === null) {
    const where = table ?? clean(row['Type']) ?? 'Defender';
    return skip(`${where} ${actionText ?? 'row'}: not used by the hunt`);
  }
  const host = clean(row['DeviceName']);
  if (host === null) throw new RecordError('no DeviceName');
  const timestamp = time(row, 'Timestamp') ?? time(row, 'TimeGenerated');
  if (timestamp === null) throw new RecordError('bad or missing Timestamp', String(row['Timestamp'] ?? ''));
  const reportId = clean(row['ReportId']);
  // Spec section 1: same ReportId, host and time. The time to the millisecond: Sentinel
  // exports keep milliseconds only, and must meet the portal's export of the same rows.
  const dedupeKey = reportId !== null
    ? `defender|${reportId}|${host.toLowerCase().split('.')[0]}|${timestamp.slice(0, 23)}`
    : ctx.fallbackKey;
  const source = `defender:${kind}`;
  const base = { host, time: timestamp, source, ref: ctx.ref, dedupeKey };
  const actorPid = parsePid(row['InitiatingProcessId']);
  const actorCreated = time(row, 'InitiatingProcessCreationTime');
  const actorProc = pidTimeKey(actorPid, actorCreated);
  const actorImplied = actorProc !== null && ctx.known?.has(host, actorProc)
    ? null
    : initiating(row, host, ctx.ref, source, actorPid, actorCreated, actorProc);
  const actor = {
    proc: actorProc,
    pid: actorPid,
    path: joinFolder(clean(row['InitiatingProcessFolderPath']), clean(row['InitiatingProcessFileName'])),
  };
  const items: MappedItem[] = [];

  switch (kind) {
    case 'DeviceProcessEvents': {
      const pid = parsePid(row['ProcessId']);
      const created = time(row, 'ProcessCreationTime') ?? timestamp;
      const name = clean(row['FileName']);
      const ev: ProcessStartEvent = {
        kind: 'process', ...base, time: created,
        proc: pidTimeKey(pid, created), pid,
        path: joinFolder(clean(row['FolderPath']), name), name,
        commandLine: clean(row['ProcessCommandLine']),
        user: joinUser(row['AccountDomain'], row['AccountName']),
        hashes: makeHashes(row['SHA256'], row['SHA1'], row['MD5']),
        signature: 'unknown', signer: null,
        parent: {
          proc: actor.proc, pid: actor.pid, path: actor.path,
          name: clean(row['InitiatingProcessFileName']) ?? baseName(actor.path),
          commandLine: clean(row['InitiatingProcessCommandLine']),
        },
        security4688: false,
      };
      items.push(ev);
      break;
    }
    case 'DeviceNetworkEvents': {
      const inbound = /^inbound|^listening/i.test(actionText ?? '');
      const ev: NetworkEvent = {
        kind: 'network', ...base, ...actor, action: actionText, protocol: clean(row['Protocol']),
        remoteIp: clean(row['RemoteIP']), remotePort: parsePort(row['RemotePort']), remoteName: clean(row['RemoteUrl']),
        localIp: clean(row['LocalIP']), localPort: parsePort(row['LocalPort']),
        direction: inbound ? 'inbound' : 'outbound',
      };
      items.push(ev);
      break;
    }
    case 'DeviceFileEvents': {
      const target = joinFolder(clean(row['FolderPath']), clean(row['FileName']));
      if (target === null) throw new RecordError('file event without FolderPath or FileName');
      const ev: FileEvent = {
        kind: 'file', ...base, ...actor, action: actionText, targetPath: target,
        hashes: makeHashes(row['SHA256'], row['SHA1'], row['MD5']),
      };
      items.push(ev);
      break;
    }
    case 'DeviceImageLoadEvents': {
      const dll = joinFolder(clean(row['FolderPath']), clean(row['FileName']));
      if (dll === null) throw new RecordError('image load without FolderPath or FileName');
      const ev: ImageLoadEvent = {
        kind: 'image', ...base, ...actor, dllPath: dll,
        hashes: makeHashes(row['SHA256'], row['SHA1'], row['MD5']),
        signed: null, signature: 'unknown', signer: null,
      };
      items.push(ev);
      break;
    }
    case 'DeviceEvents': {
      const extra = parseAdditional(row['AdditionalFields']);
      const ev: ServiceInstallEvent = {
        kind: 'service', ...base,
        serviceName: clean(extra['ServiceName']),
        imagePath: joinFolder(clean(row['FolderPath']), clean(row['FileName'])),
        account: clean(extra['ServiceAccount']),
        startType: clean(extra['ServiceStartType']),
        serviceType: clean(extra['ServiceType']),
      };
      items.push(ev);
      break;
    }
  }
  if (actorImplied) items.push(actorImplied);
  return { items };
}
