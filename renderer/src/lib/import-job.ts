// An import job as the core reports it, folded from its events (pure, unit-tested).
import type { Events } from '../../../src-core/api/contract.js';

type Progress = Events['import.progress'];
type FileResult = Events['import.file'];
type Done = Events['import.done'];

export interface FileProgress {
  path: string;
  index: number;
  bytesDone: number;
  bytesTotal: number;
  records: number;
  stored: number;
  phase: Progress['phase'];
  result: FileResult | null;
}

export interface JobState {
  jobId: number;
  paths: string[];
  phase: Progress['phase'] | 'starting';
  fileIndex: number;
  fileCount: number;
  files: FileProgress[];
  done: Done | null;
  cancelling: boolean;
  startedAt: number;
  /**
   * Where the bar stood when the file count last changed (an archive, once listed, adds its
   * members), and the file position then: the rest of the bar is shared by the files left.
   */
  anchor: { fraction: number; position: number; count: number };
}

export function emptyJob(jobId: number, paths: string[] = []): JobState {
  return {
    jobId, paths, phase: 'starting', fileIndex: 0, fileCount: 0, files: [], done: null, cancelling: false, startedAt: Date.now(),
    anchor: { fraction: 0, position: 0, count: 0 },
  };
}

/** Applies one progress event to a job (pure). */
export function applyProgress(job: JobState, p: Progress): JobState {
  const next: JobState = { ...job, phase: p.phase, fileIndex: p.fileIndex, fileCount: p.fileCount };
  if (p.fileCount !== job.anchor.count) {
    next.anchor = job.anchor.count === 0
      ? { fraction: 0, position: 0, count: p.fileCount }
      : { fraction: overallFraction(job), position: position(job), count: p.fileCount };
  }
  if (p.file !== null) {
    const files = job.files.slice();
    const at = files.findIndex((f) => f.index === p.fileIndex);
    const cur = at >= 0 ? files[at]! : { path: p.file, index: p.fileIndex, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0, phase: p.phase, result: null };
    const upd: FileProgress = { ...cur, path: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, records: p.records, stored: p.stored, phase: p.phase };
    if (at >= 0) files[at] = upd;
    else files.push(upd);
    next.files = files;
  }
  return next;
}

/** Applies one file result (pure): to the file in progress with that path, else a new line. */
export function applyFile(job: JobState, r: FileResult): JobState {
  const files = job.files.slice();
  let at = -1;
  for (let i = files.length - 1; i >= 0; i--) {
    if (files[i]!.path === r.path && files[i]!.result === null) {
      at = i;
      break;
    }
  }
  const base = at >= 0 ? files[at]! : { path: r.path, index: files.length, bytesDone: 0, bytesTotal: r.size, records: 0, stored: 0, phase: 'reading' as const, result: null };
  const upd: FileProgress = { ...base, bytesDone: r.size, bytesTotal: r.size, records: r.records, stored: r.stored, result: r };
  if (at >= 0) files[at] = upd;
  else files.push(upd);
  return { ...job, files };
}

/** How far through the files: finished files plus the bytes read of the current one (hashing is not reading it). */
function position(job: JobState): number {
  const cur = job.files.find((f) => f.index === job.fileIndex && f.result === null);
  const part = cur && cur.phase === 'reading' && cur.bytesTotal > 0 ? Math.min(1, cur.bytesDone / cur.bytesTotal) : 0;
  return Math.min(job.fileIndex, job.fileCount) + part;
}

/**
 * Overall fraction done, 0..1, by files. It never goes back: when an archive, once listed,
 * adds its members to the count, the files left share what is left of the bar.
 */
export function overallFraction(job: JobState): number {
  if (job.done || job.phase === 'done') return 1;
  // Resolving process trees is the last stretch: show it as 97%.
  if (job.phase === 'resolving') return 0.97;
  const { fraction, position: from, count } = job.anchor;
  if (count <= from) return fraction;
  const share = Math.max(0, Math.min(1, (position(job) - from) / (count - from)));
  return fraction + (0.96 - fraction) * share;
}
