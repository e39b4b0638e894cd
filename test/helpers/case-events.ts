// A case's events as comparable text: every stored event with its ids replaced by what they
// stand for (host key, process identity), its file and location left out. Two imports of
// the same records in different wrappings (EVTX and EvtxECmd CSV, loose files and an
// archive) must give the same lists.
import type { Db } from '../../src-core/store/case-db.js';

export function caseEvents(db: Db): Record<string, string[]> {
  const host = 'h.key AS host';
  const proc = (col: string) => `(SELECT key FROM proc WHERE id = e.${col}) AS ${col}`;
  const tables: Record<string, string> = {
    process_event: `SELECT ${host}, e.source, e.host_name, e.time, e.implied, ${proc('proc_id')}, e.pid, e.path, e.name, e.command_line, e.user,
      e.sha256, e.sha1, e.md5, e.signature, e.signer, ${proc('parent_proc_id')}, e.parent_pid, e.parent_path, e.parent_name,
      e.parent_command_line, e.is_4688`,
    network_event: `SELECT ${host}, e.source, e.time, ${proc('proc_id')}, e.pid, e.path, e.action, e.protocol, e.remote_ip, e.remote_port,
      e.remote_name, e.local_ip, e.local_port, e.direction`,
    file_event: `SELECT ${host}, e.source, e.time, ${proc('proc_id')}, e.pid, e.path, e.action, e.target_path, e.sha256, e.sha1, e.md5`,
    image_load: `SELECT ${host}, e.source, e.time, ${proc('proc_id')}, e.pid, e.path, e.dll_path, e.sha256, e.sha1, e.md5, e.signed,
      e.signature, e.signer`,
    service_install: `SELECT ${host}, e.source, e.time, e.service_name, e.image_path, e.account, e.start_type, e.service_type`,
    process_end: `SELECT ${host}, e.source, e.time, ${proc('proc_id')}, e.pid, e.path`,
  };
  const out: Record<string, string[]> = {};
  for (const [table, select] of Object.entries(tables)) {
    out[table] = db.prepare(`${select} FROM ${table} e JOIN host h ON h.id = e.host_id`).all().map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
