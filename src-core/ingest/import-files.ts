// The import job: files and folders → the case, then the touched hosts' process
// instances rebuilt. Files are stored one after another (one writer; one transaction per
// group of files, a savepoint per file) while parse workers read the next big files
// ahead, in parallel.
import { availableParallelism } from 'node:os';
import type { Db } from '../store/case-db.js';
import { resolveDirtyHosts } from '../hunt/resolve.js';
import { expandInputs } from './inputs.js';
import { FileImporter, prepare, willParse, type GroupMember, type Prepared } from './file-importer.js';
import { ParsePool, type ParseChannel } from './parse-channel.js';
import type { FileImportResult, ImportProgress } from './import-types.js';

export type { FileImportResult, FileStatus, ImportProgress } from './import-types.js';
export { expandInputs, sha256File, type InputFile } from './inputs.js';

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Called once per file when it is finished. */
  onFile?: (r: FileImportResult) => void;
  /**
   * Files at least this big are parsed in worker threads (default 8 MiB); smaller ones
   * on this thread, where starting a worker would cost more than it saves.
   */
  workerMinBytes?: number;
  /** Parse workers running at once (default: the number of cores). */
  workers?: number;
  /** How long a group of small files may hold the write lock before it commits (default GROUP_MS). */
  groupMs?: number;
}

export interface ImportSummary {
  files: FileImportResult[];
  hostsResolved: number;
}

/**
 * Below this size a file is parsed on the importing thread. Starting a worker costs
 * little in a build (tens of ms) but much from sources (the TypeScript loader compiles
 * the modules again in every worker). LONGTAIL_WORKER_MIN_BYTES overrides (tuning).
 */
const DEFAULT_WORKER_MIN_BYTES =
  Number(process.env['LONGTAIL_WORKER_MIN_BYTES']) || (import.meta.url.endsWith('.ts') ? 8 * 1024 * 1024 : 256 * 1024);

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
export function groupFiles(files: readonly Prepared[]): number[][] {
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

/** Imports files and folders into an open case, then rebuilds the touched hosts' instances. */
export function importFiles(db: Db, inputs: readonly string[], options: ImportOptions = {}): ImportSummary {
  const files = expandInputs(inputs).map(prepare);
  const importer = new FileImporter(db);
  const results: FileImportResult[] = [];
  const minBytes = options.workerMinBytes ?? DEFAULT_WORKER_MIN_BYTES;
  const poolSize = Math.max(1, options.workers ?? availableParallelism());
  // Each worker may hold the file it parses and the next one queued behind it.
  const lookahead = poolSize * 2;
  const wantsWorker = (p: Prepared) => willParse(p) && p.size >= minBytes;
  const pool = files.some(wantsWorker) ? new ParsePool(poolSize) : null;
  const channels = new Map<number, ParseChannel>();
  const base: ImportProgress = {
    phase: 'reading', file: null, fileIndex: 0, fileCount: files.length, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0,
  };
  const submitAhead = (i: number) => {
    // Keep the workers busy with this file and the next ones while this one is stored.
    for (let j = i; pool && j < files.length && j < i + lookahead; j++) {
      const next = files[j]!;
      if (!channels.has(j) && wantsWorker(next)) channels.set(j, pool.submit(next.input.path, next.det!));
    }
  };
  const member = (i: number): GroupMember => {
    const f = files[i]!;
    const progress = (p: Partial<ImportProgress>) =>
      options.onProgress?.({ ...base, file: f.input.path, fileIndex: i, bytesTotal: f.size, ...p });
    return {
      p: f,
      progress,
      channel: () => {
        submitAhead(i);
        return channels.get(i) ?? null;
      },
      release: () => {
        channels.get(i)?.close();
        channels.delete(i);
      },
    };
  };
  // A group keeps a savepoint per file, whose sub-journal holds the original of every
  // page the file changes: in a temporary file during the import (the OS caches it), not
  // in memory, where it added about 30 MB to the import's peak (decision 39).
  const tempStore = db.pragma('temp_store', { simple: true }) as number;
  db.pragma('temp_store = FILE');
  try {
    for (const group of groupFiles(files)) {
      // A group out of time hands back the files it did not take: they start the next.
      for (let from = 0; from < group.length; ) {
        const outcome = importer.importGroup(group.slice(from).map(member), options.groupMs ?? GROUP_MS);
        for (const r of outcome.results) {
          results.push(r);
          options.onFile?.(r);
        }
        from += outcome.done;
      }
    }
  } finally {
    for (const c of channels.values()) c.close();
    pool?.close();
    db.pragma(`temp_store = ${tempStore}`);
  }
  options.onProgress?.({ ...base, phase: 'resolving', fileIndex: files.length });
  const hostsResolved = resolveDirtyHosts(db);
  options.onProgress?.({ ...base, phase: 'done', fileIndex: files.length });
  return { files: results, hostsResolved };
}
