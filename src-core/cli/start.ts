// The `longtail` command's entry point: bin/longtail.mjs runs it from the bundle
// (dist/cli/cli.js) or from here through tsx. It answers --help and --version itself,
// loading nothing else, and otherwise picks the thread the command runs on and loads the
// CLI proper (cli.ts) there.
//
// Memory must not grow with input size: the thread that imports and hunts has its V8
// heap capped, so the garbage collector works before the process gets big rather than
// when it nears the machine's memory. A thread's heap limit is fixed when it starts
// (v8.setFlagsFromString('--max-old-space-size=…') later leaves heap_size_limit as it
// was), and re-running node with the flag cost ~100 ms at every start. A worker thread
// takes its own limit (resourceLimits) and costs ~50 ms to start here. So commands whose
// inputs add up to CAPPED_MIN_BYTES or more run in a worker capped at HEAP_CAP_MB
// (cli-worker.ts); smaller ones, such as a hunt over a single small file, run on the
// main thread, where so little data cannot fill even the capped heap (decision 53).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from './args.js';
import { COMMAND_OPTIONS, USAGE, isCommandName } from './usage.js';
import { LONGTAIL_VERSION } from '../version.js';

/** The V8 old-generation cap of the thread that imports and hunts (MB). */
export const HEAP_CAP_MB = 320;

/**
 * Inputs (files, folders' files, the case) of at least this many bytes in all run in
 * the capped worker. LONGTAIL_CAPPED_MIN_BYTES overrides (0: always);
 * LONGTAIL_NO_HEAP_CAP=1 never caps.
 */
export const CAPPED_MIN_BYTES = 32 * 1024 * 1024;

type Env = Record<string, string | undefined>;

/** Bytes in these files and folders (walked as the import walks them), counted up to `stopAt`. */
export function inputBytes(paths: readonly string[], stopAt = Infinity): number {
  let total = 0;
  const visit = (p: string, explicit: boolean): void => {
    if (total >= stopAt) return;
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) total += st.size;
    else if (st.isDirectory() && explicit) walk(p);
  };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // Like expandInputs: subfolders, and files, but no symbolic links met on the way.
    for (const e of entries) {
      if (total >= stopAt) return;
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.isFile()) visit(path.join(dir, e.name), false);
    }
  };
  for (const p of paths) visit(p, true);
  return total;
}

/** Whether `argv` runs in the capped worker thread (see the top of this file). */
export function runsCapped(argv: readonly string[], env: Env = process.env, execArgv: readonly string[] = process.execArgv): boolean {
  if (env['LONGTAIL_NO_HEAP_CAP']) return false;
  // `node --max-old-space-size=N bin/longtail.mjs …`: this thread is capped already.
  if (execArgv.some((a) => a.startsWith('--max-old-space-size'))) return false;
  const [command, ...rest] = argv;
  if (!isCommandName(command)) return false;
  // Reads a case's lists, never its events: nothing to cap.
  if (command === 'export-query') return false;
  let positionals: string[];
  try {
    positionals = parseArgs(rest, COMMAND_OPTIONS[command]).positionals;
  } catch {
    return false; // a usage error: cli.ts says what is wrong
  }
  const override = env['LONGTAIL_CAPPED_MIN_BYTES'];
  const min = override !== undefined && override !== '' && Number.isFinite(Number(override)) ? Number(override) : CAPPED_MIN_BYTES;
  return inputBytes(positionals, min) >= min;
}

/** Runs the command in a worker thread with a capped heap; resolves to its exit code. */
export async function runCapped(argv: readonly string[]): Promise<number> {
  const { startWorker } = await import('../ingest/worker-spawn.js');
  const worker = startWorker(new URL('./cli-worker.js', import.meta.url), import.meta.url, {
    workerData: { argv: [...argv] },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_CAP_MB },
  });
  return new Promise((resolve) => {
    let failed = false;
    worker.on('error', (err: Error & { code?: string }) => {
      failed = true;
      process.stderr.write(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `longtail: out of memory: the work needed more than its ${HEAP_CAP_MB} MB heap\n`
          : `${err.stack ?? String(err)}\n`,
      );
    });
    worker.on('exit', (code) => resolve(failed && code === 0 ? 1 : code));
  });
}

/** Runs the `longtail` command line; sets the exit code. */
export async function start(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const command = argv[0];
  // As cli.ts's main() answers them, without loading it.
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    process.exitCode = command === undefined ? 1 : 0;
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${LONGTAIL_VERSION}\n`);
    process.exitCode = 0;
    return;
  }
  if (runsCapped(argv)) {
    process.exitCode = await runCapped(argv);
    return;
  }
  const { runCli } = await import('../cli.js');
  runCli(argv);
}

// `node dist/cli/cli.js …` (or tsx on this file) runs the command too. (Only the main
// thread loads this module: the worker starts at cli-worker.ts.)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await start();
}
