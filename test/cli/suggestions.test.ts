// `mtc suggestions` and `mtc lot plan` as a buyer and a planner at a terminal use them (issue
// 22, point 5), on both backends: a lot planned within the supplier's lead time is bought
// for, one after it is later demand; the quantity rounded to the minimum order then to whole
// packs, at the break reached; order makes the draft; a day not accepted exits 2 in words.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { createLot, today } from '../../src/app/lots/lots.ts';
import { backends, withOpen } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { migratedByMtc, mtc } from '../helpers/cli.ts';
import { insertProcess, insertRate, insertVariant } from '../helpers/processes.ts';
import { daysAfter } from '../helpers/days.ts';

for (const backend of backends) {
  describe(`mtc suggestions and mtc lot plan on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let day: string;
    let lots: { near: { lotId: number; lotNumber: string }; far: { lotId: number; lotNumber: string } };
    const run = (...args: string[]) => mtc([...args, '--database', db.url]);
    before(async () => {
      db = await migratedByMtc(backend);
      // Bolts: 3 in stock, none to keep; from Bolt Works (lead time 10 days) at 2.00, from 50 at 1.80, at least 50, in packs of 12. A frame uses 4.
      lots = await withOpen(db, async (d) => {
        day = await today(d);
        const v = await insertVariant(d, 'Cli bolt', { stock: '3', cost: '1' });
        const rate = await insertRate(d, v, { supplier: 'Bolt Works', cost: '2' });
        await d.query('UPDATE public.variant_supplier_pricing SET minimum_order_quantity = 50, pack_size = 12, lead_time_days = 10 WHERE id = $1', [rate]);
        await d.query('INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit) VALUES ($1, 50, 1.8)', [rate]);
        const p = (await insertProcess(d, { name: 'Cli frame', steps: [{ lines: [{ variantId: v, quantity: '4' }] }] })).processId;
        const near = await createLot(d, { processId: p, quantity: 10, plannedStart: daysAfter(day, 4) }, CLI_ACTOR); // 40 bolts on day +4
        const far = await createLot(d, { processId: p, quantity: 5 }, CLI_ACTOR); // 20 bolts, as soon as possible for now
        return { near, far };
      });
    });
    after(async () => {
      await db?.drop();
    });

    test('lot plan moves a lot past the lead time; show then buys for the lot within it, rounded and at the break; order makes the draft', async () => {
      const planned = await run('lot', 'plan', lots.far.lotNumber, '--start', daysAfter(day, 30));
      assert.equal(planned.code, 0, planned.stderr);
      assert.equal(planned.stdout, `Lot ${lots.far.lotNumber} (planning) is planned to start ${daysAfter(day, 30)}.\n`);
      // due 40 − 3 = 37 short → 50 (minimum) → 60 (5 packs of 12), 23 extra, at 1.80 = 108; by day +4 − 10
      const shown = await run('suggestions');
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(
        shown.stdout,
        `Bolt Works (supplier 1): 1 line, 108; lead time 0 days by default; order by ${daysAfter(day, -6)}\n` +
          `  Cli bolt · Natural · One size: order 60 pcs (+23 by rounding) at 1.8 (break from 50; rate 2) = 108; short by 37 (stock 3, threshold 0, lots need 40, on order 0; later 20 from ${daysAfter(day, 30)}); lead time 10 days; order by ${daysAfter(day, -6)}\n`,
      );
      const asJson = JSON.parse((await run('suggestions', 'show', '--json')).stdout) as { suppliers: { lines: { quantity: string; extra: string }[] }[] };
      assert.deepEqual(
        asJson.suppliers.map((g) => g.lines.map((l) => [l.quantity, l.extra])),
        [[['60', '23']]],
      );
      const ordered = await run('suggestions', 'order', '--supplier', '1');
      assert.equal(ordered.code, 0, ordered.stderr);
      assert.match(ordered.stdout, /^Made PO-\d{8}-\d{6} \(draft\) to Bolt Works: 1 line, 108(\.00)?\n$/);
      assert.equal((await run('suggestions')).stdout, 'Nothing to buy: every variant’s stock and what is on order cover its threshold and the lots’ needs.\n');
      const again = await run('suggestions', 'order');
      assert.equal(again.code, 1);
      assert.match(again.stderr, /nothing to order: no variant of these suppliers and variants is short of stock with a supplier rate in effect/);
    });

    test('a day not accepted, a lot that is not there and a bad supplier id are refused in words', async () => {
      const past = await run('lot', 'plan', String(lots.near.lotId), '--start', daysAfter(day, -1));
      assert.equal(past.code, 2);
      assert.equal(past.stderr, `mtc: plannedStart: write a day from today (${day}) to ${daysAfter(day, 730)}, not ${daysAfter(day, -1)}\n`);
      const notADay = await run('lot', 'plan', String(lots.near.lotId), '--start', 'next week');
      assert.equal(notADay.code, 2);
      assert.match(notADay.stderr, /plannedStart: write a real day as YYYY-MM-DD \(not "next week"\), or nothing for as soon as possible/);
      const none = await run('lot', 'plan', 'LOT-19990101-000001', '--start', 'asap');
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no production lot LOT-19990101-000001: give its id or its number/);
      const noStart = await run('lot', 'plan', String(lots.near.lotId));
      assert.equal(noStart.code, 2);
      assert.match(noStart.stderr, /mtc lot plan needs --start YYYY-MM-DD, or --start asap/);
      const badSupplier = await run('suggestions', '--supplier', 'Bolt Works');
      assert.equal(badSupplier.code, 2);
      assert.match(badSupplier.stderr, /--supplier Bolt Works: write a supplier's id, a whole number from 1/);
      const asap = await run('lot', 'plan', String(lots.near.lotId), '--start', 'asap', '--json');
      assert.equal(asap.code, 0, asap.stderr);
      assert.equal((JSON.parse(asap.stdout) as { lot: { plannedStart: string | null } }).lot.plannedStart, null);
    });
  });
}
