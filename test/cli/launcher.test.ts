// bin/longtail.mjs runs the CLI bundle (dist/cli/) while it is fresh, the sources
// through tsx otherwise; both give the same output. Each case runs in a copy of the
// checkout (bin, build script, sources; node_modules linked), built by build/cli-bundle.mjs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { main } from '../../src-core/cli.js';

interface CliBundleModule {
  buildCli(options?: { root?: string; outdir?: string; logLevel?: string; sourcemap?: boolean }): Promise<{
    outdir: string;
    info: { inputs: Record<string, [number, number]>; outputs: string[] };
  }>;
}
const { buildCli } = (await import(new URL('../../build/cli-bundle.mjs', import.meta.url).href)) as CliBundleModule;

const HELP = fs.readFileSync(new URL('./fixtures/help.txt', import.meta.url), 'utf8');
const PSEXEC = corpus('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
const FAX = corpus('json', 'security-datasets', 'cmd_service_mod_fax_2020-10-2120454410.json');
/** A whole second, so the mtime set here is the one read back to the last digit. */
const BUILD_TIME = new Date('2026-01-02T03:04:05Z');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of the checkout: what the launcher looks at. */
function checkout(): string {
  const dir = tempDir('longtail-checkout-');
  dirs.push(dir);
  for (const f of ['bin/longtail.mjs', 'build/cli-bundle.mjs', 'package.json', 'tsconfig.json']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  }
  fs.cpSync(path.join(REPO, 'src-core'), path.join(dir, 'src-core'), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  return dir;
}

function run(cmd: string[], env: Record<string, string> = {}, cwd = REPO) {
  const r = spawnSync(process.execPath, cmd, { cwd, encoding: 'utf8', env: { ...process.env, LONGTAIL_FROM_SOURCE: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let co: string;
let versionFile: string;
let original: string;
/** src-core/version.ts of the copy with this version, and this mtime (default: now). */
function setVersion(version: string, mtime?: Date): void {
  fs.writeFileSync(versionFile, original.replace("'0.1.0'", `'${version}'`));
  if (mtime) fs.utimesSync(versionFile, mtime, mtime);
}
const launcher = () => path.join(co, 'bin', 'longtail.mjs');

beforeAll(async () => {
  co = checkout();
  versionFile = path.join(co, 'src-core', 'version.ts');
  original = fs.readFileSync(versionFile, 'utf8');
  expect(original).toContain("'0.1.0'");
  setVersion('0.1.0', BUILD_TIME);
  const { info } = await buildCli({ root: co, logLevel: 'silent', sourcemap: false });
  expect(info.inputs['src-core/version.ts']).toEqual([BUILD_TIME.getTime(), Buffer.byteLength(original)]);
  expect(info.inputs['src-core/cli/start.ts']).toBeDefined();
  expect(info.outputs).toEqual(expect.arrayContaining(['cli.js', 'cli-worker.js', 'parse-worker.js']));
}, 60_000);
beforeEach(() => setVersion('0.1.0', BUILD_TIME));

describe('bin/longtail.mjs', () => {
  // The bundle says 0.1.0; the sources, once edited here, another version.
  it('runs the bundle while every file it was built from has its mtime and size of then', () => {
    setVersion('0.1.9', BUILD_TIME); // a change the rule cannot see: shows which code ran
    expect(run([launcher(), '--version']).stdout).toBe('0.1.0\n');
  });

  it('runs the sources once a source file was saved again (new mtime)', () => {
    setVersion('0.1.8');
    expect(run([launcher(), '--version']).stdout).toBe('0.1.8\n');
  });

  it('runs the sources once a source file changed size, whatever its mtime', () => {
    setVersion('0.1.10', BUILD_TIME);
    expect(run([launcher(), '--version']).stdout).toBe('0.1.10\n');
  });

  it('runs the sources when the bundle is missing or its build did not finish (no build-info.json)', () => {
    const info = path.join(co, 'dist', 'cli', 'build-info.json');
    fs.renameSync(info, `${info}.away`);
    try {
      setVersion('0.1.9', BUILD_TIME);
      expect(run([launcher(), '--version']).stdout).toBe('0.1.9\n');
    } finally {
      fs.renameSync(`${info}.away`, info);
    }
    const chunk = fs.readdirSync(path.join(co, 'dist', 'cli')).find((f) => f.startsWith('chunk-'))!;
    fs.renameSync(path.join(co, 'dist', 'cli', chunk), path.join(co, 'dist', 'cli', `${chunk}.away`));
    try {
      expect(run([launcher(), '--version']).stdout).toBe('0.1.9\n');
    } finally {
      fs.renameSync(path.join(co, 'dist', 'cli', `${chunk}.away`), path.join(co, 'dist', 'cli', chunk));
    }
  });

  it('runs the sources when LONGTAIL_FROM_SOURCE is set', () => {
    setVersion('0.1.9', BUILD_TIME);
    expect(run([launcher(), '--version'], { LONGTAIL_FROM_SOURCE: '1' }).stdout).toBe('0.1.9\n');
  });

  it('runs the bundle in a copy without the sources, and it hunts there on its own', () => {
    const src = path.join(co, 'src-core');
    fs.renameSync(src, `${src}.away`);
    try {
      expect(run([launcher(), '--version']).stdout).toBe('0.1.0\n');
      // Three files of 470-640 KB: parse workers, which the bundle finds beside its chunks.
      const r = run([launcher(), 'hunt', path.join(REPO, 'samples'), '--format', 'json']);
      expect(r.stderr).toContain('467 records: 467 stored, 0 duplicate, 0 not used, 0 bad');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { rows: Array<{ name: string }> }).rows.map((x) => x.name)).toContain('PSEXESVC.exe');
    } finally {
      fs.renameSync(`${src}.away`, src);
    }
  });
});

describe('the build', () => {
  it('npm install and npm ci build the bundle (prepare), and so do npm run build and build:cli', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['prepare']).toBe('node build/cli-bundle.mjs');
    expect(pkg.scripts['build:cli']).toBe('node build/cli-bundle.mjs');
    expect(fs.readFileSync(path.join(REPO, 'build', 'build.mjs'), 'utf8')).toMatch(/^await buildCli\(\);$/m);
    // Where the launcher looks: the build's default output folder, in the copy.
    expect(fs.existsSync(path.join(co, 'dist', 'cli', 'build-info.json'))).toBe(true);
  });
});

describe('longtail --help', () => {
  it('prints the same usage as before, from the bundle, from the sources and from main()', () => {
    for (const env of [{}, { LONGTAIL_FROM_SOURCE: '1' }] as Array<Record<string, string>>) {
      for (const arg of ['--help', 'help', '-h']) {
        expect(run([launcher(), arg], env)).toEqual({ code: 0, stdout: HELP, stderr: '' });
      }
      // No command: the usage, and exit 1.
      expect(run([launcher()], env)).toEqual({ code: 1, stdout: HELP, stderr: '' });
    }
    let out = '';
    expect(main(['--help'], { out: (s) => (out += s), err: () => undefined, isTty: false })).toBe(0);
    expect(out).toBe(HELP);
  });

  it('a bad command still gets the usage on stderr and exit 1', () => {
    const r = run([launcher(), 'frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`longtail: unknown command "frobnicate"\n\n${HELP}`);
  });
});

describe('a hunt over files', () => {
  // One small file is parsed on the importing thread; the demo fleet's three files go to
  // parse workers in the bundle (256 KiB or more), not from the sources (8 MiB).
  it.each([
    ['Security-Datasets PSEXEC', PSEXEC],
    ['Security-Datasets fax service', FAX],
    ['the demo fleet’s Defender CSV', path.join(REPO, 'samples', 'defender', 'fleet-union.csv')],
    ['the demo fleet (3 files)', path.join(REPO, 'samples')],
  ])('gives the same JSON through the bundle as through the sources: %s', (_label, file) => {
    const bundled = run([path.join(co, 'dist', 'cli', 'cli.js'), 'hunt', file, '--format', 'json']);
    const source = run([launcher(), 'hunt', file, '--format', 'json'], { LONGTAIL_FROM_SOURCE: '1' });
    expect(bundled.code).toBe(0);
    expect(source.code).toBe(0);
    const a = JSON.parse(bundled.stdout) as { parameters: Record<string, unknown>; rows: unknown[] };
    const b = JSON.parse(source.stdout) as { parameters: Record<string, unknown>; rows: unknown[] };
    expect(a.rows.length).toBeGreaterThan(0);
    expect(typeof a.parameters['generatedAt']).toBe('string');
    delete a.parameters['generatedAt'];
    delete b.parameters['generatedAt'];
    expect(a).toEqual(b);
    // What became of the records (progress lines aside: they depend on time).
    const imported = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(imported(bundled.stderr).length).toBeGreaterThan(0);
    expect(imported(bundled.stderr)).toEqual(imported(source.stderr));
  });
});
