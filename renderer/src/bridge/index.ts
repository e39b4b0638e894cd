// The bridge to the core: the Electron preload's `window.longtail` when present,
// else the local HTTP bridge (browser mode).
import type { Bridge } from '../../../src-core/api/bridge.js';
import { createHttpBridge } from './http.js';

/** src-core/api/bridge.ts BRIDGE_GLOBAL (a value the renderer may not import). */
const BRIDGE_GLOBAL = 'longtail';

let bridge: Bridge | null = null;

export function getBridge(): Bridge {
  if (bridge) return bridge;
  const injected = (window as unknown as Record<string, Bridge | undefined>)[BRIDGE_GLOBAL];
  bridge = injected ?? createHttpBridge({
    fetch: (url, init) => window.fetch(url, init),
    openEvents: (url) => new EventSource(url, { withCredentials: true }),
    href: window.location.href,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    storage: (() => {
      try {
        return window.sessionStorage;
      } catch {
        return null;
      }
    })(),
  });
  return bridge;
}

/** An error's message for people (the core's messages already name the problem). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
  return String(err);
}

export { BridgeError } from './http.js';
