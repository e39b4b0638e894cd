// Process instances, rebuilt per host after an import: which process starts are one
// instance (Sysmon 1 + 4688, spec 7.14), who is whose parent (spec 7.5), and which
// instances are service processes (spec section 2). The hunt then reads `instance`.
import { hostCoverage, storeHostCoverage, type CoverageCount } from './coverage.js';
import { openReader, type Db } from '../store/case-db.js';
import { workerPlans } from './resolve-client.js';
import { diffTicks } from '../normalize/time.js';
import { installExecutable, installMatches } from './service-link.js';

export interface StartRow {
  id: number;
  host_id: number;
  proc_id: number | null;
  time: string;
  implied: number;
  source: string;
  pid: number | null;
  path: string | null;
  name: string | null;
  parent_proc_id: number | null;
  parent_pid: number | null;
  parent_path: string | null;
  parent_name: string | null;
  is_4688: number;
}

export interface Attributes {
  sha256: string | null;
  sha1: string | null;
  md5: string | null;
  signature: string;
  signer: string | null;
}

interface Instance {
  procId: number;
  primary: StartRow;
  rows: StartRow[];
  merged: StartRow | null;
  parentId: number | null;
  parentNameLc: string | null;
  flags: string[];
}

/** Process starts held in memory at once while rebuilding many hosts. */
const RESOLVE_BATCH_ROWS = 100_000;

/**
 * From this many dirty process starts on, the sorted scan and the planning run on the
 * resolve worker (decision 69); below it, starting a thread costs about what it saves
 * (measured even near 30,000, a quarter faster from 57,000 on: decision 84).
 * LONGTAIL_RESOLVE_WORKER_MIN_ROWS overrides (tests).
 */
const RESOLVE_WORKER_MIN_ROWS = Number(process.env['LONGTAIL_RESOLVE_WORKER_MIN_ROWS']) || 50_000;

export interface ResolveOptions {
  /** False: read the hosts in batches instead of one sorted scan (tests compare both). */
  sortedScan?: boolean;
  /** Scan and plan on the resolve worker (default: from RESOLVE_WORKER_MIN_ROWS dirty starts on). */
  worker?: boolean;
}

/** Spec 7.14: at most this far apart (inclusive), in 100 ns ticks. */
const MERGE_TICKS = 2 * 10_000_000;

/** Which row speaks for an instance when several sources saw it. */
function priority(r: StartRow): number {
  if (r.implied) return 9;
  if (r.source.startsWith('sysmon:')) return 0;
  if (r.source.startsWith('elastic:')) return 1;
  if (r.source.startsWith('defender:')) return 2;
  if (r.is_4688) return 3;
  return 4;
}

function nameOf(r: StartRow): string | null {
  if (r.name) return r.name.toLowerCase();
  if (!r.path) return null;
  const cut = Math.max(r.path.lastIndexOf('\\'), r.path.lastIndexOf('/'));
  return r.path.slice(cut + 1).toLowerCase() || null;
}

function parentNameOf(r: StartRow): string | null {
  if (r.parent_name) return r.parent_name.toLowerCase();
  if (!r.parent_path) return null;
  const cut = Math.max(r.parent_path.lastIndexOf('\\'), r.parent_path.lastIndexOf('/'));
  return r.parent_path.slice(cut + 1).toLowerCase() || null;
}

const SCM_PATH = /(^|\\)windows\\system32\\services\.exe$/i;

export interface InstallSeen {
  time: string;
  name: string | null;
  exe: string | null;
}

/** How soon after its install the SCM starts a service binary, for the inference below. */
const INSTALL_TO_START_TICKS = 60 * 10_000_000;

/**
 * Beyond the spec (docs/decisions.md): a process whose parent is unknown — a 4688 v0/v1
 * whose creator pid started before the logs begin — but whose image a service install
 * on the same host named within the minute before, was started by the SCM. Metasploit's
 * psexec leaves exactly this: 7045 with `%COMSPEC% /b /c …`, then cmd.exe from pid 0x1cc.
 */
function scmStart(installs: readonly InstallSeen[], p: StartRow): InstallSeen | null {
  let best: InstallSeen | null = null;
  for (const i of installs) {
    if (i.time > p.time) break;
    if (i.exe === null || diffTicks(p.time, i.time) > INSTALL_TO_START_TICKS) continue;
    if (installMatches(i.exe, p.path, p.name)) best = i;
  }
  return best;
}

