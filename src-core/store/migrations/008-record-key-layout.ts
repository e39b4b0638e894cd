// Schema 8 (issue 11): how record keys are laid out in `record_key`, per case.
//
// Keys were `time|identity`: a file's keys arrive in time order, but in a fleet every
// file covers the whole window, so each file's inserts sweep the entire index, dirtying
// nearly every page of it once per file (measured: 10 µs per key at 3 million keys,
// against 5 when the same keys land in their own region). New cases key records
// `host key|time|identity`: a file's hosts are mostly its own, so its keys land in a few
// regions at the end of the index. The same record still gets the same key (the host is
// part of the record), so duplicates are still refused. A case that already holds keys
// keeps `time`: its stored keys must go on matching the same records.
import type { Migration } from './types.js';

export const recordKeyLayout: Migration = {
  version: 8,
  name: 'record-key-layout',
  up: (db) => {
    db.exec(`
INSERT INTO case_meta (key, value)
SELECT 'record_key_layout', CASE WHEN EXISTS (SELECT 1 FROM record_key) THEN 'time' ELSE 'host' END;
`);
  },
};
