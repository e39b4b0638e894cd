// Windows events shipped by Winlogbeat or the Elastic Windows integration: the raw
// EventData is in `winlog.event_data`, minus what the pipeline moved to ECS fields
// (Winlogbeat's Sysmon 1 keeps only LogonGuid & co., the image is in process.*).
// We rebuild the raw EventData (raw values win) and reuse the Windows mapper, so a
// record means the same whether it came from EVTX, Winlogbeat or Security-Datasets.
import type { Iso7 } from '../../model/events.js';
import type { Doc } from './doc.js';
import { mapWinEvent, winFamily } from './windows-event.js';
import { RecordError, type MapResult } from './types.js';

type Fill = Record<string, (doc: Doc) => unknown>;

function hashes(prefix: string) {
  return (doc: Doc): string | null => {
    const parts: string[] = [];
    for (const [algo, key] of [['SHA1', 'sha1'], ['MD5', 'md5'], ['SHA256', 'sha256']] as const) {
      const v = doc.str(`${prefix}.${key}`);
      if (v !== null) parts.push(`${algo}=${v}`);
    }
    return parts.length ? parts.join(',') : null;
  };
}

const at = (...paths: string[]) => (doc: Doc) => doc.first(...paths);
const user = (doc: Doc) => {
  const name = doc.str('user.name');
  const domain = doc.str('user.domain');
  return name === null ? null : domain === null ? name : `${domain}\\${name}`;
};
const initiated = (doc: Doc) => {
  const dir = doc.str('network.direction')?.toLowerCase();
  if (dir === 'egress' || dir === 'outbound') return 'true';
  if (dir === 'ingress' || dir === 'inbound') return 'false';
  return null;
};

const actor: Fill = {
  Image: at('process.executable'),
  ProcessGuid: at('process.entity_id'),
  ProcessId: at('process.pid'),
  User: user,
};

const SYSMON_FILL: Record<number, Fill> = {
  1: {
    ...actor,
    CommandLine: at('process.command_line'),
    ParentImage: at('process.parent.executable'),
    ParentProcessGuid: at('process.parent.entity_id'),
    ParentProcessId: at('process.parent.pid'),
    ParentCommandLine: at('process.parent.command_line'),
    Hashes: hashes('process.hash'),
  },
  3: {
    ...actor,
    Protocol: at('network.transport'),
    Initiated: initiated,
    SourceIp: at('source.ip'), SourcePort: at('source.port'), SourceHostname: at('source.domain'),
    DestinationIp: at('destination.ip'), DestinationPort: at('destination.port'),
    DestinationHostname: at('destination.domain'),
  },
  5: actor,
  7: {
    ...actor,
    ImageLoaded: at('file.path', 'dll.path'),
    Hashes: hashes('file.hash'),
    Signed: at('file.code_signature.exists'),
    SignatureStatus: at('file.code_signature.status'),
    Signature: at('file.code_signature.subject_name'),
  },
  11: { ...actor, TargetFilename: at('file.path') },
  22: { ...actor, QueryName: at('dns.question.name') },
  23: { ...actor, TargetFilename: at('file.path'), Hashes: hashes('file.hash') },
  26: { ...actor, TargetFilename: at('file.path'), Hashes: hashes('file.hash') },
};

const SECURITY_FILL: Record<number, Fill> = {
  4688: {
    NewProcessName: at('process.executable'),
    NewProcessId: at('process.pid'),
    CommandLine: at('process.command_line'),
    ParentProcessName: at('process.parent.executable'),
    ProcessId: at('process.parent.pid'),
  },
  4689: { ProcessName: at('process.executable'), ProcessId: at('process.pid') },
  4697: { ServiceName: at('service.name') },
};

const SYSTEM_FILL: Record<number, Fill> = {
  7045: { ServiceName: at('service.name') },
};

export function isWinlogDoc(doc: Doc): boolean {
  return (doc.has('winlog.event_id') || doc.has('winlog.channel')) && (doc.has('winlog.event_id') || doc.has('event.code'));
}

export interface WinlogContext {
  time: Iso7;
  ref: string;
  dedupeKey: string | null;
}

export function mapWinlog(doc: Doc, ctx: WinlogContext): MapResult {
  const idText = doc.first('winlog.event_id', 'event.code');
  const eventId = idText === null ? NaN : Number(idText);
  if (!Number.isInteger(eventId)) throw new RecordError('winlog event without a numeric event id');
  const provider = doc.first('winlog.provider_name', 'event.provider');
  const channel = doc.first('winlog.channel');
  const family = winFamily(provider, channel);
  const fill = (family === 'sysmon' ? SYSMON_FILL : family === 'security' ? SECURITY_FILL : SYSTEM_FILL)[eventId] ?? {};
  const data: Record<string, unknown> = {};
  for (const [name, get] of Object.entries(fill)) {
    const v = get(doc);
    if (v !== null && v !== undefined) data[name] = v;
  }
  Object.assign(data, doc.subtree('winlog.event_data'));
  // Sysmon's UtcTime is @timestamp in both pipelines when the raw field was dropped.
  if (family === 'sysmon' && data['UtcTime'] === undefined) data['UtcTime'] = ctx.time;
  return mapWinEvent({
    eventId,
    provider,
    channel,
    computer: doc.first('winlog.computer_name', 'host.name', 'host.hostname'),
    time: ctx.time,
    recordId: doc.first('winlog.record_id'),
    data,
    ref: ctx.ref,
    dedupeKey: ctx.dedupeKey,
  });
}
