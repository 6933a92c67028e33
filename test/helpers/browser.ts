// A real browser for the web app's tests: Debian's chromium driven by playwright-core (never a
// downloaded browser), pages that record every console error, page error and failed request,
// screenshots under test/.artifacts/ (git ignores it) and axe-core's accessibility check.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { CHROMIUM } from '../../scripts/test-setup.ts';
import { ROOT } from './cli.ts';

export const SCREENSHOTS = join(ROOT, 'test', '.artifacts', 'screenshots');

// Headless, as root, on a machine with a closed network: without the background-networking
// flags chromium tries Google's hosts at every start and its connections are refused.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Debian's chromium, headless. Playwright gives it a fresh, empty --user-data-dir in a
 * temp dir of its own and removes it on close; each `browser.newContext()` is a clean profile
 * (no cookies). Fails, naming the package to install, when chromium is not there.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the web app's tests need Debian's chromium at ${CHROMIUM}, and it is not there: install it with \`apt-get install chromium\` (npm test does); the tests never download a browser`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** What went wrong in a page: a console error, an uncaught error or a failed request, as text. */
export type Problem = string;

/** A page whose console errors, page errors and failed requests are recorded as problems. */
export interface WatchedPage {
  page: Page;
  /** Runs `action`; problems that match `expected` while it runs (a 401 it provokes, say) are not counted. */
  expecting<T>(expected: RegExp, action: () => Promise<T>): Promise<T>;
  /** Fails with every problem recorded so far that no `expecting` allowed, then forgets them. */
  assertNoProblems(): void;
}

/**
 * Opens a page in a fresh context of `browser` (no cookies, or those of `storageState`: a
 * session), recording its problems; a 1280×800 desktop unless `viewport` says otherwise.
 */
export async function watchedPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
  storageState?: BrowserContextOptions['storageState'],
): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport, storageState });
  const page = await context.newPage();
  const problems: Problem[] = [];
  const allowed: RegExp[] = [];
  const record = (problem: Problem) => {
    if (!allowed.some((re) => re.test(problem))) problems.push(problem);
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') record(`console error: ${msg.text()} (at ${msg.location().url || 'unknown'})`);
  });
  page.on('pageerror', (err) => record(`page error: ${err.stack ?? err.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // A request the page itself aborted (a search superseded by the next keystroke, a page
    // left before its data came) is the app doing its job, not a failure.
    if (failure === 'net::ERR_ABORTED') return;
    record(`request failed: ${request.method()} ${request.url()}: ${failure}`);
  });
  return {
    page,
    async expecting(expected, action) {
      allowed.push(expected);
      try {
        return await action();
      } finally {
        allowed.splice(allowed.indexOf(expected), 1);
      }
    },
    assertNoProblems() {
      const seen = problems.splice(0);
      assert.deepEqual(seen, [], `the page at ${page.url()} had problems:\n${seen.join('\n')}`);
    },
  };
}

/** Saves a full-page PNG of `page` as test/.artifacts/screenshots/NAME.png; its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One accessibility rule that a page breaks, as axe-core reports it. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/**
 * Runs axe-core on the page as it is now; the rules it breaks. Its script is evaluated through
 * the DevTools protocol rather than added as a <script> tag: the app's Content-Security-Policy
 * (script-src 'self') rightly refuses inline scripts, and the tests keep that policy on, so a
 * violation of it by the app shows as a console error.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // The minified build: it is evaluated again in every document the tests check, and the
  // unminified one (twice the size) takes about twice as long to parse and compile.
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } };
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Fails with each serious or critical axe violation of the page, and where it is. */
export async function assertAccessible(page: Page): Promise<void> {
  const severe = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = severe.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n  at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  assert.deepEqual(described, [], `axe found serious or critical violations on ${page.url()}:\n${described.join('\n')}`);
}
