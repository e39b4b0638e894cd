// One file into the case: hashed, sniffed, then its parsed batches stored inside one
// transaction, so a failure or a kill leaves the case as it was before that file. The
// batches come from this thread (small files) or from a parse worker (big ones).
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

export class FileImporter {
  private readonly writer: EventWriter;
  private readonly s;

  constructor(private readonly db: Db) {
    this.writer = new EventWriter(db);
    this.s = {
      findComplete: db.prepare("SELECT id FROM input_file WHERE sha256 = ? AND status = 'complete' ORDER BY id LIMIT 1"),
      insertFile: db.prepare(
        'INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      finishFile: db.prepare(
        `UPDATE input_file SET status = ?, records = ?, stored = ?, duplicates = ?, skipped = ?, failed = ?,
           time_min = ?, time_max = ?, hosts = ?, finished_at = ?, error = ?, format = coalesce(?, format) WHERE id = ?`,
      ),
      insertNote: db.prepare('INSERT INTO import_note (file_id, level, reason, count, refs) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  importFile(p: Prepared, progress: Progress, channel: ParseChannel | null): FileImportResult {
    const result = emptyResult(p.input.path, p.size);
    if (p.det === null) {
      result.error = p.error;
      return result;
    }
    const det = p.det;
    if (p.size === 0) return this.empty(p, result);
    const dataLike = p.input.explicit || DATA_EXTENSIONS.has(path.extname(p.input.path).toLowerCase());
    if (det.family === 'unknown' && !dataLike) {
      result.status = 'ignored';
      result.error = `not a data file (${det.reason ?? 'unknown format'})`;
      return result;
    }
    progress({ phase: 'hashing', bytesDone: 0 });
    try {
      result.sha256 = sha256File(p.input.path, (n) => progress({ phase: 'hashing', bytesDone: n }));
    } catch (err) {
      result.error = `cannot read: ${(err as Error).message}`;
      return result;
    }
    const now = () => new Date().toISOString();
    const already = this.s.findComplete.get(result.sha256) as { id: number } | undefined;
    if (already) {
      result.status = 'duplicate';
      result.error = `identical to input #${already.id} (same SHA-256), already imported`;
      result.fileId = Number(this.s.insertFile.run(p.input.path, p.size, result.sha256, null, det.encoding, 'duplicate', now()).lastInsertRowid);
      this.s.finishFile.run('duplicate', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, null, result.fileId);
      return result;
    }
    // Committed on its own: if the process dies mid-file, this row (status 'importing')
    // is what tells the next session the file is incomplete.
    const fileId = Number(this.s.insertFile.run(p.input.path, p.size, result.sha256, null, det.encoding, 'importing', now()).lastInsertRowid);
    result.fileId = fileId;
    if (!willParse(p)) {
      result.error = `unsupported format: ${det.reason ?? ''}`;
      this.s.finishFile.run('failed', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, det.family, fileId);
      return result;
    }
    try {
      this.db.transaction(() => this.store(fileId, p.input.path, det, result, progress, channel)).immediate();
      result.status = 'complete';
    } catch (err) {
      // The transaction rolled back: nothing of this file is in the case.
      this.writer.reset();
      Object.assign(result, { status: 'failed', records: 0, stored: 0, duplicates: 0, skipped: 0, failed: 0, hosts: [], notes: [] });
      result.error = `import failed, nothing stored from this file: ${(err as Error).message}`;
      this.s.finishFile.run('failed', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, result.format, fileId);
    }
    return result;
  }

  /** An empty file is read completely: no records, and the log says it was empty. */
  private empty(p: Prepared, result: FileImportResult): FileImportResult {
    result.sha256 = sha256File(p.input.path);
    const now = new Date().toISOString();
    const fileId = Number(this.s.insertFile.run(p.input.path, 0, result.sha256, null, null, 'importing', now).lastInsertRowid);
    const note = { level: 'warning' as const, reason: 'the file is empty', count: 1, refs: [] };
    this.db.transaction(() => {
      this.s.insertNote.run(fileId, note.level, note.reason, note.count, '[]');
      this.s.finishFile.run('complete', 0, 0, 0, 0, 0, null, null, '[]', now, null, 'empty', fileId);
    })();
    return { ...result, fileId, status: 'complete', format: 'empty', notes: [note] };
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
      'complete', result.records, result.stored, result.duplicates, result.skipped, result.failed,
      result.timeMin, result.timeMax, JSON.stringify(result.hosts), new Date().toISOString(), null, result.format, fileId,
    );
  }
}
