// Opening a case file: one SQLite database per case, WAL, schema by numbered
// migrations with a tracking table. An older case is backed up before migrating.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';

export type Db = Database.Database;

export class CaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseError';
  }
}

export interface OpenOptions {
  /** Create the case when the file does not exist (default true). */
  create?: boolean;
  readonly?: boolean;
}

export interface OpenedCase {
  db: Db;
  path: string;
  /** Set when an older case was migrated: where the pre-migration copy is. */
  backupPath: string | null;
}

/**
 * Page size of a new case (decision 77). SQLite's default is 4 KiB; an import's inserts
 * land all over the case's indexes (keys start with the host), and with bigger pages the
 * writer touches fewer of them per row, the log gets fewer frames, and the checkpoint
 * copies fewer: the one writer stored 8–15 % faster over the same batches. Fixed when the
 * file is created (a case in WAL mode keeps its size), so older cases keep 4 KiB, and
 * every size reads the same.
 */
export const NEW_CASE_PAGE_SIZE = 16384;

/** What SQLite's auto-checkpoint lets the log grow to, in bytes (set in pages below). */
const CASE_LOG_BYTES = 256 * 1024 * 1024;

function applyPragmas(db: Db, readonly: boolean): void {
  // Only a database with no pages yet takes it: a new file, or an empty one.
  if (!readonly && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma(`page_size = ${NEW_CASE_PAGE_SIZE}`);
  if (!readonly) db.pragma('journal_mode = WAL');
  // Checkpoint every 256 MiB of WAL rather than SQLite's 4 MiB: an import commits once per
  // file, and copying pages back (with an fsync) after each small file cost more than
  // storing the file (1 GB of EVTX: 20 s with 64 MiB, 16 s with 256 MiB). A checkpoint
  // still bounds the WAL, closing the case empties it, and a commit is as durable as
  // before: a kill loses nothing committed; a power cut may lose commits since the last
  // checkpoint (never corrupts), and the import log then shows those files as absent.
  if (!readonly) db.pragma(`wal_autocheckpoint = ${CASE_LOG_BYTES / (db.pragma('page_size', { simple: true }) as number)}`);
  // NORMAL is durable at each checkpoint and crash-safe in WAL mode; FULL would fsync
  // every commit, which costs import speed and buys nothing for an atomic per-file import.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  // 48 MiB: with the parse workers, an import stays under 300 MB whatever the input.
  db.pragma('cache_size = -49152');
  db.pragma('temp_store = MEMORY');
}

function currentVersion(db: Db): number {
  const has = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'")
    .get();
  if (!has) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migration').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * No tables, or only an empty `schema_migration`: what a process killed while it created
 * the case left before this version made that table in the first migration's
 * transaction. Either way, nothing of a case is there yet.
 */
function isEmptyDatabase(db: Db): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) return true;
  if (tables.length > 1 || tables[0] !== 'schema_migration') return false;
  return db.prepare('SELECT count(*) FROM schema_migration').pluck().get() === 0;
}

const MIGRATION_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';

function migrate(db: Db, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    // The tracking table comes with the first migration, in its transaction: a process
    // killed while it creates the case leaves no table, or every table of that step.
    db.transaction(() => {
      db.exec(MIGRATION_TABLE);
      m.up(db);
      db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
}

/** The native module to load: Electron's main process names an Electron-ABI build (electron/native.ts). */
function bindingOption(): { nativeBinding?: string } {
  const nativeBinding = process.env['LONGTAIL_SQLITE_BINDING'] || undefined;
  return nativeBinding ? { nativeBinding } : {};
}

/**
 * A second, read-only connection to an open case, for reading while the first one
 * writes (WAL: it sees what was committed when each of its reads began). No pragmas
 * beyond the caller's; never migrates.
 */
export function openReader(path: string): Db {
  return new Database(path, { readonly: true, fileMustExist: true, ...bindingOption() });
}

/**
 * A plain read-write connection to an open case, for folding its WAL back into the
 * database from another thread (ingest/wal-checkpointer.ts). No pragmas, never migrates.
 */
export function openCheckpointConnection(path: string): Db {
  return new Database(path, { fileMustExist: true, ...bindingOption() });
}

/** Opens (and creates or migrates) a case file. */
export function openCase(path: string, options: OpenOptions = {}): OpenedCase {
  const exists = fs.existsSync(path);
  if (!exists && options.create === false) throw new CaseError(`${path}: no such case file`);
  if (!exists && options.readonly) throw new CaseError(`${path}: no such case file`);
  let db: Db;
  try {
    // Electron's main process loads an Electron-ABI build of the native module (see
    // electron/native.ts); plain Node (CLI, tests) uses the one npm built.
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.create === false,
      ...bindingOption(),
    });
  } catch (err) {
    throw new CaseError(`${path}: cannot open case: ${(err as Error).message}`);
  }
  try {
    applyPragmas(db, options.readonly ?? false);
    const version = currentVersion(db);
    if (version === 0 && !isEmptyDatabase(db)) {
      throw new CaseError(`${path}: not a Longtail case (an SQLite database without Longtail's tables)`);
    }
    if (version > SCHEMA_VERSION) {
      throw new CaseError(`${path}: written by a newer Longtail (schema ${version}; this version knows ${SCHEMA_VERSION})`);
    }
    let backupPath: string | null = null;
    if (version < SCHEMA_VERSION) {
      if (options.readonly) throw new CaseError(`${path}: schema ${version} needs migrating; open it writable`);
      if (version > 0) {
        // Keep the case as it was before changing its schema: fold the WAL in, then copy.
        db.pragma('wal_checkpoint(TRUNCATE)');
        backupPath = `${path}.schema-${version}.bak`;
        fs.copyFileSync(path, backupPath);
      }
      migrate(db, version);
    }
    if (version === 0) {
      db.prepare('INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)').run('created_at', new Date().toISOString());
    }
    if (!options.readonly) markInterruptedImports(db);
    return { db, path, backupPath };
  } catch (err) {
    db.close();
    if (err instanceof CaseError) throw err;
    throw new CaseError(`${path}: cannot open case: ${(err as Error).message}`);
  }
}

/**
 * A file left 'importing' by a process that died: its events were never committed
 * (its transaction, or its group's, never was), so the case is as before it; say so in
 * the log. Skipped when another process holds the write lock, since it may be importing
 * right now.
 */
function markInterruptedImports(db: Db): void {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.prepare(
      "UPDATE input_file SET status = 'incomplete', error = 'import interrupted before the file was finished; nothing of it is stored' WHERE status = 'importing'",
    ).run();
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

export function caseSchemaVersion(db: Db): number {
  return currentVersion(db);
}
