// Production lots in a real browser, as a planner and the floor use them: the list with its
// filters in the address, the creation wizard (process → quantity → substitutes → stock
// check), and a lot's page moving it ready → in progress → completed, which consumes stock and
// records the actual cost and its variance. Refusals show the API's message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitFor } from '../../helpers/wait.ts';
import { formatQuantity } from '../../../web/src/format.ts';
import { TABLET, apiGet, arrive, figures, section, settled, status, submitLogin, webArea } from '../harness.ts';

interface LotShape {
  lotId: number;
  lotNumber: string;
  status: string;
  actualCost: string | null;
  costVariance: string | null;
  selections: { groupId: number; group: string; variantId: number; item: string; color: string; size: string; quantity: string }[];
  unselectedGroups: { groupId: number; name: string }[];
  actions: { action: string; label: string; needsReason: boolean; confirm: string | null }[];
}

const SPARROW = 'Sparrow 12 Kids Bicycle';

/** An unsafe API call with the page's session and its CSRF token; the JSON answer. */
async function apiSend<T>(page: Page, method: 'POST' | 'PUT', path: string, data: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(page, '/api/auth/me');
  const res = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': me.csrfToken } });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The lot's status badge, as its page shows it under "Status". */
async function waitForStatus(page: Page, words: string): Promise<void> {
  const facts = page.getByRole('main').locator('dl').first();
  await waitFor(async () => (await facts.innerText()).includes(words), `the lot to show the status ${words}`).catch(async (err: Error) => {
    throw new Error(`${err.message}:\n${await page.getByRole('main').innerText()}`);
  });
}

/** The text of the API's error answering the next request to `pathname`, once `action` has run. */
async function apiMessage(page: Page, pathname: string, action: () => Promise<void>): Promise<string> {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === pathname);
  await action();
  const body = (await (await answer).json()) as { error: { message: string } };
  return body.error.message;
}

/** Waits for an alert on the page that shows `message`; its text. */
async function alertShowing(page: Page, message: string): Promise<string> {
  // A refusal of one field ("quantity: write …") is shown as the field's label and its sentence.
  const sentence = message.replace(/^[\w.[\]]+: /, '');
  const alert = page.getByRole('alert').filter({ hasText: sentence.slice(0, 60) });
  await alert.first().waitFor();
  const shown = await alert.first().innerText();
  assert.ok(shown.includes(sentence), `the alert shows the API's message "${sentence}": ${shown}`);
  return shown;
}