/** Spec 7.14: each 4688 to the closest Sysmon 1 with the same pid and image, one-to-one. */
function merge4688(instances: Map<number, Instance>): Map<number, number> {
  const sysmonByPid = new Map<number, Instance[]>();
  const lone4688: Instance[] = [];
  for (const inst of instances.values()) {
    const p = inst.primary;
    if (p.pid === null) continue;
    if (p.source === 'sysmon:1') {
      const list = sysmonByPid.get(p.pid) ?? [];
      list.push(inst);
      sysmonByPid.set(p.pid, list);
    } else if (p.is_4688 && inst.rows.every((r) => r.is_4688 || r.implied)) {
      lone4688.push(inst);
    }
  }
  const pairs: Array<{ a: Instance; s: Instance; gap: number }> = [];
  for (const a of lone4688) {
    for (const s of sysmonByPid.get(a.primary.pid!) ?? []) {
      if ((a.primary.path ?? '').toLowerCase() !== (s.primary.path ?? '').toLowerCase()) continue;
      const gap = Math.abs(diffTicks(a.primary.time, s.primary.time));
      if (gap <= MERGE_TICKS) pairs.push({ a, s, gap });
    }
  }
  pairs.sort((x, y) => x.gap - y.gap || x.a.primary.id - y.a.primary.id || x.s.primary.id - y.s.primary.id);
  const alias = new Map<number, number>();
  const taken = new Set<number>();
  for (const { a, s } of pairs) {
    if (alias.has(a.procId) || taken.has(s.procId)) continue;
    alias.set(a.procId, s.procId);
    taken.add(s.procId);
    s.merged = a.primary;
    s.rows.push(...a.rows);
    instances.delete(a.procId);
  }
  return alias;
}

/** Rebuilds one host's instances from its process starts. */
// Only what resolution needs: the hashes and signature are read later, for service
// processes only (materialising every row's hashes cost more than the rest).
const COLUMNS = `id, host_id, proc_id, time, implied, source, pid, path, name, parent_proc_id, parent_pid, parent_path,
  parent_name, is_4688`;

type RawRow = [number, number, number | null, string, number, string, number | null, string | null, string | null,
  number | null, number | null, string | null, string | null, number];

function toRow(r: RawRow): StartRow {
  return {
    id: r[0], host_id: r[1], proc_id: r[2], time: r[3], implied: r[4], source: r[5], pid: r[6], path: r[7], name: r[8],
    parent_proc_id: r[9], parent_pid: r[10], parent_path: r[11], parent_name: r[12], is_4688: r[13],
  };
}

/** An instance row in the column order of storeHost's INSERT (bound as it is). */
export type InstanceValues = [
  procId: number, hostId: number, eventId: number, mergedEventId: number | null, startTime: string, nameLc: string | null,
  parentId: number | null, parentNameLc: string | null, isService: 0 | 1, flags: string | null, sha256: string | null,
  sha1: string | null, md5: string | null, signature: string | null, signer: string | null, parentIsService: 0 | 1,
  path: string | null,
];

/** One host's resolution, computed from its rows and ready to store (plain data: it crosses threads). */
export interface HostPlan {
  hostId: number;
  instances: InstanceValues[];
  /** 4688 identities merged into a Sysmon 1 instance: [from proc, to proc]. */
  aliases: Array<[number, number]>;
  coverage: CoverageCount[];
  /** Process starts it was computed from (for transaction sizing). */
  rows: number;
}

/** What planning a host reads besides its rows: its service installs and events' attributes. */
export interface HostReads {
  installs(hostId: number): InstallSeen[];
  attributesOf(eventId: number): Attributes;
}

/** Reads from a connection (the writer's own, or the resolve worker's). */
export function hostReads(db: Db): HostReads {
  const installs = db.prepare('SELECT time, service_name, image_path FROM service_install WHERE host_id = ? ORDER BY time');
  const attrs = db.prepare('SELECT sha256, sha1, md5, signature, signer FROM process_event WHERE id = ?');
  return {
    installs: (hostId) =>
      (installs.all(hostId) as Array<{ time: string; service_name: string | null; image_path: string | null }>).map((r) => ({
        time: r.time, name: r.service_name, exe: r.image_path === null ? null : installExecutable(r.image_path),
      })),
    attributesOf: (id) => attrs.get(id) as Attributes,
  };
}

