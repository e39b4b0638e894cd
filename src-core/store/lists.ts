// The case's editable lists: allowlist entries and path normalization rules.
import type { Db } from './case-db.js';
import type { AllowEntry, AllowEntryInput, PathRule, PathRuleInput } from '../model/hunt.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../hunt/defaults.js';

interface AllowRow {
  id: number;
  kind: AllowEntry['kind'];
  value: string;
  hosts: string | null;
  reason: string;
  enabled: number;
}

function toEntry(r: AllowRow): AllowEntry {
  return {
    id: r.id, kind: r.kind, value: r.value, reason: r.reason, enabled: r.enabled === 1,
    hosts: r.hosts === null ? null : (JSON.parse(r.hosts) as string[]),
  };
}

export function listAllowlist(db: Db): AllowEntry[] {
  return (db.prepare('SELECT * FROM allow_entry ORDER BY id').all() as AllowRow[]).map(toEntry);
}

function hostsJson(hosts: string[] | null): string | null {
  return hosts && hosts.length ? JSON.stringify(hosts.map((h) => h.toLowerCase())) : null;
}

export function addAllowEntry(db: Db, e: AllowEntryInput): AllowEntry {
  const id = Number(
    db.prepare('INSERT INTO allow_entry (kind, value, hosts, reason, enabled) VALUES (?, ?, ?, ?, ?)')
      .run(e.kind, e.value, hostsJson(e.hosts), e.reason, e.enabled ? 1 : 0).lastInsertRowid,
  );
  return { ...e, id, hosts: e.hosts && e.hosts.length ? e.hosts.map((h) => h.toLowerCase()) : null };
}

export function updateAllowEntry(db: Db, e: AllowEntry): void {
  const r = db
    .prepare('UPDATE allow_entry SET kind = ?, value = ?, hosts = ?, reason = ?, enabled = ? WHERE id = ?')
    .run(e.kind, e.value, hostsJson(e.hosts), e.reason, e.enabled ? 1 : 0, e.id);
  if (r.changes === 0) throw new Error(`no allowlist entry #${e.id}`);
}

export function deleteAllowEntry(db: Db, id: number): void {
  db.prepare('DELETE FROM allow_entry WHERE id = ?').run(id);
}

export function replaceAllowlist(db: Db, entries: readonly AllowEntryInput[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM allow_entry').run();
    for (const e of entries) addAllowEntry(db, e);
  })();
}

export function resetAllowlist(db: Db): void {
  replaceAllowlist(db, DEFAULT_ALLOWLIST);
}

export function listPathRules(db: Db): PathRule[] {
  const rows = db.prepare('SELECT * FROM path_rule ORDER BY position, id').all() as Array<
    Omit<PathRule, 'enabled'> & { enabled: number }
  >;
  return rows.map((r) => ({ ...r, enabled: r.enabled === 1 }));
}

export function replacePathRules(db: Db, rules: readonly PathRuleInput[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM path_rule').run();
    const ins = db.prepare('INSERT INTO path_rule (position, pattern, replacement, description, enabled) VALUES (?, ?, ?, ?, ?)');
    rules.forEach((r, i) => ins.run(i + 1, r.pattern, r.replacement, r.description, r.enabled ? 1 : 0));
  })();
}

export function resetPathRules(db: Db): void {
  replacePathRules(db, DEFAULT_PATH_RULES);
}
