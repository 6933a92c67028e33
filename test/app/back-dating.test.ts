// Back-dated entries (issue 22, point 3), on PGlite and on the server: an entry placed in the
// ledger's past is valued as the stock stood there, and every later row of its variant is valued
// again in the same transaction (the lots that consumed them costed again, their output with
// them); stock never goes below zero at any point of the ledger's order. Figures worked out by
// hand in the comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { postStock } from '../../src/app/items/stock.ts';
import type { StockEntry } from '../../src/app/items/stock.ts';
import { stockValue } from '../../src/app/items/value.ts';
import { transitionLot } from '../../src/app/lots/lifecycle.ts';
import { createLot } from '../../src/app/lots/lots.ts';
import { createGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { addStock, insertProcess, insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };
/** The end of a day, where a receipt of that day goes. */
const endOf = (day: string) => `${day}T23:59:59.999999Z`;
const noon = (day: string) => `${day}T12:00:00Z`;

const entry = (variantId: number, type: StockEntry['type'], quantity: string, at: string | null, more: Partial<StockEntry> = {}): StockEntry => ({
  variantId,
  type,
  quantity,
  at,
  notes: null,
  createdBy: null,
  ...more,
});

for (const backend of backends) {
  describe(`back-dated entries on ${backend.name}`, { skip: backend.skip }, () => {
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

    const post = (...entries: StockEntry[]) => db.transaction((tx) => postStock(tx, entries));
    /** The variant's stock and value, the sum of its ledger's values, and its kept totals (all must agree). */
    const state = async (variantId: number) =>
      (
        await db.query<{ stock: string; value: string | null; ledger: string | null; totals: string | null }>(
          `SELECT trim_scale(v.stock)::text AS stock, trim_scale(v.stock_value)::text AS value,
                  (SELECT trim_scale(sum(t.value))::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS ledger,
                  (SELECT trim_scale(l.value)::text || ' for ' || trim_scale(l.quantity)::text FROM public.ledger_variant_totals l WHERE l.variant_id = v.variant_id) AS totals
             FROM public.item_variant v WHERE v.variant_id = $1`,
          [variantId],
        )
      ).rows[0]!;
    /** The variant's ledger in its order: type, quantity, unit cost, value. */
    const ledger = async (variantId: number) =>
      (
        await db.query<{ row: string }>(
          `SELECT concat_ws(' ', transaction_type, trim_scale(quantity), '@', coalesce(trim_scale(unit_cost)::text, '-'), '=', coalesce(trim_scale(value)::text, '-')) AS row
             FROM public.inventory_transactions WHERE variant_id = $1 ORDER BY created_at, id`,
          [variantId],
        )
      ).rows.map((r) => r.row);
    let n = 0;
    /** Material M (rate 7, for the estimate); a process using 2 M a unit, labour 3 a unit and 10 a run, making F. */
    const material = async () => {
      const m = await insertVariant(db, `Back-dated tube ${++n}`);
      await insertRate(db, m, { supplier: `Tube mill B${n}`, cost: '7' });
      const f = await insertVariant(db, `Back-dated frame ${n}`);
      const p = await insertProcess(db, {
        name: `Weld back-dated frame ${n}`,
        steps: [{ lines: [{ variantId: m, quantity: '2' }], costItems: [{ type: 'labour', quantity: '1', rate: '3' }] }],
        additionalCosts: [{ type: 'setup', amount: '10' }],
      });
      await db.query('UPDATE public.processes SET output_variant_id = $2, output_quantity = 1 WHERE id = $1', [p.processId, f]);
      return { m, f, processId: p.processId };
    };
    const completeLot = async (processId: number, quantity: number) => {
      const lot = await createLot(db, { processId, quantity }, ACTOR);
      await transitionLot(db, lot.lotId, 'ready', ACTOR);
      await transitionLot(db, lot.lotId, 'start', ACTOR);
      await transitionLot(db, lot.lotId, 'complete', ACTOR);
      return lot.lotId;
    };
    const lotFigures = async (lotId: number) =>
      (
        await db.query<{ actual: string; variance: string; unit: string; valuation: unknown }>(
          `SELECT actual_cost::text AS actual, cost_variance::text AS variance, trim_scale(output_unit_cost)::text AS unit, actual -> 'valuation' AS valuation
             FROM public.production_lots WHERE id = $1`,
          [lotId],
        )
      ).rows[0]!;
    const valueOn = async (variantId: number, name: string, asOf: string) => {
      const r = await stockValue(db, { asOf, by: 'variant', q: name, limit: 10, offset: 0 });
      return r.rows.filter((x) => x.key === String(variantId)).map((x) => [x.stock, x.value, x.averageCost])[0] ?? null;
    };

    /**
     * M's history: 1 Jan 10 @ 4 received (40); 3 Jan 4 issued at 4 (−16: 6 for 24); 4 Jan 2
     * issued (−8: 4 for 16); today a lot of 2 F consumes 4 M, the last 4 (−16: nothing left).
     * The lot: 16 + labour 3 × 2 + 10 = 32.00 (estimate (2 × 7 + 3) × 2 + 10 = 44: variance
     * −12.00), its 2 F at 16 each; 1 F issued at 16.
     */
    const history = async () => {
      const { m, f, processId } = await material();
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      await post(entry(m, 'issue', '-4', noon('2026-01-03')));
      await post(entry(m, 'issue', '-2', noon('2026-01-04')));
      const lotId = await completeLot(processId, 2);
      await post(entry(f, 'issue', '-1', null));
      return { m, f, lotId };
    };

    test('a back-dated receipt values the issues and the lot after it again, and the lot’s output with them', async () => {
      const { m, f, lotId } = await history();
      assert.deepEqual(await ledger(m), ['receipt 10 @ 4 = 40', 'issue -4 @ 4 = -16', 'issue -2 @ 4 = -8', 'production -4 @ 4 = -16']);
      assert.deepEqual(await lotFigures(lotId), {
        actual: '32.00',
        variance: '-12.00',
        unit: '16',
        valuation: { materials: '16', conversion: '16', total: '32.00', complete: true, uncosted: [] },
      });
      assert.deepEqual(await ledger(f), ['output 2 @ 16 = 32', 'issue -1 @ 16 = -16']);

      // 10 @ 10 received on 2 Jan, entered today: 1 Jan 10 for 40; 2 Jan +100: 20 for 140 (7);
      // 3 Jan 4 out at 7: −28 (16 for 112); 4 Jan 2 out: −14 (14 for 98); the lot's 4: −28 (10 for 70).
      await post(entry(m, 'receipt', '10', endOf('2026-01-02'), { unitCost: '10' }));
      assert.deepEqual(await ledger(m), [
        'receipt 10 @ 4 = 40',
        'receipt 10 @ 10 = 100',
        'issue -4 @ 7 = -28',
        'issue -2 @ 7 = -14',
        'production -4 @ 7 = -28',
      ]);
      assert.deepEqual(await state(m), { stock: '10', value: '70', ledger: '70', totals: '70 for 10' });
      // The lot: 28 + 16 = 44.00, the estimate exactly (variance 0.00); its 2 F at 22; the F issued at 22.
      assert.deepEqual(await lotFigures(lotId), {
        actual: '44.00',
        variance: '0.00',
        unit: '22',
        valuation: { materials: '28', conversion: '16', total: '44.00', complete: true, uncosted: [] },
      });
      assert.deepEqual(await ledger(f), ['output 2 @ 22 = 44', 'issue -1 @ 22 = -22']);
      assert.deepEqual(await state(f), { stock: '1', value: '22', ledger: '22', totals: '22 for 1' });

      // The value of M's stock as of a day: before the receipt's day, on it, and after.
      const name = `Back-dated tube ${n}`;
      assert.deepEqual(await valueOn(m, name, '2026-01-01'), ['10', '40', '4']);
      assert.deepEqual(await valueOn(m, name, '2026-01-02'), ['20', '140', '7']);
      assert.deepEqual(await valueOn(m, name, '2026-01-03'), ['16', '112', '7']);
      assert.deepEqual(await valueOn(m, name, '2026-01-04'), ['14', '98', '7']);

      // The row says when it was really entered: today, not on 2 Jan.
      const placed = await db.query<{ day: string; entered: boolean }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, entered_at::date = CURRENT_DATE AS entered
           FROM public.inventory_transactions WHERE variant_id = $1 AND entered_at IS NOT NULL AND unit_cost = 10`,
        [m],
      );
      assert.deepEqual(placed.rows, [{ day: '2026-01-02', entered: true }]);
    });

    test('a chain of lots: the lot that consumed the output of a lot costed again is costed again too, and its output', async () => {
      const { m, f: s, processId: a } = await material();
      await insertRate(db, s, { supplier: `Frame shop B${n}`, cost: '20' });
      const bike = await insertVariant(db, `Back-dated bicycle ${n}`);
      const b = await insertProcess(db, {
        name: `Assemble back-dated bicycle ${n}`,
        steps: [{ lines: [{ variantId: s, quantity: '1' }], costItems: [{ type: 'labour', quantity: '1', rate: '1' }] }],
      });
      await db.query('UPDATE public.processes SET output_variant_id = $2, output_quantity = 1 WHERE id = $1', [b.processId, bike]);
      // 1 Jan 10 M @ 4; today lot A (2 frames) takes 4 M at 4: 16 + 6 + 10 = 32, frames 2 @ 16;
      // lot B (2 bicycles) takes the 2 frames at 16: 32 + 2 = 34, bicycles 2 @ 17
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      const lotA = await completeLot(a, 2);
      const lotB = await completeLot(b.processId, 2);
      assert.deepEqual([(await lotFigures(lotA)).actual, (await lotFigures(lotB)).actual, (await lotFigures(lotB)).unit], ['32.00', '34.00', '17']);
      // 2 Jan 10 M @ 10: 20 for 140 (7); lot A's 4 at 7 = 28: 28 + 16 = 44.00, frames 2 @ 22;
      // lot B's 2 frames at 22 = 44: 46.00, bicycles 2 @ 23
      await post(entry(m, 'receipt', '10', endOf('2026-01-02'), { unitCost: '10' }));
      assert.deepEqual([(await lotFigures(lotA)).actual, (await lotFigures(lotA)).unit], ['44.00', '22']);
      assert.deepEqual(await ledger(s), ['output 2 @ 22 = 44', 'production -2 @ 22 = -44']);
      assert.deepEqual([(await lotFigures(lotB)).actual, (await lotFigures(lotB)).unit], ['46.00', '23']);
      assert.deepEqual(await ledger(bike), ['output 2 @ 23 = 46']);
      assert.deepEqual(await state(bike), { stock: '2', value: '46', ledger: '46', totals: '46 for 2' });
      assert.deepEqual(await state(s), { stock: '0', value: '0', ledger: '0', totals: '0 for 0' });
    });

    test('stock without a cost valued at a back-dated receipt’s cost from its place on, with the revaluation row there', async () => {
      const { m } = await material();
      // 1 Jan: 10 from before, no cost; 3 Jan: 2 issued, without a value (8 left, no cost)
      await post(entry(m, 'opening', '10', noon('2026-01-01')));
      await post(entry(m, 'issue', '-2', noon('2026-01-03')));
      assert.deepEqual(await state(m), { stock: '8', value: null, ledger: null, totals: '0 for 8' });
      // 2 Jan: 5 @ 10: the 10 there valued at 10 (revaluation 100), +50: 15 for 150;
      // 3 Jan: 2 out at 10 (−20): 13 for 130.
      await post(entry(m, 'receipt', '5', endOf('2026-01-02'), { unitCost: '10' }));
      assert.deepEqual(await ledger(m), ['opening 10 @ - = -', 'revaluation 0 @ 10 = 100', 'receipt 5 @ 10 = 50', 'issue -2 @ 10 = -20']);
      assert.deepEqual(await state(m), { stock: '13', value: '130', ledger: '130', totals: '130 for 13' });
    });

    test('a charge added later is placed at its receipt: the goods consumed since carry their share', async () => {
      const { m } = await material();
      // 1 Jan 10 @ 4 (40); 2 Jan 6 issued at 4 (−24): 4 for 16
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      await post(entry(m, 'issue', '-6', noon('2026-01-02')));
      // freight of 20 on the 1 Jan receipt: 10 for 60 (6 each); the 6 issued take 36: 4 for 24
      const [row] = await post(entry(m, 'landed_cost', '0', noon('2026-01-01'), { value: '20', reference: { type: 'goods_receipt_charge', id: 1 } }));
      assert.equal(row!.type, 'landed_cost');
      assert.equal(row!.value, '20');
      assert.deepEqual(await ledger(m), ['receipt 10 @ 4 = 40', 'landed_cost 0 @ - = 20', 'issue -6 @ 6 = -36']);
      assert.deepEqual(await state(m), { stock: '4', value: '24', ledger: '24', totals: '24 for 4' });
      // A charge of today's (no place given) lands on what is in stock now: 4 for 24 + 8 = 32
      await post(entry(m, 'landed_cost', '0', null, { value: '8' }));
      assert.deepEqual(await state(m), { stock: '4', value: '32', ledger: '32', totals: '32 for 4' });
    });

    test('stock never goes below zero at any point: a back-dated issue that would is refused, naming the day and the shortfall, and nothing moves', async () => {
      const { m } = await material();
      // 1 Jan 10 @ 4; 3 Jan 8 issued: 2 left
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      await post(entry(m, 'issue', '-8', noon('2026-01-03')));
      const was = { state: await state(m), ledger: await ledger(m) };
      // 5 issued on 2 Jan: 5 left there, but 3 Jan would leave −3
      await assert.rejects(
        post(entry(m, 'issue', '-5', noon('2026-01-02'))),
        (e: unknown) =>
          (e as { code?: string }).code === 'STOCK_NEGATIVE' &&
          (e as Error).message.includes('would have -3 pcs on 2026-01-03: 3 short there') &&
          (e as { details?: { day?: string } }).details?.day === '2026-01-03',
      );
      // 12 issued on 2 Jan: −2 at its own place
      await assert.rejects(
        post(entry(m, 'issue', '-12', noon('2026-01-02'))),
        (e: unknown) => (e as { code?: string }).code === 'STOCK_NEGATIVE' && (e as Error).message.includes('on 2026-01-02: 2 short there'),
      );
      assert.deepEqual({ state: await state(m), ledger: await ledger(m) }, was, 'nothing moved');
      // 2 issued on 2 Jan is fine: 8 there, 0 after 3 Jan (the last out takes what is left)
      await post(entry(m, 'issue', '-2', noon('2026-01-02')));
      assert.deepEqual(await ledger(m), ['receipt 10 @ 4 = 40', 'issue -2 @ 4 = -8', 'issue -8 @ 4 = -32']);
      assert.deepEqual(await state(m), { stock: '0', value: '0', ledger: '0', totals: '0 for 0' });
    });

    test('a place is refused after now, before the opening balance, and a value anywhere but on a landed cost', async () => {
      const { m } = await material();
      await post(entry(m, 'opening', '5', noon('2026-01-02'), { unitCost: '3' }));
      const code = (c: string, words: RegExp) => (e: unknown) => (e as { code?: string }).code === c && words.test((e as Error).message);
      await assert.rejects(post(entry(m, 'receipt', '1', '2999-01-01T00:00:00Z', { unitCost: '1' })), code('PLACE_AHEAD', /cannot be placed after now/));
      await assert.rejects(
        post(entry(m, 'receipt', '1', noon('2026-01-01'), { unitCost: '1' })),
        code('PLACE_BEFORE_OPENING', /starts with its opening balance on 2026-01-02: nothing can be placed before it/),
      );
      await assert.rejects(post(entry(m, 'receipt', '1', null, { unitCost: '1', value: '5' })), code('INVALID_ENTRY', /^value: is for a landed_cost entry/));
      await assert.rejects(post(entry(m, 'landed_cost', '0', null)), code('INVALID_ENTRY', /^value: /));
      await assert.rejects(post(entry(m, 'landed_cost', '1', null, { value: '5' })), code('INVALID_ENTRY', /^value: /));
      await assert.rejects(post(entry(999999, 'receipt', '1', noon('2026-01-03'), { unitCost: '1' })), code('VARIANT_NOT_FOUND', /does not exist \(999999\)/));
      assert.deepEqual(await state(m), { stock: '5', value: '15', ledger: '15', totals: '15 for 5' });
    });

    test('a value that would land on stock without a cost is refused', async () => {
      const { m } = await material();
      await addStock(db, m, '4');
      await assert.rejects(
        post(entry(m, 'landed_cost', '0', null, { value: '5' })),
        (e: unknown) => (e as { code?: string }).code === 'STOCK_UNVALUED' && /has no cost where this entry goes/.test((e as Error).message),
      );
      assert.deepEqual(await state(m), { stock: '4', value: null, ledger: null, totals: '0 for 4' });
    });

    test('a goods receipt received on an earlier day goes at that day’s end; a day to come is refused in words', async () => {
      const { m } = await material();
      const supplier = await supplierId(db, `Back-dated mill ${n}`);
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      await post(entry(m, 'issue', '-4', noon('2026-01-03')));
      // received 2 Jan: 10 @ 4 + 10 @ 10 = 140 for 20 (7); the 3 Jan issue at 7: 16 for 112
      const r = await createGoodsReceipt(
        db,
        { supplierId: supplier, receivedOn: '2026-01-02', lines: [{ variantId: m, quantity: '10', unitCost: '10' }] },
        ACTOR,
      );
      assert.equal(r.receivedOn, '2026-01-02');
      assert.deepEqual(await ledger(m), ['receipt 10 @ 4 = 40', 'receipt 10 @ 10 = 100', 'issue -4 @ 7 = -28']);
      const at = await db.query<{ at: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM public.inventory_transactions WHERE reference_type = 'goods_receipt' AND reference_id = $1`,
        [r.receiptId],
      );
      assert.deepEqual(at.rows, [{ at: '2026-01-02 23:59:59.999999' }]);
      // received today: placed now, after everything
      const today = (await db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d, to_char(CURRENT_DATE + 1, 'YYYY-MM-DD') AS t`)).rows[0]!;
      await createGoodsReceipt(db, { supplierId: supplier, receivedOn: today.d, lines: [{ variantId: m, quantity: '4', unitCost: '7' }] }, ACTOR);
      assert.deepEqual(await state(m), { stock: '20', value: '140', ledger: '140', totals: '140 for 20' });
      const tomorrow = (today as unknown as { t: string }).t;
      await assert.rejects(
        createGoodsReceipt(db, { supplierId: supplier, receivedOn: tomorrow, lines: [{ variantId: m, quantity: '1', unitCost: '1' }] }, ACTOR),
        (e: unknown) =>
          (e as { code?: string }).code === 'DAY_AHEAD' && (e as Error).message === `receivedOn: write today or an earlier day: ${tomorrow} has not come yet`,
      );
      assert.deepEqual(await state(m), { stock: '20', value: '140', ledger: '140', totals: '140 for 20' }, 'nothing was received');
      const receipts = await db.query('SELECT 1 FROM public.goods_receipts WHERE supplier_id = $1', [supplier]);
      assert.equal(receipts.rows.length, 2);
    });

    test('a back-dated receipt racing a lot’s completion and a receipt of today: the variant’s lock takes them in turn, and the figures are those of one after the other', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: postings cannot race there',
    }, async () => {
      const { m, f, processId } = await material();
      const supplier = await supplierId(db, `Racing mill ${n}`);
      await post(entry(m, 'receipt', '10', noon('2026-01-01'), { unitCost: '4' }));
      await post(entry(m, 'issue', '-4', noon('2026-01-03')));
      await post(entry(m, 'issue', '-2', noon('2026-01-04')));
      const lot = await createLot(db, { processId, quantity: 2 }, ACTOR);
      await transitionLot(db, lot.lotId, 'ready', ACTOR);
      await transitionLot(db, lot.lotId, 'start', ACTOR);
      // The back-dated receipt holds M's lock until the completion and today's receipt wait for it.
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let posted!: () => void;
      const locked = new Promise<void>((r) => {
        posted = r;
      });
      const backDated = db.transaction(async (tx) => {
        await postStock(tx, [entry(m, 'receipt', '10', endOf('2026-01-02'), { unitCost: '10' })]);
        posted();
        await held;
      });
      await locked;
      const completion = transitionLot(db, lot.lotId, 'complete', ACTOR);
      const today = createGoodsReceipt(db, { supplierId: supplier, lines: [{ variantId: m, quantity: '2', unitCost: '13' }] }, ACTOR);
      for (;;) {
        const waiting = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(waiting.rows[0]!.n) >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      release();
      await Promise.all([backDated, completion, today]);
      // One after the other, whichever went first: 1 Jan 40; 2 Jan +100 (20 for 140, 7); 3 Jan
      // −28; 4 Jan −14 (14 for 98); the lot's 4 at 7: −28, and today's 2 @ 13: +26, in the
      // order they took the lock: with the lot first 10 for 70 then 12 for 96; with the
      // receipt first 16 for 124 (7.75), the lot's 4 at 7.75 = 31: 12 for 93.
      const lotFirst = (await ledger(m)).at(-1)!.startsWith('receipt 2');
      assert.deepEqual(
        await state(m),
        lotFirst ? { stock: '12', value: '96', ledger: '96', totals: '96 for 12' } : { stock: '12', value: '93', ledger: '93', totals: '93 for 12' },
      );
      const figures = await lotFigures(lot.lotId);
      assert.deepEqual([figures.actual, figures.unit], lotFirst ? ['44.00', '22'] : ['47.00', '23.5']);
      assert.deepEqual(
        await state(f),
        lotFirst ? { stock: '2', value: '44', ledger: '44', totals: '44 for 2' } : { stock: '2', value: '47', ledger: '47', totals: '47 for 2' },
      );
    });
  });
}
