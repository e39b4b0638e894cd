// A user's edit while an import holds the case's write lock (one transaction per file):
// reads go on (WAL), writes wait a moment and then fail with a 'busy' error that says why.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Session, SESSION_BUSY_MS } from '../../src-core/api/session.js';
import { ApiError } from '../../src-core/api/contract.js';
import { tempDir } from '../helpers/case-builder.js';

const dir = tempDir('longtail-busy-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = { kind: 'name' as const, value: 'updsvc.exe', hosts: null, reason: 'known updater', enabled: true };

describe('a session while an import writes', () => {
  it('reads, refuses an edit as busy after a short wait, and takes it once the file is stored', () => {
    const caseFile = path.join(dir, 'busy.longtail');
    const session = new Session({ mode: 'browser', recentFile: null });
    session.handle('case.create', { path: caseFile });
    const before = session.handle('allowlist.list', {}).length;
    // Another connection in a write transaction, as the importer holds one per file.
    const importer = new Database(caseFile);
    importer.prepare('BEGIN IMMEDIATE').run();
    try {
      expect(session.handle('allowlist.list', {})).toHaveLength(before);
      const t0 = performance.now();
      let error: unknown;
      try {
        session.handle('allowlist.add', { entry });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ kind: 'busy', message: expect.stringMatching(/import is storing a file/) });
      // It waited for the lock rather than failing at once.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(SESSION_BUSY_MS * 0.9);
    } finally {
      importer.prepare('COMMIT').run();
      importer.close();
    }
    const added = session.handle('allowlist.add', { entry });
    expect(session.handle('allowlist.list', {}).map((e) => e.id)).toContain(added.id);
    expect(session.handle('allowlist.list', {})).toHaveLength(before + 1);
    session.close();
  }, 20_000);
});
