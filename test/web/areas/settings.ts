// The installation's settings in a real browser: with DD/MM/YYYY and INR (the demo's) an order's
// day shows as 05/11/2026 and its money with ₹; an admin switches to USD and MM/DD/YYYY on the
// Settings page and every page shows $ and 11/05/2026; a day typed in a date field is read in
// the format (01/03/2026 is 1 March) and one that does not exist is said so. The settings are
// put back as they were at the end, for the areas after this one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TABLET, apiGet, apiSend, arrive, section, settled, webArea } from '../harness.ts';

interface Settings {
  currency: string;
  dateFormat: string;
}

webArea('the settings (currency and date format) in a real browser', ({ adminAt, checkPage }) => {
  test('days and money follow the settings on every page; an admin changes them on the Settings page; a date field reads the format', async () => {
    const w = await adminAt('/settings');
    const { page } = w;
    const main = page.getByRole('main');
    const before = await apiGet<Settings>(page, '/api/settings');
    assert.deepEqual([before.currency, before.dateFormat], ['INR', 'DD/MM/YYYY'], 'the demo has the defaults');
    try {
      await main.getByRole('heading', { level: 1, name: 'Settings', exact: true }).waitFor();
      assert.equal(await main.getByLabel('Currency', { exact: true }).inputValue(), 'INR');
      assert.equal(await main.getByLabel('Date format', { exact: true }).inputValue(), 'DD/MM/YYYY');
      await main.getByText('Shown as ₹1,234.50.').waitFor();
      await checkPage(w, 'settings');

      // An order of 5 November 2026, with a price of 1234.50, in the installation's currency (none named).
      const { suppliers } = await apiGet<{ suppliers: { supplierId: number }[] }>(page, '/api/suppliers?limit=1');
      const rates = await apiGet<{ variantId: number }[]>(page, `/api/suppliers/${suppliers[0]!.supplierId}/rates`);
      const newOrder = () =>
        apiSend<{ purchaseOrderId: number; poNumber: string; currency: string }>(page, 'POST', '/api/purchase-orders', {
          supplierId: suppliers[0]!.supplierId,
          orderDate: '2026-11-05',
          lines: [{ variantId: rates[0]!.variantId, quantity: '1', unitPrice: '1234.50' }],
        });
      const inRupees = await newOrder();
      assert.equal(inRupees.currency, 'INR');
      const fact = (term: string) => main.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
      const orderShows = async (order: { purchaseOrderId: number; poNumber: string }, day: string, money: string) => {
        await page.goto(`/purchase-orders/${order.purchaseOrderId}`);
        await main.getByRole('heading', { level: 1, name: `Purchase order ${order.poNumber}` }).waitFor();
        await settled(page);
        assert.equal((await fact('Order date').innerText()).trim(), day);
        assert.ok((await main.innerText()).includes(money), `the order shows ${money}:\n${await main.innerText()}`);
        await page.goto('/purchase-orders');
        await settled(page);
        const row = main.getByRole('row', { name: new RegExp(order.poNumber) });
        assert.ok((await row.innerText()).includes(day), `the list shows the order's day as ${day}: ${await row.innerText()}`);
      };
      await orderShows(inRupees, '05/11/2026', '₹1,234.50');

      // A date field reads the format: 01/03/2026 is 1 March; a day that does not exist is said so, and ISO is read too.
      await page.goto('/lots');
      await settled(page);
      const from = main.getByLabel('Created from', { exact: true });
      assert.equal(await from.getAttribute('placeholder'), 'DD/MM/YYYY');
      await from.fill('01/03/2026');
      await arrive(page, (u) => u.searchParams.get('from') === '2026-03-01', '?from=2026-03-01');
      await from.fill('30/02/2026');
      await main.getByRole('alert').filter({ hasText: '30 February does not exist: February has 28 days' }).waitFor();
      assert.equal(await from.getAttribute('aria-invalid'), 'true');
      assert.equal(new URL(page.url()).searchParams.get('from'), '2026-03-01', 'a day that does not exist filters nothing');
      await from.fill('2026-04-02');
      await arrive(page, (u) => u.searchParams.get('from') === '2026-04-02', '?from=2026-04-02');
      assert.equal(await main.getByRole('alert').count(), 0);
      await checkPage(w, 'lots-day-filter');

      // The admin switches to USD and MM/DD/YYYY: every page shows $ and 11/05/2026.
      await page.goto('/settings');
      await settled(page);
      await main.getByLabel('Currency', { exact: true }).selectOption('USD');
      await main.getByLabel('Date format', { exact: true }).selectOption('MM/DD/YYYY');
      await main.getByText('Shown as $1,234.50.').waitFor();
      await main.getByRole('button', { name: 'Save settings', exact: true }).click();
      await main.getByRole('status').filter({ hasText: 'Saved: money is shown in USD, days as MM/DD/YYYY.' }).waitFor();
      assert.deepEqual(await apiGet<Settings>(page, '/api/settings').then((s) => [s.currency, s.dateFormat]), ['USD', 'MM/DD/YYYY']);
      // Days follow the setting whatever the order; an order stays in its own currency, a new one is in dollars.
      await orderShows(inRupees, '11/05/2026', '₹1,234.50');
      const inDollars = await newOrder();
      assert.equal(inDollars.currency, 'USD');
      await orderShows(inDollars, '11/05/2026', '$1,234.50');
      await page.goto('/');
      await settled(page);
      assert.match(await section(page, 'Stock value').innerText(), /\$[\d,]+\.\d\d/, 'the dashboard’s stock value in dollars');
      await page.goto('/stock/value');
      await settled(page);
      assert.match(await main.getByTestId('stock-value-total').innerText(), /^−?\$[\d,]+\.\d\d$/);
      assert.match(await main.getByLabel('As of the end of').inputValue(), /^\d{2}\/\d{2}\/\d{4}$/, 'the day field in MM/DD/YYYY');
      await page.goto('/lots');
      await settled(page);
      await from.fill('01/03/2026');
      await arrive(page, (u) => u.searchParams.get('from') === '2026-01-03', 'under MM/DD/YYYY 01/03/2026 is 3 January');
      await page.goto('/settings');
      await checkPage(w, 'settings-usd');
    } finally {
      await apiSend(page, 'PUT', '/api/settings', { currency: before.currency, dateFormat: before.dateFormat });
    }
  });

  test('the Settings page at tablet width and 1024 px', async () => {
    for (const [viewport, name] of [
      [TABLET, 'settings-tablet'],
      [{ width: 1024, height: 768 }, 'settings-1024'],
    ] as const) {
      const w = await adminAt('/settings', viewport);
      await w.page.getByRole('main').getByRole('heading', { level: 1, name: 'Settings', exact: true }).waitFor();
      await checkPage(w, name);
    }
  });
});
