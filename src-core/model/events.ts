// The normalized events of ../shared/spec/hunts.md section 1: what every importer
// produces and the store persists. Types only, no logic (see normalize/ for that).

/**
 * A UTC instant as ISO 8601 with exactly seven fractional digits, e.g.
 * `2020-10-19T07:30:46.4350000Z`. Fixed width, so text order is time order and
 * SQLite can compare it directly; seven digits keep EVTX/Defender 100 ns precision
 * (JS numbers cannot hold 100 ns ticks since 1601 or 1970 exactly).
 */
export type Iso7 = string;

/** Code-signature state of a binary (spec section 6 `signature`). */
export type Signature = 'trusted' | 'untrusted' | 'unknown';

export interface Hashes {
  /** Lowercase hex, or null when the source does not give it. */
  sha256: string | null;
  sha1: string | null;
  md5: string | null;
}

/**
 * Where an event came from, as `family:detail`, e.g. `sysmon:1`, `security:4688`,
 * `system:7045`, `defender:DeviceProcessEvents`, `elastic:process`.
 */
export type SourceTag = string;

/**
 * A process identity inside one host (spec section 1 "Process identity"):
 * - `guid:<lowercase guid without braces>` for Sysmon ProcessGuid (and Elastic
 *   entity ids that are GUIDs, so Sysmon seen through Elastic links to EVTX);
 * - `ent:<entity_id>` for other Elastic entity ids (case kept: they are base64);
 * - `pt:<Iso7>#<pid>` for Defender (pid, creation time) and 4688 (pid, event time).
 */
export type ProcKey = string;

export interface EventCommon {
  /** Host name as seen in the record (the host key is derived from it). */
  host: string;
  time: Iso7;
  source: SourceTag;
  /** Where the record is in its input file: `line 12`, `record 4511 (chunk 3)`. */
  ref: string;
  /**
   * Identity of the source record for duplicate detection (spec section 1):
   * `evtx|host|channel|recordId`, `defender|reportId|host|time`, `json|_id`,
   * `json#<sha of canonical JSON>`, and so on. Null: never deduplicated.
   */
  dedupeKey: string | null;
}

/** What is known of a process itself, from its start record or from rows it acted in. */
export interface ProcessFacts {
  pid: number | null;
  path: string | null;
  /** Last path component as given (or the source's file name field). */
  name: string | null;
  commandLine: string | null;
  user: string | null;
  hashes: Hashes;
  signature: Signature;
  signer: string | null;
  parent: ParentInfo;
}

export interface ProcessStartEvent extends EventCommon, ProcessFacts {
  kind: 'process';
  proc: ProcKey | null;
  /** A Security 4688 (merge candidate for a Sysmon 1, spec 7.14). */
  security4688: boolean;
}

export interface ParentInfo {
  /** Explicit identity of the parent (Sysmon ParentProcessGuid, Elastic parent entity, Defender initiating process). */
  proc: ProcKey | null;
  pid: number | null;
  path: string | null;
  name: string | null;
  commandLine: string | null;
}

/**
 * A process known only as the actor of other rows (Defender `InitiatingProcess*`
 * columns). It becomes an instance when no process start for the same key exists,
 * so a Defender row whose `InitiatingProcessParentFileName` is services.exe
 * describes an action of a service process (spec section 2).
 */
export interface ImpliedProcess extends ProcessFacts {
  kind: 'implied';
  host: string;
  /** The process creation time. */
  time: Iso7;
  source: SourceTag;
  ref: string;
  proc: ProcKey;
}

export interface NetworkEvent extends EventCommon {
  kind: 'network';
  proc: ProcKey | null;
  pid: number | null;
  path: string | null;
  /** e.g. ConnectionSuccess, connection_attempted, dns. */
  action: string | null;
  protocol: string | null;
  remoteIp: string | null;
  remotePort: number | null;
  /** Remote host name or URL (Sysmon DestinationHostname, Defender RemoteUrl, DNS query name). */
  remoteName: string | null;
  localIp: string | null;
  localPort: number | null;
  direction: 'outbound' | 'inbound' | null;
}

export interface FileEvent extends EventCommon {
  kind: 'file';
  proc: ProcKey | null;
  pid: number | null;
  path: string | null;
  /** created, modified, deleted, renamed, ... as the source says it. */
  action: string | null;
  targetPath: string;
  hashes: Hashes;
}

export interface ImageLoadEvent extends EventCommon {
  kind: 'image';
  proc: ProcKey | null;
  pid: number | null;
  path: string | null;
  dllPath: string;
  hashes: Hashes;
  /** true/false when the source says whether the DLL was signed, else null. */
  signed: boolean | null;
  signature: Signature;
  signer: string | null;
}

export interface ServiceInstallEvent extends EventCommon {
  kind: 'service';
  serviceName: string | null;
  /** 7045 ImagePath / 4697 ServiceFileName / Defender FolderPath, as logged. */
  imagePath: string | null;
  account: string | null;
  startType: string | null;
  serviceType: string | null;
}

export interface ProcessEndEvent extends EventCommon {
  kind: 'end';
  proc: ProcKey | null;
  pid: number | null;
  path: string | null;
}

export type HuntEvent =
  | ProcessStartEvent
  | NetworkEvent
  | FileEvent
  | ImageLoadEvent
  | ServiceInstallEvent
  | ProcessEndEvent;

export type EventKind = HuntEvent['kind'];

/** What a mapper yields for one source record. */
export type MappedItem = HuntEvent | ImpliedProcess;
