// Every page of the app (every route of web/src/main.tsx, with ids of the data as it is when
// this area runs), opened at a small laptop's 1024×768 and a tablet's 768×1024: each loads
// with no console error, failed request or serious axe violation, and the page body does not
// scroll sideways (a wide table scrolls inside its box). And what each role is shown: a
// viewer no control that changes anything, on any page; an operator none of what an
// operator may not do (the catalog, processes, planning lots, purchasing orders, imports, users).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page, Route as Intercepted } from 'playwright-core';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, settled, webArea } from '../harness.ts';
import type { WebSuite } from '../harness.ts';
import { pageAsRole } from '../roles.ts';

/** A route of the app with real ids, and what it is called in screenshots. */
interface Route {
  name: string;
  path: string;
}

/** Ids of the data as it is now: a lot of each kind the app shows differently, an order, a receipt, an import. */
async function routes(page: Page): Promise<Route[]> {
  const { items } = await apiGet<{ items: { itemId: number }[] }>(page, '/api/items?limit=1');
  const { suppliers } = await apiGet<{ suppliers: { supplierId: number }[] }>(page, '/api/suppliers?limit=1');
  const { processes } = await apiGet<{ processes: { processId: number }[] }>(page, '/api/processes?limit=1');
  const { lots } = await apiGet<{ lots: { lotId: number }[] }>(page, '/api/lots?limit=1');
  const { purchaseOrders } = await apiGet<{ purchaseOrders: { purchaseOrderId: number }[] }>(page, '/api/purchase-orders?limit=1');
  const { receipts } = await apiGet<{ receipts: { receiptId: number }[] }>(page, '/api/goods-receipts?limit=1');
  let { jobs } = await apiGet<{ jobs: { id: number }[] }>(page, '/api/imports?limit=1');
  if (jobs.length === 0) {
    // The demo has no import: one waiting to be previewed, made as the page's user would.
    const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
    const res = await page.request.post('/api/imports?kind=suppliers&fileName=every-page.csv', {
      data: 'Firm Name,Address\nEvery Page Traders,1 Test Road\n',
      headers: { 'content-type': 'text/csv', 'x-csrf-token': me.csrfToken },
    });
    assert.equal(res.status(), 201, `an import to show: ${await res.text()}`);
    jobs = [(await res.json()) as { id: number }];
  }
  const [item, supplier, processRow, lot, order, receipt, job] = [items[0], suppliers[0], processes[0], lots[0], purchaseOrders[0], receipts[0], jobs[0]];
  assert.ok(item && supplier && processRow && lot && order && receipt && job, 'the demo data has one of each');
  return [
    { name: 'dashboard', path: '/' },
    { name: 'items', path: '/items' },
    { name: 'item', path: `/items/${item.itemId}` },
    { name: 'suppliers', path: '/suppliers' },
    { name: 'supplier', path: `/suppliers/${supplier.supplierId}` },
    { name: 'subprocesses', path: '/subprocesses' },
    { name: 'processes', path: '/processes' },
    { name: 'process', path: `/processes/${processRow.processId}` },
    { name: 'lots', path: '/lots' },
    { name: 'lot-new', path: '/lots/new' },
    { name: 'lot', path: `/lots/${lot.lotId}` },
    { name: 'purchase-orders', path: '/purchase-orders' },
    { name: 'purchase-order-new', path: '/purchase-orders/new' },
    { name: 'purchase-order', path: `/purchase-orders/${order.purchaseOrderId}` },
    { name: 'purchase-order-receive', path: `/purchase-orders/${order.purchaseOrderId}/receive` },
    { name: 'purchase-order-print', path: `/purchase-orders/${order.purchaseOrderId}/print` },
    { name: 'goods-receipts', path: '/goods-receipts' },
    { name: 'goods-receipt-new', path: '/goods-receipts/new' },
    { name: 'goods-receipt', path: `/goods-receipts/${receipt.receiptId}` },
    { name: 'stock-value', path: '/stock/value' },
    { name: 'suggestions', path: '/purchasing/suggestions' },
    { name: 'imports', path: '/imports' },
    { name: 'import', path: `/imports/${job.id}` },
    { name: 'users', path: '/users' },
    { name: 'schema', path: '/schema' },
    { name: 'not-found', path: '/no-such-page' },
  ];
}

