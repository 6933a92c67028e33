// GET /api/exports/purchase-orders.csv and goods-receipts.csv on PGlite and on the server: the
// downloads (headers, the export's own bytes, guarded cells, a quote in the notes) and the
// refusal of an anonymous caller (401); every role holds purchasing.read.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { exportGoodsReceiptsCsv, exportPurchaseOrdersCsv } from '../../src/app/purchasing/export.ts';
import { createPurchaseOrder, transitionPurchaseOrder } from '../../src/app/purchasing/orders.ts';
import { createGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };
const json = (r: { body: string }) => JSON.parse(r.body) as { error: { code: string } };

async function text(csv: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const piece of csv) out += piece;
  return out;
}

for (const backend of backends) {
  describe(`purchasing exports over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let poNumber = '';
    let receiptNumber = '';
    before(async () => {
      api = await testApi(backend);
      const saddle = await insertVariant(api.db, 'Saddle', { color: 'Brown', size: 'Leather' });
      await insertRate(api.db, saddle, { supplier: '=cmd|"/C calc"!A0', cost: '450.00', from: '2025-01-01' });
      const supplier = await supplierId(api.db, '=cmd|"/C calc"!A0');
      const po = await createPurchaseOrder(
        api.db,
        { supplierId: supplier, orderDate: '2026-05-04', notes: 'Deliver to "Gate 2"', lines: [{ variantId: saddle, quantity: '20', taxRate: '18' }] },
        ACTOR,
      );
      poNumber = po.poNumber;
      await transitionPurchaseOrder(api.db, po.purchaseOrderId, 'send', {}, ACTOR);
      receiptNumber = (
        await createGoodsReceipt(
          api.db,
          { purchaseOrderId: po.purchaseOrderId, billNumber: 'B-17', receivedOn: '2026-05-06', lines: [{ poLineId: po.lines[0]!.lineId, quantity: '8' }] },
          ACTOR,
        )
      ).receiptNumber;
    });
    after(async () => {
      await api?.close();
    });

    test('a viewer downloads the purchase orders as a CSV attachment: the export’s bytes, a row per line, the supplier guarded, the notes quoted', async () => {
      const r = await api.call('GET', '/api/exports/purchase-orders.csv', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(r.headers['content-disposition'], 'attachment; filename="purchase-orders.csv"');
      assert.equal(r.body, await text(exportPurchaseOrdersCsv(api.db)));
      assert.deepEqual(r.body.split('\r\n').slice(1), [
        `${poNumber},"'=cmd|""/C calc""!A0",partially_received,04/05/2026,,INR,"Deliver to ""Gate 2""",1,Saddle,Brown,Leather,pcs,20,8,450,18,0,9000,1620,10620`,
        '',
      ]);
    });

    test('an operator downloads the goods receipts: a row per line, exact amounts', async () => {
      const r = await api.call('GET', '/api/exports/goods-receipts.csv', { as: 'operator' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-disposition'], 'attachment; filename="goods-receipts.csv"');
      assert.equal(r.body, await text(exportGoodsReceiptsCsv(api.db)));
      assert.deepEqual(r.body.split('\r\n').slice(1), [
        `${receiptNumber},"'=cmd|""/C calc""!A0",${poNumber},B-17,06/05/2026,,,0,0,0,3600,3600,1,Saddle,Brown,Leather,pcs,8,450,3600,,0,450`,
        '',
      ]);
    });

    test('an anonymous caller is refused with 401; the routes need purchasing.read, not imports.read', async () => {
      for (const name of ['purchase-orders', 'goods-receipts', 'receipt-charges']) {
        const r = await api.call('GET', `/api/exports/${name}.csv`);
        assert.equal(r.statusCode, 401, name);
        assert.equal(json(r).error.code, 'UNAUTHENTICATED');
        assert.equal(api.app.routeTable.find((x) => x.url === `/api/exports/${name}.csv`)?.permission, 'purchasing.read');
      }
    });
  });
}
