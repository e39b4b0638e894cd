// Schema 2: a new case starts with the seed's allowlist and path rules.
import type { Migration } from './types.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../../hunt/defaults.js';

export const defaults: Migration = {
  version: 2,
  name: 'defaults',
  up: (db) => {
    const allow = db.prepare('INSERT INTO allow_entry (kind, value, hosts, reason, enabled) VALUES (?, ?, ?, ?, ?)');
    for (const e of DEFAULT_ALLOWLIST) allow.run(e.kind, e.value, null, e.reason, e.enabled ? 1 : 0);
    const rule = db.prepare('INSERT INTO path_rule (position, pattern, replacement, description, enabled) VALUES (?, ?, ?, ?, ?)');
    DEFAULT_PATH_RULES.forEach((r, i) => rule.run(i + 1, r.pattern, r.replacement, r.description, r.enabled ? 1 : 0));
  },
};
