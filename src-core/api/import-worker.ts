// Worker thread running one import job into a case; progress goes back as messages.
// Killing this thread mid-file leaves the case as before that file (one transaction
// per file, or per group of small files); the next open marks the files incomplete.
import { parentPort, workerData } from 'node:worker_threads';
import { openCase } from '../store/case-db.js';
import { importFiles } from '../ingest/import-files.js';
import type { FileImportResult, ImportProgress } from '../ingest/import-types.js';

export interface ImportJob {
  casePath: string;
  paths: string[];
}

export type ImportMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'file'; file: FileImportResult }
  | { type: 'done'; files: number; failed: number; error: string | null };

const job = workerData as ImportJob;
const port = parentPort!;
const post = (m: ImportMessage) => port.postMessage(m);

let last = 0;
try {
  const { db } = openCase(job.casePath, { create: false });
  try {
    const summary = importFiles(db, job.paths, {
      onProgress: (progress) => {
        const now = Date.now();
        // Progress as data, at most ~10 messages a second (phase changes always go out).
        if (progress.phase === 'reading' && now - last < 100) return;
        last = now;
        post({ type: 'progress', progress });
      },
      onFile: (file) => post({ type: 'file', file }),
    });
    post({ type: 'done', files: summary.files.length, failed: summary.files.filter((f) => f.status === 'failed').length, error: null });
  } finally {
    db.close();
  }
} catch (err) {
  post({ type: 'done', files: 0, failed: 0, error: (err as Error).message });
}
