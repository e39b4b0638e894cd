// The browser twin of the Electron shell: serves the built renderer and the same
// handler map over HTTP on 127.0.0.1, so Longtail runs without Electron (a forensic
// workstation reached by browser, and the end-to-end tests). Node only: no Electron.
//
// Security: loopback only, random port, a per-launch token. The page URL carries the
// token once; the server answers it with an HttpOnly SameSite=Strict cookie for the
// assets and event stream, and API calls must also send it in a header (which a page
// of another origin cannot do without a CORS preflight, which we never grant). The
// Host header must be ours (DNS rebinding), and any Origin header must be ours.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { CoreHost } from '../../src-core/api/host.js';
import { ApiError, type ApiName, type EventName } from '../../src-core/api/contract.js';

export const TOKEN_HEADER = 'x-longtail-token';
const COOKIE = 'longtail_token';
const MAX_BODY = 64 * 1024 * 1024;
const EVENTS: readonly EventName[] = ['import.progress', 'import.file', 'import.done'];

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.map': 'application/json',
};

export interface ServeOptions {
  host: CoreHost;
  /** The built renderer (vite build output). */
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface Served {
  url: string;
  port: number;
  token: string;
  close: () => Promise<void>;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return null;
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
    ...extra,
  });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('bad-request', 'request too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const STATUS: Record<ApiError['kind'], number> = { 'bad-request': 400, 'no-case': 409, 'not-found': 404, busy: 409, failed: 500 };

export async function serve(options: ServeOptions): Promise<Served> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(options.rendererDir);
  let origin = '';
  const streams = new Set<http.ServerResponse>();
  const offs = EVENTS.map((e) =>
    options.host.on(e, (payload) => {
      const frame = `event: ${e}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const s of streams) s.write(frame);
    }),
  );

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'internal error');
      process.stderr.write(`longtail serve: ${(err as Error).message}\n`);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    // DNS rebinding: only our own host:port; cross-origin pages: no CORS, refused.
    if (req.headers.host !== new URL(origin).host) return send(res, 421, 'wrong host');
    if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, 'cross-origin request refused');
    const fromUrl = url.searchParams.get('token');
    const fromCookie = cookieToken(req);
    const fromHeader = typeof req.headers[TOKEN_HEADER] === 'string' ? (req.headers[TOKEN_HEADER] as string) : null;

    if (url.pathname === '/api/call') {
      if (req.method !== 'POST') return send(res, 405, 'POST only');
      if (!fromHeader || !same(fromHeader, token)) return send(res, 401, 'missing or wrong token');
      let name: unknown;
      let args: unknown;
      try {
        const body = JSON.parse(await readBody(req)) as { name?: unknown; args?: unknown };
        name = body.name;
        args = body.args;
      } catch {
        return send(res, 400, JSON.stringify({ error: { kind: 'bad-request', message: 'body must be JSON { name, args }' } }), 'application/json');
      }
      try {
        if (typeof name !== 'string') throw new ApiError('bad-request', 'name must be a string');
        const result = await options.host.call(name as ApiName, args as never);
        return send(res, 200, JSON.stringify({ result }), 'application/json');
      } catch (err) {
        const kind = err instanceof ApiError ? err.kind : 'failed';
        return send(res, STATUS[kind], JSON.stringify({ error: { kind, message: (err as Error).message } }), 'application/json');
      }
    }

    if (url.pathname === '/api/events') {
      if (!fromCookie || !same(fromCookie, token)) return send(res, 401, 'missing or wrong token');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only');
    const authorised = (fromUrl !== null && same(fromUrl, token)) || (fromCookie !== null && same(fromCookie, token));
    if (!authorised) return send(res, 401, 'Longtail: open the URL printed when the server started (it carries the access token).');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return send(res, 404, 'not found');
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      return send(res, 404, 'not found');
    }
    const extra: Record<string, string> = {};
    if (fromUrl !== null) extra['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': CSP,
      'x-frame-options': 'DENY',
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const off of offs) off();
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
