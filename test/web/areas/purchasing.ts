// Purchasing in a real browser, as a buyer and the store use it: an order made with two lines
// (one below the supplier's minimum order, one with a price of its own that an invalid
// quantity first has refused next to its field), changed, sent, received in part (the order
// then partially received, the line's open quantity less), received in full after an
// over-receipt refused with the API's message next to its line and then given a reason, a
// receipt reversed with a reason, and the order printed without the app's navigation. An
// operator receives against an order but is offered no way to place or move one. Goods
// received without an order get a receipt of their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { findVariant } from '../finder.ts';
import { waitFor } from '../../helpers/wait.ts';
import { formatQuantity } from '../../../web/src/format.ts';
import { TABLET, apiGet, arrive, figures, section, settled, shownDay, status, webArea } from '../harness.ts';
import { pageAsRole } from '../roles.ts';

interface Rate {
  supplierId: number;
  variantId: number;
  costPerUnit: string;
  minimumOrderQuantity: string;
}
interface Variant {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  stock: string;
}
interface OrderShape {
  purchaseOrderId: number;
  poNumber: string;
  status: string;
  total: string;
  lines: { lineId: number; variantId: number; quantity: string; unitPrice: string; receivedQuantity: string; openQuantity: string; total: string }[];
}
interface ReceiptShape {
  receiptId: number;
  receiptNumber: string;
  reversesReceiptId: number | null;
  reversedByReceiptId: number | null;
  lines: { quantity: string; overReceiptReason: string | null }[];
}

