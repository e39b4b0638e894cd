// Spec section 4 and 7.11-7.12: what each reported service process did, gathered
// through its identity (every proc key of the instance), in the window.
import type { Db } from '../store/case-db.js';
import type { ReportRow } from '../model/hunt.js';
import type { Signature } from '../model/events.js';
import { baseName, hashKey } from '../normalize/values.js';
import { windowSql, type Bounds } from './window.js';
import { installExecutable, pickInstall } from './service-link.js';

/** Distinct values in first-seen order; `fold` decides what counts as the same value. */
class OrderedSet<T> {
  private readonly seen = new Set<string>();
  readonly values: T[] = [];
  constructor(private readonly fold: (v: T) => string) {}
  add(v: T | null | undefined): void {
    if (v === null || v === undefined) return;
    const k = this.fold(v);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.values.push(v);
  }
}

const folded = (v: string) => v.toLowerCase();
const exact = (v: string) => v;

interface InstallRow {
  time: string;
  exe: string | null;
  service_name: string | null;
  image_path: string | null;
  account: string | null;
  start_type: string | null;
  service_type: string | null;
  source: string;
  file_id: number;
}

/**
 * Fills the rows' own attributes (name, command line, user, host spelling, flags) and
 * the service install; with `full`, also every enrichment set (spec section 4). The UI
 * asks without `full` for a big table and enriches the row the user opens.
 */
