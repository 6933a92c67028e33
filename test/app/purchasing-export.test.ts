// Purchase orders and goods receipts as CSV (issue 19, point 8), on PGlite and on the server:
// a row per line with the order's or receipt's columns repeated, exact decimals, text a
// spreadsheet would run guarded (a supplier named "=…"), quotes in notes quoted, numbers
// (a reversal's negative quantities) left as numbers, and pages of 2,000 lines by key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { PAGE } from '../../src/app/imports/export.ts';
import { exportGoodsReceiptsCsv, exportPurchaseOrdersCsv, purchasingExportCsv } from '../../src/app/purchasing/export.ts';
import { createPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt, reverseGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { PurchasingError } from '../../src/app/purchasing/status.ts';
import { changeSettings } from '../../src/app/settings/settings.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

async function text(csv: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const piece of csv) out += piece;
  return out;
}

const ORDER_HEADER =
  '\uFEFFPO Number,Supplier,Status,Order Date,Expected On,Currency,Notes,Line,Item,Color,Size,Unit,Quantity,Received,Unit Price,Tax %,Discount %,Net,Tax,Total\r\n';
const RECEIPT_HEADER =
  '\uFEFFReceipt Number,Supplier,PO Number,Bill Number,Received On,Reverses,Notes,Tax %,Discount %,Discount Amount (INR),Total Amount (INR),Grand Total (INR),Line,Item,Color,Size,Unit,Quantity,Unit Cost (INR),Amount (INR),Over-receipt Reason,Charges (INR),Landed Unit Cost (INR)\r\n';