/** An unsafe API call with the page's session and its CSRF token; the JSON answer. */
async function apiSend<T>(page: Page, method: 'POST', path: string, data: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
  const res = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': me.csrfToken } });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A demo supplier and two variants in pieces it sells at a rate in effect today. */
async function supplierWithTwoRates(page: Page): Promise<{ supplierId: number; firm: string; variants: [Variant, Rate][] }> {
  const { suppliers } = await apiGet<{ suppliers: { supplierId: number; firmName: string }[] }>(page, '/api/suppliers?search=Ankur');
  const supplier = suppliers[0]!;
  const rates = await apiGet<(Rate & { isActive: boolean })[]>(page, `/api/suppliers/${supplier.supplierId}/rates`);
  const found: [Variant, Rate][] = [];
  for (const r of rates.filter((x) => x.isActive)) {
    if (found.some(([v]) => v.variantId === r.variantId)) continue;
    const v = await apiGet<Variant>(page, `/api/variants/${r.variantId}`);
    if (v.unit !== 'pcs' || found.some(([f]) => f.item === v.item)) continue;
    // The rate in effect today, as the API chooses it for an order line without a price.
    const c = await apiGet<{ rates: Rate[] }>(page, `/api/variants/${r.variantId}/supplier-comparison`);
    const today = c.rates.find((x) => x.supplierId === supplier.supplierId);
    if (today) found.push([v, today]);
    if (found.length === 2) return { supplierId: supplier.supplierId, firm: supplier.firmName, variants: found };
  }
  throw new Error('the demo has no two variants in pcs of different items that Ankur Frame Works sells today');
}

const label = (v: Variant) => `${v.item} — ${v.color} / ${v.size}`;

/** Finds `v` in a variant picker inside `scope` (by its item's name) and chooses it. */
async function pickVariant(scope: Locator, v: Variant): Promise<void> {
  await findVariant(scope, `${v.item} ${v.color}`, label(v));
}

/** Waits for an alert inside `scope` saying `words`; on a timeout, says what the alerts of the page do say. */
async function alertIn(scope: Locator, words: string): Promise<string> {
  const alerts = scope.getByRole('alert');
  const shown = async () => (await alerts.allInnerTexts()).find((t) => t.includes(words));
  await waitFor(async () => (await shown()) !== undefined, `an alert saying "${words}"`).catch(async (err: Error) => {
    throw new Error(`${err.message}; the page's alerts say: ${(await scope.page().getByRole('alert').allInnerTexts()).join(' | ')}`);
  });
  return (await shown()) as string;
}

/** "12.3456" rounded to cents as the page shows money, without separators. */
const cents = (decimal: string) => (Math.round(Number(decimal) * 100) / 100).toFixed(2);

/** Waits until the order's status, as its page shows it, says `words`. */
async function orderShows(page: Page, words: string): Promise<void> {
  const facts = page.getByRole('main').locator('dl').first();
  await waitFor(async () => (await facts.innerText()).includes(words), `the order to show the status ${words}`).catch(async (err: Error) => {
    throw new Error(`${err.message}:\n${await page.getByRole('main').innerText()}`);
  });
}

webArea('purchasing in a real browser', (suite) => {
  const { adminAt, checkPage } = suite;

  test('an order of two lines is made, sent, received in part, received in full past an over-receipt refused then explained, a receipt reversed, and the order printed', async () => {
    const w = await adminAt('/purchase-orders');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Purchase orders', exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Purchasing', exact: true }).click();
    const purchasing = nav.getByRole('list', { name: 'Purchasing' });
    assert.deepEqual(await purchasing.getByRole('link').allInnerTexts(), ['Orders', 'Receipts', 'Suggestions'], 'the Purchasing group of the navigation');
    await page.keyboard.press('Escape');
    await settled(page);
    // The status filter offers the API's statuses, by their labels.
    const statuses = await apiGet<{ name: string; label: string }[]>(page, '/api/purchase-orders/statuses');
    assert.deepEqual(
      (await main.getByLabel('Status', { exact: true }).locator('option').allTextContents()).slice(1),
      statuses.map((s) => s.label),
    );
    await checkPage(w, 'purchase-orders');

    const { supplierId, firm, variants } = await supplierWithTwoRates(page);
    const [[first, firstRate], [second]] = variants as [[Variant, Rate], [Variant, Rate]];
    await main.getByRole('link', { name: 'New order', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/purchase-orders/new', '/purchase-orders/new');
    await main.getByRole('heading', { level: 1, name: 'New purchase order', exact: true }).waitFor();

    // Without a supplier the form says so next to the field, before asking the API.
    await main.getByRole('button', { name: 'Create draft order', exact: true }).click();
    await alertIn(main, 'Supplier: choose the supplier');
    assert.equal(await main.getByLabel('Supplier', { exact: true }).getAttribute('aria-invalid'), 'true');
    await main.getByLabel('Supplier', { exact: true }).selectOption({ label: firm });
    await main.getByLabel('Expected on (optional)', { exact: true }).fill('2099-01-31');

    // Line 1: below the supplier's minimum order, at the supplier's rate (no price given).
    const below = String(Number(firstRate.minimumOrderQuantity) - 30);
    const line1 = main.getByRole('group', { name: 'Line 1', exact: true });
    await pickVariant(line1, first);
    await line1.getByLabel('Quantity', { exact: true }).fill(below);
    // Line 2: a price of its own and tax; its quantity is refused first, next to the field.
    await main.getByRole('button', { name: 'Add line', exact: true }).click();
    const line2 = main.getByRole('group', { name: 'Line 2', exact: true });
    await pickVariant(line2, second);
    await line2.getByLabel('Quantity', { exact: true }).fill('sixty');
    await line2.getByLabel('Unit price', { exact: true }).fill('12.3456');
    await line2.getByLabel('Tax %', { exact: true }).fill('18');
    await w.expecting(status(400), async () => {
      await main.getByRole('button', { name: 'Create draft order', exact: true }).click();
      await alertIn(line2, 'Quantity: write a number of 0 or more with up to 3 decimals');
    });
    assert.equal(await line2.getByLabel('Quantity', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await line1.getByRole('alert').count(), 0, 'the first line is not blamed');
    await checkPage(w, 'purchase-order-new');
    await line2.getByLabel('Quantity', { exact: true }).fill('60');
    await main.getByRole('button', { name: 'Create draft order', exact: true }).click();
    await arrive(page, (u) => /^\/purchase-orders\/\d+$/.test(u.pathname), 'the new order’s page');
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    let po = await apiGet<OrderShape>(page, `/api/purchase-orders/${id}`);
    await main.getByRole('heading', { level: 1, name: `Purchase order ${po.poNumber}`, exact: true }).waitFor();
    await main
      .getByRole('status')
      .filter({ hasText: `Purchase order ${po.poNumber} made, a draft.` })
      .waitFor();
    await orderShows(page, 'Draft');
    assert.equal(po.lines[0]!.unitPrice, firmRate(firstRate), 'a line without a price takes the supplier’s rate in effect');
    assert.equal(po.lines[1]!.unitPrice, '12.3456');
    // The API's warning: the first line is below the minimum order quantity.
    const warnings = main.getByRole('list', { name: 'Warnings' });
    assert.match(await warnings.innerText(), new RegExp(`line 1 .*below ${firm}'s minimum order quantity`));
    // The totals, exact from the API, shown rounded to cents.
    const lines = section(page, 'Lines');
    assert.ok((await figures(lines.locator('dl.totals'))).includes(cents(po.total)), `the order's total ${po.total} shows as ${cents(po.total)}`);
    await checkPage(w, 'purchase-order-draft');

    // A draft's line is changed in place.
    await lines.getByRole('button', { name: 'Change line 1', exact: true }).click();
    await lines.getByLabel('Quantity of line 1', { exact: true }).fill('24');
    await lines.getByRole('button', { name: 'Save', exact: true }).click();
    await main.getByRole('status').filter({ hasText: 'Line 1 changed.' }).waitFor();
    po = await apiGet<OrderShape>(page, `/api/purchase-orders/${id}`);
    assert.equal(po.lines[0]!.quantity, '24.000');

    // Sent: its lines no longer change.
    await section(page, 'Status').getByRole('button', { name: 'Mark sent', exact: true }).click();
    await orderShows(page, 'Sent');
    assert.equal(await lines.getByRole('button', { name: /^Change line/ }).count(), 0, 'a sent order’s lines are fixed');

    // Its expected day still changes: a day before the order's is refused next to the field.
    const details = section(page, 'Expected day and notes');
    await details.getByRole('button', { name: 'Change expected day or notes', exact: true }).click();
    await details.getByLabel('Expected on', { exact: true }).fill('2020-01-01');
    await w.expecting(status(400), async () => {
      await details.getByRole('button', { name: 'Save', exact: true }).click();
      await alertIn(details, 'Expected on: write a day as YYYY-MM-DD, on or after the order');
    });
    await details.getByLabel('Expected on', { exact: true }).fill('2099-01-31');
    await details.getByLabel('Notes', { exact: true }).fill('Deliver to the back gate.');
    await details.getByRole('button', { name: 'Save', exact: true }).click();
    await main.getByRole('status').filter({ hasText: 'Expected day and notes saved.' }).waitFor();
    await main.getByText('Notes: Deliver to the back gate.').waitFor();

    // Received in part: 10 of line 1's 24, nothing of line 2.
    await main.getByRole('link', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${id}/receive`, 'the receive page');
    await main.getByRole('heading', { level: 1, name: `Receive goods against ${po.poNumber}` }).waitFor();
    const q1 = main.getByLabel(`Quantity received of ${label(first)}`, { exact: true });
    const q2 = main.getByLabel(`Quantity received of ${label(second)}`, { exact: true });
    assert.equal(await q1.inputValue(), '24', 'a line starts with what is open on it');
    assert.equal(await main.getByLabel(`Unit cost of ${label(second)}`, { exact: true }).inputValue(), '12.3456', 'at the line’s price');
    await checkPage(w, 'purchase-order-receive');
    await q1.fill('10');
    await q2.fill('');
    await main.getByLabel('Bill number (optional)', { exact: true }).fill('BILL-7781');
    await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${id}`, 'back at the order');
    await main
      .getByRole('status')
      .filter({ hasText: /Goods received: receipt GR-/ })
      .waitFor();
    await orderShows(page, 'Partially received');
    po = await apiGet<OrderShape>(page, `/api/purchase-orders/${id}`);
    assert.deepEqual(
      po.lines.map((l) => [l.receivedQuantity, l.openQuantity]),
      [
        ['10.000', '14.000'],
        ['0.000', '60.000'],
      ],
    );
    const row1 = lines.getByRole('row').filter({ hasText: label(first) });
    assert.match(await row1.innerText(), /24\s+₹[\d.,]+\s+0\s+0\s+10\s+14\b/, 'line 1 shows 10 received and 14 open');
    await section(page, 'Receipts').getByRole('link', { name: /^GR-/ }).waitFor();
    await checkPage(w, 'purchase-order-partly-received');

    // The rest, and one more of line 1 than is open: refused with the API's message next to the line, then explained.
    await main.getByRole('link', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${id}/receive`, 'the receive page');
    await settled(page);
    assert.equal(await q1.inputValue(), '14');
    await q1.fill('15');
    await w.expecting(status(409), async () => {
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/goods-receipts' && r.request().method() === 'POST');
      await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
      const body = (await (await answer).json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'OVER_RECEIPT');
      const row = main.getByRole('row').filter({ hasText: label(first) });
      const alert = row.getByRole('alert');
      await alert.waitFor();
      assert.ok(
        body.error.message.endsWith((await alert.innerText()).replace(/^Line 1:\s*/, '')),
        `the alert next to line 1 shows the API's message: ${body.error.message}`,
      );
      assert.match(await alert.innerText(), /more than the 14 still open on line 1/);
    });
    await checkPage(w, 'purchase-order-over-receipt');
    await main.getByLabel('Why more than is open', { exact: true }).fill('The supplier sent one spare; we keep it.');
    await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${id}`, 'back at the order');
    await orderShows(page, 'Received');
    po = await apiGet<OrderShape>(page, `/api/purchase-orders/${id}`);
    assert.deepEqual(
      po.lines.map((l) => l.receivedQuantity),
      ['25.000', '60.000'],
    );

    // The newest receipt reversed, saying why: the order is partially received again.
    const { receipts } = await apiGet<{ receipts: ReceiptShape[] }>(page, `/api/goods-receipts?purchaseOrderId=${id}`);
    assert.equal(receipts.length, 2);
    const newest = receipts[0]!;
    await section(page, 'Receipts').getByRole('link', { name: newest.receiptNumber, exact: true }).click();
    await arrive(page, (u) => u.pathname === `/goods-receipts/${newest.receiptId}`, 'the receipt’s page');
    await main.getByRole('heading', { level: 1, name: `Goods receipt ${newest.receiptNumber}`, exact: true }).waitFor();
    assert.match(await main.innerText(), /The supplier sent one spare; we keep it\./, 'the over-receipt’s reason is shown with its line');
    await checkPage(w, 'goods-receipt');
    await main.getByRole('button', { name: 'Reverse this receipt…', exact: true }).click();
    // It says what leaves stock, in numbers: every line of the receipt.
    const reversing = await apiGet<{ lines: { item: string; color: string; size: string; quantity: string }[] }>(
      page,
      `/api/goods-receipts/${newest.receiptId}`,
    );
    const asked = await main.getByRole('form', { name: 'Reverse this receipt' }).innerText();
    for (const l of reversing.lines)
      assert.ok(asked.includes(`${formatQuantity(l.quantity)} × ${l.item} · ${l.color} · ${l.size}`), `it names ${l.item}: ${asked}`);
    await main.getByLabel('Reason', { exact: true }).fill('Booked against the wrong bill.');
    await main.getByRole('button', { name: 'Reverse receipt', exact: true }).click();
    await arrive(page, (u) => /^\/goods-receipts\/\d+$/.test(u.pathname) && u.pathname !== `/goods-receipts/${newest.receiptId}`, 'the reversing receipt');
    await main
      .getByRole('status')
      .filter({ hasText: `Receipt ${newest.receiptNumber} reversed by this one.` })
      .waitFor();
    const reversal = await apiGet<ReceiptShape>(page, new URL(page.url()).pathname.replace('/goods-receipts', '/api/goods-receipts'));
    assert.equal(reversal.reversesReceiptId, newest.receiptId);
    assert.ok(
      reversal.lines.every((l) => l.quantity.startsWith('-')),
      'a reversal takes each line back',
    );
    await checkPage(w, 'goods-receipt-reversal');
    await main.getByRole('link', { name: 'an earlier receipt', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/goods-receipts/${newest.receiptId}`, 'the reversed receipt');
    await main.getByRole('link', { name: 'a later receipt', exact: true }).waitFor();
    assert.equal(await main.getByRole('button', { name: 'Reverse this receipt…' }).count(), 0, 'a reversed receipt is not reversed again');
    assert.equal((await apiGet<OrderShape>(page, `/api/purchase-orders/${id}`)).status, 'partially_received');

    // The printable order: the supplier, number, days, lines and totals; printed, no navigation and no button.
    await page.goto(`/purchase-orders/${id}/print`);
    await main.getByRole('heading', { level: 1, name: 'Purchase order', exact: true }).waitFor();
    await settled(page);
    const sheet = main.getByRole('article');
    const sheetText = await sheet.innerText();
    for (const part of [po.poNumber, firm, '31/01/2099', label(first), label(second), 'Authorised signature'])
      assert.ok(sheetText.includes(part), `the printable order shows ${part}:\n${sheetText}`);
    assert.ok((await figures(sheet)).includes(cents(po.total)), `it shows the total ${cents(po.total)}`);
    // a unit price reads as a price, with at least two places: the first line's rate, the second's 12.3456 with its four
    const priceOf = (row: number) => sheet.locator('tbody tr').nth(row).locator('td.num').nth(1);
    assert.equal(await figures(priceOf(0)), cents(firmRate(firstRate)));
    assert.equal(await figures(priceOf(1)), '12.3456');
    // Who ordered it (the admin, who made it on the New order page) and when it was sent, as this browser writes a moment.
    const printed = await apiGet<{ createdByName: string | null; sentAt: string; orderDate: string }>(page, `/api/purchase-orders/${id}`);
    assert.equal(printed.createdByName, suite.server().admin.name);
    const fact = (term: string) => sheet.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
    assert.equal((await fact('Ordered by').innerText()).trim(), suite.server().admin.name);
    // As the settings write a day (DD/MM/YYYY, the demo's) with the time, in this browser's zone.
    const sentShown = await page.evaluate((iso) => {
      const d = new Date(iso);
      const two = (n: number) => String(n).padStart(2, '0');
      return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
    }, printed.sentAt);
    assert.equal((await fact('Sent').innerText()).trim(), sentShown);
    assert.equal((await fact('Order date').innerText()).trim(), shownDay(printed.orderDate));
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed += 1;
      };
    });
    await main.getByRole('button', { name: 'Print', exact: true }).click();
    assert.equal(await page.evaluate(() => (window as unknown as { printed: number }).printed), 1, 'Print opens the browser’s print dialog');
    await checkPage(w, 'purchase-order-print');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await nav.isVisible(), false, 'the navigation is not printed');
    assert.equal(await main.getByRole('button', { name: 'Print', exact: true }).isVisible(), false, 'nor is the button');
    assert.equal(await sheet.isVisible(), true);
    await checkPage(w, 'purchase-order-printed');
    await page.emulateMedia({ media: 'screen' });

    // The list, filtered by status: the order is there, partially received.
    await page.goto('/purchase-orders');
    await main.getByRole('heading', { level: 1, name: 'Purchase orders', exact: true }).waitFor();
    await settled(page);
    await main.getByLabel('Status', { exact: true }).selectOption({ label: 'Partially received' });
    await arrive(page, (u) => u.searchParams.get('status') === 'partially_received', '?status=partially_received');
    const listed = main.getByRole('row').filter({ has: page.getByRole('link', { name: po.poNumber, exact: true }) });
    await listed.waitFor();
    assert.match(await listed.innerText(), /Partially received/);
    assert.ok((await figures(listed)).includes(cents(po.total)), 'the list shows the order’s total rounded to cents');
    await checkPage(w, 'purchase-orders-filtered');

    // At tablet width, the order's page.
    await page.setViewportSize(TABLET);
    await page.goto(`/purchase-orders/${id}`);
    await main.getByRole('heading', { level: 1, name: `Purchase order ${po.poNumber}`, exact: true }).waitFor();
    await checkPage(w, 'purchase-order-tablet');
    void supplierId;
  });

  test('an operator receives against a sent order but is offered no way to place, change or move one', async () => {
    const admin = await adminAt('/purchase-orders');
    const { supplierId, variants } = await supplierWithTwoRates(admin.page);
    const [[v]] = variants as [[Variant, Rate]];
    const made = await apiSend<OrderShape>(admin.page, 'POST', '/api/purchase-orders', { supplierId, lines: [{ variantId: v.variantId, quantity: '75' }] });
    await apiSend(admin.page, 'POST', `/api/purchase-orders/${made.purchaseOrderId}/send`, undefined);
    await admin.page.context().close();

    const w = await pageAsRole(suite, 'operator', '/purchase-orders');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Purchase orders', exact: true }).waitFor();
    await settled(page);
    await main.getByRole('link', { name: made.poNumber, exact: true }).waitFor();
    assert.equal(await main.getByRole('link', { name: 'New order', exact: true }).count(), 0, 'an operator places no order');
    await page.goto('/purchase-orders/new');
    await main.getByText('Your role may not place orders').waitFor();
    assert.equal(await main.getByRole('button', { name: 'Create draft order' }).count(), 0);

    await page.goto(`/purchase-orders/${made.purchaseOrderId}`);
    await main.getByRole('heading', { level: 1, name: `Purchase order ${made.poNumber}`, exact: true }).waitFor();
    await settled(page);
    await orderShows(page, 'Sent');
    assert.equal(await main.getByRole('heading', { level: 2, name: 'Status', exact: true }).count(), 0, 'no move is offered');
    assert.equal(await main.getByRole('button', { name: /^(Mark sent|Cancel order|Close|Change)/ }).count(), 0, 'nor a change to the order');
    await checkPage(w, 'purchase-order-as-operator');
    await main.getByRole('link', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${made.purchaseOrderId}/receive`, 'the receive page');
    await settled(page);
    await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => u.pathname === `/purchase-orders/${made.purchaseOrderId}`, 'back at the order');
    await orderShows(page, 'Received');
    assert.equal(await main.getByRole('link', { name: 'Receive goods', exact: true }).count(), 0, 'a received order takes no more receipts');
    w.assertNoProblems();
  });

  test('goods that came without an order get a receipt of their own, found in the list by its bill', async () => {
    const w = await adminAt('/goods-receipts');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Goods receipts', exact: true }).waitFor();
    await settled(page);
    await checkPage(w, 'goods-receipts');
    const { firm, variants } = await supplierWithTwoRates(page);
    const [[v]] = variants as [[Variant, Rate]];
    const stockBefore = (await apiGet<Variant>(page, `/api/variants/${v.variantId}`)).stock;

    await main.getByRole('link', { name: 'New receipt', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/goods-receipts/new', '/goods-receipts/new');
    await main.getByRole('heading', { level: 1, name: 'New goods receipt', exact: true }).waitFor();
    await settled(page);
    await main.getByLabel('Supplier', { exact: true }).selectOption({ label: firm });
    const bill = `LOOSE-${Date.now()}`;
    await main.getByLabel('Bill number (optional)', { exact: true }).fill(bill);
    const line = main.getByRole('group', { name: 'Line 1', exact: true });
    await pickVariant(line, v);
    await line.getByLabel('Quantity', { exact: true }).fill('5');
    // A cost the API refuses shows its words next to the field.
    await line.getByLabel('Unit cost', { exact: true }).fill('-3');
    await w.expecting(status(400), async () => {
      await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
      await alertIn(line, 'Unit cost: write an amount of 0 or more with up to 4 decimals');
    });
    await line.getByLabel('Unit cost', { exact: true }).fill('7.5');
    await checkPage(w, 'goods-receipt-new');
    await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => /^\/goods-receipts\/\d+$/.test(u.pathname), 'the new receipt’s page');
    await main
      .getByRole('status')
      .filter({ hasText: /Goods received: receipt GR-/ })
      .waitFor();
    assert.match(await main.innerText(), /none \(received on its own\)/);
    const stockAfter = (await apiGet<Variant>(page, `/api/variants/${v.variantId}`)).stock;
    assert.equal(Number(stockAfter) - Number(stockBefore), 5, 'the goods went into stock');

    await page.goto('/goods-receipts');
    await main.getByLabel('Search receipts', { exact: true }).fill(bill);
    await arrive(page, (u) => u.searchParams.get('q') === bill, `?q=${bill}`);
    await waitFor(async () => (await main.getByRole('table').getByRole('row').count()) === 2, 'the search for the bill to list one receipt');
    assert.match(await main.getByRole('table').innerText(), new RegExp(bill));
    w.assertNoProblems();
  });
});

/** A rate's price as an order line holds it (4 decimals). */
function firmRate(r: Rate): string {
  const [whole, fraction = ''] = r.costPerUnit.split('.');
  return `${whole}.${fraction.padEnd(4, '0')}`;
}
