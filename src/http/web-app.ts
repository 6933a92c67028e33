import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Vite names every built asset with a hash of its content: it never changes under its name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * What a page of ours may load: only this origin's scripts, styles and API, nothing framing it.
 * React sets styles through the CSSOM, which style-src does not govern, so the web app needs no
 * inline styles; Swagger UI (the explorer at /api/docs) writes style attributes, so it may.
 */
export function contentSecurityPolicy(options: { inlineStyles: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ inlineStyles: false });

/**
 * Where the built web app lives: dist/web under the project root, the nearest folder above
 * this module with a package.json. That holds both for the bundle (dist/mtc.cjs) and for the
 * sources run as they are (src/http/web-app.ts).
 */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'dist', 'web');
}

/**
 * Serves the web app built into `root`: its files (hashed assets cached for good, index.html
 * revalidated every time) and, for any other page a browser asks for outside /api, index.html,
 * so a client route like /items/5 survives a reload. Paths under /api and files that do not
 * exist stay the API's JSON 404. Without a build (a checkout where `npm run build` has not
 * run), pages answer 503 saying so, and the API works as ever.
 */
export async function installWebApp(app: FastifyInstance, root: string): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  if (built) await app.register(import('@fastify/static'), { root, serve: false });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').header('content-security-policy', CONTENT_SECURITY_POLICY).sendFile('index.html', root, { cacheControl: false });

  app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const path = `/${(request.params as { '*': string })['*']}`;
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    const wantsPage = extname(path) === '' && (request.headers.accept ?? '').includes('text/html');
    if (!built) {
      if (!wantsPage && path !== '/') return reply.callNotFound();
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The MTC web app is not built: run `npm run build` (or `npm ci`) in the project root, then restart the server. The API is at /api.\n');
    }
    const file = fileUnder(root, path);
    if (file === 'index.html' || (file === null && (wantsPage || path === '/'))) return sendIndex(reply);
    if (file === null) return reply.callNotFound();
    const cache = file.startsWith(`assets${sep}`) ? IMMUTABLE : 'no-cache';
    return reply.header('cache-control', cache).sendFile(file, root, { cacheControl: false });
  });
}

/** The file `path` names inside `root` (relative to it), or null when there is none or it would step outside. */
function fileUnder(root: string, path: string): string | null {
  const segments = path.split(/[/\\]/).filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s === '..' || s.includes('\0'))) return null;
  const relative = normalize(segments.join(sep));
  try {
    return statSync(join(root, relative)).isFile() ? relative : null;
  } catch {
    return null;
  }
}
