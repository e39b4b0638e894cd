// What the Cases screen shows: inputs, hosts and time coverage at a glance.
import type { Db } from '../store/case-db.js';
import { caseSchemaVersion } from '../store/case-db.js';
import type { CaseInfo, HostSummary, ImportLogEntry } from './contract.js';
import type { ImportNote } from '../ingest/note-log.js';

const TABLES = { process: 'process_event', network: 'network_event', file: 'file_event', image: 'image_load', service: 'service_install' } as const;

export function caseInfo(db: Db, path: string): CaseInfo {
  const events = {} as CaseInfo['events'];
  for (const [kind, table] of Object.entries(TABLES) as Array<[keyof typeof TABLES, string]>) {
    const where = kind === 'process' ? ' WHERE implied = 0' : '';
    events[kind] = (db.prepare(`SELECT count(*) AS n FROM ${table}${where}`).get() as { n: number }).n;
  }
  const files = db.prepare("SELECT hosts, time_min, time_max, stored FROM input_file WHERE status = 'complete'").all() as Array<{
    hosts: string | null; time_min: string | null; time_max: string | null; stored: number;
  }>;
  // Per-host figures from the import log: cheap on any case size (no scan of events).
  const perHost = new Map<string, { first: string | null; last: string | null }>();
  for (const f of files) {
    for (const h of JSON.parse(f.hosts ?? '[]') as string[]) {
      const cur = perHost.get(h) ?? { first: null, last: null };
      if (f.time_min && (cur.first === null || f.time_min < cur.first)) cur.first = f.time_min;
      if (f.time_max && (cur.last === null || f.time_max > cur.last)) cur.last = f.time_max;
      perHost.set(h, cur);
    }
  }
  const names = db.prepare('SELECT h.key, group_concat(n.name, char(31)) AS names FROM host h LEFT JOIN host_name n ON n.host_id = h.id GROUP BY h.id ORDER BY h.key').all() as Array<{ key: string; names: string | null }>;
  const counts = new Map(
    (db.prepare('SELECT h.key, count(*) AS n FROM instance i JOIN host h ON h.id = i.host_id GROUP BY h.id').all() as Array<{ key: string; n: number }>)
      .map((r) => [r.key, r.n]),
  );
  const hosts: HostSummary[] = names.map((r) => ({
    key: r.key,
    names: r.names ? r.names.split('\u001f') : [],
    processes: counts.get(r.key) ?? 0,
    first: perHost.get(r.key)?.first ?? null,
    last: perHost.get(r.key)?.last ?? null,
  }));
  const first = files.reduce<string | null>((a, f) => (f.time_min && (a === null || f.time_min < a) ? f.time_min : a), null);
  const last = files.reduce<string | null>((a, f) => (f.time_max && (a === null || f.time_max > a) ? f.time_max : a), null);
  const inputs = (db.prepare('SELECT count(*) AS n FROM input_file').get() as { n: number }).n;
  return { path, schemaVersion: caseSchemaVersion(db), inputs, events, hosts, first, last };
}

interface FileRow {
  id: number; path: string; container: string | null; sha256: string; format: string | null; status: string; records: number; stored: number;
  duplicates: number; skipped: number; failed: number; time_min: string | null; time_max: string | null;
  hosts: string | null; started_at: string; finished_at: string | null; error: string | null;
}

export function importLog(db: Db): ImportLogEntry[] {
  const notes = db.prepare('SELECT level, reason, count, refs FROM import_note WHERE file_id = ? ORDER BY id');
  const members = new Map<number, Record<string, number>>();
  for (const r of db.prepare('SELECT container_id AS id, status, count(*) AS n FROM input_file WHERE container_id IS NOT NULL GROUP BY 1, 2').all() as Array<{
    id: number; status: string; n: number;
  }>) {
    members.set(r.id, { ...members.get(r.id), [r.status]: r.n });
  }
  const rows = db.prepare('SELECT f.*, c.path AS container FROM input_file f LEFT JOIN input_file c ON c.id = f.container_id ORDER BY f.id').all() as FileRow[];
  return rows.map((f) => ({
    id: f.id, path: f.path, container: f.container, members: ['zip', 'gzip', 'tar'].includes(f.format ?? '') ? (members.get(f.id) ?? {}) : null,
    sha256: f.sha256, format: f.format, status: f.status, records: f.records, stored: f.stored,
    duplicates: f.duplicates, skipped: f.skipped, failed: f.failed, timeMin: f.time_min, timeMax: f.time_max,
    hosts: JSON.parse(f.hosts ?? '[]') as string[], startedAt: f.started_at, finishedAt: f.finished_at, error: f.error,
    notes: (notes.all(f.id) as Array<{ level: ImportNote['level']; reason: string; count: number; refs: string }>).map((n) => ({
      level: n.level, reason: n.reason, count: n.count, refs: JSON.parse(n.refs) as string[],
    })),
  }));
}
