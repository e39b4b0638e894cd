// Worker thread of the parse pool: parses and maps the files it is handed, one after
// another, streaming each file's batches on that file's own port, at most MAX_IN_FLIGHT
// ahead of the importing thread (memory stays bounded whatever the size). A file on disk
// is hashed first (the importing thread needs its hash before it reads any record); an
// archive member is read through the unpack worker, which hashes it as it streams.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { parseFile, sourceOpener, type ParseInput } from './parse-file.js';
import { sha256File } from './inputs.js';
import { Abandoned, syncPoster } from './sync-port.js';
import { isMember } from './archive/refs.js';
import { UnpackClient } from './archive/unpack-client.js';
import { lowerThreadPriority } from './thread-priority.js';

export interface ParseJob {
  input: ParseInput;
  port: MessagePort;
  signal: SharedArrayBuffer;
  /** A control port to the unpack worker, for archive members. */
  unpack: MessagePort | null;
}

function run(job: ParseJob): void {
  const post = syncPoster(job.port, job.signal);
  const unpack = job.unpack ? UnpackClient.connect(job.unpack) : null;
  try {
    // A file split between workers: its first part hashes it (decision 55).
    if (!isMember(job.input.ref) && (job.input.part?.index ?? 0) === 0) post({ type: 'hash', sha256: sha256File(job.input.ref.file) });
    const end = parseFile(job.input, sourceOpener(unpack), (batch) => post({ type: 'batch', batch }));
    post({ type: 'end', end });
  } catch (err) {
    if (!(err instanceof Abandoned)) {
      try {
        post({ type: 'error', message: (err as Error).message });
      } catch {
        // abandoned meanwhile: nobody is listening
      }
    }
  } finally {
    unpack?.close();
    job.port.close();
  }
}

// The importing thread, which stores what this one parses, comes first (decision 68).
lowerThreadPriority();

// Jobs arrive as messages and run one at a time: each run is synchronous, so the next
// message is only taken once the current file is done.
parentPort!.on('message', (job: ParseJob) => run(job));
