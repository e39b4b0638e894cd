// Archives in the app (issue 10): a zip of logs and a zip cut short, picked in the in-app
// picker; the import log shows each archive with what became of its members, each member
// with the archive it came from, and the damage where it is. Screenshots go to
// test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { corpus } from '../helpers/corpus.js';
import { writeZip } from '../helpers/archives.js';
import { screenshot, tempDir, type App, type Browser, openApp, closeApp } from './harness.js';

const work = tempDir('longtail-e2e-archives-');
const rendererDir = path.join(work, 'renderer');
const dataDir = path.join(work, 'data');
const ATTACK = fs.readdirSync(corpus('evtx', 'attack')).filter((f) => f.endsWith('.evtx')).sort();
let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  const zip = await writeZip(path.join(dataDir, 'host-logs.zip'), ATTACK.map((f) => ({ name: `logs/${f}`, file: corpus('evtx', 'attack', f) })));
  const whole = fs.readFileSync(zip);
  fs.writeFileSync(path.join(dataDir, 'cut-short.zip'), whole.subarray(0, whole.length - 20_000));
  ({ app, browser, page } = await openApp(work, rendererDir));
}, 90_000);

afterAll(() => closeApp({ app, browser }, work));

describe('archives in the app', () => {
  it('imports two zips picked in the picker; the log shows archives, members and damage', async () => {
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByLabel('Case file to create').fill(path.join(work, 'archives.longtail'));
    await page.getByRole('button', { name: 'Create case' }).click();
    // Creating a case opens it in the bridge's worker; a loaded 2-core CI machine has taken over 10 s.
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Choose files or folders…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose files and folders to import' });
    await page.locator('.picker-list[aria-busy="false"]').waitFor();
    await page.getByLabel('Folder path').fill(dataDir);
    await page.getByLabel('Folder path').press('Enter');
    await dialog.getByLabel('Select file host-logs.zip').check();
    await dialog.getByLabel('Select file cut-short.zip').check();
    await dialog.getByRole('button', { name: 'Add 2 selected' }).click();
    await page.getByRole('button', { name: 'Import 2 items' }).click();
    await page.getByRole('heading', { name: /^Import finished/ }).waitFor({ timeout: 90_000 });

    // 2 archives and 14 members, one row each.
    await expect.poll(() => page.locator('.log-entry').count()).toBe(16);
    const archive = page.locator('.log-entry', { hasText: 'host-logs.zip' }).filter({ hasText: 'zip archive' });
    expect(await archive.locator('> summary').textContent()).toContain(`members: ${ATTACK.length} imported`);
    const cut = page.locator('.log-entry', { hasText: 'cut-short.zip' }).filter({ hasText: 'zip archive' });
    expect(await cut.locator('> summary').textContent()).toMatch(/1 error/);
    await cut.locator('> summary').click();
    await expect.poll(() => cut.getByText(/the central directory could not be read/).isVisible()).toBe(true);

    // A member names the archive it came from; the cut one says where it ends.
    const member = page.locator('.log-entry', { hasText: 'privesc_unquoted_svc_sysmon_1_11.evtx' }).filter({ hasText: 'in cut-short.zip' });
    await member.locator('> summary').click();
    await expect.poll(() => member.getByText('In archive').isVisible()).toBe(true);
    expect(await member.locator('dd').first().textContent()).toBe(`${path.join(dataDir, 'cut-short.zip')}!/logs/privesc_unquoted_svc_sysmon_1_11.evtx`);
    await expect.poll(() => member.getByText(/^truncated archive: /).first().isVisible()).toBe(true);
    await member.scrollIntoViewIfNeeded();
    await screenshot(page, '30-import-log-archive-member');
    await cut.scrollIntoViewIfNeeded();
    await screenshot(page, '31-import-log-archive');
    expect(browser.errors).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  }, 120_000);
});
