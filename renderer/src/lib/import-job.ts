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
  /** The most shown so far: the file count grows as archives are listed, the bar must not go back. */
  shown: number;
}

export function emptyJob(jobId: number, paths: string[] = []): JobState {
  return { jobId, paths, phase: 'starting', fileIndex: 0, fileCount: 0, files: [], done: null, cancelling: false, startedAt: Date.now(), shown: 0 };
}

/** Applies one progress event to a job (pure). */
export function applyProgress(job: JobState, p: Progress): JobState {
  const next: JobState = { ...job, phase: p.phase, fileIndex: p.fileIndex, fileCount: p.fileCount };
  if (p.file !== null) {
    const files = job.files.slice();
    const at = files.findIndex((f) => f.index === p.fileIndex);
    const cur = at >= 0 ? files[at]! : { path: p.file, index: p.fileIndex, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0, phase: p.phase, result: null };
    const upd: FileProgress = { ...cur, path: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, records: p.records, stored: p.stored, phase: p.phase };
    if (at >= 0) files[at] = upd;
    else files.push(upd);
    next.files = files;
  }
  next.shown = overallFraction(next);
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

/**
 * Overall fraction done, 0..1: finished files plus the current file's bytes, never less
 * than shown before (an archive's members join the count once it is listed).
 */
export function overallFraction(job: JobState): number {
  if (job.done || job.phase === 'done') return 1;
  if (job.fileCount === 0) return job.shown;
  const cur = job.files.find((f) => f.index === job.fileIndex && f.result === null);
  const part = cur && cur.bytesTotal > 0 ? Math.min(1, cur.bytesDone / cur.bytesTotal) : 0;
  // Resolving process trees is the last stretch: show it as 97%.
  if (job.phase === 'resolving') return 0.97;
  return Math.max(job.shown, Math.min(0.96, ((Math.min(job.fileIndex, job.fileCount) + part) / job.fileCount) * 0.96));
}
