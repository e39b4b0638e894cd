// Files into the case, a group at a time: each file hashed, checked against the case,
// then its parsed batches stored inside a savepoint of the group's transaction, so a
// failure or a kill leaves the case as it was before that file. The batches come from
// this thread (small files) or from a parse worker (big ones). Archive members are files
// like the others, read through the unpack worker; their hash is known only once they
// were read, so a member identical to a file already in the case is rolled back then.
// So is a big file hashed as it is parsed (decision 70).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/case-db.js';
import { EventWriter } from '../store/event-writer.js';
import { isImpliedWire } from '../store/wire.js';
import { hostKey } from '../normalize/values.js';
import { detectHead, readHead, type Detection } from './detect.js';
import { DATA_EXTENSIONS, sha256File, type InputFile } from './inputs.js';
import { NoteLog, type ImportNote } from './note-log.js';
import { parseFile, type Batch, type ParseEnd, type ParseInput } from './parse-file.js';
import { ParseFailed, type FileChannel } from './parse-channel.js';
import type { ByteSource } from './text/byte-source.js';
import { emptyResult, type FileImportResult, type ImportProgress } from './import-types.js';
import { fileRef, type ContainerKind, type SourceRef } from './archive/refs.js';
import { sniffContainer, zipByTail, ZIP_TAIL_BYTES } from './archive/sniff.js';
import type { ArchiveProblem } from './archive/errors.js';
import type { HostHint } from './archive/layout.js';

/** Where a file came from inside an archive. */
export interface MemberOf {
  /** The input_file row of its container. */
  containerId: number;
  /** The container's name in the log (its display path). */
  container: string;
  name: string;
  index: number;
  /** Why it is not read (encrypted, unsafe name, over the limits…), from the listing. */
  problem: ArchiveProblem | null;
}

export interface Prepared {
  input: InputFile;
  ref: SourceRef;
  /** Bytes (members: uncompressed, as declared). */
  size: number;
  det: Detection | null;
  /** The file is an archive (read by archive-import.ts, not as records). */
  container: ContainerKind | null;
  error: string | null;
  member: MemberOf | null;
  /** The host a collection names, for logs without a usable Computer field. */
  hostHint: HostHint | null;
  /** Bookkeeping of a collection (e.g. Velociraptor's log.json): said so, not imported. */
  metadata: string | null;
}

/** Sizes and sniffs a file; never throws (an unreadable file says why in `error`). */
export function prepare(input: InputFile): Prepared {
  const base = { input, ref: fileRef(input.path), member: null, hostHint: input.hostHint ?? null, metadata: input.metadata ?? null };
  try {
    const size = fs.statSync(input.path).size;
    const head = readHead(input.path);
    let container = sniffContainer(head);
    let det: Detection = container ? { family: 'unknown', encoding: 'binary', reason: `${container} archive` } : detectHead(head);
    // Nothing known at its start: a zip whose first header is damaged still has its end record.
    if (det.family === 'unknown' && !container && zipByTail(readTail(input.path, ZIP_TAIL_BYTES, size), size)) {
      container = 'zip';
      det = { family: 'unknown', encoding: 'binary', reason: 'zip archive (recognised by its end record)' };
    }
    return { ...base, size, det, container, error: null };
  } catch (err) {
    return { ...base, size: 0, det: null, container: null, error: `cannot read: ${(err as Error).message}` };
  }
}

function readTail(path: string, bytes: number, size: number): Buffer {
  const n = Math.min(bytes, size);
  const buf = Buffer.alloc(n);
  const fd = fs.openSync(path, 'r');
  try {
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, size - n));
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file will be read as records (and so may go to a parse worker). */
export function willParse(p: Prepared): boolean {
  return p.det !== null && p.det.family !== 'unknown' && !p.member?.problem && p.metadata === null;
}

export function parseInput(p: Prepared, everyImplied = false): ParseInput {
  // A member is read once, through the unpack worker: never read again for a retry
  // (decision 71), so its implied processes all come with it.
  return { ref: p.ref, det: p.det!, size: p.size, hostHint: p.hostHint, everyImplied: everyImplied || p.member !== null };
}

/**
 * A duplicate record of a file parsed with repeated implied processes left out names
 * one the case has no row for (decision 71): the file is stored again, read on this
 * thread with every implied process.
 */
