// Schema 5: service processes keep their image path in `instance`, and the partial
// index of service processes carries every column the hunt reads, so the hunt reads
// that index alone, in order. Joining each service process to its process_event row,
// then to its instance row, cost a random page read per row: over half of a hunt on a
// 5-million-event case (profile, 2026-11). The path is filled here from the same
// primary rows resolution uses, so no host needs resolving again.
import type { Migration } from './types.js';

export const servicePath: Migration = {
  version: 5,
  name: 'service-path',
  up: (db) => {
    db.exec(`
ALTER TABLE instance ADD COLUMN path TEXT;
UPDATE instance SET path = (SELECT e.path FROM process_event e WHERE e.id = instance.event_id) WHERE is_service = 1;
DROP INDEX instance_service;
CREATE INDEX instance_service ON instance(start_time, host_id, name_lc, path, sha256, sha1, md5, signature, signer)
  WHERE is_service = 1;
`);
  },
};
