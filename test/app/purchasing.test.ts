// Purchase orders and goods receipts (issue 19, points 1 and 2), on PGlite and on the server:
// numbering, prices from the rate in effect, the machine's moves, receipts against an order
// (partial, over, racing), receipts on their own, reversals, and what they do to stock value.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import {
  addPurchaseOrderLine,
  changePurchaseOrderLine,
  createPurchaseOrder,
  removePurchaseOrderLine,
  transitionPurchaseOrder,
} from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt, reverseGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { PurchasingError } from '../../src/app/purchasing/status.ts';
import { MtcError } from '../../src/errors.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

/** The error `fn` throws, which must be one of MTC's (a PurchasingError, or the stock's own) with `code`. */
async function refused(fn: () => Promise<unknown>, code: string): Promise<MtcError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof MtcError, `expected an error of MTC's, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but it was accepted`);
}

for (const backend of backends) {
  describe(`purchasing on ${backend.name}`, { skip: backend.skip }, () => {
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
    /** A supplier of its own and a variant it sells at `price` (minimum order `moq`). */
    const setUp = async (price = '12.50', moq = '1') => {
      const name = `Supplier ${++n}`;
      const variant = await insertVariant(db, `Bought part ${n}`);
      const rate = await insertRate(db, variant, { supplier: name, cost: price, from: '2020-01-01' });
      await db.query('UPDATE public.variant_supplier_pricing SET minimum_order_quantity = $2 WHERE id = $1', [rate, moq]);
      return { supplier: await supplierId(db, name), variant };
    };
    const audits = async (entity: string, id: number) =>
      (
        await db.query<{ action: string; via: string }>('SELECT action, via FROM public.audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id', [
          entity,
          String(id),
        ])
      ).rows;
    const stock = async (variant: number) =>
      (
        await db.query<{ stock: string; value: string | null }>(
          'SELECT trim_scale(stock)::text AS stock, trim_scale(stock_value)::text AS value FROM public.item_variant WHERE variant_id = $1',
          [variant],
        )
      ).rows[0]!;

    test('an order is numbered PO-YYYYMMDD-NNNNNN, prices its lines at the rate in effect, warns below the minimum order, and totals exactly', async () => {
      const { supplier, variant } = await setUp('12.50', '100');
      const po = await createPurchaseOrder(
        db,
        { supplierId: supplier, lines: [{ variantId: variant, quantity: '40', taxRate: '18', discountRate: '2.5' }] },
        ACTOR,
      );
      assert.match(po.poNumber, /^PO-\d{8}-\d{6}$/);
      assert.equal(po.status, 'draft');
      assert.equal(po.lines[0]!.unitPrice, '12.5000');
      // 40 × 12.50 = 500, less 2.5% = 487.5; tax 18% = 87.75; total 575.25
      assert.deepEqual([po.net, po.tax, po.total], ['487.5', '87.75', '575.25']);
      assert.deepEqual(
        po.warnings.map((w) => w.code),
        ['BELOW_MINIMUM_ORDER'],
      );
      assert.match(po.warnings[0]!.message, /minimum order quantity of 100/);
      assert.deepEqual(await audits('purchase_order', po.purchaseOrderId), [{ action: 'create', via: 'cli' }]);
      const two = await createPurchaseOrder(db, { supplierId: supplier }, ACTOR);
      assert.notEqual(two.poNumber, po.poNumber);
    });

    test('the lines of an order of many are numbered in the order given, each priced as given or at its own rate, warned each below its minimum; a line added after is numbered next', async () => {
      const { supplier, variant } = await setUp('12.50', '100');
      const second = await insertVariant(db, `Second part ${n}`);
      await insertRate(db, second, { supplier: `Supplier ${n}`, cost: '3.25', from: '2020-01-01' });
      const deleted = await insertVariant(db, `Deleted part ${n}`);
      await db.query('UPDATE public.item_variant SET deleted_at = now() WHERE variant_id = $1', [deleted]);
      // 300 lines: the two variants in turn, every third line at a price of its own, every fifth with tax and a note.
      const lines = Array.from({ length: 300 }, (_, i) => ({
        variantId: i % 2 ? second : variant,
        quantity: String(i + 1),
        ...(i % 3 === 0 ? { unitPrice: `${i}.5` } : {}),
        ...(i % 5 === 0 ? { taxRate: '18', notes: `line ${i + 1}` } : {}),
      }));
      const po = await createPurchaseOrder(db, { supplierId: supplier, lines }, ACTOR);
      assert.equal(po.lines.length, 300);
      po.lines.forEach((l, i) => {
        assert.deepEqual(
          [l.lineNo, l.variantId, l.quantity, Number(l.unitPrice), l.taxRate, l.notes],
          [
            i + 1,
            i % 2 ? second : variant,
            `${i + 1}.000`,
            i % 3 === 0 ? i + 0.5 : i % 2 ? 3.25 : 12.5,
            i % 5 === 0 ? '18.00' : '0.00',
            i % 5 === 0 ? `line ${i + 1}` : null,
          ],
          `line ${i + 1}`,
        );
      });
      // Only the first variant's rate has a minimum (100): its lines of fewer than 100 are warned, each by its number.
      assert.deepEqual(
        po.warnings.map((w) => w.lineNo),
        po.lines.filter((l) => l.variantId === variant && Number(l.quantity) < 100).map((l) => l.lineNo),
      );
      const added = await addPurchaseOrderLine(db, po.purchaseOrderId, { variantId: second, quantity: '7' }, ACTOR);
      assert.deepEqual([added.lines.at(-1)!.lineNo, added.lines.at(-1)!.unitPrice], [301, '3.2500']);

      // The first line at fault is the one refused, by its index, whatever is wrong further on; no order is made.
      const orders = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM public.purchase_orders')).rows[0]!.n);
      const before = await orders();
      const at = (i: number, line: object) => lines.map((l, j) => (j === i ? { ...l, ...line } : l));
      const gone = await refused(
        () =>
          createPurchaseOrder(
            db,
            { supplierId: supplier, lines: at(250, { variantId: deleted }).map((l, j) => (j === 270 ? { ...l, quantity: '0' } : l)) },
            ACTOR,
          ),
        'VARIANT_NOT_FOUND',
      );
      assert.equal(gone.message, `lines/250/variantId: names no variant in the catalog (${deleted})`);
      const bad = await refused(
        () =>
          createPurchaseOrder(
            db,
            { supplierId: supplier, lines: at(270, { quantity: '0' }).map((l, j) => (j === 280 ? { ...l, variantId: deleted } : l)) },
            ACTOR,
          ),
        'INVALID_LINE',
      );
      assert.match(bad.message, /^lines\/270\/quantity: write a number more than 0/);
      const unpriced = await insertVariant(db, `Unpriced part ${n}`);
      const noRate = await refused(
        () => createPurchaseOrder(db, { supplierId: supplier, lines: at(299, { variantId: unpriced, unitPrice: null }) }, ACTOR),
        'NO_RATE',
      );
      assert.match(
        noRate.message,
        new RegExp(`^lines/299/unitPrice: is required: Supplier ${n} has no active rate for variant ${unpriced} on \\d{4}-\\d{2}-\\d{2}`),
      );
      assert.deepEqual(noRate.details.fields, [{ path: 'lines/299/unitPrice', message: noRate.message.replace('lines/299/unitPrice: ', '') }]);
      assert.equal(await orders(), before, 'no order was left half-made');
    });

    test('bad lines are refused naming the field, and nothing is written', async () => {
      const { supplier, variant } = await setUp();
      const before = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM public.purchase_orders')).rows[0]!.n);
      const e = await refused(
        () =>
          createPurchaseOrder(
            db,
            {
              supplierId: supplier,
              lines: [
                { variantId: variant, quantity: '5' },
                { variantId: variant, quantity: '0' },
              ],
            },
            ACTOR,
          ),
        'INVALID_LINE',
      );
      assert.match(e.message, /^lines\/1\/quantity: write a number more than 0/);
      const other = await insertVariant(db, `Unpriced part ${n}`);
      const noRate = await refused(() => createPurchaseOrder(db, { supplierId: supplier, lines: [{ variantId: other, quantity: '5' }] }, ACTOR), 'NO_RATE');
      assert.match(noRate.message, /^lines\/0\/unitPrice: is required: .* has no active rate/);
      await refused(
        () => createPurchaseOrder(db, { supplierId: supplier, lines: [{ variantId: variant, quantity: '1', taxRate: '101' }] }, ACTOR),
        'INVALID_LINE',
      );
      await refused(() => createPurchaseOrder(db, { supplierId: 999999 }, ACTOR), 'SUPPLIER_NOT_FOUND');
      // expected before it is ordered (the hostile walk sent 0001-01-01 and got a 500 from the CHECK)
      const early = await refused(
        () => createPurchaseOrder(db, { supplierId: supplier, orderDate: '2026-03-10', expectedOn: '0001-01-01' }, ACTOR),
        'INVALID_ORDER',
      );
      assert.match(early.message, /^expectedOn: write a day as YYYY-MM-DD, on or after the order's date 2026-03-10/);
      const after = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM public.purchase_orders')).rows[0]!.n);
      assert.equal(after, before, 'no order was left half-made');
    });

    test('lines change only while the order is a draft; an empty order is not sent; cancel needs a reason', async () => {
      const { supplier, variant } = await setUp();
      let po = await createPurchaseOrder(db, { supplierId: supplier }, ACTOR);
      await refused(() => transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR), 'PO_EMPTY');
      po = await addPurchaseOrderLine(db, po.purchaseOrderId, { variantId: variant, quantity: '10', unitPrice: '3' }, ACTOR);
      po = await changePurchaseOrderLine(db, po.purchaseOrderId, po.lines[0]!.lineId, { quantity: '12' }, ACTOR);
      assert.equal(po.total, '36');
      po = await transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR);
      assert.equal(po.status, 'sent');
      assert.ok(po.sentAt);
      await refused(() => removePurchaseOrderLine(db, po.purchaseOrderId, po.lines[0]!.lineId, ACTOR), 'PO_NOT_EDITABLE');
      await refused(() => transitionPurchaseOrder(db, po.purchaseOrderId, 'cancel', { reason: '  ' }, ACTOR), 'REASON_REQUIRED');
      await refused(() => transitionPurchaseOrder(db, po.purchaseOrderId, 'close', {}, ACTOR), 'PO_TRANSITION_REFUSED');
      po = await transitionPurchaseOrder(db, po.purchaseOrderId, 'cancel', { reason: 'supplier out of stock' }, ACTOR);
      assert.equal(po.status, 'cancelled');
      await refused(() => transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR), 'PO_STATUS_FINAL');
    });

    test('receipts against an order: partial, then the rest; over what is open only with a reason; stock and its value at the price paid', async () => {
      const { supplier, variant } = await setUp('10');
      let po = await createPurchaseOrder(db, { supplierId: supplier, lines: [{ variantId: variant, quantity: '10', discountRate: '10' }] }, ACTOR);
      const line = po.lines[0]!.lineId;
      await refused(
        () => createGoodsReceipt(db, { purchaseOrderId: po.purchaseOrderId, lines: [{ poLineId: line, quantity: '1' }] }, ACTOR),
        'PO_NOT_RECEIVABLE',
      );
      po = await transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR);
      // 4 at 10 less 10% = 9 each
      const first = await createGoodsReceipt(db, { purchaseOrderId: po.purchaseOrderId, billNumber: 'B-1', lines: [{ poLineId: line, quantity: '4' }] }, ACTOR);
      assert.match(first.receiptNumber, /^GR-\d{8}-\d{6}$/);
      assert.equal(first.lines[0]!.unitCost, '9');
      assert.deepEqual(await stock(variant), { stock: '4', value: '36' });
      const over = await refused(
        () => createGoodsReceipt(db, { purchaseOrderId: po.purchaseOrderId, lines: [{ poLineId: line, quantity: '7' }] }, ACTOR),
        'OVER_RECEIPT',
      );
      // the message names the variant: item, colour and size
      assert.match(over.message, /^lines\/0: 7 of Bought part \d+ Natural One size is more than the 6 still open on line 1 of PO-/);
      assert.match(over.message, /or say why more came in the line's over-receipt reason/, 'what to do, in words');
      // the rest, and one more with a reason, at a price of its own: 7 × 12 = 84
      const second = await createGoodsReceipt(
        db,
        { purchaseOrderId: po.purchaseOrderId, lines: [{ poLineId: line, quantity: '7', unitCost: '12', overReceiptReason: 'supplier sent a spare' }] },
        ACTOR,
      );
      assert.equal(second.lines[0]!.overReceiptReason, 'supplier sent a spare');
      assert.deepEqual(await stock(variant), { stock: '11', value: '120' });
      const status = (await db.query<{ status: string }>('SELECT status FROM public.purchase_orders WHERE id = $1', [po.purchaseOrderId])).rows[0]!.status;
      assert.equal(status, 'received');
      assert.deepEqual(await audits('goods_receipt', second.receiptId), [{ action: 'create', via: 'cli' }]);
      // the trail keeps the receipt as it was made: its row and each line's terms
      const kept = (
        await db.query<{ after: { receiptNumber: string; purchaseOrderId: number; totalAmount: string; lines: unknown[] } }>(
          `SELECT after FROM public.audit_events WHERE entity = 'goods_receipt' AND entity_id = $1`,
          [String(second.receiptId)],
        )
      ).rows[0]!.after;
      assert.equal(kept.receiptNumber, second.receiptNumber);
      assert.equal(kept.purchaseOrderId, po.purchaseOrderId);
      assert.equal(kept.totalAmount, '84');
      assert.deepEqual(kept.lines, [{ poLineId: line, variantId: variant, quantity: '7', unitCost: '12', overReceiptReason: 'supplier sent a spare' }]);
    });

    test('a reversal takes back stock, value and the order’s quantities; a receipt is reversed once and never edited', async () => {
      const { supplier, variant } = await setUp('5');
      let po = await createPurchaseOrder(db, { supplierId: supplier, lines: [{ variantId: variant, quantity: '10' }] }, ACTOR);
      po = await transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR);
      const r = await createGoodsReceipt(
        db,
        {
          purchaseOrderId: po.purchaseOrderId,
          taxPercentage: '18',
          discountAmount: '3',
          grandTotal: '61.02',
          lines: [{ poLineId: po.lines[0]!.lineId, quantity: '10' }],
        },
        ACTOR,
      );
      await refused(() => reverseGoodsReceipt(db, r.receiptId, ' ', ACTOR), 'REASON_REQUIRED');
      const back = await reverseGoodsReceipt(db, r.receiptId, 'wrong variant delivered', ACTOR);
      assert.equal(back.reversesReceiptId, r.receiptId);
      assert.deepEqual(
        [back.taxPercentage, back.discountAmount, back.totalAmount, back.grandTotal],
        ['18', '3', `-${r.totalAmount}`, '-61.02'],
        'the bill is taken back whole: its tax and discount, and its grand total as the bill said it',
      );
      assert.equal(back.lines[0]!.quantity, '-10');
      assert.deepEqual(await stock(variant), { stock: '0', value: '0' });
      const status = (await db.query<{ status: string }>('SELECT status FROM public.purchase_orders WHERE id = $1', [po.purchaseOrderId])).rows[0]!.status;
      assert.equal(status, 'sent');
      await refused(() => reverseGoodsReceipt(db, r.receiptId, 'again', ACTOR), 'RECEIPT_REVERSED');
      await refused(() => reverseGoodsReceipt(db, back.receiptId, 'undo the undo', ACTOR), 'RECEIPT_REVERSED');
      await assert.rejects(db.query('UPDATE public.goods_receipts SET bill_number = $2 WHERE id = $1', [r.receiptId, 'X']), /never changed/);
    });

    test("a receipt whose figures each fit but add up to more than MTC records is refused (its lines a 400, a variant's stock a 409 naming it), and nothing is received", async () => {
      const { supplier, variant } = await setUp();
      const before = await stock(variant);
      const huge = { variantId: variant, quantity: '999999999.999', unitCost: '9999999999.9999' };
      await refused(() => createGoodsReceipt(db, { supplierId: supplier, lines: [huge, huge] }, ACTOR), 'RECEIPT_TOO_LARGE');
      await refused(
        () =>
          createGoodsReceipt(
            db,
            {
              supplierId: supplier,
              lines: [
                { ...huge, unitCost: '1' },
                { ...huge, unitCost: '1' },
              ],
            },
            ACTOR,
          ),
        'STOCK_TOO_LARGE',
      );
      assert.deepEqual(await stock(variant), before, 'neither the stock nor its value moved');
      const receipts = await db.query('SELECT 1 FROM public.goods_receipt_lines WHERE variant_id = $1', [variant]);
      assert.equal(receipts.rows.length, 0, 'no receipt was kept');
    });

    test('a receipt on its own needs a supplier and a cost per line', async () => {
      const { supplier, variant } = await setUp();
      await refused(() => createGoodsReceipt(db, { lines: [{ variantId: variant, quantity: '1', unitCost: '2' }] }, ACTOR), 'INVALID_RECEIPT');
      const noCost = await refused(
        () => createGoodsReceipt(db, { supplierId: supplier, lines: [{ variantId: variant, quantity: '1' }] }, ACTOR),
        'INVALID_LINE',
      );
      assert.match(noCost.message, /^lines\/0\/unitCost: is required/);
      const r = await createGoodsReceipt(
        db,
        {
          supplierId: supplier,
          billNumber: 'CASH-7',
          taxPercentage: '18',
          discountAmount: '1',
          grandTotal: '100',
          lines: [{ variantId: variant, quantity: '3', unitCost: '2.5' }],
        },
        ACTOR,
      );
      // 7.5 less 1 = 6.5, with 18% tax = 7.67: the bill's 100 differs, and the receipt says so
      assert.equal(r.totalAmount, '7.5');
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        ['GRAND_TOTAL_DIFFERS'],
      );
    });

    test('receipts of one order line racing each other never receive more than ordered', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: receipts cannot race there',
    }, async () => {
      const { supplier, variant } = await setUp('1');
      let po = await createPurchaseOrder(db, { supplierId: supplier, lines: [{ variantId: variant, quantity: '10' }] }, ACTOR);
      po = await transitionPurchaseOrder(db, po.purchaseOrderId, 'send', {}, ACTOR);
      const line = po.lines[0]!.lineId;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => createGoodsReceipt(db, { purchaseOrderId: po.purchaseOrderId, lines: [{ poLineId: line, quantity: '1' }] }, ACTOR)),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refusals = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as PurchasingError);
      assert.equal(ok, 10);
      // each refused one was told why: over what is open, or the order received in full meanwhile
      assert.equal(refusals.length, 10);
      assert.ok(
        refusals.every((e) => e.code === 'OVER_RECEIPT' || e.code === 'PO_NOT_RECEIVABLE'),
        refusals.map((e) => e.message).join('; '),
      );
      assert.deepEqual(await stock(variant), { stock: '10', value: '10' });
      const received = (await db.query<{ q: string }>('SELECT trim_scale(received_quantity)::text AS q FROM public.purchase_order_lines WHERE id = $1', [line]))
        .rows[0]!.q;
      assert.equal(received, '10');
    });

    test('receipts on their own of the same variants at once, in any order, all go through: none deadlocks another', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: receipts cannot race there',
    }, async () => {
      const a = await setUp('1');
      const b = await insertVariant(db, `Bought part ${++n}`);
      // each receipt names both variants, half of them b first
      const results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) => {
          const lines = [
            { variantId: a.variant, quantity: '1', unitCost: '2' },
            { variantId: b, quantity: '1', unitCost: '3' },
          ];
          return createGoodsReceipt(db, { supplierId: a.supplier, lines: i % 2 === 0 ? lines : lines.reverse() }, ACTOR);
        }),
      );
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], 'every receipt went through');
      assert.deepEqual(await stock(a.variant), { stock: '16', value: '32' });
      assert.deepEqual(await stock(b), { stock: '16', value: '48' });
    });
  });
}
