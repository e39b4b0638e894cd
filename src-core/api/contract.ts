// The one handler map: every operation the UI may ask of the core, with the schema its
// arguments are validated against at the boundary (Electron IPC, the local HTTP
// bridge) and the type of its result. The renderer imports only types from here.
import { z } from 'zod';
import type {
  AllowEntry, CoverageKind, HuntReport, Measure, PathRule, PresetName, ReportRow, Verdict, WindowSpec,
} from '../model/hunt.js';
import type { FileImportResult, ImportProgress } from '../ingest/import-types.js';
import type { ImportNote } from '../ingest/note-log.js';
import type { RawRecord } from './raw-record.js';
import type { QueryExport } from '../query/query-types.js';

const text = (max = 4096) => z.string().max(max);
const path = z.string().min(1).max(4096);
const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/, 'an Iso7 time');

export const windowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36_500) }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('range'), from: iso.nullable(), to: iso.nullable() }),
]);

export const allowEntryInputSchema = z.object({
  kind: z.enum(['name', 'path', 'hash', 'signer']),
  value: text().min(1),
  hosts: z.array(text(255).min(1)).max(10_000).nullable(),
  reason: text(),
  enabled: z.boolean(),
});

export const pathRuleInputSchema = z.object({
  pattern: text(2000).min(1),
  replacement: text(2000),
  description: text(),
  enabled: z.boolean(),
});

export const huntParamsSchema = z.object({
  preset: z.enum(['elastic-binary', 'elastic-path', 'defender-host', 'any']),
  measures: z.array(z.enum(['binary', 'path', 'host'])).min(1).max(3),
  match: z.enum(['any', 'all']),
  window: windowSchema,
  maxHosts: z.number().int().min(1).max(1_000_000),
  maxLaunches: z.number().int().min(1).max(1_000_000),
  includeTrusted: z.boolean(),
  minCoveredHosts: z.number().int().min(1).max(1_000_000),
  allowlist: z.array(allowEntryInputSchema).max(100_000).nullable(),
  pathRules: z.array(pathRuleInputSchema).max(1000).nullable(),
});

const none = z.object({}).strict();
const id = z.number().int().min(1);

/** Argument schemas, by handler name. */
export const ARGS = {
  'app.info': none,
  'case.create': z.object({ path }).strict(),
  'case.open': z.object({ path }).strict(),
  'case.close': none,
  'case.recent': none,
  'case.info': none,
  'import.start': z.object({ paths: z.array(path).min(1).max(10_000) }).strict(),
  'import.cancel': z.object({ jobId: id }).strict(),
  'import.status': none,
  'import.log': none,
  'hunt.run': z.object({ params: huntParamsSchema }).strict(),
  'hunt.detail': z.object({
    instanceId: id,
    window: windowSchema,
    /** The hunt's threshold, for the row's thin-coverage flag (default 3). */
    minCoveredHosts: z.number().int().min(1).max(1_000_000).optional(),
  }).strict(),
  'hunt.fleet': z.object({ window: windowSchema, params: huntParamsSchema }).strict(),
  'hunt.export': z.object({
    params: huntParamsSchema,
    instanceIds: z.array(id).max(1_000_000).nullable(),
    format: z.enum(['csv', 'json']),
    path,
  }).strict(),
  'hunt.query': z.object({
    params: huntParamsSchema,
    dialect: z.enum(['kql', 'esql']),
    target: z.enum(['defender', 'sentinel']).optional(),
    path: path.nullable().optional(),
  }).strict(),
  'verdict.set': z.object({
    instanceIds: z.array(id).min(1).max(100_000),
    verdict: z.enum(['unreviewed', 'benign', 'suspicious', 'malicious']),
    /** Replaces the note; omitted or null keeps each instance's note. */
    note: text(20_000).nullable().optional(),
  }).strict(),
  'verdict.benignAllow': z.object({
    instanceId: id,
    /** What the allowlist entry matches: the service's name, its hash, or its normalized path. */
    by: z.enum(['name', 'hash', 'path']),
    /** Limit the entry to the instance's host. */
    hostOnly: z.boolean(),
    note: text(20_000).nullable().optional(),
  }).strict(),
  'coverage.list': none,
  'allowlist.list': none,
  'allowlist.add': z.object({ entry: allowEntryInputSchema }).strict(),
  'allowlist.update': z.object({ entry: allowEntryInputSchema.extend({ id }) }).strict(),
  'allowlist.delete': z.object({ id }).strict(),
  'allowlist.reset': none,
  'allowlist.import': z.object({ text: z.string().max(50_000_000), replace: z.boolean() }).strict(),
  'allowlist.export': z.object({ format: z.enum(['json', 'csv']), path: path.nullable().optional() }).strict(),
  'rules.list': none,
  'rules.replace': z.object({ rules: z.array(pathRuleInputSchema).max(1000) }).strict(),
  'rules.reset': none,
  'rules.preview': z.object({ rules: z.array(pathRuleInputSchema).max(1000), limit: z.number().int().min(1).max(1000) }).strict(),
  'fs.list': z.object({ dir: path.nullable() }).strict(),
  'record.raw': z.object({ table: z.enum(['process', 'network', 'file', 'image', 'service', 'end']), id }).strict(),
} as const;

export type ApiName = keyof typeof ARGS;
export type ApiArgs<K extends ApiName> = z.infer<(typeof ARGS)[K]>;

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  platform: string;
}

