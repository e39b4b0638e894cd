// Scheduling: the importing thread (the one SQLite writer) is the import's critical path,
// and on a 2-core machine it shares the cores with two parse workers. Left equal, the
// scheduler shares two cores between three runnable threads, and the writer, whose speed
// is the import's, loses a third of its core whenever the workers run at the same time.
// Worker threads lower their own priority instead (decision 68): the writer then gets a
// core whenever it has work, and the workers fill whatever it leaves.
import fs from 'node:fs';
import os from 'node:os';

/** The nice value a background thread takes (0 is normal, 19 the lowest). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority. Linux only, where nice values are per thread and
 * /proc/thread-self names the thread; elsewhere setting it would change the whole
 * process, so nothing is done. Returns whether it was lowered.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    if (os.getPriority(tid) >= nice) return true;
    os.setPriority(tid, nice);
    return true;
  } catch {
    // No procfs, or not allowed: the thread keeps its priority.
    return false;
  }
}
