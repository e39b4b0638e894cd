// Browser mode's HTTP bridge: the token is read once and hidden, calls are shaped as the
// local server expects, answers and errors are read back, events are dispatched.
import { describe, expect, it } from 'vitest';
import {
  BridgeError, CALL_PATH, EVENTS_PATH, TOKEN_HEADER, TOKEN_STORAGE_KEY, callRequest, createHttpBridge, readCallResponse,
  resolveToken, takeToken, type EventSourceLike, type HttpEnv, type ResponseLike,
} from '../../renderer/src/bridge/http.js';
import { TOKEN_HEADER as SERVER_TOKEN_HEADER } from '../../electron/serve/server.js';

const reply = (status: number, body: unknown): ResponseLike => ({
  ok: status >= 200 && status < 300,
  status,
  text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
});

class FakeEvents implements EventSourceLike {
  listeners = new Map<string, Array<(e: { data: string }) => void>>();
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (e: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  emit(type: string, data: string) {
    for (const l of this.listeners.get(type) ?? []) l({ data });
  }
  close() {
    this.closed = true;
  }
}

function env(href: string, answer: (url: string, body: unknown, headers: Record<string, string>) => ResponseLike = () => reply(200, { result: null })) {
  const store = new Map<string, string>();
  const calls: Array<{ url: string; body: unknown; headers: Record<string, string> }> = [];
  const replaced: string[] = [];
  let events: FakeEvents | null = null;
  const e: HttpEnv = {
    href,
    fetch: async (url, init) => {
      const body = JSON.parse(init.body) as unknown;
      calls.push({ url, body, headers: init.headers });
      return answer(url, body, init.headers);
    },
    openEvents: (url) => (events = new FakeEvents(url)),
    replaceUrl: (u) => replaced.push(u),
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
  };
  return { env: e, calls, replaced, store, events: () => events! };
}

describe('token', () => {
  it('is read from the page URL and the URL is given back without it', () => {
    expect(takeToken('http://127.0.0.1:5123/?token=abc_DEF-1')).toEqual({ token: 'abc_DEF-1', cleaned: '/' });
    expect(takeToken('http://127.0.0.1:5123/?x=1&token=t#hunt')).toEqual({ token: 't', cleaned: '/?x=1#hunt' });
    expect(takeToken('http://127.0.0.1:5123/')).toEqual({ token: null, cleaned: null });
    expect(takeToken('not a url')).toEqual({ token: null, cleaned: null });
  });

  it('is dropped from the address bar once and kept for this tab (a reload still works)', () => {
    const first = env('http://127.0.0.1:5123/?token=secret');
    expect(resolveToken(first.env)).toBe('secret');
    expect(first.replaced).toEqual(['/']);
    expect(first.store.get(TOKEN_STORAGE_KEY)).toBe('secret');
    const reload = env('http://127.0.0.1:5123/');
    reload.store.set(TOKEN_STORAGE_KEY, 'secret');
    expect(resolveToken(reload.env)).toBe('secret');
    expect(reload.replaced).toEqual([]);
  });
});

describe('calls', () => {
  it('are POSTs of JSON {name, args} to /api/call with the token header the server checks', () => {
    expect(TOKEN_HEADER).toBe(SERVER_TOKEN_HEADER);
    const r = callRequest('tok', 'hunt.detail', { instanceId: 3, window: { kind: 'all' } });
    expect(r.url).toBe(CALL_PATH);
    expect(r.init.method).toBe('POST');
    expect(r.init.headers).toEqual({ 'content-type': 'application/json', 'x-longtail-token': 'tok' });
    expect(JSON.parse(r.init.body)).toEqual({ name: 'hunt.detail', args: { instanceId: 3, window: { kind: 'all' } } });
    expect(JSON.parse(callRequest('tok', 'case.info', undefined).init.body)).toEqual({ name: 'case.info', args: {} });
  });

  it('give back {result}, and throw the core error kind and message from {error}', async () => {
    await expect(readCallResponse(reply(200, { result: { rows: 2 } }))).resolves.toEqual({ rows: 2 });
    await expect(readCallResponse(reply(200, { result: null }))).resolves.toBeNull();
    const err = await readCallResponse(reply(409, { error: { kind: 'no-case', message: 'no case is open' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ kind: 'no-case', message: 'no case is open' });
    await expect(readCallResponse(reply(400, { error: { kind: 'weird', message: 'x' } }))).rejects.toMatchObject({ kind: 'failed', message: 'x' });
  });

  it('explain a lost token (401, text) and other failures', async () => {
    await expect(readCallResponse(reply(401, 'missing or wrong token'))).rejects.toMatchObject({ kind: 'unauthorized' });
    await expect(readCallResponse(reply(500, 'internal error'))).rejects.toMatchObject({ kind: 'failed', message: 'request failed (HTTP 500): internal error' });
    await expect(readCallResponse(reply(200, 'not json'))).rejects.toMatchObject({ kind: 'failed' });
  });

  it('go through the bridge with the page token; a dead server is a network error', async () => {
    const e = env('http://127.0.0.1:5123/?token=T1', (_u, body) => reply(200, { result: { echo: body } }));
    const bridge = createHttpBridge(e.env);
    expect(bridge.mode).toBe('browser');
    expect(bridge.shell).toBeNull();
    await expect(bridge.call('case.open', { path: '/x.longtail' })).resolves.toEqual({ echo: { name: 'case.open', args: { path: '/x.longtail' } } });
    expect(e.calls[0]?.headers[TOKEN_HEADER]).toBe('T1');
    const dead = env('http://127.0.0.1:5123/?token=T1');
    dead.env.fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(createHttpBridge(dead.env).call('case.info', {})).rejects.toMatchObject({ kind: 'network' });
  });

  it('refuse to call without a token', async () => {
    const e = env('http://127.0.0.1:5123/');
    await expect(createHttpBridge(e.env).call('case.info', {})).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(e.calls).toEqual([]);
  });
});

describe('events', () => {
  it('come from one EventSource on /api/events, opened at once, parsed and dispatched by name', () => {
    const e = env('http://127.0.0.1:5123/?token=T');
    const bridge = createHttpBridge(e.env);
    expect(e.events().url).toBe(EVENTS_PATH);
    const got: unknown[] = [];
    const off = bridge.on('import.done', (d) => got.push(d));
    bridge.on('import.file', () => got.push('file'));
    e.events().emit('import.done', JSON.stringify({ jobId: 1, files: 3, failed: 0, cancelled: false, error: null }));
    e.events().emit('import.done', '{broken');
    off();
    e.events().emit('import.done', JSON.stringify({ jobId: 2 }));
    expect(got).toEqual([{ jobId: 1, files: 3, failed: 0, cancelled: false, error: null }]);
  });
});
