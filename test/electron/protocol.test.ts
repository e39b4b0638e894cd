// The app:// protocol serves the built renderer folder and nothing outside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appProtocolHandler, resolveAppFile } from '../../electron/protocol.js';
import { CSP } from '../../electron/security.js';

let dir: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-protocol-'));
  root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Longtail</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'a b.svg'), '<svg/>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the renderer');
  fs.writeFileSync(path.join(dir, 'renderer-evil.txt'), 'a sibling whose name starts like the folder');
  try {
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  } catch {
    // no symlinks on this file system: that case is skipped below
  }
  handler = appProtocolHandler(root);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('resolveAppFile', () => {
  it('maps app URLs into the folder, / to index.html', () => {
    expect(resolveAppFile(root, 'app://longtail/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://longtail')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://longtail/assets/app.js?x=1#y')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveAppFile(root, 'app://longtail/assets/a%20b.svg')).toBe(path.join(root, 'assets', 'a b.svg'));
  });

  it.each([
    'app://longtail/..%2fsecret.txt',
    'app://longtail/assets/..%2f..%2fsecret.txt',
    'app://longtail/..%5csecret.txt',
    'app://longtail/%2e%2e%5csecret.txt',
    'app://longtail/assets%5c..%5c..%5csecret.txt',
    'app://longtail/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    'app://longtail/..%2frenderer-evil.txt',
    'app://longtail/index.html%00.js',
    'app://longtail/%E0%A4%A',
    'app://other/index.html',
    'app://longtail:81/index.html',
    'app://u:p@longtail/index.html',
    'file:///etc/passwd',
    'https://longtail/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(root, url)).toBeNull();
  });

  it.each([
    ['app://longtail/../secret.txt', 'secret.txt'],
    ['app://longtail/%2e%2e/secret.txt', 'secret.txt'],
    ['app://longtail/a/%2e%2e/%2e%2e/x', 'x'],
    ['app://longtail//..//../x', 'x'],
    ['app://longtail/%2fetc%2fpasswd', 'etc/passwd'],
  ])('keeps %s inside the folder (dot segments are resolved by the URL parser)', (url, rel) => {
    expect(resolveAppFile(root, url)).toBe(path.join(root, rel));
  });

  it('never resolves outside the folder, whatever the path', () => {
    for (const p of ['..', '../..', '%2e%2e', '.%2e', '%2e.', '..%2f', '..%5c', '..\\..\\', '/..', '//..//..']) {
      const file = resolveAppFile(root, `app://longtail/${p}/secret.txt`);
      if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
    }
  });
});

describe('the protocol handler', () => {
  it('serves the page and its assets with the CSP and the right types', async () => {
    const page = await get('app://longtail/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Longtail</title>');
    const js = await get('app://longtail/assets/app.js');
    expect([js.status, js.headers.get('content-type'), await js.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    expect(js.headers.get('content-security-policy')).toBe(CSP);
    expect((await get('app://longtail/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it.each([
    'app://longtail/../secret.txt',
    'app://longtail/%2e%2e/secret.txt',
    'app://longtail/..%2fsecret.txt',
    'app://longtail/assets/..%2f..%2fsecret.txt',
    'app://longtail/..%5csecret.txt',
    'app://longtail/..%2frenderer-evil.txt',
    'app://longtail/missing.js',
    'app://longtail/assets',
    'app://longtail/assets/sub/',
    'app://other/index.html',
  ])('answers 404 to %s, with the CSP', async (url) => {
    const r = await get(url);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-security-policy')).toBe(CSP);
    expect(await r.text()).not.toContain('not for the renderer');
  });

  it('does not follow a symbolic link out of the folder', async () => {
    if (!fs.existsSync(path.join(root, 'assets', 'link.txt'))) return;
    const r = await get('app://longtail/assets/link.txt');
    expect(r.status).toBe(404);
  });

  it('answers GET and HEAD only', async () => {
    expect((await get('app://longtail/index.html', 'POST')).status).toBe(405);
    const head = await get('app://longtail/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('explains itself when the renderer has not been built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-protocol-empty-'));
    try {
      const r = await appProtocolHandler(empty)(new Request('app://longtail/'));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
      const body = await r.text();
      expect(body).toContain('npm run build');
      expect(body).not.toMatch(/<script|<style|style=/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
