// The local HTTP bridge refuses everything but its own page holding the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CoreHost } from '../../src-core/api/host.js';
import { serve, TOKEN_HEADER, type Served } from '../../electron/serve/server.js';
import { tempDir } from '../helpers/case-builder.js';

const dir = tempDir('longtail-serve-');
const rendererDir = path.join(dir, 'renderer');
let host: CoreHost;
let served: Served;

beforeAll(async () => {
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Longtail</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the browser');
  host = new CoreHost({ mode: 'browser', recentFile: null });
  served = await serve({ host, rendererDir });
});
afterAll(async () => {
  await served.close();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }
function request(pathAndQuery: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: served.port, path: pathAndQuery, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}
const call = (name: string, args: unknown, headers: Record<string, string> = { [TOKEN_HEADER]: served.token }) =>
  request('/api/call', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, args }) });

describe('serve', () => {
  it('listens on loopback only, with a token in the printed URL', () => {
    expect(served.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${served.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses the page without the token, and sets an HttpOnly SameSite cookie with it', async () => {
    expect((await request('/')).status).toBe(401);
    expect((await request('/assets/app.js')).status).toBe(401);
    const page = await request(`/?token=${served.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']?.[0]).toBe(`longtail_token=${served.token}; HttpOnly; SameSite=Strict; Path=/`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = await request('/assets/app.js', { headers: { cookie: `longtail_token=${served.token}` } });
    expect([asset.status, asset.body]).toEqual([200, 'console.log(1)']);
    expect((await request(`/?token=${served.token}x`)).status).toBe(401);
  });

  it('refuses API calls without the token header (a cookie alone is not enough), from other origins, or for other hosts', async () => {
    expect((await call('app.info', {}, {})).status).toBe(401);
    expect((await call('app.info', {}, { cookie: `longtail_token=${served.token}` })).status).toBe(401);
    expect((await call('app.info', {}, { [TOKEN_HEADER]: served.token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('app.info', {}, { [TOKEN_HEADER]: served.token, host: 'evil.example' })).status).toBe(421);
    const ok = await call('app.info', {});
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ result: { mode: 'browser' } });
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('validates arguments at the boundary and maps errors to statuses', async () => {
    const bad = await call('case.open', { path: 42 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/case.open: path/);
    expect((await call('no.such', {})).status).toBe(400);
    expect((await call('hunt.detail', { instanceId: 1, window: { kind: 'all' } })).status).toBe(409);
    expect((await request('/api/call', { method: 'POST', headers: { [TOKEN_HEADER]: served.token }, body: 'not json' })).status).toBe(400);
  });

  it('does not serve files outside the renderer', async () => {
    const cookie = { cookie: `longtail_token=${served.token}` };
    expect((await request('/../secret.txt', { headers: cookie })).status).toBe(404);
    expect((await request('/%2e%2e/secret.txt', { headers: cookie })).status).toBe(404);
    expect((await request('/assets/../../secret.txt', { headers: cookie })).status).toBe(404);
  });

  it('streams events only to holders of the cookie', async () => {
    expect((await request('/api/events')).status).toBe(401);
  });
});