/** Opens `path` in the page (already in the app) and waits for its heading and data. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await settled(page);
}

/**
 * Whether the page body scrolls sideways; if it does, the outermost elements that reach past
 * the window's right edge (tag, class and the start of their text), to say what to fix.
 */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const past = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    // Inside a box that scrolls or clips (a wide table's), an element past the edge is the box's to show.
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => past(el) && !clipped(el) && !(el.parentElement && el.parentElement !== document.body && past(el.parentElement)))
      .slice(0, 5)
      .map(name);
    return culprits.length > 0
      ? culprits
      : [`${document.documentElement.scrollWidth} px wide: ${[...document.querySelectorAll('body *')].filter(past).slice(0, 3).map(name).join(', ')}`];
  });

/**
 * The names of the controls on the page that would change something: buttons and links whose
 * name starts with a verb of writing. Read-only controls (Search, Show, Next page, Print…)
 * are not among them.
 */
const WRITE =
  /^(new|add|edit|delete|remove|restore|record|save|create|copy|duplicate|upload|import|start|cancel|complete|fail|mark|plan|receive|reverse|send|close|deactivate|reactivate|activate|archive|order|make|set|change|choose|retire|reset|approve|apply)\b/i;
async function writeControls(page: Page): Promise<string[]> {
  const main = page.getByRole('main');
  const names: string[] = [];
  for (const role of ['button', 'link'] as const) {
    for (const el of await main.getByRole(role).all()) {
      const name = ((await el.getAttribute('aria-label')) ?? (await el.innerText())).trim();
      if (WRITE.test(name) && (await el.isEnabled())) names.push(`${role} "${name}"`);
    }
  }
  // A field to fill is a write too; a search box, a box to tick, or a field that only changes what is shown (marked
  // data-view-only: a filter's day, an as-of day, the process editor's run size) is not, nor a field shown read-only (disabled).
  const fields = await main
    .locator('input:not([type=search]):not([type=checkbox]):not([type=radio]):not([type=hidden]):not([data-view-only]):enabled, textarea:enabled')
    .count();
  if (fields > 0) names.push(`${fields} field(s) to fill`);
  return names;
}

/** What an operator may do (src/app/access/roles.ts): run lots, record stock, receive goods (and add a charge that came later to a receipt). */
const OPERATOR_MAY = /^(button|link) "(record|start|complete|fail|receive|reverse|new receipt|add a charge)\b/i;
/** The pages that are wholly an operator's to fill (receiving goods): every control on them is the operator's. */
const OPERATOR_PAGES = new Set(['goods-receipt-new', 'purchase-order-receive']);

/**
 * Every page as a user of `role` (users and the schema's health say they are the admin's,
 * asking the API nothing): the write controls each shows that `allowed` does not let through,
 * as "path: control".
 */
async function controlsShownTo(s: WebSuite, role: string, allowed: (r: Route, control: string) => boolean): Promise<string[]> {
  const w = await pageAsRole(s, role, '/');
  const found: string[] = [];
  for (const r of await routes(w.page)) {
    await visit(w.page, r.path);
    for (const c of await writeControls(w.page)) if (!allowed(r, c)) found.push(`${r.path}: ${c}`);
  }
  w.assertNoProblems();
  return found;
}

async function everyPageFits(s: WebSuite, viewport: { width: number; height: number }, label: string) {
  const w = await s.adminAt('/', viewport);
  const all = await routes(w.page);
  const wide: string[] = [];
  for (const r of all) {
    await visit(w.page, r.path);
    await s.checkPage(w, `every-page-${r.name}-${label}`);
    const past = await overflowing(w.page);
    if (past.length > 0) wide.push(`${r.path}: ${past.join(', ')}`);
  }
  assert.deepEqual(wide, [], `pages wider than ${viewport.width} px`);
}

webArea('every page', (suite) => {
  test('every page loads at 1024×768 with no problem and no sideways scroll', async () => {
    await everyPageFits(suite, { width: 1024, height: 768 }, '1024');
  });

  test('every page loads at 768×1024 with no problem and no sideways scroll', async () => {
    await everyPageFits(suite, TABLET, '768');
  });

  test('a viewer is shown no control that changes anything, on any page', async () => {
    assert.deepEqual(await controlsShownTo(suite, 'viewer', () => false), []);
  });

  test('an operator is shown only what an operator may do: run lots, record stock, receive goods', async () => {
    // The pages that are an operator's to fill (a stock movement, a receipt) have fields; the check is of the buttons and links.
    const allowed = (r: Route, control: string) => OPERATOR_PAGES.has(r.name) || OPERATOR_MAY.test(control) || control.endsWith('to fill');
    assert.deepEqual(await controlsShownTo(suite, 'operator', allowed), []);
  });
});

