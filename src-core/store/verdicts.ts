// Issue 13: verdicts on service process instances, stored in the case (schema 7). A
// verdict is kept on the instance's process identity; an instance also shows a verdict
// set on an identity since merged into it (a 4688 start that met its Sysmon 1 start).
import os from 'node:os';
import type { Db } from './case-db.js';
import type { Verdict } from '../model/hunt.js';

export interface StoredVerdict {
  verdict: Verdict;
  note: string;
  by: string;
  at: string;
}

export class VerdictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerdictError';
  }
}

/** Who sets a verdict: the OS account, as the issue asks; never empty. */
export function currentUser(): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry (containers): fall back to the environment.
  }
  return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
}

/** Every instance's verdict, through merged identities; the latest wins if there are two. */
export function verdictsByInstance(db: Db): Map<number, StoredVerdict> {
  const out = new Map<number, StoredVerdict>();
  const rows = db
    .prepare(
      `SELECT coalesce(pi.instance_id, v.proc_id) AS instance_id, v.verdict, v.note, v.set_by, v.set_at
         FROM verdict v LEFT JOIN proc_instance pi ON pi.proc_id = v.proc_id
        ORDER BY v.set_at, v.proc_id`,
    )
    .all() as Array<{ instance_id: number; verdict: Verdict; note: string; set_by: string; set_at: string }>;
  for (const r of rows) out.set(r.instance_id, { verdict: r.verdict, note: r.note, by: r.set_by, at: r.set_at });
  return out;
}

export interface VerdictWrite {
  instanceIds: readonly number[];
  verdict: Verdict;
  /** Null keeps each instance's note. */
  note: string | null;
  user?: string;
  at?: string;
}

/**
 * Sets one verdict on several instances at once, in one transaction: all of them or
 * none (an unknown instance id refuses the whole change). Returns the notes now stored.
 */
export function setVerdicts(db: Db, w: VerdictWrite): { notes: Record<number, string>; by: string; at: string } {
  const by = w.user ?? currentUser();
  const at = w.at ?? new Date().toISOString();
  const current = verdictsByInstance(db);
  const find = db.prepare(
    `SELECT i.proc_id AS id, h.key AS host, p.key AS proc_key, i.name_lc AS name
       FROM instance i JOIN host h ON h.id = i.host_id JOIN proc p ON p.id = i.proc_id WHERE i.proc_id = ?`,
  );
  // A verdict left on a merged identity would compete with the new one.
  const dropAliases = db.prepare('DELETE FROM verdict WHERE proc_id IN (SELECT proc_id FROM proc_instance WHERE instance_id = ?)');
  const upsert = db.prepare(
    `INSERT INTO verdict (proc_id, host, proc_key, name, verdict, note, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (proc_id) DO UPDATE SET host = excluded.host, proc_key = excluded.proc_key, name = excluded.name,
       verdict = excluded.verdict, note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at`,
  );
  const notes: Record<number, string> = {};
  db.transaction(() => {
    for (const id of new Set(w.instanceIds)) {
      const inst = find.get(id) as { id: number; host: string; proc_key: string; name: string | null } | undefined;
      if (!inst) throw new VerdictError(`no service process instance ${id} in this case (run the hunt again?)`);
      const note = w.note ?? current.get(id)?.note ?? '';
      dropAliases.run(id);
      upsert.run(id, inst.host, inst.proc_key, inst.name, w.verdict, note, by, at);
      notes[id] = note;
    }
  })();
  return { notes, by, at };
}
