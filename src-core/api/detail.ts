// One service process opened in the UI: every enrichment set, and its activity along
// time for the timeline (one lane per kind of activity).
import type { Db } from '../store/case-db.js';
import type { ReportRow, WindowSpec } from '../model/hunt.js';
import type { Signature } from '../model/events.js';
import { hashKey } from '../normalize/values.js';
import { enrichRows } from '../hunt/enrich.js';
import { DEFAULT_MIN_COVERED_HOSTS } from '../hunt/presets.js';
import { applyTriage } from '../hunt/triage-fields.js';
import { windowBounds, windowSql } from '../hunt/window.js';
import { ApiError, type InstanceDetail, type TimelineEvent, type TimelineLane } from './contract.js';

export const TIMELINE_LANE_MAX = 5000;

function newest(db: Db): string | null {
  return (db.prepare("SELECT max(time_max) AS t FROM input_file WHERE status = 'complete'").get() as { t: string | null }).t;
}

/** A report row for one instance, before enrichment (measures are not computed here). */
function baseRow(db: Db, instanceId: number): ReportRow {
  const r = db
    .prepare(
      `SELECT i.proc_id, h.key AS host, i.start_time, e.path, coalesce(i.sha256, e.sha256) AS sha256, coalesce(i.sha1, e.sha1) AS sha1,
              coalesce(i.md5, e.md5) AS md5, coalesce(i.signature, e.signature) AS signature, coalesce(i.signer, e.signer) AS signer
         FROM instance i JOIN host h ON h.id = i.host_id JOIN process_event e ON e.id = i.event_id WHERE i.proc_id = ?`,
    )
    .get(instanceId) as
    | { proc_id: number; host: string; start_time: string; path: string | null; sha256: string | null; sha1: string | null; md5: string | null; signature: Signature; signer: string | null }
    | undefined;
  if (!r) throw new ApiError('not-found', `no process instance #${instanceId} in this case`);
  const hashes = { sha256: r.sha256, sha1: r.sha1, md5: r.md5 };
  return {
    instanceId, host: r.host, hostName: r.host, name: null, path: r.path, commandLine: null, user: null, pid: null,
    startTime: r.start_time, hash: hashKey(hashes), hashes, signature: r.signature, signer: r.signer,
    binaryHosts: null, pathKey: null, pathHosts: null, launchesOnHost: 0, rareBy: [], children: [], childCommandLines: [],
    remoteIps: [], remotePorts: [], remoteNames: [], files: [], fileDetails: [], dlls: [], dllDetails: [],
    serviceInstall: null, firstSeen: r.start_time, lastSeen: r.start_time, sources: [], flags: [],
    counts: { children: 0, remoteIps: 0, files: 0, dlls: 0 },
    coveredHosts: 0, thinCoverage: false, verdict: 'unreviewed', note: '', verdictBy: null, verdictAt: null,
  };
}

export function instanceDetail(db: Db, instanceId: number, window: WindowSpec, minCoveredHosts = DEFAULT_MIN_COVERED_HOSTS): InstanceDetail {
  const bounds = windowBounds(window, newest(db));
  const row = baseRow(db, instanceId);
  enrichRows(db, [row], bounds, true);
  applyTriage(db, [row], minCoveredHosts);
  const procs = 'SELECT ? UNION ALL SELECT proc_id FROM proc_instance WHERE instance_id = ?';
  const w = (col: string) => windowSql(col, bounds);
  const lanes: Array<[TimelineLane, string, unknown[]]> = [
    ['child', `SELECT c.start_time AS time, coalesce(e.name, e.path, '?') AS label, e.command_line AS detail FROM instance c
                 JOIN process_event e ON e.id = c.event_id WHERE c.parent_id = ? AND ${w('c.start_time').sql}
                 ORDER BY c.start_time LIMIT ${TIMELINE_LANE_MAX + 1}`, [instanceId, ...w('c.start_time').params]],
    ['network', `SELECT time, coalesce(remote_name, remote_ip, '?') || coalesce(':' || remote_port, '') AS label,
                 coalesce(action, '') || ' ' || coalesce(remote_ip, '') || coalesce(' ' || protocol, '') AS detail
                 FROM network_event WHERE proc_id IN (${procs}) AND ${w('time').sql} ORDER BY time LIMIT ${TIMELINE_LANE_MAX + 1}`,
      [instanceId, instanceId, ...w('time').params]],
    ['file', `SELECT time, target_path AS label, action AS detail FROM file_event WHERE proc_id IN (${procs}) AND ${w('time').sql}
              ORDER BY time LIMIT ${TIMELINE_LANE_MAX + 1}`, [instanceId, instanceId, ...w('time').params]],
    ['dll', `SELECT time, dll_path AS label, CASE signed WHEN 1 THEN 'signed' WHEN 0 THEN 'not signed' ELSE 'signature unknown' END
                    || ', ' || signature AS detail FROM image_load WHERE proc_id IN (${procs}) AND ${w('time').sql}
             ORDER BY time LIMIT ${TIMELINE_LANE_MAX + 1}`, [instanceId, instanceId, ...w('time').params]],
    ['end', `SELECT time, 'process ended' AS label, NULL AS detail FROM process_end WHERE proc_id IN (${procs}) AND ${w('time').sql}
             ORDER BY time LIMIT ${TIMELINE_LANE_MAX + 1}`, [instanceId, instanceId, ...w('time').params]],
  ];
  const timeline: TimelineEvent[] = [{ lane: 'start', time: row.startTime, label: row.name ?? row.path ?? 'process start', detail: row.commandLine }];
  const truncated: TimelineLane[] = [];
  for (const [lane, sql, params] of lanes) {
    const events = db.prepare(sql).all(...params) as Array<{ time: string; label: string; detail: string | null }>;
    if (events.length > TIMELINE_LANE_MAX) {
      truncated.push(lane);
      events.length = TIMELINE_LANE_MAX;
    }
    for (const e of events) timeline.push({ lane, time: e.time, label: e.label, detail: e.detail });
  }
  if (row.serviceInstall) {
    timeline.push({
      lane: 'service', time: row.serviceInstall.time, label: `installed ${row.serviceInstall.serviceName ?? '?'}`,
      detail: row.serviceInstall.imagePath,
    });
  }
  timeline.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const records = (db
    .prepare(
      `SELECT e.id, e.source, e.ref, f.path AS file FROM process_event e JOIN input_file f ON f.id = e.file_id
        WHERE e.proc_id IN (${procs}) ORDER BY e.implied, e.id`,
    )
    .all(instanceId, instanceId) as Array<{ id: number; source: string; ref: string; file: string }>)
    .map((r) => ({ table: 'process' as const, ...r }));
  return { records, row, timeline, truncated };
}
