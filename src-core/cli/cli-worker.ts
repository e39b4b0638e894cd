// The worker thread a big `longtail` job runs in, its V8 heap capped (cli/start.ts).
//
// Output goes straight to the process's stdout and stderr (file descriptors 1 and 2),
// not through process.stdout: in a worker that forwards to the main thread
// asynchronously, and the commands run synchronously, so progress would show only at
// the end and a long output would pile up in this thread's heap.
import fs from 'node:fs';
import tty from 'node:tty';
import { workerData } from 'node:worker_threads';
import { main } from '../cli.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `s` to `fd`, waiting while a non-blocking pipe is full. */
function fdWriter(fd: number): (s: string) => void {
  return (s) => {
    const buf = Buffer.from(s, 'utf8');
    let done = 0;
    while (done < buf.length) {
      try {
        done += fs.writeSync(fd, buf, done, buf.length - done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 5);
        // `longtail log CASE | head` closes the pipe early: that is not an error.
        else if (code === 'EPIPE') process.exit(0);
        else throw err;
      }
    }
  };
}

const { argv } = workerData as { argv: string[] };
process.exit(main(argv, { out: fdWriter(1), err: fdWriter(2), isTty: tty.isatty(2) }));
