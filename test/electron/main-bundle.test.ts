// The built main process, run on plain Node with a fake 'electron' module (Electron
// itself cannot run here): laid out as in a packaged app — resources/app/{package.json,
// electron/, renderer/} and resources/native/better_sqlite3.node, with no node_modules
// but the fake — it must find its binding, start its workers from its own folder, serve
// the renderer, guard requests and navigation, and import and hunt the demo fleet over
// its IPC, forwarding progress events; then stop the workers on quit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { huntParams } from '../../src-core/hunt/presets.js';
import { CSP } from '../../electron/security.js';

interface BundlesModule {
  buildElectron(options?: { outdir?: string; logLevel?: string; sourcemap?: boolean }): Promise<unknown>;
  writeAppManifest(distDir?: string): unknown;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
let dir: string;

interface Seen {
  errors: string[];
  exitCode?: number | null;
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  sandboxEnabled: boolean;
  lockRequested: boolean;
  bindingBefore: string | null;
  binding: string;
  webPreferences: Record<string, unknown>;
  loaded: string;
  channels: string[];
  menu: boolean;
  spellChecker: boolean;
  page: { status: number; csp: string; body: string };
  traversal: number;
  requests: { app: boolean; web: boolean; file: boolean };
  windowOpen: { action: string };
  navigationPrevented: boolean;
  info: { result: { mode: string } };
  foreign: { error: { kind: string; message: string } };
  malformed: { error: { kind: string; message: string } };
  created: { result: { path: string } };
  started: { result: { jobId: number } };
  events: { progress: number; file: number; done: number };
  done: { jobId: number; files: number; failed: number; cancelled: boolean; error: string | null };
  hunt: { rows: Array<[string, string]> };
  recent: { result: Array<{ path: string }> };
  quit: boolean;
}

function run(env: Record<string, string>): Seen {
  const r = spawnSync(process.execPath, [path.join(dir, 'resources', 'app', 'drive-main.mjs')], {
    env: { ...process.env, LONGTAIL_SQLITE_BINDING: '', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`driver failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Seen;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-main-'));
  const app = path.join(dir, 'resources', 'app');
  const bundles = (await import(new URL('../../build/electron-bundles.mjs', import.meta.url).href)) as BundlesModule;
  await bundles.buildElectron({ outdir: path.join(app, 'electron'), logLevel: 'silent', sourcemap: false });
  bundles.writeAppManifest(app);
  fs.mkdirSync(path.join(app, 'renderer'));
  fs.writeFileSync(path.join(app, 'renderer', 'index.html'), '<!doctype html><title>Longtail renderer</title>');
  fs.mkdirSync(path.join(app, 'node_modules', 'electron'), { recursive: true });
  fs.writeFileSync(path.join(app, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', type: 'module', main: 'index.js' }));
  fs.copyFileSync(path.join(here, 'fixtures', 'fake-electron.mjs'), path.join(app, 'node_modules', 'electron', 'index.js'));
  fs.copyFileSync(path.join(here, 'fixtures', 'drive-main.mjs'), path.join(app, 'drive-main.mjs'));
  // On Node the "Electron build" is Node's own: the point is where it is found, not its ABI.
  const require = createRequire(import.meta.url);
  const nodeBuild = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  fs.mkdirSync(path.join(dir, 'resources', 'native'));
  fs.copyFileSync(nodeBuild, path.join(dir, 'resources', 'native', 'better_sqlite3.node'));
  fs.mkdirSync(path.join(dir, 'user'));
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the built main process (on Node, Electron faked)', () => {
  let seen: Seen;
  beforeAll(() => {
    seen = run({
      MAIN: path.join(dir, 'resources', 'app', 'electron', 'main.js'),
      FAKE_PACKAGED: '1',
      FAKE_RESOURCES: path.join(dir, 'resources'),
      FAKE_USER_DATA: path.join(dir, 'user'),
      CASE_PATH: path.join(dir, 'case.longtail'),
      SAMPLES: path.join(repo, 'samples'),
      HUNT_PARAMS: JSON.stringify(huntParams('any')),
    });
  }, 180_000);

  it('starts: privileged app scheme, sandbox, single instance, the packaged binding set before the core', () => {
    expect(seen.errors).toEqual([]);
    expect(seen.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(seen.sandboxEnabled).toBe(true);
    expect(seen.lockRequested).toBe(true);
    expect(seen.bindingBefore).toBe('');
    expect(seen.binding).toBe(path.join(dir, 'resources', 'native', 'better_sqlite3.node'));
  });

  it('opens one hardened window on app://longtail/', () => {
    expect(seen.loaded).toBe('app://longtail/index.html');
    expect(seen.webPreferences).toMatchObject({
      sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false,
      preload: path.join(dir, 'resources', 'app', 'electron', 'preload.cjs'),
    });
    expect([...seen.channels].sort()).toEqual(['longtail:call', 'longtail:shell:openCase', 'longtail:shell:pickFiles', 'longtail:shell:pickFolder', 'longtail:shell:saveFile']);
    expect(seen.menu).toBe(true);
    expect(seen.spellChecker).toBe(false);
  });

  it('serves the renderer with the CSP, and refuses the rest', () => {
    expect(seen.page).toEqual({ status: 200, csp: CSP, body: '<!doctype html><title>Longtail renderer</title>' });
    expect(seen.traversal).toBe(404);
    expect(seen.requests).toEqual({ app: false, web: true, file: true });
    expect(seen.windowOpen).toEqual({ action: 'deny' });
    expect(seen.navigationPrevented).toBe(true);
  });

  it('answers the app’s frame only, validating arguments', () => {
    expect(seen.info.result.mode).toBe('electron');
    expect(seen.foreign.error.message).toMatch(/^refused/);
    expect(seen.malformed.error.kind).toBe('bad-request');
  });

  it('imports the demo fleet in its workers, forwarding progress, and hunts it', () => {
    expect(seen.created.result.path).toBe(path.join(dir, 'case.longtail'));
    expect(seen.started.result.jobId).toBe(1);
    expect(seen.done).toMatchObject({ jobId: 1, failed: 0, cancelled: false, error: null });
    expect(seen.done.files).toBeGreaterThan(0);
    expect(seen.events.done).toBe(1);
    expect(seen.events.file).toBeGreaterThan(0);
    expect(seen.events.progress).toBeGreaterThan(0);
    expect(seen.hunt.rows).toContainEqual(['srv-file02', 'C:\\Windows\\PSEXESVC.exe']);
    expect(seen.hunt.rows.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps recent cases in the user data folder, and stops the workers on quit', () => {
    expect(seen.recent.result.map((r) => r.path)).toEqual([path.join(dir, 'case.longtail')]);
    expect(fs.existsSync(path.join(dir, 'user', 'recent-cases.json'))).toBe(true);
    expect(seen.quit).toBe(true);
  });

  it('refuses to start without its binding, and says how to fix it', () => {
    const r = run({
      MAIN: path.join(dir, 'resources', 'app', 'electron', 'main.js'),
      FAKE_PACKAGED: '0',
      FAKE_RESOURCES: path.join(dir, 'nowhere'),
      FAKE_USER_DATA: path.join(dir, 'user'),
    });
    expect(r.errors).toEqual([expect.stringContaining('npm run native')]);
    expect(r.exitCode).toBe(1);
  });
});
