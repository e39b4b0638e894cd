// The heap cap without a second process: big jobs run in a worker thread whose V8 heap
// is capped as `node --max-old-space-size=320` capped the whole process before
// (src-core/cli/start.ts); small ones on the main thread. The CLI says where it imports
// and under which limit when LONGTAIL_REPORT_HEAP is set: that line comes from the
// thread that runs the import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { CAPPED_MIN_BYTES, HEAP_CAP_MB, inputBytes, runsCapped } from '../../src-core/cli/start.js';

interface CliBundleModule {
  buildCli(options?: { root?: string; outdir?: string; logLevel?: string; sourcemap?: boolean }): Promise<{ outdir: string }>;
}
const { buildCli } = (await import(new URL('../../build/cli-bundle.mjs', import.meta.url).href)) as CliBundleModule;

const PSEXEC = corpus('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function work(): string {
  const d = tempDir('longtail-heap-');
  dirs.push(d);
  return d;
}

let bundle: string;
/** The heap limit the re-run with --max-old-space-size gave, in MB. */
let flagLimit: number;
beforeAll(async () => {
  // Beside node_modules, where the bundle finds better-sqlite3.
  fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
  const outdir = fs.mkdtempSync(path.join(REPO, 'test-results', 'cli-bundle-'));
  dirs.push(outdir);
  await buildCli({ outdir, logLevel: 'silent', sourcemap: false });
  bundle = path.join(outdir, 'cli.js');
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '-p', 'Math.round(require("v8").getHeapStatistics().heap_size_limit / 2 ** 20)'], { encoding: 'utf8' });
  flagLimit = Number(r.stdout.trim());
  expect(flagLimit).toBeGreaterThanOrEqual(HEAP_CAP_MB);
}, 60_000);

const ENTRIES = {
  bundle: () => [bundle],
  sources: () => [path.join(REPO, 'bin', 'longtail.mjs')],
};

