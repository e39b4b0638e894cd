// The whole app in a real browser against the real core: create a case, import the demo
// fleet, real corpus files and a hostile file through the in-app picker, hunt, filter,
// open a row, its timeline, allowlist it, export the filtered rows, and check that
// attacker-controlled text stays text. Screenshots of every screen go to
// test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Locator, Page } from 'playwright-core';
import { CORPUS } from '../helpers/corpus.js';
import { REPO, screenshot, tempDir, type App, type Browser, openApp, navButton, closeApp } from './harness.js';

const HOSTILE_CMD = '"C:\\Users\\Public\\report\u202Etxt.exe" --name "<img src=x onerror=alert(1)>" \u001b[31m';
const HOSTILE_NAME = 'report\u202Etxt.exe';

/** A small Elastic Defend file whose service process carries markup and a bidi override. */
function writeHostile(file: string): void {
  const base = {
    agent: { id: 'e2e00000-0000-4000-8000-000000000001', type: 'endpoint' },
    host: { id: 'e2e-host', name: 'evil-ws66', os: { family: 'windows' } },
  };
  const svc = {
    ...base,
    '@timestamp': '2026-10-25T03:00:00.0000000Z',
    event: { action: 'start', category: ['process'], dataset: 'endpoint.events.process', id: 'e2e-1', kind: 'event', module: 'endpoint', type: ['start'] },
    process: {
      entity_id: 'ZTJlLXNlcnZpY2UtMQ==',
      executable: `C:\\Users\\Public\\<img src=x onerror=alert(1)>\\${HOSTILE_NAME}`,
      name: HOSTILE_NAME,
      pid: 6666,
      command_line: HOSTILE_CMD,
      hash: { sha256: 'e2e0000000000000000000000000000000000000000000000000000000000bad' },
      code_signature: { exists: false },
      parent: { entity_id: 'ZTJlLXNlcnZpY2VzLWV4ZQ==', executable: 'C:\\Windows\\System32\\services.exe', name: 'services.exe', pid: 700 },
    },
    user: { domain: 'NT AUTHORITY', name: 'SYSTEM' },
  };
  const child = {
    ...base,
    '@timestamp': '2026-10-25T03:00:05.0000000Z',
    event: { action: 'start', category: ['process'], dataset: 'endpoint.events.process', id: 'e2e-2', kind: 'event', module: 'endpoint', type: ['start'] },
    process: {
      entity_id: 'ZTJlLWNoaWxkLTE=',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      pid: 6667,
      command_line: 'cmd.exe /c echo <script>alert(2)</script>',
      parent: { entity_id: 'ZTJlLXNlcnZpY2UtMQ==', executable: svc.process.executable, name: HOSTILE_NAME, pid: 6666 },
    },
    user: { domain: 'NT AUTHORITY', name: 'SYSTEM' },
  };
  fs.writeFileSync(file, `${JSON.stringify(svc)}\n${JSON.stringify(child)}\n`);
}

const work = tempDir('longtail-e2e-');
const rendererDir = path.join(work, 'renderer');
const caseFile = path.join(work, 'e2e.longtail');
const hostileDir = path.join(work, 'hostile');
const exportFile = path.join(work, 'export', 'filtered.csv');
let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(hostileDir);
  fs.mkdirSync(path.dirname(exportFile));
  writeHostile(path.join(hostileDir, 'hostile.ndjson'));
  ({ app, browser, page } = await openApp(work, rendererDir));
}, 90_000);

afterAll(() => closeApp({ app, browser }, work));

const rowCount = () => page.getByTestId('row-count');
const gridRows = () => page.locator('.tbody [role="row"]');
const nav = (name: string | RegExp) => navButton(page, name);

async function rowTexts(): Promise<string[]> {
  return gridRows().evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
}

async function rowWith(text: string): Promise<Locator> {
  const row = gridRows().filter({ hasText: text }).first();
  await row.waitFor();
  return row;
}

/** Opens a result row by clicking its first cell, as a user would (not the middle of a wide row). */
async function clickRow(text: string): Promise<void> {
  await (await rowWith(text)).locator('[role="gridcell"]').first().click();
}

