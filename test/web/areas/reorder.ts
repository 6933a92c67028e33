// Reorder with lead times in a real browser (issue 22, point 5): a lot's planned start set on
// its page (a day past refused in words), shown in the lots list; the suggestions page then
// buys for the lots planned within the supplier's lead time, shows the later ones apart, the
// lead time, the day to order by and the extra bought by rounding up to the minimum order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiGet, apiSend, figures, section, settled, shownDay, status, webArea } from '../harness.ts';
import { daysAfter } from '../../helpers/days.ts';

webArea('reorder with lead times in a real browser', (suite) => {
  const { adminAt, checkPage } = suite;

  test('a lot planned ahead on its page is later demand; the suggestion shows its lead time, order-by day and the extra bought by rounding', async () => {
    const w = await adminAt('/');
    const { page } = w;
    const main = page.getByRole('main');
    await settled(page);

    // Spokes (none in stock, no threshold) at 2.00 from a supplier with no lead time, 50 at least, 1.80 each from 50; a wheel uses 4.
    const item = await apiSend<{ itemId: number }>(page, 'POST', '/api/items', { name: 'Lead Spoke', category: 'Lead parts' });
    const spoke = await apiSend<{ variantId: number }>(page, 'POST', `/api/items/${item.itemId}/variants`, { color: 'Steel', size: '2mm', unit: 'pcs' });
    const supplier = await apiSend<{ supplierId: number }>(page, 'POST', '/api/suppliers', { firmName: 'Lead Spokes Ltd' });
    await apiSend(page, 'POST', '/api/rates', {
      supplierId: supplier.supplierId,
      variantId: spoke.variantId,
      costPerUnit: '2.00',
      currency: 'INR',
      minimumOrderQuantity: '50',
      effectiveFrom: '2020-01-01',
      breaks: [{ fromQuantity: '50', costPerUnit: '1.80' }],
    });
    const subprocess = (await apiGet<{ subprocesses: { subprocessId: number }[] }>(page, '/api/subprocesses?limit=1')).subprocesses[0]!;
    const process = await apiSend<{ processId: number }>(page, 'POST', '/api/processes', {
      name: 'Lead wheel lacing',
      steps: [{ subprocessId: subprocess.subprocessId, lines: [{ variantId: spoke.variantId, quantity: '4' }], costItems: [] }],
      additionalCosts: [],
    });
    await apiSend(page, 'POST', `/api/processes/${process.processId}/activate`);
    const now = await apiSend<{ lotId: number; createdAt: string }>(page, 'POST', '/api/lots', { processId: process.processId, quantity: 5 }); // 20 spokes, now
    const ahead = await apiSend<{ lotId: number; lotNumber: string }>(page, 'POST', '/api/lots', { processId: process.processId, quantity: 3 }); // 12 spokes
    const today = now.createdAt.slice(0, 10);

    // The second lot planned ten days ahead on its page; a day past is refused first, in words, next to the field.
    await page.goto(`/lots/${ahead.lotId}`);
    await main.getByRole('heading', { level: 1, name: `Lot ${ahead.lotNumber}` }).waitFor();
    const form = main.getByRole('form', { name: 'Planned start' });
    await form.getByLabel('Planned start').fill(shownDay(daysAfter(today, -1)));
    await w.expecting(status(400), async () => {
      await form.getByRole('button', { name: 'Save planned start' }).click();
      await form.getByRole('alert').getByText(`Planned start: write a day from today (${today})`, { exact: false }).waitFor();
    });
    assert.equal(await form.getByLabel('Planned start').getAttribute('aria-invalid'), 'true');
    await checkPage(w, 'lot-planned-start-refused');
    await form.getByLabel('Planned start').fill(shownDay(daysAfter(today, 10)));
    await form.getByRole('button', { name: 'Save planned start' }).click();
    await main.getByText(`Planned to start on ${shownDay(daysAfter(today, 10))}.`).waitFor();
    assert.equal((await apiGet<{ plannedStart: string | null }>(page, `/api/lots/${ahead.lotId}`)).plannedStart, daysAfter(today, 10));
    await checkPage(w, 'lot-planned-start');

    // The lots list shows each lot's planned start.
    await page.goto('/lots?q=Lead%20wheel');
    const list = main.getByRole('table');
    await list
      .getByRole('row', { name: new RegExp(ahead.lotNumber) })
      .getByText(shownDay(daysAfter(today, 10)))
      .waitFor();
    await list.getByRole('row').filter({ hasNotText: ahead.lotNumber }).getByText('as soon as possible').first().waitFor();

    // With no lead time only the lot of today is covered: 20 short, 50 bought (30 extra) at the break from 50 (1.80, 90.00), by today; the 12 of the later lot are shown apart.
    await page.goto('/purchasing/suggestions?q=Lead%20Spoke');
    await main.getByRole('heading', { level: 1, name: 'Suggestions', exact: true }).waitFor();
    await settled(page);
    const group = section(page, 'Lead Spokes Ltd');
    const head = await figures(group.locator('.group-head'));
    for (const part of ['1line', '90.00', 'leadtime0days', `orderby${shownDay(today)}`]) assert.ok(head.includes(part), `the group shows ${part}: ${head}`);
    const row = group.getByRole('row', { name: /Lead Spoke/ });
    const text = await figures(row);
    for (const part of [
      '50pcs',
      '+30byrounding(minimumorder50)',
      '1.80',
      'breakfrom50(rate2.00)',
      '90.00',
      '0days',
      shownDay(today),
      '12',
      `from${shownDay(daysAfter(today, 10))}`,
    ])
      assert.ok(text.includes(part), `the suggestion shows ${part}: ${await row.innerText()}`);
    await checkPage(w, 'suggestions-lead-times');
  });
});
