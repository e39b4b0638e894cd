// Worker thread of the WAL checkpointer (wal-checkpointer.ts): every few hundred
// milliseconds it copies the pages the import committed to the write-ahead log back into
// the case file (a PASSIVE checkpoint: it never waits for, nor blocks, the writer or any
// reader). Without it, the importing thread does that copying itself, with its fsyncs,
// each time the log passes SQLite's auto-checkpoint size (decision 67).
import { workerData } from 'node:worker_threads';
import { openCheckpointConnection } from '../store/case-db.js';
import { lowerThreadPriority } from './thread-priority.js';
import { CK_COPIED, CK_PASSES, CK_STARTED, CK_STOP, CK_STOPPED, type CheckpointJob } from './checkpoint-signal.js';

const job = workerData as CheckpointJob;
lowerThreadPriority();
const sig = new Int32Array(job.signal);

function stopped(): void {
  Atomics.store(sig, CK_STOPPED, 1);
  Atomics.notify(sig, CK_STOPPED);
}

try {
  const db = openCheckpointConnection(job.path);
  Atomics.store(sig, CK_STARTED, 1);
  let copied = 0;
  try {
    while (Atomics.load(sig, CK_STOP) === 0) {
      Atomics.wait(sig, CK_STOP, 0, job.intervalMs);
      if (Atomics.load(sig, CK_STOP) !== 0) break;
      // busy = 1 when another checkpoint (the writer's own) holds the lock: try next time.
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      Atomics.add(sig, CK_PASSES, 1);
      // `checkpointed` counts the frames of the current log copied so far, by anyone.
      if (r && r.busy === 0 && r.checkpointed > 0 && r.checkpointed !== copied) Atomics.add(sig, CK_COPIED, 1);
      copied = r?.checkpointed ?? 0;
    }
  } finally {
    db.close();
  }
} finally {
  // Also when the connection could not be opened: the import's own checkpoints still run.
  stopped();
}
