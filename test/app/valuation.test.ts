// What stock is worth (issue 19, point 3), on PGlite and on the server: the moving weighted
// average kept exact by postStock, against figures computed by hand in the comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postStock } from '../../src/app/items/stock.ts';
import { stockValue, stockValueTotal } from '../../src/app/items/value.ts';
import type { StockEntry } from '../../src/app/items/stock.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { addStock } from '../helpers/processes.ts';

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
    let n = 0;
    /** A variant of its own, of an item in `category`; `stock` an opening balance from before costs were kept. */
    const insertVariant = async (_db: Database, name: string, options: { stock?: string; category?: string; item?: number } = {}) => {
      const item =
        options.item ??
        (
          await db.query<{ id: number }>('INSERT INTO public.item_master (name, category) VALUES ($1, $2) RETURNING item_id AS id', [
            name,
            options.category ?? null,
          ])
        ).rows[0]!.id;
      const color = (
        await db.query<{ id: number }>(
          'INSERT INTO public.color_master (color_name) VALUES ($1) ON CONFLICT ((lower(color_name))) DO UPDATE SET color_name = EXCLUDED.color_name RETURNING color_id AS id',
          [`Shade ${++n}`],
        )
      ).rows[0]!.id;
      const size = (
        await db.query<{ id: number }>(
          "INSERT INTO public.size_master (size_name) VALUES ('One') ON CONFLICT ((lower(size_name))) DO UPDATE SET size_name = EXCLUDED.size_name RETURNING size_id AS id",
        )
      ).rows[0]!.id;
      const v = (
        await db.query<{ id: number }>('INSERT INTO public.item_variant (item_id, color_id, size_id) VALUES ($1, $2, $3) RETURNING variant_id AS id', [
          item,
          color,
          size,
        ])
      ).rows[0]!.id;
      if (options.stock) await addStock(db, v, options.stock);
      return v;
    };
    /** Moves a variant's ledger rows of today to `day` (the ledger stamps rows with now()). */
    const dated = async (variantId: number, day: string) => {
      await db.query(
        `UPDATE public.inventory_transactions SET created_at = $2::date + time '12:00' WHERE variant_id = $1 AND created_at > now() - interval '1 hour'`,
        [variantId, day],
      );
    };

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

    test('stock value as of a day, per variant, item and category; stock with no cost counted apart, never as worth 0', async () => {
      const a = await insertVariant(db, 'Dated bell', { category: 'Dated bells' });
      const item = (await db.query<{ id: number }>('SELECT item_id AS id FROM public.item_variant WHERE variant_id = $1', [a])).rows[0]!.id;
      const b = await insertVariant(db, 'Dated bell', { item, stock: '3' });
      // day 1: A receives 10 @ 5 (50); B has 3 from before, without a cost
      await post(entry(a, 'receipt', '10', '5'));
      await dated(a, '2026-01-01');
      await dated(b, '2026-01-01');
      // day 2: A issues 4 (−20, leaving 30); B receives 2 @ 10: its 3 valued at 10 (30) and 20 more
      await post(entry(a, 'issue', '-4'), entry(b, 'receipt', '2', '10'));
      await dated(a, '2026-01-02');
      await dated(b, '2026-01-02');
      const day1 = await stockValue(db, { asOf: '2026-01-01', by: 'variant', q: 'Dated bell', limit: 10, offset: 0 });
      assert.deepEqual(
        day1.rows.map((r) => [r.key, r.stock, r.value, r.averageCost, r.unvaluedStock]),
        [
          [String(a), '10', '50', '5', null],
          [String(b), '3', '0', null, '3'],
        ],
      );
      assert.deepEqual(day1.total, { value: '50', variants: 2, unvaluedVariants: 1 });
      const day2 = await stockValue(db, { asOf: '2026-01-02', by: 'variant', q: 'Dated bell', limit: 10, offset: 0 });
      assert.deepEqual(
        day2.rows.map((r) => [r.key, r.stock, r.value]),
        [
          [String(b), '5', '50'],
          [String(a), '6', '30'],
        ],
      );
      const byItem = await stockValue(db, { asOf: '2026-01-02', by: 'item', q: 'Dated bell', limit: 10, offset: 0 });
      assert.deepEqual(
        byItem.rows.map((r) => [r.key, r.value, r.unvaluedVariants]),
        [[String(item), '80', 0]],
      );
      const byCategory = await stockValue(db, { asOf: '2026-01-01', by: 'category', q: 'Dated bells', limit: 10, offset: 0 });
      assert.deepEqual(
        byCategory.rows.map((r) => [r.name, r.value, r.unvaluedVariants]),
        [['Dated bells', '50', 1]],
      );
      const before = await stockValue(db, { asOf: '2025-12-31', by: 'variant', q: 'Dated bell', limit: 10, offset: 0 });
      assert.deepEqual(before.rows, [], 'nothing was in stock before the first row');
      // The total alone is the grouped answer's total, on every day (the other tests' stock too).
      for (const asOf of ['2025-12-31', '2026-01-01', '2026-01-02', undefined]) {
        const total = await stockValueTotal(db, asOf ? { asOf } : {});
        assert.deepEqual(await stockValueTotal(db, { ...(asOf ? { asOf } : {}), oneByOne: 0 }), total, 'the whole pass answers the same');
        for (const by of ['variant', 'item', 'category'] as const) {
          const grouped = await stockValue(db, { ...(asOf ? { asOf } : {}), by, limit: 1, offset: 0 });
          assert.deepEqual(total, { asOf: grouped.asOf, ...grouped.total }, `on ${asOf ?? 'today'} by ${by}: the total counts variants, not rows`);
        }
      }
      const day1Total = await stockValueTotal(db, { asOf: '2026-01-01' });
      assert.ok(day1Total.variants >= 2 && day1Total.unvaluedVariants >= 1, 'day 1 counts both bells, the one without a cost apart');
    });

    test('stock without a cost, then valued, then without one again; and rows without a cost only after the day', async () => {
      // X: 4 from before costs (day 1); 2 @ 10 received (day 2: the 4 valued at 10, 60 for 6);
      // all 6 issued, then 2 more from no stock (day 3: that issue has no value, so X's stock,
      // -2, has no cost again).
      const x = await insertVariant(db, 'Flip bell X', { stock: '4', category: 'Flip bells' });
      await dated(x, '2026-02-01');
      await post(entry(x, 'receipt', '2', '10'));
      await dated(x, '2026-02-02');
      await post(entry(x, 'issue', '-6'));
      const [noCost] = await post(entry(x, 'issue', '-2'));
      assert.equal(noCost!.value, null, 'an issue from no stock moves without a value');
      await dated(x, '2026-02-03');
      // Y: 3 @ 2 received (day 1), all issued (day 2), then 1 more issued from no stock, without a
      // value, only on day 4: up to day 3 Y's rows all have one.
      const y = await insertVariant(db, 'Flip bell Y', { category: 'Flip bells' });
      await post(entry(y, 'receipt', '3', '2'));
      await dated(y, '2026-02-01');
      await post(entry(y, 'issue', '-3'));
      await dated(y, '2026-02-02');
      await post(entry(y, 'issue', '-1'));
      await dated(y, '2026-02-04');
      const page = async (asOf: string) => {
        const v = await stockValue(db, { asOf, by: 'variant', q: 'Flip bell', limit: 10, offset: 0 });
        return { rows: v.rows.map((r) => [r.key, r.stock, r.value, r.averageCost, r.unvaluedStock]), total: v.total };
      };
      assert.deepEqual(await page('2026-02-01'), {
        rows: [
          [String(y), '3', '6', '2', null],
          [String(x), '4', '0', null, '4'],
        ],
        total: { value: '6', variants: 2, unvaluedVariants: 1 },
      });
      assert.deepEqual(await page('2026-02-02'), { rows: [[String(x), '6', '60', '10', null]], total: { value: '60', variants: 1, unvaluedVariants: 0 } });
      assert.deepEqual(await page('2026-02-03'), { rows: [[String(x), '-2', '0', null, '-2']], total: { value: '0', variants: 1, unvaluedVariants: 1 } });
      assert.deepEqual(await page('2026-02-04'), {
        rows: [
          [String(x), '-2', '0', null, '-2'],
          [String(y), '-1', '0', null, '-1'],
        ],
        total: { value: '0', variants: 2, unvaluedVariants: 2 },
      });
      // The total alone, asking only the variants with a row without a value and in the whole
      // pass, is the grouped answer's on each of those days (with every other test's stock).
      for (const asOf of ['2026-01-31', '2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04']) {
        const grouped = await stockValue(db, { asOf, by: 'category', limit: 1, offset: 0 });
        const expected = { asOf, ...grouped.total };
        assert.deepEqual(await stockValueTotal(db, { asOf }), expected, `on ${asOf}, one by one`);
        assert.deepEqual(await stockValueTotal(db, { asOf, oneByOne: 0 }), expected, `on ${asOf}, in the whole pass`);
      }
    });

    test('every page of the stock per variant, with no name to match, is its slice of the whole list: most valuable first, equal values by name', async () => {
      // Ties on purpose, named against the order they are made in: four worth 6 each, three
      // without a cost (worth 0), two worth 9.
      const made: number[] = [];
      for (const [name, cost] of [
        ['Tie bell Z', '2'],
        ['Tie bell C', '2'],
        ['Tie bell Q', '2'],
        ['Tie bell A', '2'],
        ['Tie bell Y', '3'],
        ['Tie bell B', '3'],
      ] as const) {
        const v = await insertVariant(db, name, { category: 'Tie bells' });
        await post(entry(v, 'receipt', '3', cost));
        made.push(v);
      }
      for (const name of ['Tie bell X', 'Tie bell D', 'Tie bell M']) made.push(await insertVariant(db, name, { stock: '5', category: 'Tie bells' }));
      const whole = await stockValue(db, { by: 'variant', limit: 10_000, offset: 0 });
      assert.equal(whole.rows.length, whole.count, 'the whole list in one page');
      for (let i = 1; i < whole.rows.length; i++)
        assert.ok(Number(whole.rows[i - 1]!.value) >= Number(whole.rows[i]!.value), `row ${i} is worth no more than the one before`);
      const ties = whole.rows.filter((r) => r.name.startsWith('Tie bell')).map((r) => r.name.charAt('Tie bell '.length));
      assert.deepEqual(ties, ['B', 'Y', 'A', 'C', 'Q', 'Z', 'D', 'M', 'X'], 'the most valuable first, equal values by name (not by when they were made)');
      // by item too (each tie bell is an item of its own): the same order, the same slices
      const items = await stockValue(db, { by: 'item', limit: 10_000, offset: 0 });
      assert.deepEqual(
        items.rows.filter((r) => r.name.startsWith('Tie bell')).map((r) => r.name.charAt('Tie bell '.length)),
        ['B', 'Y', 'A', 'C', 'Q', 'Z', 'D', 'M', 'X'],
      );
      for (const [by, list] of [
        ['variant', whole],
        ['item', items],
      ] as const)
        for (const limit of [1, 2, 3, 5])
          for (let offset = 0; offset <= list.count + 1; offset++) {
            const page = await stockValue(db, { by, limit, offset });
            assert.deepEqual(page.rows, list.rows.slice(offset, offset + limit), `by ${by}, limit ${limit}, offset ${offset}`);
            assert.deepEqual([page.total, page.count], [list.total, list.count], `by ${by}, limit ${limit}, offset ${offset}: the totals`);
          }
      // and the same rows as when every name is matched (the page sorted whole, before the change)
      for (const [by, list] of [
        ['variant', whole],
        ['item', items],
      ] as const) {
        const matched = await stockValue(db, { by, q: 'Tie bell', limit: 100, offset: 0 });
        assert.deepEqual(
          matched.rows,
          list.rows.filter((r) => r.name.startsWith('Tie bell')),
          `by ${by}`,
        );
      }
    });

    test('a page past the last row has no rows but still the total and the count', async () => {
      for (const by of ['variant', 'item', 'category'] as const) {
        const first = await stockValue(db, { asOf: '2026-02-04', by, limit: 1, offset: 0 });
        assert.ok(first.count > 0 && first.rows.length === 1, `by ${by}: there is stock that day`);
        const past = await stockValue(db, { asOf: '2026-02-04', by, limit: 5, offset: first.count + 3 });
        assert.deepEqual(past, { ...first, rows: [] }, `by ${by}: the same total and count, no rows`);
        const named = await stockValue(db, { asOf: '2026-02-04', by, q: 'Flip bell', limit: 5, offset: 10 });
        assert.deepEqual(
          { total: named.total, count: named.count, rows: named.rows },
          { total: { value: '0', variants: 2, unvaluedVariants: 2 }, count: by === 'category' ? 1 : 2, rows: [] },
          `by ${by}: the rows named count, past them too`,
        );
      }
      const none = await stockValue(db, { asOf: '2026-02-04', by: 'variant', q: 'no such bell', limit: 5, offset: 5 });
      assert.deepEqual(
        { total: none.total, count: none.count, rows: none.rows },
        { total: { value: '0', variants: 0, unvaluedVariants: 0 }, count: 0, rows: [] },
      );
    });
  });
}
