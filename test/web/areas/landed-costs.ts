// Landed costs in a real browser (issue 22, point 2): a receipt with freight shows each line's
// landed unit cost before it is posted (shares by hand that do not add up say how much is not
// spread); the receipt's page lists the charge and each line's landed unit cost; a freight
// bill that came later is added from the receipt's page and raises them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { findVariant } from '../finder.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, apiSend, arrive, figures, settled, webArea } from '../harness.ts';

interface Found {
  variantId: number;
  itemId: number;
  item: string;
  color: string;
  size: string;
}

/** Waits until `scope`'s text, without separators, spaces or currency symbols, holds `words`. */
async function shows(scope: Locator, words: string): Promise<void> {
  await waitFor(async () => (await figures(scope)).includes(words), `"${words}" to show`).catch(async (err: Error) => {
    throw new Error(`${err.message}; it shows: ${await scope.innerText()}`);
  });
}

webArea('landed costs in a real browser', (suite) => {
  const { adminAt, checkPage } = suite;

  test('a receipt with freight shows each line’s landed unit cost before posting; its page lists the charge; a freight bill added later raises them', async () => {
    const w = await adminAt('/goods-receipts/new', { width: 1024, height: 768 });
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'New goods receipt', exact: true }).waitFor();
    await settled(page);
    const firm = `Landed Freight Co ${Date.now()}`;
    await apiSend(page, 'POST', '/api/suppliers', { firmName: firm });
    // two variants of different items, from the demo
    const { variants } = await apiGet<{ variants: Found[] }>(page, '/api/variants?q=a&limit=50');
    const a = variants[0]!;
    const b = variants.find((v) => v.itemId !== a.itemId)!;
    await page.reload();
    await main.getByLabel('Supplier', { exact: true }).selectOption({ label: firm });

    const fillLine = async (n: number, v: Found, quantity: string, cost: string) => {
      const line = main.getByRole('group', { name: `Line ${n}`, exact: true });
      await findVariant(line, `${v.item} ${v.color}`, `${v.item} — ${v.color} / ${v.size}`);
      await line.getByLabel('Quantity', { exact: true }).fill(quantity);
      await line.getByLabel('Unit cost', { exact: true }).fill(cost);
    };
    await fillLine(1, a, '10', '5');
    await main.getByRole('button', { name: 'Add line', exact: true }).click();
    await fillLine(2, b, '30', '2');

    await main.getByRole('button', { name: 'Add a charge', exact: true }).click();
    const charge = main.getByRole('group', { name: 'Charge 1', exact: true });
    await charge.getByLabel('Kind', { exact: true }).selectOption({ label: 'Freight' });
    await charge.getByLabel('Amount', { exact: true }).fill('100');
    // 100 by quantity over 10 + 30: 25 and 75; landed 5 + 2.5 = 7.50 and 2 + 2.5 = 4.50
    const preview = main.getByRole('region', { name: 'Landed unit costs', exact: true });
    await shows(preview.getByRole('row').nth(1), '105.0025.007.50');
    await shows(preview.getByRole('row').nth(2), '302.0075.004.50');
    // by hand: 30 and 60 leave 10 not spread
    await charge.getByLabel('Spread', { exact: true }).selectOption({ label: 'By hand' });
    await charge.getByLabel('Share of line 1', { exact: true }).fill('30');
    await charge.getByLabel('Share of line 2', { exact: true }).fill('60');
    await shows(charge.getByRole('status'), '10.00ofthechargeisnotspreadyet.');
    await charge.getByLabel('Share of line 2', { exact: true }).fill('70');
    // A 5 + 30/10 = 8; B 2 + 70/30 = 4.3333
    await shows(preview.getByRole('row').nth(1), '8.00');
    await shows(preview.getByRole('row').nth(2), '4.3333');
    await charge.getByLabel('Spread', { exact: true }).selectOption({ label: 'By quantity' });
    await shows(preview.getByRole('row').nth(1), '7.50');
    await checkPage(w, 'goods-receipt-new-charges');
    await main.getByRole('button', { name: 'Receive goods', exact: true }).click();
    await arrive(page, (u) => /^\/goods-receipts\/\d+$/.test(u.pathname), 'the new receipt’s page');
    await main
      .getByRole('status')
      .filter({ hasText: /Goods received: receipt GR-/ })
      .waitFor();

    const lines = main.getByRole('region', { name: 'The receipt’s lines', exact: true });
    await shows(lines.getByRole('row').nth(1), '25.007.50');
    await shows(lines.getByRole('row').nth(2), '75.004.50');
    const charges = main.getByRole('region', { name: 'The receipt’s charges', exact: true });
    await shows(charges, 'FreightByquantitywiththereceipt100.00');

    // A freight bill that came later: 40 by quantity, 10 and 30, so 1 more a unit on each line
    await main.getByRole('button', { name: 'Add a charge…', exact: true }).click();
    const form = main.getByRole('form', { name: 'Add a charge', exact: true });
    await form.getByLabel('Amount', { exact: true }).fill('40');
    await form.getByLabel('Bill number (optional)', { exact: true }).fill('FB-40');
    await shows(form.getByRole('list', { name: 'Landed unit costs with this charge' }), '7.50→8.50');
    await checkPage(w, 'goods-receipt-add-charge');
    await form.getByRole('button', { name: 'Add the charge', exact: true }).click();
    await shows(lines.getByRole('row').nth(1), '35.008.50');
    await shows(lines.getByRole('row').nth(2), '105.005.50');
    await shows(charges, 'FreightByquantitylater:billFB-40');
    const id = new URL(page.url()).pathname.split('/').at(-1);
    const receipt = await apiGet<{ charges: { addedLater: boolean }[] }>(page, `/api/goods-receipts/${id}`);
    assert.deepEqual(
      receipt.charges.map((c) => c.addedLater),
      [false, true],
    );
    await checkPage(w, 'goods-receipt-charges');

    // at a tablet's width, the page with its charges
    const narrow = await adminAt(`/goods-receipts/${id}`, TABLET);
    await narrow.page.getByRole('main').getByRole('region', { name: 'The receipt’s charges', exact: true }).waitFor();
    await checkPage(narrow, 'goods-receipt-charges-tablet');
    w.assertNoProblems();
  });
});
