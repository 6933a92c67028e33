// The web app as the server hands it out, on PGlite and on the server: index.html at / and for
// every client route (so a reload works), hashed assets cached for good, the API's JSON 404 kept
// under /api, a 503 that says what to do when the app is not built, and the budget for
// the JavaScript a first visit loads. The pages themselves are tested in a browser (test/web/).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { ROOT } from '../helpers/cli.ts';

const WEB = join(ROOT, 'dist', 'web');
const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const INITIAL_JS_BUDGET = 250 * 1024;

/** The app must be built: `npm test` builds it (scripts/build.mjs) before any test runs. */
function requireBuild(): void {
  assert.ok(existsSync(join(WEB, 'index.html')), `${WEB}/index.html is missing: run \`npm run build\` first (npm test does)`);
}

/** The scripts a first visit loads: the entry and what index.html preloads (the pages come later, on demand). */
function initialScripts(html: string): string[] {
  const tags = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)];
  return tags.map((m) => m[1] as string);
}

describe('the built web app', () => {
  before(requireBuild);

  test('the JavaScript a first visit loads is under 250 KB gzipped; each page is a chunk of its own', async () => {
    const html = await readFile(join(WEB, 'index.html'), 'utf8');
    const scripts = initialScripts(html);
    assert.ok(scripts.length > 0, 'index.html loads a script');
    let gzipped = 0;
    for (const src of scripts) gzipped += gzipSync(await readFile(join(WEB, src))).length;
    assert.ok(gzipped < INITIAL_JS_BUDGET, `initial JavaScript is ${gzipped} bytes gzipped, over the budget of ${INITIAL_JS_BUDGET}`);
    const assets = await readdir(join(WEB, 'assets'));
    for (const page of ['Login', 'Dashboard', 'Items', 'ItemDetail']) {
      const chunk = assets.find((a) => a.startsWith(`${page}-`) && a.endsWith('.js'));
      assert.ok(chunk, `a chunk for the ${page} page`);
      assert.ok(!scripts.some((s) => s.endsWith(chunk)), `the ${page} page is not in the first load`);
    }
  });
});

for (const backend of backends) {
  describe(`the web app over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      requireBuild();
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    test('/ is the app’s index.html, revalidated on every visit, under a content security policy', async () => {
      const r = await api.call('GET', '/', { headers: PAGE });
      assert.equal(r.statusCode, 200, r.body);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.equal(r.body, await readFile(join(WEB, 'index.html'), 'utf8'));
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    });

    test('a client route (/items/5, /login?next=…) is answered with index.html, so a reload keeps the page', async () => {
      const index = await readFile(join(WEB, 'index.html'), 'utf8');
      for (const url of ['/items/5', '/items', '/login?next=%2Fitems']) {
        const r = await api.call('GET', url, { headers: PAGE });
        assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
        assert.equal(r.body, index, url);
        assert.equal(r.headers['cache-control'], 'no-cache', url);
      }
      const head = await api.call('HEAD', '/items/5', { headers: PAGE });
      assert.equal(head.statusCode, 200);
    });

    test('a hashed asset is served with its type and cached for a year as immutable', async () => {
      const html = await readFile(join(WEB, 'index.html'), 'utf8');
      const entry = initialScripts(html)[0] ?? '';
      assert.ok(entry.startsWith('/assets/'), `the entry script is under /assets: ${entry}`);
      const r = await api.call('GET', entry);
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /javascript/);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(r.body, await readFile(join(WEB, entry), 'utf8'));
      const css = html.match(/href="(\/assets\/[^"]+\.css)"/)?.[1];
      assert.ok(css, 'index.html links a stylesheet');
      const style = await api.call('GET', css);
      assert.match(String(style.headers['content-type']), /^text\/css/);
      assert.equal(style.headers['cache-control'], 'public, max-age=31536000, immutable');
    });

    test('a file outside /assets (the icon) is served but revalidated, since its name has no hash', async () => {
      const r = await api.call('GET', '/favicon.svg');
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^image\/svg\+xml/);
      assert.equal(r.headers['cache-control'], 'no-cache');
    });

    test('an unknown /api path stays the API’s JSON 404, even when a browser asks for a page', async () => {
      for (const headers of [PAGE, {}]) {
        const r = await api.call('GET', '/api/nope', { headers });
        assert.equal(r.statusCode, 404);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        assert.deepEqual(JSON.parse(r.body), { error: { code: 'NOT_FOUND', message: 'no route GET /api/nope', details: {} } });
        assert.equal(r.headers['cache-control'], 'no-store');
      }
      const api404 = await api.call('GET', '/api', { headers: PAGE });
      assert.equal(api404.statusCode, 404);
      assert.equal(JSON.parse(api404.body).error.code, 'NOT_FOUND');
    });

    test('a missing file, or a path that climbs out of the app’s folder, is a 404 and never the app or another file', async () => {
      for (const url of ['/assets/nope-123.js', '/nope.png', '/..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
        const r = await api.call('GET', url, { headers: PAGE });
        assert.equal(r.statusCode, 404, `${url}: ${r.body.slice(0, 100)}`);
        assert.doesNotMatch(r.body, /"name": "mtc"/, url);
      }
    });

    test('a request that is not for a page (no text/html) at a client route is a 404, not the app', async () => {
      const r = await api.call('GET', '/items/5', { headers: { accept: 'application/json' } });
      assert.equal(r.statusCode, 404);
      assert.equal(JSON.parse(r.body).error.code, 'NOT_FOUND');
    });

    test('the API is unchanged beside the app: its routes answer JSON, and a POST to a page path is a 404', async () => {
      const health = await api.call('GET', '/health');
      assert.equal(health.statusCode, 200);
      const items = await api.call('GET', '/api/items', { as: 'viewer' });
      assert.equal(items.statusCode, 200);
      assert.equal(items.headers['cache-control'], 'no-store');
      const post = await api.call('POST', '/items', { headers: PAGE, body: {} });
      assert.equal(post.statusCode, 404);
    });
  });

  describe(`a server without a built web app on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let empty: string;
    before(async () => {
      empty = await mkdtemp(join(tmpdir(), 'mtc-no-web-'));
      api = await testApi(backend, { webRoot: empty });
    });
    after(async () => {
      await api?.close();
      await rm(empty, { recursive: true, force: true });
    });

    test('pages answer 503 saying to run `npm run build`, and the API works as before', async () => {
      for (const url of ['/', '/items/5']) {
        const r = await api.call('GET', url, { headers: PAGE });
        assert.equal(r.statusCode, 503, url);
        assert.match(r.body, /npm run build/, url);
      }
      const plain = await api.call('GET', '/');
      assert.equal(plain.statusCode, 503, 'a bare GET / (curl) is told too');
      const asset = await api.call('GET', '/assets/index-abc.js');
      assert.equal(asset.statusCode, 404);
      const me = await api.call('GET', '/api/auth/me', { as: 'viewer' });
      assert.equal(me.statusCode, 200);
      const nope = await api.call('GET', '/api/nope', { headers: PAGE });
      assert.equal(nope.statusCode, 404);
      assert.equal(JSON.parse(nope.body).error.code, 'NOT_FOUND');
    });
  });
}