/** In the in-app picker: go to a folder by typing its path. */
async function pickerGo(dir: string): Promise<void> {
  await page.locator('.picker-list[aria-busy="false"]').waitFor();
  const input = page.getByLabel('Folder path');
  await input.fill(dir);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(dir);
  await page.locator('.picker-list[aria-busy="false"]').waitFor();
}

describe('Longtail in a browser', () => {
  it('opens with the token dropped from the address bar, on the Cases screen', async () => {
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.title()).toBe('Longtail');
    await screenshot(page, '01-cases-empty');
  });

  it('creates a case', async () => {
    await page.getByLabel('Case file to create').fill(caseFile);
    await page.getByRole('button', { name: 'Create case' }).click();
    // Creating a case opens it in the bridge's worker; a loaded 2-core CI machine has taken over 10 s.
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor({ timeout: 30_000 });
    expect(fs.existsSync(caseFile)).toBe(true);
  });

  it('imports the demo fleet, corpus JSON and CSV and a hostile file through the picker, with progress and a log', async () => {
    await page.getByRole('button', { name: 'Choose files or folders…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose files and folders to import' });
    await dialog.waitFor();
    await pickerGo(REPO);
    await dialog.getByLabel('Select folder samples').check();
    await pickerGo(path.join(CORPUS));
    await dialog.getByLabel('Select folder json').check();
    await dialog.getByLabel('Select folder csv').check();
    await screenshot(page, '02-picker');
    await pickerGo(hostileDir);
    await dialog.getByLabel('Select file hostile.ndjson').check();
    await dialog.getByRole('button', { name: 'Add 4 selected' }).click();
    await expect.poll(() => page.locator('.path-list li').count()).toBe(4);
    await page.getByRole('button', { name: 'Import 4 items' }).click();

    await page.getByRole('heading', { name: /^Import finished/ }).waitFor({ timeout: 90_000 });
    const overall = page.getByRole('progressbar', { name: 'Overall import progress' });
    expect(await overall.getAttribute('aria-valuenow')).toBe('100');
    // Once done, the job's files fold away; opened, each has a full bar and a status.
    await page.getByRole('button', { name: /^Show the \d+ files/ }).click();
    const fileRows = page.locator('table.files tbody tr');
    expect(await fileRows.count()).toBeGreaterThan(10);
    // Every file's bar is full and has a status.
    const fileBars = await page.locator('table.files [role="progressbar"]').evaluateAll((bars) => bars.map((b) => b.getAttribute('aria-valuenow')));
    expect(fileBars.every((v) => v === '100')).toBe(true);
    await expect.poll(() => page.locator('table.files tbody tr', { hasText: 'fleet-union.csv' }).getByText('complete').count()).toBe(1);

    // The log: one entry per input file; one opened shows its figures and SHA-256.
    const entry = page.locator('.log-entry', { hasText: 'fleet-union.csv' });
    await entry.locator('> summary').click();
    await expect.poll(() => entry.getByText('SHA-256').isVisible()).toBe(true);
    expect(await entry.locator('dd').nth(1).textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('.log-entry').count()).toBeGreaterThan(10);
    await page.locator('.log-entry', { hasText: 'advanced_hunting_test.csv' }).locator('> summary').click();
    await screenshot(page, '03-import');
  });

  it('shows the case at a glance', async () => {
    await nav('Cases').click();
    const hosts = page.locator('table.hosts tbody tr');
    await expect.poll(() => hosts.count()).toBeGreaterThan(12);
    const text = await page.locator('table.hosts').textContent();
    // srv-app02 and wks-ops10: the Velociraptor collections' hosts (srv-app02 named by its client_info.json).
    for (const h of ['srv-file02', 'wks-ops09', 'eng-ws06', 'fin-ws02', 'srv-app02', 'wks-ops10', 'evil-ws66']) expect(text).toContain(h);
    expect(await page.locator('.stat').first().textContent()).toMatch(/input files/);
    await screenshot(page, '04-cases-open');
  });

  it('hunts and finds the planted rare services', async () => {
    await nav('Hunt').click();
    await page.getByRole('button', { name: 'Run hunt' }).click();
    await rowCount().waitFor();
    const texts = (await rowTexts()).join('\n');
    for (const name of ['PSEXESVC.exe', 'svch0st4821.exe', 'updsvc.exe', 'a7f3c2e1.exe', 'dtelsvc.exe']) expect(texts).toContain(name);
    const psexec = await rowWith('PSEXESVC.exe');
    expect(await psexec.textContent()).toContain('srv-file02');
    expect(await (await rowWith('svch0st4821.exe')).textContent()).toContain('wks-ops09');
    expect(await (await rowWith('updsvc.exe')).textContent()).toContain('eng-ws06');
    expect(await (await rowWith('a7f3c2e1.exe')).textContent()).toContain('fin-ws02');
    expect(await (await rowWith('dtelsvc.exe')).textContent()).toContain('srv-app02');
    expect(await rowCount().textContent()).toMatch(/^(\d+) of \1 rows$/);
    await screenshot(page, '05-hunt');
  });

  it('filters globally, per column and by host, and says how many rows are shown', async () => {
    const total = Number((await rowCount().textContent())!.match(/of (\d+)/)![1]);
    const search = page.getByLabel('Search all columns');
    const all = `${total} of ${total} rows`;
    await search.fill('psexesvc');
    await expect.poll(() => rowCount().textContent()).toBe(`1 of ${total} rows`);
    expect((await rowTexts())[0]).toContain('PSEXESVC.exe');
    await search.fill('');
    await expect.poll(() => rowCount().textContent()).toBe(all);
    await page.getByLabel('Filter Host (key)').fill('fin');
    await expect.poll(() => rowCount().textContent()).toBe(`1 of ${total} rows`);
    expect((await rowTexts())[0]).toContain('a7f3c2e1.exe');
    await page.getByLabel('Filter Host (key)').fill('');
    await expect.poll(() => rowCount().textContent()).toBe(all);
    // A numeric column filter: 2 or more child launches leaves the childless updsvc.exe out.
    await page.getByLabel('Filter Child launches of this service name on its host').fill('>=2');
    await expect.poll(() => rowCount().textContent()).not.toBe(all);
    expect((await rowTexts()).join('|')).not.toContain('updsvc.exe');
    expect((await rowTexts()).join('|')).toContain('PSEXESVC.exe');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rowCount().textContent()).toBe(all);
    await page.getByLabel('Host filter').selectOption('eng-ws06');
    await expect.poll(() => rowCount().textContent()).toBe(`2 of ${total} rows`);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rowCount().textContent()).toBe(`${total} of ${total} rows`);
  });

  it('sorts by a column and moves through rows with the keyboard', async () => {
    await page.getByRole('button', { name: /^Name/ }).click();
    // Name is the fourth column by default (after verdict, host and start).
    const names = await page.locator('.tbody [role="row"] [role="gridcell"]:nth-child(4)').allTextContents();
    const lower = names.map((n) => n.toLowerCase());
    expect(lower).toEqual([...lower].sort());
    expect(await page.getByRole('columnheader', { name: /^Name/ }).getAttribute('aria-sort')).toBe('ascending');
    const grid = page.getByRole('grid');
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    const selected = page.locator('.tbody [role="row"][aria-selected="true"]');
    expect(await selected.count()).toBe(1);
    const selectedName = await selected.locator('[role="gridcell"]').nth(3).textContent();
    expect(selectedName).toBe(names[names.length - 2]);
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Selected service process' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('complementary', { name: 'Selected service process' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Name/ }).click(); // descending
    await page.getByRole('button', { name: /^Name/ }).click(); // report order again
  });

  it('opens a row: children, service install, network, files, DLLs, sources', async () => {
    await clickRow('PSEXESVC.exe');
    const detail = page.getByRole('complementary', { name: 'Selected service process' });
    await detail.getByRole('heading', { name: 'PSEXESVC.exe' }).waitFor();
    await detail.getByText('Child processes (2)').waitFor();
    const text = await detail.textContent();
    expect(text).toContain('reg.exe');
    expect(text).toContain('save HKLM\\SAM');
    expect(text).toContain('%SystemRoot%\\PSEXESVC.exe');
    expect(text).toContain('fleet-sysmon-security.json');
    await screenshot(page, '06-hunt-detail');

    await clickRow('updsvc.exe');
    await detail.getByText(/DLLs loaded \(\d+\)/).waitFor();
    const unsigned = detail.locator('.dll-line.unsigned', { hasText: 'version.dll' });
    await unsigned.first().waitFor();
    expect(await detail.textContent()).toContain('cdn.update-sync.example.net');
  });

  it('shows the timeline of the opened row and the fleet view', async () => {
    await clickRow('PSEXESVC.exe');
    await page.getByRole('complementary', { name: 'Selected service process' }).getByText('Child processes (2)').waitFor();
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.getByRole('heading', { name: 'Timeline', level: 1 }).waitFor();
    const chart = page.getByTestId('process-timeline');
    await chart.locator('.recharts-scatter-symbol').first().waitFor();
    expect(await chart.locator('.recharts-scatter-symbol').count()).toBeGreaterThanOrEqual(5);
    expect(await chart.locator('.recharts-brush').count()).toBe(1);
    // A marker's tooltip names the event.
    await chart.locator('.recharts-scatter-symbol').nth(2).hover();
    await page.locator('.chart-tip').first().waitFor();
    const fleet = page.getByTestId('fleet-chart');
    await fleet.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await page.getByText(/Host-days with rare launches/).count()).toBe(1);
    await screenshot(page, '07-timeline');
    await page.evaluate(() => document.querySelector('[data-testid="fleet-chart"]')?.scrollIntoView());
    await screenshot(page, '08-fleet');
  });

  it('allowlists a row in one click and it leaves the results', async () => {
    await nav(/^Hunt/).click();
    const before = Number((await rowCount().textContent())!.match(/of (\d+)/)![1]);
    await clickRow('a7f3c2e1.exe');
    const detail = page.getByRole('complementary', { name: 'Selected service process' });
    await detail.getByRole('heading', { name: 'a7f3c2e1.exe' }).waitFor();
    await detail.getByRole('button', { name: 'by name' }).click();
    const dialog = page.getByRole('dialog', { name: 'Allowlist this service process' });
    await dialog.getByLabel('Reason').fill('e2e: known red-team beacon');
    await screenshot(page, '09-allowlist-prompt');
    await dialog.getByRole('button', { name: 'Add to allowlist' }).click();
    await expect.poll(() => rowCount().textContent()).toBe(`${before - 1} of ${before - 1} rows`);
    expect((await rowTexts()).join('\n')).not.toContain('a7f3c2e1.exe');

    await nav('Allowlist & rules').click();
    const entry = page.locator('table.allow-table tbody tr', { hasText: 'a7f3c2e1.exe' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('e2e: known red-team beacon');
    await screenshot(page, '10-allowlist');

    // Export the list as JSON: shown to copy, and (browser mode) downloaded, parsed back.
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const exported = page.getByRole('dialog', { name: 'Allowlist as JSON' });
    const shown = JSON.parse(await exported.getByLabel('The allowlist as JSON').inputValue()) as unknown;
    expect(JSON.stringify(shown)).toContain('a7f3c2e1.exe');
    await screenshot(page, '10b-allowlist-export');
    const [download] = await Promise.all([page.waitForEvent('download'), exported.getByRole('button', { name: /^Download longtail-allowlist-/ }).click()]);
    const saved = path.join(work, 'allowlist.json');
    await download.saveAs(saved);
    expect(JSON.parse(fs.readFileSync(saved, 'utf8'))).toEqual(shown);
    await exported.getByRole('button', { name: 'Close', exact: true }).click();

    await page.getByRole('tab', { name: 'Path rules' }).click();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview-table tbody tr').first().waitFor();
    expect(await page.locator('.preview-table').textContent()).toContain('dismhost.exe');
    await screenshot(page, '11-rules');
  });

  it('exports the filtered rows to CSV and the file holds exactly them', async () => {
    await nav(/^Hunt/).click();
    await page.getByLabel('Search all columns').fill('eng-ws06');
    await expect.poll(() => rowCount().textContent()).toMatch(/^2 of /);
    await nav('Export').click();
    await page.getByLabel('Export file path').fill(exportFile);
    await screenshot(page, '12-export');
    await page.getByRole('button', { name: 'Export 2 rows' }).click();
    const result = page.getByTestId('export-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(exportFile);
    const text = fs.readFileSync(exportFile, 'utf8').replace(/^\uFEFF/, '');
    const [table, meta] = text.split(/\r?\n\r?\n/);
    const rows = Papa.parse<Record<string, string>>(table!, { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r['name'])).toEqual(['updsvc.exe', 'updsvc.exe']);
    expect(rows.every((r) => r['host'] === 'eng-ws06')).toBe(true);
    expect(meta).toMatch(/^#/m);
    await screenshot(page, '13-export-done');
    await nav(/^Hunt/).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('shows hostile command lines and names as text: no element made, no dialog, bidi override visible', async () => {
    await page.getByLabel('Search all columns').fill('evil-ws66');
    // Path and command line are not in the default columns: show them (the column chooser).
    await page.getByRole('button', { name: 'Columns…' }).click();
    const chooser = page.getByRole('dialog', { name: 'Columns' });
    await chooser.getByRole('checkbox', { name: /^Path Executable/ }).check();
    await chooser.getByRole('checkbox', { name: /^Command line/ }).check();
    await chooser.getByRole('button', { name: 'Done' }).click();
    const row = await rowWith('evil-ws66');
    const cellText = await row.textContent();
    expect(cellText).toContain('<img src=x onerror=alert(1)>');
    expect(cellText).toContain('\\u{202e}');
    expect(cellText).not.toContain('\u202E');
    expect(await row.locator('.ctl', { hasText: '\\u{202e}' }).count()).toBeGreaterThan(0);
    await clickRow('evil-ws66');
    const detail = page.getByRole('complementary', { name: 'Selected service process' });
    await detail.getByText('Child processes (1)').waitFor();
    const detailText = await detail.textContent();
    expect(detailText).toContain('<script>alert(2)</script>');
    expect(detailText).toContain('\\u{1b}[31m');
    expect(await page.locator('img, script:not([src]), iframe, object, embed').count()).toBe(0);
    expect(browser.dialogs).toEqual([]);
    await screenshot(page, '14-hostile');
    await page.getByRole('button', { name: 'Columns…' }).click();
    await chooser.getByRole('button', { name: 'Reset to default' }).click();
    await chooser.getByRole('button', { name: 'Done' }).click();
  });

  it('follows a dark OS theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel('Search all columns').fill('');
    await expect.poll(() => rowCount().textContent()).toMatch(/^(\d+) of \1 rows$/);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await screenshot(page, '15-hunt-dark');
    await nav('Timeline').click();
    await page.getByTestId('process-timeline').locator('.recharts-scatter-symbol').first().waitFor();
    await screenshot(page, '16-timeline-dark');
    await nav('Import').click();
    await screenshot(page, '17-import-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('still works in the desktop window at its minimum size (960×600)', async () => {
    await page.setViewportSize({ width: 960, height: 600 });
    await nav(/^Hunt/).click();
    await clickRow('PSEXESVC.exe');
    const detail = page.getByRole('complementary', { name: 'Selected service process' });
    await detail.getByText('Child processes (2)').waitFor();
    for (const control of [page.getByRole('button', { name: 'Run hunt' }), rowCount(), detail.getByRole('button', { name: 'by name' })]) {
      const box = await control.boundingBox();
      expect(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= 960 && box.y + box.height <= 600).toBe(true);
    }
    await screenshot(page, '18-hunt-960x600');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logged no errors and made no request off this machine', () => {
    expect(browser.errors).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  });
});
