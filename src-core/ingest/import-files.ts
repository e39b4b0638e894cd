// The import job: files and folders → the case. Each file is hashed, sniffed, then
// read and stored inside one transaction, so a failure or a kill leaves the case as
// it was before that file; the import log says what happened to every record.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Db } from '../store/case-db.js';
import { EventWriter } from '../store/event-writer.js';
import { isImpliedWire, toWire } from '../store/wire.js';
import { hostKey } from '../normalize/values.js';
import { resolveDirtyHosts } from '../hunt/resolve.js';
import { detectFile, type Detection } from './detect.js';
import { NoteLog, type ImportNote } from './note-log.js';
import { isBad, openRecordStream } from './record-stream.js';
import { RecordError } from './mappers/types.js';

export type FileStatus = 'complete' | 'failed' | 'duplicate' | 'ignored';

export interface FileImportResult {
  path: string;
  fileId: number | null;
  sha256: string | null;
  size: number;
  format: string | null;
  status: FileStatus;
  records: number;
  stored: number;
  duplicates: number;
  skipped: number;
  failed: number;
  timeMin: string | null;
  timeMax: string | null;
  hosts: string[];
  notes: ImportNote[];
  error: string | null;
}

export interface ImportProgress {
  phase: 'hashing' | 'reading' | 'resolving' | 'done';
  file: string | null;
  fileIndex: number;
  fileCount: number;
  bytesDone: number;
  bytesTotal: number;
  records: number;
  stored: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Called once per file when it is finished. */
  onFile?: (r: FileImportResult) => void;
}

export interface ImportSummary {
  files: FileImportResult[];
  hostsResolved: number;
}

/** Extensions that announce data: such a file that we cannot read is an error, not noise. */
const DATA_EXTENSIONS = new Set(['.evtx', '.csv', '.json', '.jsonl', '.ndjson', '.tsv']);

export interface InputFile {
  path: string;
  /** Named explicitly (not found while walking a folder). */
  explicit: boolean;
}

/** Files and folders (walked recursively, in name order) → the files to import. */
export function expandInputs(inputs: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push({ path: full, explicit: false });
    }
  };
  for (const input of inputs) {
    // A path that cannot be read is still listed: its import fails and says why.
    const st = fs.statSync(input, { throwIfNoEntry: false });
    if (st?.isDirectory()) walk(input);
    else out.push({ path: input, explicit: true });
  }
  return out;
}

export function sha256File(file: string, onBytes?: (n: number) => void): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    let total = 0;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      h.update(buf.subarray(0, n));
      total += n;
      onBytes?.(total);
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function emptyResult(p: string, size: number): FileImportResult {
  return {
    path: p, fileId: null, sha256: null, size, format: null, status: 'failed', records: 0, stored: 0,
    duplicates: 0, skipped: 0, failed: 0, timeMin: null, timeMax: null, hosts: [], notes: [], error: null,
  };
}

class FileImporter {
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

  importFile(input: InputFile, progress: (p: Partial<ImportProgress>) => void): FileImportResult {
    let size = 0;
    let det: Detection;
    try {
      size = fs.statSync(input.path).size;
      det = detectFile(input.path);
    } catch (err) {
      const result = emptyResult(input.path, size);
      result.error = `cannot read: ${(err as Error).message}`;
      return result;
    }
    const st = { size };
    const result = emptyResult(input.path, size);
    const dataLike = input.explicit || DATA_EXTENSIONS.has(path.extname(input.path).toLowerCase());
    if (det.family === 'unknown' && !dataLike) {
      result.status = 'ignored';
      result.error = `not a data file (${det.reason ?? 'unknown format'})`;
      return result;
    }
    progress({ phase: 'hashing', bytesDone: 0, bytesTotal: st.size });
    result.sha256 = sha256File(input.path, (n) => progress({ phase: 'hashing', bytesDone: n }));
    const now = () => new Date().toISOString();
    const already = this.s.findComplete.get(result.sha256) as { id: number } | undefined;
    if (already) {
      result.status = 'duplicate';
      result.fileId = Number(
        this.s.insertFile.run(input.path, st.size, result.sha256, null, det.encoding, 'duplicate', now()).lastInsertRowid,
      );
      result.error = `identical to input #${already.id} (same SHA-256), already imported`;
      this.s.finishFile.run('duplicate', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, null, result.fileId);
      return result;
    }
    // Committed on its own: if the process dies mid-file, this row (status 'importing')
    // is what tells the next session the file is incomplete.
    const fileId = Number(
      this.s.insertFile.run(input.path, st.size, result.sha256, null, det.encoding, 'importing', now()).lastInsertRowid,
    );
    result.fileId = fileId;
    if (det.family === 'unknown' || det.family === 'evtx') {
      result.error =
        det.family === 'evtx' ? 'EVTX import is not available in this version' : `unsupported format: ${det.reason ?? ''}`;
      this.s.finishFile.run('failed', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, det.family, fileId);
      return result;
    }
    try {
      this.db.transaction(() => this.readInto(fileId, input.path, det, result, progress)).immediate();
      result.status = 'complete';
    } catch (err) {
      // The transaction rolled back: nothing of this file is in the case.
      this.writer.reset();
      Object.assign(result, { status: 'failed', records: 0, stored: 0, duplicates: 0, skipped: 0, failed: 0, hosts: [] });
      result.error = `import failed, nothing stored from this file: ${(err as Error).message}`;
      this.s.finishFile.run('failed', 0, 0, 0, 0, 0, null, null, '[]', now(), result.error, result.format, fileId);
    }
    return result;
  }

