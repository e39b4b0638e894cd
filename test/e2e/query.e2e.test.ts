// Issue 12 in a real browser: the Export screen's "Query for the SIEM" card over the
// demo fleet. Each target's text, its warnings, Copy (the async clipboard) and Save
// (the file holds exactly what the box shows), with a hostile allowlist entry whose
// markup and bidi override must stay text. Screenshots 20–23.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { screenshot, tempDir, type App, type Browser, openApp, navButton, closeApp, importSamples } from './harness.js';

// Attacker-influenced: an allowlist can be imported from a file someone sent.
const HOSTILE_NAME = '<img src=x onerror=alert(1)>report\u202Etxt.exe';
const HOSTILE_REASON = 'e2e </textarea><script>alert(2)</script>';

const work = tempDir('longtail-e2e-query-');
const caseFile = path.join(work, 'query.longtail');
const savedFile = path.join(work, 'siem', 'hunt.esql');
let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(path.dirname(savedFile));
  const rendererDir = path.join(work, 'renderer');
  ({ app, browser, page } = await openApp(work, rendererDir));
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.served.url).origin });
}, 90_000);

afterAll(() => closeApp({ app, browser }, work));

const nav = (name: string | RegExp) => navButton(page, name);
const card = () => page.getByRole('form', { name: 'Query for the SIEM' });
const queryBox = () => card().getByRole('textbox', { name: 'The query', exact: true });

/** Picks a target and waits for its query (the box empties while the core writes it). */
async function pick(label: string, marker: string): Promise<string> {
  await card().getByLabel(label).check();
  await expect.poll(() => queryBox().inputValue()).toContain(marker);
  return queryBox().inputValue();
}

/** The query lines, comments and blank lines left out. */
function statements(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('//'));
}

async function warnings(): Promise<string[]> {
  const list = card().getByRole('list', { name: 'Query warnings' });
  return (await list.count()) === 0 ? [] : list.getByRole('listitem').allTextContents();
}

/** Scrolls the card's heading to the top of the screen, for a screenshot. */
async function showCard(): Promise<Locator> {
  await card().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  return card();
}