export interface HostSummary {
  key: string;
  names: string[];
  /** Process instances known on the host. */
  processes: number;
  first: string | null;
  last: string | null;
}

export interface CaseInfo {
  path: string;
  schemaVersion: number;
  inputs: number;
  events: Record<'process' | 'network' | 'file' | 'image' | 'service', number>;
  hosts: HostSummary[];
  first: string | null;
  last: string | null;
}

export interface RecentCase {
  path: string;
  openedAt: string;
}

export interface ImportLogEntry {
  id: number;
  /** A file, or an archive member as `archive!/member` (its container is `container`). */
  path: string;
  /** The archive a member was read from (its path), or null. */
  container: string | null;
  /** For an archive: its member files' rows by status (members that are not data have none). */
  members: Record<string, number> | null;
  sha256: string;
  format: string | null;
  status: string;
  records: number;
  stored: number;
  duplicates: number;
  skipped: number;
  failed: number;
  timeMin: string | null;
  timeMax: string | null;
  hosts: string[];
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  notes: ImportNote[];
}

/** The import running or queued in the host, so a reloaded page can find it again. */
export interface ImportStatus {
  running: { jobId: number; paths: string[]; progress: ImportProgress | null } | null;
  queued: Array<{ jobId: number; paths: string[] }>;
}

export type TimelineLane = 'start' | 'child' | 'network' | 'file' | 'dll' | 'service' | 'end';

export interface TimelineEvent {
  lane: TimelineLane;
  time: string;
  label: string;
  detail: string | null;
}

/** A stored record of an instance, for the evidence chain (record.raw re-reads it). */
export interface RecordRef {
  table: 'process';
  id: number;
  source: string;
  ref: string;
  file: string;
}

export interface InstanceDetail {
  /** The instance's own start records (a Sysmon 1 and the 4688 merged into it, a Defender row…). */
  records: RecordRef[];
  /** The instance's row with every enrichment set; its measures are the hunt's business (null/0 here). */
  row: ReportRow;
  timeline: TimelineEvent[];
  /** Lanes cut at TIMELINE_LANE_MAX events. */
  truncated: TimelineLane[];
}

export interface FleetDay {
  day: string;
  host: string;
  launches: number;
  rare: number;
}

export interface FsEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  size: number | null;
}

export interface FsListing {
  dir: string;
  parent: string | null;
  entries: FsEntry[];
}

/** What a verdict change stored (the same for every instance it named). */
export interface VerdictChange {
  instanceIds: number[];
  verdict: Verdict;
  /** The note now stored per instance id (a kept note differs per instance). */
  notes: Record<number, string>;
  by: string;
  at: string;
}

/** A run of UTC days on which a host has process starts from one source (issue 13). */
export interface CoverageRange {
  host: string;
  kind: CoverageKind;
  /** First and last day, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
  /** Process starts stored in the run. */
  starts: number;
}

/** Result types, by handler name. */
export interface Results {
  'app.info': AppInfo;
  'case.create': CaseInfo;
  'case.open': CaseInfo;
  'case.close': null;
  'case.recent': RecentCase[];
  'case.info': CaseInfo | null;
  'import.start': { jobId: number };
  'import.cancel': null;
  'import.status': ImportStatus;
  'import.log': ImportLogEntry[];
  'hunt.run': HuntReport;
  'hunt.detail': InstanceDetail;
  'hunt.fleet': FleetDay[];
  'hunt.export': { path: string; rows: number };
  'hunt.query': QueryExport & { path: string | null };
  'verdict.set': VerdictChange;
  'verdict.benignAllow': VerdictChange & { entry: AllowEntry };
  'coverage.list': CoverageRange[];
  'allowlist.list': AllowEntry[];
  'allowlist.add': AllowEntry;
  'allowlist.update': null;
  'allowlist.delete': null;
  'allowlist.reset': AllowEntry[];
  'allowlist.import': AllowEntry[];
  'allowlist.export': { text: string; path: string | null };
  'rules.list': PathRule[];
  'rules.replace': PathRule[];
  'rules.reset': PathRule[];
  'rules.preview': Array<{ path: string; before: string; after: string }>;
  'fs.list': FsListing;
  'record.raw': RawRecord;
}

/** Events the core pushes to the UI. */
export interface Events {
  'import.progress': ImportProgress & { jobId: number };
  'import.file': FileImportResult & { jobId: number };
  'import.done': { jobId: number; files: number; failed: number; cancelled: boolean; error: string | null };
}

export type EventName = keyof Events;

/** The typed surface a client (preload bridge, HTTP client) offers the renderer. */
export interface Api {
  call<K extends ApiName>(name: K, args: ApiArgs<K>): Promise<Results[K]>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Validates a call's arguments; throws an ApiError naming the handler and the problem. */
export function validateArgs<K extends ApiName>(name: string, args: unknown): { name: K; args: ApiArgs<K> } {
  if (!Object.prototype.hasOwnProperty.call(ARGS, name)) throw new ApiError('bad-request', `unknown operation "${name}"`);
  const schema = ARGS[name as K];
  const r = schema.safeParse(args ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ApiError('bad-request', `${name}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'invalid arguments'}`);
  }
  return { name: name as K, args: r.data as ApiArgs<K> };
}

export type ApiErrorKind = 'bad-request' | 'no-case' | 'not-found' | 'busy' | 'failed';

export class ApiError extends Error {
  constructor(readonly kind: ApiErrorKind, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export type { CoverageKind, Measure, PresetName, RawRecord, Verdict, WindowSpec };
