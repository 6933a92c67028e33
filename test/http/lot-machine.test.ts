// The lot state machine as the one source (src/app/lots/status.ts): the move routes are its
// offered moves with its permissions, every lot the API answers carries the moves its caller
// may make next, and every write of a lot is one audited app function, whoever calls it (HTTP
// here, the CLI's actor in-process; the demo seed's in test/app/demo-seed.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { clearSelection, setSelections, transitionLot } from '../../src/app/lots/lifecycle.ts';
import { createLot } from '../../src/app/lots/lots.ts';
import { LOT_MACHINE, LOT_STATUSES } from '../../src/app/lots/status.ts';
import { offeredMoves } from '../../src/app/rules/machine.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { backends } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant } from '../helpers/processes.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const outcome = (r: { statusCode: number; body: string }) => (r.statusCode >= 400 ? `${r.statusCode} ${json(r).error.code}` : String(r.statusCode));

type Role = 'admin' | 'planner' | 'operator' | 'viewer';

interface AuditRow {
  action: string;
  via: string;
  userId: number | null;
  requestId: string | null;
  before: Record<string, any> | null;
  after: Record<string, any> | null;
}

for (const backend of backends) {
  describe(`the lot state machine over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    let serial = 0;
    /** An active process of one step: a part (stock `stock`) and a group of two alternatives. */
    async function process(stock = '100') {
      const n = ++serial;
      const part = await insertVariant(api.db, `Machine part ${n}`, { stock });
      const a = await insertVariant(api.db, `Machine alt A ${n}`, { stock: '100' });
      const b = await insertVariant(api.db, `Machine alt B ${n}`, { stock: '100' });
      for (const v of [part, a, b]) await insertRate(api.db, v, { supplier: 'Alpha', cost: '10.00' });
      const p = await insertProcess(api.db, {
        name: `Machine process ${n}`,
        steps: [
          {
            lines: [{ variantId: part, quantity: '1' }],
            groups: [
              {
                name: 'Grip',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: b, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      return { processId: p.processId, group: p.groupIds.get('Grip')!, a, b, part };
    }

    const lotBody = (p: Awaited<ReturnType<typeof process>>, quantity = 1) => ({
      processId: p.processId,
      quantity,
      selections: [{ groupId: p.group, variantId: p.a }],
    });
    const act = (lotId: number, action: string, as: Role, body?: Record<string, unknown>) =>
      api.call('POST', `/api/lots/${lotId}/${action}`, { as, ...(body ? { body } : {}) });
    const auditOf = async (lotId: number) =>
      (
        await api.db.query<AuditRow>(
          `SELECT action, via, user_id AS "userId", request_id AS "requestId", before, after FROM public.audit_events
            WHERE entity = 'production_lot' AND entity_id = $1 ORDER BY id`,
          [String(lotId)],
        )
      ).rows;
    const userIdOf = async (role: Role) =>
      (await api.db.query<{ id: number }>('SELECT user_id AS id FROM public.users WHERE email = $1', [`${role}@example.com`])).rows[0]!.id;
    /** What a refusal must leave as it was: the lot's row, its events, its selections and its audit trail. */
    const stateOf = async (lotId: number) =>
      (
        await api.db.query<{ state: string }>(
          `SELECT jsonb_build_object(
             'lot', (SELECT to_jsonb(l) FROM public.production_lots l WHERE l.id = $1),
             'events', (SELECT count(*) FROM public.production_lot_events WHERE lot_id = $1),
             'selections', (SELECT jsonb_agg(s.variant_id ORDER BY s.substitute_group_id) FROM public.production_lot_selections s WHERE s.lot_id = $1),
             'audit', (SELECT count(*) FROM public.audit_events WHERE entity = 'production_lot' AND entity_id = $1::text),
             'ledger', (SELECT count(*) FROM public.inventory_transactions WHERE production_lot_id = $1))::text AS state`,
          [lotId],
        )
      ).rows[0]!.state;

    test('the move routes are the machine’s offered moves, each with the move’s permission; replan is not offered', () => {
      const routes = api.app.routeTable
        .filter((r) => r.method === 'POST' && /^\/api\/lots\/:id\/[a-z_]+$/.test(r.url))
        .map((r) => [r.url.split('/').pop()!, r.permission])
        .sort();
      const moves = offeredMoves(LOT_MACHINE)
        .map(([action, m]) => [action, m.permission])
        .sort();
      assert.ok(moves.length >= 5, `the machine offers ${moves.length} moves`);
      assert.deepEqual(routes, moves);
      const permissions = Object.fromEntries(moves);
      for (const [action, permission] of Object.entries({ ready: 'lot.plan', cancel: 'lot.plan', start: 'lot.run', complete: 'lot.run', fail: 'lot.run' }))
        assert.equal(permissions[action], permission, `${action} needs ${permission}, as before the machine`);
      assert.ok(!routes.some(([a]) => a === 'replan'));
    });

    test('a move that needs a reason takes one in its body (400 body/reason without); complete takes an optional output body; the others take no body schema', async () => {
      const doc = json(await api.call('GET', '/api/docs/json'));
      const bodyOf = (op: Record<string, any>) => op.requestBody?.content?.['application/json']?.schema as Record<string, any> | undefined;
      const recording: string[] = [];
      for (const [action] of offeredMoves(LOT_MACHINE)) {
        const move = LOT_MACHINE.moves[action];
        const op = doc.paths[`/api/lots/{id}/${action}`]?.post;
        assert.ok(op, `the OpenAPI document has ${action}`);
        assert.equal(op.summary, move.summary, action);
        const body = bodyOf(op);
        if (move.needsReason) {
          assert.ok(body, `${action} takes a body: it needs a reason`);
          assert.deepEqual(Object.keys(body.properties), ['reason'], action);
          assert.deepEqual(body.required, ['reason'], `${action} requires its reason`);
          assert.equal(op.requestBody.required, true, `${action} needs its body`);
        } else if (move.recordsOutput) {
          recording.push(action);
          assert.ok(body, `${action} takes a body: what the lot yielded`);
          assert.deepEqual(Object.keys(body.properties).sort(), ['outputQuantity', 'reason'], action);
          assert.deepEqual(body.required ?? [], [], `${action}'s body is all optional`);
          assert.equal(op.requestBody.required, false, `${action} may come with no body at all, and the document says so`);
        } else {
          assert.equal(op.requestBody, undefined, `${action} takes no body`);
        }
      }
      assert.deepEqual(recording, ['complete'], 'complete, and only complete, records the output');
      const p = await process();
      const lot = json(await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(p) }));
      const r = await act(lot.lotId, 'cancel', 'planner', {});
      assert.equal(outcome(r), '400 INVALID_INPUT');
      assert.ok(
        json(r).error.details.fields.some((f: { path: string }) => f.path === 'body/reason'),
        r.body,
      );
      // complete's body is checked as a body: a field it does not know, an output that is not a
      // quantity, or an output for a process that names none (this one makes nothing).
      await act(lot.lotId, 'ready', 'planner');
      await act(lot.lotId, 'start', 'operator');
      const before = await stateOf(lot.lotId);
      for (const [body, code, path] of [
        [{ outputQty: '1' }, 'INVALID_INPUT', 'body/outputQty'],
        [{ outputQuantity: '-1' }, 'INVALID_INPUT', 'body/outputQuantity'],
        [{ outputQuantity: '1.2345' }, 'INVALID_INPUT', 'body/outputQuantity'],
        [{ outputQuantity: '1' }, 'NO_OUTPUT', 'body/outputQuantity'],
      ] as const) {
        const bad = await act(lot.lotId, 'complete', 'operator', body);
        assert.equal(outcome(bad), `400 ${code}`, JSON.stringify(body));
        assert.ok(
          json(bad).error.details.fields.some((f: { path: string }) => f.path === path),
          `${JSON.stringify(body)}: ${bad.body}`,
        );
      }
      assert.equal(await stateOf(lot.lotId), before, 'a refused complete changes nothing');
      assert.equal(outcome(await act(lot.lotId, 'complete', 'operator')), '200', 'complete with no body at all');
    });

    test('every lot the API answers carries the moves its caller may make: an operator starts, completes and fails, a viewer does nothing', async () => {
      const p = await process();
      const made = await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(p) });
      assert.equal(made.statusCode, 201, made.body);
      const lotId = json(made).lotId as number;
      const names = (lot: Record<string, any>) => (lot.actions as { action: string }[]).map((a) => a.action);
      // The body of a write is answered for its caller.
      assert.deepEqual(names(json(made)), ['ready', 'cancel']);
      assert.deepEqual([json(made).final, json(made).selectionsEditable], [false, true]);
      const detail = async (as: Role, id = lotId) => json(await api.call('GET', `/api/lots/${id}`, { as }));
      const row = async (as: Role) => (json(await api.call('GET', `/api/lots?processId=${p.processId}`, { as })).lots as any[]).find((l) => l.lotId === lotId);
      const expected: Record<string, Record<Role, string[]>> = {
        planning: { admin: ['ready', 'cancel'], planner: ['ready', 'cancel'], operator: [], viewer: [] },
        ready: { admin: ['start', 'cancel'], planner: ['start', 'cancel'], operator: ['start'], viewer: [] },
        in_progress: { admin: ['complete', 'fail', 'cancel'], planner: ['complete', 'fail', 'cancel'], operator: ['complete', 'fail'], viewer: [] },
        completed: { admin: [], planner: [], operator: [], viewer: [] },
      };
      // The moves that lead from each status to the next, and who makes them.
      const path: [string, Role, string][] = [
        ['ready', 'planner', 'ready'],
        ['start', 'operator', 'in_progress'],
        ['complete', 'operator', 'completed'],
      ];
      for (const [status, byRole] of Object.entries(expected)) {
        for (const [role, actions] of Object.entries(byRole) as [Role, string[]][]) {
          assert.deepEqual(names(await detail(role)), actions, `${role} on a ${status} lot's page`);
          assert.deepEqual(names(await row(role)), actions, `${role} on a ${status} lot's row`);
        }
        const next = path.shift();
        if (next) {
          const [action, by, to] = next;
          const moved = await act(lotId, action, by);
          assert.equal(outcome(moved), '200', moved.body);
          assert.deepEqual(names(json(moved)), expected[to]![by], `the body of ${action} answers ${by}'s next moves`);
        }
      }
      const completed = await detail('admin');
      assert.deepEqual([completed.status, completed.final, completed.selectionsEditable], ['completed', true, false]);

      // What a button needs: the label, the reason asked, the sentence confirmed first.
      const running = json(await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(p) })).lotId as number;
      for (const action of ['ready', 'start']) assert.equal(outcome(await act(running, action, 'planner')), '200');
      const offered = (await detail('operator', running)).actions as {
        action: string;
        label: string;
        to: string;
        needsReason: boolean;
        confirm: string | null;
      }[];
      assert.deepEqual(
        offered.map((a) => [a.action, a.label, a.to, a.needsReason, a.confirm === null]),
        [
          ['complete', LOT_MACHINE.moves.complete.label, 'completed', false, false],
          ['fail', LOT_MACHINE.moves.fail.label, 'failed', true, false],
        ],
      );
      assert.match(offered[0]!.confirm!, /stock/, 'completing says it consumes stock');
    });

    test('GET /api/lots/statuses serves every status in order with its label and whether it is final', async () => {
      const r = await api.call('GET', '/api/lots/statuses', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const statuses = json(r) as unknown as { status: string; label: string; final: boolean }[];
      assert.deepEqual(
        statuses.map((x) => [x.status, x.final]),
        LOT_STATUSES.map((x) => [x, LOT_MACHINE.final.includes(x)]),
      );
      const label = Object.fromEntries(statuses.map((x) => [x.status, x.label]));
      assert.deepEqual([label.planning, label.in_progress, label.cancelled], ['Planning', 'In progress', 'Cancelled']);
    });

    test('each write over HTTP is one audit event of production_lot, via http, with the caller, the request id and the lot before and after', async () => {
      const p = await process();
      const made = await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(p), headers: { 'x-request-id': 'lot-create-1' } });
      const lotId = json(made).lotId as number;
      assert.equal(
        outcome(await api.call('PUT', `/api/lots/${lotId}/selections`, { as: 'planner', body: { selections: [{ groupId: p.group, variantId: p.b }] } })),
        '200',
      );
      assert.equal(outcome(await act(lotId, 'ready', 'planner')), '200');
      // Clearing the choice of a ready lot returns it to planning: one update, with the move in it.
      assert.equal(outcome(await api.call('DELETE', `/api/lots/${lotId}/selections/${p.group}`, { as: 'admin' })), '200');
      assert.equal(outcome(await act(lotId, 'cancel', 'planner', { reason: 'no longer wanted' })), '200');
      const events = await auditOf(lotId);
      const planner = await userIdOf('planner');
      const admin = await userIdOf('admin');
      assert.deepEqual(
        events.map((e) => [e.action, e.via, e.userId, e.before?.status ?? null, e.after?.status]),
        [
          ['create', 'http', planner, null, 'planning'],
          ['update', 'http', planner, 'planning', 'planning'],
          ['transition', 'http', planner, 'planning', 'ready'],
          ['update', 'http', admin, 'ready', 'planning'],
          ['transition', 'http', planner, 'planning', 'cancelled'],
        ],
      );
      assert.equal(events[0]!.requestId, 'lot-create-1');
      assert.ok(
        events.every((e) => e.requestId),
        'every event names its request',
      );
      assert.deepEqual(events[1]!.before!.selections, [{ groupId: p.group, variantId: p.a }]);
      assert.deepEqual(events[1]!.after!.selections, [{ groupId: p.group, variantId: p.b }]);
      assert.deepEqual(events[3]!.after!.selections, []);
      assert.equal(events[4]!.after!.statusReason, 'no longer wanted');
      assert.equal(events[0]!.after!.estimate.complete, true, 'the audit keeps the estimate’s totals');
      assert.equal(events[0]!.after!.actions, undefined, 'not what a caller was offered');
    });

    test('the same functions called outside HTTP (the CLI’s actor) record their events via cli', async () => {
      const p = await process();
      const lot = await createLot(api.db, lotBody(p), CLI_ACTOR);
      await setSelections(api.db, lot.lotId, [{ groupId: p.group, variantId: p.b }], CLI_ACTOR);
      await clearSelection(api.db, lot.lotId, p.group, CLI_ACTOR);
      await setSelections(api.db, lot.lotId, [{ groupId: p.group, variantId: p.a }], CLI_ACTOR);
      const moved = await transitionLot(api.db, lot.lotId, 'ready', CLI_ACTOR);
      assert.equal(moved.status, 'ready');
      assert.deepEqual(
        (await auditOf(lot.lotId)).map((e) => [e.action, e.via, e.userId, e.requestId, e.after?.status]),
        [
          ['create', 'cli', null, null, 'planning'],
          ['update', 'cli', null, null, 'planning'],
          ['update', 'cli', null, null, 'planning'],
          ['update', 'cli', null, null, 'planning'],
          ['transition', 'cli', null, null, 'ready'],
        ],
      );
    });

    test('a refused write changes nothing and records nothing: a move the table lacks, a missing reason, short stock, fixed selections, an unknown group, a bad lot', async () => {
      const p = await process('1');
      const planning = json(await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(p, 5) })).lotId as number;
      let before = await stateOf(planning);
      assert.equal(outcome(await act(planning, 'start', 'admin')), '409 LOT_TRANSITION_REFUSED');
      assert.equal(outcome(await act(planning, 'ready', 'admin')), '409 INSUFFICIENT_STOCK');
      assert.equal(outcome(await act(planning, 'ready', 'operator')), '403 FORBIDDEN');
      assert.equal(outcome(await api.call('DELETE', `/api/lots/${planning}/selections/999999`, { as: 'planner' })), '404 NOT_FOUND');
      assert.equal(
        outcome(await api.call('PUT', `/api/lots/${planning}/selections`, { as: 'planner', body: { selections: [{ groupId: p.group, variantId: p.part }] } })),
        '400 SELECTION_INVALID',
      );
      await assert.rejects(transitionLot(api.db, planning, 'cancel', CLI_ACTOR, { reason: '   ' }), { code: 'REASON_REQUIRED' });
      assert.equal(await stateOf(planning), before);

      const q = await process('100');
      const running = json(await api.call('POST', '/api/lots', { as: 'planner', body: lotBody(q, 5) })).lotId as number;
      for (const action of ['ready', 'start']) assert.equal(outcome(await act(running, action, 'planner')), '200');
      // Stock taken away under the running lot: completion is refused whole.
      await api.db.query(`INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, notes) VALUES ($1, 'adjustment', -98, 'spoilt')`, [
        q.part,
      ]);
      await api.db.query('UPDATE public.item_variant SET stock = stock - 98 WHERE variant_id = $1', [q.part]);
      before = await stateOf(running);
      assert.equal(outcome(await act(running, 'complete', 'operator')), '409 INSUFFICIENT_STOCK');
      assert.equal(
        outcome(await api.call('PUT', `/api/lots/${running}/selections`, { as: 'planner', body: { selections: [{ groupId: q.group, variantId: q.b }] } })),
        '409 LOT_NOT_EDITABLE',
      );
      assert.equal(outcome(await act(running, 'ready', 'admin')), '409 LOT_TRANSITION_REFUSED');
      assert.equal(await stateOf(running), before);

      for (const action of ['ready', 'start', 'complete']) assert.equal(outcome(await act(999999, action, 'admin')), '404 NOT_FOUND');
      await assert.rejects(transitionLot(api.db, 999999, 'start', CLI_ACTOR), { code: 'NOT_FOUND' });
      assert.equal((await api.db.query(`SELECT 1 FROM public.audit_events WHERE entity = 'production_lot' AND entity_id = '999999'`)).rowCount, 0);
    });
  });
}
