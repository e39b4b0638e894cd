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

export interface ServiceInstance {
  instanceId: number;
  hostId: number;
  host: string;
  hostName: string;
  startTime: string;
  nameLc: string | null;
  name: string | null;
  path: string | null;
  commandLine: string | null;
  user: string | null;
  pid: number | null;
  hashes: { sha256: string | null; sha1: string | null; md5: string | null };
  signature: Signature;
  signer: string | null;
  flags: string[];
}

interface InstanceRow {
  instance_id: number;
  host_id: number;
  host: string;
  start_time: string;
  name_lc: string | null;
  flags: string | null;
  primary_event: number;
  event_id: number;
  host_name: string;
  path: string | null;
  name: string | null;
  command_line: string | null;
  user: string | null;
  pid: number | null;
  sha256: string | null;
  sha1: string | null;
  md5: string | null;
  signature: Signature;
  signer: string | null;
}

/**
 * Every service process instance with its attributes: the primary start row speaks,
 * the instance's other rows (a merged 4688, Defender's implied row) fill gaps only.
 */
function loadServiceInstances(db: Db): ServiceInstance[] {
  const rows = db
    .prepare(
      `SELECT i.proc_id AS instance_id, i.host_id, h.key AS host, i.start_time, i.name_lc, i.flags,
              i.event_id AS primary_event, e.id AS event_id, e.host_name, e.path, e.name, e.command_line, e.user,
              e.pid, e.sha256, e.sha1, e.md5, e.signature, e.signer
         FROM instance i
         JOIN host h ON h.id = i.host_id
         JOIN proc_instance pi ON pi.instance_id = i.proc_id
         JOIN process_event e ON e.proc_id = pi.proc_id
        WHERE i.is_service = 1
        ORDER BY i.proc_id, (e.id = i.event_id) DESC, e.implied, e.id`,
    )
    .all() as InstanceRow[];
  const out: ServiceInstance[] = [];
  let cur: ServiceInstance | null = null;
  for (const r of rows) {
    if (!cur || cur.instanceId !== r.instance_id) {
      cur = {
        instanceId: r.instance_id, hostId: r.host_id, host: r.host, hostName: r.host_name, startTime: r.start_time,
        nameLc: r.name_lc, name: r.name, path: r.path, commandLine: r.command_line, user: r.user, pid: r.pid,
        hashes: { sha256: r.sha256, sha1: r.sha1, md5: r.md5 }, signature: r.signature, signer: r.signer,
        flags: r.flags ? (JSON.parse(r.flags) as string[]) : [],
      };
      out.push(cur);
      continue;
    }
    cur.name ??= r.name;
    cur.path ??= r.path;
    cur.commandLine ??= r.command_line;
    cur.user ??= r.user;
    cur.pid ??= r.pid;
    cur.hashes.sha256 ??= r.sha256;
    cur.hashes.sha1 ??= r.sha1;
    cur.hashes.md5 ??= r.md5;
    if (cur.signature === 'unknown') cur.signature = r.signature;
    cur.signer ??= r.signer;
  }
  return out;
}

/** Child launches in the window per service instance (spec 3.3 and 7.1). */
function childCounts(db: Db, ids: readonly number[], where: { sql: string; params: string[] }): Map<number, number> {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS hunt_service (id INTEGER PRIMARY KEY)');
  db.exec('DELETE FROM temp.hunt_service');
  const ins = db.prepare('INSERT INTO temp.hunt_service (id) VALUES (?)');
  for (const id of ids) ins.run(id);
  const rows = db
    .prepare(
      `SELECT c.parent_id AS id, count(*) AS n FROM temp.hunt_service s JOIN instance c ON c.parent_id = s.id
        WHERE ${where.sql} GROUP BY c.parent_id`,
    )
    .all(...where.params) as Array<{ id: number; n: number }>;
  db.exec('DELETE FROM temp.hunt_service');
  return new Map(rows.map((r) => [r.id, r.n]));
}

function listInputs(db: Db): ReportInput[] {
  const rows = db
    .prepare("SELECT path, sha256, format, records FROM input_file WHERE status = 'complete' ORDER BY id")
    .all() as Array<{ path: string; sha256: string; format: string | null; records: number }>;
  return rows.map((r) => ({ file: r.path, sha256: r.sha256, format: r.format, records: r.records }));
}

export interface HuntOptions {
  caseFile?: string | null;
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
  const counts = childCounts(db, kept.map((k) => k.inst.instanceId), windowSql('c.start_time', bounds));
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
      instanceId: inst.instanceId, host: inst.host, hostName: inst.hostName, name: inst.name, path: inst.path,
      commandLine: inst.commandLine, user: inst.user, pid: inst.pid, startTime: inst.startTime, hash,
      hashes: { ...inst.hashes }, signature: inst.signature, signer: inst.signer,
      binaryHosts: bHosts, pathKey, pathHosts: pHosts, launchesOnHost: launchCount, rareBy,
      children: [], childCommandLines: [], remoteIps: [], remotePorts: [], remoteNames: [], files: [], fileDetails: [],
      dlls: [], dllDetails: [], serviceInstall: null, firstSeen: inst.startTime, lastSeen: inst.startTime,
      sources: [], flags: [...inst.flags],
    });
  }
  enrichRows(db, rows, bounds);
  rows.sort((a, b) =>
    a.host < b.host ? -1 : a.host > b.host ? 1 : a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.instanceId - b.instanceId,
  );

  return {
    parameters: {
      preset: params.preset, measures: [...params.measures], match: params.match,
      window: { spec: params.window, from: bounds.from, to: bounds.to, newest, description: bounds.description },
      maxHosts: params.maxHosts, maxLaunches: params.maxLaunches, includeTrusted: params.includeTrusted,
      pathRules: pathRules.map(({ pattern, replacement, description, enabled }) => ({ pattern, replacement, description, enabled })),
      allowlist: allowEntries.map(({ kind, value, hosts, reason, enabled }) => ({ kind, value, hosts, reason, enabled })),
      generatedAt: new Date().toISOString(), caseFile: options.caseFile ?? null, longtailVersion: LONGTAIL_VERSION,
    },
    inputs: listInputs(db),
    rows,
    stats: { serviceInstances: all.length, allowlisted, inWindow: inside.length, rare: rows.length },
  };
}
