// Suppliers and their rates in a real browser, as a buyer keeps them: find a supplier, add a
// new one (an invalid one first: the API's message names the field), edit it, add what it
// charges for a demo variant and see that rate on the variant's item page beside the demo's
// other suppliers, have an overlapping rate refused, deactivate the rate, and have deleting a
// supplier with rates refused with the API's message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { findVariant } from '../finder.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, arrive, section, settled, status, webArea } from '../harness.ts';
import { pageAsRole } from '../roles.ts';

interface Rate {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  costPerUnit: string;
  isActive: boolean;
  breaks: { fromQuantity: string; costPerUnit: string }[];
  leadTimeDays: number | null;
  packSize: string;
}
interface Variant {
  variantId: number;
  itemId: number;
  item: string;
  color: string;
  size: string;
}

/** Waits for the page's alert to show `message` (the API's), and returns its text. */
async function alertSays(page: Page, message: string): Promise<string> {
  const alert = page.getByRole('alert');
  await waitFor(async () => (await alert.count()) > 0 && (await alert.first().innerText()).includes(message), `an alert saying "${message}"`).catch(
    async (err: Error) => {
      throw new Error(`${err.message}; the alerts say: ${(await alert.allInnerTexts()).join(' | ')}`);
    },
  );
  return alert.first().innerText();
}

/** A demo variant that two suppliers or more sell today: its id and its suppliers' names. */
async function variantWithSuppliers(page: Page): Promise<{ variant: Variant; firms: string[] }> {
  const { suppliers } = await apiGet<{ suppliers: { supplierId: number }[] }>(page, '/api/suppliers?search=Ankur');
  const rates = await apiGet<Rate[]>(page, `/api/suppliers/${suppliers[0]!.supplierId}/rates`);
  for (const r of rates.filter((x) => x.isActive)) {
    const c = await apiGet<{ rates: Rate[] }>(page, `/api/variants/${r.variantId}/supplier-comparison`);
    if (c.rates.length >= 2) return { variant: await apiGet<Variant>(page, `/api/variants/${r.variantId}`), firms: c.rates.map((x) => x.firmName) };
  }
  throw new Error('the demo has no variant of Ankur Frame Works with a second supplier');
}

