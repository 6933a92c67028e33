// Reorder suggestions, the preferred supplier and the supplier ledger over HTTP (issue 19,
// points 5, 6 and 8), on PGlite and on the server: who may read and who may order, every
// refusal in the API's error shape, and decimals as strings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, allows } from '../../src/app/access/roles.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`suggestions and supplier ledger over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let dear: number;
    let cheap: number;
    let variant: number;
    before(async () => {
      api = await testApi(backend);
      variant = await insertVariant(api.db, 'Suggested hinge');
      await api.db.query('UPDATE public.item_variant SET reorder_threshold = 12.5 WHERE variant_id = $1', [variant]);
      await insertRate(api.db, variant, { supplier: 'Hinge Dear', cost: '6', from: '2020-01-01' });
      await insertRate(api.db, variant, { supplier: 'Hinge Cheap', cost: '4.5', from: '2020-01-01' });
      dear = await supplierId(api.db, 'Hinge Dear');
      cheap = await supplierId(api.db, 'Hinge Cheap');
      // sold by the half: the 12.5 short is whole packs, bought as it is
      await api.db.query('UPDATE public.variant_supplier_pricing SET pack_size = 0.5 WHERE variant_id = $1', [variant]);
    });
    after(async () => {
      await api?.close();
    });

    test('every role reads the suggestions and the ledgers; only those who order turn suggestions into orders', async () => {
      for (const role of ROLES) {
        for (const url of ['/api/purchasing/suggestions', `/api/suppliers/${cheap}/ledger`, `/api/suppliers/${cheap}/ledger/variants/${variant}`]) {
          const r = await api.call('GET', url, { as: role });
          assert.equal(r.statusCode, allows(role, 'purchasing.read') ? 200 : 403, `${role} GET ${url}: ${r.body}`);
        }
        // variant 999999 has no suggestion: a role that may order is told there is nothing to order, any other is refused first
        const r = await api.call('POST', '/api/purchasing/suggestions/orders', { as: role, body: { variantIds: [999999] } });
        assert.equal(r.statusCode, allows(role, 'purchasing.order') ? 409 : 403, `${role} POST: ${r.body}`);
      }
      assert.equal((await api.call('POST', '/api/purchasing/suggestions/orders', { as: 'operator', body: {} })).statusCode, 403);
      assert.equal((await api.call('GET', '/api/purchasing/suggestions')).statusCode, 401);
    });

    test('the preferred supplier is set on the variant, wins the suggestion, and an unknown one is a 400 naming the field', async () => {
      const unknown = await api.call('PATCH', `/api/variants/${variant}`, { as: 'planner', body: { preferredSupplierId: 999999 } });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.equal(json(unknown).error.code, 'SUPPLIER_NOT_FOUND');
      assert.match(json(unknown).error.message, /preferredSupplierId names no supplier \(999999\)/);
      assert.equal(json(unknown).error.details.fields[0].path, 'body/preferredSupplierId');
      const notAnId = await api.call('PATCH', `/api/variants/${variant}`, { as: 'planner', body: { preferredSupplierId: 'Hinge Dear' } });
      assert.equal(notAnId.statusCode, 400);
      assert.equal(json(notAnId).error.details.fields[0].path, 'body/preferredSupplierId');
      assert.deepEqual(
        [json(await api.call('GET', `/api/variants/${variant}`, { as: 'viewer' }))].map((v) => [v.preferredSupplierId, v.preferredSupplier]),
        [[null, null]],
        'nothing was changed',
      );

      let s = json(await api.call('GET', '/api/purchasing/suggestions?q=hinge', { as: 'viewer' }));
      assert.deepEqual(
        s.suppliers.map((g: any) => [g.supplierId, g.lineCount, g.total, g.lines[0].why]),
        [[cheap, 1, '56.25', 'lowest rate']],
      );
      const set = await api.call('PATCH', `/api/variants/${variant}`, { as: 'planner', body: { preferredSupplierId: dear } });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual([json(set).preferredSupplierId, json(set).preferredSupplier], [dear, 'Hinge Dear'], 'the answer names the supplier');
      assert.equal(json(await api.call('GET', `/api/variants/${variant}`, { as: 'viewer' })).preferredSupplier, 'Hinge Dear');
      s = json(await api.call('GET', '/api/purchasing/suggestions?q=HINGE', { as: 'viewer' }));
      const line = s.suppliers[0].lines[0];
      assert.deepEqual(
        [line.supplierId, line.why, line.shortfall, line.quantity, line.unitPrice, line.amount, line.stock, line.demand, line.onOrder],
        [dear, 'preferred supplier', '12.5', '12.5', '6', '75', '0', '0', '0'],
        'decimals are strings',
      );
      assert.deepEqual(json(await api.call('GET', `/api/purchasing/suggestions?supplierId=${cheap}`, { as: 'viewer' })).suppliers, []);
      const audit = await api.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM public.audit_events WHERE entity = 'item_variant' AND entity_id = $1 AND action = 'update'`,
        [String(variant)],
      );
      assert.equal(audit.rows[0]!.n, 1, 'the change is audited; the refused ones are not');
      const cleared = await api.call('PATCH', `/api/variants/${variant}`, { as: 'planner', body: { preferredSupplierId: null } });
      assert.equal(json(cleared).preferredSupplierId, null);
      await api.call('PATCH', `/api/variants/${variant}`, { as: 'planner', body: { preferredSupplierId: dear } });
    });

    test('a planner turns the suggestions into draft orders (201), after which there is nothing to order (409); bad bodies are 400s', async () => {
      for (const body of [{ variantIds: ['x'] }, { variantIds: Array.from({ length: 1001 }, (_, i) => i + 1) }, { supplierIds: [0] }, { other: 1 }]) {
        const r = await api.call('POST', '/api/purchasing/suggestions/orders', { as: 'planner', body });
        assert.equal(r.statusCode, 400, `${JSON.stringify(body).slice(0, 60)}: ${r.body}`);
        assert.equal(json(r).error.code, 'INVALID_INPUT');
      }
      const other = await insertVariant(api.db, 'Suggested latch');
      await api.db.query('UPDATE public.item_variant SET reorder_threshold = 3 WHERE variant_id = $1', [other]);
      await insertRate(api.db, other, { supplier: 'Hinge Cheap', cost: '2', from: '2020-01-01' });
      const made = await api.call('POST', '/api/purchasing/suggestions/orders', { as: 'planner', body: { variantIds: [variant, other] } });
      assert.equal(made.statusCode, 201, made.body);
      const orders = json(made).purchaseOrders;
      assert.deepEqual(
        orders.map((o: any) => [o.supplierId, o.status, o.lineCount, o.total, o.linesEditable]),
        [
          [cheap, 'draft', 1, '6', true],
          [dear, 'draft', 1, '75', true],
        ],
      );
      assert.deepEqual(
        orders[0].actions.map((a: { action: string }) => a.action),
        ['send', 'cancel'],
      );
      const noBody = await api.call('POST', '/api/purchasing/suggestions/orders', { as: 'admin' });
      assert.equal(noBody.statusCode, 400, 'no body: send {} for every suggestion');
      const again = await api.call('POST', '/api/purchasing/suggestions/orders', { as: 'admin', body: {} });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(json(again).error.code, 'NOTHING_TO_ORDER');
      const s = json(await api.call('GET', '/api/purchasing/suggestions?q=suggested', { as: 'viewer' }));
      assert.deepEqual([s.suppliers, s.withoutSupplier], [[], []], 'the drafts are on order');
    });

    test('the supplier ledger and a variant’s history answer with decimals as strings; unknown suppliers and variants are 404s, bad ids and pages 400s', async () => {
      const ledger = await api.call('GET', `/api/suppliers/${dear}/ledger`, { as: 'operator' });
      assert.equal(ledger.statusCode, 200, ledger.body);
      const l = json(ledger);
      assert.equal(l.supplier, 'Hinge Dear');
      assert.equal(l.orders.byStatus.draft, 1);
      assert.equal(l.orders.orderedAmount, '75');
      assert.deepEqual(l.onTime, { due: 0, onTime: 0, share: null });
      assert.deepEqual(
        l.variants.map((v: any) => [v.variantId, v.orderedQuantity, v.openQuantity, v.lastPricePaid, v.rateInEffect]),
        [[variant, '12.5', '0', null, '6']],
      );
      const history = await api.call('GET', `/api/suppliers/${dear}/ledger/variants/${variant}?limit=5`, { as: 'viewer' });
      assert.deepEqual(json(history), { total: 0, rateInEffect: '6', history: [] });
      for (const [url, status] of [
        ['/api/suppliers/999999/ledger', 404],
        [`/api/suppliers/999999/ledger/variants/${variant}`, 404],
        [`/api/suppliers/${dear}/ledger/variants/999999`, 404],
        ['/api/suppliers/abc/ledger', 400],
        [`/api/suppliers/${dear}/ledger/variants/0`, 400],
        [`/api/suppliers/${dear}/ledger/variants/${variant}?limit=0`, 400],
        ['/api/purchasing/suggestions?supplierId=x', 400],
        ['/api/purchasing/suggestions?other=1', 400],
      ] as const) {
        const r = await api.call('GET', url, { as: 'viewer' });
        assert.equal(r.statusCode, status, `${url}: ${r.body}`);
        assert.ok(json(r).error.code, 'the common error shape');
      }
      const missing = json(await api.call('GET', '/api/suppliers/999999/ledger', { as: 'viewer' }));
      assert.deepEqual([missing.error.code, missing.error.message], ['NOT_FOUND', 'no supplier 999999']);
    });
  });
}
