// The summaries kept beside the data so that reports and lists answer at a factory's size
// (issue 20 point 1): the ledger's totals per variant and overall (migration 0028), the lots'
// search text (0027), the low-stock index (0026). Each answer read from them must be the one
// the direct query over the data gives: checked here after receipts, issues, openings without
// a cost, reversals, lots' consumption, back-dated and deleted rows, on PGlite and a server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemo } from '../../src/app/demo/seed.ts';
import { lowStock, postStock } from '../../src/app/items/stock.ts';
import type { StockEntry } from '../../src/app/items/stock.ts';
import { stockValue, stockValueFromLedger } from '../../src/app/items/value.ts';
import { listLots } from '../../src/app/lots/lots.ts';
import { lotsByStatus, mostUsedVariants } from '../../src/app/lots/reports.ts';
import type { Database, Queryable } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { addStock, insertVariant } from '../helpers/processes.ts';

const entry = (variantId: number, type: StockEntry['type'], quantity: string, extra: Partial<StockEntry> = {}): StockEntry => ({
  variantId,
  type,
  quantity,
  notes: null,
  createdBy: null,
  ...extra,
});

/** The ledger summed per variant straight from its rows, with the variant's names now, as migration 0028 keeps them. */
const DIRECT_TOTALS = `
  SELECT t.variant_id, trim_scale(sum(t.quantity))::text AS quantity, trim_scale(coalesce(sum(t.value), 0))::text AS value,
         coalesce(max(t.id) FILTER (WHERE t.value IS NOT NULL), 0)::text AS last_valued_id,
         coalesce(max(t.id) FILTER (WHERE t.value IS NULL AND t.quantity <> 0), 0)::text AS last_unvalued_id,
         count(*) FILTER (WHERE t.transaction_type = 'production')::int AS production_rows,
         trim_scale(coalesce(sum(t.quantity) FILTER (WHERE t.transaction_type = 'production'), 0))::text AS production_quantity,
         count(DISTINCT t.production_lot_id) FILTER (WHERE t.transaction_type = 'production')::int AS production_lots,
         min(i.name) AS item_name, min(i.name || ' ' || c.color_name || ' ' || s.size_name) AS name
    FROM public.inventory_transactions t
    JOIN public.item_variant v ON v.variant_id = t.variant_id
    JOIN public.item_master i ON i.item_id = v.item_id
    JOIN public.color_master c ON c.color_id = v.color_id
    JOIN public.size_master s ON s.size_id = v.size_id
   GROUP BY t.variant_id ORDER BY t.variant_id`;

const KEPT_TOTALS = `
  SELECT t.variant_id, trim_scale(t.quantity)::text AS quantity, trim_scale(t.value)::text AS value, t.last_valued_id::text AS last_valued_id,
         t.last_unvalued_id::text AS last_unvalued_id, t.production_rows::int AS production_rows,
         trim_scale(t.production_quantity)::text AS production_quantity, t.production_lots, t.item_name, t.name
    FROM public.ledger_variant_totals t ORDER BY t.variant_id`;

/** The overall total kept (the sum of the writers' rows) and the same figures from the direct sums. */
async function overall(q: Queryable): Promise<{ kept: unknown; direct: unknown }> {
  const kept = (
    await q.query(
      `SELECT coalesce(sum(variants), 0)::int AS variants, trim_scale(coalesce(sum(value), 0))::text AS value, coalesce(sum(unvalued_variants), 0)::int AS unvalued
         FROM public.ledger_value_totals`,
    )
  ).rows[0];
  const direct = (
    await q.query(
      `WITH pv AS (SELECT sum(t.quantity) AS stock, coalesce(sum(t.value), 0) AS value,
                          coalesce(max(t.id) FILTER (WHERE t.value IS NULL AND t.quantity <> 0), 0) > coalesce(max(t.id) FILTER (WHERE t.value IS NOT NULL), 0) AS unvalued
                     FROM public.inventory_transactions t GROUP BY t.variant_id)
       SELECT count(*) FILTER (WHERE stock <> 0 OR value <> 0)::int AS variants,
              trim_scale(coalesce(sum(CASE WHEN unvalued THEN 0 ELSE value END), 0))::text AS value,
              count(*) FILTER (WHERE unvalued AND stock <> 0)::int AS unvalued
         FROM pv`,
    )
  ).rows[0];
  return { kept, direct };
}

