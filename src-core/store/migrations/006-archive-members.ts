// Schema 6: files read from inside archives (issue 10). A member is an input_file row of
// its own, pointing to the row of the container it came from (`container_id`), with its
// name and place in that container, so every stored event still leads to one row, and
// from there through each container to the file on disk. Notes gain an `info` level for
// what the log should say without it being a problem (the host name a collection gave).
import type { Migration } from './types.js';

export const archiveMembers: Migration = {
  version: 6,
  name: 'archive-members',
  up: (db) => {
    db.exec(`
ALTER TABLE input_file ADD COLUMN container_id INTEGER REFERENCES input_file(id);
ALTER TABLE input_file ADD COLUMN member TEXT;
ALTER TABLE input_file ADD COLUMN member_index INTEGER;
CREATE INDEX input_file_container ON input_file(container_id);

CREATE TABLE import_note_new (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES input_file(id),
  level TEXT NOT NULL CHECK (level IN ('error', 'warning', 'info', 'skipped')),
  reason TEXT NOT NULL,
  count INTEGER NOT NULL,
  refs TEXT NOT NULL
);
INSERT INTO import_note_new (id, file_id, level, reason, count, refs) SELECT id, file_id, level, reason, count, refs FROM import_note;
DROP TABLE import_note;
ALTER TABLE import_note_new RENAME TO import_note;
CREATE INDEX import_note_file ON import_note(file_id);
`);
  },
};