export function enrichRows(db: Db, rows: ReportRow[], bounds: Bounds, full = true): void {
  if (rows.length === 0) return;
  // An instance's identities: its own, plus any merged into it (a 4688's pid+time key).
  const procs = 'SELECT ? UNION ALL SELECT proc_id FROM proc_instance WHERE instance_id = ?';
  const w = (col: string) => windowSql(col, bounds);
  const q = {
    children: db.prepare(
      `SELECT c.start_time AS time, e.name, e.path, e.command_line, e.file_id FROM instance c
         JOIN process_event e ON e.id = c.event_id
        WHERE c.parent_id = ? AND ${w('c.start_time').sql} ORDER BY c.start_time, c.proc_id`,
    ),
    own: db.prepare(
      `SELECT e.file_id, e.host_name, e.name, e.command_line, e.user, e.pid, e.implied, e.id = i.event_id AS is_primary, i.flags
         FROM process_event e JOIN instance i ON i.proc_id = ?
        WHERE e.proc_id IN (${procs}) ORDER BY is_primary DESC, e.implied, e.id`,
    ),
    network: db.prepare(
      `SELECT time, remote_ip, remote_port, remote_name, file_id FROM network_event
        WHERE proc_id IN (${procs}) AND ${w('time').sql} ORDER BY time, id`,
    ),
    files: db.prepare(
      `SELECT time, target_path, action, sha256, sha1, md5, file_id FROM file_event
        WHERE proc_id IN (${procs}) AND ${w('time').sql} ORDER BY time, id`,
    ),
    dlls: db.prepare(
      `SELECT time, dll_path, sha256, sha1, md5, signed, signature, signer, file_id FROM image_load
        WHERE proc_id IN (${procs}) AND ${w('time').sql} ORDER BY time, id`,
    ),
    ends: db.prepare(`SELECT max(time) AS t FROM process_end WHERE proc_id IN (${procs}) AND ${w('time').sql}`),
    installs: db.prepare(
      `SELECT time, service_name, image_path, account, start_type, service_type, source, file_id FROM service_install
        WHERE host_id = (SELECT host_id FROM instance WHERE proc_id = ?) ORDER BY time, id`,
    ),
    filePath: db.prepare('SELECT path FROM input_file WHERE id = ?'),
    // Counts for the grid when the sets are not gathered (issue 13): distinct as the sets are.
    countIps: db.prepare(`SELECT count(DISTINCT remote_ip) AS n FROM network_event
        WHERE proc_id IN (${procs}) AND remote_ip IS NOT NULL AND ${w('time').sql}`).pluck(),
    filePaths: db.prepare(`SELECT DISTINCT target_path FROM file_event WHERE proc_id IN (${procs}) AND ${w('time').sql}`).pluck(),
    dllPaths: db.prepare(`SELECT DISTINCT dll_path FROM image_load WHERE proc_id IN (${procs}) AND ${w('time').sql}`).pluck(),
  };
  const distinctFolded = (values: unknown[]) => new Set(values.map((v) => folded(String(v)))).size;
  const filePaths = new Map<number, string>();
  const fileName = (id: number) => {
    let p = filePaths.get(id);
    if (p === undefined) {
      p = (q.filePath.get(id) as { path: string } | undefined)?.path ?? `input #${id}`;
      filePaths.set(id, p);
    }
    return p;
  };
  const installsByHost = new Map<string, InstallRow[]>();

  for (const row of rows) {
    const id = row.instanceId;
    const sources = new OrderedSet<number>(String);
    const own = q.own.all(id, id, id) as Array<{
      file_id: number; host_name: string; name: string | null; command_line: string | null; user: string | null;
      pid: number | null; flags: string | null;
    }>;
    // The primary record speaks; the instance's other records fill its gaps (spec 7.14).
    for (const r of own) {
      sources.add(r.file_id);
      row.name ??= r.name;
      row.commandLine ??= r.command_line;
      row.user ??= r.user;
      row.pid ??= r.pid;
    }
    if (own[0]) {
      row.hostName = own[0].host_name;
      row.flags = own[0].flags ? (JSON.parse(own[0].flags) as string[]) : [];
    }
    row.name ??= baseName(row.path);
    let first = row.startTime;
    let last = row.startTime;
    const seen = (t: string) => {
      if (t < first) first = t;
      if (t > last) last = t;
    };

    let install = installsByHost.get(row.host);
    if (!install) {
      install = (q.installs.all(id) as Array<Omit<InstallRow, 'exe'>>).map((r) => ({
        ...r, exe: r.image_path === null ? null : installExecutable(r.image_path),
      }));
      installsByHost.set(row.host, install);
    }
    const linked = pickInstall(install, row.startTime, row.path, row.name);
    if (linked) sources.add(linked.file_id);
    row.serviceInstall = linked && {
      serviceName: linked.service_name, imagePath: linked.image_path, account: linked.account,
      startType: linked.start_type, serviceType: linked.service_type, time: linked.time, source: linked.source,
    };
    if (!full) {
      row.sources = sources.values.map(fileName);
      row.counts = {
        children: row.counts.children,
        remoteIps: q.countIps.get(id, id, ...w('time').params) as number,
        files: distinctFolded(q.filePaths.all(id, id, ...w('time').params)),
        dlls: distinctFolded(q.dllPaths.all(id, id, ...w('time').params)),
      };
      continue;
    }

    const children = new OrderedSet<string>(folded);
    const childCmds = new OrderedSet<string>(exact);
    let launches = 0;
    for (const c of q.children.all(id, ...w('c.start_time').params) as Array<{
      time: string; name: string | null; path: string | null; command_line: string | null; file_id: number;
    }>) {
      launches++;
      children.add(c.name ?? baseName(c.path));
      childCmds.add(c.command_line);
      sources.add(c.file_id);
      seen(c.time);
    }

    const ips = new OrderedSet<string>(exact);
    const ports = new OrderedSet<number>(String);
    const names = new OrderedSet<string>(folded);
    for (const n of q.network.all(id, id, ...w('time').params) as Array<{
      time: string; remote_ip: string | null; remote_port: number | null; remote_name: string | null; file_id: number;
    }>) {
      ips.add(n.remote_ip);
      ports.add(n.remote_port);
      names.add(n.remote_name);
      sources.add(n.file_id);
      seen(n.time);
    }

    const files = new OrderedSet<{ path: string; action: string | null; hash: string | null }>((f) => f.path.toLowerCase());
    for (const f of q.files.all(id, id, ...w('time').params) as Array<{
      time: string; target_path: string; action: string | null; sha256: string | null; sha1: string | null; md5: string | null; file_id: number;
    }>) {
      files.add({ path: f.target_path, action: f.action, hash: hashKey(f) });
      sources.add(f.file_id);
      seen(f.time);
    }

    const dlls = new OrderedSet<{ path: string; hash: string | null; signed: boolean | null; signature: Signature; signer: string | null }>(
      (d) => d.path.toLowerCase(),
    );
    for (const d of q.dlls.all(id, id, ...w('time').params) as Array<{
      time: string; dll_path: string; sha256: string | null; sha1: string | null; md5: string | null;
      signed: number | null; signature: Signature; signer: string | null; file_id: number;
    }>) {
      dlls.add({ path: d.dll_path, hash: hashKey(d), signed: d.signed === null ? null : d.signed === 1, signature: d.signature, signer: d.signer });
      sources.add(d.file_id);
      seen(d.time);
    }
    const end = (q.ends.get(id, id, ...w('time').params) as { t: string | null }).t;
    if (end !== null) seen(end);

    row.children = children.values;
    row.childCommandLines = childCmds.values;
    row.remoteIps = ips.values;
    row.remotePorts = ports.values;
    row.remoteNames = names.values;
    row.fileDetails = files.values;
    row.files = files.values.map((f) => f.path);
    row.dllDetails = dlls.values;
    row.dlls = dlls.values.map((d) => d.path);
    row.counts = { children: launches, remoteIps: row.remoteIps.length, files: row.files.length, dlls: row.dlls.length };
    row.firstSeen = first;
    row.lastSeen = last;
    row.sources = sources.values.map(fileName);
  }
}
