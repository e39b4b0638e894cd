// The guards installed on the session and on every web contents, with Electron faked.
import { describe, expect, it, vi } from 'vitest';
import { hardenContents, hardenSession, type GuardedContents, type GuardedSession } from '../../electron/guards.js';
import { CSP } from '../../electron/security.js';

type Fn = (...args: never[]) => unknown;

function fakeSession() {
  const hooks: Record<string, Fn> = {};
  const ses = {
    webRequest: {
      onBeforeRequest: (l: Fn) => (hooks['beforeRequest'] = l),
      onHeadersReceived: (l: Fn) => (hooks['headersReceived'] = l),
    },
    setPermissionRequestHandler: (h: Fn) => (hooks['permissionRequest'] = h),
    setPermissionCheckHandler: (h: Fn) => (hooks['permissionCheck'] = h),
    setDevicePermissionHandler: (h: Fn) => (hooks['devicePermission'] = h),
    setSpellCheckerEnabled: vi.fn(),
    on: (event: string, l: Fn) => (hooks[`on:${event}`] = l),
  };
  return { ses: ses as unknown as GuardedSession, hooks, spell: ses.setSpellCheckerEnabled };
}

function beforeRequest(hooks: Record<string, Fn>, url: string): boolean {
  let cancel: boolean | undefined;
  (hooks['beforeRequest'] as (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void)({ url }, (r) => (cancel = r.cancel));
  return cancel === true;
}

describe('hardenSession', () => {
  it('cancels every request but the app’s own files, and reports it', () => {
    const { ses, hooks } = fakeSession();
    const refused: string[] = [];
    hardenSession(ses, { devtools: false }, (url) => refused.push(url));
    expect(beforeRequest(hooks, 'app://longtail/index.html')).toBe(false);
    expect(beforeRequest(hooks, 'app://longtail/assets/x.js')).toBe(false);
    for (const url of [
      'https://example.com/', 'http://127.0.0.1:1/', 'ws://localhost/', 'file:///etc/passwd', 'data:text/plain,x',
      'blob:app://longtail/x', 'devtools://devtools/bundled/inspector.html', 'devtools://devtools/remote/x',
    ]) {
      expect(beforeRequest(hooks, url)).toBe(true);
    }
    expect(refused).toContain('https://example.com/');
    expect(refused).not.toContain('app://longtail/index.html');
  });

  it('puts the CSP on every response of the app, replacing the response’s own', () => {
    const { ses, hooks } = fakeSession();
    hardenSession(ses, { devtools: false });
    const received = (url: string) => {
      let reply: { responseHeaders?: Record<string, unknown> } = {};
      (hooks['headersReceived'] as (d: unknown, cb: (r: typeof reply) => void) => void)(
        { url, responseHeaders: { 'Content-Security-Policy': ["script-src 'unsafe-inline'"] } },
        (r) => (reply = r),
      );
      return reply;
    };
    expect(received('app://longtail/')).toEqual({ responseHeaders: expect.objectContaining({ 'Content-Security-Policy': CSP }) });
    expect(received('app://longtail/assets/x.js').responseHeaders?.['Content-Security-Policy']).toBe(CSP);
    // DevTools' own pages (development) keep their headers.
    expect(received('devtools://devtools/bundled/inspector.html')).toEqual({});
  });

  it('refuses permission requests and checks, devices and downloads; turns the spell checker off', () => {
    const { ses, hooks, spell } = fakeSession();
    hardenSession(ses, { devtools: false });
    const granted: boolean[] = [];
    const request = hooks['permissionRequest'] as (wc: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl: string }) => void;
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) {
      request({}, p, (g) => granted.push(g), { requestingUrl: 'app://longtail/index.html' });
    }
    expect(granted).toEqual([false, false, false, false, false, false]);
    request({}, 'clipboard-sanitized-write', (g) => granted.push(g), { requestingUrl: 'https://evil.example/' });
    expect(granted.at(-1)).toBe(false);
    const check = hooks['permissionCheck'] as (wc: unknown, p: string, origin: string) => boolean;
    expect(check(null, 'media', 'app://longtail')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://longtail')).toBe(true);
    expect((hooks['devicePermission'] as () => boolean)()).toBe(false);
    const download = { preventDefault: vi.fn() };
    (hooks['on:will-download'] as (e: typeof download) => void)(download);
    expect(download.preventDefault).toHaveBeenCalled();
    expect(spell).toHaveBeenCalledWith(false);
  });
});

describe('hardenContents', () => {
  function fakeContents() {
    const on: Record<string, (event: { url?: string; preventDefault: () => void }) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = {
      on: (event: string, l: (e: { url?: string; preventDefault: () => void }) => void) => {
        on[event] = l;
        return contents;
      },
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => (openHandler = h),
    };
    hardenContents(contents as unknown as GuardedContents, { devtools: false });
    const fire = (event: string, url?: string) => {
      const e = { url, preventDefault: vi.fn() };
      on[event]!(e);
      return e.preventDefault.mock.calls.length > 0;
    };
    return { fire, open: (url: string) => openHandler!({ url }) };
  }

  it('denies every new window', () => {
    const { open } = fakeContents();
    for (const url of ['https://example.com/', 'app://longtail/index.html', 'about:blank']) expect(open(url)).toEqual({ action: 'deny' });
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: stays within the app', (event) => {
    const { fire } = fakeContents();
    expect(fire(event, 'https://example.com/')).toBe(true);
    expect(fire(event, 'file:///etc/passwd')).toBe(true);
    expect(fire(event, 'data:text/html,x')).toBe(true);
    expect(fire(event, 'javascript:alert(1)')).toBe(true);
    expect(fire(event, 'app://longtail/index.html')).toBe(false);
  });

  it('refuses to attach a <webview>', () => {
    const { fire } = fakeContents();
    expect(fire('will-attach-webview')).toBe(true);
  });
});
