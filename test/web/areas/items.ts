// Items and variants in a real browser, as a storekeeper keeps them: a new item (an invalid
// one first: the API's message names the field), edited; a variant added and edited; a stock
// receipt recorded and seen in the stock and the ledger; an adjustment without a reason
// refused with the API's message naming the field. And what each role is shown: a viewer no
// control that changes anything, an operator only the stock movement, a planner every control.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, arrive, section, settled, status, webArea } from '../harness.ts';
import { pageAsRole } from '../roles.ts';

interface Variant {
  variantId: number;
  color: string;
  size: string;
  unit: string;
  stock: string;
  reorderThreshold: string;
}

/** Waits for the page's alert to show `message` (the API's), and returns its text. */
async function alertSays(page: Page, message: string | RegExp): Promise<string> {
  const alert = page.getByRole('alert');
  const says = (text: string) => (typeof message === 'string' ? text.includes(message) : message.test(text));
  await waitFor(async () => (await alert.count()) > 0 && says(await alert.first().innerText()), `an alert saying "${message}"`).catch(async (err: Error) => {
    throw new Error(`${err.message}; the alerts say: ${(await alert.allInnerTexts()).join(' | ')}`);
  });
  return alert.first().innerText();
}

webArea('items and variants', (suite) => {
  const { adminAt, checkPage } = suite;

  test('a viewer is shown no control that changes an item; an operator may record a stock movement only; a planner sees every control', async () => {
    const [viewer, operator, planner] = [
      await pageAsRole(suite, 'viewer', '/items'),
      await pageAsRole(suite, 'operator', '/items'),
      await pageAsRole(suite, 'planner', '/items'),
    ];
    const { items } = await apiGet<{ items: { itemId: number; name: string }[] }>(viewer.page, '/api/items?limit=1');
    const item = items[0]!;
    const [first] = await apiGet<Variant[]>(viewer.page, `/api/items/${item.itemId}/variants`);
    assert.ok(first, 'a demo item with variants');
    const variantName = `${first.color} / ${first.size}`;
    /** The write controls the item's page and the items list show, by their names. */
    const shown = async (w: typeof viewer) => {
      const { page } = w;
      const main = page.getByRole('main');
      await page.goto('/items');
      await main.getByRole('heading', { level: 1, name: 'Items', exact: true }).waitFor();
      await settled(page);
      await main.getByRole('link', { name: item.name, exact: true }).first().waitFor();
      const onList = await main.getByRole('button', { name: 'New item', exact: true }).count();
      await page.goto(`/items/${item.itemId}`);
      await main.getByRole('heading', { level: 1, name: item.name, exact: true }).waitFor();
      await settled(page);
      // Read-only controls are there for everyone: the page has loaded what the check looks for.
      await section(page, 'Variants')
        .getByRole('button', { name: `Show ${variantName}`, exact: true })
        .waitFor();
      await section(page, 'Stock ledger').waitFor();
      const controls = {
        'New item': onList,
        'Edit item': await main.getByRole('button', { name: 'Edit item', exact: true }).count(),
        'Delete item': await main.getByRole('button', { name: 'Delete item', exact: true }).count(),
        'Add variant': await main.getByRole('button', { name: 'Add variant', exact: true }).count(),
        'Edit variant': await main.getByRole('button', { name: `Edit ${variantName}`, exact: true }).count(),
        'Delete variant': await main.getByRole('button', { name: `Delete ${variantName}`, exact: true }).count(),
        'Record stock movement': await section(page, 'Record stock movement').count(),
      };
      return Object.entries(controls)
        .filter(([, n]) => n > 0)
        .map(([name]) => name);
    };
    assert.deepEqual(await shown(viewer), [], 'a viewer changes nothing');
    await checkPage(viewer, 'item-as-viewer');
    assert.deepEqual(await shown(operator), ['Record stock movement'], 'an operator records stock movements only');
    assert.deepEqual(
      await shown(planner),
      ['New item', 'Edit item', 'Delete item', 'Add variant', 'Edit variant', 'Delete variant', 'Record stock movement'],
      'a planner keeps the catalog',
    );
    for (const w of [viewer, operator, planner]) w.assertNoProblems();
  });

  test('an item is created and edited, a variant added and edited, a receipt moves its stock and ledger, and an adjustment needs a reason', async () => {
    const w = await adminAt('/items');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Items', exact: true }).waitFor();
    await settled(page);

    // A new item: without a name the API refuses, and the alert names the field.
    await main.getByRole('button', { name: 'New item', exact: true }).click();
    const form = section(page, 'New item');
    await w.expecting(status(400), async () => {
      await form.getByRole('button', { name: 'Create item', exact: true }).click();
      const shown = await alertSays(page, /write something|give it a value/);
      assert.match(shown, /^Name:/, `the alert names the field: ${shown}`);
    });
    await checkPage(w, 'items-new-invalid');
    const name = `Test Bell ${Date.now()}`;
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Category', { exact: true }).fill('Accessories');
    await form.getByLabel('Model', { exact: true }).fill('Universal');
    await form.getByLabel('Description', { exact: true }).fill('A loud handlebar bell');
    await form.getByRole('button', { name: 'Create item', exact: true }).click();
    await arrive(page, (u) => /^\/items\/\d+$/.test(u.pathname), 'the new item’s page');
    const itemId = Number(new URL(page.url()).pathname.split('/').pop());
    await main.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    await settled(page);
    await main.getByText(/no variants yet/).waitFor();

    // Editing the item: the variation saved shows, and the API holds it.
    await main.getByRole('button', { name: 'Edit item', exact: true }).click();
    const edit = section(page, 'Edit item');
    await edit.getByLabel('Variation', { exact: true }).fill('Standard');
    await edit.getByRole('button', { name: 'Save item', exact: true }).click();
    await edit.getByRole('status').getByText('Saved.').waitFor();
    await main.getByRole('definition').getByText('Standard', { exact: true }).waitFor();
    assert.equal((await apiGet<{ variation: string }>(page, `/api/items/${itemId}`)).variation, 'Standard');

    // A variant added, then its threshold edited.
    const variants = section(page, 'Variants');
    await variants.getByRole('button', { name: 'Add variant', exact: true }).click();
    const adding = page.getByRole('group', { name: 'Add variant' });
    await adding.getByLabel('Colour', { exact: true }).fill('Black');
    await adding.getByLabel('Size', { exact: true }).fill('General');
    await adding.getByLabel('Reorder threshold', { exact: true }).fill('2');
    await adding.getByRole('button', { name: 'Add variant', exact: true }).click();
    await variants
      .getByRole('status')
      .getByText(/Added Black \/ General/)
      .waitFor();
    const row = variants
      .getByRole('table')
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'Black', exact: true }) });
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit Black / General', exact: true }).click();
    const editing = page.getByRole('group', { name: 'Edit Black / General' });
    await editing.getByLabel('Reorder threshold', { exact: true }).fill('5');
    await editing.getByRole('button', { name: 'Save variant', exact: true }).click();
    await editing.getByRole('status').getByText('Saved Black / General.').waitFor();
    const [made] = await apiGet<Variant[]>(page, `/api/items/${itemId}/variants`);
    assert.equal(Number(made!.reorderThreshold), 5);
    await waitFor(async () => (await row.getByRole('cell').allInnerTexts()).some((c) => c.trim() === '5'), 'the row to show the threshold 5');

    // A receipt of 12: the stock and the ledger follow.
    const movement = section(page, 'Record stock movement');
    await movement.getByLabel('Type', { exact: true }).selectOption('receipt');
    await movement.getByLabel(/^Quantity/).fill('12');
    await movement.getByLabel(/^Reason/).fill('Delivery note 42');
    await movement.getByRole('button', { name: 'Record movement', exact: true }).click();
    await movement
      .getByRole('status')
      .getByText(/stock 0 → 12 pcs/)
      .waitFor();
    await waitFor(async () => (await row.getByRole('cell').allInnerTexts()).some((c) => parseFloat(c) === 12), 'the variant’s stock to read 12');
    const ledger = section(page, 'Stock ledger');
    await waitFor(async () => /^receipt\s+\+12 pcs\b.*Delivery note 42/im.test(await ledger.innerText()), 'the ledger to show the receipt of 12');
    assert.equal((await apiGet<Variant[]>(page, `/api/items/${itemId}/variants`))[0]!.stock.replace(/\.0+$/, ''), '12');

    // A quantity that is not a number: the API's sentence shows beside the field, which it describes.
    const quantity = movement.getByLabel(/^Quantity/);
    await quantity.fill('abc');
    await w.expecting(status(400), async () => {
      await movement.getByRole('button', { name: 'Record movement', exact: true }).click();
      const shown = await alertSays(page, 'write a number with up to 3 decimals');
      assert.match(shown, /^Quantity: write a number with up to 3 decimals, such as 12\.5/, `the alert names the field by its label: ${shown}`);
    });
    assert.equal(await quantity.getAttribute('aria-invalid'), 'true');
    const sentence = 'Write a number with up to 3 decimals, such as 12.5 (or -12.5 to take away)';
    assert.equal(await quantity.evaluate((el) => el.nextElementSibling?.textContent), sentence, 'the sentence is right after the field');
    const description = await quantity.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent)
        .join(' '),
    );
    assert.equal(description, sentence, 'the field is described by its sentence');
    assert.doesNotMatch(await movement.innerText(), /\^|\\d|must match|body\//, 'no pattern or path is shown');
    await checkPage(w, 'item-quantity-in-words');

    // An adjustment must say why: the API's message, naming the Reason field.
    await movement.getByLabel('Type', { exact: true }).selectOption('adjustment');
    await movement.getByLabel(/^Quantity/).fill('-2');
    await w.expecting(status(400), async () => {
      await movement.getByRole('button', { name: 'Record movement', exact: true }).click();
      const shown = await alertSays(page, 'is required for an adjustment');
      assert.match(shown, /^Reason:/, `the alert names the field: ${shown}`);
    });
    assert.equal(await movement.getByLabel(/^Reason/).getAttribute('aria-invalid'), 'true');
    await checkPage(w, 'item-edited');

    // A variant with stock is not deleted: the API says what to do. One without is, and is restored.
    await w.expecting(status(409), async () => {
      await row.getByRole('button', { name: 'Delete Black / General', exact: true }).click();
      await row.getByRole('button', { name: 'Yes, delete it', exact: true }).click();
      await alertSays(page, 'still has stock');
    });
    await variants.getByRole('button', { name: 'Add variant', exact: true }).click();
    await adding.getByLabel('Colour', { exact: true }).fill('White');
    await adding.getByLabel('Size', { exact: true }).fill('General');
    await adding.getByRole('button', { name: 'Add variant', exact: true }).click();
    // The new variant is chosen: its ledger and rates load before it goes.
    await variants.getByRole('button', { name: 'Show White / General', pressed: true }).waitFor();
    await settled(page);
    await variants.getByRole('button', { name: 'Delete White / General', exact: true }).click();
    await variants.getByRole('group', { name: 'Delete White / General? It holds 0 pcs in stock.' }).getByRole('button', { name: 'Yes, delete it' }).click();
    await variants.getByRole('button', { name: 'Restore White / General', exact: true }).click();
    await variants.getByRole('button', { name: 'Delete White / General', exact: true }).waitFor();
    assert.deepEqual((await apiGet<Variant[]>(page, `/api/items/${itemId}/variants`)).map((v) => v.color).sort(), ['Black', 'White']);

    // Deleting the item asks first, saying what it holds: No keeps it; Yes takes it out of use until it is restored.
    await main.getByRole('button', { name: 'Delete item', exact: true }).click();
    const asked = main.getByRole('group', { name: /^Delete / });
    assert.match(await asked.innerText(), /Its 2 variants hold [\d.,]+ pcs in stock\. It is left out of lists/);
    await asked.getByRole('button', { name: 'No, keep it', exact: true }).click();
    assert.equal((await apiGet<{ deletedAt: string | null }>(page, `/api/items/${itemId}`)).deletedAt, null, 'No keeps the item');
    await main.getByRole('button', { name: 'Delete item', exact: true }).click();
    await asked.getByRole('button', { name: 'Yes, delete the item', exact: true }).click();
    await main.getByText(/This item was deleted on/).waitFor();
    assert.notEqual((await apiGet<{ deletedAt: string | null }>(page, `/api/items/${itemId}`)).deletedAt, null);
    assert.equal(await section(page, 'Record stock movement').count(), 0, 'a deleted item’s stock does not move');
    await main.getByRole('button', { name: 'Restore item', exact: true }).click();
    await main.getByRole('button', { name: 'Delete item', exact: true }).waitFor();
    assert.equal((await apiGet<{ deletedAt: string | null }>(page, `/api/items/${itemId}`)).deletedAt, null);

    // At tablet width: the list with its new-item form, and the item's page.
    await page.setViewportSize(TABLET);
    await page.goto('/items');
    await main.getByRole('heading', { level: 1, name: 'Items', exact: true }).waitFor();
    await main.getByRole('button', { name: 'New item', exact: true }).click();
    await checkPage(w, 'items-tablet');
    await page.goto(`/items/${itemId}`);
    await main.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    await checkPage(w, 'item-tablet');
  });
});
