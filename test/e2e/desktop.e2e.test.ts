// The renderer as the Electron shell loads it: dist/renderer/index.html from file://,
// with the preload's `window.longtail` bridge (here a stand-in with the same shape), so
// native dialogs, dropped-file paths and pushed events take the desktop code paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { buildRenderer, launch, screenshot, tempDir, type Browser } from './harness.js';

const work = tempDir('longtail-e2e-desktop-');
let browser: Browser;
let page: Page;

/** Runs in the page before the app: a Bridge like the preload's, recording calls. */
function installBridge(): void {
  type Listener = (p: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const calls: Array<{ name: string; args: unknown }> = [];
  const info = (p: string) => ({
    path: p, schemaVersion: 3, inputs: 0, events: { process: 0, network: 0, file: 0, image: 0, service: 0 }, hosts: [], first: null, last: null,
  });
  let open: string | null = null;
  const w = window as unknown as Record<string, unknown>;
  w['__calls'] = calls;
  w['__emit'] = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  w['longtail'] = {
    mode: 'electron',
    shell: {
      pickFiles: async () => ['/evidence/host1/Security.evtx', '/evidence/host1/System.evtx'],
      pickFolder: async () => '/evidence/host2',
      openCase: async () => null,
      saveFile: async (name: string) => `/cases/${name}`,
      pathsForFiles: (files: readonly File[]) => files.map((f) => `/dropped/${f.name}`),
    },
    async call(name: string, args: unknown) {
      calls.push({ name, args });
      switch (name) {
        case 'app.info': return { version: '0.1.0', mode: 'electron', platform: 'linux' };
        case 'case.info': return open ? info(open) : null;
        case 'case.recent': return [];
        case 'case.create': open = (args as { path: string }).path; return info(open);
        case 'import.start': return { jobId: 7 };
        case 'import.log': return [];
        default: throw new Error(`not in this stand-in: ${name}`);
      }
    },
    on(event: string, l: Listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(l);
      return () => set.delete(l);
    },
  };
}

beforeAll(async () => {
  await buildRenderer(path.join(work, 'renderer'));
  // Chromium (unlike Electron's file protocol) needs leave to load ES modules from file://.
  browser = await launch(path.join(work, 'profile'), path.join(work, 'downloads'), ['--allow-file-access-from-files']);
  page = browser.page;
  await page.addInitScript(installBridge);
  await page.goto(pathToFileURL(path.join(work, 'renderer', 'index.html')).href);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const calls = () => page.evaluate(() => (window as unknown as { __calls: Array<{ name: string; args: unknown }> }).__calls);

describe('desktop mode (file://, preload bridge)', () => {
  it('loads from file:// under its CSP, in desktop mode', async () => {
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    expect(await page.getByText('v0.1.0 · desktop').count()).toBe(1);
    expect(browser.errors).toEqual([]);
  });

  it('creates a case where the native save dialog says', async () => {
    await page.getByRole('button', { name: 'Choose location…' }).click();
    await expect.poll(() => page.getByLabel('Case file to create').inputValue()).toMatch(/^\/cases\/case-\d{8}-\d{6}\.longtail$/);
    await page.getByRole('button', { name: 'Create case' }).click();
    // Creating a case opens it in the bridge's worker; a loaded 2-core CI machine has taken over 10 s.
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor({ timeout: 30_000 });
  });

  it('adds files from the native dialog and from a drop, imports, and follows pushed events', async () => {
    await page.getByRole('button', { name: 'Add files…' }).click();
    await page.getByRole('button', { name: 'Add folder…' }).click();
    // A drop: the shell turns File objects into paths.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'export.csv'));
      const zone = document.querySelector('.dropzone')!;
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.locator('.path-list li').allTextContents()).toEqual([
      '/evidence/host1/Security.evtx×', '/evidence/host1/System.evtx×', '/evidence/host2×', '/dropped/export.csv×',
    ]);
    await page.getByRole('button', { name: 'Import 4 items' }).click();
    await expect.poll(async () => (await calls()).find((c) => c.name === 'import.start')?.args).toEqual({
      paths: ['/evidence/host1/Security.evtx', '/evidence/host1/System.evtx', '/evidence/host2', '/dropped/export.csv'],
    });
    const emit = (event: string, payload: unknown) => page.evaluate(([e, p]) => (window as unknown as { __emit: (e: unknown, p: unknown) => void }).__emit(e, p), [event, payload] as const);
    await emit('import.progress', { jobId: 7, phase: 'reading', file: '/evidence/host1/Security.evtx', fileIndex: 0, fileCount: 2, bytesDone: 50, bytesTotal: 100, records: 1200, stored: 1100 });
    await page.getByRole('heading', { name: 'Reading file 1 of 2…' }).waitFor();
    expect(await page.getByRole('progressbar', { name: 'Progress of Security.evtx' }).getAttribute('aria-valuenow')).toBe('50');
    await screenshot(page, '30-desktop-import-progress');
    await emit('import.done', { jobId: 7, files: 2, failed: 0, cancelled: false, error: null });
    await page.getByRole('heading', { name: 'Import finished: 2 files' }).waitFor();
    expect(browser.errors).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  });
});
