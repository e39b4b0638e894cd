// What an import reports, per file and as progress.
import type { ImportNote } from './note-log.js';

export type FileStatus = 'complete' | 'failed' | 'duplicate' | 'ignored';

export interface FileImportResult {
  /** The file, or for an archive member `archive!/member` (refs.ts displayPath). */
  path: string;
  /** For an archive member: the archive (or nested archive) it was read from. */
  container: string | null;
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
  /** For an archive: what became of its member files. */
  members?: MemberTally;
}

export interface MemberTally {
  total: number;
  complete: number;
  duplicate: number;
  failed: number;
  ignored: number;
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

export function emptyResult(p: string, size: number): FileImportResult {
  return {
    path: p, container: null, fileId: null, sha256: null, size, format: null, status: 'failed', records: 0, stored: 0,
    duplicates: 0, skipped: 0, failed: 0, timeMin: null, timeMax: null, hosts: [], notes: [], error: null,
  };
}