webArea('the dashboard leads to its lists', (suite) => {
  test('the dashboard’s tables fit their cards at 1024 and 1280 px, and its bars and names lead to the lists they summarise', async () => {
    const w = await suite.adminAt('/', { width: 1024, height: 768 });
    const { page } = w;
    // An import with a long name and no place to break it, as exports from other systems are named: the recent imports must still fit.
    const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
    const long = 'SupplierRatesExportedFromTheOldAccountingSystem_2026_12_06_final_v2.csv';
    const made = await page.request.post(`/api/imports?kind=suppliers&fileName=${long}`, {
      data: 'Firm Name,Address\nDashboard Traders,1 Test Road\n',
      headers: { 'content-type': 'text/csv', 'x-csrf-token': me.csrfToken },
    });
    assert.equal(made.status(), 201, await made.text());
    const job = (await made.json()) as { id: number };
    const main = page.getByRole('main');
    for (const width of [1024, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await visit(page, '/');
      await main.getByRole('link', { name: long, exact: true }).waitFor();
      const wider = await page.evaluate(() =>
        [...document.querySelectorAll('section.panel')]
          .filter((panel) => panel.scrollWidth > panel.clientWidth)
          .map((panel) => `${panel.querySelector('h2')?.textContent}: ${panel.scrollWidth} > ${panel.clientWidth}`),
      );
      assert.deepEqual(wider, [], `at ${width} px every table fits its card`);
    }
    await suite.checkPage(w, 'dashboard-1280');

    // An import's name leads to it; its status to the imports of that status.
    await main.getByRole('link', { name: long, exact: true }).click();
    await page.waitForURL(`**/imports/${job.id}`);
    await visit(page, '/');
    const lots = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Lots by status' }) });
    // Each bar of Lots by status leads to the lots of its status, created in the same twelve months.
    const bar = lots.getByRole('link').first();
    const barName = await bar.innerText();
    const counted = Number(
      await lots
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: barName, exact: true }) })
        .getByRole('cell')
        .innerText(),
    );
    await bar.click();
    await page.waitForURL(/\/lots\?/);
    const asked = new URL(page.url()).searchParams;
    assert.ok(asked.get('status') && asked.get('from') && asked.get('to'), `the lots of one status, in a span of days: ${page.url()}`);
    await settled(page);
    const listed = await apiGet<{ total: number }>(page, `/api/lots?status=${asked.get('status')}&from=${asked.get('from')}&to=${asked.get('to')}`);
    assert.equal(listed.total, counted, `the ${barName} bar (${counted}) leads to its ${counted} lots`);
    await main.getByRole('heading', { level: 1, name: 'Lots' }).waitFor();
    w.assertNoProblems();
  });
});

webArea('no placeholder before names load', (suite) => {
  test('a supplier’s rates show no made-up name while their variants’ names load, then the names', async () => {
    const w = await suite.adminAt('/suppliers');
    const { page } = w;
    const { suppliers } = await apiGet<{ suppliers: { supplierId: number }[] }>(page, '/api/suppliers?limit=1');
    // The variants' names are held back until the page has been read without them.
    const held: Intercepted[] = [];
    let holding = true;
    await page.route(/\/api\/variants\/\d+$/, (route) => {
      if (holding) held.push(route);
      else void route.continue();
    });
    await page.goto(`/suppliers/${suppliers[0]!.supplierId}`);
    const rates = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Rates', exact: true }) });
    await rates.getByRole('table').waitFor();
    await waitFor(async () => held.length > 0, 'the page to ask for the variants’ names');
    assert.doesNotMatch(await rates.innerText(), /Variant \d+/, 'no name made of an id while the names load');
    holding = false;
    for (const r of held.splice(0)) await r.continue();
    await rates.getByRole('table').getByRole('link').first().waitFor();
    assert.doesNotMatch(await rates.innerText(), /Variant \d+/);
    await settled(page);
    w.assertNoProblems();
  });
});
