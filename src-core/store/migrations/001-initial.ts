// Schema 1: the case file. Times are Iso7 text (model/events.ts); every stored event
// points back to its input file and record (`file_id`, `ref`).
import type { Migration } from './types.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: (db) => {
    db.exec(`
CREATE TABLE case_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE host (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,              -- lowercased, cut at the first dot
  resolved INTEGER NOT NULL DEFAULT 0    -- 0: its process instances must be rebuilt
);
CREATE TABLE host_name (
  host_id INTEGER NOT NULL REFERENCES host(id),
  name TEXT NOT NULL,                    -- a spelling as seen in the data
  PRIMARY KEY (host_id, name)
) WITHOUT ROWID;

CREATE TABLE input_file (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  format TEXT,
  encoding TEXT,
  status TEXT NOT NULL CHECK (status IN ('importing', 'complete', 'failed', 'incomplete', 'duplicate')),
  records INTEGER NOT NULL DEFAULT 0,    -- records read = stored + duplicates + skipped + failed
  stored INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,    -- valid records the hunt does not use
  failed INTEGER NOT NULL DEFAULT 0,     -- records that could not be read or mapped
  time_min TEXT,
  time_max TEXT,
  hosts TEXT,                            -- JSON array of host keys
  started_at TEXT NOT NULL,
  finished_at TEXT,
  error TEXT
);
CREATE INDEX input_file_sha256 ON input_file(sha256);

CREATE TABLE import_note (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES input_file(id),
  level TEXT NOT NULL CHECK (level IN ('error', 'warning', 'skipped')),
  reason TEXT NOT NULL,
  count INTEGER NOT NULL,
  refs TEXT NOT NULL                     -- JSON array of the first locations: "line 12: detail"
);
CREATE INDEX import_note_file ON import_note(file_id);

-- Identity of every stored source record (spec section 1 "Duplicates"): a 16-byte
-- digest of the record's dedupe key.
CREATE TABLE record_key (key BLOB PRIMARY KEY, file_id INTEGER NOT NULL) WITHOUT ROWID;

-- Process identities per host (model ProcKey), interned so events link by integer.
CREATE TABLE proc (
  id INTEGER PRIMARY KEY,
  host_id INTEGER NOT NULL REFERENCES host(id),
  key TEXT NOT NULL,
  UNIQUE (host_id, key)
);

CREATE TABLE process_event (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, host_name TEXT NOT NULL, time TEXT NOT NULL,
  implied INTEGER NOT NULL DEFAULT 0,    -- 1: known only as the actor of other rows
  proc_id INTEGER, pid INTEGER, path TEXT, name TEXT, command_line TEXT, user TEXT,
  sha256 TEXT, sha1 TEXT, md5 TEXT, signature TEXT NOT NULL, signer TEXT,
  parent_proc_id INTEGER, parent_pid INTEGER, parent_path TEXT, parent_name TEXT,
  parent_command_line TEXT,
  is_4688 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX process_event_host ON process_event(host_id, pid, time);
CREATE INDEX process_event_proc ON process_event(proc_id);
CREATE UNIQUE INDEX process_event_implied ON process_event(proc_id) WHERE implied = 1;

CREATE TABLE network_event (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, time TEXT NOT NULL,
  proc_id INTEGER, pid INTEGER, path TEXT,
  action TEXT, protocol TEXT, remote_ip TEXT, remote_port INTEGER, remote_name TEXT,
  local_ip TEXT, local_port INTEGER, direction TEXT
);
CREATE INDEX network_event_proc ON network_event(proc_id);

CREATE TABLE file_event (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, time TEXT NOT NULL,
  proc_id INTEGER, pid INTEGER, path TEXT,
  action TEXT, target_path TEXT NOT NULL, sha256 TEXT, sha1 TEXT, md5 TEXT
);
CREATE INDEX file_event_proc ON file_event(proc_id);

CREATE TABLE image_load (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, time TEXT NOT NULL,
  proc_id INTEGER, pid INTEGER, path TEXT,
  dll_path TEXT NOT NULL, sha256 TEXT, sha1 TEXT, md5 TEXT,
  signed INTEGER, signature TEXT NOT NULL, signer TEXT
);
CREATE INDEX image_load_proc ON image_load(proc_id);

CREATE TABLE service_install (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, time TEXT NOT NULL,
  service_name TEXT, image_path TEXT, account TEXT, start_type TEXT, service_type TEXT
);
CREATE INDEX service_install_host ON service_install(host_id, time);

CREATE TABLE process_end (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL, ref TEXT NOT NULL, source TEXT NOT NULL,
  host_id INTEGER NOT NULL, time TEXT NOT NULL,
  proc_id INTEGER, pid INTEGER, path TEXT
);
CREATE INDEX process_end_proc ON process_end(proc_id);

-- Derived from process_event by hunt/resolve.ts, per host, after each import.
CREATE TABLE instance (
  proc_id INTEGER PRIMARY KEY,           -- the instance's identity (canonical proc)
  host_id INTEGER NOT NULL,
  event_id INTEGER NOT NULL,             -- its primary process_event row
  merged_event_id INTEGER,               -- a 4688 merged into this Sysmon 1 start (spec 7.14)
  start_time TEXT NOT NULL,
  name_lc TEXT,
  parent_id INTEGER,                     -- resolved parent instance (spec 7.5)
  parent_name_lc TEXT,                   -- the event's parent name, else the resolved parent's
  is_service INTEGER NOT NULL,           -- parent is services.exe (spec section 2)
  flags TEXT                             -- JSON array, e.g. services.exe outside System32
);
CREATE INDEX instance_service ON instance(is_service, start_time);
CREATE INDEX instance_parent ON instance(parent_id);
CREATE INDEX instance_host ON instance(host_id);
-- Other identities of an instance (a merged 4688's key) and of every proc with events.
CREATE TABLE proc_instance (proc_id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL, host_id INTEGER NOT NULL);
CREATE INDEX proc_instance_instance ON proc_instance(instance_id);
CREATE INDEX proc_instance_host ON proc_instance(host_id);

CREATE TABLE allow_entry (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('name', 'path', 'hash', 'signer')),
  value TEXT NOT NULL,
  hosts TEXT,                            -- JSON array of host keys, or NULL for every host
  reason TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE path_rule (
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  pattern TEXT NOT NULL,
  replacement TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1
);
`);
  },
};
