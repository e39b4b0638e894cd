// End-to-end harness: the real renderer (built with Vite), the real core (CoreHost) and
// the real local HTTP bridge (serve), driven in Debian Chromium by playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CoreHost } from '../../src-core/api/host.js';
import { serve, type Served } from '../../electron/serve/server.js';
import { REPO } from '../helpers/corpus.js';

export { REPO };
export const SCREENSHOTS = path.join(REPO, 'test-results', 'screenshots');

/** Chromium from the OS (CI installs Debian's `chromium` package); override with LONGTAIL_CHROMIUM. */
export function chromiumPath(): string {
  const candidates = [process.env['LONGTAIL_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
    .filter((p): p is string => typeof p === 'string' && p !== '');
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(`No Chromium found (tried ${candidates.join(', ')}). Install Debian's "chromium" package or set LONGTAIL_CHROMIUM to a Chromium/Chrome binary.`);
  }
  return found;
}

const quiet = { logLevel: 'warn' as const, mode: 'production' };

/**
 * Vite keeps a NODE_ENV it finds set, and vitest sets it to `test`: that would build
 * React's development bundle (several times slower). Build as `npm run build:renderer` does.
 */
async function productionBuild(run: () => Promise<unknown>): Promise<void> {
  const before = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await run();
  } finally {
    if (before === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = before;
  }
}

/** Builds the app's renderer exactly as `npm run build:renderer` does, into `outDir`. */
export async function buildRenderer(outDir: string): Promise<void> {
  await productionBuild(() => build({ ...quiet, root: path.join(REPO, 'renderer'), build: { outDir, emptyOutDir: true, sourcemap: false } }));
}

/** Builds the table benchmark page (the real ResultsTable over synthetic rows). */
export async function buildTableBench(outDir: string): Promise<void> {
  await productionBuild(() => build({
    ...quiet, configFile: false, root: path.join(REPO, 'test', 'e2e', 'table-bench'), base: './', plugins: [react()],
    build: { outDir, emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
  }));
}

export interface App {
  host: CoreHost;
  served: Served;
  close(): Promise<void>;
}

export async function startApp(rendererDir: string, recentFile: string): Promise<App> {
  const host = new CoreHost({ mode: 'browser', recentFile });
  const served = await serve({ host, rendererDir });
  return {
    host,
    served,
    close: async () => {
      await served.close();
      await host.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Dialogs the page tried to open (alert/confirm/prompt): there must be none. */
  dialogs: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  close(): Promise<void>;
}

export async function launch(profileDir: string, downloads: string, extraArgs: string[] = []): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    downloadsPath: downloads,
    colorScheme: 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Fail a step in seconds, not after half a minute per following step.
  page.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  // The browser logs a failed call as its status only: keep what the core answered.
  page.on('response', (r) => {
    if (!r.url().endsWith('/api/call') || r.status() < 500) return;
    const call = (r.request().postData() ?? '').slice(0, 200);
    void r.text().then(
      (body) => errors.push(`api ${r.status()} for ${call}: ${body.slice(0, 500)}`),
      () => errors.push(`api ${r.status()} for ${call}`),
    );
  });
  // Offline by design: any request that is not to our own loopback server fails the test.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:\d+\/|data:|about:|file:)/, async (route) => {
    errors.push(`unexpected request: ${route.request().url()}`);
    await route.abort();
  });
  return { context, page, dialogs, errors, close: () => context.close() };
}

/**
 * What every app e2e starts with: the renderer built into `rendererDir`, served against
 * a fresh core host, and Chromium (profile and downloads in `work`) opened on it.
 */
export async function openApp(work: string, rendererDir: string): Promise<{ app: App; browser: Browser; page: Page }> {
  await buildRenderer(rendererDir);
  const app = await startApp(rendererDir, path.join(work, 'recent.json'));
  const browser = await launch(path.join(work, 'profile'), path.join(work, 'downloads'));
  await browser.page.goto(app.served.url);
  return { app, browser, page: browser.page };
}

/** Ends what openApp started and removes its working folder (the afterAll of every app e2e). */
export async function closeApp(opened: { app?: App; browser?: Browser }, work: string): Promise<void> {
  await opened.browser?.close();
  await opened.app?.close();
  fs.rmSync(work, { recursive: true, force: true });
}

/** Imports the repository's samples/ folder through the Import screen's picker, and waits for the end. */
export async function importSamples(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Choose files or folders…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose files and folders to import' });
  await page.locator('.picker-list[aria-busy="false"]').waitFor();
  const folder = dialog.getByLabel('Folder path');
  await folder.fill(REPO);
  await folder.press('Enter');
  await dialog.getByLabel('Select folder samples').check();
  await dialog.getByRole('button', { name: 'Add 1 selected' }).click();
  await page.getByRole('button', { name: 'Import 1 item' }).click();
  await page.getByRole('heading', { name: /^Import finished/ }).waitFor({ timeout: 90_000 });
}

/** A screen's button in the sidebar. */
export function navButton(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