webArea('suppliers and rates', (suite) => {
  const { adminAt, checkPage } = suite;

  test('a viewer reads a supplier’s details and rates with no control that changes them; a planner sees every control', async () => {
    const viewer = await pageAsRole(suite, 'viewer', '/suppliers');
    const planner = await pageAsRole(suite, 'planner', '/suppliers');
    const { suppliers } = await apiGet<{ suppliers: { supplierId: number; firmName: string }[] }>(viewer.page, '/api/suppliers?search=Ankur');
    const supplier = suppliers[0]!;
    const shown = async (w: typeof viewer) => {
      const { page } = w;
      const main = page.getByRole('main');
      await page.goto('/suppliers');
      await main.getByRole('heading', { level: 1, name: 'Suppliers', exact: true }).waitFor();
      await settled(page);
      await main.getByRole('link', { name: supplier.firmName, exact: true }).waitFor();
      const onList = await main.getByRole('button', { name: 'New supplier', exact: true }).count();
      await page.goto(`/suppliers/${supplier.supplierId}`);
      await main.getByRole('heading', { level: 1, name: supplier.firmName, exact: true }).waitFor();
      await settled(page);
      // The rates have loaded: the table is there for everyone.
      await section(page, 'Rates').getByRole('table').waitFor();
      const controls = {
        'New supplier': onList,
        'Save changes': await main.getByRole('button', { name: 'Save changes', exact: true }).count(),
        'Add rate': await main.getByRole('button', { name: 'Add rate', exact: true }).count(),
        'Edit rate': await main.getByRole('button', { name: /^Edit the rate for / }).count(),
        'Deactivate rate': await main.getByRole('button', { name: /^Deactivate the rate for / }).count(),
        'Delete supplier': await main.getByRole('button', { name: 'Delete supplier', exact: true }).count(),
      };
      return Object.entries(controls)
        .filter(([, n]) => n > 0)
        .map(([name]) => name);
    };
    assert.deepEqual(await shown(viewer), [], 'a viewer changes nothing');
    // What the form would hold, the viewer reads.
    await section(viewer.page, 'Details').getByRole('definition').getByText(supplier.firmName, { exact: true }).waitFor();
    await checkPage(viewer, 'supplier-as-viewer');
    assert.deepEqual(await shown(planner), ['New supplier', 'Save changes', 'Add rate', 'Edit rate', 'Deactivate rate', 'Delete supplier']);
    for (const w of [viewer, planner]) w.assertNoProblems();
  });

  test('a supplier is created, edited and given a rate that the variant’s comparison shows; an overlap is refused, the rate deactivated, the supplier kept', async () => {
    const w = await adminAt('/suppliers');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Suppliers', exact: true }).waitFor();
    await settled(page);
    const all = await apiGet<{ total: number }>(page, '/api/suppliers');
    await main.getByText(`${all.total} suppliers`).waitFor();

    // Search narrows the list by firm name, and the address keeps it.
    await page.getByLabel('Search suppliers', { exact: true }).fill('chakra');
    await arrive(page, (u) => u.searchParams.get('q') === 'chakra', '?q=chakra');
    const links = () => main.getByRole('table').getByRole('link').allInnerTexts();
    await waitFor(
      async () => JSON.stringify(await links()) === JSON.stringify(['Chakra Rim & Spoke Co.']),
      'the search for "chakra" to list only Chakra Rim & Spoke Co.',
    );
    await checkPage(w, 'suppliers-search');

    // A new supplier: without a firm name the API refuses, and the alert names the field.
    await main.getByRole('button', { name: 'New supplier', exact: true }).click();
    const form = section(page, 'New supplier');
    await w.expecting(status(400), async () => {
      await form.getByRole('button', { name: 'Create supplier', exact: true }).click();
      const shown = await alertSays(page, 'write something');
      assert.match(shown, /^Firm name:/, `the alert names the field: ${shown}`);
    });
    assert.equal(await form.getByLabel('Firm name', { exact: true }).getAttribute('aria-invalid'), 'true');
    const firm = `Test Cycle Traders ${Date.now()}`;
    await form.getByLabel('Firm name', { exact: true }).fill(firm);
    await form.getByLabel('Email', { exact: true }).fill('buyer@example.com');
    await form.getByRole('button', { name: 'Create supplier', exact: true }).click();
    await arrive(page, (u) => /^\/suppliers\/\d+$/.test(u.pathname), 'the new supplier’s page');
    const supplierId = Number(new URL(page.url()).pathname.split('/').pop());
    await main.getByRole('heading', { level: 1, name: firm, exact: true }).waitFor();
    await settled(page);

    // Editing: the phone saved is what the API then holds.
    const details = section(page, 'Details');
    await details.getByLabel('Phone', { exact: true }).fill('0161-0000999');
    await details.getByRole('button', { name: 'Save changes', exact: true }).click();
    await details.getByRole('status').getByText('Saved.').waitFor();
    assert.equal((await apiGet<{ phone: string }>(page, `/api/suppliers/${supplierId}`)).phone, '0161-0000999');

    // A rate for a demo variant that other suppliers sell too, picked by searching its item.
    const { variant, firms } = await variantWithSuppliers(page);
    const rates = section(page, 'Rates');
    await rates.getByText(/No rates yet/).waitFor();
    const addRate = async (cost: string) => {
      const adding = page.getByRole('group', { name: 'Add rate' });
      if ((await adding.count()) === 0) await rates.getByRole('button', { name: 'Add rate', exact: true }).click();
      await findVariant(adding, `${variant.item} ${variant.color}`, `${variant.item} — ${variant.color} / ${variant.size}`);
      await adding.getByLabel('Rate per unit', { exact: true }).fill(cost);
      await adding.getByRole('button', { name: 'Add rate', exact: true }).click();
    };
    // Without a variant the form says what to do before asking the API.
    await rates.getByRole('button', { name: 'Add rate', exact: true }).click();
    await page.getByRole('group', { name: 'Add rate' }).getByRole('button', { name: 'Add rate', exact: true }).click();
    await alertSays(page, 'find the item and choose its variant first');
    await addRate('0.50');
    await rates
      .getByRole('status')
      .getByText(/Added the rate ₹0\.50/)
      .waitFor();
    const made = await apiGet<Rate[]>(page, `/api/suppliers/${supplierId}/rates`);
    assert.deepEqual(
      made.map((r) => [r.variantId, r.costPerUnit, r.isActive]),
      [[variant.variantId, '0.50', true]],
    );
    const row = rates.getByRole('row').filter({ hasText: `${variant.color} / ${variant.size}` });
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();

    // A second active rate from the same day overlaps the first: refused with the API's message.
    await w.expecting(status(409), async () => {
      await addRate('0.75');
      await alertSays(page, 'overlaps this one');
    });
    await checkPage(w, 'supplier');

    // Editing the rate: its new price is what the API then holds.
    await row.getByRole('button', { name: /^Edit/ }).click();
    const editing = page.getByRole('group', { name: /^Edit rate for/ });
    await editing.getByLabel('Rate per unit', { exact: true }).fill('0.60');
    await editing.getByRole('button', { name: 'Save rate', exact: true }).click();
    await editing
      .getByRole('status')
      .getByText(/Saved the rate ₹0\.60/)
      .waitFor();
    assert.equal((await apiGet<Rate[]>(page, `/api/suppliers/${supplierId}/rates`))[0]!.costPerUnit, '0.60');

    // Its price breaks, lead time and pack size: written as the import writes them, shown in the table.
    await row.getByRole('button', { name: /^Edit/ }).click();
    await editing.getByLabel(/^Price breaks/).fill('100:0.55; 500:0.50');
    await editing.getByLabel(/^Lead time in days/).fill('5');
    await editing.getByLabel('Pack size', { exact: true }).fill('10');
    await editing.getByRole('button', { name: 'Save rate', exact: true }).click();
    await editing
      .getByRole('status')
      .getByText(/Saved the rate/)
      .waitFor();
    const terms = (await apiGet<Rate[]>(page, `/api/suppliers/${supplierId}/rates`))[0]!;
    assert.deepEqual(
      [terms.breaks, terms.leadTimeDays, terms.packSize],
      [
        [
          { fromQuantity: '100.000', costPerUnit: '0.55' },
          { fromQuantity: '500.000', costPerUnit: '0.50' },
        ],
        5,
        '10.000',
      ],
    );
    await row.getByText(/from 100: ₹0\.55/).waitFor();
    // A break that is not quantity:rate is named before asking the API; one from 1 by the API, in words.
    await row.getByRole('button', { name: /^Edit/ }).click();
    await editing.getByLabel(/^Price breaks/).fill('lots');
    await editing.getByRole('button', { name: 'Save rate', exact: true }).click();
    await editing.getByText('"lots" is not a break: write each as quantity:rate, separated by semicolons, e.g. 100:9.50; 500:9.00').waitFor();
    await w.expecting(status(400), async () => {
      await editing.getByLabel(/^Price breaks/).fill('1:0.40');
      await editing.getByRole('button', { name: 'Save rate', exact: true }).click();
      await editing.getByRole('alert').filter({ hasText: 'breaks: write each break from more than 1 unit' }).waitFor();
    });
    await editing.getByRole('button', { name: 'Cancel', exact: true }).click();

    // The variant's item page compares it with the demo's suppliers: ours is the cheapest.
    await page.goto(`/items/${variant.itemId}?variant=${variant.variantId}`);
    await main.getByRole('heading', { level: 1, name: variant.item, exact: true }).waitFor();
    await settled(page);
    const compared = section(page, 'Supplier rates');
    for (const other of firms) await compared.getByRole('link', { name: other, exact: true }).waitFor();
    const ours = compared.getByRole('row').filter({ has: page.getByRole('link', { name: firm, exact: true }) });
    assert.match(await ours.innerText(), /0\.60[\s\S]*Cheapest/, 'our rate is marked the cheapest');
    assert.equal(await compared.getByRole('row').filter({ hasText: 'Dearest' }).count(), 1, 'one supplier is marked the dearest');
    const history = section(page, 'Rate history');
    await history.getByRole('link', { name: firm, exact: true }).waitFor();
    await checkPage(w, 'item-supplier-rates');

    // Back on the supplier's page: deactivate the rate; the comparison then leaves it out.
    await compared.getByRole('link', { name: firm, exact: true }).click();
    await arrive(page, (u) => u.pathname === `/suppliers/${supplierId}`, `/suppliers/${supplierId}`);
    await settled(page);
    // It asks first, saying what remains: No keeps the rate as it was, Yes deactivates it.
    await row.getByRole('button', { name: /^Deactivate/ }).click();
    const asked = row.getByRole('group', { name: /^Deactivate .* a unit for / });
    assert.match(await asked.innerText(), /Costing and purchasing stop using it; \d+ other active rates? of this supplier for it remain/);
    await asked.getByRole('button', { name: 'No, keep it', exact: true }).click();
    assert.equal((await apiGet<Rate[]>(page, `/api/suppliers/${supplierId}/rates`))[0]!.isActive, true, 'No keeps the rate active');
    await row.getByRole('button', { name: /^Deactivate/ }).click();
    await asked.getByRole('button', { name: 'Yes, deactivate', exact: true }).click();
    await row.getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    assert.equal((await apiGet<Rate[]>(page, `/api/suppliers/${supplierId}/rates`))[0]!.isActive, false);
    const after = await apiGet<{ rates: Rate[] }>(page, `/api/variants/${variant.variantId}/supplier-comparison`);
    assert.ok(!after.rates.some((r) => r.supplierId === supplierId), 'a deactivated rate is not compared');

    // A supplier with rates is kept: deleting it is refused with the API's message.
    const removal = section(page, 'Delete supplier');
    await removal.getByRole('button', { name: 'Delete supplier', exact: true }).click();
    await removal.getByText(/It has \d+ rates?, \d+ active\./).waitFor();
    await w.expecting(status(409), async () => {
      await removal.getByRole('button', { name: 'Yes, delete', exact: true }).click();
      await alertSays(page, 'deactivate its rates');
    });
    assert.equal(new URL(page.url()).pathname, `/suppliers/${supplierId}`);
    w.assertNoProblems();

    // At tablet width, the list and a supplier's page with its rate form open.
    await page.setViewportSize(TABLET);
    await page.goto('/suppliers');
    await main.getByRole('heading', { level: 1, name: 'Suppliers', exact: true }).waitFor();
    await main.getByRole('button', { name: 'New supplier', exact: true }).click();
    await checkPage(w, 'suppliers-tablet');
    await page.goto(`/suppliers/${supplierId}`);
    await main.getByRole('heading', { level: 1, name: firm, exact: true }).waitFor();
    // The rates are searched by their variant's item, colour and size.
    const search = rates.getByLabel('Search rates', { exact: true });
    await search.fill('no such variant');
    await rates.getByText(/No rate is for a variant matching/).waitFor();
    await search.fill(`${variant.item} ${variant.color}`);
    await row.getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    await rates.getByRole('button', { name: 'Add rate', exact: true }).click();
    await checkPage(w, 'supplier-tablet');
  });
});
