// The import job: files and folders → the case, then the touched hosts' process
// instances rebuilt. Files are stored one after another (one writer, one transaction
// per file) while parse workers read the next big files ahead, in parallel.
import { availableParallelism } from 'node:os';
import type { Db } from '../store/case-db.js';
import { resolveDirtyHosts } from '../hunt/resolve.js';
import { expandInputs } from './inputs.js';
import { FileImporter, prepare, willParse, type Prepared } from './file-importer.js';
import { ParseChannel } from './parse-channel.js';
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
}

export interface ImportSummary {
  files: FileImportResult[];
  hostsResolved: number;
}

const DEFAULT_WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** Imports files and folders into an open case, then rebuilds the touched hosts' instances. */
export function importFiles(db: Db, inputs: readonly string[], options: ImportOptions = {}): ImportSummary {
  const files = expandInputs(inputs).map(prepare);
  const importer = new FileImporter(db);
  const results: FileImportResult[] = [];
  const minBytes = options.workerMinBytes ?? DEFAULT_WORKER_MIN_BYTES;
  const lookahead = Math.max(1, options.workers ?? availableParallelism());
  const channels = new Map<number, ParseChannel>();
  const wantsWorker = (p: Prepared) => willParse(p) && p.size >= minBytes;
  const base: ImportProgress = {
    phase: 'reading', file: null, fileIndex: 0, fileCount: files.length, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0,
  };
  try {
    files.forEach((f, i) => {
      // Keep up to `lookahead` parse workers busy on this file and the next big ones.
      for (let j = i; j < files.length && channels.size < lookahead; j++) {
        const next = files[j]!;
        if (!channels.has(j) && wantsWorker(next)) channels.set(j, new ParseChannel(next.input.path, next.det!));
      }
      const channel = channels.get(i) ?? null;
      const report = (p: Partial<ImportProgress>) =>
        options.onProgress?.({ ...base, file: f.input.path, fileIndex: i, bytesTotal: f.size, ...p });
      report({ phase: 'reading', bytesDone: 0 });
      try {
        const r = importer.importFile(f, report, channel);
        results.push(r);
        options.onFile?.(r);
      } finally {
        channel?.close();
        channels.delete(i);
      }
    });
  } finally {
    for (const c of channels.values()) c.close();
  }
  options.onProgress?.({ ...base, phase: 'resolving', fileIndex: files.length });
  const hostsResolved = resolveDirtyHosts(db);
  options.onProgress?.({ ...base, phase: 'done', fileIndex: files.length });
  return { files: results, hostsResolved };
}
