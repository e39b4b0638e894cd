// Installs the policy of security.ts on Electron's objects: the session (request filter,
// response headers, permissions, downloads, spell checker) and every web contents
// (navigation, new windows, <webview>).
import type { Session, WebContents } from 'electron';
import { allowNavigation, allowPermission, allowRequest, isAppUrl, withSecurityHeaders, type PolicyOptions } from './security.js';

/** The parts of a Session the guards use (a test passes a fake). */
export type GuardedSession = Pick<
  Session,
  | 'webRequest'
  | 'setPermissionRequestHandler'
  | 'setPermissionCheckHandler'
  | 'setDevicePermissionHandler'
  | 'setSpellCheckerEnabled'
  | 'on'
>;

export function hardenSession(ses: GuardedSession, options: PolicyOptions, onRefused?: (url: string) => void): void {
  // Offline by design: anything but the app's own files is cancelled before it starts.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = allowRequest(details, options);
    if (!allowed) onRefused?.(details.url);
    callback({ cancel: !allowed });
  });
  // The CSP (and friends) on every response of the app, whatever the page itself declares
  // (nothing else gets through the filter above but DevTools' own pages in development,
  // which keep theirs).
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (isAppUrl(details.url)) callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
    else callback({});
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowPermission(permission, details.requestingUrl));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowPermission(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
  ses.setSpellCheckerEnabled(false);
  ses.on('will-download', (event) => event.preventDefault());
}

/** The parts of a WebContents the guards use. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function hardenContents(contents: GuardedContents, options: PolicyOptions): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!allowNavigation(event.url, options)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!allowNavigation(event.url, options)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!allowNavigation(event.url, options)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
