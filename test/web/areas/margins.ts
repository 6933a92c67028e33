// What a rate change does to the margins, in a real browser (issue 22, points 4, 6 and 7): a
// buyer edits the rate that decides a demo process's worst case, and before saving sees the
// process's unit cost and margin move (old → new, below target marked), as the what-if API
// answers; nothing is saved until Save. The dashboard's margin watch lists the processes below
// their target at today's rates, as GET /api/margins/watch does, each a link to its process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitFor } from '../../helpers/wait.ts';
import { TABLET, apiGet, apiSend, arrive, section, settled, shownDay, webArea } from '../harness.ts';

interface Rate {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  costPerUnit: string;
  effectiveFrom: string;
}
interface Move {
  processId: number;
  name: string;
  before: { margin: string | null };
  after: { margin: string | null };
  crossed: 'below' | 'above' | null;
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
const cell = (s: string | null) => (s === null ? '' : /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** A demo process with a margin, the rate that decides the worst case of its first line's variant, and that variant. */
async function decidingRate(page: Page) {
  const { processes } = await apiGet<{ processes: { processId: number; name: string; margin: { worst: string } | null }[] }>(
    page,
    '/api/costing?status=active',
  );
  const process = processes.find((p) => p.margin !== null)!;
  const tree = await apiGet<{ steps: { lines: { variantId: number }[] }[] }>(page, `/api/processes/${process.processId}`);
  const variantId = tree.steps.flatMap((s) => s.lines)[0]!.variantId;
  const { highest: rate } = await apiGet<{ highest: Rate }>(page, `/api/variants/${variantId}/supplier-comparison`);
  const variant = await apiGet<{ itemId: number; item: string; color: string; size: string }>(page, `/api/variants/${variantId}`);
  // Five times dearer (and 10 more): enough to move the process's margin.
  const dearer = (Number(rate.costPerUnit) * 5 + 10).toFixed(2);
  const expected = await apiSend<{ processes: Move[] }>(page, 'POST', '/api/rates/what-if', { changes: [{ rateId: rate.rateId, costPerUnit: dearer }] });
  const move = expected.processes.find((p) => p.processId === process.processId);
  assert.ok(move, `the what-if moves ${process.name}`);
  return { process, rate, variant, dearer, move };
}

webArea('what a rate change does to the margins', (suite) => {
  const { adminAt, checkPage } = suite;

  test('change a rate, see the margins it moves before saving; nothing is saved until Save', async () => {
    const w = await adminAt('/suppliers');
    const { page } = w;
    const { process, rate, variant, dearer, move } = await decidingRate(page);

    await page.goto(`/suppliers/${rate.supplierId}`);
    const main = page.getByRole('main');
    await section(page, 'Rates').getByRole('table').waitFor();
    await settled(page);
    await page.getByLabel('Search rates', { exact: true }).fill(variant.item);
    const edit = main.getByRole('button', {
      name: `Edit the rate for ${variant.item} — ${variant.color} / ${variant.size} from ${shownDay(rate.effectiveFrom)}`,
      exact: true,
    });
    await edit.click();
    const cost = page.getByLabel('Rate per unit', { exact: true });
    await cost.fill('');
    await cost.pressSequentially(dearer, { delay: 20 });

    // As typed: the process's row shows its margin before → after, and whether it falls below target.
    const margins = page.getByRole('region', { name: 'Margins before saving' });
    const row = margins.getByRole('row').filter({ has: page.getByRole('link', { name: process.name, exact: true }) });
    await waitFor(
      async () => (await row.count()) === 1 && (await row.innerText()).includes(`${move.before.margin}% → ${move.after.margin}%`),
      `${process.name}'s margin ${move.before.margin}% → ${move.after.margin}% before saving`,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; the section says: ${await margins.innerText().catch(() => '(none)')}`);
    });
    if (move.crossed === 'below') assert.match(await row.innerText(), /falls below target/);
    assert.match(await margins.getByRole('status').first().innerText(), /^Saving this change would move \d+ process/);
    // Nothing is saved: the rate is as it was, and costing says so.
    assert.equal((await apiGet<Rate>(page, `/api/rates/${rate.rateId}`)).costPerUnit, rate.costPerUnit);
    assert.equal(
      (await apiGet<{ margin: { worst: string } }>(page, `/api/processes/${process.processId}/cost`)).margin.worst,
      move.before.margin,
      'the margin is unchanged until Save',
    );
    await checkPage(w, 'rate-what-if');
    await page.setViewportSize({ width: 1024, height: 768 });
    await checkPage(w, 'rate-what-if-1024');
    await page.setViewportSize(TABLET);
    await checkPage(w, 'rate-what-if-768');

    // A refused change shows saving's reason instead of margins.
    await page.getByLabel('Effective to (empty: open-ended)', { exact: true }).fill('01/01/2001');
    await waitFor(async () => (await margins.innerText()).includes('Saving as it stands would be refused'), 'the refusal before saving');
    await main.getByRole('button', { name: 'Cancel', exact: true }).click();
    assert.equal((await apiGet<Rate>(page, `/api/rates/${rate.rateId}`)).costPerUnit, rate.costPerUnit, 'cancelled: nothing saved');
  });

  test('the dashboard’s margin watch lists the processes below their target, each a link', async () => {
    for (const viewport of [undefined, TABLET]) {
      const w = await adminAt('/', viewport);
      const { page } = w;
      const watch = await apiGet<{ costed: number; processes: { processId: number; name: string; margin: string; targetMargin: string }[] }>(
        page,
        '/api/margins/watch',
      );
      const panel = section(page, 'Margin watch');
      await panel.waitFor();
      await settled(page);
      if (watch.processes.length === 0) await panel.getByText(/at or above their target margin|No active process/).waitFor();
      for (const p of watch.processes) {
        const link = panel.getByRole('link', { name: p.name, exact: true });
        await link.waitFor();
        assert.equal(await link.getAttribute('href'), `/processes/${p.processId}`);
        assert.match(await panel.innerText(), new RegExp(`${literal(p.name)}: margin ${literal(p.margin)}% against a target of ${literal(p.targetMargin)}%`));
      }
      await checkPage(w, viewport ? 'dashboard-margin-watch-768' : 'dashboard-margin-watch');
    }
  });

  test('a rates file’s preview shows the margins the file would move, before it is imported', async () => {
    const w = await adminAt('/imports');
    const { page } = w;
    const { process, rate, variant, dearer, move } = await decidingRate(page);
    const item = await apiGet<{ model: string | null; variation: string | null }>(page, `/api/items/${variant.itemId}`);
    const csv = [
      'Supplier,Item,Model,Variation,Color,Size,Cost,Effective From',
      [rate.firmName, variant.item, item.model, item.variation, variant.color, variant.size, dearer, rate.effectiveFrom].map(cell).join(','),
    ].join('\n');
    const upload = section(page, 'Upload a file');
    await upload.getByLabel('What the file holds').selectOption({ label: 'Supplier rates' });
    await upload.getByLabel(/^File/).setInputFiles({ name: 'dearer.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await upload.getByRole('button', { name: 'Upload and preview', exact: true }).click();
    await arrive(page, (u) => /^\/imports\/\d+$/.test(u.pathname), '/imports/{id}');
    const preview = section(page, 'Preview');
    const margins = preview.getByRole('region', { name: 'Margins this file moves' });
    const row = margins.getByRole('row').filter({ has: page.getByRole('link', { name: process.name, exact: true }) });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${literal(`${move.before.margin}% → ${move.after.margin}%`)}`));
    assert.match(await preview.innerText(), /rate updated/);
    assert.equal((await apiGet<Rate>(page, `/api/rates/${rate.rateId}`)).costPerUnit, rate.costPerUnit, 'a preview saves nothing');
    await checkPage(w, 'import-preview-margins');
    await preview.getByRole('button', { name: 'Cancel import', exact: true }).click();
    await preview.getByRole('button', { name: 'Yes, cancel import', exact: true }).click();
    await waitFor(
      async () => (await apiGet<{ ended: boolean }>(page, `/api/imports/${/\d+$/.exec(new URL(page.url()).pathname)![0]}`)).ended,
      'the import cancelled',
    );
    assert.equal((await apiGet<Rate>(page, `/api/rates/${rate.rateId}`)).costPerUnit, rate.costPerUnit, 'cancelled: nothing imported');
  });
});
