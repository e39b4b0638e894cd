// The shared counters between the WAL checkpointer and its worker thread.

/** Set by the importing thread: stop after the current pass. */
export const CK_STOP = 0;
/** Set by the worker once its connection is closed (or could not be opened). */
export const CK_STOPPED = 1;
/** Set by the worker once its connection is open. */
export const CK_STARTED = 2;
/** Checkpoint passes run. */
export const CK_PASSES = 3;
/** Passes that copied frames into the case file. */
export const CK_COPIED = 4;
export const CK_SLOTS = 5;

export interface CheckpointJob {
  path: string;
  signal: SharedArrayBuffer;
  intervalMs: number;
}
