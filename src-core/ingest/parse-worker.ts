// Worker thread of the parse pool: parses and maps the files it is handed, one after
// another, streaming each file's batches on that file's own port, at most MAX_IN_FLIGHT
// ahead of the importing thread (memory stays bounded whatever the size). A file on disk
// is hashed as it is parsed, its hash sent with its end; one that may already be in the
// case is hashed first, so the importing thread can skip it unread (decision 70). An
// archive member is read through the unpack worker, which hashes it as it streams.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { parseFile, sourceOpener, type ParseInput } from './parse-file.js';
import { sha256File } from './inputs.js';
import { FileHasher } from './text/file-hasher.js';
import { Abandoned, syncPoster } from './sync-port.js';
import { packBatch } from './batch-wire.js';
import { isMember } from './archive/refs.js';
import { UnpackClient } from './archive/unpack-client.js';
import { lowerThreadPriority } from './thread-priority.js';

export interface ParseJob {
  input: ParseInput;
  port: MessagePort;
  signal: SharedArrayBuffer;
  /** A control port to the unpack worker, for archive members. */
  unpack: MessagePort | null;
  /** Send the file's hash before its batches (else with its end). Not for members. */
  hashFirst: boolean;
}

function run(job: ParseJob): void {
  const post = syncPoster(job.port, job.signal);
  const unpack = job.unpack ? UnpackClient.connect(job.unpack) : null;
  // A file split between workers: its first part hashes it (decision 55).
  const hashes = !isMember(job.input.ref) && (job.input.part?.index ?? 0) === 0;
  const hasher = hashes && !job.hashFirst ? new FileHasher(job.input.ref.file) : null;
  try {
    if (hashes && job.hashFirst) post({ type: 'hash', sha256: sha256File(job.input.ref.file) });
    const open = hasher ? () => hasher.open() : sourceOpener(unpack);
    const end = parseFile(job.input, open, (batch) => post({ type: 'batch', packed: packBatch(batch) }));
    post({ type: 'end', end: hasher ? { ...end, source: { sha256: hasher.digest(), problem: null } } : end });
  } catch (err) {
    if (!(err instanceof Abandoned)) {
      try {
        post({ type: 'error', message: (err as Error).message, sha256: hashOf(hasher) });
      } catch {
        // abandoned meanwhile: nobody is listening
      }
    }
  } finally {
    unpack?.close();
    job.port.close();
  }
}

/** A failed file's hash, for its log row, when it can still be read. */
function hashOf(hasher: FileHasher | null): string | null {
  try {
    return hasher?.digest() ?? null;
  } catch {
    return null;
  }
}

// The importing thread, which stores what this one parses, comes first (decision 68).
lowerThreadPriority();

// Jobs arrive as messages and run one at a time: each run is synchronous, so the next
// message is only taken once the current file is done.
parentPort!.on('message', (job: ParseJob) => run(job));
