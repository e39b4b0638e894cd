// Schema 3: the hunt reads service processes from `instance` alone. Resolution stores
// each service process's effective hashes and signature (gap-filled across the
// records of the instance), marks children of service processes, and keeps only the
// extra identities of an instance in proc_instance. Every host is re-resolved.
import type { Migration } from './types.js';

export const serviceAttributes: Migration = {
  version: 3,
  name: 'service-attributes',
  up: (db) => {
    db.exec(`
ALTER TABLE instance ADD COLUMN sha256 TEXT;
ALTER TABLE instance ADD COLUMN sha1 TEXT;
ALTER TABLE instance ADD COLUMN md5 TEXT;
ALTER TABLE instance ADD COLUMN signature TEXT;
ALTER TABLE instance ADD COLUMN signer TEXT;
ALTER TABLE instance ADD COLUMN parent_is_service INTEGER NOT NULL DEFAULT 0;
DROP INDEX instance_service;
DROP INDEX instance_parent;
CREATE INDEX instance_service ON instance(start_time) WHERE is_service = 1;
CREATE INDEX instance_parent ON instance(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX instance_service_child ON instance(parent_id, start_time) WHERE parent_is_service = 1;
UPDATE host SET resolved = 0;
`);
  },
};
