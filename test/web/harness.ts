// What every browser test of the web app shares: a suite per backend with its own `mtc serve`
// over the demo data and one chromium, pages opened fresh or logged in at a path, and the
// check each page passes (loaded, screenshotted, no problem, no serious axe violation).
// Elements are found as a user finds them: by their labels, roles and headings.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { backends } from '../helpers/backends.ts';
import type { Backend } from '../helpers/backends.ts';
import { assertAccessible, launchChromium, screenshot, watchedPage } from '../helpers/browser.ts';
import type { WatchedPage } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';
import { serveDemo } from './server.ts';
import type { DemoServer } from './server.ts';

/** What chromium logs for a response with this status, e.g. the 401 of a visitor not logged in. */
export const status = (code: number) => new RegExp(`Failed to load resource: the server responded with a status of ${code}\\b`);

/** The <section> of the page headed by an <h2> saying exactly `name`. */
export function section(page: Page, name: string): Locator {
  return page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name, exact: true }) });
}

/** Waits until nothing on the page says "Loading…". */
export async function settled(page: Page): Promise<void> {
  await waitFor(async () => (await page.getByText('Loading…').count()) === 0, `${page.url()} to finish loading`);
}

/** The page's text with thousands separators, spaces and currency symbols removed, for finding a figure however it is grouped and whatever its currency. */
export const figures = async (locator: Locator) => (await locator.innerText()).replace(/[,\s\u00a0\u202f₹$€£]/g, '');

/** A day (YYYY-MM-DD) as the demo's settings (DD/MM/YYYY) show it. */
export const shownDay = (day: string) => day.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');

/** A GET of the API with the page's session (the browser's cookies); its JSON. */
export async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(path);
  assert.equal(res.status(), 200, `GET ${path}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** An unsafe call of the API with the page's session and its CSRF token; its JSON answer (it must succeed). */
export async function apiSend<T>(page: Page, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
  const res = await page.request.fetch(path, { method, ...(data === undefined ? {} : { data }), headers: { 'x-csrf-token': me.csrfToken } });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/**
 * Waits until the page's address passes `check`. The app moves between its pages in the
 * document (history API), so the address is read, not a navigation awaited.
 */
export async function arrive(page: Page, check: (url: URL) => boolean, what: string): Promise<void> {
  try {
    await waitFor(async () => check(new URL(page.url())), what, 15_000);
  } catch {
    throw new Error(`timed out waiting for the address to be ${what}: it is ${page.url()}`);
  }
}

/** Fills the login form and submits it. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** What a suite's tests are given: the backend, its server, and ways to open pages on it. */
export interface WebSuite {
  backend: Backend;
  /** Valid inside a test (set up by the suite's `before`). */
  server(): DemoServer;
  /** A fresh page (no session) on the server; `viewport` defaults to a 1280×800 desktop. */
  open(viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /** Opens `path` without a session, is sent to /login, logs in as the admin; the page, back at `path`. */
  logInAt(path: string, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /**
   * Opens `path` in a fresh page with the admin's session of the suite (logged in once, in
   * `before`): for the tests of what comes after the login, not of the login itself (the
   * app's area logs in through the form, `logInAt`). Not for a test that ends the session.
   */
  adminAt(path: string, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /** Waits for the page to load, screenshots it as BACKEND-NAME, then fails on any problem it had or serious accessibility violation. */
  checkPage(w: WatchedPage, name: string): Promise<void>;
}

/** A tablet held upright (an iPad's CSS pixels): the narrowest width the app is laid out for. */
export const TABLET = { width: 768, height: 1024 } as const;

/**
 * Declares `title` once per backend (PGlite, and the PostgreSQL server when
 * MTC_TEST_DATABASE_URL names one), each with its own demo server and chromium; `body`
 * declares the tests.
 */
export function webSuite(title: string, body: (s: WebSuite) => void): void {
  for (const backend of backends) {
    describe(`${title}, on ${backend.name}`, { skip: backend.skip, concurrency: 1 }, () => {
      let browser: Browser | undefined;
      let server: DemoServer | undefined;
      let session: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
      before(async () => {
        const [launched, served] = await Promise.allSettled([launchChromium(), serveDemo(backend)]);
        if (launched.status === 'fulfilled') browser = launched.value;
        if (served.status === 'fulfilled') server = served.value;
        for (const r of [launched, served]) if (r.status === 'rejected') throw r.reason;
        // The admin's session, for the tests that start logged in: one login (an Argon2
        // verification) for the suite rather than one per test.
        const context = await browser!.newContext({ baseURL: server!.url });
        try {
          const res = await context.request.post('/api/auth/login', { data: { email: server!.admin.email, password: server!.admin.password } });
          assert.equal(res.status(), 200, `the admin's login: ${await res.text()}`);
          session = await context.storageState();
        } finally {
          await context.close();
        }
      });
      // The pages a test opened are closed when it ends: left open, they would go on asking
      // the server (the imports list refreshes itself) and drawing, slowing the tests after.
      const opened: WatchedPage[] = [];
      const watched = async (viewport?: { width: number; height: number }, state?: typeof session) => {
        const w = await watchedPage(browser!, server!.url, viewport, state);
        opened.push(w);
        return w;
      };
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((w) => w.page.context().close()));
      });
      after(async () => {
        await browser?.close();
        await server?.stop();
      });
      const s: WebSuite = {
        backend,
        server: () => server!,
        open: (viewport) => watched(viewport),
        async adminAt(path, viewport) {
          const w = await watched(viewport, session);
          await w.page.goto(path);
          const target = new URL(path, server!.url);
          await arrive(w.page, (u) => u.pathname === target.pathname, path);
          return w;
        },
        async logInAt(path, viewport) {
          const w = await s.open(viewport);
          await w.expecting(status(401), async () => {
            await w.page.goto(path);
            await arrive(w.page, (u) => u.pathname === '/login', '/login');
            await w.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
          });
          await submitLogin(w.page, server!.admin.email, server!.admin.password);
          const target = new URL(path, server!.url);
          await arrive(w.page, (u) => u.pathname === target.pathname, path);
          return w;
        },
        async checkPage(w, name) {
          await settled(w.page);
          await screenshot(w.page, `${backend.name}-${name}`);
          await assertAccessible(w.page);
          w.assertNoProblems();
        },
      };
      body(s);
    });
  }
}

const areas: { title: string; body: (s: WebSuite) => void }[] = [];

/** Declares the tests of one part of the app; `webSuites` runs every part declared, in order. */
export function webArea(title: string, body: (s: WebSuite) => void): void {
  areas.push({ title, body });
}

/**
 * One suite per backend over every area declared so far, each area a describe of its own:
 * the areas share the suite's server and chromium, which a test file of its own would each
 * start again (on PGlite the server's start takes seconds). An area leaves the demo data
 * changed for those after it, so each finds what it needs by asking the API, not by
 * assuming the demo as seeded (the first area, app, reads the dashboard as seeded). The
 * backends' suites run at the same time.
 */
export function webSuites(title: string): void {
  // The backends side by side: a browser test waits on pages far more than it computes.
  describe(title, { concurrency: true }, () => {
    webSuite(title, (s) => {
      for (const area of areas) describe(area.title, () => area.body(s));
    });
  });
}
