// Files into the case, a group at a time: each file hashed, checked against the case,
// then its parsed batches stored inside a savepoint of the group's transaction, so a
// failure or a kill leaves the case as it was before that file. The batches come from
// this thread (small files) or from a parse worker (big ones).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/case-db.js';
import { EventWriter } from '../store/event-writer.js';
import { isImpliedWire } from '../store/wire.js';
import { hostKey } from '../normalize/values.js';
import { detectFile, type Detection } from './detect.js';
import { DATA_EXTENSIONS, sha256File, type InputFile } from './inputs.js';
import { NoteLog } from './note-log.js';
import { parseFile, type Batch, type ParseEnd } from './parse-file.js';
import type { ParseChannel } from './parse-channel.js';
import { emptyResult, type FileImportResult, type ImportProgress } from './import-types.js';

export interface Prepared {
  input: InputFile;
  size: number;
  det: Detection | null;
  error: string | null;
}

/** Sizes and sniffs a file; never throws (an unreadable file says why in `error`). */
export function prepare(input: InputFile): Prepared {
  try {
    const size = fs.statSync(input.path).size;
    return { input, size, det: detectFile(input.path), error: null };
  } catch (err) {
    return { input, size: 0, det: null, error: `cannot read: ${(err as Error).message}` };
  }
}

/** Whether the file will be read as records (and so may go to a parse worker). */
export function willParse(p: Prepared): boolean {
  return p.det !== null && p.det.family !== 'unknown';
}

type Progress = (p: Partial<ImportProgress>) => void;

const now = () => new Date().toISOString();

/** One file of a group: what was found out about it, where its batches come from. */
export interface GroupMember {
  p: Prepared;
  progress: Progress;
  /** Called when the file's turn comes: its parse worker's end, or null to parse here. */
  channel: () => ParseChannel | null;
  /**
   * Called as soon as the file is done with, stored or not: a worker kept waiting on a
   * file nobody reads any more would stall the files queued behind it.
   */
  release: () => void;
}

/** A group member with its input_file row. */
interface Logged extends GroupMember {
  result: FileImportResult;
  fileId: number;
  /** Its place among the group's members. */
  index: number;
}

/** What a group stored: results for its first `done` members, in order. */
export interface GroupOutcome {
  results: FileImportResult[];
  done: number;
}

export class FileImporter {
  private readonly writer: EventWriter;
  private readonly s;

  constructor(private readonly db: Db) {
    this.writer = new EventWriter(db);
    this.s = {
      findComplete: db.prepare("SELECT id FROM input_file WHERE sha256 = ? AND status = 'complete' ORDER BY id LIMIT 1"),
      insertFile: db.prepare(
        "INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at) VALUES (?, ?, '', NULL, ?, 'importing', ?)",
      ),
      finishFile: db.prepare(
        `UPDATE input_file SET status = ?, sha256 = coalesce(?, sha256), records = ?, stored = ?, duplicates = ?, skipped = ?,
           failed = ?, time_min = ?, time_max = ?, hosts = ?, finished_at = ?, error = ?, format = coalesce(?, format) WHERE id = ?`,
      ),
      insertNote: db.prepare('INSERT INTO import_note (file_id, level, reason, count, refs) VALUES (?, ?, ?, ?, ?)'),
      deleteFile: db.prepare('DELETE FROM input_file WHERE id = ?'),
    };
  }

  /**
   * Imports a group of files in one transaction, each file in a savepoint of its own
   * (decision 39): one commit for many small files, where a commit per file cost 40 % of
   * this thread, yet each file is still stored whole or not at all. The files' rows are
   * committed first with status 'importing': if the process dies inside the group, they
   * stay so, and the next open logs them as interrupted with nothing stored.
   * A group that has held the write lock for `budgetMs` takes no further file: the
   * files left are returned for the next group (their rows go with this commit), so an
   * edit in the app waits for about that long at most, however slow the files parse.
   * Returns the results in the members' order, once the group is committed.
   */
  importGroup(members: readonly GroupMember[], budgetMs = Infinity): GroupOutcome {
    const results: FileImportResult[] = [];
    const logged: Logged[] = [];
    members.forEach((m, index) => {
      const { p } = m;
      const result = emptyResult(p.input.path, p.size);
      results.push(result);
      if (p.det === null) {
        result.error = p.error;
        m.release();
        return;
      }
      const dataLike = p.input.explicit || DATA_EXTENSIONS.has(path.extname(p.input.path).toLowerCase());
      if (p.size > 0 && p.det.family === 'unknown' && !dataLike) {
        result.status = 'ignored';
        result.error = `not a data file (${p.det.reason ?? 'unknown format'})`;
        m.release();
        return;
      }
      logged.push({ ...m, result, fileId: 0, index });
    });
    let done = members.length;
    if (logged.length === 0) return { results, done };
    this.db.transaction(() => {
      for (const l of logged) {
        l.fileId = Number(this.s.insertFile.run(l.p.input.path, l.p.size, l.p.det?.encoding ?? null, now()).lastInsertRowid);
        l.result.fileId = l.fileId;
      }
    })();
    try {
      const taken = this.db.transaction(() => this.storeGroup(logged, budgetMs)).immediate();
      if (taken < logged.length) done = logged[taken]!.index;
    } catch (err) {
      // The group's transaction itself failed (e.g. the disk is full at commit): nothing
      // of it is stored. Logged now, in a transaction of its own, if the case still can.
      this.writer.reset();
      for (const l of logged) {
        l.release();
        this.failed(l.result, err as Error);
      }
      try {
        this.db.transaction(() => {
          for (const l of logged) this.finishUnread(l.fileId, 'failed', l.result);
        })();
      } catch {
        // Left 'importing': the next open logs them as interrupted.
      }
    }
    return { results: results.slice(0, done), done };
  }

