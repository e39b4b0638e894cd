// The rare service execution hunt (spec sections 3-6) over a resolved case: service
// processes, allowlist first, the three rarity measures, then enrichment of the rows.
import type { Db } from '../store/case-db.js';
import type { Signature } from '../model/events.js';
import type { HuntParams, HuntReport, Measure, ReportInput, ReportRow } from '../model/hunt.js';
import { hashKey } from '../normalize/values.js';
import { listAllowlist, listPathRules } from '../store/lists.js';
import { compileAllowlist } from './allowlist.js';
import { compilePathRules } from './path-rules.js';
import { windowBounds, windowSql, inWindow } from './window.js';
import { enrichRows } from './enrich.js';
import { resolveDirtyHosts } from './resolve.js';
import { LONGTAIL_VERSION } from '../version.js';
import { applyTriage } from './triage-fields.js';

/** What the measures need of a service process; the rest is read for reported rows only. */
export interface ServiceInstance {
  instanceId: number;
  host: string;
  startTime: string;
  nameLc: string | null;
  path: string | null;
  hashes: { sha256: string | null; sha1: string | null; md5: string | null };
  signature: Signature;
  signer: string | null;
}

interface InstanceRow {
  instance_id: number;
  host: string;
  start_time: string;
  name_lc: string | null;
  path: string | null;
  sha256: string | null;
  sha1: string | null;
  md5: string | null;
  signature: Signature | null;
  signer: string | null;
}

/** Every service process instance (resolve.ts stored their path and gap-filled hashes and signature). */
function loadServiceInstances(db: Db): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  const rows = db
    .prepare(
      `SELECT i.proc_id AS instance_id, h.key AS host, i.start_time, i.name_lc, i.path,
              i.sha256, i.sha1, i.md5, i.signature, i.signer
         FROM instance i JOIN host h ON h.id = i.host_id
        WHERE i.is_service = 1`,
    )
    .iterate() as IterableIterator<InstanceRow>;
  for (const r of rows) {
    out.push({
      instanceId: r.instance_id, host: r.host, startTime: r.start_time, nameLc: r.name_lc, path: r.path,
      hashes: { sha256: r.sha256, sha1: r.sha1, md5: r.md5 }, signature: r.signature ?? 'unknown', signer: r.signer,
    });
  }
  return out;
}

/**
 * Child launches in the window per service instance (spec 3.3 and 7.1), read from
 * the partial index of service children.
 */
