// The shell's policy: window options, CSP, which URLs may load or be navigated to.
import { describe, expect, it } from 'vitest';
import { CSP as SERVE_CSP } from '../../electron/serve/server.js';
import {
  allowNavigation, allowPermission, allowRequest, APP_ENTRY, APP_ORIGIN, APP_SCHEME_REGISTRATION, CSP, isAppUrl,
  SECURITY_HEADERS, windowOptions, withSecurityHeaders,
} from '../../electron/security.js';
import { menuTemplate } from '../../electron/menu.js';

const prod = { devtools: false };
const dev = { devtools: true };

describe('window options', () => {
  it.each([prod, dev])('sandboxes and isolates the renderer, without Node (%o)', (policy) => {
    const o = windowOptions('/app/electron/preload.cjs', policy);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
    expect(o.show).toBe(false);
  });

  it('allows DevTools in development only', () => {
    expect(windowOptions('p', prod).webPreferences?.devTools).toBe(false);
    expect(windowOptions('p', dev).webPreferences?.devTools).toBe(true);
  });
});

describe('the app scheme', () => {
  it('is standard and secure, and neither bypasses CSP nor allows service workers', () => {
    expect(APP_SCHEME_REGISTRATION.scheme).toBe('app');
    expect(APP_SCHEME_REGISTRATION.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_REGISTRATION.privileges).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_REGISTRATION.privileges).not.toHaveProperty('allowServiceWorkers');
    expect(APP_SCHEME_REGISTRATION.privileges).not.toHaveProperty('corsEnabled');
    expect(APP_ENTRY).toBe('app://longtail/index.html');
    expect(APP_ORIGIN).toBe('app://longtail');
  });
});

describe('content security policy', () => {
  it('is the browser twin’s policy', () => {
    expect(CSP).toBe(SERVE_CSP);
  });

  it('allows only our own scripts, styles and connections: no inline code, eval, plugins, frames or forms', () => {
    const directives = new Map(CSP.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values] as const;
    }));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|http:|https:|ws:|blob:/);
  });

  it('is set on responses, replacing whatever a response says (in any case)', () => {
    const out = withSecurityHeaders({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'], 'x-frame-options': ['ALLOW'] });
    expect(out['Content-Security-Policy']).toBe(CSP);
    expect(out['content-security-policy']).toBeUndefined();
    expect(out['x-frame-options']).toBeUndefined();
    expect(out['X-Frame-Options']).toBe('DENY');
    expect(out['Content-Type']).toEqual(['text/html']);
    expect(withSecurityHeaders(undefined)).toEqual(SECURITY_HEADERS);
  });
});

describe('isAppUrl / allowRequest / allowNavigation', () => {
  it.each([
    'app://longtail/',
    'app://longtail/index.html',
    'app://longtail/assets/index-abc123.js',
    'app://longtail/assets/font.woff2?v=1#x',
    'app://longtail',
  ])('allows the app’s own %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
    expect(allowRequest({ url }, prod)).toBe(true);
    expect(allowNavigation(url, prod)).toBe(true);
  });

  it.each([
    'http://127.0.0.1:8080/',
    'https://example.com/x.js',
    'https://chrome-devtools-frontend.appspot.com/serve_rev/@abc/inspector.html',
    'ws://127.0.0.1:9222/devtools/page/1',
    'wss://example.com/socket',
    'file:///etc/passwd',
    'file:///opt/Longtail/resources/app/renderer/index.html',
    'data:text/html,<script>alert(1)</script>',
    'blob:app://longtail/1234-5678',
    'ftp://example.com/',
    'chrome://gpu',
    'chrome-extension://abc/x.js',
    'devtools://devtools/remote/serve_rev/@abc/inspector.html',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    'javascript:alert(1)',
    'app://evil/index.html',
    'app://longtail:8080/index.html',
    'app://user:pw@longtail/index.html',
    'app2://longtail/',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
    expect(allowRequest({ url }, prod)).toBe(false);
    expect(allowNavigation(url, prod)).toBe(false);
  });

  it('lets DevTools load its bundled front end in development, never a remote one', () => {
    expect(allowRequest({ url: 'devtools://devtools/bundled/inspector.html' }, dev)).toBe(true);
    expect(allowRequest({ url: 'devtools://theme/colors.css?sets=ui,chrome' }, dev)).toBe(true);
    expect(allowRequest({ url: 'devtools://devtools/remote/serve_rev/@x/inspector.html' }, dev)).toBe(false);
    expect(allowRequest({ url: 'https://chrome-devtools-frontend.appspot.com/x' }, dev)).toBe(false);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb', 'fullscreen', 'display-capture'])(
    'refuses %s',
    (permission) => {
      expect(allowPermission(permission, 'app://longtail')).toBe(false);
    },
  );

  it('lets the app itself write text to the clipboard, nobody else', () => {
    expect(allowPermission('clipboard-sanitized-write', 'app://longtail')).toBe(true);
    expect(allowPermission('clipboard-sanitized-write', 'app://longtail/index.html')).toBe(true);
    expect(allowPermission('clipboard-sanitized-write', 'https://example.com')).toBe(false);
    expect(allowPermission('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('menu', () => {
  const roles = (items: ReturnType<typeof menuTemplate>): string[] =>
    items.flatMap((i) => [i.role ?? '', ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]).filter(Boolean);

  it('is minimal: quit, edit, zoom and full screen; reload and DevTools only in development', () => {
    for (const platform of ['linux', 'win32', 'darwin']) {
      const prodRoles = roles(menuTemplate(platform, prod));
      expect(prodRoles).toContain('editMenu');
      expect(prodRoles).not.toContain('toggleDevTools');
      expect(prodRoles).not.toContain('reload');
      expect(roles(menuTemplate(platform, dev))).toContain('toggleDevTools');
    }
    expect(roles(menuTemplate('linux', prod))).toContain('quit');
    expect(roles(menuTemplate('darwin', prod))).toContain('appMenu');
  });
});