  private readInto(
    fileId: number, file: string, det: Detection, result: FileImportResult,
    progress: (p: Partial<ImportProgress>) => void,
  ): void {
    const stream = openRecordStream(file, det);
    const notes = new NoteLog();
    const hosts = new Set<string>();
    let lastReport = 0;
    try {
      for (const rec of stream.records) {
        result.records++;
        if (isBad(rec)) {
          result.failed++;
          notes.add('error', rec.reason, rec.detail ? `${rec.ref}: ${rec.detail}` : rec.ref);
          continue;
        }
        try {
          const mapped = rec.map();
          if ('skip' in mapped) {
            result.skipped++;
            notes.add('skipped', mapped.skip, rec.ref);
            continue;
          }
          const wire = toWire(mapped.items);
          if (this.writer.writeWire(fileId, wire) === 'duplicate') {
            result.duplicates++;
            continue;
          }
          result.stored++;
          for (const item of wire.items) {
            if (isImpliedWire(item)) continue;
            hosts.add(hostKey(item[1]));
            const time = item[2];
            if (result.timeMin === null || time < result.timeMin) result.timeMin = time;
            if (result.timeMax === null || time > result.timeMax) result.timeMax = time;
          }
        } catch (err) {
          if (err instanceof RecordError) {
            result.failed++;
            notes.add('error', err.message, err.detail ? `${rec.ref}: ${err.detail}` : rec.ref);
          } else if (err instanceof Error && /^SQLITE_/.test((err as { code?: string }).code ?? '')) {
            throw err; // storage trouble is not the record's fault: abort the file
          } else {
            result.failed++;
            notes.add('error', 'record could not be mapped', `${rec.ref}: ${(err as Error).message}`);
          }
        }
        if (result.records - lastReport >= 5000) {
          lastReport = result.records;
          progress({ phase: 'reading', bytesDone: stream.bytesRead(), records: result.records, stored: result.stored });
        }
      }
    } finally {
      stream.close();
    }
    result.format = stream.format();
    for (const n of stream.notes) notes.add(n.level, n.reason, null);
    result.hosts = [...hosts].sort();
    result.notes = notes.list();
    for (const n of result.notes) this.s.insertNote.run(fileId, n.level, n.reason, n.count, JSON.stringify(n.refs));
    this.s.finishFile.run(
      'complete', result.records, result.stored, result.duplicates, result.skipped, result.failed,
      result.timeMin, result.timeMax, JSON.stringify(result.hosts), new Date().toISOString(), null, result.format, fileId,
    );
    progress({ phase: 'reading', bytesDone: stream.bytesRead(), records: result.records, stored: result.stored });
  }
}

/** Imports files and folders into an open case, then rebuilds the touched hosts' instances. */
export function importFiles(db: Db, inputs: readonly string[], options: ImportOptions = {}): ImportSummary {
  const files = expandInputs(inputs);
  const importer = new FileImporter(db);
  const results: FileImportResult[] = [];
  const base: ImportProgress = {
    phase: 'reading', file: null, fileIndex: 0, fileCount: files.length, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0,
  };
  files.forEach((f, i) => {
    const size = fs.statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
    const report = (p: Partial<ImportProgress>) =>
      options.onProgress?.({ ...base, file: f.path, fileIndex: i, bytesTotal: size, ...p });
    report({ phase: 'reading', bytesDone: 0 });
    const r = importer.importFile(f, report);
    results.push(r);
    options.onFile?.(r);
  });
  options.onProgress?.({ ...base, phase: 'resolving', fileIndex: files.length });
  const hostsResolved = resolveDirtyHosts(db);
  options.onProgress?.({ ...base, phase: 'done', fileIndex: files.length });
  return { files: results, hostsResolved };
}