class ImpliedOwed extends Error {
  constructor() {
    super('a duplicate record names an implied process the case lacks: the file is read again');
  }
}

/** A member or file identical to one already in the case, found once it was read: rolled back. */
class IdenticalOnceRead extends Error {
  constructor(
    readonly of: number,
    readonly sha256: string,
  ) {
    super(`identical to input #${of} (same SHA-256), already imported`);
  }
}

/** The SHA-256 of nothing: an empty member's hash, without reading it. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const PROBLEM_LABEL: Record<ArchiveProblem['kind'], string> = {
  corrupt: 'damaged archive', truncated: 'truncated archive', encrypted: 'encrypted member', unsupported: 'unsupported member',
  bomb: 'zip bomb guard', 'unsafe-name': 'unsafe member name', 'too-deep': 'archive nested too deep', damaged: 'damaged member',
};

/** How the import log says what is wrong with an archive or member. */
export function problemText(p: ArchiveProblem): string {
  return `${PROBLEM_LABEL[p.kind]}: ${p.message}`;
}

type Progress = (p: Partial<ImportProgress>) => void;

const now = () => new Date().toISOString();

/** Whether a file's hash comes with its end: a member's, or one its parse worker takes as it reads (decision 70). */
function hashedAtEnd(p: Prepared, channel: FileChannel | null): boolean {
  return p.member !== null || (channel !== null && !channel.hashFirst);
}

/** A result's counts back to nothing stored (a file rolled back). */
function clearCounts(r: FileImportResult): void {
  Object.assign(r, { records: 0, stored: 0, duplicates: 0, skipped: 0, failed: 0, hosts: [], notes: [] });
  r.timeMin = r.timeMax = null;
}

/** One file of a group: what was found out about it, where its batches come from. */
export interface GroupMember {
  p: Prepared;
  progress: Progress;
  /** Opens its bytes, to parse it on this thread. */
  open: (input: ParseInput) => ByteSource;
  /** Called when the file's turn comes: its parse worker's end, or null to parse here. */
  channel: () => FileChannel | null;
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
  /** Stored again after ImpliedOwed: read on this thread, every implied process kept. */
  retried?: boolean;
}

/** What a group stored: results for its first `done` members, in order. */
export interface GroupOutcome {
  results: FileImportResult[];
  done: number;
}

export class FileImporter {
  /** Files stored again after ImpliedOwed (the tests check when it happens). */
  static retries = 0;
  private readonly writer: EventWriter;
  private readonly s;

