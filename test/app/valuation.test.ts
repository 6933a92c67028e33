// What stock is worth (issue 19, point 3), on PGlite and on the server: the moving weighted
// average kept exact by postStock, against figures computed by hand in the comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postStock } from '../../src/app/items/stock.ts';
import type { StockEntry } from '../../src/app/items/stock.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertVariant } from '../helpers/processes.ts';

const entry = (variantId: number, type: StockEntry['type'], quantity: string, unitCost?: string): StockEntry => ({
  variantId,
  type,
  quantity,
  unitCost: unitCost ?? null,
  notes: null,
  createdBy: null,
});

for (const backend of backends) {
  describe(`stock value on ${backend.name}`, { skip: backend.skip }, () => {
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

    /** The variant's stock, its value, and the sum of its ledger's values (which must be the same). */
    const state = async (variantId: number) =>
      (
        await db.query<{ stock: string; value: string | null; ledger: string | null }>(
          `SELECT trim_scale(v.stock)::text AS stock, trim_scale(v.stock_value)::text AS value,
                  (SELECT trim_scale(sum(t.value))::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS ledger
             FROM public.item_variant v WHERE v.variant_id = $1`,
          [variantId],
        )
      ).rows[0]!;
    const post = (...entries: StockEntry[]) => db.transaction((tx) => postStock(tx, entries));

    test('receipts move the average, issues leave at it, the last unit out takes what is left, and the ledger sums to the value', async () => {
      const v = await insertVariant(db, 'Valued spoke', { stock: '10' });
      assert.deepEqual(await state(v), { stock: '10', value: null, ledger: null }, 'opening stock from before has no cost');

      // 10 @ 5.00 received: the 10 without a cost are valued at 5 (revaluation 50), the receipt adds 50
      const [r1] = await post(entry(v, 'receipt', '10', '5.00'));
      assert.equal(r1!.value, '50');
      assert.deepEqual(await state(v), { stock: '20', value: '100', ledger: '100' });
      const reval = await db.query<{ value: string; quantity: string }>(
        `SELECT trim_scale(value)::text AS value, trim_scale(quantity)::text AS quantity FROM public.inventory_transactions WHERE variant_id = $1 AND transaction_type = 'revaluation'`,
        [v],
      );
      assert.deepEqual(reval.rows, [{ value: '50', quantity: '0' }]);

      // 20 @ 8: 100 + 160 = 260 for 40, average 6.5
      await post(entry(v, 'receipt', '20', '8'));
      assert.deepEqual(await state(v), { stock: '40', value: '260', ledger: '260' });
      // 15 out at 6.5: −97.5, leaving 162.5 for 25 (still 6.5)
      const [out] = await post(entry(v, 'issue', '-15'));
      assert.equal(Number(out!.value), -97.5);
      assert.equal(Number(out!.unitCost), 6.5);
      assert.deepEqual(await state(v), { stock: '25', value: '162.5', ledger: '162.5' });
      // 5 @ 11.5: 162.5 + 57.5 = 220 for 30, average 7.333…
      await post(entry(v, 'receipt', '5', '11.5'));
      // 10 out: 10 × 220 / 30 = 73.333333 (to a millionth), leaving 146.666667 for 20
      await post(entry(v, 'issue', '-10'));
      assert.deepEqual(await state(v), { stock: '20', value: '146.666667', ledger: '146.666667' });
      // the last 20 out take exactly what is left: nothing remains, not a millionth
      const [last] = await post(entry(v, 'production', '-20'));
      assert.equal(Number(last!.value), -146.666667);
      assert.deepEqual(await state(v), { stock: '0', value: '0', ledger: '0' });
    });

    test('a variant named twice in one posting is posted in turn, each at the average of its moment', async () => {
      const v = await insertVariant(db, 'Valued rim');
      // 4 @ 10, then 4 @ 20 (average 15), then 2 out at 15 = −30: 90 for 6
      const rows = await post(entry(v, 'receipt', '4', '10'), entry(v, 'receipt', '4', '20'), entry(v, 'issue', '-2'));
      assert.deepEqual(
        rows.map((r) => [r.type, Number(r.quantity), Number(r.value)]),
        [
          ['receipt', 4, 40],
          ['receipt', 4, 80],
          ['issue', -2, -30],
        ],
      );
      assert.deepEqual(await state(v), { stock: '6', value: '90', ledger: '90' });
    });

    test('stock with no cost moves without a value, and says so (null, never 0)', async () => {
      const v = await insertVariant(db, 'Unvalued hub', { stock: '8' });
      const [out] = await post(entry(v, 'issue', '-3'));
      assert.equal(out!.value, null);
      assert.equal(out!.unitCost, null);
      assert.deepEqual(await state(v), { stock: '5', value: null, ledger: null });
    });
  });
}
