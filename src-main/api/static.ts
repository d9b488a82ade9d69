// Serves the built renderer from the API's own origin, under a strict Content-Security-Policy.
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { SECURITY_HEADERS } from './http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function serveStatic(res: ServerResponse, pathname: string, rendererDir: string | undefined, port: number): void {
  const headers = { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy(port), 'x-frame-options': 'DENY' };
  const index = rendererDir ? path.join(rendererDir, 'index.html') : undefined;
  if (!rendererDir || !index || !fs.existsSync(index)) {
    res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end('The Jarvis page is not built yet. Run `npm run build:renderer`, then reload. The API is running.\n');
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = '/';
  }
  const root = path.resolve(rendererDir);
  const candidate = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  // Anything outside the renderer folder, or not a file, falls back to the app shell.
  const inside = candidate.startsWith(root + path.sep);
  const file = inside && fs.existsSync(candidate) && fs.statSync(candidate).isFile() ? candidate : index;
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const cache = file === index ? 'no-store' : 'public, max-age=31536000, immutable';
  res.writeHead(200, { ...headers, 'content-type': type, 'cache-control': cache });
  fs.createReadStream(file).pipe(res);
}