/** Computes one host's instances from its process starts (`rows` in time order). */
export function planHost(reads: HostReads, hostId: number, rows: readonly StartRow[]): HostPlan {
  const instances = new Map<number, Instance>();
  for (const r of rows) {
    if (r.proc_id === null) continue;
    const inst = instances.get(r.proc_id);
    if (!inst) {
      instances.set(r.proc_id, { procId: r.proc_id, primary: r, rows: [r], merged: null, parentId: null, parentNameLc: null, flags: [] });
    } else {
      inst.rows.push(r);
      if (priority(r) < priority(inst.primary)) inst.primary = r;
    }
  }
  const alias = merge4688(instances);
  const canonical = (procId: number | null): number | null => {
    if (procId === null) return null;
    const a = alias.get(procId);
    if (a !== undefined) return a;
    return instances.has(procId) ? procId : null;
  };

  // Spec 7.5 fallback: the latest start of the creator pid strictly before the child.
  const startsByPid = new Map<number, StartRow[]>();
  for (const r of rows) {
    if (r.pid === null || r.proc_id === null) continue;
    const list = startsByPid.get(r.pid) ?? [];
    list.push(r); // rows are in time order
    startsByPid.set(r.pid, list);
  }
  const latestBefore = (pid: number, time: string): number | null => {
    const list = startsByPid.get(pid);
    if (!list) return null;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? canonical(list[lo - 1]!.proc_id) : null;
  };

  for (const inst of instances.values()) {
    const p = inst.primary;
    const startTime = p.time;
    if (p.parent_proc_id !== null) {
      // An explicit parent identity decides; no pid fallback when it is unknown here.
      inst.parentId = canonical(p.parent_proc_id);
    } else {
      const creator = p.parent_pid ?? inst.merged?.parent_pid ?? null;
      inst.parentId = creator === null ? null : latestBefore(creator, startTime);
      if (inst.parentId === inst.procId) inst.parentId = null;
    }
  }
  let hostInstalls: InstallSeen[] | null = null;
  const installs = () => (hostInstalls ??= reads.installs(hostId));
  for (const inst of instances.values()) {
    const p = inst.primary;
    const parent = inst.parentId === null ? undefined : instances.get(inst.parentId);
    inst.parentNameLc =
      parentNameOf(p) ?? (inst.merged ? parentNameOf(inst.merged) : null) ?? (parent ? nameOf(parent.primary) : null);
    if (inst.parentNameLc === null && parent === undefined && p.parent_pid !== null) {
      const install = scmStart(installs(), p);
      if (install) {
        inst.parentNameLc = 'services.exe';
        inst.flags.push(
          `parent inferred as services.exe: creator pid ${p.parent_pid} (0x${p.parent_pid.toString(16)}) is not in the data, and service ` +
          `"${install.name ?? '?'}" was installed with this image ${Math.round(diffTicks(p.time, install.time) / 10_000)} ms before`,
        );
      }
    }
    if (inst.parentNameLc === 'services.exe') {
      const scmPath = p.parent_path ?? inst.merged?.parent_path ?? parent?.primary.path ?? null;
      if (scmPath !== null && !SCM_PATH.test(scmPath)) {
        inst.flags.push(`services.exe parent outside \\Windows\\System32\\: ${scmPath}`);
      }
    }
  }

  const isService = (inst: Instance | undefined) => inst !== undefined && inst.parentNameLc === 'services.exe';
  const values: InstanceValues[] = [];
  for (const inst of instances.values()) {
    const p = inst.primary;
    const service = isService(inst);
    const parent = inst.parentId === null ? undefined : instances.get(inst.parentId);
    // Only service processes are hunted: their attributes are gap-filled and stored here
    // so the hunt reads one table (spec 7.14: the primary record wins, others fill gaps).
    const a = service ? effective(inst, reads.attributesOf) : null;
    values.push([
      inst.procId, hostId, p.id, inst.merged?.id ?? null, p.time, nameOf(p), inst.parentId, inst.parentNameLc,
      service ? 1 : 0, inst.flags.length ? JSON.stringify(inst.flags) : null,
      a?.sha256 ?? null, a?.sha1 ?? null, a?.md5 ?? null, a?.signature ?? null, a?.signer ?? null, isService(parent) ? 1 : 0,
      service ? p.path : null,
    ]);
  }
  return { hostId, instances: values, aliases: [...alias], coverage: hostCoverage(rows), rows: rows.length };
}

