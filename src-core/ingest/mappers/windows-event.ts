// Windows events (Sysmon, Security, System) → hunt events. The one place that knows
// their EventData names; EVTX, Winlogbeat and Security-Datasets records all come
// through here as a WinEvent (spec section 1; issue 3's list of event ids).
import type {
  FileEvent, ImageLoadEvent, Iso7, NetworkEvent, ProcessEndEvent,
  ProcessStartEvent, ServiceInstallEvent,
} from '../../model/events.js';
import { parseTime } from '../../normalize/time.js';
import {
  NO_HASHES, baseName, clean, guidKey, joinUser, parseBool, parsePid, parsePort,
  parseSysmonHashes, pidTimeKey, signatureFrom,
} from '../../normalize/values.js';
import { RecordError, skip, type MapResult } from './types.js';

export interface WinEvent {
  eventId: number;
  provider: string | null;
  channel: string | null;
  computer: string | null;
  /** The record's own time (System/TimeCreated), already in UTC. */
  time: Iso7;
  recordId: string | null;
  /** EventData/UserData values by name. */
  data: Readonly<Record<string, unknown>>;
  /** Where the record is in its file, e.g. `record 12 (chunk 0)` or `line 7`. */
  ref: string;
  /** Duplicate key; mappers of EVTX pass host+channel+record id, JSON passes its own. */
  dedupeKey: string | null;
}

export type WinFamily = 'sysmon' | 'security' | 'system' | 'other';

export function winFamily(provider: string | null, channel: string | null): WinFamily {
  const p = (provider ?? '').toLowerCase();
  const c = (channel ?? '').toLowerCase();
  if (p === 'microsoft-windows-sysmon' || c === 'microsoft-windows-sysmon/operational') return 'sysmon';
  if (p === 'microsoft-windows-security-auditing' || c === 'security') return 'security';
  if (p === 'service control manager' || c === 'system') return 'system';
  return 'other';
}

/** The event ids each family maps; everything else is counted as skipped. */
const USED: Record<WinFamily, ReadonlySet<number>> = {
  sysmon: new Set([1, 3, 5, 7, 11, 22, 23, 26]),
  security: new Set([4688, 4689, 4697]),
  system: new Set([7045]),
  other: new Set(),
};

/** Cheap pre-check (before rendering a record): does the hunt use this event? */
export function isUsedWinEvent(eventId: number, provider: string | null, channel: string | null): boolean {
  return USED[winFamily(provider, channel)].has(eventId);
}

const FAMILY_LABEL: Record<WinFamily, string | null> = { sysmon: 'Sysmon', security: 'Security', system: 'System', other: null };

/** The import log's reason for an event the hunt does not use (one wording everywhere). */
export function unusedReason(eventId: number | null, provider: string | null, channel: string | null): string {
  const label = FAMILY_LABEL[winFamily(provider, channel)] ?? (channel || provider || 'unknown channel');
  return `${label} event ${eventId ?? '(no id)'}: not used by the hunt`;
}

function str(d: Readonly<Record<string, unknown>>, name: string): string | null {
  return clean(d[name]);
}

/** Sysmon's own UTC time (`2020-10-19 07:30:46.435`); falls back to the record time. */
function sysmonTime(e: WinEvent): Iso7 {
  const t = parseTime(e.data['UtcTime']);
  return t ? t.iso : e.time;
}

function common(e: WinEvent, source: string, time: Iso7) {
  if (e.computer === null || e.computer.trim() === '') throw new RecordError('no computer name');
  return { host: e.computer, time, source, ref: e.ref, dedupeKey: e.dedupeKey };
}

