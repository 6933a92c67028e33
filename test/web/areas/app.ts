// The web app in a real browser (Debian's chromium), over `mtc serve` with the demo data, as
// a storekeeper uses it: log in, read the dashboard, find an item and its stock ledger, log
// out. Elements are found as a user finds them, by their labels, roles and headings. Every
// page is screenshotted (test/.artifacts/screenshots/), has no console error, page error or
// failed request, and no serious or critical axe-core violation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import type { WatchedPage } from '../../helpers/browser.ts';
import { waitFor } from '../../helpers/wait.ts';
import { apiGet as api, arrive, figures, section, settled, status, submitLogin, webArea } from '../harness.ts';

/** Chooses, in the Stock ledger's variant picker, the variant whose label has every one of `words`. */
async function chooseVariant(ledger: Locator, words: readonly string[]): Promise<void> {
  const picker = ledger.getByRole('combobox');
  assert.equal(await picker.count(), 1, 'the Stock ledger section has one variant picker (a select)');
  const labels = (await picker.locator('option').allTextContents()).map((l) => l.trim());
  const label = labels.find((l) => words.every((w) => l.includes(w)));
  assert.ok(label, `the variant picker offers ${words.join(' ')}: ${labels.join(', ')}`);
  await picker.selectOption({ label });
}