  /** `everyImplied`: parse with every implied process (ImportOptions.everyImplied). */
  constructor(
    private readonly db: Db,
    private readonly everyImplied = false,
  ) {
    this.writer = new EventWriter(db);
    this.s = {
      findComplete: db.prepare("SELECT id FROM input_file WHERE sha256 = ? AND status = 'complete' ORDER BY id LIMIT 1"),
      insertFile: db.prepare(
        `INSERT INTO input_file (path, size, sha256, format, encoding, status, started_at, container_id, member, member_index)
         VALUES (?, ?, ?, ?, ?, 'importing', ?, ?, ?, ?)`,
      ),
      finishFile: db.prepare(
        `UPDATE input_file SET status = ?, sha256 = coalesce(?, sha256), records = ?, stored = ?, duplicates = ?, skipped = ?,
           failed = ?, time_min = ?, time_max = ?, hosts = ?, finished_at = ?, error = ?, format = coalesce(?, format) WHERE id = ?`,
      ),
      insertNote: db.prepare('INSERT INTO import_note (file_id, level, reason, count, refs) VALUES (?, ?, ?, ?, ?)'),
      deleteFile: db.prepare('DELETE FROM input_file WHERE id = ?'),
      setHosts: db.prepare('UPDATE input_file SET hosts = ? WHERE id = ?'),
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
      result.container = p.member?.container ?? null;
      results.push(result);
      // A member the listing refused (encrypted, unsafe name…) gets a row saying why.
      if (p.member?.problem) {
        logged.push({ ...m, result, fileId: 0, index });
        return;
      }
      if (p.det === null) {
        result.error = p.error;
        m.release();
        return;
      }
      if (p.metadata !== null) {
        result.status = 'ignored';
        result.error = `${p.metadata}, not event data`;
        m.release();
        return;
      }
      const name = p.member?.name ?? p.input.path;
      const dataLike = p.input.explicit || DATA_EXTENSIONS.has(path.extname(name).toLowerCase());
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
        const { p } = l;
        l.fileId = this.insertRow(p.input.path, p.size, '', null, p.det?.encoding ?? null, p.member);
        l.result.fileId = l.fileId;
      }
    })();
    try {
      const store = () => this.db.transaction(() => this.storeGroup(logged, budgetMs)).immediate();
      // A file alone in its group has no savepoint: ImpliedOwed rolls back the group, its own.
      const taken = logged.length === 1 ? this.againIfOwed(logged[0]!, store) : store();
      if (taken < logged.length) done = logged[taken]!.index;
    } catch (err) {
      // A file alone in its group (no savepoint) found identical once read: the group's
      // rollback was its own.
      if (err instanceof IdenticalOnceRead && logged.length === 1) {
        this.writer.reset();
        this.identical(logged[0]!, err);
        return { results, done };
      }
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
    // (Not for an archive member: one found identical to a file in the case once read is rolled back.)
    if (logged.length === 1 && !logged[0]!.p.member) {
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
        this.againIfOwed(l, () => inSavepoint(l)); // a failure rolls back this file alone
      } catch (err) {
        // Rows the caches point to may be gone with the savepoint.
        this.writer.reset();
        if (err instanceof IdenticalOnceRead) {
          this.identical(l, err);
          continue;
        }
        this.failed(l.result, err as Error);
        this.finishUnread(l.fileId, 'failed', l.result);
      }
    }
    return logged.length;
  }

  private insertRow(display: string, size: number, sha256: string, format: string | null, encoding: string | null, m: MemberOf | null): number {
    return Number(
      this.s.insertFile.run(display, size, sha256, format, encoding, now(), m?.containerId ?? null, m?.name ?? null, m?.index ?? null)
        .lastInsertRowid,
    );
  }

  /**
   * Runs `store` (which stores `l` and rolls it back when it throws); once more, with the
   * file read again on this thread with every implied process, if it threw ImpliedOwed.
   */
  private againIfOwed<T>(l: Logged, store: () => T): T {
    try {
      return store();
    } catch (err) {
      if (!(err instanceof ImpliedOwed)) throw err;
      FileImporter.retries++;
      this.writer.reset();
      l.retried = true;
      clearCounts(l.result);
      return store();
    }
  }

  /** Logs a file rolled back because it was found identical to one in the case once read. */
  private identical(l: Logged, err: IdenticalOnceRead): void {
    this.failed(l.result, err);
    Object.assign(l.result, { status: 'duplicate', sha256: err.sha256, error: err.message });
    this.db.transaction(() => this.finishUnread(l.fileId, 'duplicate', l.result))();
  }

  /** Sizes of the files the case holds (only a file of the same size can be one of them). */
  completeSizes(): Set<number> {
    return new Set(this.db.prepare("SELECT DISTINCT size FROM input_file WHERE status = 'complete'").pluck().all() as number[]);
  }

  /** A file already in the case, by its hash (the lowest such input). */
  findComplete(sha256: string): number | null {
    return (this.s.findComplete.get(sha256) as { id: number } | undefined)?.id ?? null;
  }

  /** An archive's own row, committed as 'importing' before its members are read (kills then leave it incomplete). */
  openContainer(display: string, size: number, sha256: string, kind: ContainerKind, member: MemberOf | null): number {
    return this.db.transaction(() => this.insertRow(display, size, sha256, kind, 'binary', member))();
  }

  /** An archive's row once its members are done: status, why (when failed) and its notes. */
  finishContainer(fileId: number, result: FileImportResult, notes: readonly ImportNote[]): void {
    this.db.transaction(() => {
      for (const n of notes) this.s.insertNote.run(fileId, n.level, n.reason, n.count, JSON.stringify(n.refs));
      this.finishUnread(fileId, result.status === 'complete' ? 'complete' : result.status === 'duplicate' ? 'duplicate' : 'failed', result);
      // The hosts its members were from (its own counts stay 0: the members carry them).
      this.s.setHosts.run(JSON.stringify(result.hosts), fileId);
    })();
  }

  /** Logs a file from which no record was stored: its status, hash, error and format. */
  private finishUnread(fileId: number, status: 'complete' | 'failed' | 'duplicate', r: FileImportResult, format = r.format): void {
    this.s.finishFile.run(status, r.sha256, 0, 0, 0, 0, 0, null, null, '[]', now(), r.error, format, fileId);
  }

  /** A file rolled back: its result says so, and why. */
  private failed(r: FileImportResult, err: Error): void {
    clearCounts(r);
    r.status = 'failed';
    // A file hashed as it was parsed: its hash, if the worker could still take it.
    if (err instanceof ParseFailed && err.sha256 !== null && !r.sha256) r.sha256 = err.sha256;
    r.error = `import failed, nothing stored from this file: ${err.message}`;
  }

  /** One logged file, inside its savepoint: hashed, checked against the case, stored. */
  private importLogged(l: Logged): void {
    const { p, result, fileId, progress } = l;
    if (p.member?.problem) {
      result.error = problemText(p.member.problem);
      this.finishUnread(fileId, 'failed', result);
      return;
    }
    const det = p.det!;
    const channel = !l.retried && p.size > 0 && willParse(p) ? l.channel() : null;
    if (hashedAtEnd(p, channel)) {
      // Hashed as it is read, by the unpack worker or the parse worker (below); an empty
      // member needs no reading.
      if (p.size === 0) result.sha256 = EMPTY_SHA256;
    } else {
      progress({ phase: 'hashing', bytesDone: 0 });
      try {
        result.sha256 = channel ? channel.sha256() : sha256File(p.input.path, (n) => progress({ phase: 'hashing', bytesDone: n }));
      } catch (err) {
        result.error = `cannot read: ${(err as Error).message}`;
        this.finishUnread(fileId, 'failed', result);
        return;
      }
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
    const already = result.sha256 ? (this.s.findComplete.get(result.sha256) as { id: number } | undefined) : undefined;
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
    this.store(l, channel);
    result.status = 'complete';
  }

  /** Runs inside the file's transaction (or savepoint). */
  private store(l: Logged, channel: FileChannel | null): void {
    const { p, fileId, result, progress } = l;
    const notes = new NoteLog();
    // Host spellings as stored; their host keys are taken once, at the end.
    const spellings = new Set<string>();
    // What the parse left out (decision 71): a worker's file leaves repeats out, and so
    // does this thread's, unless the file is read again or is a member (parseInput).
    const input = parseInput(p, this.everyImplied || l.retried === true);
    const everyImplied = input.everyImplied === true;
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
          if (!everyImplied && this.writer.owesImplied(o[2])) throw new ImpliedOwed();
          result.duplicates++;
        } else {
          result.stored++;
          for (const item of o[2].items) {
            if (isImpliedWire(item)) continue;
            spellings.add(item[1]);
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
      end = parseFile(input, l.open, consume);
    }
    result.format = end.format;
    if (hashedAtEnd(p, channel)) {
      if (!end.source) throw new Error(`the ${p.member ? 'member' : 'file'} was not read to its end`);
      result.sha256 = end.source.sha256;
      if (end.source.problem) {
        const problem = end.source.problem as ArchiveProblem;
        notes.add('error', `${problemText(problem)}; the records before that point are kept`, `after ${end.bytesRead} bytes`);
      }
      // Identical to a file already in the case (earlier in this group too): rolled back.
      const already = this.s.findComplete.get(result.sha256) as { id: number } | undefined;
      if (already) throw new IdenticalOnceRead(already.id, result.sha256);
    }
    for (const n of end.notes) notes.add(n.level, n.reason, n.ref ?? null);
    result.hosts = [...new Set([...spellings].map(hostKey))].sort();
    result.notes = notes.list();
    for (const n of result.notes) this.s.insertNote.run(fileId, n.level, n.reason, n.count, JSON.stringify(n.refs));
    this.s.finishFile.run(
      'complete', result.sha256, result.records, result.stored, result.duplicates, result.skipped, result.failed,
      result.timeMin, result.timeMax, JSON.stringify(result.hosts), now(), null, result.format, fileId,
    );
  }
}