describe('Export: the hunt as a SIEM query', () => {
  it('creates a case with a hostile allowlist entry, imports the demo fleet and hunts', async () => {
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByLabel('Case file to create').fill(caseFile);
    await page.getByRole('button', { name: 'Create case' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor({ timeout: 30_000 });
    await app.host.call('allowlist.add', { entry: { kind: 'name', value: HOSTILE_NAME, hosts: null, reason: HOSTILE_REASON, enabled: true } });

    await importSamples(page);

    await nav('Hunt').click();
    await page.getByRole('button', { name: 'Run hunt' }).click();
    await page.getByTestId('row-count').waitFor();
    await nav('Export').click();
    await (await showCard()).waitFor();
  });

  it('writes KQL for Defender XDR advanced hunting', async () => {
    const text = await pick('KQL · Defender XDR advanced hunting', 'DeviceProcessEvents');
    expect(text).toContain('InitiatingProcessParentFileName =~ "services.exe"');
    expect(text).toMatch(/\bTimestamp > ago\(/);
    // Every warning shown is also in the text, as a comment.
    for (const w of await warnings()) expect(text).toContain(w);
    // The default path: the case's folder, and a name for this dialect.
    const shown = await card().getByLabel('Query file path').inputValue();
    expect(path.dirname(shown)).toBe(work);
    expect(shown).toMatch(/\.kql$/);
    await screenshot(page, '20-export-query-kql');
  });

  it('keeps the allowlist’s markup as text, and writes its bidi override escaped in KQL', async () => {
    const text = await queryBox().inputValue();
    // KQL can escape the override: the literal holds \u202e, the comment <U+202E>; none is raw.
    expect(text).toContain('"<img src=x onerror=alert(1)>report\\u202etxt.exe"');
    expect(text).toContain('<img src=x onerror=alert(1)>report<U+202E>txt.exe');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('</textarea><script>alert(2)</script>');
    expect(await page.locator('img, script:not([src]), iframe, object, embed').count()).toBe(0);
    expect(await card().getByRole('note', { name: 'Hidden characters in the query' }).count()).toBe(0);
    expect(browser.dialogs).toEqual([]);
  });

  it('writes KQL for Microsoft Sentinel, by TimeGenerated', async () => {
    const text = await pick('KQL · Microsoft Sentinel', 'TimeGenerated');
    expect(text).toContain('DeviceProcessEvents');
    expect(text).not.toContain('Timestamp >');
    for (const w of await warnings()) expect(text).toContain(w);
    expect(await card().getByLabel('Query file path').inputValue()).toMatch(/\.kql$/);
  });

  it('writes ES|QL for Elastic, with the warnings above it', async () => {
    const text = await pick('ES|QL · Elastic', 'from logs-');
    expect(statements(text)[0]).toMatch(/^from logs-endpoint\.events\.process-\*/);
    expect(text).not.toContain('DeviceProcessEvents');
    const shown = await warnings();
    // The default hunt is rare by any of several measures, which ES|QL cannot join.
    expect(shown.length).toBeGreaterThan(0);
    for (const w of shown) expect(text).toContain(w);
    expect(await card().getByLabel('Query file path').inputValue()).toMatch(/\.esql$/);
    // ES|QL strings have no escape for the override: the value is raw, and the note says which lines hold it.
    expect(text).toContain(HOSTILE_NAME.toLowerCase());
    const lines = text.split('\n').flatMap((l, i) => (l.includes('\u202E') ? [i + 1] : []));
    expect(lines.length).toBeGreaterThan(0);
    const note = card().getByRole('note', { name: 'Hidden characters in the query' });
    for (const n of lines) expect(await note.textContent()).toContain(String(n));
    expect(await note.getByRole('listitem').first().textContent()).toContain('report\\u{202e}txt.exe');
    expect(await note.textContent()).not.toContain('\u202E');
    await showCard();
    await screenshot(page, '21-export-query-esql');
  });

  it('copies exactly the text shown', async () => {
    const text = await queryBox().inputValue();
    // Something else first, so a copy that did nothing cannot pass.
    await page.evaluate(() => navigator.clipboard.writeText('not the query'));
    await card().getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => card().getByTestId('query-copied').textContent()).toBe('Copied to the clipboard.');
    // Headless Chromium with clipboard-read/-write granted gives the page its async clipboard.
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  });

  it('saves the query to a file that holds exactly the text shown', async () => {
    await card().getByLabel('Query file path').fill(savedFile);
    await card().getByRole('button', { name: 'Save the query' }).click();
    const result = card().getByTestId('query-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(savedFile);
    const shown = await queryBox().inputValue();
    expect(fs.readFileSync(savedFile).equals(Buffer.from(shown, 'utf8'))).toBe(true);
    expect(statements(shown)[0]).toMatch(/^from logs-endpoint\.events\.process-\*/);
    await result.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screenshot(page, '22-export-query-saved');
  });

  it('shows an error the core gives, as an alert', async () => {
    const logged = browser.errors.length;
    await card().getByLabel('Query file path').fill(path.join(work, 'no-such-dir', 'x.esql'));
    await card().getByRole('button', { name: 'Save the query' }).click();
    const alert = card().getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/no-such-dir/);
    expect(fs.existsSync(path.join(work, 'no-such-dir'))).toBe(false);
    // The bridge answers a failed call with HTTP 500, which Chromium logs, and the harness
    // keeps the core's answer: those two are expected.
    await expect.poll(() => browser.errors.length - logged).toBe(2);
    expect([...browser.errors.slice(logged)].sort()).toEqual([
      expect.stringMatching(/^Failed to load resource: .*status of 500/),
      expect.stringMatching(/^api 500 for \{"name":"hunt\.query".*"kind":"failed".*no-such-dir/),
    ]);
    browser.errors.splice(logged);
  });

  it('reads in a dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await card().getByLabel('KQL · Microsoft Sentinel').check();
    await expect.poll(() => queryBox().inputValue()).toContain('TimeGenerated');
    await showCard();
    const [fg, bg] = await queryBox().evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(fg).not.toBe(bg);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await screenshot(page, '23-export-query-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('logged no errors and made no request off this machine', () => {
    expect(browser.errors).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  });
});
