// Reorder suggestions (issue 19, point 5), on PGlite and on the server: the shortfall (threshold
// + what lots in planning and ready need − stock − what is open on orders), the supplier chosen
// (preferred, else the lowest rate in effect today), the minimum order quantity, and turning
// suggestions into draft orders in one transaction.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { updateVariant } from '../../src/app/items/variants.ts';
import { transitionLot } from '../../src/app/lots/lifecycle.ts';
import { createLot } from '../../src/app/lots/lots.ts';
import { createPurchaseOrder, getPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { PurchasingError } from '../../src/app/purchasing/status.ts';
import { createOrdersFromSuggestions, reorderSuggestions } from '../../src/app/purchasing/suggestions.ts';
import type { Suggestion } from '../../src/app/purchasing/suggestions.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

for (const backend of backends) {
  describe(`reorder suggestions on ${backend.name}`, { skip: backend.skip }, () => {
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

    let n = 0;
    /** A name no other test's items share, to find this test's suggestions by (q). */
    const tag = () => `Sugg${++n}x`;
    /** A variant of item `name` with `stock` and a reorder threshold. */
    const variant = async (name: string, stock: string, threshold: string) => {
      const id = await insertVariant(db, name, { stock, cost: stock === '0' ? undefined : '1' });
      await db.query('UPDATE public.item_variant SET reorder_threshold = $2 WHERE variant_id = $1', [id, threshold]);
      return id;
    };
    const rate = async (v: number, supplier: string, cost: string, more: { moq?: string; active?: boolean; from?: string; to?: string | null } = {}) => {
      const id = await insertRate(db, v, { supplier, cost, active: more.active, from: more.from, to: more.to });
      if (more.moq) await db.query('UPDATE public.variant_supplier_pricing SET minimum_order_quantity = $2 WHERE id = $1', [id, more.moq]);
      return supplierId(db, supplier);
    };
    /** Every suggestion of items named with `q`, with or without a supplier. */
    const lines = async (q: string): Promise<Suggestion[]> => {
      const s = await reorderSuggestions(db, { q });
      return [...s.suppliers.flatMap((g) => g.lines), ...s.withoutSupplier];
    };
    const one = async (q: string): Promise<Suggestion> => {
      const all = await lines(q);
      assert.equal(all.length, 1, `one suggestion for ${q}: ${JSON.stringify(all)}`);
      return all[0]!;
    };

    test('a variant below its threshold is suggested for the shortfall, from the supplier with the lowest rate', async () => {
      const q = tag();
      const v = await variant(`${q} washer`, '2', '10');
      await rate(v, `${q} dear`, '5');
      const cheap = await rate(v, `${q} cheap`, '3');
      await variant(`${q} bolt`, '10', '10'); // at its threshold: nothing to buy
      const s = await one(q);
      assert.deepEqual(
        {
          variantId: s.variantId,
          stock: s.stock,
          threshold: s.threshold,
          demand: s.demand,
          onOrder: s.onOrder,
          shortfall: s.shortfall,
          minimumOrderQuantity: s.minimumOrderQuantity,
          quantity: s.quantity,
          supplierId: s.supplierId,
          supplier: s.supplier,
          unitPrice: s.unitPrice,
          amount: s.amount,
          why: s.why,
        },
        {
          variantId: v,
          stock: '2',
          threshold: '10',
          demand: '0',
          onOrder: '0',
          shortfall: '8',
          minimumOrderQuantity: '1',
          quantity: '8',
          supplierId: cheap,
          supplier: `${q} cheap`,
          unitPrice: '3',
          amount: '24',
          why: 'lowest rate',
        },
      );
      const grouped = await reorderSuggestions(db, { q });
      assert.deepEqual(
        grouped.suppliers.map((g) => [g.supplier, g.lineCount, g.total]),
        [[`${q} cheap`, 1, '24']],
      );
      assert.deepEqual((await reorderSuggestions(db, { q, supplierId: cheap })).suppliers.length, 1);
      assert.deepEqual((await reorderSuggestions(db, { q, supplierId: await supplierId(db, `${q} dear`) })).suppliers, []);
    });

    test('lots in planning, ready and in progress raise the demand by what they need (a lot consumes only when it completes); a lot that ends does not', async () => {
      const q = tag();
      const v = await variant(`${q} tube`, '10', '5');
      await rate(v, `${q} mill`, '2');
      const p = await insertProcess(db, { name: `${q} frame`, steps: [{ lines: [{ variantId: v, quantity: '2' }] }] });
      assert.deepEqual(await lines(q), [], 'no lot yet: 5 − 10 is not short');
      const planning = await createLot(db, { processId: p.processId, quantity: 3 }, ACTOR); // needs 6
      let s = await one(q);
      assert.deepEqual([s.demand, s.shortfall, s.quantity], ['6', '1', '1']);
      const ready = await createLot(db, { processId: p.processId, quantity: 2 }, ACTOR); // needs 4, covered by the stock
      await transitionLot(db, ready.lotId, 'ready', ACTOR);
      s = await one(q);
      assert.deepEqual([s.demand, s.shortfall], ['10', '5']);
      await transitionLot(db, planning.lotId, 'cancel', ACTOR, { reason: 'not needed' });
      assert.deepEqual(await lines(q), [], 'the cancelled lot needs nothing: 5 + 4 − 10 is not short');
      await db.query('UPDATE public.item_variant SET reorder_threshold = 7 WHERE variant_id = $1', [v]);
      s = await one(q);
      assert.deepEqual([s.demand, s.shortfall], ['4', '1']);
      await transitionLot(db, ready.lotId, 'start', ACTOR);
      s = await one(q);
      assert.deepEqual([s.demand, s.shortfall], ['4', '1'], 'a lot in progress still needs its materials: it has not consumed them');
      await transitionLot(db, ready.lotId, 'complete', ACTOR);
      s = await one(q);
      assert.deepEqual([s.stock, s.demand, s.shortfall], ['6', '0', '1'], 'once complete, its need is out of stock, not demand');
    });

    test('what is open on orders in draft, sent or partially received lowers the suggestion; cancelled and closed orders do not', async () => {
      const q = tag();
      const v = await variant(`${q} rivet`, '2', '10');
      const sup = await rate(v, `${q} rivets`, '1.5');
      assert.equal((await one(q)).shortfall, '8');
      const draft = await createPurchaseOrder(db, { supplierId: sup, lines: [{ variantId: v, quantity: '3' }] }, ACTOR);
      let s = await one(q);
      assert.deepEqual([s.onOrder, s.shortfall, s.quantity, s.amount], ['3', '5', '5', '7.5'], 'a draft counts: it is about to be sent');
      await transitionPurchaseOrder(db, draft.purchaseOrderId, 'send', {}, ACTOR);
      assert.equal((await one(q)).onOrder, '3');
      await createGoodsReceipt(db, { purchaseOrderId: draft.purchaseOrderId, lines: [{ poLineId: draft.lines[0]!.lineId, quantity: '2' }] }, ACTOR);
      s = await one(q);
      assert.deepEqual([s.stock, s.onOrder, s.shortfall], ['4', '1', '5'], 'partly received: 1 still to come');
      await transitionPurchaseOrder(db, draft.purchaseOrderId, 'close_short', { reason: 'the last one will not come' }, ACTOR);
      s = await one(q);
      assert.deepEqual([s.onOrder, s.shortfall], ['0', '6'], 'closed short: what was open is no longer expected');
      const cancelled = await createPurchaseOrder(db, { supplierId: sup, lines: [{ variantId: v, quantity: '4' }] }, ACTOR);
      assert.equal((await one(q)).onOrder, '4');
      await transitionPurchaseOrder(db, cancelled.purchaseOrderId, 'cancel', { reason: 'ordered twice' }, ACTOR);
      s = await one(q);
      assert.deepEqual([s.onOrder, s.shortfall], ['0', '6'], 'a cancelled order brings nothing');
    });

    test('the quantity is rounded up to the chosen rate’s minimum order quantity', async () => {
      const q = tag();
      const v = await variant(`${q} sheet`, '0', '8.5');
      await rate(v, `${q} sheets`, '2.25', { moq: '50' });
      const s = await one(q);
      assert.deepEqual([s.shortfall, s.minimumOrderQuantity, s.quantity, s.amount], ['8.5', '50', '50', '112.5']);
      await db.query('UPDATE public.item_variant SET reorder_threshold = 60.25 WHERE variant_id = $1', [v]);
      const more = await one(q);
      assert.deepEqual(
        [more.shortfall, more.quantity, more.extra],
        ['60.25', '61', '0.75'],
        'more than the minimum: the shortfall in whole packs (of 1 by default)',
      );
      await db.query('UPDATE public.variant_supplier_pricing SET pack_size = 0.001 WHERE variant_id = $1', [v]);
      const loose = await one(q);
      assert.deepEqual([loose.shortfall, loose.quantity, loose.extra], ['60.25', '60.25', '0'], 'a rate sold by the thousandth buys the shortfall itself');
    });

    test('the preferred supplier wins over a cheaper one while it has a rate in effect', async () => {
      const q = tag();
      const v = await variant(`${q} spring`, '0', '4');
      const dear = await rate(v, `${q} dear`, '5');
      const cheap = await rate(v, `${q} cheap`, '3');
      await updateVariant(db, v, { preferredSupplierId: dear }, ACTOR);
      let s = await one(q);
      assert.deepEqual([s.supplierId, s.unitPrice, s.why], [dear, '5', 'preferred supplier']);
      await db.query('UPDATE public.variant_supplier_pricing SET is_active = false WHERE supplier_id = $1 AND variant_id = $2', [dear, v]);
      s = await one(q);
      assert.deepEqual([s.supplierId, s.unitPrice, s.why], [cheap, '3', 'lowest rate'], 'the preferred one has no active rate: the cheapest');
      await updateVariant(db, v, { preferredSupplierId: null }, ACTOR);
      s = await one(q);
      assert.deepEqual([s.supplierId, s.why], [cheap, 'lowest rate']);
    });

    test('an inactive, expired or future rate is never chosen; equal rates go to the lower supplier id; no rate lands in withoutSupplier', async () => {
      const q = tag();
      const v = await variant(`${q} gasket`, '0', '2');
      const first = await rate(v, `${q} a`, '4');
      await rate(v, `${q} b`, '4');
      await rate(v, `${q} inactive`, '1', { active: false });
      await rate(v, `${q} expired`, '2', { from: '2020-01-01', to: '2021-01-01' });
      await rate(v, `${q} future`, '2.5', { from: '2999-01-01' });
      const s = await one(q);
      assert.deepEqual([s.supplierId, s.unitPrice, s.why], [first, '4', 'lowest rate']);

      const w = await variant(`${q} orphan`, '1', '3');
      await rate(w, `${q} inactive`, '1', { active: false });
      const all = await reorderSuggestions(db, { q: `${q} orphan` });
      assert.deepEqual(all.suppliers, []);
      assert.equal(all.withoutSupplier.length, 1);
      const o = all.withoutSupplier[0]!;
      assert.deepEqual(
        [o.variantId, o.shortfall, o.quantity, o.supplierId, o.supplier, o.unitPrice, o.amount, o.minimumOrderQuantity, o.why],
        [w, '2', '2', null, null, null, null, null, null],
      );
    });

    test('a deleted variant is not suggested', async () => {
      const q = tag();
      const v = await variant(`${q} clip`, '0', '2');
      await rate(v, `${q} clips`, '1');
      assert.equal((await lines(q)).length, 1);
      await db.query('UPDATE public.item_variant SET deleted_at = now() WHERE variant_id = $1', [v]);
      assert.deepEqual(await lines(q), []);
    });

    test('suggestions become draft orders, one per supplier, at the suggested quantities and rates, audited; then nothing is left to order', async () => {
      const q = tag();
      const a = await variant(`${q} nut`, '0', '10');
      const b = await variant(`${q} pin`, '1', '5');
      const c = await variant(`${q} cap`, '0', '3');
      const none = await variant(`${q} lone`, '0', '3');
      const nuts = await rate(a, `${q} nuts`, '0.5', { moq: '25' });
      const pins = await rate(b, `${q} pins`, '2');
      await rate(c, `${q} pins`, '1.25');
      const orders = await createOrdersFromSuggestions(db, { variantIds: [a, b, c, none] }, ACTOR);
      assert.deepEqual(
        orders.map((o) => [o.supplierId, o.status, o.lineCount, o.total]),
        [
          [nuts, 'draft', 1, '12.5'],
          [pins, 'draft', 2, '11.75'],
        ],
      );
      const pinOrder = (await getPurchaseOrder(db, orders[1]!.purchaseOrderId))!;
      assert.deepEqual(
        pinOrder.lines.map((l) => [l.variantId, l.quantity, l.unitPrice]),
        [
          [c, '3.000', '1.2500'],
          [b, '4.000', '2.0000'],
        ],
      );
      const audits = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM public.audit_events WHERE entity = 'purchase_order' AND action = 'create' AND entity_id = ANY($1::text[])`,
        [orders.map((o) => String(o.purchaseOrderId))],
      );
      assert.equal(audits.rows[0]!.n, 2);
      const left = await lines(q);
      assert.deepEqual(
        left.map((l) => l.variantId),
        [none],
        'what was ordered is on order now; only the variant without a supplier is left',
      );
      await assert.rejects(
        createOrdersFromSuggestions(db, { variantIds: [a, b, c, none] }, ACTOR),
        (e: unknown) => e instanceof PurchasingError && e.code === 'NOTHING_TO_ORDER' && e.category === 'state',
      );
    });

    test('only the suppliers and variants asked for are ordered, and a refusal leaves nothing behind', async () => {
      const q = tag();
      const a = await variant(`${q} nut`, '0', '10');
      const b = await variant(`${q} pin`, '0', '5');
      const nuts = await rate(a, `${q} nuts`, '1');
      await rate(b, `${q} pins`, '1');
      const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.purchase_orders')).rows[0]!.n;
      await assert.rejects(
        createOrdersFromSuggestions(db, { variantIds: [a], supplierIds: [await supplierId(db, `${q} pins`)] }, ACTOR),
        (e: unknown) => e instanceof PurchasingError && e.code === 'NOTHING_TO_ORDER',
      );
      assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.purchase_orders')).rows[0]!.n, before);
      const made = await createOrdersFromSuggestions(db, { variantIds: [a, b], supplierIds: [nuts] }, ACTOR);
      assert.deepEqual(
        made.map((o) => o.supplierId),
        [nuts],
      );
      assert.deepEqual(
        (await lines(q)).map((l) => l.variantId),
        [b],
      );
    });

    test('makers racing each other order a shortfall once: the others find it on order', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: makers cannot race there',
    }, async () => {
      const q = tag();
      const v = await variant(`${q} seal`, '0', '6');
      await rate(v, `${q} seals`, '1');
      const all = await Promise.allSettled(Array.from({ length: 10 }, () => createOrdersFromSuggestions(db, { variantIds: [v] }, ACTOR)));
      const refused = all.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as PurchasingError);
      assert.equal(all.length - refused.length, 1, 'one maker made the order');
      assert.ok(
        refused.every((e) => e.code === 'NOTHING_TO_ORDER'),
        refused.map((e) => e.message).join('; '),
      );
      const lines = await db.query<{ n: string }>('SELECT trim_scale(sum(quantity))::text AS n FROM public.purchase_order_lines WHERE variant_id = $1', [v]);
      assert.equal(lines.rows[0]!.n, '6');
    });
  });
}