webArea('the web app in a real browser', ({ server, open, logInAt, adminAt, checkPage }) => {
  test('a visitor is sent to /login, a wrong password shows the API’s message, and the right one opens the dashboard', async () => {
    const w = await open();
    const { page } = w;
    await w.expecting(status(401), async () => {
      await page.goto('/');
      await arrive(page, (u) => u.pathname === '/login', '/login');
      await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    });
    await checkPage(w, 'login');

    await w.expecting(status(401), async () => {
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login');
      await submitLogin(page, server().admin.email, `${server().admin.password}-wrong`);
      const body = (await (await answer).json()) as { error: { message: string } };
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const shown = await alert.innerText();
      assert.ok(shown.includes(body.error.message), `the alert shows the API's message "${body.error.message}": ${shown}`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
    await checkPage(w, 'login-failed');

    await submitLogin(page, server().admin.email, server().admin.password);
    await arrive(page, (u) => u.pathname === '/', '/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Dashboard', exact: true }).getAttribute('href'), '/');
    assert.equal(await nav.getByRole('link', { name: 'Items', exact: true }).getAttribute('href'), '/items');
    await nav.getByText(server().admin.name).waitFor();
    await nav.getByRole('button', { name: 'Log out', exact: true }).waitFor();
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).waitFor();
    assert.equal(await main.getByRole('heading', { level: 1 }).count(), 1, 'the page has one h1');
    await settled(page);

    // The demo made four lots, one planning, one ready, one in progress and one completed:
    // each status shows its count, as the API lists the lots.
    const made = await api<{ total: number; lots: { status: string }[] }>(page, '/api/lots?limit=500');
    const lotsText = await section(page, 'Lots by status').innerText();
    for (const s of ['planning', 'ready', 'in_progress', 'completed']) {
      const count = made.lots.filter((l) => l.status === s).length;
      assert.ok(count > 0, `the demo has a lot in ${s}`);
      assert.match(lotsText, new RegExp(`${s.replace('_', '[ _]')}\\s*:?\\s*${count}\\b`, 'i'), `Lots by status shows ${count} ${s}:\n${lotsText}`);
    }

    // The variant furthest below its reorder threshold, as the API ranks them.
    const low = await api<{ total: number; variants: { item: string; color: string; size: string }[] }>(page, '/api/stock/low?limit=1');
    assert.ok(low.total > 0, 'the demo has variants below their threshold');
    const lowText = await section(page, 'Low stock').innerText();
    for (const part of [low.variants[0]!.item, low.variants[0]!.color]) assert.ok(lowText.includes(part), `Low stock shows ${part}:\n${lowText}`);

    // The demo has run no import: the section says so rather than staying blank.
    assert.match(await section(page, 'Recent imports').innerText(), /no\b.*imports?/i);

    // The completed Sparrow lot, its actual cost and variance (actual − worst case) as the API figures them.
    const variance = await api<{ processes: { process: string; actual: string; variance: string }[] }>(page, '/api/reports/cost-variance');
    assert.equal(variance.processes.length, 1, 'the demo completed one lot');
    const sparrow = variance.processes[0]!;
    const costs = section(page, 'Cost variance');
    assert.ok((await costs.innerText()).includes(sparrow.process), `Cost variance names ${sparrow.process}`);
    for (const amount of [sparrow.actual, sparrow.variance]) {
      const digits = Math.abs(Number(amount)).toFixed(2);
      assert.ok((await figures(costs)).includes(digits), `Cost variance shows ${amount}:\n${await costs.innerText()}`);
    }
    await checkPage(w, 'dashboard');
  });

  test('items are searched and paged, an item opens with its variants and a variant’s stock ledger, and its page reloads', async () => {
    const w = await logInAt('/items');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Items', exact: true }).waitFor();
    await settled(page);
    const table = main.getByRole('table');
    const names = async () => table.getByRole('link').allInnerTexts();
    const all = await api<{ total: number; items: { itemId: number; name: string }[] }>(page, '/api/items?limit=500');
    assert.match(await main.innerText(), new RegExp(`Page 1 of \\d+|${all.total} items`));

    // Pages: Next goes on while there are more items than one page shows, and the URL keeps the page.
    const first = await names();
    assert.ok(first.length > 0, 'the first page lists items');
    const next = main.getByRole('button', { name: 'Next', exact: true });
    const previous = main.getByRole('button', { name: 'Previous', exact: true });
    assert.equal(await previous.isDisabled(), true, 'no page before the first');
    if (first.length < all.total) {
      await next.click();
      await arrive(page, (u) => u.searchParams.get('page') === '2', '?page=2');
      await settled(page);
      await main.getByText(/Page 2 of \d+/).waitFor();
      const second = await names();
      assert.ok(
        second.length > 0 && second.every((n) => !first.includes(n) || all.items.filter((i) => i.name === n).length > 1),
        `page 2 lists other items: ${second.join(', ')}`,
      );
      await checkPage(w, 'items-page-2');
      await previous.click();
      await arrive(page, (u) => (u.searchParams.get('page') ?? '1') === '1', 'page 1');
      await settled(page);
      assert.deepEqual(await names(), first);
    } else {
      assert.equal(await next.isDisabled(), true, `all ${all.total} items fit on one page, so there is no next`);
    }

    // Search: the list narrows to the items whose words match, and the URL keeps the query.
    const search = page
      .getByRole('searchbox', { name: 'Search items' })
      .or(page.getByLabel('Search items', { exact: true }))
      .first();
    await search.fill('helmet');
    await arrive(page, (u) => u.searchParams.get('q') === 'helmet', '?q=helmet');
    await waitFor(async () => JSON.stringify(await names()) === JSON.stringify(['Kids Helmet']), 'the search for "helmet" to list only Kids Helmet');
    await checkPage(w, 'items-search');
    await page.reload();
    await settled(page);
    assert.equal(await search.inputValue(), 'helmet', 'a reload keeps the search');
    assert.deepEqual(await names(), ['Kids Helmet']);

    // The item's page: its name, its variants with their stock, and a variant's ledger.
    const helmet = all.items.find((i) => i.name === 'Kids Helmet')!;
    await table.getByRole('link', { name: 'Kids Helmet', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/items/${helmet.itemId}`, `/items/${helmet.itemId}`);
    await checkItemPage(w, helmet.itemId);
    await checkPage(w, 'item');
    await page.reload();
    await checkItemPage(w, helmet.itemId);
    w.assertNoProblems();
  });

  /** The Kids Helmet's page as the demo made it: h1, Variants table, and the Pink XL helmet's ledger (opened with 4). */
  async function checkItemPage(w: WatchedPage, itemId: number): Promise<void> {
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Kids Helmet', exact: true }).waitFor();
    await settled(page);
    const variants = await api<{ variantId: number; color: string; size: string; stock: string }[]>(page, `/api/items/${itemId}/variants`);
    const table = page.getByRole('table', { name: 'Variants' }).or(section(page, 'Variants').getByRole('table')).first();
    for (const column of [/colou?r/i, /size/i, /stock/i, /unit/i, /threshold/i]) {
      assert.equal(await table.getByRole('columnheader', { name: column }).count(), 1, `the Variants table has a ${column} column`);
    }
    assert.equal(await table.getByRole('row').count(), variants.length + 1, 'a row per variant, under the header');
    const pinkXl = variants.find((v) => v.color === 'Pink' && v.size === 'XL')!;
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'Pink', exact: true }) })
      .filter({ has: page.getByRole('cell', { name: 'XL', exact: true }) });
    const cells = await row.getByRole('cell').allInnerTexts();
    // The stock cell may carry more than the figure (a unit, a "low" mark): it starts with it.
    assert.ok(
      cells.some((c) => parseFloat(c.replace(/,/g, '')) === Number(pinkXl.stock)),
      `the Pink XL row shows its stock ${pinkXl.stock}: ${cells.join(' | ')}`,
    );

    // Its ledger: the demo opened the Pink XL helmet with 4, and nothing has moved it since.
    const ledger = section(page, 'Stock ledger');
    await chooseVariant(ledger, ['Pink', 'XL']);
    const entries = await api<{ entries: { type: string; quantity: string }[] }>(page, `/api/variants/${pinkXl.variantId}/ledger`);
    assert.deepEqual(
      entries.entries.map((e) => [e.type, Number(e.quantity)]),
      [['opening', 4]],
    );
    // A row of the ledger reads "Opening", then +4, into stock (with its unit, the date and notes after).
    const shown = (text: string) => /^opening\s+\+4(\.0+)?\b/im.test(text);
    await waitFor(async () => shown(await ledger.innerText()), 'the Stock ledger to show the Pink XL helmet’s opening 4').catch(async (err: Error) => {
      throw new Error(`${err.message}:\n${await ledger.innerText()}`);
    });
  }

  test('an address that is no page says so and leads to the dashboard; a lot that does not exist shows the API’s message', async () => {
    const w = await logInAt('/no/such/page');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Page not found', exact: true }).waitFor();
    await checkPage(w, 'not-found');
    await main.getByRole('link', { name: 'dashboard', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/', '/');
    await w.expecting(status(404), async () => {
      await page.goto('/lots/999999');
      const alert = main.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /999999/);
    });
    await checkPage(w, 'lot-not-found');
  });

  test('Log out ends the session: the app returns to /login, and / leads there again', async () => {
    const w = await logInAt('/');
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).waitFor();
    await settled(page);
    await w.expecting(status(401), async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out', exact: true }).click();
      await arrive(page, (u) => u.pathname === '/login', '/login');
      await page.goto('/');
      await arrive(page, (u) => u.pathname === '/login', '/login');
      await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    });
    const me = await page.request.get('/api/auth/me');
    assert.equal(me.status(), 401, 'the session is over on the server too');
    await checkPage(w, 'logged-out');
  });

  test('the main navigation holds one line at 1280 pixels, its groups open as menus (Escape and a click elsewhere close them); at 1024 and on a phone it folds behind Menu', async () => {
    const w = await adminAt('/');
    const { page } = w;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await page.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).waitFor();
    await settled(page);
    const menu = nav.getByRole('button', { name: 'Menu', exact: true });
    const purchasing = nav.getByRole('button', { name: 'Purchasing', exact: true });
    const more = nav.getByRole('button', { name: 'More', exact: true });
    /** How many lines the bar's visible parts sit on: one when every one's middle is within 8 pixels of the first's. */
    const lines = async () =>
      nav.evaluate((n) => {
        const parts = [...n.querySelectorAll(':scope > *, :scope > ul > li')].filter((e) => (e as HTMLElement).offsetParent !== null);
        const middles = parts.map((e) => e.getBoundingClientRect()).map((r) => r.top + r.height / 2);
        return 1 + middles.filter((m) => Math.abs(m - middles[0]!) > 8).length;
      });
    /** Whether the bar (or anything in it) reaches past the window's right edge. */
    const overflows = () =>
      nav.evaluate((n) => {
        const right = document.documentElement.clientWidth;
        return n.scrollWidth > n.clientWidth || [...n.querySelectorAll('*')].some((e) => e.getBoundingClientRect().right > right + 0.5);
      });

    // 1280: every link and group in one line, no Menu button, nothing past the edge.
    assert.equal(await overflows(), false, 'the bar fits 1280 pixels');
    assert.equal(await lines(), 1, 'the bar holds one line at 1280 pixels');
    assert.equal(await menu.isVisible(), false);
    assert.deepEqual(
      await nav.getByRole('link').allInnerTexts(),
      ['Dashboard', 'Items', 'Stock value', 'Suppliers', 'Subprocesses', 'Processes', 'Lots'],
      'the links outside the groups, the groups closed',
    );
    await checkPage(w, 'nav-1280');
    await purchasing.click();
    assert.equal(await purchasing.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await nav.getByRole('list', { name: 'Purchasing' }).getByRole('link').allInnerTexts(), ['Orders', 'Receipts', 'Suggestions']);
    await checkPage(w, 'nav-1280-purchasing');
    await page.keyboard.press('Escape');
    assert.equal(await nav.getByRole('list', { name: 'Purchasing' }).isVisible(), false, 'Escape closes it');
    assert.equal(await purchasing.evaluate((b) => b === document.activeElement), true, 'and leaves focus on its button');
    await more.click();
    assert.deepEqual(await nav.getByRole('list', { name: 'More' }).getByRole('link').allInnerTexts(), ['Imports', 'Users', 'Settings', 'Schema health']);
    await page.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).click();
    assert.equal(await nav.getByRole('list', { name: 'More' }).isVisible(), false, 'a click elsewhere closes it');
    await purchasing.click();
    await nav.getByRole('link', { name: 'Orders', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/purchase-orders', '/purchase-orders');
    await page.getByRole('heading', { level: 1, name: 'Purchase orders', exact: true }).waitFor();
    assert.equal(await nav.getByRole('list', { name: 'Purchasing' }).isVisible(), false, 'arriving closes the menu');
    assert.match((await purchasing.getAttribute('class')) ?? '', /\bcurrent\b/, 'the group of the page is marked');

    // 1024: folded behind Menu, the bar one line; opened, the links as a list, groups inside it.
    await page.setViewportSize({ width: 1024, height: 768 });
    await settled(page);
    assert.equal(await menu.isVisible(), true);
    assert.equal(await nav.getByRole('link', { name: 'Dashboard', exact: true }).isVisible(), false, 'the links folded');
    assert.equal(await lines(), 1, 'the folded bar holds one line at 1024 pixels');
    assert.equal(await overflows(), false, 'the bar fits 1024 pixels');
    await checkPage(w, 'nav-1024');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Dashboard', exact: true }).waitFor();
    await more.click();
    await checkPage(w, 'nav-1024-open');
    await nav.getByRole('link', { name: 'Users', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/users', '/users');
    await page.getByRole('heading', { level: 1, name: 'Users', exact: true }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Dashboard', exact: true }).isVisible(), false, 'arriving folds it again');

    // A phone: the same, the bar no wider than the screen, open or not.
    await page.setViewportSize({ width: 375, height: 740 });
    await settled(page);
    assert.equal(await overflows(), false, 'the bar fits a phone');
    await menu.click();
    await purchasing.click();
    await nav.getByRole('link', { name: 'Suggestions', exact: true }).waitFor();
    assert.equal(await overflows(), false, 'and so does the open menu');
    await checkPage(w, 'nav-phone-open');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assert.equal(await nav.getByRole('link', { name: 'Dashboard', exact: true }).isVisible(), false, 'Escape folds it');
    assert.equal(await menu.evaluate((b) => b === document.activeElement), true, 'focus back on Menu');
  });
});
