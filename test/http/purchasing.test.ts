// Purchasing over HTTP (issue 19, points 1, 2 and 8), on PGlite and on the server: who may
// order and who may receive, the moves each caller is offered, the routes made from the
// order's machine, and the API's error shape with the field's path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, allows } from '../../src/app/access/roles.ts';
import { offeredMoves } from '../../src/app/rules/machine.ts';
import { PO_MACHINE } from '../../src/app/purchasing/status.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertRate, insertVariant, supplierId } from '../helpers/processes.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`purchasing over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let supplier: number;
    let variant: number;
    before(async () => {
      api = await testApi(backend);
      variant = await insertVariant(api.db, 'Ordered chain');
      await insertRate(api.db, variant, { supplier: 'Chain Co', cost: '8.40', from: '2020-01-01' });
      supplier = await supplierId(api.db, 'Chain Co');
    });
    after(async () => {
      await api?.close();
    });

    test('one route per move the order’s machine offers, each with the move’s permission', async () => {
      const moves = offeredMoves(PO_MACHINE);
      assert.ok(moves.length >= 4, 'the machine offers send, cancel, close, close_short');
      for (const [action, move] of moves) {
        assert.ok(api.app.hasRoute({ method: 'POST', url: `/api/purchase-orders/:id/${action}` }), `POST …/${action} is routed`);
        const body = move.needsReason ? { reason: 'test' } : undefined;
        for (const role of ROLES) {
          // no order 999999: a role the move allows gets 404, any other 403 before the order is looked for
          const r = await api.call('POST', `/api/purchase-orders/999999/${action}`, { as: role, ...(body ? { body } : {}) });
          assert.equal(r.statusCode, allows(role, move.permission) ? 404 : 403, `${role} ${action}: ${r.body}`);
        }
      }
      for (const action of ['receive_part', 'receive_all', 'reopen'])
        assert.ok(!api.app.hasRoute({ method: 'POST', url: `/api/purchase-orders/:id/${action}` }), `${action} is the system’s, not routed`);
    });

    test('a draft’s lines are added, changed and taken off one at a time: each answers the line and the order’s new totals; the order’s own notes are not the line’s; once sent, 409', async () => {
      const made = json(await api.call('POST', '/api/purchase-orders', { as: 'planner', body: { supplierId: supplier, notes: 'the order’s note' } }));
      const url = `/api/purchase-orders/${made.purchaseOrderId}`;
      const added = await api.call('POST', `${url}/lines`, { as: 'planner', body: { variantId: variant, quantity: '3', notes: 'blue boxes' } });
      assert.equal(added.statusCode, 201, added.body);
      assert.deepEqual([json(added).line.quantity, json(added).line.unitPrice, json(added).line.notes], ['3.000', '8.4000', 'blue boxes']);
      assert.equal(json(added).order.total, '25.2');
      const second = json(await api.call('POST', `${url}/lines`, { as: 'planner', body: { variantId: variant, quantity: '1', unitPrice: '9' } }));
      assert.equal(second.line.lineNo, 2, 'the new line is answered, not the first');
      const changed = await api.call('PATCH', `${url}/lines/${json(added).line.lineId}`, { as: 'planner', body: { quantity: '4', notes: 'red boxes' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual([json(changed).line.quantity, json(changed).line.notes], ['4.000', 'red boxes']);
      assert.equal(json(changed).order.notes, 'the order’s note', 'the order keeps its own notes');
      assert.equal(json(changed).order.total, '42.6', '4 × 8.40 + 1 × 9');
      const noLine = await api.call('PATCH', `${url}/lines/999999`, { as: 'planner', body: { quantity: '1' } });
      assert.equal(noLine.statusCode, 404, noLine.body);
      const removed = await api.call('DELETE', `${url}/lines/${second.line.lineId}`, { as: 'planner' });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(json(removed).lines.length, 1);
      assert.equal((await api.call('POST', `${url}/send`, { as: 'planner' })).statusCode, 200);
      const late = await api.call('PATCH', `${url}/lines/${json(added).line.lineId}`, { as: 'planner', body: { quantity: '5' } });
      assert.equal(late.statusCode, 409, late.body);
      assert.equal(json(late).error.code, 'PO_NOT_EDITABLE');
      assert.equal((await api.call('POST', `${url}/lines`, { as: 'planner', body: { variantId: variant, quantity: '1' } })).statusCode, 409);
    });

    test('a planner orders and an operator receives; each is offered only the moves its role may make; a viewer changes nothing', async () => {
      const made = await api.call('POST', '/api/purchase-orders', {
        as: 'planner',
        body: { supplierId: supplier, lines: [{ variantId: variant, quantity: '5' }] },
      });
      assert.equal(made.statusCode, 201, made.body);
      const po = json(made);
      assert.equal(po.lines[0].unitPrice, '8.4000');
      assert.equal(po.total, '42');
      assert.equal(po.linesEditable, true);
      assert.deepEqual(
        po.actions.map((a: { action: string }) => a.action),
        ['send', 'cancel'],
      );
      const asOperator = json(await api.call('GET', `/api/purchase-orders/${po.purchaseOrderId}`, { as: 'operator' }));
      assert.deepEqual(asOperator.actions, [], 'an operator does not order');
      const viewerMakes = await api.call('POST', '/api/purchase-orders', { as: 'viewer', body: { supplierId: supplier } });
      assert.equal(viewerMakes.statusCode, 403);
      const sent = await api.call('POST', `/api/purchase-orders/${po.purchaseOrderId}/send`, { as: 'planner' });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal(json(sent).receivable, true);
      const received = await api.call('POST', '/api/goods-receipts', {
        as: 'operator',
        body: { purchaseOrderId: po.purchaseOrderId, billNumber: 'INV-77', lines: [{ poLineId: po.lines[0].lineId, quantity: '2' }] },
      });
      assert.equal(received.statusCode, 201, received.body);
      const after = json(await api.call('GET', `/api/purchase-orders/${po.purchaseOrderId}`, { as: 'planner' }));
      assert.equal(after.status, 'partially_received');
      assert.deepEqual(
        after.actions.map((a: { action: string; needsReason: boolean }) => [a.action, a.needsReason]),
        [['close_short', true]],
      );
      const viewerReceives = await api.call('POST', '/api/goods-receipts', {
        as: 'viewer',
        body: { purchaseOrderId: po.purchaseOrderId, lines: [{ poLineId: po.lines[0].lineId, quantity: '1' }] },
      });
      assert.equal(viewerReceives.statusCode, 403);
    });

    test('orders per status: every status in its order, counted, with their totals and what is still to be received', async () => {
      const before = json(await api.call('GET', '/api/reports/purchase-orders', { as: 'viewer' })).statuses as Record<string, any>[];
      assert.deepEqual(
        before.map((s) => s.status),
        [...PO_MACHINE.statuses],
      );
      const made = json(
        await api.call('POST', '/api/purchase-orders', {
          as: 'planner',
          body: { supplierId: supplier, lines: [{ variantId: variant, quantity: '10', unitPrice: '2.5', taxRate: '10', discountRate: '20' }] },
        }),
      );
      assert.equal((await api.call('POST', `/api/purchase-orders/${made.purchaseOrderId}/send`, { as: 'planner' })).statusCode, 200);
      const received = await api.call('POST', '/api/goods-receipts', {
        as: 'operator',
        body: { purchaseOrderId: made.purchaseOrderId, lines: [{ poLineId: made.lines[0].lineId, quantity: '4' }] },
      });
      assert.equal(received.statusCode, 201, received.body);
      const after = json(await api.call('GET', '/api/reports/purchase-orders', { as: 'viewer' })).statuses as Record<string, any>[];
      const was = before.find((s) => s.status === 'partially_received')!;
      const now = after.find((s) => s.status === 'partially_received')!;
      assert.equal(now.label, 'Partially received');
      assert.equal(now.final, false);
      assert.equal(now.count, was.count + 1);
      // 10 × 2.5 less 20% is 20, plus 10% tax: 22; 6 still open: 6 × 2.5 × 0.8 × 1.1 = 13.2
      assert.equal(Number(now.total) - Number(was.total), 22);
      assert.equal(Number(now.openAmount) - Number(was.openAmount), 13.2);
      assert.equal(after.find((s) => s.status === 'cancelled')!.final, true);
      assert.equal((await api.call('GET', '/api/reports/purchase-orders')).statusCode, 401);
    });

    test('bad input is a 400 naming the field in the body; a state that forbids it a 409 saying what to do', async () => {
      const bad = await api.call('POST', '/api/purchase-orders', {
        as: 'planner',
        body: { supplierId: supplier, lines: [{ variantId: variant, quantity: '1.2345' }] },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(json(bad).error.details.fields[0].path, 'body/lines/0/quantity');
      const other = await insertVariant(api.db, 'Unsold bell');
      const noRate = await api.call('POST', '/api/purchase-orders', {
        as: 'planner',
        body: { supplierId: supplier, lines: [{ variantId: other, quantity: '1' }] },
      });
      assert.equal(noRate.statusCode, 400);
      assert.equal(json(noRate).error.code, 'NO_RATE');
      assert.equal(json(noRate).error.details.fields[0].path, 'body/lines/0/unitPrice');
      const draft = json(await api.call('POST', '/api/purchase-orders', { as: 'planner', body: { supplierId: supplier } }));
      const empty = await api.call('POST', `/api/purchase-orders/${draft.purchaseOrderId}/send`, { as: 'planner' });
      assert.equal(empty.statusCode, 409);
      assert.match(json(empty).error.message, /has no lines: add what to order before sending it/);
      const noReason = await api.call('POST', `/api/purchase-orders/${draft.purchaseOrderId}/cancel`, { as: 'planner', body: {} });
      assert.equal(noReason.statusCode, 400);
      const missing = await api.call('GET', '/api/purchase-orders/999999', { as: 'viewer' });
      assert.equal(missing.statusCode, 404);
    });
  });
}
