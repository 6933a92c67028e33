// Making (issue 19, points 3 and 4), on PGlite and on the server: a lot's actual cost is what
// it consumed at the stock's average cost plus its labour and additional costs, and its output
// goes into stock at that cost, in the completion's own transaction; a yield loss is recorded
// with its reason. Figures worked out by hand in the comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { postStock } from '../../src/app/items/stock.ts';
import { transitionLot } from '../../src/app/lots/lifecycle.ts';
import { createLot } from '../../src/app/lots/lots.ts';
import { LotError } from '../../src/app/lots/status.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

for (const backend of backends) {
  describe(`finished goods on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    const stock = async (variant: number) =>
      (
        await db.query<{ stock: string; value: string | null }>(
          'SELECT trim_scale(stock)::text AS stock, trim_scale(stock_value)::text AS value FROM public.item_variant WHERE variant_id = $1',
          [variant],
        )
      ).rows[0]!;

    let n = 0;
    /** Material M bought 10 @ 4 and 10 @ 6 (average 5; its rate, for the estimate, 7); a process using 2 M a unit, labour 3 a unit, 10 a run, making F. */
    const setUp = async () => {
      const m = await insertVariant(db, `Tube ${++n}`);
      await insertRate(db, m, { supplier: `Tube mill ${n}`, cost: '7' });
      await db.transaction((tx) =>
        postStock(tx, [
          { variantId: m, type: 'receipt', quantity: '10', unitCost: '4', notes: null, createdBy: null },
          { variantId: m, type: 'receipt', quantity: '10', unitCost: '6', notes: null, createdBy: null },
        ]),
      );
      const f = await insertVariant(db, `Frame ${n}`);
      const p = await insertProcess(db, {
        name: `Weld frame ${n}`,
        steps: [{ lines: [{ variantId: m, quantity: '2' }], costItems: [{ type: 'labour', quantity: '1', rate: '3' }] }],
        additionalCosts: [{ type: 'setup', amount: '10' }],
      });
      await db.query('UPDATE public.processes SET output_variant_id = $2, output_quantity = 1 WHERE id = $1', [p.processId, f]);
      return { m, f, processId: p.processId };
    };
    const run = async (processId: number, quantity: number) => {
      const lot = await createLot(db, { processId, quantity }, ACTOR);
      await transitionLot(db, lot.lotId, 'ready', ACTOR);
      await transitionLot(db, lot.lotId, 'start', ACTOR);
      return lot.lotId;
    };

    test('a completed lot costs what it consumed at the average plus labour and additional costs, and its output goes into stock at that cost', async () => {
      const { m, f, processId } = await setUp();
      const lotId = await run(processId, 4);
      const done = await transitionLot(db, lotId, 'complete', ACTOR);
      // 8 M at 5 = 40; labour 3 × 4 = 12 and the run's 10: 62. The estimate (M at its rate 7): (14 + 3) × 4 + 10 = 78
      assert.equal(done.actualCost, '62.00');
      assert.equal(done.costVariance, '-16.00');
      assert.deepEqual(done.actual?.valuation, { materials: '40', conversion: '22', total: '62.00', complete: true, uncosted: [] });
      assert.deepEqual([done.outputQuantity, done.outputUnitCost, done.outputReason], ['4', '15.5', null]);
      assert.deepEqual(await stock(m), { stock: '12', value: '60' });
      assert.deepEqual(await stock(f), { stock: '4', value: '62' });
      const output = await db.query<{ type: string; quantity: string; value: string }>(
        `SELECT transaction_type AS type, trim_scale(quantity)::text AS quantity, trim_scale(value)::text AS value FROM public.inventory_transactions WHERE production_lot_id = $1 ORDER BY id`,
        [lotId],
      );
      assert.deepEqual(output.rows, [
        { type: 'production', quantity: '-8', value: '-40' },
        { type: 'output', quantity: '4', value: '62' },
      ]);
    });

    test('an output that would take stock past what MTC records refuses the completion, naming the variant, and nothing moves', async () => {
      const { m, f, processId } = await setUp();
      const lotId = await run(processId, 2);
      // the frame's stock (made by hand here) one short of the limit: 2 more are too many
      await db.query('UPDATE public.item_variant SET stock = 999999999, stock_value = 999999999 WHERE variant_id = $1', [f]);
      await assert.rejects(
        transitionLot(db, lotId, 'complete', ACTOR),
        (e: unknown) =>
          e instanceof Error &&
          (e as { code?: string }).code === 'STOCK_TOO_LARGE' &&
          e.message.includes(`variant ${f} (Frame `) &&
          e.message.includes('would hold 1000000001') &&
          /more than stock can record/.test(e.message),
      );
      assert.deepEqual(await stock(m), { stock: '20', value: '100' }, 'nothing was consumed');
      assert.deepEqual(await stock(f), { stock: '999999999', value: '999999999' });
      const lot = await db.query<{ status: string }>('SELECT status FROM public.production_lots WHERE id = $1', [lotId]);
      assert.equal(lot.rows[0]!.status, 'in_progress', 'the lot is still in progress');
      const rows = await db.query('SELECT 1 FROM public.inventory_transactions WHERE production_lot_id = $1', [lotId]);
      assert.equal(rows.rows.length, 0, 'no ledger row was kept');
    });

    test('a yield that differs from the plan needs its reason, and nothing moves without it', async () => {
      const { m, f, processId } = await setUp();
      const lotId = await run(processId, 2);
      await assert.rejects(
        transitionLot(db, lotId, 'complete', ACTOR, { outputQuantity: '1' }),
        (e: unknown) => e instanceof LotError && e.code === 'REASON_REQUIRED' && /was to yield 2: say why it yielded 1/.test(e.message),
      );
      assert.deepEqual(await stock(m), { stock: '20', value: '100' }, 'nothing was consumed');
      assert.deepEqual(await stock(f), { stock: '0', value: null });
      const done = await transitionLot(db, lotId, 'complete', ACTOR, { outputQuantity: '1', reason: 'one frame cracked in welding' });
      // 4 M at 5 = 20; labour 3 × 2 = 6 and 10: 36, all on the one frame made
      assert.equal(done.actualCost, '36.00');
      assert.deepEqual([done.outputQuantity, done.outputUnitCost, done.outputReason], ['1', '36', 'one frame cracked in welding']);
      assert.deepEqual(await stock(f), { stock: '1', value: '36' });
    });

    test('a process that names no output completes as before, and an output quantity for it is refused', async () => {
      const { processId } = await setUp();
      await db.query('UPDATE public.processes SET output_variant_id = NULL WHERE id = $1', [processId]);
      const lotId = await run(processId, 1);
      await assert.rejects(
        transitionLot(db, lotId, 'complete', ACTOR, { outputQuantity: '1' }),
        (e: unknown) => e instanceof LotError && e.code === 'NO_OUTPUT',
      );
      const done = await transitionLot(db, lotId, 'complete', ACTOR);
      assert.equal(done.outputQuantity, null);
      assert.equal(done.actualCost, '23.00');
    });
  });
}