function childCounts(db: Db, where: { sql: string; params: string[] }): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT parent_id AS id, count(*) AS n FROM instance INDEXED BY instance_service_child
        WHERE parent_is_service = 1 AND ${where.sql} GROUP BY parent_id`,
    )
    .all(...where.params) as Array<{ id: number; n: number }>;
  return new Map(rows.map((r) => [r.id, r.n]));
}

function listInputs(db: Db): ReportInput[] {
  const rows = db
    .prepare(
      `SELECT f.path, f.sha256, f.format, f.records, c.path AS container FROM input_file f
         LEFT JOIN input_file c ON c.id = f.container_id WHERE f.status = 'complete' ORDER BY f.id`,
    )
    .all() as Array<{ path: string; sha256: string; format: string | null; records: number; container: string | null }>;
  return rows.map((r) => ({ file: r.path, sha256: r.sha256, format: r.format, records: r.records, container: r.container }));
}

export interface HuntOptions {
  caseFile?: string | null;
  /** Gather every enrichment set of every row (default). The UI enriches on demand. */
  enrich?: boolean;
}

export function runHunt(db: Db, params: HuntParams, options: HuntOptions = {}): HuntReport {
  // A case imported by an interrupted session may have hosts left to resolve.
  if (!db.readonly) resolveDirtyHosts(db);
  const newest = (db.prepare("SELECT max(time_max) AS t FROM input_file WHERE status = 'complete'").get() as { t: string | null }).t;
  const bounds = windowBounds(params.window, newest);
  const pathRules = params.pathRules ?? listPathRules(db);
  const allowEntries = params.allowlist ?? listAllowlist(db);
  const rules = compilePathRules(pathRules);
  const allow = compileAllowlist(allowEntries);

  const all = loadServiceInstances(db);
  const kept: Array<{ inst: ServiceInstance; pathKey: string | null; hash: string | null }> = [];
  let allowlisted = 0;
  for (const inst of all) {
    const pathKey = inst.path === null ? null : rules.apply(inst.path);
    const candidate = { host: inst.host, nameLc: inst.nameLc, path: inst.path, pathKey, hashes: inst.hashes, signer: inst.signer };
    if (allow.match(candidate)) {
      allowlisted++;
      continue;
    }
    kept.push({ inst, pathKey, hash: hashKey(inst.hashes) });
  }

  // Spec 7.9: launches per (host, service name), over every non-allowlisted service
  // instance's children started in the window (the service itself may predate it).
  const counts = childCounts(db, windowSql('start_time', bounds));
  const launches = new Map<string, number>();
  for (const { inst } of kept) {
    const key = `${inst.host}\u0000${inst.nameLc ?? ''}`;
    launches.set(key, (launches.get(key) ?? 0) + (counts.get(inst.instanceId) ?? 0));
  }

  const inside = kept.filter((k) => inWindow(k.inst.startTime, bounds));
  const binaryHosts = new Map<string, Set<string>>();
  const pathHosts = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, key: string, host: string) => {
    let s = m.get(key);
    if (!s) m.set(key, (s = new Set()));
    s.add(host);
  };
  for (const { inst, pathKey, hash } of inside) {
    if (hash !== null) add(binaryHosts, `${hash}\u0000${inst.nameLc ?? ''}`, inst.host);
    if (pathKey !== null) add(pathHosts, pathKey, inst.host);
  }

  const chosen = new Set<Measure>(params.measures);
  const rows: ReportRow[] = [];
  for (const { inst, pathKey, hash } of inside) {
    const bHosts = hash === null ? null : binaryHosts.get(`${hash}\u0000${inst.nameLc ?? ''}`)!.size;
    const pHosts = pathKey === null ? null : pathHosts.get(pathKey)!.size;
    const launchCount = launches.get(`${inst.host}\u0000${inst.nameLc ?? ''}`) ?? 0;
    const rare: Record<Measure, boolean> = {
      binary: bHosts !== null && bHosts <= params.maxHosts && (params.includeTrusted || inst.signature !== 'trusted'),
      path: pHosts !== null && pHosts <= params.maxHosts,
      host: launchCount >= 1 && launchCount < params.maxLaunches,
    };
    const rareBy = params.measures.filter((m) => rare[m]);
    const included = params.match === 'all' ? rareBy.length === chosen.size && chosen.size > 0 : rareBy.length > 0;
    if (!included) continue;
    rows.push({
      instanceId: inst.instanceId, host: inst.host, hostName: inst.host, name: null, path: inst.path,
      commandLine: null, user: null, pid: null, startTime: inst.startTime, hash,
      hashes: { ...inst.hashes }, signature: inst.signature, signer: inst.signer,
      binaryHosts: bHosts, pathKey, pathHosts: pHosts, launchesOnHost: launchCount, rareBy,
      children: [], childCommandLines: [], remoteIps: [], remotePorts: [], remoteNames: [], files: [], fileDetails: [],
      dlls: [], dllDetails: [], serviceInstall: null, firstSeen: inst.startTime, lastSeen: inst.startTime,
      sources: [], flags: [],
      counts: { children: counts.get(inst.instanceId) ?? 0, remoteIps: 0, files: 0, dlls: 0 },
      coveredHosts: 0, thinCoverage: false, verdict: 'unreviewed', note: '', verdictBy: null, verdictAt: null,
    });
  }
  enrichRows(db, rows, bounds, options.enrich ?? true);

  // Issue 13: the verdicts, and the coverage each row's rarity was measured against.
  const coverage = applyTriage(db, rows, params.minCoveredHosts);
  rows.sort((a, b) =>
    a.host < b.host ? -1 : a.host > b.host ? 1 : a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.instanceId - b.instanceId,
  );

  return {
    parameters: {
      preset: params.preset, measures: [...params.measures], match: params.match,
      window: { spec: params.window, from: bounds.from, to: bounds.to, newest, description: bounds.description },
      maxHosts: params.maxHosts, maxLaunches: params.maxLaunches, includeTrusted: params.includeTrusted,
      minCoveredHosts: params.minCoveredHosts,
      pathRules: pathRules.map(({ pattern, replacement, description, enabled }) => ({ pattern, replacement, description, enabled })),
      allowlist: allowEntries.map(({ kind, value, hosts, reason, enabled }) => ({ kind, value, hosts, reason, enabled })),
      generatedAt: new Date().toISOString(), caseFile: options.caseFile ?? null, longtailVersion: LONGTAIL_VERSION,
    },
    inputs: listInputs(db),
    rows,
    stats: {
      serviceInstances: all.length, allowlisted, inWindow: inside.length, rare: rows.length,
      coveredHosts: coverage.hostsBetween(bounds.from?.slice(0, 10) ?? null, bounds.to?.slice(0, 10) ?? null),
      hosts: (db.prepare('SELECT count(*) AS n FROM host').get() as { n: number }).n,
      thinCoverage: rows.filter((r) => r.thinCoverage).length,
    },
  };
}
