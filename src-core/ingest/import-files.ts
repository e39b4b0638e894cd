// The import job: files, folders and archives → the case, then the touched hosts' process
// instances rebuilt. Files are stored one after another (one writer; one transaction per
// group of files, a savepoint per file) while parse workers read the next big files
// ahead, in parallel. An archive is listed first (archive-import.ts) and its members are
// imported as files of their own, read through the unpack worker.
import { availableParallelism } from 'node:os';
import type { Db } from '../store/case-db.js';
import { resolveDirtyHosts } from '../hunt/resolve.js';
import { expandInputs, sha256File } from './inputs.js';
import { FileImporter, parseInput, prepare, problemText, willParse, type GroupMember, type Prepared } from './file-importer.js';
import { ParsePool, type FileChannel } from './parse-channel.js';
import { sourceOpener, type ParseInput } from './parse-file.js';
import { emptyResult, type FileImportResult, type ImportProgress } from './import-types.js';
import { ArchiveExpander, summarize, type ContainerNode } from './archive-import.js';
import { UnpackClient } from './archive/unpack-client.js';
import { DEFAULT_LIMITS, type ArchiveLimits } from './archive/limits.js';
import { isMember } from './archive/refs.js';
import { NoteLog } from './note-log.js';
import { WalCheckpointer, type CheckpointStats } from './wal-checkpointer.js';

export type { FileImportResult, FileStatus, ImportProgress } from './import-types.js';
export { expandInputs, sha256File, type InputFile } from './inputs.js';

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Called once per file (and per archive, after its members) when it is finished. */
  onFile?: (r: FileImportResult) => void;
  /**
   * Files at least this big are parsed in worker threads (default 8 MiB); smaller ones
   * on this thread, where starting a worker would cost more than it saves.
   */
  workerMinBytes?: number;
  /** Parse workers running at once (default: the number of cores). */
  workers?: number;
  /** JSON files at least this big are split between the parse workers (default SPLIT_MIN_BYTES). */
  splitMinBytes?: number;
  /** How long a group of small files may hold the write lock before it commits (default GROUP_MS). */
  groupMs?: number;
  /** Archive limits (zip bomb guard, nesting depth, temporary copies); defaults in archive/limits.ts. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** Inputs of at least this many bytes in all get the background checkpointer (default CHECKPOINT_MIN_BYTES). */
  checkpointMinBytes?: number;
  /**
   * Whether a file a parse worker reads is hashed before its records (true) or as they are
   * read (false). Default: first only when its size is that of a file the case holds or of
   * another input, i.e. when it may be a file already imported (decision 70).
   */
  hashFirst?: boolean;
  /**
   * Hand every implied process to the writer, repeats too, as before decision 71 (tests
   * compare both ways; the default leaves repeats out).
   */
  everyImplied?: boolean;
}

export interface ImportSummary {
  files: FileImportResult[];
  hostsResolved: number;
  /** What the background WAL checkpointer did (null: the import was too small to start one). */
  checkpoints: CheckpointStats | null;
}

/**
 * From this many input bytes on, the import folds the case's WAL back from another
 * thread (decision 67): below it the log never reaches SQLite's auto-checkpoint size
 * during the import, so there is nothing to move off the importing thread.
 * LONGTAIL_CHECKPOINT_MIN_BYTES overrides (tests).
 */
export const CHECKPOINT_MIN_BYTES = Number(process.env['LONGTAIL_CHECKPOINT_MIN_BYTES']) || 128 * 1024 * 1024;

/**
 * Below this size a file is parsed on the importing thread. Starting a worker costs
 * little in a build (tens of ms) but much from sources (the TypeScript loader compiles
 * the modules again in every worker). LONGTAIL_WORKER_MIN_BYTES overrides (tuning).
 */
const DEFAULT_WORKER_MIN_BYTES =
  Number(process.env['LONGTAIL_WORKER_MIN_BYTES']) || (import.meta.url.endsWith('.ts') ? 8 * 1024 * 1024 : 256 * 1024);

/**
 * JSON files at least this big are parsed by every parse worker at once, each taking its
 * share of the batches (decision 55): one file at a time is stored, so a file parsed by
 * one worker left the other idle or only reading ahead. JSON lines skip the records of
 * other parts unread; CSV is not split (each part would tokenize the whole file again).
 */
export const SPLIT_MIN_BYTES = Number(process.env['LONGTAIL_SPLIT_MIN_BYTES']) || 32 * 1024 * 1024;

/** Files up to this size share a transaction with their neighbours (decision 39). */
export const GROUP_BYTES = 64 * 1024 * 1024;
const GROUP_FILES = 256;
/** A group commits once it has stored files for this long: edits in the app wait no more. */
export const GROUP_MS = 1000;

