// The shell's security policy as plain data and pure functions, so it can be tested
// without Electron: where the renderer comes from, what it may load, where it may go,
// and the options of every window.
//
// The renderer is served from a custom privileged scheme, app://longtail/, rather than
// file://. A file:// page shares its origin with every file on the disk (fetch and
// 'self' in a CSP reach them all, and Electron grants file:// extra privileges); our
// own scheme is a real origin whose only content is what protocol.ts serves from the
// built renderer folder, whose responses carry our headers, and which a request filter
// can allow exactly.
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'longtail';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Must equal `appId` in build/electron-builder.mjs (Windows taskbar grouping). */
export const APP_ID = 'org.longtail.desktop';

/**
 * standard: parsed like http (real origin, relative URLs, 'self' in CSP);
 * secure: a secure context, like https; supportFetchAPI: the renderer may fetch its own
 * assets (Vite's module preload does); codeCache: V8 caches our scripts. Not bypassCSP,
 * not corsEnabled, no service workers, no extensions, no streaming.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

export const APP_SCHEME_REGISTRATION: CustomScheme = { scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES };

/**
 * The same policy as the browser twin (electron/serve/server.ts): nothing but our own
 * scripts, styles, images and fonts; no inline script, no eval, no plugins, no frames,
 * no forms, no <base>. connect-src 'self' lets the renderer fetch its own files.
 */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers set on every response the renderer receives. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A URL of the app's own files: app://longtail/…, no credentials, no port. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null && u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' &&
    u.username === '' && u.password === ''
  );
}

/** DevTools' own front end, shipped inside Electron (development only); never a remote one. */
function isBundledDevtools(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'devtools:' && !u.pathname.startsWith('/remote/') && !u.pathname.startsWith('//');
}

export interface PolicyOptions {
  /** Development build: DevTools may open (from its bundled front end only). */
  devtools: boolean;
}

/**
 * The request filter (session.webRequest.onBeforeRequest): the app works offline and
 * loads nothing but its own files. Refused: http(s), ws(s), file:, data:, blob:, ftp:,
 * chrome:, remote DevTools front ends, other hosts on our scheme — everything else.
 */
export function allowRequest(details: { url: string }, options: PolicyOptions): boolean {
  if (isAppUrl(details.url)) return true;
  return options.devtools && isBundledDevtools(details.url);
}

/** Navigation (will-navigate, will-redirect, will-frame-navigate): only within the app. */
export function allowNavigation(url: string, options: PolicyOptions): boolean {
  return allowRequest({ url }, options);
}

/** Sets our security headers on a response, replacing any of the same name. */
export function withSecurityHeaders(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(headers ?? {})) if (!ours.has(k.toLowerCase())) out[k] = v;
  return { ...out, ...SECURITY_HEADERS };
}

/**
 * Permissions: every request is refused (camera, microphone, geolocation, notifications,
 * HID/serial/USB, opening external links…) except writing text to the clipboard from
 * the app itself, so a responder can copy a hash or a path out of a table.
 */
export function allowPermission(permission: string, origin: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && origin !== undefined && isAppUrl(origin);
}

/** The main window: sandboxed, isolated, no Node, web security on, nothing embedded. */
export function windowOptions(preload: string, options: PolicyOptions): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Longtail',
    show: false,
    backgroundColor: '#111418',
    autoHideMenuBar: false,
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Spell checking would download dictionaries: the app never reaches the network.
      spellcheck: false,
      devTools: options.devtools,
    },
  };
}
