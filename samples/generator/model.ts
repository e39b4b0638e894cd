// The source-neutral activity model: hosts, binaries, process instances and what they
// did. The demo fleet and the bench build these; the format writers turn them into
// Defender CSV rows, Elastic Defend documents or Security-Datasets lines, so one
// instance looks the same (same pid, start, hashes) in every row that mentions it.
import type { Fragment } from './pieces.js';
import type { Rng } from './random.js';
import { guid, hex, int } from './random.js';
import type { Ticks } from './time.js';
import { EPOCH_MS, SECOND, fileTimeSeconds } from './time.js';

/** How a host's activity is written: Defender CSV, Elastic NDJSON, Security-Datasets JSON, or raw EVTX logs in a Velociraptor collection. */
export type HostFormat = 'defender' | 'elastic' | 'security-datasets' | 'evtx';

/** Hosts whose sensor is Sysmon (it logs a process's own image as an event 7). */
export function isSysmonHost(format: HostFormat): boolean {
  return format === 'security-datasets' || format === 'evtx';
}

export interface Host {
  /** As the source spells it (Defender DeviceName, Elastic host.name, Hostname); for EVTX hosts, the collection's host name. */
  name: string;
  format: HostFormat;
  /** Defender DeviceId (40 hex) or Elastic host.id (GUID). */
  deviceId: string;
  /** Elastic agent.id; also the prefix of entity ids. */
  agentId: string;
  ip: string;
  /** NetBIOS domain of the machine account (4688/4697 subjects). */
  domain: string;
  /** First group of this host's Sysmon ProcessGuids (Sysmon derives it from the machine). */
  guidPrefix: string;
  /** Security auditing of process creation and service installs (4688/4697) is on. */
  securityAuditing: boolean;
  /** Mutable counters, advanced by the model and the writers. */
  nextPid: number;
  procSeq: number;
  reportId: number;
  eventSeq: number;
}

export interface Account {
  domain: string;
  name: string;
  sid: string;
  /** Logon id as Defender prints it (decimal); 4688 prints it in hex. */
  logonId: number;
}

export const SYSTEM: Account = { domain: 'NT AUTHORITY', name: 'SYSTEM', sid: 'S-1-5-18', logonId: 999 };
export const LOCAL_SERVICE: Account = { domain: 'NT AUTHORITY', name: 'LOCAL SERVICE', sid: 'S-1-5-19', logonId: 997 };
export const NETWORK_SERVICE: Account = { domain: 'NT AUTHORITY', name: 'NETWORK SERVICE', sid: 'S-1-5-20', logonId: 996 };

export type SignState = 'trusted' | 'untrusted' | 'unsigned';

export interface Binary {
  name: string;
  path: string;
  sha256: string;
  sha1: string;
  md5: string;
  imphash: string;
  size: number;
  company: string;
  product: string;
  version: string;
  description: string;
  originalName: string;
  internalName: string;
  /** Certificate subject; '' when unsigned. */
  signer: string;
  signed: SignState;
}

export interface Proc {
  host: Host;
  bin: Binary;
  pid: number;
  start: Ticks;
  cmd: string;
  user: Account;
  parent: Proc | null;
  integrity: 'System' | 'High' | 'Medium';
  /** The host's process counter at creation (part of the Sysmon ProcessGuid). */
  seq: number;
  /** Per-format ids and text fragments, made when first needed and reused for every row of this instance. */
  cache: ProcCache;
}

/** One fixed shape for every instance, so the writers' lookups stay monomorphic. */
export interface ProcCache {
  guid: string | undefined;
  entityId: string | undefined;
  defenderIp: Fragment | undefined;
  defenderIpSigned: Fragment | undefined;
  elasticFull: Fragment | undefined;
  elasticRef: Fragment | undefined;
}

export interface ServiceInstall {
  serviceName: string;
  /** As the installer wrote it (7045 ImagePath), e.g. %SystemRoot%\PSEXESVC.exe. */
  imagePath: string;
  /** The binary as it lands on disk (Defender FileName/FolderPath). */
  file: Binary;
  account: string;
  startType: 'auto' | 'demand';
  /** Who called the SCM (4697 subject). */
  installer: Account;
}

export type Activity =
  | { kind: 'process'; t: Ticks; proc: Proc }
  | {
      kind: 'network'; t: Ticks; proc: Proc; remoteIp: string; remotePort: number;
      remoteName: string; localPort: number; inbound: boolean;
    }
  | { kind: 'file'; t: Ticks; proc: Proc; path: string; action: 'created' | 'modified'; content: Binary | null }
  | { kind: 'image'; t: Ticks; proc: Proc; dll: Binary }
  /** proc is services.exe, which performs the install on the caller's behalf. */
  | { kind: 'install'; t: Ticks; proc: Proc; service: ServiceInstall };

function hex4(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}

/** A new process instance on host. Pids step by 4, like Windows pids. */
export function spawn(
  host: Host, bin: Binary, start: Ticks, cmd: string, user: Account, parent: Proc | null,
  integrity: Proc['integrity'] = 'System', pid?: number,
): Proc {
  let id = pid;
  if (id === undefined) {
    id = host.nextPid;
    host.nextPid += 4 * (1 + ((host.procSeq * 7) % 37));
    if (host.nextPid > 60_000) host.nextPid = 1_000 + (host.nextPid % 997) * 4;
  }
  const seq = ++host.procSeq;
  const cache: ProcCache = {
    guid: undefined, entityId: undefined, defenderIp: undefined, defenderIpSigned: undefined, elasticFull: undefined, elasticRef: undefined,
  };
  return { host, bin, pid: id, start, cmd, user, parent, integrity, seq, cache };
}

/** Sysmon ProcessGuid, with braces: machine prefix, start second, per-host counter, as Sysmon lays it out. */
export function sysmonGuid(p: Proc): string {
  if (p.cache.guid === undefined) {
    const seconds = EPOCH_MS / 1000 + Math.floor(p.start / SECOND);
    const seq = p.seq & 0xffff;
    const seqLe = hex4(((seq & 0xff) << 8) | (seq >> 8));
    p.cache.guid = `{${p.host.guidPrefix}-${hex4(seconds)}-${hex4(seconds >>> 16)}-${seqLe}-000000000700}`;
  }
  return p.cache.guid;
}

/** Elastic Defend process.entity_id: base64 of agent id, pid and start as FILETIME seconds. */
export function entityId(p: Proc): string {
  if (p.cache.entityId === undefined) {
    p.cache.entityId = Buffer.from(`${p.host.agentId}-${p.pid}-${fileTimeSeconds(p.start)}`).toString('base64');
  }
  return p.cache.entityId;
}

export function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('\\'));
}

export function baseNameOf(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

/** A host with random but seed-determined ids; index picks its address (up to 49,000 hosts). */
export function makeHost(name: string, format: HostFormat, index: number, rng: Rng, securityAuditing = false): Host {
  if (index >= 49_000) throw new Error('at most 49,000 hosts');
  return {
    name, format, securityAuditing,
    deviceId: format === 'defender' ? hex(rng, 40) : guid(rng),
    agentId: guid(rng),
    ip: `10.0.${10 + Math.floor(index / 200)}.${20 + (index % 200)}`,
    domain: 'CONTOSO',
    guidPrefix: hex(rng, 8),
    nextPid: 1_000 + int(rng, 0, 400) * 4,
    procSeq: int(rng, 200, 900),
    reportId: int(rng, 1_000, 9_000),
    eventSeq: 0,
  };
}
