// The production reports over HTTP, on PGlite and on the server, against a small history of
// lots whose figures are worked out by hand: lots by status and period, cost variance by
// process, the variants and subprocesses used most, and the stock the open lots need.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertProcess, insertRate, insertVariant, receiveStock } from '../helpers/processes.ts';
import { LOT_STATUSES } from '../../src/app/lots/status.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const outcome = (r: { statusCode: number; body: string }) => (r.statusCode >= 400 ? `${r.statusCode} ${json(r).error.code}` : String(r.statusCode));

for (const backend of backends) {
  describe(`production reports over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    const v: Record<string, number> = {};
    const lots: Record<string, number> = {};
    const processes: Record<string, number> = {};
    let groupG = 0;
    let groupU = 0;

    const get = async (url: string) => {
      const r = await api.call('GET', url, { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      return json(r);
    };
    const lot = async (processId: number, quantity: number, selections: { groupId: number; variantId: number }[] = []) => {
      const r = await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity, selections } });
      assert.equal(r.statusCode, 201, r.body);
      return json(r).lotId as number;
    };
    const act = async (lotId: number, ...actions: string[]) => {
      for (const a of actions) {
        const r = await api.call('POST', `/api/lots/${lotId}/${a}`, { as: 'admin', ...(a === 'cancel' ? { body: { reason: 'withdrawn' } } : {}) });
        assert.equal(r.statusCode, 200, `${a}: ${r.body}`);
      }
    };
    /** Moves a lot's creation (and its ledger rows and completion, when given) to a past moment. */
    const backdate = async (lotId: number, created: string, completed?: string) => {
      await api.db.query('UPDATE public.production_lots SET created_at = $2, completed_at = coalesce($3, completed_at) WHERE id = $1', [
        lotId,
        created,
        completed ?? null,
      ]);
      if (completed) await api.db.query('UPDATE public.inventory_transactions SET created_at = $2 WHERE production_lot_id = $1', [lotId, completed]);
    };

    before(async () => {
      api = await testApi(backend);
      // Bought: 30 tubes at 4.50 (under their rate), the saddles at their rates; the bells are an
      // opening balance without a cost, so what a lot spends on them is not known.
      v.V1 = await insertVariant(api.db, 'Rep tube', { stock: '30', cost: '4.50' });
      v.V2 = await insertVariant(api.db, 'Rep saddle cheap', { stock: '100', cost: '10.00' });
      v.V3 = await insertVariant(api.db, 'Rep saddle dear', { stock: '100', cost: '20.00' });
      v.W = await insertVariant(api.db, 'Rep bell', { stock: '100' });
      v.U1 = await insertVariant(api.db, 'Rep unpriced one', { stock: '1' });
      v.U2 = await insertVariant(api.db, 'Rep unpriced two', { stock: '1' });
      await insertRate(api.db, v.V1, { supplier: 'Alpha', cost: '5.00' });
      await insertRate(api.db, v.V2, { supplier: 'Alpha', cost: '10.00' });
      await insertRate(api.db, v.V3, { supplier: 'Alpha', cost: '20.00' });
      await insertRate(api.db, v.W, { supplier: 'Alpha', cost: '7.00' });
      // A: tube 2 × 5 + saddle (10 or 20): worst 30, best 20 per unit. B: a bell, 7. C: a group with no priced alternative.
      const a = await insertProcess(api.db, {
        name: 'Rep A',
        steps: [
          { subprocess: 'Rep Cutting', lines: [{ variantId: v.V1, quantity: '2' }] },
          {
            subprocess: 'Rep Assembly',
            groups: [
              {
                name: 'G',
                alternatives: [
                  { variantId: v.V2, quantity: '1' },
                  { variantId: v.V3, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      const b = await insertProcess(api.db, { name: 'Rep B', steps: [{ subprocess: 'Rep Assembly', lines: [{ variantId: v.W, quantity: '1' }] }] });
      const c = await insertProcess(api.db, {
        name: 'Rep C',
        steps: [
          {
            subprocess: 'Rep Painting',
            groups: [
              {
                name: 'U',
                alternatives: [
                  { variantId: v.U1, quantity: '1' },
                  { variantId: v.U2, quantity: '3' },
                ],
              },
            ],
          },
        ],
      });
      processes.A = a.processId;
      processes.B = b.processId;
      processes.C = c.processId;
      groupG = a.groupIds.get('G')!;
      groupU = c.groupIds.get('U')!;

      lots.A1 = await lot(a.processId, 10, [{ groupId: groupG, variantId: v.V2 }]); // estimate 300 / 200
      lots.A2 = await lot(a.processId, 5, [{ groupId: groupG, variantId: v.V3 }]); // estimate 150 / 100
      lots.B1 = await lot(b.processId, 3); // 21 / 21
      lots.X1 = await lot(b.processId, 1);
      // The actual cost: what a lot consumed at the stock's average cost (no labour or additional costs here).
      await act(lots.A1, 'ready', 'start', 'complete'); // 20 tubes at 4.50 + 10 saddles at 10 = 190: −110
      await act(lots.B1, 'ready', 'start', 'complete'); // 3 bells without a cost: 0, a lower bound: −21
      await act(lots.A2, 'ready', 'start');
      // Tubes dearer now: 10 more bought at 14 (Beta's rate); the 10 left cost 45, so the average is (45 + 140) / 20 = 9.25.
      await insertRate(api.db, v.V1, { supplier: 'Beta', cost: '14.00' });
      await receiveStock(api.db, v.V1, '10', '14.00');
      await act(lots.A2, 'complete'); // 10 tubes at 9.25 + 5 saddles at 20 = 192.50: +42.50
      await act(lots.X1, 'cancel');
      await backdate(lots.A1, '2023-05-02T10:00:00Z', '2023-05-10T10:00:00Z');
      await backdate(lots.X1, '2023-05-03T10:00:00Z');
      await backdate(lots.A2, '2023-05-09T10:00:00Z', '2023-06-20T10:00:00Z');
      await backdate(lots.B1, '2023-06-15T10:00:00Z', '2023-06-21T10:00:00Z');
      // Tube stock now 30 − 20 + 10 − 10 = 10. Open lots: P1 (A × 4, nothing chosen), R1 (A × 2, V2, ready), P2 (C × 2, nothing chosen).
      lots.P1 = await lot(a.processId, 4);
      lots.R1 = await lot(a.processId, 2, [{ groupId: groupG, variantId: v.V2 }]);
      await act(lots.R1, 'ready');
      lots.P2 = await lot(c.processId, 2);
    });
    after(async () => {
      await api?.close();
    });

    test('lots by status: per week (from Monday), month or day, every bucket listed with zeros, counted by current status', async () => {
      const weeks = await get('/api/reports/lots-by-status?from=2023-05-01&to=2023-06-30&period=week');
      assert.equal(weeks.buckets.length, 9);
      assert.deepEqual(weeks.buckets.map((b: any) => b.start).slice(0, 3), ['2023-05-01', '2023-05-08', '2023-05-15']);
      const nonEmpty = weeks.buckets.filter((b: any) => b.total > 0).map((b: any) => [b.start, b.counts.completed, b.counts.cancelled, b.total]);
      assert.deepEqual(nonEmpty, [
        ['2023-05-01', 1, 1, 2],
        ['2023-05-08', 1, 0, 1],
        ['2023-06-12', 1, 0, 1],
      ]);
      // Every status of the lot machine is counted, those with no lot as 0.
      const none = Object.fromEntries(LOT_STATUSES.map((s) => [s, 0]));
      assert.deepEqual(weeks.totals, { ...none, completed: 3, cancelled: 1, all: 4 });
      const months = await get('/api/reports/lots-by-status?from=2023-05-15&to=2023-06-30&period=month');
      assert.deepEqual(
        months.buckets.map((b: any) => [b.start, b.total]),
        [
          ['2023-05-01', 0],
          ['2023-06-01', 1],
        ],
        'a month bucket counts only the days inside the period',
      );
      const day = await get('/api/reports/lots-by-status?from=2023-05-02&to=2023-05-02');
      assert.deepEqual(day.buckets, [{ start: '2023-05-02', total: 1, counts: { ...none, completed: 1 } }]);
      const today = new Date().toISOString().slice(0, 10);
      const now = await get(`/api/reports/lots-by-status?from=${today}&to=${today}`);
      assert.deepEqual([now.totals.planning, now.totals.ready], [2, 1]);
      for (const q of [
        'from=2023-05-01',
        'from=2023-05-02&to=2023-05-01',
        'from=2000-01-01&to=2026-01-01&period=day',
        'from=2023-01-01&to=2023-02-01&period=year',
        'from=2023-02-30&to=2023-03-01',
      ]) {
        const r = await api.call('GET', `/api/reports/lots-by-status?${q}`, { as: 'viewer' });
        assert.equal(outcome(r), '400 INVALID_INPUT', q);
        assert.ok(json(r).error.details.fields.length > 0, q);
      }
      assert.deepEqual(
        json(await api.call('GET', '/api/reports/lots-by-status?from=2023-05-02&to=2023-05-01', { as: 'viewer' })).error.details.fields.map((f: any) => f.path),
        ['querystring/to'],
      );
    });

    test('cost variance by process: sums of estimates, actuals and variance of completed lots, the largest overrun first; a period counts completions in it', async () => {
      const all = await get('/api/reports/cost-variance');
      assert.deepEqual(
        all.processes.map((p: any) => [
          p.process,
          p.lots,
          p.quantity,
          p.worstCaseEstimate,
          p.bestCaseEstimate,
          p.actual,
          p.variance,
          p.variancePercent,
          p.incompleteActuals,
        ]),
        [
          ['Rep B', 1, 3, '21.00', '21.00', '0.00', '-21.00', '-100.00', 1],
          ['Rep A', 2, 15, '450.00', '300.00', '382.50', '-67.50', '-15.00', 0],
        ],
      );
      const june = await get('/api/reports/cost-variance?from=2023-06-01&to=2023-06-30');
      assert.deepEqual(
        june.processes.map((p: any) => [p.process, p.lots, p.actual, p.variance]),
        [
          ['Rep A', 1, '192.50', '42.50'],
          ['Rep B', 1, '0.00', '-21.00'],
        ],
      );
      assert.deepEqual((await get('/api/reports/cost-variance?to=2023-05-01')).processes, []);
      assert.equal(outcome(await api.call('GET', '/api/reports/cost-variance?from=2023-06-02&to=2023-06-01', { as: 'viewer' })), '400 INVALID_INPUT');
      assert.equal(outcome(await api.call('GET', '/api/reports/cost-variance?process=1', { as: 'viewer' })), '400 INVALID_INPUT');
    });

    test('most-used variants: what production consumed, the most first, with the lots; a period counts the ledger rows in it', async () => {
      const all = await get('/api/reports/variant-usage');
      assert.deepEqual(
        all.variants.map((x: any) => [x.variantId, x.consumed, x.lots]),
        [
          [v.V1, '30.000', 2],
          [v.V2, '10.000', 1],
          [v.V3, '5.000', 1],
          [v.W, '3.000', 1],
        ],
      );
      assert.equal(all.variants[0].item, 'Rep tube');
      const june = await get('/api/reports/variant-usage?from=2023-06-01&limit=2');
      assert.deepEqual(
        june.variants.map((x: any) => [x.variantId, x.consumed]),
        [
          [v.V1, '10.000'],
          [v.V3, '5.000'],
        ],
      );
      assert.equal(outcome(await api.call('GET', '/api/reports/variant-usage?limit=0', { as: 'viewer' })), '400 INVALID_INPUT');
    });

    test('most-used subprocesses: units and lots completed by processes with a step of it, lots made, processes using it', async () => {
      const all = await get('/api/reports/subprocess-usage');
      assert.deepEqual(
        all.subprocesses.map((s: any) => [s.name, s.unitsCompleted, s.completedLots, s.lots, s.processes]),
        [
          ['Rep Assembly', 18, 3, 6, 2],
          ['Rep Cutting', 15, 2, 4, 1],
          ['Rep Painting', 0, 0, 1, 1],
        ],
      );
      const may = await get('/api/reports/subprocess-usage?from=2023-05-01&to=2023-05-31');
      assert.deepEqual(
        may.subprocesses.map((s: any) => [s.name, s.unitsCompleted, s.completedLots, s.lots]),
        [
          ['Rep Assembly', 10, 1, 3],
          ['Rep Cutting', 10, 1, 2],
        ],
      );
    });

    test('stock needed by the lots in planning and ready against stock on hand: unselected groups at their worst-case alternative, each assumption listed', async () => {
      const r = await get('/api/reports/stock-needs');
      assert.equal(r.lots, 3);
      assert.deepEqual(
        r.variants.map((x: any) => [x.variantId, x.needed, x.onHand, x.shortfall, x.lots]),
        [
          [v.U2, '6.000', '1.000', '5.000', 1],
          [v.V1, '12.000', '10.000', '2.000', 2],
          [v.V2, '2.000', '90.000', '0', 1],
          [v.V3, '4.000', '95.000', '0', 1],
        ],
      );
      assert.deepEqual(
        r.assumed.map((a: any) => [a.lotId, a.groupId, a.variantId, a.basis]),
        [
          [lots.P1, groupG, v.V3, 'worst cost'],
          [lots.P2, groupU, v.U2, 'largest quantity'],
        ],
      );
      // Choosing makes the assumption go: the lot then needs what it chose.
      const chosen = await api.call('PUT', `/api/lots/${lots.P1}/selections`, { as: 'planner', body: { selections: [{ groupId: groupG, variantId: v.V2 }] } });
      assert.equal(chosen.statusCode, 200, chosen.body);
      const after = await get('/api/reports/stock-needs');
      assert.deepEqual(
        after.assumed.map((a: any) => a.lotId),
        [lots.P2],
      );
      assert.equal(after.variants.find((x: any) => x.variantId === v.V2).needed, '6.000');
      assert.equal(
        after.variants.find((x: any) => x.variantId === v.V3),
        undefined,
      );
    });
  });
}