/** Writes a host's plan, replacing its instances when `clear` (else the caller emptied the tables). */
export function storeHost(db: Db, plan: HostPlan, clear: boolean): void {
  const { hostId } = plan;
  if (clear) {
    db.prepare('DELETE FROM instance WHERE host_id = ?').run(hostId);
    db.prepare('DELETE FROM proc_instance WHERE host_id = ?').run(hostId);
  }
  const insInstance = db.prepare(
    `INSERT INTO instance (proc_id, host_id, event_id, merged_event_id, start_time, name_lc, parent_id, parent_name_lc,
                           is_service, flags, sha256, sha1, md5, signature, signer, parent_is_service, path)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAlias = db.prepare('INSERT INTO proc_instance (proc_id, instance_id, host_id) VALUES (?, ?, ?)');
  // As arguments: an array is read element by element through V8's property lookup (decision 85).
  for (const v of plan.instances) insInstance.run(...v);
  for (const [from, to] of plan.aliases) insAlias.run(from, to, hostId);
  storeHostCoverage(db, hostId, plan.coverage);
}

/** Rebuilds one host's instances from its process starts (`rows` in time order). */
function resolveHostRows(db: Db, hostId: number, rows: readonly StartRow[], clear: boolean): void {
  storeHost(db, planHost(hostReads(db), hostId, rows), clear);
}

/** The instance's hashes and signature: the primary record's, gaps filled by the others in priority order. */
function effective(inst: Instance, attributesOf: (eventId: number) => Attributes): Attributes {
  const rows = [inst.primary, ...inst.rows.filter((r) => r !== inst.primary).sort((a, b) => priority(a) - priority(b) || a.id - b.id)];
  const out: Attributes = { sha256: null, sha1: null, md5: null, signature: 'unknown', signer: null };
  for (const r of rows) {
    const a = attributesOf(r.id);
    out.sha256 ??= a.sha256;
    out.sha1 ??= a.sha1;
    out.md5 ??= a.md5;
    out.signer ??= a.signer;
    if (out.signature === 'unknown') out.signature = a.signature;
    if (out.sha256 && out.sha1 && out.md5 && out.signer && out.signature !== 'unknown') break;
  }
  return out;
}

/** Rebuilds one host's instances. */
export function resolveHost(db: Db, hostId: number): void {
  const rows = (db.prepare(`SELECT ${COLUMNS} FROM process_event WHERE host_id = ? ORDER BY time, id`).raw().all(hostId) as RawRow[]).map(toRow);
  resolveHostRows(db, hostId, rows, true);
}

/**
 * The given hosts' starts in one pass, sorted by host then time by SQLite (its sorter
 * spills to a temporary file, so memory holds one host at a time): one sequential read of
 * the table, where batches of hosts read it once per batch (9 times over the bench's 2.5
 * million events). Yields each host's rows once they are complete.
 */
export function* hostsSorted(reader: Db, hostIds: readonly number[]): Generator<{ hostId: number; rows: StartRow[] }> {
  reader.pragma('temp_store = FILE');
  reader.pragma('cache_size = -16384');
  const scan = reader.prepare(
    `SELECT ${COLUMNS} FROM process_event NOT INDEXED WHERE host_id IN (SELECT value FROM json_each(?)) ORDER BY host_id, time, id`,
  ).raw();
  let hostId = -1;
  let rows: StartRow[] = [];
  for (const r of scan.iterate(JSON.stringify(hostIds)) as IterableIterator<RawRow>) {
    if (r[1] !== hostId) {
      if (hostId >= 0) yield { hostId, rows };
      hostId = r[1];
      rows = [];
    }
    rows.push(toRow(r));
  }
  if (hostId >= 0) yield { hostId, rows };
}

/**
 * Stores host plans as they come, a transaction per RESOLVE_BATCH_ROWS (an edit in the
 * app waits no longer than that), each host marked resolved with its instances. Hosts
 * without a single start are resolved too (their instances cleared).
 */
function storePlans(db: Db, plans: Iterable<HostPlan>, hostIds: readonly number[], clear: boolean): void {
  const done = db.prepare('UPDATE host SET resolved = 1 WHERE id = ?');
  const pending = new Set(hostIds);
  let inTx = 0;
  db.exec('BEGIN');
  try {
    for (const plan of plans) {
      if (inTx >= RESOLVE_BATCH_ROWS) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        inTx = 0;
      }
      storeHost(db, plan, clear);
      done.run(plan.hostId);
      pending.delete(plan.hostId);
      inTx += plan.rows;
    }
    const reads = hostReads(db);
    for (const id of pending) {
      storeHost(db, planHost(reads, id, []), clear);
      done.run(id);
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * The dirty hosts resolved from one sorted scan through a second, read-only connection
 * while this one writes each host's instances as its rows are complete (decision 57);
 * the scan and the planning on a worker thread of their own when `worker` (decision 69).
 * False (nothing done) when the case has no file of its own to open twice (in memory) or
 * the caller holds a transaction (a second connection would not see its rows).
 */
function resolveSorted(db: Db, dirty: ReadonlyArray<{ id: number }>, clear: boolean, worker: boolean): boolean {
  if (db.memory || !db.name || db.inTransaction) return false;
  const ids = dirty.map((d) => d.id);
  if (worker) {
    storePlans(db, workerPlans(db.name, ids), ids, clear);
    return true;
  }
  const reader = openReader(db.name);
  try {
    const reads = hostReads(db);
    storePlans(db, (function* () {
      for (const h of hostsSorted(reader, ids)) yield planHost(reads, h.hostId, h.rows);
    })(), ids, clear);
    return true;
  } finally {
    reader.close();
  }
}

/**
 * Rebuilds every host an import touched; returns how many. Reading a host's starts
 * through the index jumps all over the table (hosts' rows are interleaved), so when
 * many hosts are dirty the table is read in one sequential pass per batch of hosts
 * instead, each batch bounded in rows so memory stays flat.
 */
export function resolveDirtyHosts(db: Db, opts: ResolveOptions = {}): number {
  const counts = db
    .prepare('SELECT h.id, h.resolved, (SELECT count(*) FROM process_event e WHERE e.host_id = h.id) AS n FROM host h')
    .all() as Array<{ id: number; resolved: number; n: number }>;
  const dirty = counts.filter((c) => c.resolved === 0);
  if (dirty.length === 0) return 0;
  const total = counts.reduce((a, c) => a + c.n, 0);
  const dirtyRows = dirty.reduce((a, c) => a + c.n, 0);
  const done = db.prepare('UPDATE host SET resolved = 1 WHERE id = ?');
  const everything = dirty.length === counts.length;
  if (dirtyRows < total / 10) {
    db.transaction(() => {
      for (const { id } of dirty) {
        resolveHost(db, id);
        done.run(id);
      }
    })();
    return dirty.length;
  }
  if (everything) {
    db.transaction(() => {
      db.prepare('DELETE FROM instance').run();
      db.prepare('DELETE FROM proc_instance').run();
    })();
  }
  const worker = opts.worker ?? dirtyRows >= RESOLVE_WORKER_MIN_ROWS;
  if (opts.sortedScan !== false && resolveSorted(db, dirty, !everything, worker)) return dirty.length;
  const scan = db.prepare(
    `SELECT ${COLUMNS} FROM process_event NOT INDEXED WHERE host_id IN (SELECT value FROM json_each(?))`,
  ).raw();
  for (let i = 0; i < dirty.length; ) {
    const batch: number[] = [];
    let rowsInBatch = 0;
    while (i < dirty.length && (batch.length === 0 || rowsInBatch + dirty[i]!.n <= RESOLVE_BATCH_ROWS)) {
      batch.push(dirty[i]!.id);
      rowsInBatch += dirty[i]!.n;
      i++;
    }
    const byHost = new Map<number, StartRow[]>(batch.map((id) => [id, []]));
    for (const r of scan.iterate(JSON.stringify(batch)) as IterableIterator<RawRow>) byHost.get(r[1])!.push(toRow(r));
    db.transaction(() => {
      for (const [id, rows] of byHost) {
        rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id - b.id));
        resolveHostRows(db, id, rows, !everything);
        done.run(id);
      }
    })();
  }
  return dirty.length;
}