function longtail(entry: keyof typeof ENTRIES, args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, ...ENTRIES[entry](), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, LONGTAIL_FROM_SOURCE: '1', LONGTAIL_REPORT_HEAP: '1', LONGTAIL_CAPPED_MIN_BYTES: '', LONGTAIL_NO_HEAP_CAP: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Where the import ran and its heap limit, from the CLI's LONGTAIL_REPORT_HEAP line. */
function whereImported(stderr: string): { thread: string; mb: number } {
  const m = /importing on the (main|worker) thread, V8 heap limit (\d+) MB/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { thread: m![1]!, mb: Number(m![2]) };
}

/** A folder over the threshold: the PSEXEC log and a sparse file the import ignores. */
function bigFolder(): string {
  const d = path.join(work(), 'triage');
  fs.mkdirSync(d);
  fs.copyFileSync(PSEXEC, path.join(d, 'psexec.json'));
  fs.writeFileSync(path.join(d, 'padding.bin'), '');
  fs.truncateSync(path.join(d, 'padding.bin'), CAPPED_MIN_BYTES);
  return d;
}

describe.each(['bundle', 'sources'] as const)('the heap cap, %s', (entry) => {
  it('an import of 32 MiB or more runs in a worker whose heap limit is the one --max-old-space-size=320 gave', () => {
    const caseFile = path.join(work(), 'c.longtail');
    const r = longtail(entry, ['import', caseFile, bigFolder()]);
    expect(r.code).toBe(0);
    expect(whereImported(r.stderr)).toEqual({ thread: 'worker', mb: flagLimit });
    expect(r.stderr).toContain('286 records: 159 stored');
    expect(r.stderr).toContain('1 file(s) ignored, not data: padding.bin');
  });

  it('a one-file hunt runs on the main thread, uncapped (no worker to start)', () => {
    const r = longtail(entry, ['hunt', PSEXEC, '--format', 'json']);
    expect(r.code).toBe(0);
    const where = whereImported(r.stderr);
    expect(where.thread).toBe('main');
    expect(where.mb).toBeGreaterThan(flagLimit);
  });

  it('in the worker: the same report, progress on stderr, exit code 2 on bad input', () => {
    const env = { LONGTAIL_CAPPED_MIN_BYTES: '0' };
    const capped = longtail(entry, ['hunt', PSEXEC, '--format', 'json'], env);
    const main = longtail(entry, ['hunt', PSEXEC, '--format', 'json']);
    expect(whereImported(capped.stderr).thread).toBe('worker');
    expect(capped.code).toBe(0);
    const rows = (s: string) => (JSON.parse(s) as { rows: unknown[] }).rows;
    expect(rows(capped.stdout)).toHaveLength(1);
    expect(rows(capped.stdout)).toEqual(rows(main.stdout));
    expect(capped.stderr).toMatch(/\[1\/1\] done\nImport:\n {2}.*286 records: 159 stored/);

    const d = work();
    const bad = path.join(d, 'broken.json');
    fs.writeFileSync(bad, fs.readFileSync(PSEXEC, 'utf8').split('\n').slice(0, 40).join('\n') + '\n{"oops": \n');
    const out = path.join(d, 'report.json');
    const r = longtail(entry, ['hunt', bad, '--out', out], env);
    expect(whereImported(r.stderr).thread).toBe('worker');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 bad');
    expect(r.stderr).toContain(`Report written to ${out}`);
    expect((JSON.parse(fs.readFileSync(out, 'utf8')) as { inputs: Array<{ records: number }> }).inputs[0]!.records).toBe(41);
  });
});

describe('the heap cap, how it is chosen', () => {
  it('LONGTAIL_NO_HEAP_CAP keeps even a big job on the main thread', () => {
    const r = longtail('bundle', ['import', path.join(work(), 'c.longtail'), bigFolder()], { LONGTAIL_NO_HEAP_CAP: '1' });
    expect(r.code).toBe(0);
    expect(whereImported(r.stderr).thread).toBe('main');
  });

  it('node --max-old-space-size=N: the process is capped already, no worker', () => {
    const r = longtail('bundle', ['import', path.join(work(), 'c.longtail'), bigFolder()], {}, [`--max-old-space-size=${HEAP_CAP_MB}`]);
    expect(r.code).toBe(0);
    expect(whereImported(r.stderr)).toEqual({ thread: 'main', mb: flagLimit });
  });

  it('a reader that goes away early is not an error in the worker either', async () => {
    const child = spawn(process.execPath, [bundle, 'hunt', PSEXEC, '--format', 'json'], {
      cwd: REPO,
      env: { ...process.env, LONGTAIL_CAPPED_MIN_BYTES: '0', LONGTAIL_REPORT_HEAP: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(whereImported(stderr).thread).toBe('worker');
    expect(stderr).not.toMatch(/Error|EPIPE/);
    expect(code).toBe(0);
  });

  it('runsCapped: by the bytes of the inputs, unless told otherwise', () => {
    const big = bigFolder();
    const small = path.join(work(), 'small');
    fs.mkdirSync(small);
    fs.copyFileSync(PSEXEC, path.join(small, 'a.json'));
    const none = {};
    const noFlags: string[] = [];
    expect(runsCapped(['import', 'c.longtail', big], none, noFlags)).toBe(true);
    expect(runsCapped(['hunt', big, '--format', 'json'], none, noFlags)).toBe(true);
    expect(runsCapped(['hunt', '--window', 'all', big], none, noFlags)).toBe(true);
    expect(runsCapped(['evtx-dump', '--xml', big], none, noFlags)).toBe(true);
    expect(runsCapped(['hunt', small], none, noFlags)).toBe(false);
    expect(runsCapped(['hunt', small], { LONGTAIL_CAPPED_MIN_BYTES: '0' }, noFlags)).toBe(true);
    expect(runsCapped(['hunt', small], { LONGTAIL_CAPPED_MIN_BYTES: '1000' }, noFlags)).toBe(true);
    expect(runsCapped(['hunt', big], { LONGTAIL_NO_HEAP_CAP: '1' }, noFlags)).toBe(false);
    expect(runsCapped(['hunt', big], none, ['--max-old-space-size=512'])).toBe(false);
    // Usage errors and unknown commands: cli.ts reports them, on the main thread.
    expect(runsCapped(['hunt', big, '--bogus'], none, noFlags)).toBe(false);
    expect(runsCapped(['frobnicate', big], none, noFlags)).toBe(false);
    expect(runsCapped([], none, noFlags)).toBe(false);
  });

  it('inputBytes walks folders as the import does, and stops counting at the threshold', () => {
    const d = work();
    fs.mkdirSync(path.join(d, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(d, 'a', 'one'), 'x'.repeat(100));
    fs.writeFileSync(path.join(d, 'a', 'b', 'two'), 'x'.repeat(1000));
    fs.writeFileSync(path.join(d, 'three'), 'x'.repeat(10));
    fs.symlinkSync(path.join(d, 'a'), path.join(d, 'link-to-a'));
    expect(inputBytes([d])).toBe(1110);
    expect(inputBytes([path.join(d, 'a'), path.join(d, 'three'), path.join(d, 'missing')])).toBe(1110);
    // A link named on the command line is followed; one met while walking is not.
    expect(inputBytes([path.join(d, 'link-to-a')])).toBe(1100);
    expect(inputBytes([d], 50)).toBeLessThan(1110);
    expect(inputBytes([d], 50)).toBeGreaterThanOrEqual(50);
  });
});
