// The app:// protocol: serves the built renderer folder and nothing else. Every answer
// carries the CSP, so the policy holds whatever the page's own <meta> says (or lacks).
import fs from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, SECURITY_HEADERS } from './security.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Shown when the renderer has not been built (a development checkout): no script, no style. */
const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Longtail</title>
<h1>Longtail</h1><p>The user interface has not been built: run <code>npm run build</code>, then start again.</p>
<p>The command line works without it: <code>npm run hunt -- samples/</code></p></html>`;

/**
 * The file a request URL names inside `root`, or null: another scheme or host, a
 * malformed escape, a NUL or a backslash, or anything that resolves outside the folder
 * (`..`, encoded slashes, absolute paths). appProtocolHandler also refuses symbolic links
 * leading out.
 */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.hostname !== APP_HOST || u.port !== '' || u.username || u.password) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  // No NUL, and no backslash: a separator on Windows, never part of a renderer asset's name.
  if (rel.includes('\0') || rel.includes('\\')) return null;
  rel = rel.replace(/^\/+/, '');
  if (rel === '') rel = 'index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, rel);
  if (!file.startsWith(base + path.sep)) return null;
  return file;
}

function inside(root: string, file: string): boolean {
  try {
    const realRoot = fs.realpathSync(root);
    return fs.realpathSync(file).startsWith(realRoot + path.sep);
  } catch {
    return false;
  }
}

function answer(status: number, body: BodyInit | null, type: string): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': type, 'Cache-Control': 'no-store', ...SECURITY_HEADERS },
  });
}

/** The protocol.handle() handler for app://, serving files under `rendererDir`. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'GET only', 'text/plain; charset=utf-8');
    const file = resolveAppFile(root, request.url);
    if (file === null) return answer(404, 'not found', 'text/plain; charset=utf-8');
    if (file === path.join(root, 'index.html') && !fs.existsSync(file)) {
      return answer(200, request.method === 'HEAD' ? null : NOT_BUILT, TYPES['.html']!);
    }
    if (!inside(root, file)) return answer(404, 'not found', 'text/plain; charset=utf-8');
    let body: Buffer;
    try {
      const stat = await fs.promises.stat(file);
      if (!stat.isFile()) return answer(404, 'not found', 'text/plain; charset=utf-8');
      body = await fs.promises.readFile(file);
    } catch {
      return answer(404, 'not found', 'text/plain; charset=utf-8');
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return answer(200, request.method === 'HEAD' ? null : new Uint8Array(body), type);
  };
}
