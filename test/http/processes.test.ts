import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../../src/http/server.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { PROCESS_MACHINE } from '../../src/app/processes/status.ts';
import { COST_TYPES, PROCESS_STATUSES } from '../../src/app/processes/tree.ts';
import { offeredMoves } from '../../src/app/rules/machine.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
/** The status and, for an error, its code: one value to compare. */
const outcome = (r: { statusCode: number; body: string }) => (r.statusCode >= 400 ? `${r.statusCode} ${json(r).error.code}` : String(r.statusCode));
/** A process as the audit trail keeps it: without the caller's `actions`. */
const bare = ({ actions: _actions, ...p }: Record<string, any>) => p;
const fieldPaths = (r: { body: string }) => (json(r).error.details.fields as { path: string }[]).map((f) => f.path);

for (const backend of backends) {
  describe(`processes and the subprocess library over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let serial = 0;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    /** A new item with one variant, through the items API: the variant's id. */
    const variant = async (name: string, color = 'Black', size = 'M'): Promise<number> => {
      const item = await api.call('POST', '/api/items', { as: 'planner', body: { name } });
      assert.equal(item.statusCode, 201, item.body);
      const v = await api.call('POST', `/api/items/${json(item).itemId}/variants`, { as: 'planner', body: { color, size } });
      assert.equal(v.statusCode, 201, v.body);
      return json(v).variantId as number;
    };
    const subprocess = async (name: string, extra: Record<string, unknown> = {}): Promise<number> => {
      const r = await api.call('POST', '/api/subprocesses', { as: 'planner', body: { name, ...extra } });
      assert.equal(r.statusCode, 201, r.body);
      return json(r).subprocessId as number;
    };
    /** A process made through the API with this body (a unique name unless given): the response. */
    const process = async (body: Record<string, unknown>): Promise<Record<string, any>> => {
      serial += 1;
      const r = await api.call('POST', '/api/processes', { as: 'planner', body: { name: `Process ${serial}`, ...body } });
      assert.equal(r.statusCode, 201, r.body);
      return json(r);
    };
    const audits = async (entity: string, id: number) =>
      json(await api.call('GET', `/api/audit?entity=${entity}&entityId=${id}`, { as: 'admin' })).events as { action: string; before: any; after: any }[];
    /** A step's shape without ids: what a test compares. */
    const shape = (p: Record<string, any>) =>
      (p.steps as any[]).map((s) => ({
        order: s.sequenceOrder,
        name: s.name,
        lines: s.lines.map((l: any) => `${l.item}/${l.color}/${l.size} × ${l.quantity}`),
        groups: s.groups.map((g: any) => `${g.name}: ${g.alternatives.map((a: any) => `${a.item} × ${a.quantity}`).join(' | ')}`),
        costs: s.costItems.map((c: any) => `${c.costType} ${c.quantity} × ${c.rate} = ${c.amount}`),
      }));
    /** A lot of a process, written with SQL (lots are another area's API): its id. */
    const lot = async (processId: number, status = 'planning'): Promise<{ id: number; number: string }> => {
      const r = await api.db.query<{ id: number; number: string }>(
        'INSERT INTO public.production_lots (process_id, quantity, status) VALUES ($1, 10, $2) RETURNING id, lot_number AS number',
        [processId, status],
      );
      return r.rows[0]!;
    };

    test('the subprocess library: created, read, listed, changed (null clears), soft-deleted and restored, each audited', async () => {
      const made = await api.call('POST', '/api/subprocesses', {
        as: 'planner',
        body: { name: 'Cutting', description: 'cut the panels', category: 'Fabric', estimatedTimeMinutes: 15, labourCost: '12.50' },
      });
      assert.equal(made.statusCode, 201, made.body);
      const s = json(made);
      assert.deepEqual(
        { ...s, subprocessId: 0, createdAt: '', updatedAt: '' },
        {
          subprocessId: 0,
          name: 'Cutting',
          description: 'cut the panels',
          category: 'Fabric',
          estimatedTimeMinutes: 15,
          labourCost: '12.50',
          processCount: 0,
          createdAt: '',
          updatedAt: '',
          deletedAt: null,
        },
      );
      assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(json(await api.call('GET', `/api/subprocesses/${s.subprocessId}`, { as: 'viewer' })), s);
      await subprocess('Cutting edges', { category: 'fabric' });
      await subprocess('Packing');

      const found = json(await api.call('GET', '/api/subprocesses?q=CUTT', { as: 'operator' }));
      assert.equal(found.total, 2);
      assert.deepEqual(
        found.subprocesses.map((x: any) => x.name),
        ['Cutting', 'Cutting edges'],
      );
      assert.deepEqual(
        json(await api.call('GET', '/api/subprocesses?category=FABRIC', { as: 'viewer' })).subprocesses.map((x: any) => x.name),
        ['Cutting', 'Cutting edges'],
      );
      const page = json(await api.call('GET', '/api/subprocesses?q=cutt&limit=1&offset=1', { as: 'viewer' }));
      assert.deepEqual([page.total, page.subprocesses.map((x: any) => x.name)], [2, ['Cutting edges']]);
      const past = json(await api.call('GET', '/api/subprocesses?q=cutt&limit=1&offset=5', { as: 'viewer' }));
      assert.deepEqual([past.total, past.subprocesses], [2, []], 'a page past the end still has the total');

      const changed = await api.call('PATCH', `/api/subprocesses/${s.subprocessId}`, {
        as: 'planner',
        body: { description: null, labourCost: '15', estimatedTimeMinutes: 20 },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(
        [json(changed).description, json(changed).labourCost, json(changed).estimatedTimeMinutes, json(changed).category],
        [null, '15.00', 20, 'Fabric'],
      );

      const deleted = await api.call('DELETE', `/api/subprocesses/${s.subprocessId}`, { as: 'planner' });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.notEqual(json(deleted).deletedAt, null);
      assert.equal(json(await api.call('GET', '/api/subprocesses?q=cutt', { as: 'viewer' })).total, 1, 'a deleted subprocess leaves the list');
      assert.equal(json(await api.call('GET', '/api/subprocesses?q=cutt&includeDeleted=true', { as: 'viewer' })).total, 2);
      const restored = await api.call('POST', `/api/subprocesses/${s.subprocessId}/restore`, { as: 'planner' });
      assert.equal(restored.statusCode, 200, restored.body);
      assert.equal(json(restored).deletedAt, null);

      const trail = await audits('subprocess', s.subprocessId);
      assert.deepEqual(
        trail.map((e) => e.action),
        ['restore', 'delete', 'update', 'create'],
      );
      assert.equal(trail[3]!.before, null);
      assert.equal(trail[3]!.after.labourCost, '12.50');
      assert.equal(trail[2]!.before.description, 'cut the panels');
      assert.equal(trail[2]!.after.description, null);
      assert.equal(trail[1]!.after.deletedAt === null, false);
    });

    test('the library refuses: 400 with field paths, 404 unknown, 409 for a taken name (any case, deleted ones too) and for changing a deleted one', async () => {
      const bad = await api.call('POST', '/api/subprocesses', {
        as: 'planner',
        body: { name: ' ', labourCost: '-1', estimatedTimeMinutes: -5, colour: 'red' },
      });
      assert.equal(outcome(bad), '400 INVALID_INPUT');
      for (const p of ['body/name', 'body/labourCost', 'body/estimatedTimeMinutes', 'body/colour'])
        assert.ok(fieldPaths(bad).includes(p), `${p} not in ${fieldPaths(bad).join(', ')}`);
      assert.deepEqual(fieldPaths(await api.call('POST', '/api/subprocesses', { as: 'planner', body: { name: 'Dyeing', labourCost: '1.234' } })), [
        'body/labourCost',
      ]);
      assert.equal(outcome(await api.call('PATCH', '/api/subprocesses/1', { as: 'planner', body: {} })), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(await api.call('GET', '/api/subprocesses/abc', { as: 'viewer' })), ['params/id']);
      assert.deepEqual(fieldPaths(await api.call('DELETE', '/api/subprocesses/0', { as: 'planner' })), ['params/id']);
      for (const query of ['limit=0', 'offset=-1', 'includeDeleted=maybe', 'colour=red'])
        assert.equal(outcome(await api.call('GET', `/api/subprocesses?${query}`, { as: 'viewer' })), '400 INVALID_INPUT', query);
      for (const [method, url, body] of [
        ['GET', '/api/subprocesses/999999', undefined],
        ['PATCH', '/api/subprocesses/999999', { name: 'x' }],
        ['DELETE', '/api/subprocesses/999999', undefined],
        ['POST', '/api/subprocesses/999999/restore', undefined],
      ] as const) {
        const r = await api.call(method, url, { as: 'planner', ...(body ? { body } : {}) });
        assert.equal(outcome(r), '404 NOT_FOUND', `${method} ${url}`);
      }

      const stitching = await subprocess('Stitching');
      const other = await subprocess('Hemming');
      assert.equal(outcome(await api.call('POST', '/api/subprocesses', { as: 'planner', body: { name: 'STITCHING' } })), '409 SUBPROCESS_NAME_TAKEN');
      assert.equal(outcome(await api.call('PATCH', `/api/subprocesses/${other}`, { as: 'planner', body: { name: 'stitching' } })), '409 SUBPROCESS_NAME_TAKEN');
      assert.equal(
        (await api.call('PATCH', `/api/subprocesses/${stitching}`, { as: 'planner', body: { name: 'Stitching' } })).statusCode,
        200,
        'its own name is no clash',
      );

      assert.equal((await api.call('DELETE', `/api/subprocesses/${stitching}`, { as: 'planner' })).statusCode, 200);
      const reuse = await api.call('POST', '/api/subprocesses', { as: 'planner', body: { name: 'Stitching' } });
      assert.equal(outcome(reuse), '409 SUBPROCESS_NAME_TAKEN', 'a deleted subprocess keeps its name');
      assert.match(json(reuse).error.message, new RegExp(`restore it \\(POST /api/subprocesses/${stitching}/restore\\)`));
      assert.equal(outcome(await api.call('PATCH', `/api/subprocesses/${stitching}`, { as: 'planner', body: { category: 'x' } })), '409 SUBPROCESS_DELETED');
      assert.equal(outcome(await api.call('DELETE', `/api/subprocesses/${stitching}`, { as: 'planner' })), '409 ALREADY_DELETED');
      assert.equal((await api.call('POST', `/api/subprocesses/${stitching}/restore`, { as: 'planner' })).statusCode, 200);
      assert.equal(outcome(await api.call('POST', `/api/subprocesses/${stitching}/restore`, { as: 'planner' })), '409 NOT_DELETED');
      assert.equal(outcome(await api.call('POST', '/api/subprocesses', { as: 'viewer', body: { name: 'Viewer made' } })), '403 FORBIDDEN');
      assert.equal(outcome(await api.call('POST', '/api/subprocesses', { as: 'operator', body: { name: 'Operator made' } })), '403 FORBIDDEN');
    });

    test('a process is created as a draft with its whole tree in one call, and GET gives it back in order with the variants’ names', async () => {
      const cut = await subprocess('Tree cutting', { labourCost: '20.00' });
      const sew = await subprocess('Tree sewing', { labourCost: '35.50', estimatedTimeMinutes: 40 });
      const fabric = await variant('Tree fabric', 'Blue', 'L');
      const thread = await variant('Tree thread', 'White', 'Std');
      const zipA = await variant('Tree zip A');
      const zipB = await variant('Tree zip B');
      const made = await process({
        name: 'Jacket',
        description: 'a lined jacket',
        processClass: 'garments',
        salesPrice: '999.90',
        steps: [
          { subprocessId: cut, lines: [{ variantId: fabric, quantity: '1.75' }] },
          {
            subprocessId: sew,
            customName: 'Sew and zip',
            notes: 'double seams',
            lines: [{ variantId: thread, quantity: '0.5' }],
            groups: [
              {
                name: 'Zip',
                description: 'any zip',
                alternatives: [
                  { variantId: zipA, quantity: '1' },
                  { variantId: zipB, quantity: '2' },
                ],
              },
            ],
            costItems: [
              { costType: 'labour', quantity: '1.5', rate: '40.00', unit: 'hour' },
              { costType: 'electricity', rate: '3.33' },
            ],
          },
          { subprocessId: cut, customName: 'Trim', costItems: [] },
        ],
        additionalCosts: [{ costType: 'freight', description: 'to the shop', amount: '50' }],
      });
      assert.equal(made.status, 'draft');
      assert.equal(made.salesPrice, '999.90');
      assert.equal(made.processClass, 'garments');
      assert.equal(made.stepCount, 3);
      assert.deepEqual(shape(made), [
        { order: 1, name: 'Tree cutting', lines: ['Tree fabric/Blue/L × 1.7500'], groups: [], costs: ['labour 1.000 × 20.00 = 20.00'] },
        {
          order: 2,
          name: 'Sew and zip',
          lines: ['Tree thread/White/Std × 0.5000'],
          groups: ['Zip: Tree zip A × 1.0000 | Tree zip B × 2.0000'],
          costs: ['labour 1.500 × 40.00 = 60.00', 'electricity 1.000 × 3.33 = 3.33'],
        },
        { order: 3, name: 'Trim', lines: [], groups: [], costs: [] },
      ]);
      assert.equal(
        made.steps[0].costItems[0].description,
        'Tree cutting: labour from the library',
        'cost items left out: the library’s labour cost is proposed',
      );
      assert.deepEqual(
        [made.steps[1].subprocessName, made.steps[1].customName, made.steps[1].notes, made.steps[1].estimatedTimeMinutes],
        ['Tree sewing', 'Sew and zip', 'double seams', 40],
      );
      assert.equal(made.steps[1].groups[0].description, 'any zip');
      assert.deepEqual(
        made.additionalCosts.map((a: any) => [a.costType, a.description, a.amount, a.isFixed]),
        [['freight', 'to the shop', '50.00', true]],
      );
      assert.deepEqual(made.warnings, []);
      const read = json(await api.call('GET', `/api/processes/${made.processId}`, { as: 'viewer' }));
      assert.deepEqual(bare(read), bare(made));
      assert.deepEqual(read.actions, [], 'a viewer may make no move');
      const created = await audits('process', made.processId);
      assert.deepEqual(
        created.map((e) => e.action),
        ['create'],
      );
      assert.deepEqual(created[0]!.after, bare(made));
      assert.equal(json(await api.call('GET', `/api/subprocesses/${cut}`, { as: 'viewer' })).processCount, 1);
    });

    test('GET /api/processes/:id costs the same number of queries for a process of one step as for one of forty', async () => {
      const sub = await subprocess('Counted');
      const vs = [await variant('Counted a'), await variant('Counted b'), await variant('Counted c')];
      const small = await process({ steps: [{ subprocessId: sub, lines: [{ variantId: vs[0]!, quantity: '1' }] }] });
      const step = {
        subprocessId: sub,
        lines: vs.map((v) => ({ variantId: v, quantity: '2' })),
        groups: [{ name: 'G', alternatives: vs.map((v) => ({ variantId: v, quantity: '1' })) }],
        costItems: [{ costType: 'labour', rate: '1' }],
      };
      const big = await process({
        steps: Array.from({ length: 40 }, () => step),
        additionalCosts: [
          { costType: 'x', amount: '1' },
          { costType: 'y', amount: '2' },
        ],
      });
      let queries = 0;
      const counting: Database = Object.create(api.db, {
        query: {
          value: (sql: string, params?: readonly unknown[]) => {
            queries += 1;
            return api.db.query(sql, params);
          },
        },
      });
      const app = await buildServer({ db: counting, plan: api.plan, logger: false });
      try {
        const count = async (id: number) => {
          queries = 0;
          const r = await app.inject({ method: 'GET', url: `/api/processes/${id}`, headers: { authorization: `Bearer ${api.tokens.viewer}` } });
          assert.equal(r.statusCode, 200, r.body);
          return { queries, steps: json(r).steps.length as number };
        };
        await count(small.processId); // not counted: the first request a test process serves costs more (alone, it is this one)
        const one = await count(small.processId);
        const forty = await count(big.processId);
        assert.deepEqual([one.steps, forty.steps], [1, 40]);
        assert.equal(forty.queries, one.queries);
        assert.ok(one.queries <= 8, `${one.queries} queries`);
      } finally {
        await app.close();
      }
    });

    test('a bad tree is 400 naming each field’s path, and nothing of it is written', async () => {
      const sub = await subprocess('Validated');
      const gone = await subprocess('Validated gone');
      await api.call('DELETE', `/api/subprocesses/${gone}`, { as: 'planner' });
      const ok = await variant('Validated ok');
      const deleted = await variant('Validated deleted');
      assert.equal((await api.call('DELETE', `/api/variants/${deleted}`, { as: 'planner' })).statusCode, 200);
      const schema = await api.call('POST', '/api/processes', {
        as: 'planner',
        body: {
          name: 'Bad tree',
          salesPrice: '-1',
          steps: [
            { subprocessId: sub, lines: [{ variantId: ok, quantity: '0' }] },
            {
              subprocessId: sub,
              lines: [{ variantId: ok, quantity: '1.23456' }],
              costItems: [
                { costType: 'bribes', rate: '1' },
                { costType: 'labour', rate: '1', quantity: '-2' },
              ],
            },
            {
              subprocessId: sub,
              groups: [
                { name: '', alternatives: [] },
                {
                  name: 'Zip',
                  alternatives: [
                    { variantId: ok, quantity: '1' },
                    { variantId: ok, quantity: 'lots' },
                  ],
                },
              ],
            },
          ],
          additionalCosts: [
            { costType: 'freight', amount: 12.5 },
            { costType: '', amount: '1.999' },
          ],
        },
      });
      assert.equal(outcome(schema), '400 INVALID_INPUT');
      for (const p of [
        'body/salesPrice',
        'body/steps/0/lines/0/quantity',
        'body/steps/1/lines/0/quantity',
        'body/steps/1/costItems/0/costType',
        'body/steps/1/costItems/1/quantity',
        'body/steps/2/groups/0/name',
        'body/steps/2/groups/0/alternatives',
        'body/steps/2/groups/1/alternatives/1/quantity',
        'body/additionalCosts/1/costType',
        'body/additionalCosts/1/amount',
      ])
        assert.ok(fieldPaths(schema).includes(p), `${p} not in ${fieldPaths(schema).join(', ')}`);

      const refs = await api.call('POST', '/api/processes', {
        as: 'planner',
        body: {
          name: 'Bad references',
          steps: [
            { subprocessId: 999999, lines: [{ variantId: 999999, quantity: '1' }] },
            {
              subprocessId: gone,
              lines: [
                { variantId: deleted, quantity: '1' },
                { variantId: ok, quantity: '1' },
                { variantId: ok, quantity: '2' },
              ],
            },
            { stepId: 1 },
            {
              subprocessId: sub,
              groups: [
                {
                  name: 'Zip',
                  alternatives: [
                    { variantId: ok, quantity: '1' },
                    { variantId: ok, quantity: '1' },
                  ],
                },
                { name: 'ZIP', groupId: 1, alternatives: [{ variantId: ok, quantity: '1' }] },
              ],
            },
          ],
        },
      });
      assert.equal(outcome(refs), '400 INVALID_INPUT');
      const fields = json(refs).error.details.fields as { path: string; message: string }[];
      assert.deepEqual(
        fields.map((f) => f.path),
        [
          'body/steps/0/subprocessId',
          'body/steps/0/lines/0/variantId',
          'body/steps/1/subprocessId',
          'body/steps/1/lines/0/variantId',
          'body/steps/1/lines/2/variantId',
          'body/steps/2/stepId',
          'body/steps/3/groups/0/alternatives/1/variantId',
          'body/steps/3/groups/1/groupId',
          'body/steps/3/groups/1/name',
        ],
      );
      assert.match(fields[0]!.message, /no subprocess 999999/);
      assert.match(fields[1]!.message, /no variant 999999/);
      assert.match(fields[2]!.message, /is deleted/);
      assert.match(fields[3]!.message, /is deleted/);
      assert.match(fields[4]!.message, /is in lines\/1 already/);
      assert.equal(json(await api.call('GET', '/api/processes?q=Bad', { as: 'viewer' })).total, 0, 'nothing was written');
      assert.deepEqual(fieldPaths(await api.call('POST', '/api/processes', { as: 'planner', body: { steps: [] } })), ['body/name']);
      const noSubprocess = await api.call('POST', '/api/processes', { as: 'planner', body: { name: 'No subprocess', steps: [{ lines: [] }] } });
      assert.deepEqual(json(noSubprocess).error.details.fields, [
        { path: 'body/steps/0/subprocessId', message: 'is required for a new step', field: 'steps[0].subprocessId', in: 'body' },
      ]);
    });

    test('PUT structure replaces the tree in one transaction: steps and groups given with their ids keep them, what a step leaves out stays, the rest goes', async () => {
      const a = await subprocess('Put A');
      const b = await subprocess('Put B', { labourCost: '5' });
      const [v1, v2, v3] = [await variant('Put v1'), await variant('Put v2'), await variant('Put v3')];
      const p = await process({
        steps: [
          { subprocessId: a, customName: 'First', lines: [{ variantId: v1, quantity: '1' }], costItems: [{ costType: 'overhead', rate: '2' }] },
          {
            subprocessId: a,
            customName: 'Second',
            groups: [
              {
                name: 'Pick',
                alternatives: [
                  { variantId: v1, quantity: '1' },
                  { variantId: v2, quantity: '1' },
                ],
              },
            ],
          },
          { subprocessId: b, customName: 'Third', costItems: [] },
        ],
        additionalCosts: [{ costType: 'tooling', amount: '10' }],
      });
      const [first, second, third] = p.steps as any[];
      const put = await api.call('PUT', `/api/processes/${p.processId}/structure`, {
        as: 'planner',
        body: {
          steps: [
            {
              stepId: second.stepId,
              groups: [
                {
                  groupId: second.groups[0].groupId,
                  name: 'Picked',
                  alternatives: [
                    { variantId: v3, quantity: '4' },
                    { variantId: v2, quantity: '1' },
                  ],
                },
              ],
            },
            { stepId: first.stepId, notes: 'now second', lines: [{ variantId: v2, quantity: '3' }] },
            { subprocessId: b },
          ],
          additionalCosts: [],
        },
      });
      assert.equal(put.statusCode, 200, put.body);
      const after = json(put);
      assert.deepEqual(
        after.steps.map((s: any) => s.stepId),
        [second.stepId, first.stepId, after.steps[2].stepId],
      );
      assert.ok(![first.stepId, second.stepId, third.stepId].includes(after.steps[2].stepId), 'the step left out is gone; a new one is made');
      assert.deepEqual(shape(after), [
        { order: 1, name: 'Second', lines: [], groups: ['Picked: Put v3 × 4.0000 | Put v2 × 1.0000'], costs: [] },
        { order: 2, name: 'First', lines: ['Put v2/Black/M × 3.0000'], groups: [], costs: ['overhead 1.000 × 2.00 = 2.00'] },
        { order: 3, name: 'Put B', lines: [], groups: [], costs: ['labour 1.000 × 5.00 = 5.00'] },
      ]);
      assert.equal(after.steps[0].groups[0].groupId, second.groups[0].groupId, 'a group given with its id keeps it');
      assert.equal(after.steps[1].notes, 'now second');
      assert.deepEqual(after.additionalCosts, []);
      const counts = (
        await api.db.query<{ steps: number; groups: number }>(
          `SELECT (SELECT count(*)::int FROM public.process_subprocesses WHERE process_id = $1) AS steps,
                (SELECT count(*)::int FROM public.substitute_groups g JOIN public.process_subprocesses ps ON ps.id = g.process_subprocess_id WHERE ps.process_id = $1) AS groups`,
          [p.processId],
        )
      ).rows[0]!;
      assert.deepEqual(counts, { steps: 3, groups: 1 });
      const trail = await audits('process', p.processId);
      assert.equal(trail[0]!.action, 'update');
      assert.deepEqual(trail[0]!.before, bare(p));
      assert.deepEqual(trail[0]!.after, bare(after));

      // Steps and groups of another process are refused, and the old tree stands.
      const other = await process({
        steps: [
          {
            subprocessId: a,
            groups: [
              {
                name: 'X',
                alternatives: [
                  { variantId: v1, quantity: '1' },
                  { variantId: v2, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      const foreign = await api.call('PUT', `/api/processes/${p.processId}/structure`, {
        as: 'planner',
        body: {
          steps: [
            { stepId: other.steps[0].stepId },
            { stepId: second.stepId, groups: [{ groupId: other.steps[0].groups[0].groupId, name: 'X', alternatives: [{ variantId: v1, quantity: '1' }] }] },
          ],
          additionalCosts: [],
        },
      });
      assert.equal(outcome(foreign), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(foreign), ['body/steps/0/stepId', 'body/steps/1/groups/0/groupId']);
      assert.deepEqual(bare(json(await api.call('GET', `/api/processes/${p.processId}`, { as: 'viewer' }))), bare(after));
      assert.equal(
        outcome(await api.call('PUT', '/api/processes/999999/structure', { as: 'planner', body: { steps: [], additionalCosts: [] } })),
        '404 NOT_FOUND',
      );
      assert.deepEqual(fieldPaths(await api.call('PUT', `/api/processes/${p.processId}/structure`, { as: 'planner', body: { steps: [] } })), [
        'body/additionalCosts',
      ]);
    });

    test('steps one at a time: added at a place, changed, removed and reordered, the order always 1..n', async () => {
      const sub = await subprocess('Stepwise', { labourCost: '7.25' });
      const v = await variant('Stepwise v');
      const p = await process({
        steps: [
          { subprocessId: sub, customName: 'A', costItems: [] },
          { subprocessId: sub, customName: 'B', costItems: [] },
        ],
      });
      const names = (r: { body: string }) => (json(r).steps as any[]).map((s) => `${s.sequenceOrder}:${s.name}`);

      const added = await api.call('POST', `/api/processes/${p.processId}/steps`, {
        as: 'planner',
        body: { subprocessId: sub, customName: 'Between', position: 2, lines: [{ variantId: v, quantity: '2' }] },
      });
      assert.equal(added.statusCode, 201, added.body);
      assert.deepEqual(names(added), ['1:A', '2:Between', '3:B']);
      assert.deepEqual(
        json(added).steps[1].costItems.map((c: any) => [c.costType, c.rate]),
        [['labour', '7.25']],
        'the library’s labour cost is proposed',
      );
      const last = await api.call('POST', `/api/processes/${p.processId}/steps`, {
        as: 'planner',
        body: { subprocessId: sub, customName: 'Last', costItems: [] },
      });
      assert.deepEqual(names(last), ['1:A', '2:Between', '3:B', '4:Last']);
      const far = await api.call('POST', `/api/processes/${p.processId}/steps`, { as: 'planner', body: { subprocessId: sub, position: 9 } });
      assert.equal(outcome(far), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(far), ['body/position']);
      const badStep = await api.call('POST', `/api/processes/${p.processId}/steps`, {
        as: 'planner',
        body: { subprocessId: 999999, lines: [{ variantId: v, quantity: '0' }] },
      });
      assert.deepEqual(fieldPaths(badStep), ['body/lines/0/quantity']);
      const unknownSub = await api.call('POST', `/api/processes/${p.processId}/steps`, { as: 'planner', body: { subprocessId: 999999 } });
      assert.deepEqual(fieldPaths(unknownSub), ['body/subprocessId'], 'a step’s own errors point at the body');

      const ids = (json(last).steps as any[]).map((s) => s.stepId as number);
      const patched = await api.call('PATCH', `/api/processes/${p.processId}/steps/${ids[1]}`, {
        as: 'planner',
        body: { customName: null, notes: 'n', costItems: [{ costType: 'packing', quantity: '2', rate: '0.75' }] },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const step = json(patched).steps[1];
      assert.deepEqual(
        [step.name, step.customName, step.notes, step.lines.length, step.costItems[0].amount],
        ['Stepwise', null, 'n', 1, '1.50'],
        'what the change leaves out stays',
      );
      assert.deepEqual(
        fieldPaths(
          await api.call('PATCH', `/api/processes/${p.processId}/steps/${ids[1]}`, { as: 'planner', body: { lines: [{ variantId: 999999, quantity: '1' }] } }),
        ),
        ['body/lines/0/variantId'],
      );
      assert.equal(outcome(await api.call('PATCH', `/api/processes/${p.processId}/steps/${ids[1]}`, { as: 'planner', body: {} })), '400 INVALID_INPUT');

      const removed = await api.call('DELETE', `/api/processes/${p.processId}/steps/${ids[0]}`, { as: 'planner' });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.deepEqual(names(removed), ['1:Stepwise', '2:B', '3:Last']);

      const order = [ids[3]!, ids[1]!, ids[2]!];
      const reordered = await api.call('PUT', `/api/processes/${p.processId}/steps/order`, { as: 'planner', body: { stepIds: order } });
      assert.equal(reordered.statusCode, 200, reordered.body);
      assert.deepEqual(names(reordered), ['1:Last', '2:Stepwise', '3:B']);
      assert.deepEqual(
        (json(reordered).steps as any[]).map((s) => s.stepId),
        order,
      );
      for (const stepIds of [
        [ids[3], ids[1]],
        [ids[3], ids[1], ids[2], ids[0]],
        [ids[3], ids[1], ids[1]],
      ]) {
        const stale = await api.call('PUT', `/api/processes/${p.processId}/steps/order`, { as: 'planner', body: { stepIds } });
        assert.equal(outcome(stale), '400 INVALID_INPUT', JSON.stringify(stepIds));
        assert.deepEqual(fieldPaths(stale), ['body/stepIds']);
      }

      const other = await process({ steps: [{ subprocessId: sub }] });
      for (const [method, url, body] of [
        ['PATCH', `/api/processes/${p.processId}/steps/${other.steps[0].stepId}`, { notes: 'x' }],
        ['DELETE', `/api/processes/${p.processId}/steps/${other.steps[0].stepId}`, undefined],
        ['DELETE', `/api/processes/${p.processId}/steps/999999`, undefined],
        ['POST', '/api/processes/999999/steps', { subprocessId: sub }],
        ['PATCH', '/api/processes/999999/steps/1', { notes: 'x' }],
        ['PUT', '/api/processes/999999/steps/order', { stepIds: [] }],
      ] as const) {
        const r = await api.call(method, url, { as: 'planner', ...(body ? { body } : {}) });
        assert.equal(outcome(r), '404 NOT_FOUND', `${method} ${url}: ${r.body}`);
      }
      const orders = (
        await api.db.query<{ o: number }>('SELECT sequence_order AS o FROM public.process_subprocesses WHERE process_id = $1 ORDER BY 1', [p.processId])
      ).rows.map((r) => r.o);
      assert.deepEqual(orders, [1, 2, 3]);
      assert.deepEqual(
        (await audits('process', p.processId)).map((e) => e.action),
        ['update', 'update', 'update', 'update', 'update', 'create'],
      );
    });

    test('status moves: only a process with a step becomes active; an active one keeps a step; a move the table lacks is refused; each is a transition', async () => {
      const sub = await subprocess('Statused');
      const empty = await process({});
      const refused = await api.call('POST', `/api/processes/${empty.processId}/activate`, { as: 'planner' });
      assert.equal(outcome(refused), '409 PROCESS_EMPTY');
      assert.match(json(refused).error.message, /add at least one step/);
      assert.equal(outcome(await api.call('POST', `/api/processes/${empty.processId}/run`, { as: 'planner' })), '404 NOT_FOUND', 'no such move');
      assert.equal(outcome(await api.call('POST', '/api/processes/999999/activate', { as: 'planner' })), '404 NOT_FOUND');
      const stillDraft = await api.call('POST', `/api/processes/${empty.processId}/redraft`, { as: 'planner' });
      assert.equal(outcome(stillDraft), '409 PROCESS_TRANSITION_REFUSED', 'a draft is not set back to draft');
      assert.match(
        json(stillDraft).error.message,
        /process \d+ is draft: only a process that is active or archived can be set back to draft \(it can be activated or archived\)/,
      );
      assert.deepEqual(
        (await audits('process', empty.processId)).map((e) => e.action),
        ['create'],
        'a refused move is not audited',
      );

      const p = await process({ steps: [{ subprocessId: sub }] });
      const active = await api.call('POST', `/api/processes/${p.processId}/activate`, { as: 'planner' });
      assert.equal(active.statusCode, 200, active.body);
      assert.equal(json(active).status, 'active');
      assert.deepEqual(
        json(active).actions.map((a: any) => a.action),
        ['archive', 'redraft'],
      );
      const stepId = json(active).steps[0].stepId;
      assert.equal(outcome(await api.call('DELETE', `/api/processes/${p.processId}/steps/${stepId}`, { as: 'planner' })), '409 PROCESS_EMPTY');
      assert.equal(
        outcome(await api.call('PUT', `/api/processes/${p.processId}/structure`, { as: 'planner', body: { steps: [], additionalCosts: [] } })),
        '409 PROCESS_EMPTY',
      );
      const edited = await api.call('POST', `/api/processes/${p.processId}/steps`, { as: 'planner', body: { subprocessId: sub } });
      assert.equal(edited.statusCode, 201, 'an active process may be edited');
      assert.equal(outcome(await api.call('POST', `/api/processes/${p.processId}/activate`, { as: 'planner' })), '409 PROCESS_TRANSITION_REFUSED');
      const archived = await api.call('POST', `/api/processes/${p.processId}/archive`, { as: 'admin' });
      assert.equal(json(archived).status, 'archived');
      assert.equal(
        (await api.call('DELETE', `/api/processes/${p.processId}/steps/${stepId}`, { as: 'planner' })).statusCode,
        200,
        'an archived process may lose steps',
      );
      const redrafted = await api.call('POST', `/api/processes/${p.processId}/redraft`, { as: 'planner' });
      assert.equal(json(redrafted).status, 'draft');
      const trail = await audits('process', p.processId);
      assert.deepEqual(
        trail.filter((e) => e.action === 'transition').map((e) => `${e.before.status}→${e.after.status}`),
        ['archived→draft', 'active→archived', 'draft→active'],
      );
      assert.deepEqual(
        trail.map((e) => e.action),
        ['transition', 'update', 'transition', 'update', 'transition', 'create'],
      );
    });

    test('the move routes are the machine’s: one POST per offered move with its permission, and nothing else changes a status', async () => {
      const moves = offeredMoves(PROCESS_MACHINE);
      assert.deepEqual(
        moves.map(([a]) => a),
        ['activate', 'archive', 'redraft'],
      );
      const routes = api.app.routeTable.filter((r) => r.url.startsWith('/api/processes/:id/'));
      for (const [action, move] of moves) {
        const route = routes.find((r) => r.method === 'POST' && r.url === `/api/processes/:id/${action}`);
        assert.equal(route?.permission, move.permission, `POST /api/processes/:id/${action}`);
      }
      assert.equal(
        routes.find((r) => r.url === '/api/processes/:id/status'),
        undefined,
        'the old POST …/status (any status to any) is gone',
      );
      // every move of the table, from every status, does what the table says, and nothing else is allowed
      const sub = await subprocess('Machine walk');
      for (const from of PROCESS_STATUSES)
        for (const [action, move] of moves) {
          const p = await process({ steps: [{ subprocessId: sub }] });
          const path = { draft: [], active: ['activate'], archived: ['archive'] }[from];
          for (const step of path) assert.equal((await api.call('POST', `/api/processes/${p.processId}/${step}`, { as: 'planner' })).statusCode, 200);
          const r = await api.call('POST', `/api/processes/${p.processId}/${action}`, { as: 'planner' });
          if (move.from.includes(from)) assert.equal(json(r).status, move.to, `${action} from ${from}`);
          else assert.equal(outcome(r), '409 PROCESS_TRANSITION_REFUSED', `${action} from ${from}`);
        }
    });

    test('actions: a planner and an admin are offered the moves of the process’s status, a viewer and an operator none; a deleted process offers none; the statuses and cost types are served', async () => {
      const sub = await subprocess('Offered');
      const p = await process({ name: 'Offering', steps: [{ subprocessId: sub }] });
      assert.deepEqual(
        p.actions,
        [
          { action: 'activate', label: 'Activate', to: 'active', needsReason: false, confirm: null },
          { action: 'archive', label: 'Archive', to: 'archived', needsReason: false, confirm: null },
        ],
        'the body of a write carries them',
      );
      const offered = async (as: 'admin' | 'planner' | 'operator' | 'viewer') => {
        const detail = json(await api.call('GET', `/api/processes/${p.processId}`, { as }));
        const row = json(await api.call('GET', '/api/processes?q=offering&includeDeleted=true', { as })).processes[0];
        assert.deepEqual(row.actions, detail.actions, `${as}: a list row offers what the detail offers`);
        return (detail.actions as { action: string }[]).map((a) => a.action);
      };
      assert.deepEqual(await offered('planner'), ['activate', 'archive']);
      assert.deepEqual(await offered('admin'), ['activate', 'archive']);
      assert.deepEqual(await offered('viewer'), []);
      assert.deepEqual(await offered('operator'), []);
      assert.equal(outcome(await api.call('POST', `/api/processes/${p.processId}/activate`, { as: 'operator' })), '403 FORBIDDEN');
      assert.equal(outcome(await api.call('POST', `/api/processes/${p.processId}/archive`, { as: 'viewer' })), '403 FORBIDDEN');
      assert.equal(json(await api.call('GET', `/api/processes/${p.processId}`, { as: 'viewer' })).status, 'draft', 'a refused move changes nothing');
      await api.call('POST', `/api/processes/${p.processId}/archive`, { as: 'planner' });
      assert.deepEqual(await offered('planner'), ['activate', 'redraft']);
      await api.call('DELETE', `/api/processes/${p.processId}`, { as: 'planner' });
      assert.deepEqual(await offered('planner'), [], 'a deleted process takes no move');
      const statuses = json(await api.call('GET', '/api/processes/statuses', { as: 'viewer' })).statuses as { status: string; label: string }[];
      assert.deepEqual(
        statuses.map((s) => `${s.status}: ${s.label}`),
        ['draft: Draft', 'active: Active', 'archived: Archived'],
      );
      assert.deepEqual(json(await api.call('GET', '/api/processes/cost-types', { as: 'viewer' })).costTypes, [...COST_TYPES]);
    });

    test('every write is audited via http with the request’s id; a refused write leaves no event and no change', async () => {
      const sub = await subprocess('Audited');
      const made = await api.call('POST', '/api/processes', { as: 'planner', body: { name: 'Audited one', steps: [{ subprocessId: sub }] } });
      const id = json(made).processId as number;
      const events = await api.db.query<{ via: string; request_id: string | null; user_id: number | null }>(
        `SELECT via, request_id, user_id FROM public.audit_events WHERE entity = 'process' AND entity_id = $1`,
        [String(id)],
      );
      assert.deepEqual(
        events.rows.map((e) => [e.via, e.request_id]),
        [['http', made.headers['x-request-id']]],
      );
      const planner = await api.db.query<{ user_id: number }>(`SELECT user_id FROM public.users WHERE email = 'planner@example.com'`);
      assert.equal(events.rows[0]!.user_id, planner.rows[0]!.user_id);
      const count = async () =>
        Number((await api.db.query<{ n: string }>(`SELECT count(*) AS n FROM public.audit_events WHERE entity IN ('process', 'subprocess')`)).rows[0]!.n);
      const before = await count();
      const tree = json(await api.call('GET', `/api/processes/${id}`, { as: 'planner' }));
      for (const [method, url, body, expected] of [
        ['PATCH', `/api/processes/${id}`, { name: 'Audited one', salesPrice: '-1' }, '400 INVALID_INPUT'],
        ['PUT', `/api/processes/${id}/structure`, { steps: [{ subprocessId: sub }, { subprocessId: 999999 }], additionalCosts: [] }, '400 INVALID_INPUT'],
        ['POST', `/api/processes/${id}/redraft`, undefined, '409 PROCESS_TRANSITION_REFUSED'],
        ['POST', `/api/processes/${id}/copy`, { name: 'AUDITED ONE' }, '409 PROCESS_NAME_TAKEN'],
        ['POST', '/api/subprocesses', { name: 'audited' }, '409 SUBPROCESS_NAME_TAKEN'],
        ['POST', `/api/subprocesses/${sub}/restore`, undefined, '409 NOT_DELETED'],
      ] as const) {
        const r = await api.call(method, url, { as: 'planner', ...(body ? { body } : {}) });
        assert.equal(outcome(r), expected, `${method} ${url}`);
      }
      assert.equal(await count(), before, 'no audit event for a refused write');
      assert.deepEqual(json(await api.call('GET', `/api/processes/${id}`, { as: 'planner' })), tree, 'and no change');
    });

    test('a deleted process leaves lists, frees its name and refuses changes until restored; one with unfinished lots is not deleted', async () => {
      const sub = await subprocess('Deletable');
      const p = await process({ name: 'Doomed', steps: [{ subprocessId: sub }] });
      const deleted = await api.call('DELETE', `/api/processes/${p.processId}`, { as: 'planner' });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.notEqual(json(deleted).deletedAt, null);
      assert.equal(json(await api.call('GET', '/api/processes?q=doomed', { as: 'viewer' })).total, 0);
      assert.equal(json(await api.call('GET', '/api/processes?q=doomed&includeDeleted=true', { as: 'viewer' })).total, 1);
      assert.notEqual(json(await api.call('GET', `/api/processes/${p.processId}`, { as: 'viewer' })).deletedAt, null, 'a deleted process can still be read');
      const stepId = p.steps[0].stepId;
      for (const [method, url, body] of [
        ['PATCH', `/api/processes/${p.processId}`, { salesPrice: '1' }],
        ['PUT', `/api/processes/${p.processId}/structure`, { steps: [], additionalCosts: [] }],
        ['POST', `/api/processes/${p.processId}/activate`, undefined],
        ['POST', `/api/processes/${p.processId}/steps`, { subprocessId: sub }],
        ['PATCH', `/api/processes/${p.processId}/steps/${stepId}`, { notes: 'x' }],
        ['DELETE', `/api/processes/${p.processId}/steps/${stepId}`, undefined],
        ['PUT', `/api/processes/${p.processId}/steps/order`, { stepIds: [stepId] }],
      ] as const) {
        const r = await api.call(method, url, { as: 'planner', ...(body ? { body } : {}) });
        assert.equal(outcome(r), '409 PROCESS_DELETED', `${method} ${url}`);
      }
      assert.equal(outcome(await api.call('DELETE', `/api/processes/${p.processId}`, { as: 'planner' })), '409 ALREADY_DELETED');
      const successor = await process({ name: 'DOOMED' });
      const taken = await api.call('POST', `/api/processes/${p.processId}/restore`, { as: 'planner' });
      assert.equal(outcome(taken), '409 PROCESS_NAME_TAKEN', 'a live process took the name');
      await api.call('PATCH', `/api/processes/${successor.processId}`, { as: 'planner', body: { name: 'Doomed no more' } });
      const restored = await api.call('POST', `/api/processes/${p.processId}/restore`, { as: 'planner' });
      assert.equal(restored.statusCode, 200, restored.body);
      assert.equal(json(restored).deletedAt, null);
      assert.equal(outcome(await api.call('POST', `/api/processes/${p.processId}/restore`, { as: 'planner' })), '409 NOT_DELETED');
      for (const [method, url] of [
        ['DELETE', '/api/processes/999999'],
        ['POST', '/api/processes/999999/restore'],
        ['GET', '/api/processes/999999'],
        ['PATCH', '/api/processes/999999'],
      ] as const) {
        assert.equal(
          outcome(await api.call(method, url, { as: 'planner', ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) })),
          '404 NOT_FOUND',
          `${method} ${url}`,
        );
      }

      const open = await lot(p.processId, 'in_progress');
      await lot(p.processId, 'completed');
      const busy = await api.call('DELETE', `/api/processes/${p.processId}`, { as: 'planner' });
      assert.equal(outcome(busy), '409 PROCESS_HAS_OPEN_LOTS');
      assert.deepEqual(json(busy).error.details.lots, [open.number]);
      await api.db.query(`UPDATE public.production_lots SET status = 'failed' WHERE id = $1`, [open.id]);
      assert.equal((await api.call('DELETE', `/api/processes/${p.processId}`, { as: 'planner' })).statusCode, 200, 'finished lots keep their process, deleted');
      assert.deepEqual(
        (await audits('process', p.processId)).map((e) => e.action),
        ['delete', 'restore', 'delete', 'create'],
      );
    });

    test('names are unique among live processes whatever their case; the sales price is a decimal string ≥ 0', async () => {
      await process({ name: 'Unique tee' });
      const other = await process({ name: 'Other tee' });
      assert.equal(outcome(await api.call('POST', '/api/processes', { as: 'planner', body: { name: 'UNIQUE TEE' } })), '409 PROCESS_NAME_TAKEN');
      assert.equal(
        outcome(await api.call('PATCH', `/api/processes/${other.processId}`, { as: 'planner', body: { name: 'unique tee' } })),
        '409 PROCESS_NAME_TAKEN',
      );
      const same = await api.call('PATCH', `/api/processes/${other.processId}`, {
        as: 'planner',
        body: { name: 'Other tee', salesPrice: '0', description: 'plain' },
      });
      assert.equal(same.statusCode, 200, same.body);
      assert.deepEqual([json(same).salesPrice, json(same).description], ['0.00', 'plain']);
      const cleared = json(await api.call('PATCH', `/api/processes/${other.processId}`, { as: 'planner', body: { salesPrice: null, description: null } }));
      assert.deepEqual([cleared.salesPrice, cleared.description, cleared.name], [null, null, 'Other tee']);
      for (const salesPrice of ['-1', '1.234', 'ten', '12345678901'])
        assert.deepEqual(
          [...new Set(fieldPaths(await api.call('PATCH', `/api/processes/${other.processId}`, { as: 'planner', body: { salesPrice } })))],
          ['body/salesPrice'],
          salesPrice,
        );
      assert.equal(outcome(await api.call('PATCH', `/api/processes/${other.processId}`, { as: 'planner', body: {} })), '400 INVALID_INPUT');
      const trail = await audits('process', other.processId);
      assert.equal(trail[0]!.before.salesPrice, '0.00');
      assert.equal(trail[0]!.after.salesPrice, null);
    });

    test('a name taken by a concurrent create is 409, never a 500: exactly one of many wins', async () => {
      for (const [url, body, code] of [
        ['/api/processes', { name: 'Raced name' }, 'PROCESS_NAME_TAKEN'],
        ['/api/subprocesses', { name: 'Raced library name' }, 'SUBPROCESS_NAME_TAKEN'],
      ] as const) {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => api.call('POST', url, { as: 'planner', body: { name: i % 2 ? body.name.toUpperCase() : body.name } })),
        );
        assert.deepEqual(results.map(outcome).sort(), ['201', ...Array.from({ length: 7 }, () => `409 ${code}`)], url);
      }
    });

    test('the list searches, filters by status, variant and subprocess, sorts, and pages with the total', async () => {
      const sub = await subprocess('Listed step');
      const lone = await subprocess('Listed lone');
      const v = await variant('Listed variant');
      const w = await variant('Listed grouped');
      const made: number[] = [];
      for (const [name, steps] of [
        ['Listing alpha', [{ subprocessId: sub, lines: [{ variantId: v, quantity: '1' }] }]],
        [
          'listing Beta',
          [
            {
              subprocessId: lone,
              groups: [
                {
                  name: 'g',
                  alternatives: [
                    { variantId: w, quantity: '1' },
                    { variantId: v, quantity: '1' },
                  ],
                },
              ],
            },
          ],
        ],
        ['Listing gamma', [{ subprocessId: sub }]],
      ] as const)
        made.push((await process({ name, steps })).processId);
      assert.equal((await api.call('POST', `/api/processes/${made[2]}/activate`, { as: 'planner' })).statusCode, 200);
      const names = async (query: string) => {
        const r = await api.call('GET', `/api/processes?${query}`, { as: 'viewer' });
        assert.equal(r.statusCode, 200, r.body);
        return [json(r).total, (json(r).processes as any[]).map((p) => p.name)];
      };
      assert.deepEqual(await names('q=LISTING'), [3, ['Listing alpha', 'listing Beta', 'Listing gamma']]);
      assert.deepEqual(await names('q=listing&direction=desc'), [3, ['Listing gamma', 'listing Beta', 'Listing alpha']]);
      assert.deepEqual(await names('q=listing&sort=createdAt&direction=desc&limit=2'), [3, ['Listing gamma', 'listing Beta']]);
      assert.deepEqual(await names('q=listing&limit=2&offset=2'), [3, ['Listing gamma']]);
      assert.deepEqual(await names('q=listing&status=active'), [1, ['Listing gamma']]);
      assert.deepEqual(await names('q=listing&status=draft'), [2, ['Listing alpha', 'listing Beta']]);
      assert.deepEqual(await names(`variantId=${v}`), [2, ['Listing alpha', 'listing Beta']], 'a variant is used as a line or as an alternative');
      assert.deepEqual(await names(`variantId=${w}`), [1, ['listing Beta']]);
      assert.deepEqual(await names(`subprocessId=${sub}&sort=updatedAt`), [2, ['Listing alpha', 'Listing gamma']]);
      const summary = (json(await api.call('GET', '/api/processes?q=listing%20alpha', { as: 'viewer' })).processes as any[])[0];
      assert.equal(summary.stepCount, 1);
      assert.equal(summary.steps, undefined, 'a list gives no structure');
      for (const query of ['status=running', 'sort=price', 'limit=0', 'variantId=0', 'colour=red'])
        assert.equal(outcome(await api.call('GET', `/api/processes?${query}`, { as: 'viewer' })), '400 INVALID_INPUT', query);
      for (const [method, url] of [
        ['GET', '/api/processes/abc'],
        ['DELETE', '/api/processes/0'],
        ['POST', '/api/processes/-1/restore'],
        ['DELETE', '/api/processes/1/steps/x'],
      ] as const)
        assert.ok(
          fieldPaths(await api.call(method, url, { as: 'planner' })).some((p) => p.startsWith('params/')),
          `${method} ${url}`,
        );
    });

    test('lots and the structure: a group lots chose from is soft-deleted, not removed; its step cannot be removed; editing an active process with planned lots is allowed', async () => {
      const sub = await subprocess('Chosen step');
      const [a, b, c] = [await variant('Chosen a'), await variant('Chosen b'), await variant('Chosen c')];
      const p = await process({
        steps: [
          { subprocessId: sub, customName: 'Keep', lines: [{ variantId: c, quantity: '1' }] },
          {
            subprocessId: sub,
            customName: 'Chosen',
            groups: [
              {
                name: 'Fabric',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: b, quantity: '2' },
                ],
              },
              {
                name: 'Spare',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: c, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      assert.equal((await api.call('POST', `/api/processes/${p.processId}/activate`, { as: 'planner' })).statusCode, 200);
      const planned = await lot(p.processId, 'planning');
      const fabric = p.steps[1].groups[0].groupId as number;
      await api.db.query('INSERT INTO public.production_lot_selections (lot_id, substitute_group_id, variant_id) VALUES ($1, $2, $3)', [planned.id, fabric, b]);

      const inUse = await api.call('DELETE', `/api/processes/${p.processId}/steps/${p.steps[1].stepId}`, { as: 'planner' });
      assert.equal(outcome(inUse), '409 STEP_IN_USE');
      assert.ok(json(inUse).error.message.includes(planned.number), json(inUse).error.message);
      assert.equal(
        outcome(
          await api.call('PUT', `/api/processes/${p.processId}/structure`, {
            as: 'planner',
            body: { steps: [{ stepId: p.steps[0].stepId }], additionalCosts: [] },
          }),
        ),
        '409 STEP_IN_USE',
      );

      const regrouped = await api.call('PATCH', `/api/processes/${p.processId}/steps/${p.steps[1].stepId}`, {
        as: 'planner',
        body: {
          groups: [
            {
              name: 'Fabric v2',
              alternatives: [
                { variantId: a, quantity: '3' },
                { variantId: c, quantity: '3' },
              ],
            },
          ],
        },
      });
      assert.equal(regrouped.statusCode, 200, regrouped.body);
      assert.deepEqual(
        json(regrouped).steps[1].groups.map((g: any) => g.name),
        ['Fabric v2'],
      );
      const groups = (
        await api.db.query<{ id: number; deleted: boolean; alternatives: number }>(
          `SELECT g.id, g.deleted_at IS NOT NULL AS deleted, (SELECT count(*)::int FROM public.variant_usage u WHERE u.substitute_group_id = g.id) AS alternatives
           FROM public.substitute_groups g WHERE g.process_subprocess_id = $1 ORDER BY g.id`,
          [p.steps[1].stepId],
        )
      ).rows;
      assert.deepEqual(
        groups.map((g) => [g.id === fabric, g.deleted, g.alternatives]),
        [
          [true, true, 2],
          [false, false, 2],
        ],
        'the chosen group stays, soft-deleted with its alternatives; the unchosen one is removed; the new one is made',
      );
      const selection = (
        await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.production_lot_selections WHERE lot_id = $1 AND substitute_group_id = $2', [
          planned.id,
          fabric,
        ])
      ).rows[0]!.n;
      assert.equal(selection, 1, 'the lot keeps its selection');
      assert.equal(
        outcome(await api.call('DELETE', `/api/processes/${p.processId}/steps/${p.steps[1].stepId}`, { as: 'planner' })),
        '409 STEP_IN_USE',
        'a soft-deleted group still holds its step',
      );
      const kept = await api.call('DELETE', `/api/processes/${p.processId}/steps/${p.steps[0].stepId}`, { as: 'planner' });
      assert.equal(kept.statusCode, 200, 'a step no lot chose from goes');
    });

    test('copy as draft: the whole tree under another name, deleted variants and subprocesses included with warnings', async () => {
      const sub = await subprocess('Copied step', { labourCost: '3' });
      const [a, b] = [await variant('Copied a'), await variant('Copied b')];
      const source = await process({
        name: 'Original',
        salesPrice: '45.00',
        processClass: 'bags',
        steps: [
          {
            subprocessId: sub,
            notes: 'n',
            lines: [{ variantId: a, quantity: '1.5' }],
            groups: [{ name: 'Only', alternatives: [{ variantId: b, quantity: '2' }] }],
          },
        ],
        additionalCosts: [{ costType: 'freight', amount: '9.99', isFixed: false }],
      });
      assert.deepEqual(
        source.warnings.map((w: any) => [w.code, w.path]),
        [['GROUP_SINGLE_ALTERNATIVE', 'steps/0/groups/0/alternatives']],
        'one alternative is accepted, with a warning',
      );
      assert.equal((await api.call('POST', `/api/processes/${source.processId}/activate`, { as: 'planner' })).statusCode, 200);
      assert.equal((await api.call('DELETE', `/api/variants/${a}`, { as: 'planner' })).statusCode, 200);
      assert.equal((await api.call('DELETE', `/api/subprocesses/${sub}`, { as: 'planner' })).statusCode, 200);
      const read = json(await api.call('GET', `/api/processes/${source.processId}`, { as: 'viewer' }));
      assert.deepEqual(
        read.warnings.map((w: any) => [w.code, w.path]),
        [
          ['SUBPROCESS_DELETED', 'steps/0/subprocessId'],
          ['VARIANT_DELETED', 'steps/0/lines/0/variantId'],
          ['GROUP_SINGLE_ALTERNATIVE', 'steps/0/groups/0/alternatives'],
        ],
      );
      assert.equal(read.steps[0].lines[0].variantDeleted, true, 'a deleted variant stays in the process');
      // What the process uses already may stay although deleted: an edit elsewhere is not refused for it.
      const kept = await api.call('PATCH', `/api/processes/${source.processId}/steps/${read.steps[0].stepId}`, {
        as: 'planner',
        body: { lines: [{ variantId: a, quantity: '2' }] },
      });
      assert.equal(kept.statusCode, 200, kept.body);

      const copied = await api.call('POST', `/api/processes/${source.processId}/copy`, { as: 'planner', body: { name: 'Original v2' } });
      assert.equal(copied.statusCode, 201, copied.body);
      const copy = json(copied);
      assert.notEqual(copy.processId, source.processId);
      assert.deepEqual([copy.name, copy.status, copy.salesPrice, copy.processClass], ['Original v2', 'draft', '45.00', 'bags']);
      assert.deepEqual(shape(copy), shape(json(kept)));
      assert.deepEqual(
        copy.warnings.map((w: any) => w.code),
        ['SUBPROCESS_DELETED', 'VARIANT_DELETED', 'GROUP_SINGLE_ALTERNATIVE'],
      );
      assert.deepEqual(
        copy.additionalCosts.map((x: any) => [x.costType, x.amount, x.isFixed]),
        [['freight', '9.99', false]],
      );
      assert.deepEqual(
        copy.steps[0].costItems.map((c: any) => [c.costType, c.rate]),
        [['labour', '3.00']],
        'a copy copies the cost items as they are',
      );
      const trail = await audits('process', copy.processId);
      assert.equal(trail[0]!.after.copiedFrom, source.processId);
      assert.equal(
        outcome(await api.call('POST', `/api/processes/${source.processId}/copy`, { as: 'planner', body: { name: 'original V2' } })),
        '409 PROCESS_NAME_TAKEN',
      );
      assert.equal(outcome(await api.call('POST', '/api/processes/999999/copy', { as: 'planner', body: { name: 'Nothing' } })), '404 NOT_FOUND');
      assert.deepEqual(fieldPaths(await api.call('POST', `/api/processes/${source.processId}/copy`, { as: 'planner', body: {} })), ['body/name']);
    });

    test('viewers and operators read processes and the library but may not change them (403)', async () => {
      const p = await process({});
      for (const as of ['viewer', 'operator'] as const) {
        assert.equal((await api.call('GET', `/api/processes/${p.processId}`, { as })).statusCode, 200);
        assert.equal((await api.call('GET', '/api/processes', { as })).statusCode, 200);
        assert.equal((await api.call('GET', '/api/subprocesses', { as })).statusCode, 200);
        assert.equal(outcome(await api.call('PATCH', `/api/processes/${p.processId}`, { as, body: { name: 'x' } })), '403 FORBIDDEN');
        assert.equal(outcome(await api.call('POST', '/api/processes', { as, body: { name: 'x' } })), '403 FORBIDDEN');
      }
    });

    test('what a process makes: its output variant and quantity are set at creation, changed, cleared, copied, and a missing or deleted variant is refused by name', async () => {
      const chair = await variant('Output chair', 'Oak', 'One');
      const stool = await variant('Output stool', 'Oak', 'One');
      const made = await process({ outputVariantId: chair, outputQuantity: '2' });
      assert.equal(made.outputVariantId, chair);
      assert.equal(made.outputQuantity, '2');
      assert.deepEqual(made.output, { variantId: chair, item: 'Output chair', color: 'Oak', size: 'One', unit: 'pcs', variantDeleted: false });
      const plain = await process({});
      assert.deepEqual([plain.outputVariantId, plain.outputQuantity, plain.output], [null, '1', null], 'a process names no output unless told');

      const changed = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { outputVariantId: stool, outputQuantity: '0.5' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual([json(changed).output.item, json(changed).outputQuantity], ['Output stool', '0.5']);
      const listed = json(await api.call('GET', `/api/processes?q=${encodeURIComponent(made.name)}`, { as: 'viewer' })).processes as any[];
      assert.equal(listed.find((p) => p.processId === made.processId).output.item, 'Output stool', 'the list shows what each process makes');
      const update = (await audits('process', made.processId)).find((e) => e.action === 'update')!;
      assert.deepEqual([update.before.outputVariantId, update.after.outputVariantId], [chair, stool], 'the change is audited');

      const copied = await api.call('POST', `/api/processes/${made.processId}/copy`, { as: 'planner', body: { name: `Copy of ${made.name}` } });
      assert.equal(copied.statusCode, 201, copied.body);
      assert.deepEqual([json(copied).outputVariantId, json(copied).outputQuantity], [stool, '0.5'], 'a copy makes what its source makes');

      const unknown = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { outputVariantId: 999_999 } });
      assert.equal(outcome(unknown), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(unknown), ['body/outputVariantId']);
      assert.match(json(unknown).error.message, /no variant 999999/);
      const gone = await variant('Output gone', 'Oak', 'One');
      assert.equal((await api.call('DELETE', `/api/variants/${gone}`, { as: 'planner' })).statusCode, 200);
      const deleted = await api.call('POST', '/api/processes', { as: 'planner', body: { name: 'Makes a deleted variant', outputVariantId: gone } });
      assert.equal(outcome(deleted), '400 INVALID_INPUT');
      assert.match(json(deleted).error.message, /is deleted: restore it or choose another/);
      assert.equal((await api.db.query("SELECT 1 FROM public.processes WHERE name = 'Makes a deleted variant'")).rows.length, 0, 'nothing is half made');
      for (const bad of ['0', '-1', '1.2345', 'one'])
        assert.equal(
          outcome(await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { outputQuantity: bad } })),
          '400 INVALID_INPUT',
          bad,
        );

      const cleared = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { outputVariantId: null } });
      assert.deepEqual([json(cleared).outputVariantId, json(cleared).output], [null, null], 'null clears what the process makes');
    });

    test('the usual lot size: 1 unless set, set at creation, changed, copied and audited; anything but a whole number from 1 to 1,000,000 refused by name', async () => {
      const plain = await process({});
      assert.equal(plain.lotSize, 1, 'a process runs one unit unless told');
      const made = await process({ lotSize: 40 });
      assert.equal(made.lotSize, 40);
      const changed = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { lotSize: 25 } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).lotSize, 25);
      assert.equal(json(await api.call('GET', `/api/processes/${made.processId}`, { as: 'viewer' })).lotSize, 25);
      const listed = json(await api.call('GET', `/api/processes?q=${encodeURIComponent(made.name)}`, { as: 'viewer' })).processes as any[];
      assert.equal(listed.find((p) => p.processId === made.processId).lotSize, 25, 'the list shows it');
      const update = (await audits('process', made.processId)).find((e) => e.action === 'update')!;
      assert.deepEqual([update.before.lotSize, update.after.lotSize], [40, 25], 'the change is audited');
      const other = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { name: `${made.name} renamed` } });
      assert.equal(json(other).lotSize, 25, 'a change of another field keeps it');
      const copied = await api.call('POST', `/api/processes/${made.processId}/copy`, { as: 'planner', body: { name: `Copy of ${made.name}` } });
      assert.equal(json(copied).lotSize, 25, 'a copy runs as its source does');
      assert.equal(
        (await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { lotSize: 1_000_000 } })).statusCode,
        200,
        'the largest lot',
      );

      for (const bad of [0, -5, 1_000_001, 1e15]) {
        for (const r of [
          await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { lotSize: bad } }),
          await api.call('POST', '/api/processes', { as: 'planner', body: { name: `Bad lot ${bad}`, lotSize: bad } }),
        ]) {
          assert.equal(outcome(r), '400 INVALID_INPUT', `${bad}: ${r.body}`);
          assert.deepEqual(fieldPaths(r), ['body/lotSize'], String(bad));
          assert.match(json(r).error.message, /lotSize.*usual lot size is how many units a run makes: a whole number from 1 to 1,000,000/, String(bad));
        }
      }
      for (const bad of [2.5, 'forty']) {
        const r = await api.call('PATCH', `/api/processes/${made.processId}`, { as: 'planner', body: { lotSize: bad } });
        assert.equal(outcome(r), '400 INVALID_INPUT', `${JSON.stringify(bad)}: ${r.body}`);
        assert.deepEqual(fieldPaths(r), ['body/lotSize'], JSON.stringify(bad));
        assert.match(json(r).error.message, /lotSize/, 'the message names the field');
      }
      assert.equal(json(await api.call('GET', `/api/processes/${made.processId}`, { as: 'viewer' })).lotSize, 1_000_000, 'a refused change changes nothing');
      assert.equal((await api.db.query("SELECT 1 FROM public.processes WHERE name LIKE 'Bad lot %'")).rows.length, 0, 'nothing is made');
    });

    test('concurrent step edits on one process serialise: the order stays 1..n with no gaps or repeats', async () => {
      const sub = await subprocess('Raced');
      const p = await process({ steps: Array.from({ length: 4 }, (_, i) => ({ subprocessId: sub, customName: `S${i}` })) });
      const ids = (p.steps as any[]).map((s) => s.stepId as number);
      const results = await Promise.all([
        ...Array.from({ length: 6 }, () =>
          api.call('POST', `/api/processes/${p.processId}/steps`, { as: 'planner', body: { subprocessId: sub, position: 1 } }),
        ),
        ...Array.from({ length: 6 }, (_, i) =>
          api.call('PUT', `/api/processes/${p.processId}/steps/order`, { as: 'planner', body: { stepIds: i % 2 ? [...ids].reverse() : ids } }),
        ),
      ]);
      for (const r of results.slice(0, 6)) assert.equal(r.statusCode, 201, r.body);
      for (const r of results.slice(6)) assert.ok(r.statusCode === 200 || outcome(r) === '400 INVALID_INPUT', r.body);
      const orders = (
        await api.db.query<{ o: number }>('SELECT sequence_order AS o FROM public.process_subprocesses WHERE process_id = $1 ORDER BY 1', [p.processId])
      ).rows.map((r) => r.o);
      assert.deepEqual(
        orders,
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
    });
  });
}
