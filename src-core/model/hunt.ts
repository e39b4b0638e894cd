// The hunt's vocabulary (spec sections 3-6): parameters in, rows out. Types only.
import type { Iso7, Signature } from './events.js';

export type Measure = 'binary' | 'path' | 'host';
export const MEASURES: readonly Measure[] = ['binary', 'path', 'host'];

export type PresetName = 'elastic-binary' | 'elastic-path' | 'defender-host' | 'any';

export type WindowSpec =
  | { kind: 'days'; days: number }
  | { kind: 'all' }
  /** Inclusive bounds; either may be open. */
  | { kind: 'range'; from: Iso7 | null; to: Iso7 | null };

export type AllowKind = 'name' | 'path' | 'hash' | 'signer';

export interface AllowEntryInput {
  kind: AllowKind;
  /** name: file name; path: glob over the normalized path key; hash: `sha256:…`/`sha1:…`/`md5:…` or bare hex; signer: signer name. */
  value: string;
  /** Host keys the entry is limited to, or null for every host. */
  hosts: string[] | null;
  reason: string;
  enabled: boolean;
}

export interface AllowEntry extends AllowEntryInput {
  id: number;
}

export interface PathRuleInput {
  /** A JavaScript regular expression (the seed's are ES|QL/Java regexes that mean the same here). */
  pattern: string;
  replacement: string;
  description: string;
  enabled: boolean;
}

export interface PathRule extends PathRuleInput {
  id: number;
  position: number;
}

export interface HuntParams {
  preset: PresetName;
  measures: Measure[];
  /** `any`: rare by at least one chosen measure (spec section 5 default); `all`: by every one. */
  match: 'any' | 'all';
  window: WindowSpec;
  maxHosts: number;
  maxLaunches: number;
  /** Keep binaries with a trusted signature in the unique-binary measure (ES|QL leaves them out). */
  includeTrusted: boolean;
  /** Overrides of the case's lists (CLI --allowlist FILE); null: use the case's. */
  allowlist: AllowEntryInput[] | null;
  pathRules: PathRuleInput[] | null;
}

export interface ServiceInstallInfo {
  serviceName: string | null;
  imagePath: string | null;
  account: string | null;
  startType: string | null;
  serviceType: string | null;
  time: Iso7;
  source: string;
}

export interface FileActivity {
  path: string;
  action: string | null;
  hash: string | null;
}

export interface DllActivity {
  path: string;
  hash: string | null;
  signed: boolean | null;
  signature: Signature;
  signer: string | null;
}

/** One service process instance of the report (spec section 6). */
export interface ReportRow {
  /** Stable id of the instance inside this case (for the UI's detail and timeline). */
  instanceId: number;
  host: string;
  hostName: string;
  name: string | null;
  path: string | null;
  commandLine: string | null;
  user: string | null;
  pid: number | null;
  startTime: Iso7;
  hash: string | null;
  hashes: { sha256: string | null; sha1: string | null; md5: string | null };
  signature: Signature;
  signer: string | null;
  binaryHosts: number | null;
  pathKey: string | null;
  pathHosts: number | null;
  launchesOnHost: number;
  rareBy: Measure[];
  children: string[];
  childCommandLines: string[];
  remoteIps: string[];
  remotePorts: number[];
  remoteNames: string[];
  files: string[];
  fileDetails: FileActivity[];
  dlls: string[];
  dllDetails: DllActivity[];
  serviceInstall: ServiceInstallInfo | null;
  firstSeen: Iso7;
  lastSeen: Iso7;
  sources: string[];
  flags: string[];
}

export interface ReportInput {
  /** The file, or an archive member as `archive!/member`. */
  file: string;
  sha256: string;
  format: string | null;
  records: number;
  /** For an archive member: the archive it was read from (its own input is listed too). */
  container: string | null;
}

export interface ResolvedParameters {
  preset: PresetName;
  measures: Measure[];
  match: 'any' | 'all';
  window: { spec: WindowSpec; from: Iso7 | null; to: Iso7 | null; newest: Iso7 | null; description: string };
  maxHosts: number;
  maxLaunches: number;
  includeTrusted: boolean;
  pathRules: PathRuleInput[];
  allowlist: AllowEntryInput[];
  generatedAt: string;
  caseFile: string | null;
  longtailVersion: string;
}

export interface HuntReport {
  parameters: ResolvedParameters;
  inputs: ReportInput[];
  rows: ReportRow[];
  /** Counts behind the rows, for the summary line and the UI. */
  stats: {
    serviceInstances: number;
    allowlisted: number;
    inWindow: number;
    rare: number;
  };
}
