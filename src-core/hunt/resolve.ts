// Process instances, rebuilt per host after an import: which process starts are one
// instance (Sysmon 1 + 4688, spec 7.14), who is whose parent (spec 7.5), and which
// instances are service processes (spec section 2). The hunt then reads `instance`.
import type { Db } from '../store/case-db.js';
import { diffTicks } from '../normalize/time.js';

interface StartRow {
  id: number;
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
export function resolveHost(db: Db, hostId: number): void {
  const rows = db
    .prepare(
      `SELECT id, proc_id, time, implied, source, pid, path, name, parent_proc_id, parent_pid, parent_path,
              parent_name, is_4688, sha256, sha1, md5, signature, signer
         FROM process_event WHERE host_id = ? ORDER BY time, id`,
    )
    .all(hostId) as StartRow[];

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
  for (const inst of instances.values()) {
    const p = inst.primary;
    const parent = inst.parentId === null ? undefined : instances.get(inst.parentId);
    inst.parentNameLc =
      parentNameOf(p) ?? (inst.merged ? parentNameOf(inst.merged) : null) ?? (parent ? nameOf(parent.primary) : null);
    if (inst.parentNameLc === 'services.exe') {
      const scmPath = p.parent_path ?? inst.merged?.parent_path ?? parent?.primary.path ?? null;
      if (scmPath !== null && !SCM_PATH.test(scmPath)) {
        inst.flags.push(`services.exe parent outside \\Windows\\System32\\: ${scmPath}`);
      }
    }
  }

  db.prepare('DELETE FROM instance WHERE host_id = ?').run(hostId);
  db.prepare('DELETE FROM proc_instance WHERE host_id = ?').run(hostId);
  const insInstance = db.prepare(
    `INSERT INTO instance (proc_id, host_id, event_id, merged_event_id, start_time, name_lc, parent_id, parent_name_lc,
                           is_service, flags, sha256, sha1, md5, signature, signer, parent_is_service)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAlias = db.prepare('INSERT INTO proc_instance (proc_id, instance_id, host_id) VALUES (?, ?, ?)');
  const isService = (inst: Instance | undefined) => inst !== undefined && inst.parentNameLc === 'services.exe';
  for (const inst of instances.values()) {
    const p = inst.primary;
    const service = isService(inst);
    const parent = inst.parentId === null ? undefined : instances.get(inst.parentId);
    // Only service processes are hunted: their attributes are gap-filled and stored here
    // so the hunt reads one table (spec 7.14: the primary record wins, others fill gaps).
    const a = service ? effective(inst) : null;
    insInstance.run(
      inst.procId, hostId, p.id, inst.merged?.id ?? null, p.time, nameOf(p), inst.parentId, inst.parentNameLc,
      service ? 1 : 0, inst.flags.length ? JSON.stringify(inst.flags) : null,
      a?.sha256 ?? null, a?.sha1 ?? null, a?.md5 ?? null, a?.signature ?? null, a?.signer ?? null, isService(parent) ? 1 : 0,
    );
  }
  for (const [from, to] of alias) insAlias.run(from, to, hostId);
}

/** The instance's hashes and signature: the primary record's, gaps filled by the others in priority order. */
function effective(inst: Instance): { sha256: string | null; sha1: string | null; md5: string | null; signature: string; signer: string | null } {
  const rows = [...inst.rows].sort((a, b) => priority(a) - priority(b) || a.id - b.id);
  const first = <K extends 'sha256' | 'sha1' | 'md5' | 'signer'>(k: K) => {
    if (inst.primary[k] !== null) return inst.primary[k];
    return rows.find((r) => r[k] !== null)?.[k] ?? null;
  };
  const signature = inst.primary.signature !== 'unknown' ? inst.primary.signature : rows.find((r) => r.signature !== 'unknown')?.signature ?? 'unknown';
  return { sha256: first('sha256'), sha1: first('sha1'), md5: first('md5'), signature, signer: first('signer') };
}

/** Rebuilds every host an import touched. Returns how many hosts were rebuilt. */
export function resolveDirtyHosts(db: Db): number {
  const hosts = db.prepare('SELECT id FROM host WHERE resolved = 0').all() as Array<{ id: number }>;
  const done = db.prepare('UPDATE host SET resolved = 1 WHERE id = ?');
  for (const { id } of hosts) {
    db.transaction(() => {
      resolveHost(db, id);
      done.run(id);
    })();
  }
  return hosts.length;
}
