// Folds the case's write-ahead log back into the database on another thread while an
// import writes (decision 67). SQLite's own auto-checkpoint runs on the thread that
// commits: every 256 MiB of log the importing thread stopped to copy those pages into
// the case file and fsync it (0.8 s per 230 MB here), while the parse workers' core had
// time to spare. A PASSIVE checkpoint from a
// second connection copies committed frames without blocking the writer; the writer's
// auto-checkpoint stays as the bound on the log, and then finds little left to copy.
import type { Worker } from 'node:worker_threads';
import type { Db } from '../store/case-db.js';
import { CK_COPIED, CK_PASSES, CK_SLOTS, CK_STARTED, CK_STOP, CK_STOPPED, type CheckpointJob } from './checkpoint-signal.js';
import { startWorker } from './worker-spawn.js';

/** How often the worker looks for committed frames to copy. */
export const CHECKPOINT_INTERVAL_MS = 250;
/**
 * The importing connection's own auto-checkpoint while the worker runs: the bound on the
 * log. SQLite checkpoints on the committing thread as soon as a commit leaves the log past
 * this size; at 256 MiB (the case's setting) that was right after every big file's
 * commit, before the worker's next pass. At 1 GiB the worker has copied all but the
 * latest commits by the time it triggers, and the log restarts after it.
 */
const WRITER_LOG_BYTES = 1024 * 1024 * 1024;
/** How long stop() waits for the worker's current pass to end before ending the thread. */
const STOP_WAIT_MS = 10_000;

export interface CheckpointStats {
  /** Passes run. */
  passes: number;
  /** Passes that copied pages into the case file. */
  copied: number;
}

export class WalCheckpointer {
  private readonly sig: Int32Array;
  private stats: CheckpointStats | null = null;

  private constructor(
    signal: SharedArrayBuffer,
    private readonly worker: Worker,
    private readonly db: Db,
    /** The connection's auto-checkpoint (pages) before: restored by stop(). */
    private readonly autocheckpoint: number,
  ) {
    this.sig = new Int32Array(signal);
  }

  /**
   * Starts one for an open case in WAL mode; null where there is nothing to do on another
   * thread (an in-memory or read-only database, or one not in WAL mode).
   */
  static start(db: Db, intervalMs = CHECKPOINT_INTERVAL_MS): WalCheckpointer | null {
    if (db.memory || db.readonly || !db.name || db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
    const signal = new SharedArrayBuffer(CK_SLOTS * 4);
    const job: CheckpointJob = { path: db.name, signal, intervalMs };
    const worker = startWorker(new URL('./checkpoint-worker.js', import.meta.url), import.meta.url, { workerData: job });
    // It must never keep a finished process alive, nor take it down.
    worker.unref();
    // A worker that fails (say its connection cannot open) only leaves the copying to
    // SQLite's own auto-checkpoint, as before: never an error for the import.
    worker.on('error', () => {});
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    if (autocheckpoint > 0) db.pragma(`wal_autocheckpoint = ${Math.max(autocheckpoint, Math.ceil(WRITER_LOG_BYTES / pageSize))}`);
    return new WalCheckpointer(signal, worker, db, autocheckpoint);
  }

  /** Whether the worker has ended: its connection closed, or it could not open one. */
  finished(): boolean {
    return Atomics.load(this.sig, CK_STOPPED) === 1;
  }

  /**
   * Stops the worker and waits for its connection to close (its current pass, if any,
   * ends first). Safe to call twice. Returns what it did.
   */
  stop(): CheckpointStats {
    if (this.stats) return this.stats;
    Atomics.store(this.sig, CK_STOP, 1);
    Atomics.notify(this.sig, CK_STOP);
    // A worker still starting has no connection to close: it is simply ended. (This
    // thread cannot see a worker's error events while it blocks here, hence the flags.)
    const deadline = performance.now() + STOP_WAIT_MS;
    while (Atomics.load(this.sig, CK_STARTED) === 1 && Atomics.load(this.sig, CK_STOPPED) === 0 && performance.now() < deadline) {
      Atomics.wait(this.sig, CK_STOPPED, 0, 100);
    }
    if (Atomics.load(this.sig, CK_STOPPED) === 0) void this.worker.terminate();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
    this.stats = { passes: Atomics.load(this.sig, CK_PASSES), copied: Atomics.load(this.sig, CK_COPIED) };
    return this.stats;
  }
}
