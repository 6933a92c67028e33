// The costing routes: a process's cost on a day, and every process's totals, on both backends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertProcess, insertRate, insertVariant } from '../helpers/processes.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const fieldPaths = (r: { body: string }) => (json(r).error.details.fields as { path: string }[]).map((f) => f.path);

for (const backend of backends) {
  describe(`costing over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let processId: number;
    let rateA: number;
    let a: number;
    let b: number;
    let fabric: number;

    before(async () => {
      api = await testApi(backend);
      // A: 10.00 (S1) and 2.00 (S2). B: 4.00 (S1). Step "Cut": group Fabric A × 1 or B × 3;
      // labour 1 × 5.00. Sales price 50.00.
      //   worst: Fabric max(10, 12) = 12 + 5 = 17.00 → profit 33.00, margin 66.00
      //   best:  Fabric min(2, 12) = 2 + 5 = 7.00 → profit 43.00, margin 86.00
      a = await insertVariant(api.db, 'Denim', { color: 'Blue', size: 'M' });
      b = await insertVariant(api.db, 'Canvas', { color: 'Ecru', size: 'M' });
      rateA = await insertRate(api.db, a, { supplier: 'S1', cost: '10.00' });
      await insertRate(api.db, a, { supplier: 'S2', cost: '2.00' });
      await insertRate(api.db, b, { supplier: 'S1', cost: '4.00' });
      const p = await insertProcess(api.db, {
        name: 'Tote bag',
        salesPrice: '50.00',
        steps: [
          {
            subprocess: 'Cut',
            groups: [
              {
                name: 'Fabric',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: b, quantity: '3' },
                ],
              },
            ],
            costItems: [{ type: 'labour', quantity: '1', rate: '5.00' }],
          },
        ],
      });
      processId = p.processId;
      fabric = p.groupIds.get('Fabric')!;
    });
    after(async () => {
      await api?.close();
    });

    test('GET /api/processes/:id/cost gives worst and best case, step by step, with profit and margin, to every role', async () => {
      for (const as of ['admin', 'planner', 'operator', 'viewer'] as const) {
        const r = await api.call('GET', `/api/processes/${processId}/cost`, { as });
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(r.headers['cache-control'], 'no-store');
        const c = json(r);
        assert.deepEqual(c.total, { worst: '17.00', best: '7.00' });
        assert.deepEqual(c.profit, { worst: '33.00', best: '43.00' });
        assert.deepEqual(c.margin, { worst: '66.00', best: '86.00' });
        assert.equal(c.complete, true);
        assert.deepEqual(c.unpriced, []);
        assert.equal(c.additionalCosts, '0.00');
        assert.equal(c.subprocesses.length, 1);
        assert.deepEqual(c.subprocesses[0], {
          processSubprocessId: c.subprocesses[0].processSubprocessId,
          sequenceOrder: 1,
          name: 'Cut',
          lines: { worst: '0.00', best: '0.00' },
          groups: { worst: '12.00', best: '2.00' },
          costItems: '5.00',
          total: { worst: '17.00', best: '7.00' },
          groupDetail: [{ groupId: fabric, name: 'Fabric', worstVariantId: b, bestVariantId: a, worst: '12.00', best: '2.00' }],
        });
      }
    });

    test('GET /api/unit-costs gives each variant its dearest and cheapest rate in effect, in the order asked, unpriced ones as null', async () => {
      const unpriced = await insertVariant(api.db, 'Thread', { color: 'White', size: 'M' });
      const r = await api.call('GET', `/api/unit-costs?variantIds=${b},${unpriced},${a},999999`, { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const u = json(r);
      assert.match(u.asOf, /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(u.costs, [
        { variantId: b, worst: '4.00', best: '4.00', breaks: [] },
        { variantId: unpriced, worst: null, best: null, breaks: [] },
        { variantId: a, worst: '10.00', best: '2.00', breaks: [] },
      ]);
      // Before the rates took effect, every variant is unpriced, as the process's cost says.
      const before = json(await api.call('GET', `/api/unit-costs?variantIds=${a}&at=2000-01-01`, { as: 'viewer' }));
      assert.deepEqual(before, { asOf: '2000-01-01', costs: [{ variantId: a, worst: null, best: null, breaks: [] }] });
      assert.deepEqual(json(await api.call('GET', `/api/processes/${processId}/cost?at=2000-01-01`, { as: 'viewer' })).total, { worst: '5.00', best: '5.00' });
      for (const bad of ['', 'x', '1,,2', '0', '99999999999', Array.from({ length: 501 }, (_, i) => i + 1).join(',')]) {
        const refused = await api.call('GET', `/api/unit-costs?variantIds=${bad}`, { as: 'viewer' });
        assert.equal(refused.statusCode, 400, `${bad.slice(0, 20)}: ${refused.body}`);
        assert.deepEqual(fieldPaths(refused), ['querystring/variantIds'], refused.body);
      }
    });

    test('a rate changed through the API shows in the very next request', async () => {
      // A's dear rate 10.00 → 15.00: Fabric worst max(15, 12) = 15 → total 20.00 (A now decides).
      const changed = await api.call('PATCH', `/api/rates/${rateA}`, { as: 'planner', body: { costPerUnit: '15.00' } });
      assert.equal(changed.statusCode, 200, changed.body);
      const c = json(await api.call('GET', `/api/processes/${processId}/cost`, { as: 'viewer' }));
      assert.deepEqual(c.total, { worst: '20.00', best: '7.00' });
      assert.equal(c.subprocesses[0].groupDetail[0].worstVariantId, a);
      const back = await api.call('PATCH', `/api/rates/${rateA}`, { as: 'planner', body: { costPerUnit: '10.00' } });
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual(json(await api.call('GET', `/api/processes/${processId}/cost`, { as: 'viewer' })).total, { worst: '17.00', best: '7.00' });
    });

    test('`at` costs at the rates of another day: before any rate the process is incomplete and its variants listed', async () => {
      // Rates start a year ago (the builder's default), so ten years ago nothing is priced: only labour 5.00.
      const old = await api.db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE - 3650, 'YYYY-MM-DD') AS d`);
      const r = await api.call('GET', `/api/processes/${processId}/cost?at=${old.rows[0]!.d}`, { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const c = json(r);
      assert.equal(c.complete, false);
      assert.deepEqual(c.total, { worst: '5.00', best: '5.00' });
      assert.deepEqual(
        c.unpriced,
        [
          { variantId: a, item: 'Denim', color: 'Blue', size: 'M' },
          { variantId: b, item: 'Canvas', color: 'Ecru', size: 'M' },
        ].sort((x, y) => x.variantId - y.variantId),
      );
    });

    test('a bad `at` or an unknown parameter is 400 with the field named', async () => {
      for (const at of ['yesterday', '2025-13-01', '2025-02-30', '2025-6-1']) {
        const r = await api.call('GET', `/api/processes/${processId}/cost?at=${encodeURIComponent(at)}`, { as: 'viewer' });
        assert.equal(r.statusCode, 400, `${at}: ${r.body}`);
        assert.equal(json(r).error.code, 'INVALID_INPUT');
        assert.deepEqual(fieldPaths(r), ['querystring/at']);
      }
      const extra = await api.call('GET', `/api/processes/${processId}/cost?when=2025-01-01`, { as: 'viewer' });
      assert.equal(extra.statusCode, 400, extra.body);
      assert.deepEqual(fieldPaths(extra), ['querystring/when']);
      const badId = await api.call('GET', '/api/processes/abc/cost', { as: 'viewer' });
      assert.equal(badId.statusCode, 400, badId.body);
      assert.deepEqual(fieldPaths(badId), ['params/id']);
    });

    test('no such process, or a deleted one, is 404', async () => {
      const none = await api.call('GET', '/api/processes/999999/cost', { as: 'viewer' });
      assert.equal(none.statusCode, 404, none.body);
      assert.deepEqual(json(none).error, { code: 'NOT_FOUND', message: 'no process 999999', details: { processId: 999999 } });
      const gone = await insertProcess(api.db, { name: 'Gone', steps: [] });
      assert.equal((await api.call('GET', `/api/processes/${gone.processId}/cost`, { as: 'viewer' })).statusCode, 200);
      await api.db.query('UPDATE public.processes SET deleted_at = now() WHERE id = $1', [gone.processId]);
      const r = await api.call('GET', `/api/processes/${gone.processId}/cost`, { as: 'viewer' });
      assert.equal(r.statusCode, 404, r.body);
    });

    test('GET /api/costing lists live processes of a status with their totals, a page at a time', async () => {
      // Two more: "Apron" active, V × 2 at 4.00 = 8.00, no sales price; "Draft cap" a draft.
      const v = await insertVariant(api.db, 'Cotton');
      await insertRate(api.db, v, { supplier: 'S1', cost: '4.00' });
      await insertProcess(api.db, { name: 'Apron', steps: [{ lines: [{ variantId: v, quantity: '2' }] }] });
      await insertProcess(api.db, { name: 'Draft cap', status: 'draft', steps: [] });
      const r = await api.call('GET', '/api/costing?status=active', { as: 'operator' });
      assert.equal(r.statusCode, 200, r.body);
      const body = json(r);
      assert.equal(body.total, 2);
      assert.deepEqual(
        body.processes.map((p: any) => [p.name, p.total, p.profit, p.complete]),
        [
          ['Apron', { worst: '8.00', best: '8.00' }, null, true],
          ['Tote bag', { worst: '17.00', best: '7.00' }, { worst: '33.00', best: '43.00' }, true],
        ],
      );
      assert.ok(!('subprocesses' in body.processes[0]));
      const page = json(await api.call('GET', '/api/costing?status=active&limit=1&offset=1', { as: 'viewer' }));
      assert.deepEqual([page.total, page.processes.map((p: any) => p.name)], [2, ['Tote bag']]);
      const all = json(await api.call('GET', '/api/costing', { as: 'viewer' }));
      assert.deepEqual(
        all.processes.map((p: any) => p.name),
        ['Apron', 'Draft cap', 'Tote bag'],
      );
    });

    test('without a quantity a process is costed at its usual lot size: fixed costs shared over it, in the cost and in the list', async () => {
      // "Satchel": V × 1 at 10.00 a unit, a fixed setup of 100.00 a run; sells at 20.00; usual lot size 40.
      //   a run of 40: 400.00 + 100.00 = 500.00, 12.50 a unit, profit 800.00 − 500.00 = 300.00, margin 37.50
      //   a run of 1:  10.00 + 100.00 = 110.00, profit −90.00, margin −450.00
      const v = await insertVariant(api.db, 'Leather');
      await insertRate(api.db, v, { supplier: 'S1', cost: '10.00' });
      const satchel = await insertProcess(api.db, {
        name: 'Satchel',
        salesPrice: '20.00',
        steps: [{ lines: [{ variantId: v, quantity: '1' }] }],
        additionalCosts: [{ type: 'tooling', amount: '100.00' }],
      });
      const patched = await api.call('PATCH', `/api/processes/${satchel.processId}`, { as: 'planner', body: { lotSize: 40 } });
      assert.equal(patched.statusCode, 200, patched.body);
      const usual = json(await api.call('GET', `/api/processes/${satchel.processId}/cost`, { as: 'viewer' }));
      assert.deepEqual(
        [usual.quantity, usual.total, usual.unit, usual.profit, usual.margin],
        [40, { worst: '500.00', best: '500.00' }, { worst: '12.50', best: '12.50' }, { worst: '300.00', best: '300.00' }, { worst: '37.50', best: '37.50' }],
      );
      const one = json(await api.call('GET', `/api/processes/${satchel.processId}/cost?quantity=1`, { as: 'viewer' }));
      assert.deepEqual(
        [one.quantity, one.unit, one.margin],
        [1, { worst: '110.00', best: '110.00' }, { worst: '-450.00', best: '-450.00' }],
        'a quantity asked for wins',
      );
      const listed = json(await api.call('GET', '/api/costing?limit=100', { as: 'viewer' })).processes as any[];
      const row = listed.find((p) => p.name === 'Satchel');
      assert.deepEqual(
        [row.quantity, row.unit, row.margin],
        [40, { worst: '12.50', best: '12.50' }, { worst: '37.50', best: '37.50' }],
        'the list is at the usual lot size',
      );
      const tote = listed.find((p) => p.name === 'Tote bag');
      assert.equal(tote.quantity, 1, 'a process whose lot size was never set is costed for one unit, as before');
      const asked = json(await api.call('GET', '/api/costing?limit=100&quantity=2', { as: 'viewer' })).processes as any[];
      assert.deepEqual(
        asked.map((p) => p.quantity),
        asked.map(() => 2),
        'the list at a quantity asked for',
      );
      for (const bad of ['0', '-1', '1.5', '1000001']) {
        const r = await api.call('GET', `/api/costing?quantity=${bad}`, { as: 'viewer' });
        assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
        assert.deepEqual(fieldPaths(r), ['querystring/quantity'], bad);
      }
    });

    test('GET /api/costing refuses an unknown status, a bad `at` or a bad page with 400', async () => {
      for (const [query, path] of [
        ['status=inactive', 'querystring/status'],
        ['at=2025-02-30', 'querystring/at'],
        ['limit=0', 'querystring/limit'],
        ['offset=-1', 'querystring/offset'],
      ] as const) {
        const r = await api.call('GET', `/api/costing?${query}`, { as: 'viewer' });
        assert.equal(r.statusCode, 400, `${query}: ${r.body}`);
        assert.deepEqual(fieldPaths(r), [path], query);
      }
    });
  });
}
