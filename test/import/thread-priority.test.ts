// Decision 68: parse workers (and the checkpoint worker) run below the importing thread's
// priority, so the one SQLite writer gets a core whenever it has work.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { ParsePool } from '../../src-core/ingest/parse-channel.js';
import { fileRef } from '../../src-core/ingest/archive/refs.js';
import { lowerThreadPriority, BACKGROUND_NICE } from '../../src-core/ingest/thread-priority.js';
import { detectHead, readHead } from '../../src-core/ingest/detect.js';
import { corpus } from '../helpers/corpus.js';

/** Nice value of each thread of this process, by thread id (Linux /proc). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (in parentheses, which may hold spaces): nice is field 19.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(rest[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe.runIf(process.platform === 'linux')('thread priority', () => {
  it('leaves the importing (main) thread as it is', () => {
    const before = threadNices().get(process.pid);
    expect(lowerThreadPriority()).toBe(false);
    expect(threadNices().get(process.pid)).toBe(before);
  });

  it('lowers each parse worker to the background priority, and only them', () => {
    const before = threadNices();
    const lowBefore = [...before.values()].filter((n) => n === BACKGROUND_NICE).length;
    const pool = new ParsePool(2);
    const csv = `${corpus('csv')}/defender/advanced_hunting_test.csv`;
    const det = detectHead(readHead(csv));
    expect(det.family).toBe('defender-csv');
    const channels = [0, 1].map(() => pool.submit({ ref: fileRef(csv), det, size: fs.statSync(csv).size, hostHint: null }, null, true));
    try {
      // Both workers parse a file: wait for them to have started.
      for (const c of channels) {
        c.sha256();
        for (const _ of c.batches());
      }
      const after = threadNices();
      const low = [...after.values()].filter((n) => n === BACKGROUND_NICE).length;
      expect(low - lowBefore).toBe(2);
      expect(after.get(process.pid)).toBe(before.get(process.pid));
    } finally {
      for (const c of channels) c.close();
      pool.close();
    }
  });
});
