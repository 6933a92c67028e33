// A supplier's ledger (issue 19, point 6), on PGlite and on the server: its orders and amounts
// (cancelled ones left out), what is open, what it delivered net of reversals, its on-time
// share (an order received after its expected day is late), and per variant the last price
// paid against its rate and the purchase history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { supplierLedger, supplierVariantHistory } from '../../src/app/purchasing/ledger.ts';
import { createPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import type { LineInput } from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt, reverseGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { PurchasingError } from '../../src/app/purchasing/status.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

const notFound = (e: unknown) => e instanceof PurchasingError && e.code === 'NOT_FOUND';

for (const backend of backends) {
  describe(`supplier ledger on ${backend.name}`, { skip: backend.skip }, () => {
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
    /** An order sent to the supplier on 2026-01-01, expected on `expectedOn`. */
    const sent = async (supplier: number, expectedOn: string | null, line: LineInput & { taxRate?: string }) => {
      const po = await createPurchaseOrder(db, { supplierId: supplier, orderDate: '2026-01-01', expectedOn, lines: [line] }, ACTOR);
      await transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR);
      return po;
    };
    const receive = (po: { purchaseOrderId: number; lines: { lineId: number }[] }, quantity: string, receivedOn: string) =>
      createGoodsReceipt(db, { purchaseOrderId: po.purchaseOrderId, receivedOn, lines: [{ poLineId: po.lines[0]!.lineId, quantity }] }, ACTOR);

    test('orders, amounts, receipts net of reversals, on-time share and each variant’s last price against the rate', async () => {
      const name = `Ledger supplier ${++n}`;
      const a = await insertVariant(db, `Ledger axle ${n}`);
      const b = await insertVariant(db, `Ledger bearing ${n}`);
      await insertRate(db, a, { supplier: name, cost: '10', from: '2020-01-01' });
      await insertRate(db, b, { supplier: name, cost: '4', from: '2020-01-01' });
      const s = await supplierId(db, name);

      const onTime = await sent(s, '2026-01-10', { variantId: a, quantity: '10', taxRate: '10' }); // 100 + 10 tax
      await receive(onTime, '10', '2026-01-09');
      await transitionPurchaseOrder(db, onTime.purchaseOrderId, 'close', {}, ACTOR);
      const late = await sent(s, '2026-01-10', { variantId: a, quantity: '5', unitPrice: '12' }); // 60
      await receive(late, '5', '2026-01-12');
      const open = await sent(s, '2026-02-01', { variantId: b, quantity: '20' }); // 80, 12 of it open
      await receive(open, '8', '2026-01-20');
      const cancelled = await createPurchaseOrder(db, { supplierId: s, lines: [{ variantId: a, quantity: '100' }] }, ACTOR);
      await transitionPurchaseOrder(db, cancelled.purchaseOrderId, 'cancel', { reason: 'too many' }, ACTOR);
      await createPurchaseOrder(db, { supplierId: s, lines: [{ variantId: b, quantity: '1' }] }, ACTOR); // a draft: 4
      const own = await createGoodsReceipt(db, { supplierId: s, receivedOn: '2026-01-25', lines: [{ variantId: b, quantity: '3', unitCost: '5' }] }, ACTOR);
      await reverseGoodsReceipt(db, own.receiptId, 'wrong supplier on the bill', ACTOR);

      const ledger = await supplierLedger(db, s);
      assert.equal(ledger.supplier, name);
      assert.deepEqual(ledger.orders, {
        count: 5,
        open: 1,
        byStatus: { draft: 1, sent: 0, partially_received: 1, received: 1, closed: 1, cancelled: 1 },
        orderedAmount: '254',
        openAmount: '48',
      });
      // 100 + 60 + 32 + 15 − 15; the own receipt and its reversal do not stand
      assert.deepEqual(ledger.receipts, { count: 3, receivedAmount: '192', lastReceivedOn: '2026-01-20' });
      assert.deepEqual(ledger.onTime, { due: 2, onTime: 1, share: '0.500' }, 'the order received two days after its expected day is late');
      assert.deepEqual(
        ledger.variants.map((v) => [
          v.variantId,
          v.orderedQuantity,
          v.receivedQuantity,
          v.openQuantity,
          v.lastPricePaid,
          v.lastReceivedOn,
          v.rateInEffect,
          v.difference,
        ]),
        [
          [a, '15', '15', '0', '12', '2026-01-12', '10', '2'],
          [b, '21', '8', '12', '4', '2026-01-20', '4', '0'],
        ],
      );
      assert.equal(ledger.recentReceipts.length, 5);
      assert.ok(ledger.recentReceipts[0]!.reversesReceiptId === own.receiptId, 'newest first: the reversal');

      const history = await supplierVariantHistory(db, s, b, { limit: 50, offset: 0 });
      assert.equal(history.total, 3);
      assert.equal(history.rateInEffect, '4');
      assert.deepEqual(
        history.history.map((h) => [h.quantity, h.unitCost, h.poNumber, h.billNumber]),
        [
          ['-3', '5', null, null],
          ['3', '5', null, null],
          ['8', '4', open.poNumber, null],
        ],
      );
      assert.equal(history.history[1]!.receivedOn, '2026-01-25');
      const page = await supplierVariantHistory(db, s, b, { limit: 1, offset: 2 });
      assert.deepEqual(
        page.history.map((h) => h.receiptNumber),
        [history.history[2]!.receiptNumber],
      );
    });

    test('an order received on its expected day is on time; one closed short counts by its last receipt; orders without an expected day are not due', async () => {
      const name = `Ledger supplier ${++n}`;
      const a = await insertVariant(db, `Ledger cog ${n}`);
      await insertRate(db, a, { supplier: name, cost: '2', from: '2020-01-01' });
      const s = await supplierId(db, name);
      const exact = await sent(s, '2026-01-10', { variantId: a, quantity: '4' });
      await receive(exact, '4', '2026-01-10');
      const short = await sent(s, '2026-01-10', { variantId: a, quantity: '4' });
      await receive(short, '1', '2026-01-05');
      await transitionPurchaseOrder(db, short.purchaseOrderId, 'close_short', { reason: 'the rest is discontinued' }, ACTOR);
      const undated = await sent(s, null, { variantId: a, quantity: '1' });
      await receive(undated, '1', '2026-03-01');
      const ledger = await supplierLedger(db, s);
      assert.deepEqual(ledger.onTime, { due: 2, onTime: 2, share: '1.000' });
      assert.equal(ledger.orders.openAmount, '0', 'closed short: what was open is no longer expected');
      assert.equal(ledger.variants[0]!.openQuantity, '0');
    });

    test('a supplier with nothing yet has an empty ledger and no share; unknown suppliers and variants are NOT_FOUND', async () => {
      const s = await supplierId(db, `Ledger supplier ${++n}`);
      const v = await insertVariant(db, `Ledger nothing ${n}`);
      const ledger = await supplierLedger(db, s);
      assert.deepEqual(ledger.orders.byStatus, { draft: 0, sent: 0, partially_received: 0, received: 0, closed: 0, cancelled: 0 });
      assert.deepEqual([ledger.orders.count, ledger.orders.orderedAmount, ledger.orders.openAmount], [0, '0', '0']);
      assert.deepEqual(ledger.receipts, { count: 0, receivedAmount: '0', lastReceivedOn: null });
      assert.deepEqual(ledger.onTime, { due: 0, onTime: 0, share: null });
      assert.deepEqual([ledger.variants, ledger.recentReceipts], [[], []]);
      assert.deepEqual(await supplierVariantHistory(db, s, v, { limit: 50, offset: 0 }), { total: 0, rateInEffect: null, history: [] });
      await assert.rejects(supplierLedger(db, 2_000_000_000), notFound);
      await assert.rejects(supplierVariantHistory(db, 2_000_000_000, v, { limit: 50, offset: 0 }), notFound);
      await assert.rejects(supplierVariantHistory(db, s, 2_000_000_000, { limit: 50, offset: 0 }), notFound);
    });
  });
}