webArea('production lots in a real browser', ({ adminAt, open, checkPage }) => {
  test('a lot made through the wizard with chosen substitutes passes its stock check, is readied, started and completed, and its stock falls', async () => {
    const w = await adminAt('/lots');
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Lots', exact: true }).waitFor();
    await settled(page);
    // The demo's four lots, newest first, each number a link to its page.
    const listed = await apiGet<{ total: number; lots: { lotId: number; lotNumber: string }[] }>(page, '/api/lots?limit=25');
    const links = await main.getByRole('table').getByRole('link').allInnerTexts();
    assert.deepEqual(
      links,
      listed.lots.map((l) => l.lotNumber),
      'the list shows the lots as the API orders them',
    );
    await checkPage(w, 'lots-list');

    // Step 1: the process, found by searching the active ones.
    await main.getByRole('link', { name: 'New lot', exact: true }).click();
    await arrive(page, (u) => u.pathname === '/lots/new', '/lots/new');
    await main.getByRole('heading', { level: 2, name: /Step 1 of 4/ }).waitFor();
    await main.getByRole('searchbox', { name: 'Search active processes' }).fill('sparrow');
    await waitFor(async () => (await main.getByRole('radio').count()) === 1, 'the search for "sparrow" to leave one process');
    await main.getByRole('radio', { name: SPARROW, exact: true }).check();
    await checkPage(w, 'lot-new-process');
    await main.getByRole('button', { name: 'Next: Quantity', exact: true }).click();

    // Step 2: a quantity the API refuses shows its message, naming the field; then a good one.
    await main.getByRole('heading', { level: 2, name: /Step 2 of 4/ }).waitFor();
    const quantity = main.getByLabel('Quantity', { exact: true });
    const sparrow = (await apiGet<{ processes: { name: string; lotSize: number }[] }>(page, '/api/processes?q=sparrow')).processes[0]!;
    assert.equal(await quantity.inputValue(), String(sparrow.lotSize), 'a lot of the process’s usual size unless another is typed');
    await quantity.fill('0');
    await w.expecting(status(400), async () => {
      const message = await apiMessage(page, `/api/processes/${await processId(page)}/cost`, () =>
        main.getByRole('button', { name: 'Next: Substitutes', exact: true }).click(),
      );
      const shown = await alertShowing(page, message);
      assert.match(shown, /^Quantity:/, 'the error names the field');
    });
    await quantity.fill('2');
    await main.getByRole('button', { name: 'Next: Substitutes', exact: true }).click();

    // Step 3: a variant for each group, each alternative with its stock and its cost for the lot.
    await main.getByRole('heading', { level: 2, name: /Step 3 of 4/ }).waitFor();
    await settled(page);
    const frames = main.getByRole('group', { name: /Frame colour/ });
    const frameText = await frames.innerText();
    assert.match(frameText, /in stock/, `each alternative shows its stock:\n${frameText}`);
    assert.match(frameText, /Cost for the lot: ₹[\d,]+\.\d\d/, `each alternative shows its cost for the lot:\n${frameText}`);
    assert.match(frameText, /Needs 2 pcs/, 'what the lot needs of it: 1 a unit × 2');
    await frames.getByRole('radio', { name: 'Painted Frame · Navy · 12 inch' }).check();
    await main.getByRole('group', { name: /Seat/ }).getByRole('radio', { name: 'Seat · Red · General' }).check();
    // Back and Next keep what was entered.
    await main.getByRole('button', { name: 'Back: Quantity', exact: true }).click();
    await main.getByRole('heading', { level: 2, name: /Step 2 of 4/ }).waitFor();
    assert.equal(await main.getByLabel('Quantity', { exact: true }).inputValue(), '2');
    await main.getByRole('button', { name: 'Next: Substitutes', exact: true }).click();
    await main.getByRole('heading', { level: 2, name: /Step 3 of 4/ }).waitFor();
    await settled(page);
    assert.equal(await main.getByRole('radio', { name: 'Painted Frame · Navy · 12 inch' }).isChecked(), true, 'the frame chosen before is still chosen');
    await main
      .getByRole('group', { name: /Mudguards/ })
      .getByRole('radio', { name: 'Pvc Mudguard · Navy · 12 inch' })
      .check();
    await main.getByRole('button', { name: 'Next: Stock check', exact: true }).click();

    // Step 4: the stock check covers everything; create.
    await main.getByRole('heading', { level: 2, name: /Step 4 of 4/ }).waitFor();
    await settled(page);
    const checkText = await main.innerText();
    assert.match(checkText, /Stock covers all \d+ variants/, `the stock check finds nothing short:\n${checkText}`);
    assert.match(checkText, /Painted Frame · Navy · 12 inch\s+2 pcs/, 'the table lists what the lot needs of the chosen frame');
    await checkPage(w, 'lot-new-stock-check');
    await main.getByRole('button', { name: 'Create lot', exact: true }).click();
    await arrive(page, (u) => /^\/lots\/\d+$/.test(u.pathname), 'the new lot’s page');
    const lotId = Number(new URL(page.url()).pathname.split('/').pop());
    let lot = await apiGet<LotShape>(page, `/api/lots/${lotId}`);
    await main.getByRole('heading', { level: 1, name: `Lot ${lot.lotNumber}` }).waitFor();
    await main
      .getByRole('status')
      .filter({ hasText: `Lot ${lot.lotNumber} created` })
      .waitFor();
    assert.equal(lot.status, 'planning');
    assert.deepEqual(lot.selections.map((s) => `${s.group}: ${s.item} ${s.color}`).sort(), [
      'Frame colour: Painted Frame Navy',
      'Mudguards: Pvc Mudguard Navy',
      'Seat: Seat Red',
    ]);
    await waitForStatus(page, 'Planning');

    // Change a substitute on the lot's page: the Red seat becomes Black.
    await main.getByRole('button', { name: 'Change substitutes', exact: true }).click();
    await settled(page);
    await main.getByRole('group', { name: /Seat/ }).getByRole('radio', { name: 'Seat · Black · General' }).check();
    await main.getByRole('button', { name: 'Save substitutes', exact: true }).click();
    await main.getByRole('status').filter({ hasText: 'Substitutes saved' }).waitFor();
    await waitFor(async () => (await section(page, 'Substitutes').innerText()).includes('Seat · Black · General'), 'the lot to show the Black seat');
    lot = await apiGet<LotShape>(page, `/api/lots/${lotId}`);
    assert.ok(
      lot.selections.some((s) => s.group === 'Seat' && s.color === 'Black'),
      'the API holds the new choice',
    );

    // Exactly the moves the API offers, as buttons (… when the move asks first): planning offers Mark ready and Cancel.
    const actions = section(page, 'Status');
    const buttonsOf = (lot: LotShape) => lot.actions.map((a) => (a.needsReason || a.confirm !== null ? `${a.label}…` : a.label));
    assert.deepEqual(await actions.getByRole('button').allInnerTexts(), buttonsOf(lot));
    assert.deepEqual(await actions.getByRole('button').allInnerTexts(), ['Mark ready', 'Cancel lot…']);
    const stockBefore = new Map<number, number>();
    const needs = await apiGet<{
      sufficient: boolean;
      needs: { variantId: number; item: string; color: string; size: string; unit: string; needed: string; available: string }[];
    }>(page, `/api/lots/${lotId}/stock-check`);
    assert.equal(needs.sufficient, true);
    for (const n of needs.needs) stockBefore.set(n.variantId, Number(n.available));
    assert.match(await section(page, 'Stock check').innerText(), /Stock covers all/);

    await actions.getByRole('button', { name: 'Mark ready', exact: true }).click();
    await waitForStatus(page, 'Ready');
    await actions.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForStatus(page, 'In progress');
    assert.deepEqual(await actions.getByRole('button').allInnerTexts(), buttonsOf(await apiGet<LotShape>(page, `/api/lots/${lotId}`)));
    // Completing cannot be undone: the page shows the API's sentence and asks again before it.
    await actions.getByRole('button', { name: 'Complete…', exact: true }).click();
    const confirmation = actions.getByRole('form', { name: 'Complete' });
    const { actions: offered } = await apiGet<LotShape>(page, `/api/lots/${lotId}`);
    const sentence = offered.find((a) => a.action === 'complete')?.confirm;
    assert.ok(sentence, 'the API asks to confirm completion');
    assert.ok((await confirmation.innerText()).includes(sentence), `the page shows "${sentence}"`);
    // …with what it consumes, in numbers: every variant the stock check lists, at the quantity completion takes.
    const consumes = needs.needs.map((n) => `${formatQuantity(n.needed)} ${n.unit} × ${n.item} · ${n.color} · ${n.size}`);
    assert.ok(consumes.length > 0, 'the lot consumes something');
    assert.ok((await confirmation.innerText()).includes(`It consumes ${consumes.join(', ')}.`), `the page says it consumes ${consumes.join(', ')}`);
    await confirmation.getByRole('button', { name: 'Keep it as it is', exact: true }).click();
    await confirmation.waitFor({ state: 'detached' });
    assert.equal((await apiGet<LotShape>(page, `/api/lots/${lotId}`)).status, 'in_progress', 'keeping it changes nothing');
    await actions.getByRole('button', { name: 'Complete…', exact: true }).click();
    await confirmation.getByRole('button', { name: 'Complete', exact: true }).click();
    await waitForStatus(page, 'Completed');
    await settled(page);

    // Stock fell by what the lot needed, and the page shows the actual cost and the variance.
    for (const n of needs.needs) {
      const v = await apiGet<{ stock: string }>(page, `/api/variants/${n.variantId}`);
      assert.equal(Number(v.stock), stockBefore.get(n.variantId)! - Number(n.needed), `variant ${n.variantId}'s stock fell by ${n.needed}`);
    }
    lot = await apiGet<LotShape>(page, `/api/lots/${lotId}`);
    assert.equal(lot.status, 'completed');
    assert.ok(lot.actualCost && lot.costVariance, 'the lot has an actual cost and a variance');
    const costs = await figures(section(page, 'Costs'));
    for (const amount of [lot.actualCost, lot.costVariance]) {
      assert.ok(costs.includes(Math.abs(Number(amount)).toFixed(2)), `Costs shows ${amount}:\n${await section(page, 'Costs').innerText()}`);
    }
    const history = await section(page, 'History').innerText();
    for (const change of ['Planning → Ready', 'Ready → In progress', 'In progress → Completed'])
      assert.ok(history.includes(change), `History shows ${change}:\n${history}`);
    assert.equal(await actions.getByRole('button').count(), 0, 'a completed lot offers no move');
    await checkPage(w, 'lot-completed');
  });

  test('the list’s status filter narrows it and survives a reload; a refused move and a missing reason show the API’s message (tablet)', async () => {
    const w = await adminAt('/lots', TABLET);
    const { page } = w;
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: 'Lots', exact: true }).waitFor();
    await settled(page);

    // A Sparrow lot far larger than the stock, made through the API, with every group chosen.
    const sparrow = (await apiGet<{ processes: { processId: number }[] }>(page, `/api/processes?q=${encodeURIComponent('Sparrow 12')}&status=active`))
      .processes[0]!;
    const tree = await apiGet<{ steps: { groups: { groupId: number; alternatives: { variantId: number }[] }[] }[] }>(
      page,
      `/api/processes/${sparrow.processId}`,
    );
    const selections = tree.steps.flatMap((s) => s.groups.map((g) => ({ groupId: g.groupId, variantId: g.alternatives[0]!.variantId })));
    const big = await apiSend<LotShape>(page, 'POST', '/api/lots', { processId: sparrow.processId, quantity: 5000, selections });

    const statusFilter = main.getByLabel('Status', { exact: true });
    await statusFilter.selectOption('planning');
    await arrive(page, (u) => u.searchParams.get('status') === 'planning', '?status=planning');
    const planning = await apiGet<{ total: number; lots: { lotNumber: string }[] }>(page, '/api/lots?status=planning&limit=25');
    const shows = async () =>
      JSON.stringify(await main.getByRole('table').getByRole('link').allInnerTexts()) === JSON.stringify(planning.lots.map((l) => l.lotNumber));
    await waitFor(shows, 'the list to show only the planning lots');
    assert.ok(
      planning.lots.some((l) => l.lotNumber === big.lotNumber) && planning.total < (await apiGet<{ total: number }>(page, '/api/lots?limit=1')).total,
      'the filter narrows the list',
    );
    assert.ok(
      (await main.getByRole('table').innerText()).split('\n').every((row) => !/Completed|In progress|Ready/.test(row)),
      'no other status is listed',
    );
    await checkPage(w, 'lots-filtered-tablet');
    await page.reload();
    await settled(page);
    assert.equal(await statusFilter.inputValue(), 'planning', 'a reload keeps the filter');
    await waitFor(shows, 'the reloaded list to show only the planning lots');
    // A search by a part of the lot number, among the planning lots, finds the big lot alone.
    await main.getByLabel('Search lots', { exact: true }).fill(big.lotNumber.slice(-6));
    await arrive(page, (u) => u.searchParams.get('q') === big.lotNumber.slice(-6) && u.searchParams.get('status') === 'planning', '?q= and ?status=planning');
    await waitFor(
      async () => JSON.stringify(await main.getByRole('table').getByRole('link').allInnerTexts()) === JSON.stringify([big.lotNumber]),
      'the search to list the big lot alone',
    );

    // The big lot's page: its stock check says what is short, and marking it ready is refused with the API's message.
    await main.getByRole('link', { name: big.lotNumber, exact: true }).click();
    await arrive(page, (u) => u.pathname === `/lots/${big.lotId}`, `/lots/${big.lotId}`);
    await main.getByRole('heading', { level: 1, name: `Lot ${big.lotNumber}` }).waitFor();
    await settled(page);
    assert.match(await section(page, 'Stock check').innerText(), /variants? (is|are) short: .*by [\d,]+ pcs/);
    assert.match(await section(page, 'Stock check').innerText(), /Short by [\d,]+ pcs/);
    const actions = section(page, 'Status');
    await w.expecting(status(409), async () => {
      const message = await apiMessage(page, `/api/lots/${big.lotId}/ready`, () => actions.getByRole('button', { name: 'Mark ready', exact: true }).click());
      assert.match(message, /cannot be marked ready: .* short/);
      await alertShowing(page, message);
    });
    await waitForStatus(page, 'Planning');
    await checkPage(w, 'lot-refused-tablet');

    // Cancelling asks why: none given, the API's message names the field; then the reason is kept in the history.
    await actions.getByRole('button', { name: 'Cancel lot…', exact: true }).click();
    const reason = actions.getByLabel('Reason', { exact: true });
    await reason.waitFor();
    assert.match(
      await actions.getByRole('form', { name: 'Cancel lot' }).innerText(),
      /cannot be planned or run again\. Its \d+ units? of .+ (is|are) not made, and nothing is taken from stock\./,
      'cancelling is confirmed: the API’s sentence, and what is not made',
    );
    await w.expecting(status(400), async () => {
      const message = await apiMessage(page, `/api/lots/${big.lotId}/cancel`, () => actions.getByRole('button', { name: 'Cancel lot', exact: true }).click());
      assert.match(await alertShowing(page, message), /^Reason:/);
    });
    await reason.fill('Too big for the stock we have');
    await actions.getByRole('button', { name: 'Cancel lot', exact: true }).click();
    await waitForStatus(page, 'Cancelled');
    await waitFor(async () => (await section(page, 'History').innerText()).includes('Too big for the stock we have'), 'the history to show the reason');
    assert.match(await section(page, 'History').innerText(), /Planning → Cancelled\s+Test Admin\s+Too big/);

    // The wizard at tablet width, at its widest step: the substitutes.
    await page.goto(`/lots/new?process=${sparrow.processId}`);
    await main.getByRole('radio', { name: SPARROW, exact: true, checked: true }).waitFor();
    await main.getByRole('button', { name: 'Next: Quantity', exact: true }).click();
    await main.getByLabel('Quantity', { exact: true }).fill('10');
    await main.getByRole('button', { name: 'Next: Substitutes', exact: true }).click();
    await main.getByRole('heading', { level: 2, name: /Step 3 of 4/ }).waitFor();
    await settled(page);
    await checkPage(w, 'lot-new-substitutes-tablet');
  });

  test('an operator sees the moves the API offers an operator: a running lot’s Complete and Mark failed, no Cancel, no New lot, no substitutes to change', async () => {
    const admin = await adminAt('/lots');
    const running = (await apiGet<{ lots: { lotId: number; lotNumber: string }[] }>(admin.page, '/api/lots?status=in_progress&limit=1')).lots[0];
    assert.ok(running, 'the demo has a lot in progress');
    const password = 'operator-on-the-floor-1';
    await apiSend(admin.page, 'POST', '/api/users', { name: 'Olu Operator', email: 'olu@example.com', role: 'operator', password });

    const w = await open();
    const { page } = w;
    await w.expecting(status(401), async () => {
      await page.goto(`/lots/${running.lotId}`);
      await arrive(page, (u) => u.pathname === '/login', '/login');
    });
    await submitLogin(page, 'olu@example.com', password);
    await arrive(page, (u) => u.pathname === `/lots/${running.lotId}`, `/lots/${running.lotId}`);
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: `Lot ${running.lotNumber}` }).waitFor();
    await settled(page);
    const lot = await apiGet<LotShape>(page, `/api/lots/${running.lotId}`);
    const offered = lot.actions.map((a) => a.action);
    assert.ok(offered.includes('complete') && offered.includes('fail') && !offered.includes('cancel'), `the API offers an operator ${offered.join(', ')}`);
    assert.deepEqual(
      await section(page, 'Status').getByRole('button').allInnerTexts(),
      lot.actions.map((a) => `${a.label}…`),
      'each of an operator’s moves there asks first (a sentence to confirm, or a reason)',
    );
    assert.equal(await section(page, 'Substitutes').getByRole('button').count(), 0, 'an operator changes no substitutes');
    await checkPage(w, 'lot-operator');
    await main.getByRole('link', { name: 'Lots', exact: true }).first().click();
    await arrive(page, (u) => u.pathname === '/lots', '/lots');
    await main.getByRole('heading', { level: 1, name: 'Lots', exact: true }).waitFor();
    await settled(page);
    assert.equal(await main.getByRole('link', { name: 'New lot', exact: true }).count(), 0, 'an operator makes no lots');
  });
});

/** The process chosen in the wizard, as the API names it. */
async function processId(page: Page): Promise<number> {
  const found = await apiGet<{ processes: { processId: number; name: string }[] }>(page, `/api/processes?q=${encodeURIComponent(SPARROW)}`);
  return found.processes.find((p) => p.name === SPARROW)!.processId;
}
