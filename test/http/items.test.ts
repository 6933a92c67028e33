import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { recordMovement } from '../../src/app/items/stock.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

/** The status and, for an error, its code: one value to compare. */
const outcome = (r: { statusCode: number; body: string }) => (r.statusCode >= 400 ? `${r.statusCode} ${json(r).error.code}` : String(r.statusCode));

const fieldPaths = (r: { body: string }) => (json(r).error.details.fields as { path: string }[]).map((f) => f.path);

for (const backend of backends) {
  describe(`items, variants and stock over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    const item = async (body: Record<string, unknown>) => {
      const r = await api.call('POST', '/api/items', { as: 'planner', body });
      assert.equal(r.statusCode, 201, r.body);
      return json(r);
    };
    const variant = async (itemId: number, body: Record<string, unknown>) => {
      const r = await api.call('POST', `/api/items/${itemId}/variants`, { as: 'planner', body });
      assert.equal(r.statusCode, 201, r.body);
      return json(r);
    };
    const move = (body: Record<string, unknown>, as: 'operator' | 'viewer' = 'operator') => api.call('POST', '/api/stock/movements', { as, body });
    const audits = async (entity: string, id: number | string) =>
      json(await api.call('GET', `/api/audit?entity=${entity}&entityId=${id}`, { as: 'admin' })).events as {
        action: string;
        before: any;
        after: any;
        userId: number | null;
        via: string;
      }[];

    test('a search of more than 10 words, or with a word of more than 50 characters, is 400 naming q, and nothing is searched', async () => {
      const many = await api.call('GET', `/api/items?q=${encodeURIComponent(Array(100).fill('a').join(' '))}`, { as: 'viewer' });
      assert.equal(outcome(many), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(many), ['querystring/q']);
      assert.match(json(many).error.message, /^q: has 100 words: search with at most 10$/);
      const long = await api.call('GET', `/api/items?q=frame%20${'x'.repeat(51)}`, { as: 'viewer' });
      assert.equal(outcome(long), '400 INVALID_INPUT');
      assert.match(json(long).error.message, /^q: has a word longer than 50 characters/);
      const ten = await api.call('GET', `/api/items?q=${encodeURIComponent(Array(10).fill('frame').join(' '))}`, { as: 'viewer' });
      assert.equal(outcome(ten), '200');
      const longest = await api.call('GET', `/api/items?q=${encodeURIComponent(Array(3).fill('y'.repeat(50)).join(' '))}`, { as: 'viewer' });
      assert.equal(outcome(longest), '200', 'words of 50 characters are taken');
    });

    test('an item is created with its masters by name, read back, and a duplicate is 409 ITEM_EXISTS', async () => {
      const made = await item({ name: 'Bike Frame', description: 'steel', category: 'Frames', model: 'Roadster', variation: 'Classic' });
      assert.deepEqual(
        { ...made, itemId: 0, createdAt: '', updatedAt: '' },
        {
          itemId: 0,
          name: 'Bike Frame',
          description: 'steel',
          category: 'Frames',
          model: 'Roadster',
          variation: 'Classic',
          createdAt: '',
          updatedAt: '',
          deletedAt: null,
        },
      );
      const read = await api.call('GET', `/api/items/${made.itemId}`, { as: 'viewer' });
      assert.deepEqual(json(read), made);
      const again = await api.call('POST', '/api/items', {
        as: 'planner',
        body: { name: 'bike frame', description: 'steel', model: 'ROADSTER', variation: 'classic', category: 'Other' },
      });
      assert.equal(outcome(again), '409 ITEM_EXISTS', 'same name, model, variation and description whatever the case');
      const noModel = await item({ name: 'Saddle' });
      assert.equal(
        outcome(await api.call('POST', '/api/items', { as: 'admin', body: { name: 'Saddle' } })),
        '409 ITEM_EXISTS',
        'two items without a model are duplicates too',
      );
      assert.equal((await audits('item', noModel.itemId))[0]!.action, 'create');
      const created = (await audits('item', made.itemId))[0]!;
      assert.equal(created.before, null);
      assert.equal(created.after.name, 'Bike Frame');
    });

    test('invalid input is 400 with each field’s path; unknown ids are 404; a viewer may read but not write', async () => {
      const bad = await api.call('POST', '/api/items', { as: 'planner', body: { name: '', category: { a: 1 }, extra: true } });
      assert.equal(outcome(bad), '400 INVALID_INPUT');
      for (const p of ['body/name', 'body/category', 'body/extra']) assert.ok(fieldPaths(bad).includes(p), `${p} in ${fieldPaths(bad).join(', ')}`);
      const missing = await api.call('POST', '/api/items', { as: 'planner', body: {} });
      assert.deepEqual(fieldPaths(missing), ['body/name']);
      assert.equal(outcome(await api.call('PATCH', '/api/items/1', { as: 'planner', body: {} })), '400 INVALID_INPUT', 'a change must change something');
      assert.equal(outcome(await api.call('GET', '/api/items?sort=price', { as: 'viewer' })), '400 INVALID_INPUT');
      assert.equal(outcome(await api.call('GET', '/api/items/abc', { as: 'viewer' })), '400 INVALID_INPUT');
      for (const [method, url, body] of [
        ['GET', '/api/items/999999', undefined],
        ['PATCH', '/api/items/999999', { name: 'x' }],
        ['DELETE', '/api/items/999999', undefined],
        ['POST', '/api/items/999999/restore', undefined],
        ['GET', '/api/items/999999/variants', undefined],
        ['POST', '/api/items/999999/variants', { color: 'Red', size: 'M' }],
        ['GET', '/api/variants/999999', undefined],
        ['PATCH', '/api/variants/999999', { unit: 'kg' }],
        ['DELETE', '/api/variants/999999', undefined],
        ['POST', '/api/variants/999999/restore', undefined],
        ['GET', '/api/variants/999999/ledger', undefined],
        ['POST', '/api/stock/movements', { variantId: 999999, type: 'receipt', quantity: '1' }],
      ] as const) {
        assert.equal(outcome(await api.call(method, url, { as: 'admin', ...(body ? { body } : {}) })), '404 NOT_FOUND', `${method} ${url}`);
      }
      const viewer = await api.call('POST', '/api/items', { as: 'viewer', body: { name: 'Nope' } });
      assert.equal(outcome(viewer), '403 FORBIDDEN');
      assert.equal(
        outcome(await api.call('POST', '/api/items', { as: 'operator', body: { name: 'Nope' } })),
        '403 FORBIDDEN',
        'operators move stock, they do not edit the catalogue',
      );
      assert.equal(outcome(await move({ variantId: 1, type: 'receipt', quantity: '1' }, 'viewer')), '403 FORBIDDEN');
    });

    test('search ignores case and accents and finds partial words in name, model and category; filters, sorting and pagination with the total', async (t) => {
      // totals and the category list are over the whole catalog: this test has a catalog of its own
      const api = await testApi(backend);
      t.after(() => api.close());
      const item = async (body: Record<string, unknown>) => {
        const r = await api.call('POST', '/api/items', { as: 'planner', body });
        assert.equal(r.statusCode, 201, r.body);
      };
      await item({ name: 'Bike Frame', description: 'steel', category: 'Frames', model: 'Roadster', variation: 'Classic' });
      await item({ name: 'Saddle' });
      await item({ name: 'Éclair Tray', category: 'Bakeware', model: 'Pâtissier' });
      await item({ name: 'Steel Frame', category: 'Frames', model: 'Roadster' });
      await item({ name: 'Alu frame', category: 'frames', model: 'Città' });
      const names = async (query: string) =>
        (json(await api.call('GET', `/api/items?${query}`, { as: 'viewer' })).items as { name: string }[]).map((i) => i.name);
      assert.deepEqual(await names('q=FRAM'), ['Alu frame', 'Bike Frame', 'Steel Frame']);
      assert.deepEqual(await names('q=eclair'), ['Éclair Tray']);
      assert.deepEqual(await names(`q=${encodeURIComponent('ÉCLAIR')}`), ['Éclair Tray']);
      assert.deepEqual(await names('q=patiss'), ['Éclair Tray'], 'the model, without its accent');
      assert.deepEqual(await names('q=citta'), ['Alu frame']);
      assert.deepEqual(await names('q=bakew'), ['Éclair Tray'], 'the category');
      assert.deepEqual(await names('q=frame%20road'), ['Bike Frame', 'Steel Frame'], 'every word must match');
      assert.deepEqual(await names('q=100%25'), [], 'LIKE wildcards are plain characters');
      assert.deepEqual(await names('category=FRAMES'), ['Alu frame', 'Bike Frame', 'Steel Frame']);
      assert.deepEqual(await names('model=roadster&q=steel'), ['Steel Frame']);
      assert.deepEqual(await names('q=frame&sort=name&direction=desc'), ['Steel Frame', 'Bike Frame', 'Alu frame']);
      assert.deepEqual(await names('q=frame&sort=createdAt&direction=desc'), ['Alu frame', 'Steel Frame', 'Bike Frame']);
      const page = json(await api.call('GET', '/api/items?q=frame&limit=2&offset=1', { as: 'viewer' }));
      assert.equal(page.total, 3);
      assert.deepEqual(
        (page.items as { name: string }[]).map((i) => i.name),
        ['Bike Frame', 'Steel Frame'],
      );
      const all = json(await api.call('GET', '/api/items?limit=1', { as: 'viewer' }));
      assert.equal(all.total, 5);
      assert.equal(all.items.length, 1);
      const past = json(await api.call('GET', '/api/items?q=frame&limit=2&offset=10', { as: 'viewer' }));
      assert.deepEqual([past.total, past.items], [3, []], 'a page past the end still says how many match');
      const none = json(await api.call('GET', '/api/items?q=nothing-like-this', { as: 'viewer' }));
      assert.deepEqual([none.total, none.items], [0, []]);
      assert.equal(all.totalCapped, false, 'five items are counted exactly');
      assert.equal(page.totalCapped, false);

      const categories = json(await api.call('GET', '/api/categories', { as: 'viewer' }));
      assert.deepEqual(categories, [
        { category: 'Bakeware', itemCount: 1 },
        { category: 'Frames', itemCount: 2 },
        { category: 'frames', itemCount: 1 },
      ]);
    });

    test('an item is changed (null clears), soft-deleted (gone from lists, name free) and restored, each audited with before and after', async () => {
      const made = await item({ name: 'Kickstand', category: 'Parts', model: 'Roadster' });
      const changed = await api.call('PATCH', `/api/items/${made.itemId}`, { as: 'planner', body: { name: 'Kick stand', model: null, description: 'alloy' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).name, 'Kick stand');
      assert.equal(json(changed).model, null);
      assert.equal(json(changed).category, 'Parts', 'a field left out stays');
      const other = await item({ name: 'Bell' });
      assert.equal(
        outcome(await api.call('PATCH', `/api/items/${other.itemId}`, { as: 'planner', body: { name: 'Kick Stand', description: 'alloy' } })),
        '409 ITEM_EXISTS',
      );

      const deleted = await api.call('DELETE', `/api/items/${made.itemId}`, { as: 'planner' });
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.match(json(deleted).deletedAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal(outcome(await api.call('DELETE', `/api/items/${made.itemId}`, { as: 'planner' })), '409 ALREADY_DELETED');
      assert.equal(outcome(await api.call('PATCH', `/api/items/${made.itemId}`, { as: 'planner', body: { name: 'x' } })), '409 ITEM_DELETED');
      const search = async (extra = '') => (json(await api.call('GET', `/api/items?q=kick${extra}`, { as: 'viewer' })).items as unknown[]).length;
      assert.equal(await search(), 0);
      assert.equal(await search('&includeDeleted=true'), 1);
      assert.equal(
        (json(await api.call('GET', '/api/categories', { as: 'viewer' })) as { category: string }[]).some((c) => c.category === 'Parts'),
        false,
      );

      const twin = await item({ name: 'Kick stand', description: 'alloy' });
      assert.equal(outcome(await api.call('POST', `/api/items/${made.itemId}/restore`, { as: 'planner' })), '409 ITEM_EXISTS', 'a live item took its name');
      await api.call('DELETE', `/api/items/${twin.itemId}`, { as: 'planner' });
      const restored = await api.call('POST', `/api/items/${made.itemId}/restore`, { as: 'planner' });
      assert.equal(restored.statusCode, 200, restored.body);
      assert.equal(json(restored).deletedAt, null);
      assert.equal(outcome(await api.call('POST', `/api/items/${made.itemId}/restore`, { as: 'planner' })), '409 NOT_DELETED');

      const trail = await audits('item', made.itemId);
      assert.deepEqual(
        trail.map((e) => e.action),
        ['restore', 'delete', 'update', 'create'],
      );
      assert.equal(trail[2]!.before.name, 'Kickstand');
      assert.equal(trail[2]!.after.name, 'Kick stand');
      assert.equal(trail[1]!.before.deletedAt, null);
      assert.notEqual(trail[1]!.after.deletedAt, null);
      assert.notEqual(trail[0]!.before.deletedAt, null);
      assert.equal(trail[0]!.after.deletedAt, null);
    });

    test('variants: created without stock, colour and size by name, one live per combination, changed, deleted only when empty, restored', async () => {
      const frame = await item({ name: 'Variant Frame' });
      const red = await variant(frame.itemId, { color: 'Red', size: 'M', unit: 'pcs', reorderThreshold: '5' });
      assert.equal(red.stock, '0.000');
      assert.equal(red.reorderThreshold, '5.000');
      assert.equal(red.item, 'Variant Frame');
      assert.equal(
        outcome(await api.call('POST', `/api/items/${frame.itemId}/variants`, { as: 'planner', body: { color: 'RED', size: 'm' } })),
        '409 VARIANT_EXISTS',
      );
      const stockGiven = await api.call('POST', `/api/items/${frame.itemId}/variants`, { as: 'planner', body: { color: 'Blue', size: 'M', stock: '10' } });
      assert.ok(fieldPaths(stockGiven).includes('body/stock'), 'stock is never set directly');
      assert.ok(
        fieldPaths(
          await api.call('POST', `/api/items/${frame.itemId}/variants`, { as: 'planner', body: { color: 'Blue', size: 'M', reorderThreshold: '-1' } }),
        ).includes('body/reorderThreshold'),
      );
      const blue = await variant(frame.itemId, { color: 'blue', size: 'L' });
      assert.equal(blue.unit, 'pcs');
      assert.equal(
        outcome(await api.call('PATCH', `/api/variants/${blue.variantId}`, { as: 'planner', body: { color: 'red', size: 'm' } })),
        '409 VARIANT_EXISTS',
      );
      assert.ok(fieldPaths(await api.call('PATCH', `/api/variants/${blue.variantId}`, { as: 'planner', body: { stock: '3' } })).includes('body/stock'));
      const changed = await api.call('PATCH', `/api/variants/${blue.variantId}`, { as: 'planner', body: { size: 'XL', reorderThreshold: '2.5' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).size, 'XL');
      assert.equal(json(changed).reorderThreshold, '2.500');
      assert.equal(json(changed).color, 'blue');

      assert.equal((await move({ variantId: red.variantId, type: 'opening', quantity: '3' })).statusCode, 201);
      assert.equal(outcome(await api.call('DELETE', `/api/variants/${red.variantId}`, { as: 'planner' })), '409 STOCK_NOT_ZERO');
      const gone = await api.call('DELETE', `/api/variants/${blue.variantId}`, { as: 'planner' });
      assert.equal(gone.statusCode, 200, gone.body);
      assert.equal(outcome(await api.call('DELETE', `/api/variants/${blue.variantId}`, { as: 'planner' })), '409 ALREADY_DELETED');
      assert.equal(outcome(await api.call('PATCH', `/api/variants/${blue.variantId}`, { as: 'planner', body: { unit: 'kg' } })), '409 VARIANT_DELETED');
      const list = async (q = '') =>
        (json(await api.call('GET', `/api/items/${frame.itemId}/variants${q}`, { as: 'viewer' })) as { variantId: number }[]).map((v) => v.variantId);
      assert.deepEqual(await list(), [red.variantId]);
      assert.deepEqual(await list('?includeDeleted=true'), [blue.variantId, red.variantId]);
      assert.equal(outcome(await api.call('POST', `/api/variants/${red.variantId}/restore`, { as: 'planner' })), '409 NOT_DELETED');
      const back = await api.call('POST', `/api/variants/${blue.variantId}/restore`, { as: 'planner' });
      assert.equal(back.statusCode, 200, back.body);
      assert.equal(json(back).deletedAt, null);
      assert.equal(json(await api.call('GET', `/api/variants/${blue.variantId}`, { as: 'viewer' })).size, 'XL');

      await api.call('DELETE', `/api/items/${frame.itemId}`, { as: 'planner' });
      assert.equal(
        outcome(await api.call('POST', `/api/items/${frame.itemId}/variants`, { as: 'planner', body: { color: 'Green', size: 'S' } })),
        '409 ITEM_DELETED',
      );
      assert.equal(outcome(await move({ variantId: red.variantId, type: 'receipt', quantity: '1' })), '409 ITEM_DELETED');
      await api.call('POST', `/api/items/${frame.itemId}/restore`, { as: 'planner' });

      const trail = await audits('item_variant', blue.variantId);
      assert.deepEqual(
        trail.map((e) => e.action),
        ['restore', 'delete', 'update', 'create'],
      );
      assert.equal(trail[2]!.before.size, 'L');
      assert.equal(trail[2]!.after.size, 'XL');
    });

    test('stock moves only through the ledger: opening once and first, receipts, issues, adjustments with a reason; never below zero; stock is the sum of the ledger', async () => {
      const saddle = await item({ name: 'Stock Saddle' });
      const v = await variant(saddle.itemId, { color: 'Black', size: 'One', unit: 'kg', reorderThreshold: '4' });
      const stock = async () => json(await api.call('GET', `/api/variants/${v.variantId}`, { as: 'viewer' })).stock as string;

      const opening = await move({ variantId: v.variantId, type: 'opening', quantity: '10.5' });
      assert.equal(opening.statusCode, 201, opening.body);
      assert.deepEqual(
        { ...json(opening), entry: { ...json(opening).entry, id: 0, createdAt: '' } },
        {
          entry: {
            id: 0,
            variantId: v.variantId,
            type: 'opening',
            quantity: '10.500',
            unit: 'kg',
            unitCost: null, // an opening typed in without a price has no cost until a receipt values it
            value: null,
            notes: null,
            createdBy: json(opening).entry.createdBy,
            createdAt: '',
          },
          stockBefore: '0.000',
          stockAfter: '10.500',
        },
      );
      assert.equal(outcome(await move({ variantId: v.variantId, type: 'opening', quantity: '1' })), '409 OPENING_NOT_FIRST');
      assert.equal(json(await move({ variantId: v.variantId, type: 'receipt', quantity: '2.25' })).stockAfter, '12.750');
      assert.equal(json(await move({ variantId: v.variantId, type: 'issue', quantity: '12.7' })).entry.quantity, '-12.700');
      assert.equal(await stock(), '0.050');

      const tooMuch = await move({ variantId: v.variantId, type: 'issue', quantity: '0.051' });
      assert.equal(outcome(tooMuch), '409 STOCK_NEGATIVE');
      assert.equal(json(tooMuch).error.details.stock, '0.050');
      assert.equal(outcome(await move({ variantId: v.variantId, type: 'adjustment', quantity: '-1', reason: 'counted' })), '409 STOCK_NEGATIVE');
      assert.equal(await stock(), '0.050', 'a refused movement changes nothing');
      const tooLarge = await move({ variantId: v.variantId, type: 'receipt', quantity: '999999999.999' });
      assert.equal(outcome(tooLarge), '409 STOCK_TOO_LARGE');
      assert.match(json(tooLarge).error.message, /^variant \d+ \(.+\) would hold 1000000000\.049: more than stock can record/);
      assert.equal(await stock(), '0.050', 'stock past what MTC records changes nothing');

      const noReason = await move({ variantId: v.variantId, type: 'adjustment', quantity: '2' });
      assert.equal(outcome(noReason), '400 INVALID_INPUT');
      assert.deepEqual(fieldPaths(noReason), ['body/reason']);
      assert.deepEqual(fieldPaths(await move({ variantId: v.variantId, type: 'adjustment', quantity: '2', reason: '   ' })), ['body/reason']);
      assert.deepEqual(fieldPaths(await move({ variantId: v.variantId, type: 'receipt', quantity: '-2' })), ['body/quantity']);
      assert.deepEqual(fieldPaths(await move({ variantId: v.variantId, type: 'issue', quantity: '0' })), ['body/quantity']);
      assert.deepEqual(fieldPaths(await move({ variantId: v.variantId, type: 'adjustment', quantity: '0.000', reason: 'x' })), ['body/quantity']);
      assert.ok(fieldPaths(await move({ variantId: v.variantId, type: 'receipt', quantity: '1.2345' })).includes('body/quantity'));
      assert.ok(fieldPaths(await move({ variantId: v.variantId, type: 'receipt', quantity: '1e3' })).includes('body/quantity'));
      assert.ok(fieldPaths(await move({ variantId: v.variantId, type: 'production', quantity: '1' })).includes('body/type'));

      const adjusted = await move({ variantId: v.variantId, type: 'adjustment', quantity: '3.95', reason: 'found a box' });
      assert.equal(adjusted.statusCode, 201, adjusted.body);
      assert.equal(json(adjusted).entry.notes, 'found a box');
      assert.equal(await stock(), '4.000');

      const ledger = json(await api.call('GET', `/api/variants/${v.variantId}/ledger`, { as: 'viewer' }));
      assert.equal(ledger.total, 4);
      assert.deepEqual(
        (ledger.entries as { type: string }[]).map((e) => e.type),
        ['adjustment', 'issue', 'receipt', 'opening'],
        'newest first',
      );
      const sum = await api.db.query<{ same: boolean }>(
        'SELECT v.stock = (SELECT sum(quantity) FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS same FROM public.item_variant v WHERE v.variant_id = $1',
        [v.variantId],
      );
      assert.equal(sum.rows[0]!.same, true);
      const page = json(await api.call('GET', `/api/variants/${v.variantId}/ledger?limit=2&offset=2`, { as: 'viewer' }));
      assert.equal(page.total, 4);
      assert.deepEqual(
        (page.entries as { type: string }[]).map((e) => e.type),
        ['receipt', 'opening'],
      );

      const trail = await audits('stock_movement', json(adjusted).entry.id);
      assert.equal(trail.length, 1);
      assert.deepEqual(trail[0]!.before, { variantId: v.variantId, stock: '0.050' });
      assert.equal(trail[0]!.after.stock, '4.000');
      assert.equal(trail[0]!.after.notes, 'found a box');
      assert.equal(trail[0]!.via, 'http');

      // The same function, called as the CLI would (no user at hand), records its one event too.
      const byHand = await recordMovement(api.db, { variantId: v.variantId, type: 'receipt', quantity: '1' }, { userId: null, via: 'cli' });
      const handTrail = await audits('stock_movement', byHand!.entry.id);
      assert.equal(handTrail.length, 1);
      assert.deepEqual(
        { userId: handTrail[0]!.userId, via: handTrail[0]!.via, stock: handTrail[0]!.after.stock },
        { userId: null, via: 'cli', stock: '5.000' },
      );
    });

    test('search takes %, _ and \\ as plain characters: each finds only the names that hold it, in q, category and model alike', async () => {
      await item({ name: '100% Cotton Tee' });
      await item({ name: 'Snake_case Hanger' });
      await item({ name: 'Back\\slash Hook' });
      await item({ name: 'Odd Clip', category: '%', model: '_' });
      const found = async (query: string) => {
        const r = json(await api.call('GET', `/api/items?${query}`, { as: 'viewer' }));
        assert.equal(r.total, r.items.length, query);
        return (r.items as { name: string }[]).map((i) => i.name);
      };
      assert.ok((await found('limit=500')).length > 3);
      assert.deepEqual(await found('q=%25'), ['100% Cotton Tee', 'Odd Clip'], 'a % is a percent sign (the clip’s category is "%"), not "anything"');
      assert.deepEqual(await found('q=_'), ['Odd Clip', 'Snake_case Hanger'], 'an _ is an underscore (the clip’s model is "_"), not "any one character"');
      assert.deepEqual(await found('q=%5C'), ['Back\\slash Hook'], 'a backslash escapes nothing');
      assert.deepEqual(await found('q=0%25%20cot'), ['100% Cotton Tee']);
      assert.deepEqual(await found('q=%25_'), [], 'no name holds "%_"');
      assert.deepEqual(await found(`q=${encodeURIComponent("' OR '1'='1")}`), []);
      assert.deepEqual(await found('category=%25'), ['Odd Clip'], 'a category filter matches the category whole');
      assert.deepEqual(await found('category=%25%25'), []);
      assert.deepEqual(await found('model=_'), ['Odd Clip']);
      assert.deepEqual(await found('model=__'), []);
    });

    test('stock movements at once on one variant, together more than its stock: as many as the stock covers pass, the rest are 409 STOCK_NEGATIVE, and stock stays the sum of its ledger', async () => {
      // On a server the requests overlap on a pool of connections; PGlite serves them one at a time. The outcome must be the same.
      const bolt = await item({ name: 'Race Bolt' });
      const v = await variant(bolt.itemId, { color: 'Zinc', size: 'M8' });
      const ledgerSum = async () =>
        (
          await api.db.query<{ stock: string; sum: string | null }>(
            'SELECT v.stock::text AS stock, (SELECT sum(quantity)::numeric(12,3)::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS sum FROM public.item_variant v WHERE v.variant_id = $1',
            [v.variantId],
          )
        ).rows[0]!;

      // (a statement that waited for the variant's lock once read the ledger as it was before: several openings passed)
      const openings = await Promise.all(Array.from({ length: 10 }, () => move({ variantId: v.variantId, type: 'opening', quantity: '10' })));
      assert.deepEqual(
        openings.map(outcome).sort(),
        ['201', ...Array.from({ length: 9 }, () => '409 OPENING_NOT_FIRST')],
        'one opening balance, however many race',
      );

      const issues = await Promise.all(Array.from({ length: 20 }, () => move({ variantId: v.variantId, type: 'issue', quantity: '3' })));
      const passed = issues.filter((r) => r.statusCode === 201);
      assert.equal(passed.length, 3, issues.map(outcome).join(', '));
      assert.ok(
        issues.every((r) => r.statusCode === 201 || outcome(r) === '409 STOCK_NEGATIVE'),
        issues.map(outcome).join(', '),
      );
      const steps = passed.map((r) => json(r)).sort((a, b) => Number(b.stockBefore) - Number(a.stockBefore));
      assert.deepEqual(
        steps.map((m) => `${m.stockBefore} → ${m.stockAfter}`),
        ['10.000 → 7.000', '7.000 → 4.000', '4.000 → 1.000'],
        'each saw the stock the one before left',
      );
      assert.deepEqual(await ledgerSum(), { stock: '1.000', sum: '1.000' });

      // Receipts, issues and signed adjustments interleaved: whatever the order, no step goes below zero.
      const mixed = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 3 === 0
            ? move({ variantId: v.variantId, type: 'receipt', quantity: '1' })
            : i % 3 === 1
              ? move({ variantId: v.variantId, type: 'issue', quantity: '1' })
              : move({ variantId: v.variantId, type: 'adjustment', quantity: '-1', reason: 'race' }),
        ),
      );
      assert.ok(
        mixed.every((r) => r.statusCode === 201 || outcome(r) === '409 STOCK_NEGATIVE'),
        mixed.map(outcome).join(', '),
      );
      const taken = mixed.filter((r, i) => r.statusCode === 201 && i % 3 !== 0).length;
      const received = mixed.filter((r, i) => r.statusCode === 201 && i % 3 === 0).length;
      assert.equal(received, 10, 'a receipt is never refused');
      assert.ok(taken <= 11, `${taken} taken out of 1 + 10 received`);
      const { stock, sum } = await ledgerSum();
      assert.equal(stock, sum);
      assert.equal(Number(stock), 11 - taken);
      assert.ok(mixed.filter((r) => r.statusCode === 201).every((r) => Number(json(r).stockAfter) >= 0));
      const ledger = json(await api.call('GET', `/api/variants/${v.variantId}/ledger?limit=500`, { as: 'viewer' }));
      assert.equal(ledger.total, 1 + 3 + received + taken, 'a refused movement leaves no ledger row');
    });

    test('a ledger row keeps its variant’s unit whole, even a unit of 20 characters outside the Basic Multilingual Plane', async () => {
      const unit = `a${'𝔘'.repeat(19)}`;
      const tape = await item({ name: 'Astral Tape' });
      const v = await variant(tape.itemId, { color: 'Clear', size: '19mm', unit });
      assert.equal(v.unit, unit);
      const opened = await move({ variantId: v.variantId, type: 'opening', quantity: '2' });
      assert.equal(opened.statusCode, 201, opened.body);
      assert.equal(json(opened).entry.unit, unit);
      assert.equal(json(await api.call('GET', `/api/variants/${v.variantId}/ledger`, { as: 'viewer' })).entries[0].unit, unit);
    });

    test('an empty category, model or variation is refused naming the field, never taken as null (null clears)', async () => {
      const made = await item({ name: 'Empty Fields', category: 'Empties', model: 'Emptyster', variation: 'Plain' });
      const uniquePaths = (r: { body: string }) => [...new Set(fieldPaths(r))];
      for (const field of ['category', 'model', 'variation']) {
        assert.deepEqual(uniquePaths(await api.call('PATCH', `/api/items/${made.itemId}`, { as: 'planner', body: { [field]: '' } })), [`body/${field}`]);
        assert.deepEqual(uniquePaths(await api.call('POST', '/api/items', { as: 'planner', body: { name: 'Empty Twin', [field]: '' } })), [`body/${field}`]);
      }
      assert.deepEqual(json(await api.call('GET', `/api/items/${made.itemId}`, { as: 'viewer' })), made, 'nothing cleared');
      const cleared = json(await api.call('PATCH', `/api/items/${made.itemId}`, { as: 'planner', body: { category: null, description: '' } }));
      assert.deepEqual([cleared.category, cleared.description], [null, ''], 'null clears; an empty description is empty text');
    });

    test('every route is in the OpenAPI document with its summary and tag', async () => {
      const doc = json(await api.call('GET', '/api/docs/json'));
      for (const path of [
        '/api/items',
        '/api/items/{id}',
        '/api/items/{id}/restore',
        '/api/items/{id}/variants',
        '/api/categories',
        '/api/variants/{id}',
        '/api/variants/{id}/restore',
        '/api/variants/{id}/ledger',
        '/api/stock/movements',
        '/api/stock/low',
      ]) {
        const ops = Object.values(doc.paths[path] ?? {}) as { summary?: string; tags?: string[] }[];
        assert.ok(ops.length > 0 && ops.every((o) => o.summary && o.tags?.length), path);
      }
    });

    test('the low-stock list: live variants of live items at or below their threshold (a threshold of 0 is none), furthest below first', async () => {
      const chain = await item({ name: 'Low Chain' });
      const short = await variant(chain.itemId, { color: 'Silver', size: '110', reorderThreshold: '10' });
      const enough = await variant(chain.itemId, { color: 'Silver', size: '120', reorderThreshold: '1' });
      const edge = await variant(chain.itemId, { color: 'Gold', size: '110', reorderThreshold: '2' });
      await variant(chain.itemId, { color: 'Gold', size: '120' }); // no threshold, no stock: nothing to reorder
      await move({ variantId: short.variantId, type: 'opening', quantity: '3' });
      await move({ variantId: enough.variantId, type: 'opening', quantity: '5' });
      await move({ variantId: edge.variantId, type: 'opening', quantity: '2' });
      const low = async () => {
        const r = json(await api.call('GET', '/api/stock/low?limit=500', { as: 'viewer' }));
        return {
          total: r.total as number,
          ids: (r.variants as { variantId: number; itemId: number }[]).filter((x) => x.itemId === chain.itemId).map((x) => x.variantId),
        };
      };
      assert.deepEqual((await low()).ids, [short.variantId, edge.variantId]);
      const before = (await low()).total;
      const paged = json(await api.call('GET', '/api/stock/low?limit=1', { as: 'viewer' }));
      assert.equal(paged.total, before, 'a full page counts the rest');
      assert.equal(paged.totalCapped, false);
      assert.equal(paged.variants.length, 1);
      await api.call('DELETE', `/api/items/${chain.itemId}`, { as: 'planner' });
      assert.deepEqual(await low(), { total: before - 2, ids: [] }, 'a deleted item’s variants are not reordered');
    });
  });
}
