// The process editor and the subprocess library in a real browser, as a planner uses them:
// the library searched and added to (a duplicate name refused with the API's message); a
// new process built from the library with a line and a substitute group of two
// alternatives, its worst and best cost changing as it is edited and agreeing with the API's
// costing once saved; steps reordered by keyboard and by drag-and-drop; an unpriced variant
// flagged; the API's refusals (activating a process with no step) shown. The editor costs a
// run: at the process's usual lot size, or a run size typed, per unit and margin as the API's
// ?quantity=N; its steps fold, one open at a time or all; long names and descriptions are read
// whole; quantities are written one way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { findVariant } from '../finder.ts';
import { waitFor } from '../../helpers/wait.ts';
import { formatQuantity } from '../../../web/src/format.ts';
import { centsText, costDraft, money } from '../../../web/src/processes/cost.ts';
import type { Rates } from '../../../web/src/processes/cost.ts';
import { draftOf } from '../../../web/src/processes/model.ts';
import type { ApiProcess } from '../../../web/src/processes/model.ts';
import { ratesOf } from '../../../web/src/processes/rates.ts';
import type { UnitCosts } from '../../../web/src/processes/rates.ts';
import { TABLET, apiGet, arrive, section, settled, status, submitLogin, webArea } from '../harness.ts';

interface Cost {
  quantity: number;
  total: { worst: string; best: string };
  unit: { worst: string; best: string };
  margin: { worst: string; best: string } | null;
  complete: boolean;
  unpriced: { variantId: number; item: string; color: string }[];
  subprocesses: { name: string; total: { worst: string; best: string } }[];
  profit: { worst: string; best: string } | null;
}
interface Process {
  status: string;
  steps: { name: string; lines: { variantId: number }[]; groups: { name: string; alternatives: { variantId: number }[] }[] }[];
}

/** "₹1,234.50" as the API writes it: "1234.50" (a minus sign as "-"). */
const plain = (shown: string) => shown.replace(/[,\s\u00a0\u202f₹]/g, '').replace('−', '-');

/** The editor's worst and best total as shown in the Cost section. */
async function shownTotal(page: Page): Promise<{ worst: string; best: string }> {
  const cost = section(page, 'Cost');
  return {
    worst: plain(await cost.locator('[data-figure="worst"]').innerText()),
    best: plain(await cost.locator('[data-figure="best"]').innerText()),
  };
}

/** The editor's margins as shown in the Cost section. */
async function shownMargin(page: Page): Promise<{ worst: string; best: string }> {
  const cost = section(page, 'Cost');
  return {
    worst: plain(await cost.locator('[data-figure="margin-worst"]').innerText()),
    best: plain(await cost.locator('[data-figure="margin-best"]').innerText()),
  };
}

/** Opens the step card named `name` (folding the one open), unless it is open already. */
async function openStep(page: Page, name: string): Promise<void> {
  const show = section(page, 'Steps').getByRole('button', { name: `Show details of ${name}`, exact: true });
  if ((await show.count()) > 0) await show.click();
  await section(page, 'Steps')
    .getByRole('button', { name: `Hide details of ${name}`, exact: true })
    .waitFor();
}

/** Waits until the shown total differs from `before` and no rate is still being fetched; the new total. */
async function totalChangedFrom(page: Page, before: { worst: string; best: string }, what: string) {
  let now = before;
  await waitFor(async () => {
    if ((await page.getByText(/Fetching the rates/).count()) > 0) return false;
    now = await shownTotal(page);
    return now.worst !== before.worst || now.best !== before.best;
  }, `the total to change after ${what}`);
  return now;
}