/** Every summary against its direct query: the totals per variant and overall, stock value's pages, variant usage. */
async function assertKeptExact(q: Queryable, what: string): Promise<void> {
  assert.deepEqual((await q.query(KEPT_TOTALS)).rows, (await q.query(DIRECT_TOTALS)).rows, `${what}: totals per variant`);
  const { kept, direct } = await overall(q);
  assert.deepEqual(kept, direct, `${what}: the overall total`);
  const today = (await q.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
  for (const page of [
    { limit: 3, offset: 0 },
    { limit: 3, offset: 2 },
    { limit: 50, offset: 0 },
    { limit: 5, offset: 1000 },
  ]) {
    assert.deepEqual(
      await stockValue(q, { by: 'variant', ...page }),
      await stockValueFromLedger(q, { asOf: today, by: 'variant', ...page }),
      `${what}: stock value, page ${JSON.stringify(page)}`,
    );
  }
  for (const limit of [1, 3, 100])
    assert.deepEqual(
      await mostUsedVariants(q, { limit }),
      await mostUsedVariants(q, { from: '1900-01-01', to: '2999-12-31', limit }),
      `${what}: variant usage, ${limit}`,
    );
}

for (const backend of backends) {
  describe(`kept summaries on ${backend.name}`, { skip: backend.skip }, () => {
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

    test('an empty ledger: no totals, stock value and variant usage empty either way', async () => {
      await assertKeptExact(db, 'empty');
      const { total, count, rows } = await stockValue(db, { by: 'variant', limit: 10, offset: 0 });
      assert.deepEqual({ total, count, rows }, { total: { value: '0', variants: 0, unvaluedVariants: 0 }, count: 0, rows: [] });
      assert.deepEqual((await mostUsedVariants(db, { limit: 10 })).variants, []);
    });

    test('receipts, issues, openings without a cost, reversals, lots consuming, back-dated and deleted rows: the totals stay the direct sums', async () => {
      const a = await insertVariant(db, 'Kept axle', { stock: '10', cost: '2.5' });
      const b = await insertVariant(db, 'Kept bolt');
      const c = await insertVariant(db, 'Kept chain', { stock: '4' }); // an opening without a cost: unvalued
      const d = await insertVariant(db, 'Kept disc', { stock: '6', cost: '1' });
      await assertKeptExact(db, 'after receipts and an opening');

      const post = (...entries: StockEntry[]) => db.transaction((tx) => postStock(tx, entries));
      await post(entry(a, 'issue', '-3'), entry(b, 'receipt', '7', { unitCost: '1.2345' }), entry(c, 'receipt', '2', { unitCost: '3' }));
      await post(entry(a, 'receipt', '5', { unitCost: '4' }), entry(a, 'issue', '-1')); // a named twice: two rounds
      await post(entry(b, 'receipt', '-2', { unitCost: '1.2345', notes: 'reversed' })); // a receipt reversed leaves at its price
      await post(entry(d, 'issue', '-6')); // the last unit out takes what is left
      await addStock(db, d, '3'); // stock again, without a cost: unvalued, with a value of 0 summed
      await assertKeptExact(db, 'after issues, a reversal and stock without a cost');

      const processId = (await db.query<{ id: number }>(`INSERT INTO public.processes (name, status) VALUES ('Kept wheel build', 'active') RETURNING id`))
        .rows[0]!.id;
      const lot = async () =>
        (await db.query<{ id: number }>('INSERT INTO public.production_lots (process_id, quantity) VALUES ($1, 1) RETURNING id', [processId])).rows[0]!.id;
      const [l1, l2] = [await lot(), await lot()];
      await post(entry(a, 'production', '-2', { lotId: l1 }), entry(b, 'production', '-1', { lotId: l1 }));
      await post(entry(a, 'production', '-1', { lotId: l1 })); // the same lot again: still one lot
      await post(entry(a, 'production', '-1', { lotId: l2 }), entry(c, 'production', '-1', { lotId: null }));
      await post(entry(a, 'production', '1', { lotId: l2, notes: 'returned' }));
      await assertKeptExact(db, 'after lots consumed');
      assert.deepEqual(
        (await mostUsedVariants(db, { limit: 10 })).variants.map((v) => [v.variantId, v.consumed, v.lots]),
        [
          [a, '3.000', 2],
          [b, '1.000', 1],
          [c, '1.000', 0],
        ],
      );

      // one statement with two rows of a lot for a variant, and a row of a lot already counted (as a bulk load writes)
      await db.query(
        `INSERT INTO public.inventory_transactions (variant_id, production_lot_id, transaction_type, quantity)
         VALUES ($1, $2, 'production', -1), ($1, $2, 'production', -1), ($3, $2, 'production', -1)`,
        [c, l2, a],
      );
      await assertKeptExact(db, 'after a bulk insert');
      assert.deepEqual(
        (await db.query('SELECT production_lots FROM public.ledger_variant_totals WHERE variant_id = ANY ($1::int[]) ORDER BY variant_id', [[a, c]])).rows,
        [{ production_lots: 2 }, { production_lots: 1 }],
      );

      // back-dated (as the demo dates its history): an update of the rows sums their variants again
      await db.query(`UPDATE public.inventory_transactions SET created_at = now() - interval '40 days' WHERE variant_id = $1`, [b]);
      // a lot deleted: its rows lose their lot (ON DELETE SET NULL), so the variant's lots count drops
      await db.query('DELETE FROM public.production_lots WHERE id = $1', [l2]);
      await assertKeptExact(db, 'after back-dating and a lot deleted');
      // rows deleted outright (no writer does; a hand-made correction might)
      await db.query(`DELETE FROM public.inventory_transactions WHERE variant_id = $1 AND transaction_type = 'issue'`, [a]);
      await db.query('DELETE FROM public.inventory_transactions WHERE variant_id = $1', [d]);
      await assertKeptExact(db, 'after rows deleted');

      // the names the totals carry follow the catalog: an item, a colour and a size renamed, a variant moved
      const { ca, sa } = (
        await db.query<{ ca: number; sa: number }>('SELECT color_id AS ca, size_id AS sa FROM public.item_variant WHERE variant_id = $1', [a])
      ).rows[0]!;
      await db.query(`UPDATE public.item_master SET name = 'A kept axle' WHERE item_id = (SELECT item_id FROM public.item_variant WHERE variant_id = $1)`, [a]);
      await db.query(`UPDATE public.color_master SET color_name = 'Kept grey' WHERE color_id = $1`, [ca]);
      await db.query(`UPDATE public.size_master SET size_name = 'Kept XL' WHERE size_id = $1`, [sa]);
      const other = (await db.query<{ id: number }>(`INSERT INTO public.color_master (color_name) VALUES ('Kept teal') RETURNING color_id AS id`)).rows[0]!.id;
      await db.query('UPDATE public.item_variant SET color_id = $2 WHERE variant_id = $1', [b, other]);
      await assertKeptExact(db, 'after renames');
      assert.equal((await db.query('SELECT 1 FROM public.ledger_variant_totals WHERE variant_id = $1', [d])).rowCount, 0, 'no rows left: no totals');
    });

    test('a ledger row dated after the day asked: stock value sums the ledger up to the day instead of the totals', async () => {
      const v = await insertVariant(db, 'Kept later', { stock: '2', cost: '10' });
      await db.query(
        `INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit_cost, value, created_at)
         VALUES ($1, 'receipt', 1, 10, 10, now() + interval '3 days')`,
        [v],
      );
      const today = (await db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
      const page = { limit: 50, offset: 0 };
      const answer = await stockValue(db, { by: 'variant', ...page });
      assert.deepEqual(answer, await stockValueFromLedger(db, { asOf: today, by: 'variant', ...page }));
      assert.equal(answer.rows.find((r) => r.key === String(v))?.stock, '2', 'the row of 3 days ahead is not in today');
      await db.query(`DELETE FROM public.inventory_transactions WHERE variant_id = $1 AND created_at > now()`, [v]);
    });

    test('the demo data (lots completed, receipts, back-dated history): every summary is its direct query', { timeout: 300_000 }, async () => {
      const demo = await backend.create({ migrated: true });
      const conn = await demo.open();
      try {
        await seedDemo(conn);
        await assertKeptExact(conn, 'demo');
        const span1 = await span(conn);
        for (const period of ['day', 'week', 'month'] as const)
          assert.deepEqual(
            await reportedLotsByStatus(conn, period, span1.from, span1.to),
            await directLotsByStatus(conn, period, span1.from, span1.to),
            `demo lots by ${period}`,
          );
        assert.ok((await conn.query('SELECT 1 FROM public.ledger_variant_totals WHERE production_lots > 0')).rowCount! > 0, 'the demo consumes stock in lots');
        // lot search: every lot found by a part of its number, its process or its notes, as before
        const lots = (await conn.query<{ lotNumber: string }>('SELECT lot_number AS "lotNumber" FROM public.production_lots ORDER BY id')).rows;
        for (const q of [lots[0]!.lotNumber.slice(-3), 'FRAME', 'build', 'x%', '_', ' '])
          assert.deepEqual(
            (await listLots(conn, { q, limit: 500, offset: 0 })).lots.map((l) => l.lotId),
            await positionMatches(conn, q),
            `lot search "${q}"`,
          );
      } finally {
        await conn.close();
        await demo.drop();
      }
    });

    test('lot search: a part spanning the number and the process, any case, LIKE signs taken literally; a rename or new notes found at once', async () => {
      const p = (await db.query<{ id: number }>(`INSERT INTO public.processes (name, status) VALUES ('Spoke_Truing 100%', 'active') RETURNING id`)).rows[0]!.id;
      const lot = (
        await db.query<{ id: number; n: string }>(
          `INSERT INTO public.production_lots (process_id, quantity, notes) VALUES ($1, 1, 'Rush \\ order') RETURNING id, lot_number AS n`,
          [p],
        )
      ).rows[0]!;
      const found = async (q: string) => (await listLots(db, { q, limit: 50, offset: 0 })).lots.map((l) => l.lotId);
      for (const q of [`${lot.n.slice(-2)} spoke_t`, 'SPOKE_TRUING 100% RUSH', '100%', 'rush \\ order', lot.n.toLowerCase()]) {
        assert.deepEqual(await found(q), [lot.id], q);
        assert.deepEqual(await positionMatches(db, q), [lot.id], `the direct query agrees on ${q}`);
      }
      for (const q of ['spoke%truing', 'spoke_truing_', 'rush \\\\ order']) assert.deepEqual(await found(q), [], q);
      await db.query(`UPDATE public.processes SET name = 'Hub lacing' WHERE id = $1`, [p]);
      await db.query(`UPDATE public.production_lots SET notes = 'Slow lane' WHERE id = $1`, [lot.id]);
      assert.deepEqual(await found('spoke'), []);
      assert.deepEqual(await found(`${lot.n.slice(-2)} hub lacing slow`), [lot.id]);
      assert.deepEqual(await found('rush'), []);
    });

    test('lots by status: the counts kept per day and status are the lots', async () => {
      const p = (await db.query<{ id: number }>(`INSERT INTO public.processes (name, status) VALUES ('Kept status count', 'active') RETURNING id`)).rows[0]!.id;
      const ids = (
        await db.query<{ id: number }>(
          `INSERT INTO public.production_lots (process_id, quantity, created_at)
           SELECT $1, 1, now() - make_interval(days => g * 5) FROM generate_series(0, 11) g RETURNING id`,
          [p],
        )
      ).rows.map((r) => r.id);
      const check = async (what: string) => {
        const { from, to } = await span(db);
        for (const period of ['day', 'week', 'month'] as const)
          assert.deepEqual(await reportedLotsByStatus(db, period, from, to), await directLotsByStatus(db, period, from, to), `${what}, by ${period}`);
      };
      await check('created');
      await db.query(`UPDATE public.production_lots SET status = 'ready' WHERE id = ANY ($1::int[])`, [ids.slice(0, 5)]);
      await db.query(`UPDATE public.production_lots SET status = 'cancelled', notes = 'no' WHERE id = $1`, [ids[0]]);
      await db.query(`UPDATE public.production_lots SET notes = 'only notes' WHERE id = $1`, [ids[6]]);
      await check('after status changes');
      await db.query(`UPDATE public.production_lots SET created_at = created_at - interval '40 days' WHERE id = ANY ($1::int[])`, [ids.slice(3, 8)]);
      await db.query('DELETE FROM public.production_lots WHERE id = ANY ($1::int[])', [ids.slice(9)]);
      await check('after back-dating and deletion');
    });

    test('low stock: the page and the count are the direct query`s, a deleted item`s variants left out, ties by name', async () => {
      const low = async (name: string, stock: string, threshold: string) => {
        const v = await insertVariant(db, name, { stock });
        await db.query('UPDATE public.item_variant SET reorder_threshold = $2 WHERE variant_id = $1', [v, threshold]);
        return v;
      };
      await low('Low zeta', '0', '5');
      await low('low Alpha', '0', '5');
      await low('Low mid', '3', '5');
      await low('Low none', '3', '0'); // a threshold of 0 is none
      const gone = await low('Low gone', '1', '9');
      await db.query('UPDATE public.item_master SET deleted_at = now() WHERE item_id = (SELECT item_id FROM public.item_variant WHERE variant_id = $1)', [
        gone,
      ]);
      const direct = (
        await db.query<{ id: number }>(
          `SELECT v.variant_id AS id FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
            WHERE v.deleted_at IS NULL AND i.deleted_at IS NULL AND v.reorder_threshold > 0 AND v.stock <= v.reorder_threshold
            ORDER BY v.stock - v.reorder_threshold, lower(i.name), v.variant_id`,
        )
      ).rows.map((r) => r.id);
      assert.ok(!direct.includes(gone));
      for (const [limit, offset] of [
        [2, 0],
        [2, 1],
        [100, 0],
      ] as const) {
        const page = await lowStock(db, { limit, offset });
        assert.deepEqual(
          page.variants.map((v) => v.variantId),
          direct.slice(offset, offset + limit),
        );
        assert.deepEqual({ total: page.total, totalCapped: page.totalCapped }, { total: direct.length, totalCapped: false });
      }
    });
  });
}

/** The last 900 days and the next 30: a day-by-day report of it has fewer than MAX_BUCKETS buckets. */
async function span(q: Queryable): Promise<{ from: string; to: string }> {
  return (
    await q.query<{ from: string; to: string }>(`SELECT to_char(CURRENT_DATE - 900, 'YYYY-MM-DD') AS "from", to_char(CURRENT_DATE + 30, 'YYYY-MM-DD') AS "to"`)
  ).rows[0]!;
}

/** Per bucket start, the lots created in it by status (none left out): the report's counts as the direct query over the lots gives them. */
async function directLotsByStatus(q: Queryable, period: 'day' | 'week' | 'month', from: string, to: string): Promise<Record<string, Record<string, number>>> {
  const r = await q.query<{ start: string; status: string; n: number }>(
    `SELECT to_char(date_trunc($3, l.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS start, l.status, count(*)::int AS n
       FROM public.production_lots l
      WHERE l.created_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND l.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1, 2`,
    [from, to, period],
  );
  const out: Record<string, Record<string, number>> = {};
  for (const row of r.rows) (out[row.start] ??= {})[row.status] = row.n;
  return out;
}

/** lotsByStatus's counts in the same shape (buckets with no lot left out). */
async function reportedLotsByStatus(q: Queryable, period: 'day' | 'week' | 'month', from: string, to: string): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const b of (await lotsByStatus(q, { from, to, period })).buckets)
    for (const [status, n] of Object.entries(b.counts)) if (n !== 0) (out[b.start] ??= {})[status] = n;
  return out;
}

/** The lots whose "number process notes" holds `q` (any case), newest first: the search as it was, by position(). */
async function positionMatches(q: Queryable, words: string): Promise<number[]> {
  return (
    await q.query<{ id: number }>(
      `SELECT l.id FROM public.production_lots l JOIN public.processes p ON p.id = l.process_id
        WHERE position(lower($1::text) in lower(l.lot_number || ' ' || p.name || ' ' || coalesce(l.notes, ''))) > 0
        ORDER BY l.created_at DESC, l.id DESC`,
      [words.trim()],
    )
  ).rows.map((r) => r.id);
}