/**
 * Consecutive files, in order, into groups of at most GROUP_BYTES (a bigger file is a
 * group of its own): one commit per group, so many small files do not pay one each,
 * while a group still holds the write lock for about a second at most.
 */
export function groupFiles(files: readonly { size: number }[]): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let bytes = 0;
  files.forEach((f, i) => {
    if (group.length > 0 && (bytes + f.size > GROUP_BYTES || group.length >= GROUP_FILES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(i);
    bytes += f.size;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

/** One import: the files seen so far (their index keys the parse channels), the workers. */
class ImportRun {
  private readonly importer: FileImporter;
  private readonly files: Prepared[] = [];
  private readonly channels = new Map<number, FileChannel>();
  private readonly minBytes: number;
  private readonly poolSize: number;
  private pool: ParsePool | null = null;
  private unpack: UnpackClient | null = null;
  private readonly limits: ArchiveLimits;
  readonly results: FileImportResult[] = [];
  /** Every member's result, for its container's summary. */
  private readonly byMember = new Map<Prepared, FileImportResult>();
  /** Sizes of the files the case held when the import began, and of the inputs seen since. */
  private readonly caseSizes: Set<number>;
  private readonly inputSizes = new Map<number, number>();
  fileCount = 0;

  constructor(
    private readonly db: Db,
    private readonly options: ImportOptions,
  ) {
    this.importer = new FileImporter(db, options.everyImplied === true);
    this.minBytes = options.workerMinBytes ?? DEFAULT_WORKER_MIN_BYTES;
    this.poolSize = Math.max(1, options.workers ?? availableParallelism());
    this.limits = { ...DEFAULT_LIMITS, ...options.archiveLimits };
    this.caseSizes = this.importer.completeSizes();
  }

  /**
   * Whether a file may be one already imported, so worth hashing before it is read: only a
   * file of the same size can be identical. Otherwise it is hashed as it is parsed, and
   * checked once read (a file of this import stored meanwhile is still caught then).
   */
  private hashFirst(p: Prepared): boolean {
    return this.options.hashFirst ?? (this.caseSizes.has(p.size) || (this.inputSizes.get(p.size) ?? 0) > 1);
  }

  private base(): ImportProgress {
    return { phase: 'reading', file: null, fileIndex: 0, fileCount: this.fileCount, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0 };
  }

  private unpacker(): UnpackClient {
    this.unpack ??= UnpackClient.start(this.options.archiveLimits);
    return this.unpack;
  }

  private wantsWorker(p: Prepared): boolean {
    return willParse(p) && p.size >= this.minBytes;
  }

  private splits(p: Prepared, input: ParseInput): boolean {
    return this.poolSize > 1 && !isMember(p.ref) && input.det.family === 'json' && p.size >= (this.options.splitMinBytes ?? SPLIT_MIN_BYTES);
  }

  private finish(r: FileImportResult): void {
    this.results.push(r);
    this.options.onFile?.(r);
  }

  /** Imports files (loose, or the members of an archive) in groups; `files` get indexes from here. */
  importFiles(list: readonly Prepared[]): void {
    const start = this.files.length;
    this.files.push(...list);
    for (const p of list) this.inputSizes.set(p.size, (this.inputSizes.get(p.size) ?? 0) + 1);
    const end = this.files.length;
    const lookahead = this.poolSize * 2; // each worker: the file it parses and the next one
    const submitAhead = (i: number) => {
      for (let j = i; j < end && j < i + lookahead; j++) {
        const next = this.files[j]!;
        if (this.channels.has(j) || !this.wantsWorker(next)) continue;
        this.pool ??= new ParsePool(this.poolSize);
        const input = parseInput(next, this.options.everyImplied === true);
        if (this.splits(next, input)) {
          this.channels.set(j, this.pool.submitSplit(input, this.poolSize, this.hashFirst(next)));
          continue;
        }
        const member = isMember(next.ref);
        const control = member ? this.unpacker().connectPort() : null;
        this.channels.set(j, this.pool.submit(input, control, !member && this.hashFirst(next)));
      }
    };
    const member = (i: number): GroupMember => {
      const f = this.files[i]!;
      const progress = (p: Partial<ImportProgress>) =>
        this.options.onProgress?.({ ...this.base(), file: f.input.path, fileIndex: i, bytesTotal: f.size, ...p });
      return {
        p: f,
        progress,
        open: sourceOpener(isMember(f.ref) ? this.unpacker() : null),
        channel: () => {
          submitAhead(i);
          return this.channels.get(i) ?? null;
        },
        release: () => {
          this.channels.get(i)?.close();
          this.channels.delete(i);
          if (isMember(f.ref)) this.unpack?.release(f.ref);
        },
      };
    };
    for (const group of groupFiles(list)) {
      const indexes = group.map((g) => g + start);
      // A group out of time hands back the files it did not take: they start the next.
      for (let from = 0; from < indexes.length; ) {
        const outcome = this.importer.importGroup(indexes.slice(from).map(member), this.options.groupMs ?? GROUP_MS);
        outcome.results.forEach((r, k) => {
          const p = this.files[indexes[from + k]!]!;
          if (p.member) this.byMember.set(p, r);
          this.finish(r);
        });
        from += outcome.done;
      }
    }
  }

  /** An archive on disk: hashed, checked against the case, listed, its members imported. */
  importArchive(p: Prepared): void {
    const kind = p.container!;
    const result = emptyResult(p.input.path, p.size);
    result.format = kind;
    // The archive has its place among the files (progress refers to files by index).
    const fileIndex = this.files.push(p) - 1;
    const hashing = (bytesDone: number) =>
      this.options.onProgress?.({ ...this.base(), phase: 'hashing', file: p.input.path, fileIndex, bytesDone, bytesTotal: p.size });
    hashing(0);
    try {
      result.sha256 = sha256File(p.input.path, hashing);
    } catch (err) {
      result.error = `cannot read: ${(err as Error).message}`;
      this.finish(result);
      return;
    }
    const rowId = this.importer.openContainer(p.input.path, p.size, result.sha256, kind, null);
    result.fileId = rowId;
    const already = this.importer.findComplete(result.sha256);
    if (already !== null && already !== rowId) {
      Object.assign(result, { status: 'duplicate', error: `identical to input #${already} (same SHA-256), already imported` });
      this.importer.finishContainer(rowId, result, []);
      this.finish(result);
      return;
    }
    result.status = 'complete';
    const root: ContainerNode = { ref: p.ref, kind, rowId, result, notes: new NoteLog(), parent: null, hostHint: p.hostHint, members: [] };
    const expander = new ArchiveExpander(this.unpacker(), this.importer, this.limits, p.size);
    const members = expander.expand(root);
    this.fileCount += members.length;
    for (const plan of expander.tarPlans()) this.unpack!.plan(plan.ref, plan.indexes);
    this.importFiles(members);
    // Innermost first: each row says what became of its own members.
    for (const node of [...expander.containers].reverse()) {
      summarize(node, this.byMember);
      this.importer.finishContainer(node.rowId, node.result, node.result.notes);
      this.finish(node.result);
    }
  }

  close(): void {
    for (const c of this.channels.values()) c.close();
    this.pool?.close();
    this.unpack?.close();
  }
}

/** Imports files, folders and archives into an open case, then rebuilds the touched hosts' instances. */
export function importFiles(db: Db, inputs: readonly string[], options: ImportOptions = {}): ImportSummary {
  const run = new ImportRun(db, options);
  const prepared = expandInputs(inputs).map(prepare);
  run.fileCount = prepared.length;
  const bytes = prepared.reduce((n, p) => n + p.size, 0);
  const checkpointer = bytes >= (options.checkpointMinBytes ?? CHECKPOINT_MIN_BYTES) ? WalCheckpointer.start(db) : null;
  try {
    readInputs(db, run, prepared);
    const base = { file: null, fileIndex: run.fileCount, fileCount: run.fileCount, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0 };
    options.onProgress?.({ ...base, phase: 'resolving' });
    // Resolution writes the instances: the checkpointer goes on until it is done.
    const hostsResolved = resolveDirtyHosts(db);
    const checkpoints = checkpointer?.stop() ?? null;
    options.onProgress?.({ ...base, phase: 'done' });
    return { files: run.results, hostsResolved, checkpoints };
  } finally {
    checkpointer?.stop();
  }
}

/** Reads every input into the case: loose files in runs between archives, in the order given. */
function readInputs(db: Db, run: ImportRun, prepared: readonly Prepared[]): void {
  // A group keeps a savepoint per file, whose sub-journal holds the original of every
  // page the file changes: in a temporary file during the import (the OS caches it), not
  // in memory, where it added about 30 MB to the import's peak (decision 39).
  const tempStore = db.pragma('temp_store', { simple: true }) as number;
  db.pragma('temp_store = FILE');
  try {
    let loose: Prepared[] = [];
    for (const p of prepared) {
      if (p.container === null) {
        loose.push(p);
        continue;
      }
      run.importFiles(loose);
      loose = [];
      run.importArchive(p);
    }
    run.importFiles(loose);
  } finally {
    run.close();
    db.pragma(`temp_store = ${tempStore}`);
  }
}

export { problemText };