/** An unsafe API call with the page's session and its CSRF token. */
async function apiWrite<T>(page: Page, method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
  const res = await page.request.fetch(path, { method, data: body, headers: { 'x-csrf-token': me.csrfToken } });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** In the step card `step`, finds a variant by `search` in the variant finder, picks the one of an item matching `item` whose label contains `variant` ("Black / 16 inch"), and adds it to `to`. */
async function addVariant(step: Locator, search: string, item: RegExp, variant: string, quantity: string, to: string | RegExp) {
  await findVariant(step, search, new RegExp(`${item.source.replace(/^\^/, '^')}.* — .*${variant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await step.getByLabel('Quantity', { exact: true }).fill(quantity);
  const target = step.getByLabel('Add to');
  const targets = await target.locator('option').allTextContents();
  await target.selectOption({ label: targets.find((t) => (typeof to === 'string' ? t === to : to.test(t)))! });
  await step.getByRole('button', { name: 'Add variant', exact: true }).click();
}

/** Fails when the page is wider than the window (a tablet would scroll it sideways). */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the page at ${page.url()} is ${scroll} px wide in a ${client} px window`);
}

/** The step cards' titles, in order. */
async function stepTitles(page: Page): Promise<string[]> {
  return (await section(page, 'Steps').getByRole('heading', { level: 3 }).allInnerTexts()).map((t) => t.replace(/^\d+\.\s*/, '').trim());
}

webArea('processes and the subprocess library in a real browser', ({ backend, adminAt, open, checkPage }) => {
  test('the library: add a subprocess, a duplicate name is refused with the API’s message, search, edit', async () => {
    const w = await adminAt('/subprocesses');
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: 'Subprocesses' }).waitFor();
    await checkPage(w, 'subprocesses');

    const add = section(page, 'Add a subprocess');
    await add.getByLabel('Name').fill('Wheel Truing');
    await add.getByLabel('Category').fill('Wheels');
    await add.getByLabel('Labour cost').fill('45.50');
    await add.getByRole('button', { name: 'Add subprocess' }).click();
    await page.getByRole('status').filter({ hasText: 'Added “Wheel Truing”' }).waitFor();

    // The same name again (another case): the API refuses, and its message is shown.
    await w.expecting(status(409), async () => {
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/subprocesses') && r.request().method() === 'POST');
      await add.getByLabel('Name').fill('wheel truing');
      await add.getByRole('button', { name: 'Add subprocess' }).click();
      const body = (await (await answer).json()) as { error: { message: string } };
      await add.getByRole('alert').filter({ hasText: body.error.message }).waitFor();
    });

    const library = section(page, 'Library');
    await library.getByLabel('Search subprocesses').fill('truing');
    await arrive(page, (u) => u.searchParams.get('q') === 'truing', '?q=truing');
    await waitFor(async () => (await library.getByRole('row').count()) === 2, 'one subprocess found');
    const row = library.getByRole('row', { name: /Wheel Truing/ });
    assert.match(await row.innerText(), /45\.50/);

    await row.getByRole('button', { name: 'Edit Wheel Truing' }).click();
    const edit = section(page, 'Edit “Wheel Truing”');
    await edit.getByLabel('Labour cost').fill('50');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved “Wheel Truing”' }).waitFor();
    await waitFor(async () => /50\.00/.test(await library.getByRole('row', { name: /Wheel Truing/ }).innerText()), 'the new labour cost in the list');
    const found = await apiGet<{ subprocesses: { name: string; labourCost: string }[] }>(page, '/api/subprocesses?q=truing');
    assert.deepEqual(
      found.subprocesses.map((s) => [s.name, s.labourCost]),
      [['Wheel Truing', '50.00']],
    );
    await checkPage(w, 'subprocesses-edited');

    // Deleted, after a confirmation in its row: it leaves the library.
    await library.getByRole('button', { name: 'Delete Wheel Truing' }).click();
    await library.getByRole('button', { name: 'Delete it' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted “Wheel Truing”' }).waitFor();
    assert.equal((await apiGet<{ total: number }>(page, '/api/subprocesses?q=truing')).total, 0);

    // On a tablet (the same session, the window narrowed).
    await page.setViewportSize(TABLET);
    await page.goto('/subprocesses');
    await page.getByRole('heading', { level: 1, name: 'Subprocesses' }).waitFor();
    await checkPage(w, 'subprocesses-tablet');
    await fitsWidth(page);
    await page.close();
  });

  test('create a process with a substitute group and see its cost, reorder its steps, an unpriced variant flagged', async () => {
    const w = await adminAt('/processes');
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: 'Processes' }).waitFor();

    // The editor's costing, run on the demo's processes (groups, cost items, fixed and per-unit
    // additional costs, sales prices) from the rates it fetches, is the API's to the paisa.
    const demo = await apiGet<{ processes: { processId: number }[] }>(page, '/api/processes?limit=100');
    for (const { processId } of demo.processes) {
      const p = await apiGet<ApiProcess>(page, `/api/processes/${processId}`);
      const ids = [...new Set(p.steps.flatMap((s) => [...s.lines, ...s.groups.flatMap((g) => g.alternatives)].map((l) => l.variantId)))];
      const rates: Rates = ratesOf(await apiGet<UnitCosts>(page, `/api/unit-costs?variantIds=${ids.join(',')}`));
      // At its usual lot size (the API's default) and at other runs, fixed costs shared over them.
      for (const run of [undefined, 1, 7, 1000]) {
        const size = run ?? (p as ApiProcess & { lotSize: number }).lotSize;
        const mine = costDraft(draftOf(p), rates, size);
        const theirs = await apiGet<Cost>(page, `/api/processes/${processId}/cost${run === undefined ? '' : `?quantity=${run}`}`);
        assert.equal(theirs.quantity, size);
        assert.deepEqual(
          {
            run: { worst: money(mine.run.worst), best: money(mine.run.best) },
            unit: { worst: money(mine.total.worst), best: money(mine.total.best) },
            steps: mine.steps.map((c) => ({ worst: money(c.total.worst), best: money(c.total.best) })),
            margin: mine.margin && { worst: centsText(mine.margin.worst), best: centsText(mine.margin.best) },
          },
          { run: theirs.total, unit: theirs.unit, steps: theirs.subprocesses.map((s) => s.total), margin: theirs.margin },
          `process ${processId}, a run of ${size}`,
        );
      }
    }
    await settled(page);
    await checkPage(w, 'processes');

    // A new draft opens in its editor.
    const name = `Test Tricycle ${backend.name}`;
    const create = section(page, 'New process');
    await create.getByLabel('Name').fill(name);
    await create.getByLabel('Sales price').fill('2500');
    await create.getByRole('button', { name: 'Create draft' }).click();
    await arrive(page, (u) => /^\/processes\/\d+$/.test(u.pathname), 'the new process’s editor');
    const processId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();

    // Activating it with no step: the API refuses, and says why.
    const statusSection = section(page, 'Status');
    await w.expecting(status(409), async () => {
      const answer = page.waitForResponse((r) => r.url().endsWith(`/api/processes/${processId}/activate`));
      await statusSection.getByRole('button', { name: 'Activate' }).click();
      const body = (await (await answer).json()) as { error: { message: string } };
      await statusSection.getByRole('alert').filter({ hasText: body.error.message }).waitFor();
    });

    // Three steps from the library.
    const steps = section(page, 'Steps');
    for (const sub of ['Wheel Building', 'Final Assembly', 'Quality Check']) {
      await steps.getByLabel('Search the library').fill(sub);
      const choice = steps.getByLabel('Subprocess', { exact: true });
      await waitFor(async () => (await choice.locator('option').allTextContents()).some((t) => t.startsWith(sub)), `${sub} in the library`);
      await choice.selectOption({ label: (await choice.locator('option').allTextContents()).find((t) => t.startsWith(sub))! });
      await steps.getByRole('button', { name: 'Add step' }).click();
    }
    assert.deepEqual(await stepTitles(page), ['Wheel Building', 'Final Assembly', 'Quality Check']);
    await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor();
    const labourOnly = await shownTotal(page);

    // A line: two tyres in Wheel Building (added last, Quality Check is the step open: opening another folds it).
    const wheel = steps.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: /Wheel Building/ }) });
    await openStep(page, 'Wheel Building');
    await addVariant(wheel, 'tyre black 16', /^Tyre/, 'Black / 16 inch', '2', 'Variant lines');
    const withLine = await totalChangedFrom(page, labourOnly, 'a line');

    // A substitute group of two seats: worst and best cost change, and differ by the seats' rates.
    const assembly = steps.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: /Final Assembly/ }) });
    await openStep(page, 'Final Assembly');
    assert.equal(await wheel.getByLabel('Variant', { exact: true }).count(), 0, 'opening a step folds the one open');
    await assembly.getByLabel('New substitute group').fill('Seat');
    await assembly.getByRole('button', { name: 'Add group' }).click();
    await addVariant(assembly, 'seat black', /^Seat/, 'Black', '1', /Seat/);
    const oneSeat = await totalChangedFrom(page, withLine, 'a first alternative');
    await addVariant(assembly, 'seat red', /^Seat/, 'Red', '1', /Seat/);
    await assembly.getByRole('table', { name: 'Alternatives of group Seat' }).getByRole('row').nth(2).waitFor();
    // A quantity edited: the figures follow at once.
    await assembly.getByLabel(/^Quantity of Seat Red/).fill('3');
    await totalChangedFrom(page, oneSeat, 'an alternative’s quantity');
    // A quantity that is not one: said on the line, and Save says what to put right, saving nothing.
    await assembly.getByLabel(/^Quantity of Seat Red/).fill('0');
    await assembly.getByText('Above zero, at most 4 decimals').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /the quantity of Seat Red/ })
      .waitFor();
    assert.equal((await apiGet<Process>(page, `/api/processes/${processId}`)).steps.length, 0, 'nothing was saved');
    await assembly.getByLabel(/^Quantity of Seat Red/).fill('1');
    await waitFor(async () => (await assembly.getByText('worst case', { exact: false }).count()) > 0, 'the alternative deciding the worst case marked');

    // Saved, the page's figures are the API's to the paisa: the total and each step.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved at/ })
      .waitFor();
    const shown = await shownTotal(page);
    const cost = await apiGet<Cost>(page, `/api/processes/${processId}/cost`);
    assert.deepEqual(shown, cost.unit, 'the editor’s cost per unit is the API’s');
    assert.ok(cost.complete, 'every variant used so far has a rate');
    const saved = await apiGet<Process>(page, `/api/processes/${processId}`);
    assert.deepEqual(
      saved.steps.map((s) => [s.name, s.lines.length, s.groups.map((g) => [g.name, g.alternatives.length])]),
      [
        ['Wheel Building', 1, []],
        ['Final Assembly', 0, [['Seat', 2]]],
        ['Quality Check', 0, []],
      ],
    );
    const chart = page.getByRole('table', { name: /Costs by subprocess/ });
    for (const s of cost.subprocesses) {
      const row = plain(await chart.getByRole('row', { name: new RegExp(s.name) }).innerText());
      assert.ok(row.includes(s.total.worst) && row.includes(s.total.best), `the chart's ${s.name} shows ${s.total.worst} and ${s.total.best}: ${row}`);
    }
    await checkPage(w, 'process-editor');

    // Reordered by keyboard: Quality Check moved up with its button, focus staying on it.
    const up = steps.getByRole('button', { name: 'Move up: Quality Check' });
    await up.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await stepTitles(page), ['Wheel Building', 'Quality Check', 'Final Assembly']);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Move up: Quality Check');
    // …and by drag and drop: Final Assembly dragged by its handle onto the first step.
    await page.getByTestId('drag-3').dragTo(steps.getByRole('listitem').first());
    await waitFor(async () => (await stepTitles(page))[0] === 'Final Assembly', 'Final Assembly dragged first');
    assert.deepEqual(await stepTitles(page), ['Final Assembly', 'Wheel Building', 'Quality Check']);

    // A variant with no rate: flagged on its line and in the summary, in words.
    const tyre = (await apiGet<{ items: { itemId: number; name: string }[] }>(page, '/api/items?q=tyre')).items.find((i) => i.name === 'Tyre')!;
    const bare = await apiWrite<{ variantId: number }>(page, 'POST', `/api/items/${tyre.itemId}/variants`, {
      color: `Unpriced ${backend.name}`,
      size: '16 inch',
    });
    const beforeBare = await shownTotal(page);
    await openStep(page, 'Wheel Building');
    await addVariant(wheel, `tyre unpriced`, /^Tyre/, `Unpriced ${backend.name}`, '1', 'Variant lines');
    await wheel.getByText('Unpriced: no active rate').waitFor();
    const summary = section(page, 'Cost');
    await summary.getByText(/Incomplete/).waitFor();
    assert.match(await summary.innerText(), new RegExp(`Tyre · Unpriced ${backend.name}`));
    assert.deepEqual(await shownTotal(page), beforeBare, 'an unpriced line adds nothing');

    // Leaving with unsaved changes asks first; declined, the editor stays with them.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.message()))));
    await page.getByRole('link', { name: 'Processes' }).first().click();
    assert.match(await asked, /unsaved changes/);
    assert.equal(new URL(page.url()).pathname, `/processes/${processId}`);
    // …and so does the browser's Back button.
    const askedBack = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.message()))));
    await page.goBack();
    assert.match(await askedBack, /unsaved changes/);
    await arrive(page, (u) => u.pathname === `/processes/${processId}`, `back at /processes/${processId}`);
    await wheel.getByText('Unpriced: no active rate').waitFor();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved at/ })
      .waitFor();
    const after = await apiGet<Cost>(page, `/api/processes/${processId}/cost`);
    assert.equal(after.complete, false);
    assert.deepEqual(
      after.unpriced.map((u) => u.variantId),
      [bare.variantId],
    );
    assert.deepEqual(await shownTotal(page), after.unit);
    assert.deepEqual(
      (await apiGet<Process>(page, `/api/processes/${processId}`)).steps.map((s) => s.name),
      ['Final Assembly', 'Wheel Building', 'Quality Check'],
      'the new order is saved',
    );

    // With steps, it can be activated; the buttons are then the moves the API offers an active process.
    await statusSection.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('heading', { level: 1, name: /Active/ }).waitFor();
    const activated = await apiGet<Process & { actions: { label: string }[] }>(page, `/api/processes/${processId}`);
    assert.equal(activated.status, 'active');
    assert.deepEqual(
      await statusSection.getByRole('button').allInnerTexts(),
      activated.actions.map((a) => a.label),
    );
    await statusSection.getByText('It takes new lots.').waitFor();
    await checkPage(w, 'process-editor-saved');

    // On a tablet (the same session, the window narrowed): the editor, and the list filtered by status.
    await page.setViewportSize(TABLET);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
    await checkPage(w, 'process-editor-tablet');
    await fitsWidth(page);
    await page.goto('/processes?status=active');
    await page.getByRole('link', { name }).waitFor();
    await checkPage(w, 'processes-tablet');
    await fitsWidth(page);

    // Copied under another name: the copy is a draft with the same steps, opened in its editor.
    await page.getByRole('button', { name: `Copy ${name}` }).click();
    await page.getByLabel('Name of the copy').fill(`${name} II`);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await arrive(page, (u) => /^\/processes\/\d+$/.test(u.pathname) && u.pathname !== `/processes/${processId}`, 'the copy’s editor');
    await page.getByRole('heading', { level: 1, name: new RegExp(`${name} II.*Draft`) }).waitFor();
    const copyId = Number(new URL(page.url()).pathname.split('/').pop());
    assert.deepEqual(
      (await apiGet<Process>(page, `/api/processes/${copyId}`)).steps.map((s) => s.name),
      ['Final Assembly', 'Wheel Building', 'Quality Check'],
    );
    await page.close();
  });
  test('the editor costs a run: the usual lot size, or a run size typed, per unit and margin as the API’s; steps fold; names read whole; quantities one way', async () => {
    const w = await adminAt('/processes');
    const { page } = w;
    await page.getByRole('heading', { level: 1, name: 'Processes' }).waitFor();
    const list = await apiGet<{ processes: { processId: number; name: string; stepCount: number }[] }>(page, '/api/processes?status=active&limit=100');
    const demo = list.processes.find((p) => p.name === 'Comet 16 Bicycle')!;
    const p = await apiGet<ApiProcess & { lotSize: number }>(page, `/api/processes/${demo.processId}`);
    await page.goto(`/processes/${demo.processId}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(demo.name) }).waitFor();
    await settled(page);
    const cost = section(page, 'Cost');

    // Every step's Remove step reads: its words are not drawn in the colour of its own background.
    const remove = page.getByRole('button', { name: /^Remove step/ }).first();
    const { color, background } = await remove.evaluate((el) => ({ color: getComputedStyle(el).color, background: getComputedStyle(el).backgroundColor }));
    assert.notEqual(color, background, `Remove step's words (${color}) stand out from its background (${background})`);

    // At first, the usual lot size: the figures are the API's default (which is that run), and say which run they are for.
    const runSize = page.getByLabel('Run size');
    assert.equal(await runSize.inputValue(), String(p.lotSize));
    assert.equal(await page.getByLabel('Usual lot size').inputValue(), String(p.lotSize));
    const usual = await apiGet<Cost>(page, `/api/processes/${demo.processId}/cost`);
    assert.equal(usual.quantity, p.lotSize);
    await waitFor(async () => (await page.getByText(/Fetching the rates/).count()) === 0, 'the rates fetched');
    assert.deepEqual(await shownTotal(page), usual.unit, 'per unit at the usual lot size, as the API');
    assert.deepEqual(await shownMargin(page), usual.margin, 'the margin at the usual lot size, as the API');
    assert.ok(Number(usual.margin!.worst) > 0, `the demo process makes a profit at its usual run: ${usual.margin!.worst} %`);
    await cost.getByText(`Worst case, per unit at a run of ${p.lotSize}`, { exact: true }).waitFor();

    // Another run size typed: the figures are the API's for that quantity, at once, and nothing is unsaved.
    for (const n of [1, 7, 250]) {
      await runSize.fill(String(n));
      const theirs = await apiGet<Cost>(page, `/api/processes/${demo.processId}/cost?quantity=${n}`);
      await waitFor(async () => (await shownTotal(page)).worst === theirs.unit.worst, `the cost of a run of ${n}`);
      assert.deepEqual(await shownTotal(page), theirs.unit, `per unit at a run of ${n}, as the API`);
      assert.deepEqual(await shownMargin(page), theirs.margin, `the margin at a run of ${n}, as the API`);
      await cost.getByText(`Worst case, per unit at a run of ${n}`, { exact: true }).waitFor();
    }
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true, 'a run size is not a change to save');
    await runSize.fill('0');
    await cost.getByText(/Enter a whole number of units from 1 to 1,000,000/).waitFor();
    assert.deepEqual(await shownTotal(page), usual.unit, 'a run size that is no number: the usual lot size');
    await cost.getByRole('button', { name: `Back to the usual lot size (${p.lotSize})` }).click();
    assert.equal(await runSize.inputValue(), String(p.lotSize));

    // Steps fold: all folded at first, each a line with its name, line count and cost.
    const steps = section(page, 'Steps');
    const folded = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.equal(await steps.getByRole('button', { name: /^Hide details/ }).count(), 0, 'every step folded');
    for (const [i, s] of p.steps.entries()) {
      const card = steps.getByRole('listitem').nth(i);
      const lines = s.lines.length + s.groups.reduce((n, g) => n + g.alternatives.length, 0);
      const head = await card.innerText();
      assert.match(head, new RegExp(`${lines} lines?`), `${s.name}: its line count`);
      assert.match(plain(head), new RegExp(`Worst${usual.subprocesses[i]!.total.worst.replace('.', '\\.')}`), `${s.name}: its cost`);
      const box = await card.locator('.step-head').boundingBox();
      assert.ok(box && box.height < 60, `${s.name}: its head is one line at 1280 px (${box?.height} px tall)`);
    }
    // One open at a time: opening another folds it.
    const [first, second] = [p.steps[0]!.name, p.steps[1]!.name];
    await openStep(page, first);
    await openStep(page, second);
    assert.equal(await steps.getByRole('button', { name: /^Hide details/ }).count(), 1, 'one step open');
    assert.equal(await steps.getByRole('button', { name: `Show details of ${first}`, exact: true }).count(), 1, `${first} folded again`);
    // …or all, by one control, and all folded again by another.
    await steps.getByRole('button', { name: 'Expand all' }).click();
    assert.equal(await steps.getByRole('button', { name: /^Hide details/ }).count(), p.steps.length);
    const open = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(folded * 2 < open, `folded, the editor is ${folded} px tall; with every step open ${open} px`);
    await checkPage(w, 'process-editor-expanded');
    await steps.getByRole('button', { name: 'Collapse all' }).click();
    assert.equal(await steps.getByRole('button', { name: /^Hide details/ }).count(), 0);

    // Quantities one way: as formatQuantity writes them, without a column's trailing zeros ("0.5", not "0.500"; "1", not "1.0000").
    await steps.getByRole('button', { name: 'Expand all' }).click();
    const quantities = await page.locator('input[aria-label^="Quantity of"]').evaluateAll((all) => all.map((i) => (i as HTMLInputElement).value));
    assert.ok(quantities.length > 10, `the quantities: ${quantities.length}`);
    for (const q of quantities) assert.match(q, /^\d+(\.\d*[1-9])?$/, `a quantity written "${q}"`);
    const apiLine = p.steps[0]!.lines[0]!;
    assert.match(apiLine.quantity, /\.0+$/, 'the API sends a line quantity at its column’s scale');
    assert.equal(
      await page
        .getByLabel(new RegExp(`^Quantity of ${apiLine.item}`))
        .first()
        .inputValue(),
      formatQuantity(apiLine.quantity),
    );

    // Names and descriptions read whole: the demo's "Lacing and truing two wheels", and a long step name typed.
    const lacing = page.locator('textarea[aria-label^="Description of cost item"]').filter({ hasText: 'Lacing and truing two wheels' }).first();
    await lacing.waitFor();
    const fits = (l: Locator) => l.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, value: (e as HTMLInputElement).value }));
    const lacingFit = await fits(lacing);
    assert.ok(lacingFit.scroll <= lacingFit.client, `"${lacingFit.value}" is cut: ${lacingFit.scroll} px in ${lacingFit.client} px`);
    const customName = page.getByLabel('Name in this process').first();
    await customName.fill('Lacing and truing two wheels, then checking the dish and the tension of every spoke');
    const nameFit = await fits(customName);
    assert.ok(nameFit.scroll <= nameFit.client, `the step's name is cut: ${nameFit.scroll} px in ${nameFit.client} px`);
    for (const l of await page.locator('textarea.grow').all()) {
      const f = await fits(l);
      assert.ok(f.scroll <= f.client, `"${f.value}" is cut: ${f.scroll} px in ${f.client} px`);
    }
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('a viewer reads processes and the library but is offered no change: no New process, no Copy, no status move, no Save, no Edit, no Remove or Add in a step', async () => {
    const w = await adminAt('/processes');
    const email = `process.viewer.${backend.name}@example.com`;
    const password = `viewer-pw-${backend.name}-1`;
    await apiWrite(w.page, 'POST', '/api/users', { name: 'Process Viewer', email, role: 'viewer', password });
    const demo = await apiGet<{ processes: { processId: number; name: string; actions: unknown[] }[] }>(w.page, '/api/processes?status=active&limit=1');
    const target = demo.processes[0]!;
    assert.ok(target.actions.length > 0, 'the admin is offered moves of the same process');

    const v = await open();
    const { page } = v;
    await v.expecting(status(401), async () => {
      await page.goto('/login');
      await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
      await submitLogin(page, email, password);
      await arrive(page, (u) => u.pathname === '/', '/');
    });
    await page.goto('/processes');
    await page.getByRole('heading', { level: 1, name: 'Processes' }).waitFor();
    await page.getByRole('link', { name: target.name }).waitFor();
    assert.equal(await section(page, 'New process').count(), 0, 'no New process form');
    assert.equal(await page.getByRole('button', { name: /^Copy / }).count(), 0, 'no Copy');
    assert.deepEqual(
      await page.getByLabel('Status', { exact: true }).locator('option').allInnerTexts(),
      ['Any', 'Draft', 'Active', 'Archived'],
      'the statuses as the API lists them',
    );
    await checkPage(v, 'processes-viewer');

    await page.getByRole('link', { name: target.name }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(target.name) }).waitFor();
    await settled(page);
    const statusSection = section(page, 'Status');
    await statusSection.getByText('It takes new lots.').waitFor();
    assert.equal(await statusSection.getByRole('button').count(), 0, 'no status move');
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0, 'no Save');
    assert.equal(await page.getByRole('button', { name: 'Add step' }).count(), 0, 'no Add step');
    assert.equal(await page.getByRole('button', { name: /^(Move up|Move down|Remove step)/ }).count(), 0, 'no step moved or removed');
    // The steps' details still open and close: reading is not changing.
    const hide = page.getByRole('button', { name: /^Hide details/ });
    assert.equal(await hide.count(), 0, 'the demo process shows its steps folded');
    await page.getByRole('button', { name: 'Expand all' }).click();
    const shown = await hide.count();
    assert.ok(shown > 1, 'Expand all opens every step');
    // Every step open: no control that changes the process, not even a disabled one.
    assert.equal(
      await page.getByRole('button', { name: /^(Remove|Add cost item|Add additional cost|Add variant|Add group)/ }).count(),
      0,
      'no Remove or Add button in any step',
    );
    await hide.first().click();
    await waitFor(async () => (await hide.count()) === shown - 1, 'a step closed');
    assert.ok(await page.getByLabel('Name', { exact: true }).isDisabled(), 'the name cannot be edited');
    await page.getByText('your role does not change processes').waitFor();
    await checkPage(v, 'process-editor-viewer');

    await page.goto('/subprocesses');
    await page.getByRole('heading', { level: 1, name: 'Subprocesses' }).waitFor();
    await settled(page);
    assert.equal(await section(page, 'Add a subprocess').count(), 0, 'no Add a subprocess form');
    assert.equal(await page.getByRole('button', { name: /^(Edit|Delete) / }).count(), 0, 'no Edit or Delete');
    await checkPage(v, 'subprocesses-viewer');
  });
});
