// A lot's planned start over HTTP (issue 22, point 5), on PGlite and on the server: set when the
// lot is made or while it is planning or ready, cleared with null, shown in the list; every
// refusal in words naming the field, and changes only by those who plan lots.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, allows } from '../../src/app/access/roles.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { transitionLot } from '../../src/app/lots/lifecycle.ts';
import { checkedPlannedStart, createLot, today } from '../../src/app/lots/lots.ts';
import { LotError } from '../../src/app/lots/status.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { insertProcess, insertVariant } from '../helpers/processes.ts';
import { daysAfter } from '../helpers/days.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`a lot's planned start over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let processId: number;
    let day: string;
    before(async () => {
      api = await testApi(backend);
      const v = await insertVariant(api.db, 'Planned spoke', { stock: '1000', cost: '1' });
      processId = (await insertProcess(api.db, { name: 'Planned wheel', steps: [{ lines: [{ variantId: v, quantity: '1' }] }] })).processId;
      day = await today(api.db);
    });
    after(async () => {
      await api?.close();
    });

    const refusal = (r: { statusCode: number; body: string }) => {
      const e = json(r).error;
      return [r.statusCode, e.code, e.message, (e.details.fields ?? []).map((f: { path: string }) => f.path)];
    };

    test('a lot is made with a planned start, listed with it, moved and cleared while it is planning or ready', async () => {
      const made = await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity: 2, plannedStart: daysAfter(day, 5) } });
      assert.equal(made.statusCode, 201, made.body);
      const lot = json(made);
      assert.equal(lot.plannedStart, daysAfter(day, 5));
      const listed = json(await api.call('GET', '/api/lots?q=Planned%20wheel', { as: 'viewer' })).lots;
      assert.deepEqual(
        listed.map((l: any) => [l.lotId, l.plannedStart]),
        [[lot.lotId, daysAfter(day, 5)]],
      );
      const asap = json(await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity: 1 } }));
      assert.equal(asap.plannedStart, null, 'no day: as soon as possible');

      const moved = await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: { plannedStart: day } });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.deepEqual([json(moved).plannedStart, json(moved).status], [day, 'planning']);
      await transitionLot(api.db, lot.lotId, 'ready', CLI_ACTOR);
      const ready = await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: { plannedStart: daysAfter(day, 730) } });
      assert.deepEqual(
        [json(ready).plannedStart, json(ready).status],
        [daysAfter(day, 730), 'ready'],
        'a ready lot stays ready: readiness is not about the day',
      );
      const cleared = await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: { plannedStart: null } });
      assert.equal(json(cleared).plannedStart, null);
      const audit = await api.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM public.audit_events WHERE entity = 'production_lot' AND entity_id = $1 AND action = 'update'`,
        [String(lot.lotId)],
      );
      assert.equal(audit.rows[0]!.n, 3, 'each change audited');
    });

    test('a day past, more than two years ahead or not a day is refused in words naming the field; nothing is made or changed', async () => {
      const before = (await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.production_lots')).rows[0]!.n;
      assert.deepEqual(refusal(await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity: 1, plannedStart: daysAfter(day, -1) } })), [
        400,
        'INVALID_PLANNED_START',
        `plannedStart: write a day from today (${day}) to ${daysAfter(day, 730)}, not ${daysAfter(day, -1)}`,
        ['body/plannedStart'],
      ]);
      assert.deepEqual(
        refusal(await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity: 1, plannedStart: daysAfter(day, 731) } })).slice(0, 2),
        [400, 'INVALID_PLANNED_START'],
      );
      const notADay = await api.call('POST', '/api/lots', { as: 'planner', body: { processId, quantity: 1, plannedStart: '2026-02-30' } });
      assert.equal(notADay.statusCode, 400);
      assert.deepEqual(
        json(notADay).error.details.fields.map((f: { path: string }) => f.path),
        ['body/plannedStart'],
      );
      assert.doesNotMatch(json(notADay).error.message, /must|\^|\\d/, `in words: ${json(notADay).error.message}`);
      assert.equal((await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.production_lots')).rows[0]!.n, before);

      const lot = await createLot(api.db, { processId, quantity: 1, plannedStart: daysAfter(day, 3) }, CLI_ACTOR);
      assert.deepEqual(refusal(await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: { plannedStart: daysAfter(day, -2) } })), [
        400,
        'INVALID_PLANNED_START',
        `plannedStart: write a day from today (${day}) to ${daysAfter(day, 730)}, not ${daysAfter(day, -2)}`,
        ['body/plannedStart'],
      ]);
      const missing = await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: {} });
      assert.equal(missing.statusCode, 400, 'the field is required: null clears it');
      await transitionLot(api.db, lot.lotId, 'ready', CLI_ACTOR);
      await transitionLot(api.db, lot.lotId, 'start', CLI_ACTOR);
      assert.deepEqual(refusal(await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: 'planner', body: { plannedStart: daysAfter(day, 1) } })), [
        409,
        'LOT_NOT_EDITABLE',
        `lot ${lot.lotNumber} is in_progress: its planned start can change only while it is planning or ready`,
        [],
      ]);
      assert.equal(json(await api.call('GET', `/api/lots/${lot.lotId}`, { as: 'viewer' })).plannedStart, daysAfter(day, 3), 'unchanged');
      assert.equal((await api.call('PUT', '/api/lots/999999/planned-start', { as: 'planner', body: { plannedStart: null } })).statusCode, 404);
    });

    test('the module refuses what is not a real day in words (callers other than the API)', async () => {
      await assert.rejects(
        checkedPlannedStart(api.db, '2026-13-01'),
        (e: unknown) =>
          e instanceof LotError &&
          e.code === 'INVALID_PLANNED_START' &&
          e.message === 'plannedStart: write a real day as YYYY-MM-DD (not "2026-13-01"), or nothing for as soon as possible',
      );
      assert.equal(await checkedPlannedStart(api.db, '  '), null, 'blank: as soon as possible');
    });

    test('only roles that plan lots set a planned start', async () => {
      const lot = await createLot(api.db, { processId, quantity: 1 }, CLI_ACTOR);
      for (const role of ROLES) {
        const r = await api.call('PUT', `/api/lots/${lot.lotId}/planned-start`, { as: role, body: { plannedStart: day } });
        assert.equal(r.statusCode, allows(role, 'lot.plan') ? 200 : 403, `${role}: ${r.body}`);
      }
    });
  });
}
