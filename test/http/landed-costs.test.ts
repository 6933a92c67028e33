// Landed costs over HTTP (issue 22, point 2), on PGlite and on the server: a receipt posted with
// charges answers each line's shares and landed unit cost; a charge added later is its own
// entry; who may add one; the refusals' words and their fields.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, allows } from '../../src/app/access/roles.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertVariant, supplierId } from '../helpers/processes.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`landed costs over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let supplier: number;
    let a: number;
    let b: number;
    before(async () => {
      api = await testApi(backend);
      a = await insertVariant(api.db, 'Landed bolt');
      b = await insertVariant(api.db, 'Landed nut');
      supplier = await supplierId(api.db, 'Bolt Co');
    });
    after(async () => {
      await api?.close();
    });

    const lines = () => [
      { variantId: a, quantity: '10', unitCost: '5' },
      { variantId: b, quantity: '30', unitCost: '2' },
    ];

    test('a receipt with freight answers each line’s share and landed unit cost, and the charges', async () => {
      const r = await api.call('POST', '/api/goods-receipts', {
        as: 'operator',
        body: { supplierId: supplier, lines: lines(), charges: [{ kind: 'freight', amount: '100', spread: 'quantity', description: 'Truck' }] },
      });
      assert.equal(r.statusCode, 201, r.body);
      const made = json(r);
      // 100 over 40 units: 25 and 75; landed 5 + 2.5 = 7.5, 2 + 2.5 = 4.5
      assert.deepEqual(
        made.lines.map((l: any) => [l.shares.map((s: any) => s.amount), l.landedUnitCost]),
        [
          [['25'], '7.5'],
          [['75'], '4.5'],
        ],
      );
      assert.deepEqual(
        made.charges.map((c: any) => [c.kind, c.description, c.amount, c.spread, c.addedLater]),
        [['freight', 'Truck', '100', 'quantity', false]],
      );
      const read = json(await api.call('GET', `/api/goods-receipts/${made.receiptId}`, { as: 'viewer' }));
      assert.deepEqual(read.charges, made.charges);
      assert.deepEqual(read.lines, made.lines);
    });

    test('shares by hand that do not add up are a 400 naming the charge’s lines, in words', async () => {
      const r = await api.call('POST', '/api/goods-receipts', {
        as: 'operator',
        body: {
          supplierId: supplier,
          lines: lines(),
          charges: [
            {
              kind: 'duty',
              amount: '50',
              spread: 'manual',
              lines: [
                { line: 0, amount: '20' },
                { line: 1, amount: '20' },
              ],
            },
          ],
        },
      });
      assert.equal(r.statusCode, 400, r.body);
      const body = json(r).error;
      assert.equal(body.code, 'CHARGE_SHARES_DIFFER');
      assert.deepEqual(
        body.details.fields.map((f: any) => [f.path, f.message]),
        [['body/charges/0/lines', 'the shares add up to 40, not the charge’s 50: 10 is not spread; make them add up to the charge exactly']],
      );
      const kind = await api.call('POST', '/api/goods-receipts', {
        as: 'operator',
        body: { supplierId: supplier, lines: lines(), charges: [{ kind: 'postage', amount: '0', spread: 'quantity' }] },
      });
      assert.equal(kind.statusCode, 400, kind.body);
      assert.equal(
        json(kind).error.message,
        'charges[0].kind: choose one of: freight, duty, other; charges[0].amount: write an amount above 0 with up to 4 decimals, such as 1250.50',
      );
      const paths = json(kind).error.details.fields.map((f: any) => f.path);
      assert.ok(paths.includes('body/charges/0/kind') && paths.includes('body/charges/0/amount'), kind.body);
    });

    test('a freight bill is added to a posted receipt by those who receive; a reversed receipt takes none (409)', async () => {
      const made = json(await api.call('POST', '/api/goods-receipts', { as: 'operator', body: { supplierId: supplier, lines: lines() } }));
      const url = `/api/goods-receipts/${made.receiptId}/charges`;
      const bill = { kind: 'freight', amount: '40', spread: 'quantity', billNumber: 'FB-1', chargedOn: '2026-11-20' };
      for (const role of ROLES.filter((x) => !allows(x, 'purchasing.receive'))) {
        assert.equal((await api.call('POST', url, { as: role, body: bill })).statusCode, 403, role);
      }
      const r = await api.call('POST', url, { as: 'operator', body: bill });
      assert.equal(r.statusCode, 201, r.body);
      const after = json(r);
      // 40 over 40 units: 10 and 30; landed 5 + 1 = 6, 2 + 1 = 3
      assert.deepEqual(
        after.lines.map((l: any) => l.landedUnitCost),
        ['6', '3'],
      );
      assert.deepEqual(
        after.charges.map((c: any) => [c.addedLater, c.billNumber, c.chargedOn]),
        [[true, 'FB-1', '2026-11-20']],
      );
      assert.equal((await api.call('POST', '/api/goods-receipts/999999/charges', { as: 'operator', body: bill })).statusCode, 404);
      const stranger = await api.call('POST', url, {
        as: 'operator',
        body: { ...bill, spread: 'manual', lines: [{ receiptLineId: 999999, amount: '40' }] },
      });
      assert.equal(stranger.statusCode, 400, stranger.body);
      assert.deepEqual(json(stranger).error.details.fields[0].path, 'body/lines/0');
      await api.call('POST', `/api/goods-receipts/${made.receiptId}/reverse`, { as: 'operator', body: { reason: 'sent back' } });
      const refused = await api.call('POST', url, { as: 'operator', body: bill });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(json(refused).error.code, 'RECEIPT_REVERSED');
      assert.match(json(refused).error.message, /has been reversed: its goods went back/);
    });
  });
}
