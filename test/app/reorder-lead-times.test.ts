// Reorder suggestions with lead times (issue 22, point 5), on PGlite and on the server, each
// case computed by hand: the lots covered are those planned to start within the supplier's
// lead time (the rate's, else the supplier's), what is open on orders is netted, the shortfall
// is rounded up to the minimum order and then to whole packs, priced at the break the quantity
// reaches, grouped per supplier with its total; orders made from suggestions take those
// quantities and prices, and two makers at once order a shortfall once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { setPlannedStart, transitionLot } from '../../src/app/lots/lifecycle.ts';
import { createLot, today } from '../../src/app/lots/lots.ts';
import { createPurchaseOrder, getPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import { PurchasingError } from '../../src/app/purchasing/status.ts';
import { createOrdersFromSuggestions, reorderSuggestions } from '../../src/app/purchasing/suggestions.ts';
import type { Suggestion } from '../../src/app/purchasing/suggestions.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant, supplierId } from '../helpers/processes.ts';
import { daysAfter } from '../helpers/days.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

for (const backend of backends) {
  describe(`reorder suggestions with lead times on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let day: string;

    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
      day = await today(db);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    let n = 0;
    const tag = () => `Lead${++n}x`;
    const variant = async (name: string, stock: string, threshold: string) => {
      const id = await insertVariant(db, name, { stock, cost: stock === '0' ? undefined : '1' });
      await db.query('UPDATE public.item_variant SET reorder_threshold = $2 WHERE variant_id = $1', [id, threshold]);
      return id;
    };
    interface Terms {
      moq?: string;
      pack?: string;
      lead?: number | null;
      breaks?: [string, string][];
    }
    /** A rate in effect with its terms and breaks; answers the supplier's id. */
    const rate = async (v: number, supplier: string, cost: string, terms: Terms = {}) => {
      const id = await insertRate(db, v, { supplier, cost });
      await db.query('UPDATE public.variant_supplier_pricing SET minimum_order_quantity = $2, pack_size = $3, lead_time_days = $4 WHERE id = $1', [
        id,
        terms.moq ?? '1',
        terms.pack ?? '1',
        terms.lead ?? null,
      ]);
      for (const [from, price] of terms.breaks ?? [])
        await db.query('INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit) VALUES ($1, $2, $3)', [id, from, price]);
      return supplierId(db, supplier);
    };
    const supplierLead = async (supplier: number, days: number) =>
      db.query('UPDATE public.suppliers SET lead_time_days = $2 WHERE supplier_id = $1', [supplier, days]);
    /** A process using `per` of variant `v` per unit. */
    const process = async (name: string, v: number, per: string) =>
      (await insertProcess(db, { name, steps: [{ lines: [{ variantId: v, quantity: per }] }] })).processId;
    const lines = async (q: string): Promise<Suggestion[]> => {
      const s = await reorderSuggestions(db, { q });
      return [...s.suppliers.flatMap((g) => g.lines), ...s.withoutSupplier];
    };
    const one = async (q: string): Promise<Suggestion> => {
      const all = await lines(q);
      assert.equal(all.length, 1, `one suggestion for ${q}: ${JSON.stringify(all)}`);
      return all[0]!;
    };
    const figures = (s: Suggestion) => ({
      demand: s.demand,
      later: s.later,
      laterFrom: s.laterFrom,
      shortfall: s.shortfall,
      quantity: s.quantity,
      extra: s.extra,
      leadTimeDays: s.leadTimeDays,
      orderBy: s.orderBy,
    });

    test('the lots planned within the lead time are covered, those after it are later demand; a lot with no planned start counts as today', async () => {
      const q = tag();
      const v = await variant(`${q} rod`, '10', '0');
      const mill = await rate(v, `${q} mill`, '2', { lead: 10 });
      const p = await process(`${q} frame`, v, '4');
      await createLot(db, { processId: p, quantity: 5, plannedStart: daysAfter(day, 7) }, ACTOR); // needs 20, day +7: within 10 days
      const far = await createLot(db, { processId: p, quantity: 3, plannedStart: daysAfter(day, 20) }, ACTOR); // needs 12, day +20: after
      const now = await createLot(db, { processId: p, quantity: 1 }, ACTOR); // needs 4, no day: today
      // due 20 + 4 = 24; shortfall 0 + 24 − 10 − 0 = 14; ordered by today (the lot with no day) − 10
      assert.deepEqual(figures(await one(q)), {
        demand: '24',
        later: '12',
        laterFrom: daysAfter(day, 20),
        shortfall: '14',
        quantity: '14',
        extra: '0',
        leadTimeDays: 10,
        orderBy: daysAfter(day, -10),
      });
      await setPlannedStart(db, now.lotId, daysAfter(day, 9), ACTOR); // still within: the first covered start is now day +7
      assert.equal((await one(q)).orderBy, daysAfter(day, -3));
      await setPlannedStart(db, far.lotId, daysAfter(day, 10), ACTOR); // on the last day the lead time covers
      assert.deepEqual([(await one(q)).demand, (await one(q)).later, (await one(q)).laterFrom, (await one(q)).shortfall], ['36', '0', null, '26']);

      // the rate's lead time cleared: the supplier's default (0 days) covers no lot planned ahead
      await db.query('UPDATE public.variant_supplier_pricing SET lead_time_days = NULL WHERE variant_id = $1', [v]);
      assert.deepEqual(await lines(q), [], 'nothing due within 0 days: 0 − 10 is not short');
      await supplierLead(mill, 8); // day +7 is covered, +9 and +10 are not
      assert.deepEqual(figures(await one(q)), {
        demand: '20',
        later: '16',
        laterFrom: daysAfter(day, 9),
        shortfall: '10',
        quantity: '10',
        extra: '0',
        leadTimeDays: 8,
        orderBy: daysAfter(day, -1),
      });
      // a lot that ends is no demand, covered or later
      await transitionLot(db, far.lotId, 'cancel', ACTOR, { reason: 'not needed' });
      assert.deepEqual([(await one(q)).demand, (await one(q)).later], ['20', '4']);
    });

    test('only the threshold short: no lot is covered, so there is no order-by day', async () => {
      const q = tag();
      const v = await variant(`${q} cap`, '1', '5');
      await rate(v, `${q} caps`, '1', { lead: 3 });
      assert.deepEqual(figures(await one(q)), {
        demand: '0',
        later: '0',
        laterFrom: null,
        shortfall: '4',
        quantity: '4',
        extra: '0',
        leadTimeDays: 3,
        orderBy: null,
      });
    });

    test('what is open on orders in draft and sent is netted; what a cancelled order had is not', async () => {
      const q = tag();
      const v = await variant(`${q} pin`, '5', '0');
      const sup = await rate(v, `${q} pins`, '1', { lead: 30 });
      const p = await process(`${q} hook`, v, '3');
      await createLot(db, { processId: p, quantity: 10, plannedStart: daysAfter(day, 14) }, ACTOR); // needs 30 within 30 days
      await createPurchaseOrder(db, { supplierId: sup, lines: [{ variantId: v, quantity: '6' }] }, ACTOR); // draft: 6 open
      const sent = await createPurchaseOrder(db, { supplierId: sup, lines: [{ variantId: v, quantity: '4' }] }, ACTOR);
      await transitionPurchaseOrder(db, sent.purchaseOrderId, 'send', {}, ACTOR); // sent: 4 open
      const dropped = await createPurchaseOrder(db, { supplierId: sup, lines: [{ variantId: v, quantity: '100' }] }, ACTOR);
      await transitionPurchaseOrder(db, dropped.purchaseOrderId, 'cancel', { reason: 'wrong supplier' }, ACTOR);
      // 0 + 30 − 5 − (6 + 4) = 15
      const s = await one(q);
      assert.deepEqual([s.demand, s.onOrder, s.shortfall, s.quantity], ['30', '10', '15', '15']);
    });

    test('the shortfall is rounded up to the minimum order, then to whole packs: 37 with a minimum of 50 in packs of 12 buys 60, 23 extra', async () => {
      const q = tag();
      const v = await variant(`${q} bolt`, '3', '40'); // 40 − 3 = 37
      await rate(v, `${q} bolts`, '2', { moq: '50', pack: '12' });
      let s = await one(q);
      assert.deepEqual(
        [s.shortfall, s.minimumOrderQuantity, s.packSize, s.quantity, s.extra, s.unitPrice, s.amount],
        ['37', '50', '12', '60', '23', '2', '120'],
      );
      await db.query('UPDATE public.item_variant SET reorder_threshold = 64 WHERE variant_id = $1', [v]); // 61: past the minimum, ⌈61 ÷ 12⌉ = 6 packs
      s = await one(q);
      assert.deepEqual([s.shortfall, s.quantity, s.extra], ['61', '72', '11']);
      await db.query('UPDATE public.item_variant SET reorder_threshold = 63 WHERE variant_id = $1', [v]); // 60: whole packs already
      s = await one(q);
      assert.deepEqual([s.shortfall, s.quantity, s.extra], ['60', '60', '0']);
    });

    test('the unit price is the break the rounded quantity reaches, and the cheapest supplier is the cheapest at that quantity', async () => {
      const q = tag();
      const v = await variant(`${q} nut`, '3', '40'); // short 37 → 60 (minimum 50, packs of 12)
      const breaks = await rate(v, `${q} breaks`, '2', {
        moq: '50',
        pack: '12',
        breaks: [
          ['50', '1.8'],
          ['100', '1.5'],
        ],
      });
      await rate(v, `${q} flat`, '1.9'); // 37 at 1.90: dearer than 60 at 1.80
      let s = await one(q);
      assert.deepEqual(
        [s.supplierId, s.why, s.quantity, s.ratePrice, s.breakFrom, s.unitPrice, s.amount],
        [breaks, 'lowest rate', '60', '2', '50', '1.8', '108'],
      );
      await db.query('UPDATE public.item_variant SET reorder_threshold = 103 WHERE variant_id = $1', [v]); // short 100 → 108 (9 packs), from 100 at 1.50
      s = await one(q);
      assert.deepEqual([s.quantity, s.extra, s.breakFrom, s.unitPrice, s.amount], ['108', '8', '100', '1.5', '162']);
    });

    test('grouped per supplier: its lines, its total, its lead time and its first order-by day', async () => {
      const q = tag();
      const a = await variant(`${q} axle`, '0', '0');
      const b = await variant(`${q} bush`, '0', '5');
      const c = await variant(`${q} cog`, '0', '3');
      const east = await rate(a, `${q} east`, '2.5', { pack: '10' });
      await rate(b, `${q} east`, '4', { lead: 2 });
      const west = await rate(c, `${q} west`, '1.25');
      await supplierLead(east, 5);
      await createLot(db, { processId: await process(`${q} cart`, a, '2'), quantity: 6, plannedStart: daysAfter(day, 4) }, ACTOR); // axle: 12 due by day +4
      const s = await reorderSuggestions(db, { q });
      // east: axle 12 → 20 (packs of 10) × 2.50 = 50, by day +4 − 5; bush 5 × 4 = 20, no lot: 70
      // west: cog 3 × 1.25 = 3.75
      assert.deepEqual(
        s.suppliers.map((g) => [
          g.supplierId,
          g.leadTimeDays,
          g.orderBy,
          g.lineCount,
          g.total,
          g.lines.map((l) => [l.variantId, l.quantity, l.leadTimeDays, l.amount]),
        ]),
        [
          [
            east,
            5,
            daysAfter(day, -1),
            2,
            '70',
            [
              [a, '20', 5, '50'],
              [b, '5', 2, '20'],
            ],
          ],
          [west, 0, null, 1, '3.75', [[c, '3', 0, '3.75']]],
        ],
      );
      assert.deepEqual(s.withoutSupplier, []);
    });

    test('orders made from suggestions buy the rounded quantity at the break price; then the shortfall is on order', async () => {
      const q = tag();
      const v = await variant(`${q} rivet`, '3', '40');
      const sup = await rate(v, `${q} rivets`, '2', { moq: '50', pack: '12', breaks: [['50', '1.8']] });
      const [made, ...more] = await createOrdersFromSuggestions(db, { variantIds: [v] }, ACTOR);
      assert.deepEqual(more, []);
      assert.deepEqual([made!.supplierId, made!.total], [sup, '108']);
      const order = (await getPurchaseOrder(db, made!.purchaseOrderId))!;
      assert.deepEqual(
        order.lines.map((l) => [l.variantId, l.quantity, l.unitPrice]),
        [[v, '60.000', '1.8000']],
      );
      assert.deepEqual(await lines(q), [], '60 on order covers the 37 short');
    });

    test('two people making orders from the suggestions at once order a rounded shortfall once', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: makers cannot race there',
    }, async () => {
      const q = tag();
      const v = await variant(`${q} seal`, '3', '40');
      await rate(v, `${q} seals`, '2', { moq: '50', pack: '12', breaks: [['50', '1.8']] });
      const both = await Promise.allSettled([0, 1].map(() => createOrdersFromSuggestions(db, { variantIds: [v] }, ACTOR)));
      const made = both.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const refused = both.flatMap((r) => (r.status === 'rejected' ? [r.reason as PurchasingError] : []));
      assert.deepEqual(
        made.map((o) => o.total),
        ['108'],
        'one order of 60 at 1.80',
      );
      assert.deepEqual(
        refused.map((e) => [e.code, e.message]),
        [['NOTHING_TO_ORDER', 'nothing to order: no variant of these suppliers and variants is short of stock with a supplier rate in effect']],
      );
      const open = await db.query<{ q: string }>('SELECT trim_scale(sum(quantity))::text AS q FROM public.purchase_order_lines WHERE variant_id = $1', [v]);
      assert.equal(open.rows[0]!.q, '60');
    });
  });
}
