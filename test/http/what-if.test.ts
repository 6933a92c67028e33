// The what-if of rate changes, target margins and the margin watch over HTTP (issue 22, points
// 4 and 6), on PGlite and on the server: the hand-computed case of test/app/what-if.test.ts
// through the API, who may ask, and every refusal in words.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertShirtCase } from '../helpers/margins.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`what-if over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let threadRate: number;
    let shirt: number;

    before(async () => {
      api = await testApi(backend);
      // The shirt of test/helpers/margins.ts: 590.00 a run of 10 against sales of 1,000.00, margin 41.00.
      ({ threadRate, shirt } = await insertShirtCase(api.db, '', null));
    });
    after(async () => {
      await api?.close();
    });

    test('a process’s target margin is set and cleared through the API, and costing answers it', async () => {
      const set = await api.call('PATCH', `/api/processes/${shirt}`, { as: 'planner', body: { targetMargin: '40' } });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(json(set).targetMargin, '40.00');
      const cost = json(await api.call('GET', `/api/processes/${shirt}/cost`, { as: 'viewer' }));
      assert.deepEqual([cost.margin.worst, cost.targetMargin, cost.ownTarget, cost.belowTarget], ['41.00', '40.00', true, false]);
      const bad = await api.call('PATCH', `/api/processes/${shirt}`, { as: 'planner', body: { targetMargin: '100' } });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(json(bad).error.code, 'INVALID_INPUT');
      assert.match(json(bad).error.message, /target margin is a percentage from 0 to 99\.99/);
      const cleared = await api.call('PATCH', `/api/processes/${shirt}`, { as: 'planner', body: { targetMargin: null } });
      assert.equal(json(cleared).targetMargin, null);
      assert.equal(json(await api.call('GET', `/api/processes/${shirt}/cost`, { as: 'viewer' })).targetMargin, '15.00');
      await api.call('PATCH', `/api/processes/${shirt}`, { as: 'planner', body: { targetMargin: '40' } });
    });

    test('the default target is a setting an admin changes; a bad one is SETTING_INVALID naming targetMargin', async () => {
      assert.equal(json(await api.call('GET', '/api/settings', { as: 'viewer' })).targetMargin, '15.00');
      const r = await api.call('PATCH', '/api/settings', { as: 'admin', body: { targetMargin: '12.5' } });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(json(r).targetMargin, '12.50');
      const bad = await api.call('PATCH', '/api/settings', { as: 'admin', body: { targetMargin: 'a lot' } });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(json(bad).error.code, 'SETTING_INVALID');
      assert.equal(json(bad).error.details.field, 'targetMargin');
      assert.equal((await api.call('PATCH', '/api/settings', { as: 'planner', body: { targetMargin: '20' } })).statusCode, 403);
      await api.call('PATCH', '/api/settings', { as: 'admin', body: { targetMargin: '15' } });
    });

    test('POST /api/rates/what-if answers the margins a change moves, saving nothing', async () => {
      // Thread 2.00 → 2.50: 12.50 + 4.00 + 40.00 = 56.50 a unit; 565.00 + 50.00 = 615.00 (61.50 a unit); margin 38.50 < 40.
      const r = await api.call('POST', '/api/rates/what-if', { as: 'planner', body: { changes: [{ rateId: threadRate, costPerUnit: '2.50' }] } });
      assert.equal(r.statusCode, 200, r.body);
      const w = json(r);
      assert.deepEqual(w.processes, [
        {
          processId: shirt,
          name: 'Shirt',
          status: 'active',
          quantity: 10,
          targetMargin: '40.00',
          before: { total: '590.00', unit: '59.00', margin: '41.00', complete: true, belowTarget: false },
          after: { total: '615.00', unit: '61.50', margin: '38.50', complete: true, belowTarget: true },
          crossed: 'below',
        },
      ]);
      assert.equal(w.fellBelow, 1);
      assert.equal(json(await api.call('GET', `/api/rates/${threadRate}`, { as: 'viewer' })).costPerUnit, '2.00');
    });

    test('a price break alone is a change: the run of 10 buys 50 thread, reaching a break from 50, and the margin rises; the rate keeps no break', async () => {
      // Thread from 50 at 1.00: a run of 10 buys 5 × 10 = 50, so 1.00 × 5 + 4.00 + 40.00 = 49.00 a unit;
      // 490.00 + 50.00 = 540.00 (54.00 a unit); margin (1,000.00 − 540.00) / 1,000.00 = 46.00.
      const r = await api.call('POST', '/api/rates/what-if', {
        as: 'planner',
        body: { changes: [{ rateId: threadRate, breaks: [{ fromQuantity: '50', costPerUnit: '1.00' }] }] },
      });
      assert.equal(r.statusCode, 200, r.body);
      const moved = json(r).processes.find((p: { processId: number }) => p.processId === shirt);
      assert.deepEqual([moved.before.total, moved.after.total, moved.after.unit, moved.after.margin], ['590.00', '540.00', '54.00', '46.00']);
      // A break from 51 is not reached by a run of 10 (50 thread): nothing moves.
      const none = json(
        await api.call('POST', '/api/rates/what-if', {
          as: 'planner',
          body: { changes: [{ rateId: threadRate, breaks: [{ fromQuantity: '51', costPerUnit: '1.00' }] }] },
        }),
      );
      assert.equal(
        none.processes.some((p: { processId: number }) => p.processId === shirt),
        false,
      );
      assert.deepEqual(json(await api.call('GET', `/api/rates/${threadRate}`, { as: 'viewer' })).breaks, []);
    });

    test('only those who may change a rate may ask; a viewer is refused', async () => {
      const r = await api.call('POST', '/api/rates/what-if', { as: 'viewer', body: { changes: [{ rateId: threadRate, costPerUnit: '2.50' }] } });
      assert.equal(r.statusCode, 403, r.body);
    });

    test('refusals name the change and say what to write', async () => {
      const cases: [unknown, number, string, RegExp][] = [
        [{ changes: [] }, 400, 'WHAT_IF_EMPTY', /^changes: give at least one rate change to try$/],
        [{ changes: Array.from({ length: 101 }, () => ({ rateId: threadRate, costPerUnit: '2.10' })) }, 400, 'WHAT_IF_TOO_LARGE', /at most 100 rate changes/],
        [
          { changes: [{ costPerUnit: '2.10' }] },
          400,
          'WHAT_IF_INCOMPLETE',
          /^changes\[0\]: give rateId to change a rate, or supplierId, variantId, currency, effectiveFrom for a new one$/,
        ],
        [{ changes: [{ rateId: threadRate, supplierId: 1 }] }, 400, 'WHAT_IF_INCOMPLETE', /a rate keeps its supplier and variant/],
      ];
      for (const [body, status, code, message] of cases) {
        const r = await api.call('POST', '/api/rates/what-if', { as: 'admin', body });
        assert.equal(r.statusCode, status, r.body);
        assert.equal(json(r).error.code, code);
        assert.match(json(r).error.message, message);
      }
      // What saving would refuse is an answer, not an error of the what-if: saving's code and words, nothing costed.
      for (const [change, code, message] of [
        [{ rateId: 2147483000, costPerUnit: '1.00' }, 'NOT_FOUND', /^changes\[0\] \(rate 2147483000\): no rate 2147483000$/],
        [{ rateId: threadRate, effectiveTo: '2001-01-01' }, 'INVALID_PERIOD', /^changes\[0\] \(rate \d+\): effectiveTo 2001-01-01 is before/],
      ] as const) {
        const r = await api.call('POST', '/api/rates/what-if', { as: 'admin', body: { changes: [change] } });
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(json(r).refused.code, code);
        assert.match(json(r).refused.message, message);
        assert.deepEqual(json(r).processes, []);
      }
      const cost = await api.call('POST', '/api/rates/what-if', { as: 'admin', body: { changes: [{ rateId: threadRate, costPerUnit: 'lots' }] } });
      assert.equal(cost.statusCode, 400, cost.body);
      assert.match(json(cost).error.message, /costPerUnit/);
    });

    test('GET /api/margins/watch lists the shirt once a saved change takes it below target, with that change', async () => {
      const saved = await api.call('PATCH', `/api/rates/${threadRate}`, { as: 'planner', body: { costPerUnit: '2.50' } });
      assert.equal(saved.statusCode, 200, saved.body);
      const r = await api.call('GET', '/api/margins/watch', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const watch = json(r);
      assert.equal(watch.days, 30);
      assert.deepEqual(
        watch.processes.map((p: any) => [p.processId, p.margin, p.targetMargin, p.changes.map((c: any) => [c.how, c.rateId, c.previousCost, c.costPerUnit])]),
        [[shirt, '38.50', '40.00', [['edited', threadRate, '2.00', '2.50']]]],
      );
      const bad = await api.call('GET', '/api/margins/watch?days=400', { as: 'viewer' });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(json(bad).error.code, 'INVALID_DAYS');
      assert.match(json(bad).error.message, /^days: write how many days back to look for rate changes, a whole number from 1 to 365, not 400$/);
      await api.call('PATCH', `/api/rates/${threadRate}`, { as: 'planner', body: { costPerUnit: '2.00' } });
    });
  });
}
