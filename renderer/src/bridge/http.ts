// Browser mode: the same API over the local HTTP bridge (electron/serve/server.ts).
// The page is opened as http://127.0.0.1:PORT/?token=T; the token is read once, kept
// for this tab (so a reload still works) and dropped from the address bar. Calls are
// `POST /api/call` with the token in a header; events come over Server-Sent Events
// (cookie auth, set when the page loaded).
import type { Bridge } from '../../../src-core/api/bridge.js';
import type { ApiArgs, ApiErrorKind, ApiName, EventName, Events, Results } from '../../../src-core/api/contract.js';

export const TOKEN_HEADER = 'x-longtail-token';
export const TOKEN_PARAM = 'token';
export const TOKEN_STORAGE_KEY = 'longtail.token';
export const CALL_PATH = '/api/call';
export const EVENTS_PATH = '/api/events';
export const EVENT_NAMES: readonly EventName[] = ['import.progress', 'import.file', 'import.done'];

export type BridgeErrorKind = ApiErrorKind | 'unauthorized' | 'network';

/** An API call that failed: the core's error kind and message, or the transport's. */
export class BridgeError extends Error {
  constructor(readonly kind: BridgeErrorKind, message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

/** The token in a page URL, and the URL without it (null when there was none). */
export function takeToken(href: string): { token: string | null; cleaned: string | null } {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { token: null, cleaned: null };
  }
  const token = url.searchParams.get(TOKEN_PARAM);
  if (token === null) return { token: null, cleaned: null };
  url.searchParams.delete(TOKEN_PARAM);
  return { token, cleaned: url.pathname + url.search + url.hash };
}

export interface CallRequest {
  url: string;
  init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'same-origin'; cache: 'no-store' };
}

/** The request for one call: JSON `{ name, args }`, the token in its header. */
export function callRequest(token: string, name: string, args: unknown): CallRequest {
  return {
    url: CALL_PATH,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify({ name, args: args ?? {} }),
      credentials: 'same-origin',
      cache: 'no-store',
    },
  };
}

/** What fetch gives back, as far as we read it. */
export interface ResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}

const KINDS: readonly ApiErrorKind[] = ['bad-request', 'no-case', 'not-found', 'busy', 'failed'];

/** `{ result }` → result; `{ error: { kind, message } }` or a non-JSON failure → BridgeError. */
export async function readCallResponse(res: ResponseLike): Promise<unknown> {
  const body = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const p = parsed as { result?: unknown; error?: { kind?: unknown; message?: unknown } };
    if (p.error && typeof p.error === 'object') {
      const kind = KINDS.includes(p.error.kind as ApiErrorKind) ? (p.error.kind as ApiErrorKind) : 'failed';
      throw new BridgeError(kind, typeof p.error.message === 'string' ? p.error.message : `request failed (HTTP ${res.status})`);
    }
    if (res.ok && 'result' in p) return p.result;
  }
  if (res.status === 401) {
    throw new BridgeError('unauthorized', 'Longtail refused the request: this page has lost its access token. Open the URL printed when the server started.');
  }
  const detail = body.trim().slice(0, 300);
  throw new BridgeError('failed', `request failed (HTTP ${res.status})${detail ? `: ${detail}` : ''}`);
}

export interface EventSourceLike {
  addEventListener(type: string, listener: (e: { data: string }) => void): void;
  close(): void;
}

export interface HttpEnv {
  fetch(url: string, init: CallRequest['init']): Promise<ResponseLike>;
  openEvents(url: string): EventSourceLike;
  /** The page's address when the app started. */
  href: string;
  /** Rewrites the address bar (history.replaceState). */
  replaceUrl(url: string): void;
  /** Per-tab storage, so a reload keeps the token; may be null. */
  storage: { getItem(k: string): string | null; setItem(k: string, v: string): void } | null;
}

/** The token this page holds: from its URL once (then hidden), else from this tab's storage. */
export function resolveToken(env: Pick<HttpEnv, 'href' | 'replaceUrl' | 'storage'>): string | null {
  const { token, cleaned } = takeToken(env.href);
  if (token !== null) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // storage may be disabled; the token then lives for this page only
    }
    if (cleaned !== null) env.replaceUrl(cleaned);
    return token;
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function createHttpBridge(env: HttpEnv): Bridge {
  const token = resolveToken(env);
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSourceLike | null = null;

  const connect = () => {
    if (source) return;
    source = env.openEvents(EVENTS_PATH);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        let payload: unknown;
        try {
          payload = JSON.parse(e.data);
        } catch {
          return;
        }
        for (const l of listeners.get(name) ?? []) (l as (p: unknown) => void)(payload);
      });
    }
  };
  // Connect at once: an import's first events must not be missed.
  connect();

  return {
    mode: 'browser',
    shell: null,
    async call<K extends ApiName>(name: K, args: ApiArgs<K>): Promise<Results[K]> {
      if (token === null) {
        throw new BridgeError('unauthorized', 'This page has no access token. Open the URL printed by `npm run serve` (it ends in ?token=…).');
      }
      const req = callRequest(token, name, args);
      let res: ResponseLike;
      try {
        res = await env.fetch(req.url, req.init);
      } catch (err) {
        throw new BridgeError('network', `Longtail's local server does not answer (${err instanceof Error ? err.message : String(err)}). Is it still running?`);
      }
      return (await readCallResponse(res)) as Results[K];
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
