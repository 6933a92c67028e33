// The API's side of the catalog and access writes: each route calls the one app function that
// writes and audits (test/app/catalog-writes.test.ts is the command line's and the seed's
// side), so every change is in the trail as the caller's, via http, with the request's id and
// the values before and after; a refused write leaves no row and no event. The route files of
// these areas assemble no audit event, open no transaction and hold no SQL. GET /api/roles
// serves the role table.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { PERMISSIONS, ROLE_DESCRIPTIONS, ROLES } from '../../src/app/access/roles.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

/** The route files of the catalog and access areas. */
const ROUTE_FILES = ['items.ts', 'suppliers.ts', 'users.ts', 'sessions.ts', 'access.ts'];

/** What a route file may not do itself: assemble an audit event, open a transaction, send SQL. */
const BELOW_THE_APP = [/\brecordAudit\b/, /\bauditAs\b/, /\.transaction\(/, /\.query\(/, /\.exec\(/, /\bpublic\.[a-z_]+/];

test('the catalog and access route files call app functions and nothing below them', async () => {
  const found: string[] = [];
  for (const file of ROUTE_FILES) {
    const text = await readFile(new URL(`../../src/http/routes/${file}`, import.meta.url), 'utf8');
    assert.match(text, /FastifyPluginAsyncTypebox/, `${file} is a route file`);
    for (const re of BELOW_THE_APP) if (re.test(text)) found.push(`${file}: ${re.source}`);
  }
  assert.deepEqual(found, []);
  // the patterns find what they are for
  const route = "await db.transaction(async (tx) => { await recordAudit(tx, {}); await tx.query('SELECT 1 FROM public.users') })";
  assert.equal(BELOW_THE_APP.filter((re) => re.test(route)).length, 4);
});

for (const backend of backends) {
  describe(`catalog and access writes over HTTP are the caller's, in the trail, on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    const userIdOf = async (role: string) =>
      (await api.db.query<{ id: number }>('SELECT user_id AS id FROM public.users WHERE email = $1', [`${role}@example.com`])).rows[0]!.id;
    /** The one audit event a request made, as stored. */
    const eventOf = async (requestId: string) => {
      const events = (
        await api.db.query<{ action: string; entity: string; entityId: string; userId: number; via: string; before: any; after: any }>(
          `SELECT action, entity, entity_id AS "entityId", user_id AS "userId", via, before, after FROM public.audit_events WHERE request_id = $1`,
          [requestId],
        )
      ).rows;
      assert.equal(events.length, 1, `request ${requestId}: one event`);
      return events[0]!;
    };
    const rowsAndEvents = async () =>
      (
        await api.db.query<{ n: string }>(
          `SELECT concat_ws(' ', (SELECT count(*) FROM public.item_master), (SELECT count(*) FROM public.item_variant), (SELECT count(*) FROM public.suppliers),
                  (SELECT count(*) FROM public.variant_supplier_pricing), (SELECT count(*) FROM public.audit_events)) AS n`,
        )
      ).rows[0]!.n;

    test('each write is recorded as the caller, via http, with the request id and the values before and after', async () => {
      const planner = await userIdOf('planner');
      const call = async (method: string, url: string, body?: unknown) => {
        const r = await api.call(method, url, { as: 'planner', body });
        assert.ok(r.statusCode < 300, `${method} ${url}: ${r.body}`);
        return { body: r.statusCode === 204 ? null : json(r), requestId: String(r.headers['x-request-id']) };
      };
      const checks: [string, number, string, Awaited<ReturnType<typeof call>>, (e: { before: any; after: any }) => void][] = [];
      const item = await call('POST', '/api/items', { name: 'Pump', model: 'Mini' });
      checks.push(['item', item.body!.itemId, 'create', item, (e) => assert.deepEqual([e.before, e.after], [null, item.body])]);
      const changed = await call('PATCH', `/api/items/${item.body!.itemId}`, { category: 'Tools' });
      checks.push(['item', item.body!.itemId, 'update', changed, (e) => assert.deepEqual([e.before.category, e.after], [null, changed.body])]);
      const variant = await call('POST', `/api/items/${item.body!.itemId}/variants`, { color: 'Silver', size: 'General' });
      checks.push(['item_variant', variant.body!.variantId, 'create', variant, (e) => assert.deepEqual(e.after, variant.body)]);
      const supplier = await call('POST', '/api/suppliers', { firmName: 'Pump House' });
      checks.push(['supplier', supplier.body!.supplierId, 'create', supplier, (e) => assert.deepEqual(e.after, supplier.body)]);
      const rate = await call('POST', '/api/rates', {
        supplierId: supplier.body!.supplierId,
        variantId: variant.body!.variantId,
        costPerUnit: '350.00',
        currency: 'INR',
        effectiveFrom: '2026-01-01',
      });
      checks.push(['supplier_rate', rate.body!.rateId, 'create', rate, (e) => assert.deepEqual(e.after, rate.body)]);
      const off = await call('POST', `/api/rates/${rate.body!.rateId}/deactivate`);
      checks.push(['supplier_rate', rate.body!.rateId, 'update', off, (e) => assert.deepEqual([e.before.isActive, e.after], [true, off.body])]);
      const deleted = await call('DELETE', `/api/items/${item.body!.itemId}`);
      checks.push(['item', item.body!.itemId, 'delete', deleted, (e) => assert.deepEqual([e.before, e.after], [changed.body, deleted.body])]);
      const token = await call('POST', '/api/tokens', { name: 'pump script' });
      checks.push(['api_token', token.body!.id, 'create', token, (e) => assert.deepEqual(e.after, { name: 'pump script', prefix: token.body!.prefix })]);
      const revoked = await call('DELETE', `/api/tokens/${token.body!.id}`);
      checks.push(['api_token', token.body!.id, 'delete', revoked, (e) => assert.deepEqual(e.before, { name: 'pump script', prefix: token.body!.prefix })]);
      assert.equal(checks.length, 9);
      for (const [entity, id, action, response, values] of checks) {
        const e = await eventOf(response.requestId);
        assert.deepEqual([e.action, e.entity, e.entityId, e.userId, e.via], [action, entity, String(id), planner, 'http'], `${action} ${entity} ${id}`);
        values(e);
      }
    });

    test('a refused write over HTTP (409, 404) leaves no row and no event', async () => {
      const supplier = json(await api.call('POST', '/api/suppliers', { as: 'planner', body: { firmName: 'Only Once' } }));
      const item = json(await api.call('POST', '/api/items', { as: 'planner', body: { name: 'Only Once' } }));
      const rows = await rowsAndEvents();
      const refused = [
        await api.call('POST', '/api/suppliers', { as: 'planner', body: { firmName: 'ONLY ONCE' } }),
        await api.call('POST', '/api/items', { as: 'planner', body: { name: 'only once' } }),
        await api.call('POST', `/api/items/${item.itemId}/restore`, { as: 'planner' }),
        await api.call('POST', '/api/rates', {
          as: 'planner',
          body: { supplierId: supplier.supplierId, variantId: 999_999, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2026-01-01' },
        }),
        await api.call('PATCH', '/api/items/999999', { as: 'planner', body: { name: 'Nothing' } }),
        await api.call('DELETE', '/api/sessions/999999', { as: 'admin' }),
        await api.call('DELETE', '/api/tokens/999999', { as: 'planner' }),
      ];
      assert.deepEqual(
        refused.map((r) => `${r.statusCode} ${json(r).error.code}`),
        ['409 SUPPLIER_NAME_TAKEN', '409 ITEM_EXISTS', '409 NOT_DELETED', '404 NOT_FOUND', '404 NOT_FOUND', '404 NOT_FOUND', '404 NOT_FOUND'],
      );
      assert.equal(await rowsAndEvents(), rows);
    });

    test('GET /api/roles: every role in the table’s order, with its description and permissions, to anyone signed in', async () => {
      const r = await api.call('GET', '/api/roles', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const roles = json(r) as unknown as { role: string; description: string; permissions: string[] }[];
      assert.deepEqual(
        roles.map((x) => x.role),
        [...ROLES],
      );
      for (const x of roles) {
        assert.equal(x.description, ROLE_DESCRIPTIONS[x.role as (typeof ROLES)[number]]);
        assert.deepEqual(
          x.permissions,
          Object.entries(PERMISSIONS)
            .filter(([, allowed]) => (allowed as readonly string[]).includes(x.role))
            .map(([p]) => p),
        );
      }
      // what the table says, seen through it: the admin may manage users, a viewer may not write the catalog
      const of = (role: string) => roles.find((x) => x.role === role)!.permissions;
      assert.ok(of('admin').includes('users.manage') && !of('viewer').includes('catalog.write') && of('operator').includes('stock.write'));
      assert.equal((await api.call('GET', '/api/roles')).statusCode, 401, 'not to anonymous callers');
    });
  });
}