function sysmon(e: WinEvent): MapResult {
  const d = e.data;
  const src = `sysmon:${e.eventId}`;
  const time = sysmonTime(e);
  const proc = guidKey(d['ProcessGuid']) ?? pidTimeKey(parsePid(d['ProcessId']), null);
  const actor = { proc, pid: parsePid(d['ProcessId']), path: str(d, 'Image') };
  switch (e.eventId) {
    case 1: {
      const path = str(d, 'Image');
      const pid = parsePid(d['ProcessId']);
      const parentPath = str(d, 'ParentImage');
      const ev: ProcessStartEvent = {
        kind: 'process', ...common(e, src, time),
        proc: guidKey(d['ProcessGuid']) ?? pidTimeKey(pid, time),
        pid, path, name: baseName(path), commandLine: str(d, 'CommandLine'), user: str(d, 'User'),
        hashes: parseSysmonHashes(d['Hashes']), signature: 'unknown', signer: null,
        parent: {
          proc: guidKey(d['ParentProcessGuid']), pid: parsePid(d['ParentProcessId']), path: parentPath,
          name: baseName(parentPath), commandLine: str(d, 'ParentCommandLine'),
        },
        security4688: false,
      };
      return { items: [ev] };
    }
    case 3: {
      // Spec 7.10: the remote side is Destination*, or Source* when Initiated is false.
      const initiated = parseBool(d['Initiated']);
      const remote = initiated === false ? 'Source' : 'Destination';
      const local = initiated === false ? 'Destination' : 'Source';
      const ev: NetworkEvent = {
        kind: 'network', ...common(e, src, time), ...actor,
        action: initiated === false ? 'inbound connection' : 'outbound connection',
        protocol: str(d, 'Protocol'),
        remoteIp: str(d, `${remote}Ip`), remotePort: parsePort(d[`${remote}Port`]),
        remoteName: str(d, `${remote}Hostname`),
        localIp: str(d, `${local}Ip`), localPort: parsePort(d[`${local}Port`]),
        direction: initiated === false ? 'inbound' : initiated === true ? 'outbound' : null,
      };
      return { items: [ev] };
    }
    case 22: {
      const ev: NetworkEvent = {
        kind: 'network', ...common(e, src, time), ...actor,
        action: 'dns query', protocol: 'dns', remoteIp: null, remotePort: null,
        remoteName: str(d, 'QueryName'), localIp: null, localPort: null, direction: 'outbound',
      };
      return { items: [ev] };
    }
    case 5: {
      const ev: ProcessEndEvent = { kind: 'end', ...common(e, src, time), ...actor };
      return { items: [ev] };
    }
    case 7: {
      const dll = str(d, 'ImageLoaded');
      if (dll === null) throw new RecordError('Sysmon 7 without ImageLoaded');
      const ev: ImageLoadEvent = {
        kind: 'image', ...common(e, src, time), ...actor,
        dllPath: dll, hashes: parseSysmonHashes(d['Hashes']), signed: parseBool(d['Signed']),
        signature: signatureFrom(undefined, d['SignatureStatus']), signer: str(d, 'Signature'),
      };
      return { items: [ev] };
    }
    case 11:
    case 23:
    case 26: {
      const target = str(d, 'TargetFilename');
      if (target === null) throw new RecordError(`Sysmon ${e.eventId} without TargetFilename`);
      const ev: FileEvent = {
        kind: 'file', ...common(e, src, time), ...actor,
        action: e.eventId === 11 ? 'created' : e.eventId === 23 ? 'deleted (archived)' : 'deleted',
        targetPath: target, hashes: e.eventId === 11 ? NO_HASHES : parseSysmonHashes(d['Hashes']),
      };
      return { items: [ev] };
    }
    default:
      return skip(unusedReason(e.eventId, e.provider, e.channel));
  }
}

/** 4688's new-process account: the Target subject when logged (v2), else the Subject. */
function user4688(d: Readonly<Record<string, unknown>>): string | null {
  const target = str(d, 'TargetUserName');
  if (target !== null) return joinUser(d['TargetDomainName'], target);
  return joinUser(d['SubjectDomainName'], d['SubjectUserName']);
}

function security(e: WinEvent): MapResult {
  const d = e.data;
  const src = `security:${e.eventId}`;
  switch (e.eventId) {
    case 4688: {
      // Spec 7.2: the start is the record time. PIDs are hex (0x1c58). Version 0/1 have
      // no ParentProcessName: the parent is resolved from the creator pid later.
      const pid = parsePid(d['NewProcessId']);
      const path = str(d, 'NewProcessName');
      const parentPath = str(d, 'ParentProcessName');
      const ev: ProcessStartEvent = {
        kind: 'process', ...common(e, src, e.time),
        proc: pidTimeKey(pid, e.time), pid, path, name: baseName(path),
        commandLine: str(d, 'CommandLine'), user: user4688(d),
        hashes: NO_HASHES, signature: 'unknown', signer: null,
        parent: { proc: null, pid: parsePid(d['ProcessId']), path: parentPath, name: baseName(parentPath), commandLine: null },
        security4688: true,
      };
      return { items: [ev] };
    }
    case 4689: {
      const ev: ProcessEndEvent = {
        kind: 'end', ...common(e, src, e.time), proc: null, pid: parsePid(d['ProcessId']), path: str(d, 'ProcessName'),
      };
      return { items: [ev] };
    }
    case 4697: {
      const ev: ServiceInstallEvent = {
        kind: 'service', ...common(e, src, e.time),
        serviceName: str(d, 'ServiceName'), imagePath: str(d, 'ServiceFileName'),
        account: str(d, 'ServiceAccount'), startType: str(d, 'ServiceStartType'), serviceType: str(d, 'ServiceType'),
      };
      return { items: [ev] };
    }
    default:
      return skip(unusedReason(e.eventId, e.provider, e.channel));
  }
}

function system(e: WinEvent): MapResult {
  if (e.eventId !== 7045) return skip(unusedReason(e.eventId, e.provider, e.channel));
  const d = e.data;
  const ev: ServiceInstallEvent = {
    kind: 'service', ...common(e, 'system:7045', e.time),
    serviceName: str(d, 'ServiceName'), imagePath: str(d, 'ImagePath'),
    account: str(d, 'AccountName'), startType: str(d, 'StartType'), serviceType: str(d, 'ServiceType'),
  };
  return { items: [ev] };
}

export function mapWinEvent(e: WinEvent): MapResult {
  switch (winFamily(e.provider, e.channel)) {
    case 'sysmon':
      return sysmon(e);
    case 'security':
      return security(e);
    case 'system':
      return system(e);
    default:
      return skip(unusedReason(e.eventId, e.provider, e.channel));
  }
}