for (const backend of backends) {
  describe(`purchasing exports on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let po = '';
    let empty = '';
    let receipt = '';
    let reversal = '';
    let counter = '';
    let today = '';

    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
      const frame = await insertVariant(db, 'Frame', { color: 'Black', size: 'M' });
      const bell = await insertVariant(db, '@Bell', { color: 'Red', size: '-1' });
      await insertRate(db, frame, { supplier: '=HYPERLINK("http://evil.example","x")', cost: '1200.50', from: '2025-01-01' });
      await insertRate(db, bell, { supplier: '=HYPERLINK("http://evil.example","x")', cost: '42.13', from: '2025-01-01' });
      const evil = await supplierId(db, '=HYPERLINK("http://evil.example","x")');
      const plain = await supplierId(db, 'Plain Traders');
      const order = await createPurchaseOrder(
        db,
        {
          supplierId: evil,
          orderDate: '2026-03-02',
          expectedOn: '2026-03-10',
          notes: 'Ask for the "blue" invoice, please',
          lines: [
            { variantId: frame, quantity: '10', taxRate: '12', discountRate: '2.5' },
            { variantId: bell, quantity: '3.5', taxRate: '18' },
          ],
        },
        ACTOR,
      );
      po = order.poNumber;
      await transitionPurchaseOrder(db, order.purchaseOrderId, 'send', {}, ACTOR);
      const got = await createGoodsReceipt(
        db,
        {
          purchaseOrderId: order.purchaseOrderId,
          billNumber: '-INV 7',
          receivedOn: '2026-03-09',
          taxPercentage: '12',
          discountAmount: '100',
          lines: [{ poLineId: order.lines[0]!.lineId, quantity: '4' }],
        },
        ACTOR,
      );
      receipt = got.receiptNumber;
      reversal = (await reverseGoodsReceipt(db, got.receiptId, 'Wrong frames', ACTOR)).receiptNumber;
      counter = (
        await createGoodsReceipt(
          db,
          { supplierId: plain, receivedOn: '2026-03-11', notes: '+cash', lines: [{ variantId: bell, quantity: '2', unitCost: '40' }] },
          ACTOR,
        )
      ).receiptNumber;
      empty = (await createPurchaseOrder(db, { supplierId: plain, orderDate: '2026-03-12' }, ACTOR)).poNumber;
      today = (await db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'DD/MM/YYYY') AS d`)).rows[0]!.d;
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('purchase orders: a row per line with the order repeated, exact decimals, the hostile supplier guarded and the quote in the notes quoted; an order without lines is one row', async () => {
      const csv = await text(exportPurchaseOrdersCsv(db));
      const evil = `"'=HYPERLINK(""http://evil.example"",""x"")"`;
      const notes = '"Ask for the ""blue"" invoice, please"';
      assert.equal(
        csv,
        ORDER_HEADER +
          // 10 × 1200.5 less 2.5 % = 11704.875; tax 12 % of it 1404.585
          `${po},${evil},sent,02/03/2026,10/03/2026,INR,${notes},1,Frame,Black,M,pcs,10,0,1200.5,12,2.5,11704.875,1404.585,13109.46\r\n` +
          // 3.5 × 42.13 = 147.455; 18 % of it 26.5419; a size of "-1" is text and guarded
          `${po},${evil},sent,02/03/2026,10/03/2026,INR,${notes},2,'@Bell,Red,'-1,pcs,3.5,0,42.13,18,0,147.455,26.5419,173.9969\r\n` +
          `${empty},Plain Traders,draft,12/03/2026,,INR,,,,,,,,,,,,,,\r\n`,
      );
    });

    test('goods receipts: a row per line with the receipt repeated; the reversal names what it reverses and its quantity is a negative number, not a guarded cell', async () => {
      const csv = await text(exportGoodsReceiptsCsv(db));
      const evil = `"'=HYPERLINK(""http://evil.example"",""x"")"`;
      // 4 frames at 1200.5 less 2.5 % = 1170.4875 each: 4681.95; less 100, plus 12 % tax = 5131.784
      assert.equal(
        csv,
        RECEIPT_HEADER +
          `${receipt},${evil},${po},'-INV 7,09/03/2026,,,12,0,100,4681.95,5131.784,1,Frame,Black,M,pcs,4,1170.4875,4681.95,,0,1170.4875\r\n` +
          // the reversal takes back the lines at their cost, with the bill's tax and discount, and its grand total whole
          `${reversal},${evil},${po},'-INV 7,${today},${receipt},,12,0,100,-4681.95,-5131.784,1,Frame,Black,M,pcs,-4,1170.4875,-4681.95,,0,1170.4875\r\n` +
          `${counter},Plain Traders,,,11/03/2026,,'+cash,0,0,0,80,80,1,'@Bell,Red,'-1,pcs,2,40,80,,0,40\r\n`,
      );
    });

    test(`pages of ${PAGE} lines by key: every line once, in order, the progress reported page by page`, async () => {
      const many = await insertVariant(db, 'Spoke');
      await insertRate(db, many, { supplier: 'Spoke Works', cost: '1.5', from: '2025-01-01' });
      const spokes = await supplierId(db, 'Spoke Works');
      const lines = Array.from({ length: 450 }, (_, i) => ({ variantId: many, quantity: String(i + 1) }));
      for (let i = 0; i < 5; i++) await createPurchaseOrder(db, { supplierId: spokes, orderDate: '2026-04-01', lines }, ACTOR);
      const progress: number[] = [];
      const csv = await text(exportPurchaseOrdersCsv(db, { onRows: (n) => progress.push(n) }));
      const rows = csv.split('\r\n').slice(1, -1);
      const total = 3 + 5 * 450;
      assert.equal(rows.length, total);
      assert.deepEqual(progress, [PAGE, total]);
      const spokeRows = rows.filter((r) => r.includes(',Spoke Works,'));
      assert.deepEqual(
        spokeRows.map((r) => r.split(',')[7]),
        Array.from({ length: 5 }, () => Array.from({ length: 450 }, (_, i) => String(i + 1))).flat(),
        'each line once, in line order within its order',
      );
    });

    test('days follow the installation’s date format and a receipt’s amounts name its currency (MM/DD/YYYY and USD here); numbers stay numbers', async () => {
      await changeSettings(db, { currency: 'USD', dateFormat: 'MM/DD/YYYY' }, ACTOR);
      try {
        const orders = (await text(exportPurchaseOrdersCsv(db))).split('\r\n');
        assert.match(orders[1]!, new RegExp(`^${po},.*,sent,03/02/2026,03/10/2026,INR,`), 'the order’s own currency stays in its column');
        const receipts = (await text(exportGoodsReceiptsCsv(db))).split('\r\n');
        assert.equal(
          receipts[0],
          '\uFEFFReceipt Number,Supplier,PO Number,Bill Number,Received On,Reverses,Notes,Tax %,Discount %,Discount Amount (USD),Total Amount (USD),Grand Total (USD),Line,Item,Color,Size,Unit,Quantity,Unit Cost (USD),Amount (USD),Over-receipt Reason,Charges (USD),Landed Unit Cost (USD)',
        );
        assert.match(receipts[1]!, /,03\/09\/2026,,,12,0,100,4681\.95,5131\.784,1,Frame,/);
        await changeSettings(db, { dateFormat: 'YYYY-MM-DD' }, ACTOR);
        assert.match((await text(exportGoodsReceiptsCsv(db))).split('\r\n')[1]!, /,2026-03-09,,,12,/);
      } finally {
        await changeSettings(db, { currency: 'INR', dateFormat: 'DD/MM/YYYY' }, ACTOR);
      }
    });

    test('an export by a name there is not is a usage error naming the ones there are', () => {
      assert.throws(
        () => purchasingExportCsv(db, 'invoices'),
        (err: unknown) =>
          err instanceof PurchasingError &&
          err.code === 'UNKNOWN_EXPORT' &&
          err.category === 'usage' &&
          /choose purchase-orders or goods-receipts/.test(err.message),
      );
    });
  });
}
