// The hunt's vocabulary (spec sections 3-6): parameters in, rows out. Types only.
import type { Iso7, Signature } from './events.js';

export type Measure = 'binary' | 'path' | 'host';

/** A responder's judgement of one service process instance (issue 13). */
export type Verdict = 'unreviewed' | 'benign' | 'suspicious' | 'malicious';
export const VERDICTS: readonly Verdict[] = ['unreviewed', 'benign', 'suspicious', 'malicious'];

/** Process-start sources whose coverage is tracked (issue 13): Sysmon 1, Security 4688, Defender, Elastic. */
export type CoverageKind = 'sysmon' | 'security' | 'defender' | 'elastic';
export const COVERAGE_KINDS: readonly CoverageKind[] = ['sysmon', 'security', 'defender', 'elastic'];
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
  /** A row whose measure was computed over fewer covered hosts than this is flagged (issue 13). */
  minCoveredHosts: number;
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
  /**
   * Counts for the grid, filled even when the sets are not (the UI enriches on demand):
   * child launches in the window, distinct remote IPs, distinct file paths, distinct DLL
   * paths (paths case-insensitively).
   */
  counts: { children: number; remoteIps: number; files: number; dlls: number };
  /**
   * Hosts with process-start coverage (any tracked source) on the UTC day the row's
   * service process started: the population its rarity was measured against then.
   */
  coveredHosts: number;
  /** True when coveredHosts < minCoveredHosts: "1 host" means little on thin coverage. */
  thinCoverage: boolean;
  verdict: Verdict;
  /** Free text, '' when none. */
  note: string;
  /** Who set the verdict (the OS user name) and when (ISO 8601 UTC); null when never set. */
  verdictBy: string | null;
  verdictAt: string | null;
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
  minCoveredHosts: number;
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
    /** Hosts with process-start coverage on at least one day of the window. */
    coveredHosts: number;
    /** Hosts in the case. */
    hosts: number;
    /** Rows flagged for thin coverage. */
    thinCoverage: number;
  };
}
