// Codes (SKUs) and barcodes in a real browser: the items list says each item's stock, unit and
// codes; a barcode scanner (a keyboard wedge: the digits at once, then Enter) typing into the
// items search opens the variant's item with the variant shown; the variant finder finds a
// variant by its code and by its barcode, and a scanned barcode and Enter choose it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { TABLET, apiGet, arrive, section, settled, webArea } from '../harness.ts';
import type { FoundVariant } from '../../../web/src/shapes.ts';

/** A demo variant with a code and a barcode (every other demo item's variants have one). */
async function scannable(page: Page): Promise<FoundVariant> {
  const { variants } = await apiGet<{ variants: FoundVariant[] }>(page, '/api/variants?q=KORA-FALCON-PL-20');
  const v = variants.find((x) => x.exact && x.barcode);
  assert.ok(v, 'the demo’s Kora Frame & Fork has a code and a barcode');
  return v;
}

webArea('codes and barcodes', (suite) => {
  const { adminAt, checkPage } = suite;

  test('the items list shows each item’s stock with its unit, and its codes', async () => {
    const w = await adminAt('/items?q=kora');
    const { page } = w;
    const v = await scannable(page);
    const row = page
      .getByRole('main')
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: v.item, exact: true }) });
    await row.waitFor();
    await settled(page);
    const cells = await row.getByRole('cell').allInnerTexts();
    assert.ok(
      cells.some((c) => /^[\d,.]+ pcs$/.test(c.trim())),
      `a stock in pcs among ${cells.join(' | ')}`,
    );
    assert.ok(
      cells.some((c) => c.includes(v.code!)),
      `the code ${v.code} among ${cells.join(' | ')}`,
    );
    const headers = await page.getByRole('main').getByRole('columnheader').allTextContents();
    assert.deepEqual(
      headers.filter((h) => ['Stock', 'Code'].includes(h.trim())),
      ['Stock', 'Code'],
    );
    await checkPage(w, 'items-list-codes');
    for (const [width, viewport] of [
      ['1024', { width: 1024, height: 768 }],
      ['768', TABLET],
    ] as const) {
      const narrow = await adminAt('/items?q=frame', viewport);
      await narrow.page.getByRole('main').getByRole('columnheader', { name: 'Code' }).waitFor();
      await checkPage(narrow, `items-list-codes-${width}`);
    }
  });

  test('a barcode scanned into the items search (typed at once, then Enter) opens its item with the variant shown', async () => {
    const w = await adminAt('/items');
    const { page } = w;
    const v = await scannable(page);
    await page.getByRole('main').getByRole('heading', { level: 1, name: 'Items', exact: true }).waitFor();
    await settled(page);
    await page.getByLabel('Search items', { exact: true }).focus();
    await page.keyboard.type(v.barcode!, { delay: 0 });
    await page.keyboard.press('Enter');
    await arrive(page, (u) => u.pathname === `/items/${v.itemId}` && u.searchParams.get('variant') === String(v.variantId), 'the scanned variant’s item');
    await page.getByRole('heading', { level: 1, name: v.item, exact: true }).waitFor();
    const show = section(page, 'Variants').getByRole('button', { name: `Show ${v.color} / ${v.size}`, exact: true });
    await show.waitFor();
    assert.equal(await show.getAttribute('aria-pressed'), 'true', 'the scanned variant is the one shown');
    // A code typed (any case) and Enter opens it too.
    await page.goto('/items');
    await settled(page);
    await page.getByLabel('Search items', { exact: true }).focus();
    await page.keyboard.type(v.code!.toLowerCase(), { delay: 0 });
    await page.keyboard.press('Enter');
    await arrive(page, (u) => u.pathname === `/items/${v.itemId}` && u.searchParams.get('variant') === String(v.variantId), 'the variant of the code');
  });

  test('the variant finder finds a variant by its code and by its barcode, and a scanned barcode with Enter chooses it', async () => {
    const w = await adminAt('/suppliers');
    const { page } = w;
    const v = await scannable(page);
    const { suppliers } = await apiGet<{ suppliers: { supplierId: number; firmName: string }[] }>(page, '/api/suppliers?search=Ankur');
    await page.goto(`/suppliers/${suppliers[0]!.supplierId}`);
    await settled(page);
    await section(page, 'Rates').getByRole('button', { name: 'Add rate', exact: true }).click();
    const adding = page.getByRole('group', { name: 'Add rate' });
    const box = adding.getByRole('combobox', { name: 'Variant', exact: true });
    const name = `${v.item} — ${v.color} / ${v.size}`;

    // By its code's start: the listbox offers it; arrow keys and Enter choose.
    await box.fill(v.code!.slice(0, -2).toLowerCase());
    const option = adding.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
    await option.first().waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.match(await option.first().innerText(), new RegExp(v.code!));
    await checkPage(w, 'variant-finder-open');
    await option.first().click();
    await adding.getByText(`Chosen: ${name}.`).waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'false');

    // By its barcode, as a scanner types it: the digits at once and Enter choose it without a click.
    await box.fill('');
    await box.focus();
    await page.keyboard.type(v.barcode!, { delay: 0 });
    await page.keyboard.press('Enter');
    await adding.getByText(`Chosen: ${name}.`).waitFor();
    assert.match(await box.inputValue(), new RegExp(v.barcode!));
  });
});
