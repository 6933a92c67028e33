// What cannot be undone asks first, saying what it will do in numbers; "keep it" leaves
// everything as it was, and confirming makes the move. (Deleting an item or a variant,
// deactivating a rate or a user, completing or cancelling a lot, cancelling an import and
// reversing a receipt are confirmed in their own areas' tests; this one cancels an order.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiGet, apiSend, section, settled, webArea } from '../harness.ts';

interface Order {
  purchaseOrderId: number;
  poNumber: string;
  status: string;
}

webArea('confirmations in numbers', (suite) => {
  test('cancelling an order says what is still open on it; keeping it changes nothing, confirming cancels it', async () => {
    const w = await suite.adminAt('/purchase-orders');
    const { page } = w;
    const { suppliers } = await apiGet<{ suppliers: { supplierId: number }[] }>(page, '/api/suppliers?limit=1');
    const { items } = await apiGet<{ items: { itemId: number }[] }>(page, '/api/items?limit=1');
    const [variant] = await apiGet<{ variantId: number; item: string; color: string; size: string; unit: string }[]>(
      page,
      `/api/items/${items[0]!.itemId}/variants`,
    );
    assert.ok(variant, 'a variant to order');
    const order = await apiSend<Order>(page, 'POST', '/api/purchase-orders', {
      supplierId: suppliers[0]!.supplierId,
      lines: [{ variantId: variant.variantId, quantity: '40', unitPrice: '12.50' }],
    });
    await page.goto(`/purchase-orders/${order.purchaseOrderId}`);
    const status = section(page, 'Status');
    await status.getByRole('button', { name: 'Cancel order…', exact: true }).click();
    await settled(page);
    const asked = status.getByRole('form', { name: 'Cancel order' });
    assert.match(
      await asked.innerText(),
      new RegExp(`1 line is still open: 40 ${variant.unit} × ${variant.item} · ${variant.color} · ${variant.size}\\.`),
      'it says what will not be received',
    );
    await asked.getByRole('button', { name: 'Keep it as it is', exact: true }).click();
    await asked.waitFor({ state: 'detached' });
    assert.equal((await apiGet<Order>(page, `/api/purchase-orders/${order.purchaseOrderId}`)).status, 'draft', 'keeping it changes nothing');

    await status.getByRole('button', { name: 'Cancel order…', exact: true }).click();
    const reason = asked.getByLabel('Reason', { exact: true });
    if ((await reason.count()) > 0) await reason.fill('Ordered twice by mistake.');
    await asked.getByRole('button', { name: 'Cancel order', exact: true }).click();
    await asked.waitFor({ state: 'detached' });
    assert.equal((await apiGet<Order>(page, `/api/purchase-orders/${order.purchaseOrderId}`)).status, 'cancelled', 'confirming cancels it');
    await suite.checkPage(w, 'order-cancelled');
  });
});
