// Schema 7 (issue 13): the responder's verdicts, and process-start coverage per host.
//
// A verdict belongs to a service process instance, keyed by its process identity (the
// proc row), never by a row number: proc rows are interned once and never renumbered,
// so a verdict survives re-import, new files and re-hunts. When a 4688 instance later
// merges into a Sysmon 1 start, its proc becomes an alias (proc_instance) and the
// verdict follows it. The host key, identity text and name are copied in so the table
// reads on its own with sqlite3.
//
// Coverage: the UTC days on which each host has process starts from each source kind
// (Sysmon 1, Security 4688, Defender, Elastic), with their counts; resolution rewrites a
// host's rows whenever the host is resolved again. Existing cases are filled here.
import type BetterSqlite3 from 'better-sqlite3';
import type { Migration } from './types.js';

/** The source kind of a stored process start (process_event.source), as SQL. */
export const COVERAGE_KIND_SQL = `CASE
  WHEN source = 'sysmon:1' THEN 'sysmon'
  WHEN source = 'security:4688' THEN 'security'
  WHEN source LIKE 'defender:%' THEN 'defender'
  WHEN source LIKE 'elastic:%' THEN 'elastic'
END`;

export const verdictsCoverage: Migration = {
  version: 7,
  name: 'verdicts-coverage',
  up: (db) => {
    db.exec(`
CREATE TABLE verdict (
  proc_id INTEGER PRIMARY KEY REFERENCES proc(id),
  host TEXT NOT NULL,                    -- host key
  proc_key TEXT NOT NULL,                -- process identity (Sysmon ProcessGuid, entity id, pid and start time)
  name TEXT,                             -- service process name when the verdict was set
  verdict TEXT NOT NULL CHECK (verdict IN ('unreviewed', 'benign', 'suspicious', 'malicious')),
  note TEXT NOT NULL DEFAULT '',
  set_by TEXT NOT NULL,                  -- OS user name
  set_at TEXT NOT NULL                   -- ISO 8601 UTC
);

CREATE TABLE coverage (
  host_id INTEGER NOT NULL REFERENCES host(id),
  kind TEXT NOT NULL CHECK (kind IN ('sysmon', 'security', 'defender', 'elastic')),
  day TEXT NOT NULL,                     -- YYYY-MM-DD, UTC
  starts INTEGER NOT NULL,
  PRIMARY KEY (host_id, kind, day)
) WITHOUT ROWID;
CREATE INDEX coverage_day ON coverage(day, host_id);
`);
    backfillCoverage(db);
  },
};

/** Coverage of every host from its stored process starts, as resolution would write it. */
export function backfillCoverage(db: BetterSqlite3.Database): void {
  db.exec(`
INSERT INTO coverage (host_id, kind, day, starts)
SELECT host_id, kind, day, count(*) FROM (
  SELECT host_id, ${COVERAGE_KIND_SQL} AS kind, substr(time, 1, 10) AS day FROM process_event WHERE implied = 0
) WHERE kind IS NOT NULL GROUP BY host_id, kind, day;
`);
}
