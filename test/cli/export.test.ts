// `mtc export` as a user runs it: the CSV on stdout or written to -o FILE (whole or not at all),
// a file `mtc import` reads back as a no-op, and the usage errors (exit 2); on both backends.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createItem } from '../../src/app/items/items.ts';
import { createPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { createVariant } from '../../src/app/items/variants.ts';
import { createRate } from '../../src/app/suppliers/rates.ts';
import { createSupplier } from '../../src/app/suppliers/suppliers.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { backends } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { migratedDatabase } from '../helpers/imports.ts';

const SUPPLIERS = '\uFEFFFirm Name,Address,GSTIN,Email,Phone\r\n' + `'=SUM(A1:A9),"Line 1\nLine 2",,,'+91 98765 43210\r\n` + 'Plain Traders,,,,\r\n';

for (const backend of backends) {
  describe(`mtc export on ${backend.name}`, { skip: backend.skip }, () => {
    let url: string;
    let drop: () => Promise<void>;
    let dir: string;
    let poNumber = '';
    let receiptNumber = '';
    const file = (name: string) => join(dir, name);

    before(async () => {
      const t = await migratedDatabase(backend);
      const hostile = await createSupplier(t.db, { firmName: '=SUM(A1:A9)', address: 'Line 1\nLine 2', phone: '+91 98765 43210' }, CLI_ACTOR);
      await createSupplier(t.db, { firmName: 'Plain Traders' }, CLI_ACTOR);
      const item = await createItem(t.db, { name: 'Frame', category: 'Frames' }, CLI_ACTOR);
      const variant = await createVariant(t.db, item.itemId, { color: 'Black', size: 'M' }, CLI_ACTOR);
      await createRate(
        t.db,
        {
          supplierId: hostile.supplierId,
          variantId: variant!.variantId,
          costPerUnit: '10.50',
          currency: 'INR',
          minimumOrderQuantity: '1',
          effectiveFrom: '2025-04-01',
          effectiveTo: null,
          isActive: true,
        },
        CLI_ACTOR,
      );
      const po = await createPurchaseOrder(
        t.db,
        {
          supplierId: hostile.supplierId,
          orderDate: '2026-02-01',
          notes: 'Say "urgent"',
          lines: [{ variantId: variant!.variantId, quantity: '30', taxRate: '5', discountRate: '10' }],
        },
        CLI_ACTOR,
      );
      poNumber = po.poNumber;
      await transitionPurchaseOrder(t.db, po.purchaseOrderId, 'send', {}, CLI_ACTOR);
      receiptNumber = (
        await createGoodsReceipt(
          t.db,
          { purchaseOrderId: po.purchaseOrderId, billNumber: '=B1', receivedOn: '2026-02-03', lines: [{ poLineId: po.lines[0]!.lineId, quantity: '30' }] },
          CLI_ACTOR,
        )
      ).receiptNumber;
      await t.db.close();
      url = t.url;
      drop = t.drop;
      dir = await mkdtemp(join(tmpdir(), 'mtc-export-cli-'));
    });
    after(async () => {
      await drop?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('without -o the CSV goes to stdout, formulas guarded', async () => {
      const r = await mtc(['export', '--kind', 'suppliers', '--database', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, SUPPLIERS);
      assert.equal(r.stderr, '');
    });

    test('-o writes the file and says how many rows; --json says it as JSON; no partial file is left beside it', async () => {
      const r = await mtc(['export', '--kind', 'suppliers', '-o', file('suppliers.csv'), '--database', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `Exported 2 rows of suppliers to ${file('suppliers.csv')}.\n`);
      assert.equal(await readFile(file('suppliers.csv'), 'utf8'), SUPPLIERS);

      const j = await mtc(['export', '--kind', 'supplier-rates', '--output', file('rates.csv'), '--database', url, '--json']);
      assert.equal(j.code, 0, j.stderr);
      assert.deepEqual(JSON.parse(j.stdout), { kind: 'rates', file: file('rates.csv'), rows: 1 });
      assert.equal(
        await readFile(file('rates.csv'), 'utf8'),
        '\uFEFFSupplier,Item,Model,Variation,Description,Color,Size,Cost,Currency,MOQ,Effective From,Effective To,Active,Price Breaks,Lead Time (days),Pack Size\r\n' +
          `'=SUM(A1:A9),Frame,,,,Black,M,10.50,INR,1.000,01/04/2025,,yes,,,1.000\r\n`,
      );
      // no partial file (.NAME.PID.partial) beside them; other tests write files of their own in the folder
      assert.deepEqual((await readdir(dir)).filter((f) => f.includes('rates.csv') || f.includes('suppliers.csv')).sort(), ['rates.csv', 'suppliers.csv']);
    });

    test('purchase orders and goods receipts: a row per line on stdout, or to -o FILE with the count (and --json), formulas guarded, the quote in the notes quoted', async () => {
      const orders = await mtc(['export', '--kind', 'purchase-orders', '--database', url]);
      assert.equal(orders.code, 0, orders.stderr);
      // 30 × 10.50 less 10 % = 283.5; 5 % tax 14.175
      assert.equal(
        orders.stdout,
        '\uFEFFPO Number,Supplier,Status,Order Date,Expected On,Currency,Notes,Line,Item,Color,Size,Unit,Quantity,Received,Unit Price,Tax %,Discount %,Net,Tax,Total\r\n' +
          `${poNumber},'=SUM(A1:A9),received,01/02/2026,,INR,"Say ""urgent""",1,Frame,Black,M,pcs,30,30,10.5,5,10,283.5,14.175,297.675\r\n`,
      );
      const r = await mtc(['export', '--kind', 'goods-receipts', '-o', file('receipts.csv'), '--database', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `Exported 1 row of goods-receipts to ${file('receipts.csv')}.\n`);
      assert.equal(
        await readFile(file('receipts.csv'), 'utf8'),
        '\uFEFFReceipt Number,Supplier,PO Number,Bill Number,Received On,Reverses,Notes,Tax %,Discount %,Discount Amount (INR),Total Amount (INR),Grand Total (INR),Line,Item,Color,Size,Unit,Quantity,Unit Cost (INR),Amount (INR),Over-receipt Reason,Charges (INR),Landed Unit Cost (INR)\r\n' +
          `${receiptNumber},'=SUM(A1:A9),${poNumber},'=B1,03/02/2026,,,0,0,0,283.5,283.5,1,Frame,Black,M,pcs,30,9.45,283.5,,0,9.45\r\n`,
      );
      const j = await mtc(['export', '--kind', 'purchase-orders', '-o', file('orders.csv'), '--database', url, '--json']);
      assert.equal(j.code, 0, j.stderr);
      assert.deepEqual(JSON.parse(j.stdout), { kind: 'purchase-orders', file: file('orders.csv'), rows: 1 });
      assert.equal(await readFile(file('orders.csv'), 'utf8'), orders.stdout);
    });

    test('the exported files import back into the same database as a no-op, every row accounted for', async () => {
      for (const kind of ['items', 'suppliers', 'rates']) {
        const out = file(`${kind}-again.csv`);
        assert.equal((await mtc(['export', '--kind', kind, '-o', out, '--database', url])).code, 0);
        const r = await mtc(['import', out, '--kind', kind, '--database', url, '--json']);
        assert.equal(r.code, 0, r.stderr);
        const summary = JSON.parse(r.stdout) as { status: string; processedRows: number; successCount: number; failureCount: number };
        assert.deepEqual(
          { status: summary.status, processed: summary.processedRows, success: summary.successCount, failure: summary.failureCount },
          { status: 'completed', processed: kind === 'suppliers' ? 2 : 1, success: kind === 'suppliers' ? 2 : 1, failure: 0 },
          kind,
        );
      }
      const suppliers = await mtc(['export', '--kind', 'suppliers', '--database', url]);
      assert.equal(suppliers.stdout, SUPPLIERS, 'the suppliers are as they were');
    });

    test('usage errors exit 2 with a message, before the database is opened: an unknown kind names the kinds', async () => {
      const unknown = await mtc(['export', '--kind', 'widgets', '--database', url]);
      assert.equal(unknown.code, 2);
      assert.equal(unknown.stderr, 'mtc: unknown export kind "widgets": use items, suppliers, rates, purchase-orders, goods-receipts, receipt-charges\n');
      assert.equal(unknown.stdout, '');

      const json = await mtc(['export', '--kind', 'widgets', '--database', url, '--json']);
      assert.equal(json.code, 2);
      assert.equal(JSON.parse(json.stdout).error.code, 'IMPORT_UNKNOWN_KIND');

      const none = await mtc(['export', '--database', url]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /mtc export needs --kind: one of items, suppliers, rates, purchase-orders, goods-receipts, receipt-charges/);

      const positional = await mtc(['export', 'out.csv', '--kind', 'items', '--database', url]);
      assert.equal(positional.code, 2);
      assert.match(positional.stderr, /write to a file with -o FILE/);

      const nowhere = await mtc(['export', '--kind', 'items', '-o', file('no/such/dir/items.csv'), '--database', url]);
      assert.equal(nowhere.code, 2);
      assert.match(nowhere.stderr, /cannot write .*items\.csv: there is no directory .*no\/such\/dir/);
    });

    test('an export that cannot connect exits 3 and leaves an old file as it was', async () => {
      await writeFile(file('kept.csv'), 'old contents\n');
      const r = await mtc(['export', '--kind', 'items', '-o', file('kept.csv'), '--database', 'postgres://nobody@127.0.0.1:9/none']);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(await readFile(file('kept.csv'), 'utf8'), 'old contents\n');
      assert.deepEqual(
        (await readdir(dir)).filter((f) => f.includes('kept')),
        ['kept.csv'],
      );
    });
  });
}

describe('mtc export failing half way', () => {
  test('leaves no file, not even a half one: the header was written aside, then the first query failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtc-export-cli-'));
    try {
      // An in-memory database with no tables: the header goes out, then the query for the rows fails.
      const r = await mtc(['export', '--kind', 'suppliers', '-o', join(dir, 'suppliers.csv'), '--database', 'memory://']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /suppliers/);
      assert.deepEqual(await readdir(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
