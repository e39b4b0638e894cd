// Schema 4: process starts indexed by (host, time), the order resolution reads them in
// and the order imports append them in; the pid was never searched through the index.
import type { Migration } from './types.js';

export const hostTimeIndex: Migration = {
  version: 4,
  name: 'host-time-index',
  up: (db) => {
    db.exec(`
DROP INDEX process_event_host;
CREATE INDEX process_event_host ON process_event(host_id, time);
`);
  },
};
