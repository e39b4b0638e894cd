// The app's responsiveness, measured as a user meets it (issue 4): the real renderer in
// Chromium against `serve` (CoreHost + HTTP bridge), importing a large fleet through the
// picker while the page is probed, then pressing Run over the imported events.
// Prints one JSON line of figures; `run-bench.ts` formats them. Nothing is asserted.
//   node bin/run-ts.mjs test/bench/measure-ui.ts DATA_DIR
// DATA_DIR holds the files to import (the bench generates it: about 1 GB of Defender CSV).
//
// Probes, all timed inside the page (no DevTools round trips in the figures):
// - frame gaps: the time between animation frames while the import runs; a frozen page
//   shows as a long gap;
// - timer lag: how late a 100 ms timer fires (the main thread busy);
// - screen switches: click a navigation button, wait for the new screen's heading and
//   the frame that paints it (what a user feels while the import runs);
// - Run: from the click on "Run hunt" to the frame that paints the results table.
import fs from 'node:fs';
import path from 'node:path';
import { buildRenderer, launch, startApp, tempDir } from '../e2e/harness.js';

const dataDir = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !fs.existsSync(dataDir)) {
  process.stderr.write('usage: measure-ui.ts DATA_DIR\n');
  process.exit(1);
}
const RUNS = 3;

const work = tempDir('longtail-ui-bench-');
const rendererDir = path.join(work, 'renderer');
await buildRenderer(rendererDir);
const app = await startApp(rendererDir, path.join(work, 'recent.json'));
const browser = await launch(path.join(work, 'profile'), path.join(work, 'downloads'));
const { page } = browser;

// Page scripts are strings: the TypeScript loader would add helpers to functions that
// do not exist in the page.
const PROBES = `(() => {
  const s = { gaps: [], lags: [], stop: false };
  window.__probe = s;
  let last = performance.now();
  const frame = (t) => { s.gaps.push(t - last); last = t; if (!s.stop) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const tick = () => { const due = performance.now() + 100; setTimeout(() => { s.lags.push(performance.now() - due); if (!s.stop) tick(); }, 100); };
  tick();
})()`;
const STOP = '(() => { window.__probe.stop = true; return { gaps: window.__probe.gaps, lags: window.__probe.lags }; })()';
const SWITCH = (name: string) => `(async () => {
  const painted = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t0 = performance.now();
  const btn = [...document.querySelectorAll('nav[aria-label="Screens"] button')].find((b) => b.textContent.trim().startsWith(${JSON.stringify(name)}));
  btn.click();
  while (![...document.querySelectorAll('h1')].some((h) => h.textContent.startsWith(${JSON.stringify(name)}))) await new Promise((r) => setTimeout(r, 0));
  await painted();
  return performance.now() - t0;
})()`;
const RUN = `(async () => {
  const painted = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const button = () => [...document.querySelectorAll('form[aria-label="Hunt settings"] button[type="submit"]')][0];
  const t0 = performance.now();
  button().click();
  // React renders the click's state in a microtask: first see the run start (the button
  // disabled), then end, or an earlier run's table would count as this one's.
  while (!button().disabled) await new Promise((r) => setTimeout(r, 0));
  while (button().disabled || !document.querySelector('[data-testid="row-count"]')) await new Promise((r) => setTimeout(r, 0));
  await painted();
  const ms = performance.now() - t0;
  return { ms, rows: document.querySelector('[data-testid="row-count"]').textContent, stats: document.querySelector('.run-summary')?.textContent ?? '' };
})()`;

interface RunFigures { ms: number; rows: string; stats: string }

try {
  await page.goto(app.served.url);
  await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
  await page.getByLabel('Case file to create').fill(path.join(work, 'ui.longtail'));
  await page.getByRole('button', { name: 'Create case' }).click();
  await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();

  await page.getByRole('button', { name: 'Choose files or folders…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose files and folders to import' });
  const folder = page.getByLabel('Folder path');
  await page.locator('.picker-list[aria-busy="false"]').waitFor();
  await folder.fill(path.dirname(dataDir));
  await folder.press('Enter');
  await page.locator('.picker-list[aria-busy="false"]').waitFor();
  await dialog.getByLabel(`Select folder ${path.basename(dataDir)}`).check();
  await dialog.getByRole('button', { name: 'Add 1 selected' }).click();

  const bytes = fs.readdirSync(dataDir).filter((f) => /\.(csv|ndjson|json|evtx)$/.test(f))
    .reduce((n, f) => n + fs.statSync(path.join(dataDir, f)).size, 0);
  await page.evaluate(PROBES);
  const t0 = performance.now();
  await page.getByRole('button', { name: /^Import 1 item/ }).click();
  const switches: number[] = [];
  const finished = page.getByRole('heading', { name: /^Import finished/ });
  // Back and forth between two screens every second until the import is done.
  while (!(await finished.isVisible())) {
    await new Promise((r) => setTimeout(r, 1000));
    switches.push(await page.evaluate<number>(SWITCH('Cases')));
    switches.push(await page.evaluate<number>(SWITCH('Import')));
  }
  const importSeconds = (performance.now() - t0) / 1000;
  const probe = await page.evaluate<{ gaps: number[]; lags: number[] }>(STOP);

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Hunt/ }).click();
  await page.getByRole('heading', { name: 'Hunt', level: 1 }).waitFor();
  const info = await app.host.call('case.info', {});
  const events = info ? Object.values(info.events).reduce((n, k) => n + k, 0) : 0;
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await page.evaluate<RunFigures>(RUN));

  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const pct = (a: number[], p: number) => sorted(a)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))] ?? 0;
  const figures = {
    bytes, importSeconds, events,
    frames: probe.gaps.length, frameGapP50: pct(probe.gaps, 50), frameGapP99: pct(probe.gaps, 99), frameGapMax: Math.max(...probe.gaps),
    framesOver100: probe.gaps.filter((g) => g > 100).length,
    timerLagP99: pct(probe.lags, 99), timerLagMax: Math.max(...probe.lags),
    switches: switches.length, switchP50: pct(switches, 50), switchMax: Math.max(...switches),
    runs: runs.map((r) => ({ ms: r.ms, rows: r.rows.trim(), stats: r.stats.trim() })),
    errors: browser.errors,
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
} finally {
  await browser.close();
  await app.close();
  fs.rmSync(work, { recursive: true, force: true });
}