  /**
   * Inside the group's transaction: stores its logged files in order until the budget
   * is spent, and returns how many it took. The rows of the files it did not take are
   * deleted, so they leave with this commit and start the next group.
   */
  private storeGroup(logged: readonly Logged[], budgetMs: number): number {
    const storeOne = (l: Logged) => {
      try {
        this.importLogged(l);
      } finally {
        l.release();
      }
    };
    // A savepoint per file only where there are several: its sub-journal copies every
    // page the file changes, which a file alone in its transaction does not need (its
    // failure rolls back the whole transaction, handled by importGroup).
    if (logged.length === 1) {
      storeOne(logged[0]!);
      return 1;
    }
    const inSavepoint = this.db.transaction(storeOne);
    const started = performance.now();
    for (const [j, l] of logged.entries()) {
      if (j > 0 && performance.now() - started > budgetMs) {
        for (const rest of logged.slice(j)) this.s.deleteFile.run(rest.fileId);
        return j;
      }
      try {
        inSavepoint(l); // a failure rolls back this file alone
      } catch (err) {
        // Rows the caches point to may be gone with the savepoint.
        this.writer.reset();
        this.failed(l.result, err as Error);
        this.finishUnread(l.fileId, 'failed', l.result);
      }
    }
    return logged.length;
  }

  /** Logs a file from which no record was stored: its status, hash, error and format. */
  private finishUnread(fileId: number, status: 'complete' | 'failed' | 'duplicate', r: FileImportResult, format = r.format): void {
    this.s.finishFile.run(status, r.sha256, 0, 0, 0, 0, 0, null, null, '[]', now(), r.error, format, fileId);
  }

  /** A file rolled back: its result says so, and why. */
  private failed(r: FileImportResult, err: Error): void {
    Object.assign(r, { status: 'failed', records: 0, stored: 0, duplicates: 0, skipped: 0, failed: 0, hosts: [], notes: [] });
    r.timeMin = r.timeMax = null;
    r.error = `import failed, nothing stored from this file: ${err.message}`;
  }

  /** One logged file, inside its savepoint: hashed, checked against the case, stored. */
  private importLogged(l: Logged): void {
    const { p, result, fileId, progress } = l;
    const det = p.det!;
    const channel = p.size > 0 ? l.channel() : null;
    progress({ phase: 'hashing', bytesDone: 0 });
    try {
      result.sha256 = channel ? channel.sha256() : sha256File(p.input.path, (n) => progress({ phase: 'hashing', bytesDone: n }));
    } catch (err) {
      result.error = `cannot read: ${(err as Error).message}`;
      this.finishUnread(fileId, 'failed', result);
      return;
    }
    if (p.size === 0) {
      // An empty file is read completely: no records, and the log says it was empty.
      const note = { level: 'warning' as const, reason: 'the file is empty', count: 1, refs: [] };
      this.s.insertNote.run(fileId, note.level, note.reason, note.count, '[]');
      Object.assign(result, { status: 'complete', format: 'empty', notes: [note] });
      this.finishUnread(fileId, 'complete', result);
      return;
    }
    // Earlier files of this group count: they are visible inside the transaction.
    const already = this.s.findComplete.get(result.sha256) as { id: number } | undefined;
    if (already) {
      result.status = 'duplicate';
      result.error = `identical to input #${already.id} (same SHA-256), already imported`;
      this.finishUnread(fileId, 'duplicate', result);
      return;
    }
    if (!willParse(p)) {
      result.error = `unsupported format: ${det.reason ?? ''}`;
      this.finishUnread(fileId, 'failed', result, det.family);
      return;
    }
    this.store(fileId, p.input.path, det, result, progress, channel);
    result.status = 'complete';
  }

  /** Runs inside the file's transaction. */
  private store(
    fileId: number, file: string, det: Detection, result: FileImportResult, progress: Progress, channel: ParseChannel | null,
  ): void {
    const notes = new NoteLog();
    const hosts = new Set<string>();
    const consume = (batch: Batch) => {
      for (const o of batch.outcomes) {
        result.records++;
        if (o[0] === 's') {
          result.skipped++;
          notes.add('skipped', o[2], o[1]);
        } else if (o[0] === 'e') {
          result.failed++;
          notes.add('error', o[2], o[3] ? `${o[1]}: ${o[3]}` : o[1]);
        } else if (this.writer.writeWire(fileId, o[2]) === 'duplicate') {
          result.duplicates++;
        } else {
          result.stored++;
          for (const item of o[2].items) {
            if (isImpliedWire(item)) continue;
            hosts.add(hostKey(item[1]));
            const time = item[2];
            if (result.timeMin === null || time < result.timeMin) result.timeMin = time;
            if (result.timeMax === null || time > result.timeMax) result.timeMax = time;
          }
        }
      }
      progress({ phase: 'reading', bytesDone: batch.bytesRead, records: result.records, stored: result.stored });
    };
    let end: ParseEnd;
    if (channel) {
      const it = channel.batches();
      let r = it.next();
      while (!r.done) {
        consume(r.value);
        r = it.next();
      }
      end = r.value;
    } else {
      end = parseFile(file, det, consume);
    }
    result.format = end.format;
    for (const n of end.notes) notes.add(n.level, n.reason, n.ref ?? null);
    result.hosts = [...hosts].sort();
    result.notes = notes.list();
    for (const n of result.notes) this.s.insertNote.run(fileId, n.level, n.reason, n.count, JSON.stringify(n.refs));
    this.s.finishFile.run(
      'complete', result.sha256, result.records, result.stored, result.duplicates, result.skipped, result.failed,
      result.timeMin, result.timeMax, JSON.stringify(result.hosts), now(), null, result.format, fileId,
    );
  }
}
