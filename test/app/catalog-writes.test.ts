// Every write of the catalog (items, variants, suppliers, rates) and of access (API tokens,
// sessions, logging in and out) is one app function that owns its transaction and records its
// own audit event, whoever calls it: here the command line and the demo seed, not the API
// (test/http/audited-writes.test.ts is the API's side). A refused write leaves nothing: no row
// and no event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, createUser, deactivateUser, listSessions, revokeApiToken, revokeSession } from '../../src/app/access/accounts.ts';
import { logIn, logOut } from '../../src/app/access/login.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import type { Actor } from '../../src/app/audit/actor.ts';
import { seedDemo } from '../../src/app/demo/seed.ts';
import { createItem, deleteItem, restoreItem, updateItem } from '../../src/app/items/items.ts';
import { recordMovement } from '../../src/app/items/stock.ts';
import { createVariant, deleteVariant, restoreVariant, updateVariant } from '../../src/app/items/variants.ts';
import { createRate, deactivateRate, updateRate } from '../../src/app/suppliers/rates.ts';
import { createSupplier, deleteSupplier, updateSupplier } from '../../src/app/suppliers/suppliers.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';

interface Event {
  action: string;
  entity: string;
  entityId: string | null;
  userId: number | null;
  via: string;
  before: any;
  after: any;
}

/** The audit events after `sinceId`, oldest first. */
async function eventsAfter(db: Database, sinceId: number): Promise<Event[]> {
  return (
    await db.query<Event>(
      `SELECT action, entity, entity_id AS "entityId", user_id AS "userId", via, before, after FROM public.audit_events WHERE id > $1 ORDER BY id`,
      [sinceId],
    )
  ).rows;
}

async function lastEventId(db: Database): Promise<number> {
  return Number((await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM public.audit_events')).rows[0]?.id ?? 0);
}

/** Rows of each table a catalog or access write touches, and the audit events: what a refused write must leave as it was. */
async function counts(db: Database): Promise<Record<string, number>> {
  const tables = [
    'item_master',
    'item_variant',
    'color_master',
    'size_master',
    'model_master',
    'suppliers',
    'variant_supplier_pricing',
    'api_tokens',
    'user_sessions',
    'audit_events',
  ];
  const r = await db.query<Record<string, string>>(`SELECT ${tables.map((t) => `(SELECT count(*) FROM public.${t})::text AS ${t}`).join(', ')}`);
  return Object.fromEntries(tables.map((t) => [t, Number(r.rows[0]![t])]));
}

/** Runs `write`, expects it refused with `code`, and that it changed no count (no row, no event). */
async function refusedLeavesNothing(db: Database, code: string, write: () => Promise<unknown>): Promise<void> {
  const before = await counts(db);
  assert.ok((before.audit_events ?? 0) > 0, 'the trail has events, so an unchanged count means something');
  await assert.rejects(write(), (err: { code?: string }) => err.code === code, `refused with ${code}`);
  assert.deepEqual(await counts(db), before, `${code} left nothing behind`);
}

for (const backend of backends) {
  describe(`catalog and access writes audit themselves, whoever calls them, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('items and variants written from the command line: each change one event, via cli, with the values before and after', async () => {
      const since = await lastEventId(db);
      const item = await createItem(db, { name: 'Chain Guard', category: 'Components', model: 'Comet' }, CLI_ACTOR);
      const changed = await updateItem(db, item.itemId, { description: 'steel' }, CLI_ACTOR);
      const variant = await createVariant(db, item.itemId, { color: 'Black', size: 'General' }, CLI_ACTOR);
      assert.ok(changed && variant);
      const threshold = await updateVariant(db, variant.variantId, { reorderThreshold: '4' }, CLI_ACTOR);
      await deleteVariant(db, variant.variantId, CLI_ACTOR);
      await restoreVariant(db, variant.variantId, CLI_ACTOR);
      await deleteItem(db, item.itemId, CLI_ACTOR);
      const restored = await restoreItem(db, item.itemId, CLI_ACTOR);
      const events = await eventsAfter(db, since);
      assert.deepEqual(
        events.map((e) => [e.action, e.entity, Number(e.entityId), e.userId, e.via]),
        [
          ['create', 'item', item.itemId, null, 'cli'],
          ['update', 'item', item.itemId, null, 'cli'],
          ['create', 'item_variant', variant.variantId, null, 'cli'],
          ['update', 'item_variant', variant.variantId, null, 'cli'],
          ['delete', 'item_variant', variant.variantId, null, 'cli'],
          ['restore', 'item_variant', variant.variantId, null, 'cli'],
          ['delete', 'item', item.itemId, null, 'cli'],
          ['restore', 'item', item.itemId, null, 'cli'],
        ],
      );
      assert.deepEqual([events[0]!.before, events[0]!.after], [null, item]);
      assert.deepEqual([events[1]!.before.description, events[1]!.after], [null, changed]);
      assert.deepEqual([events[3]!.before.reorderThreshold, events[3]!.after], ['0.000', threshold]);
      assert.deepEqual([events[6]!.before.deletedAt, typeof events[6]!.after.deletedAt], [null, 'string']);
      assert.deepEqual([typeof events[7]!.before.deletedAt, events[7]!.after], ['string', restored]);
    });

    test('a refused item or variant write leaves no row, no master and no event', async () => {
      const item = await createItem(db, { name: 'Bell' }, CLI_ACTOR);
      const variant = (await createVariant(db, item.itemId, { color: 'Red', size: 'General' }, CLI_ACTOR))!;
      await refusedLeavesNothing(db, 'ITEM_EXISTS', () => createItem(db, { name: 'BELL' }, CLI_ACTOR));
      await refusedLeavesNothing(db, 'VARIANT_EXISTS', () => createVariant(db, item.itemId, { color: 'RED', size: 'general' }, CLI_ACTOR));
      await refusedLeavesNothing(db, 'VARIANT_EXISTS', () => createVariant(db, item.itemId, { color: 'red', size: 'General', unit: 'kg' }, CLI_ACTOR));
      await recordMovement(db, { variantId: variant.variantId, type: 'opening', quantity: '3' }, CLI_ACTOR);
      await refusedLeavesNothing(db, 'STOCK_NOT_ZERO', () => deleteVariant(db, variant.variantId, CLI_ACTOR));
      await refusedLeavesNothing(db, 'NOT_DELETED', () => restoreItem(db, item.itemId, CLI_ACTOR));
      const other = await createItem(db, { name: 'Horn', model: 'Tooter' }, CLI_ACTOR);
      await refusedLeavesNothing(db, 'ITEM_EXISTS', () => updateItem(db, other.itemId, { name: 'Bell', model: null }, CLI_ACTOR));
      await refusedLeavesNothing(db, 'ITEM_EXISTS', () => createItem(db, { name: 'horn', model: 'tooter' }, CLI_ACTOR));
      await deleteItem(db, other.itemId, CLI_ACTOR);
      await refusedLeavesNothing(db, 'ITEM_DELETED', () => createVariant(db, other.itemId, { color: 'Never Made', size: 'Nor This' }, CLI_ACTOR));
      assert.equal(await updateItem(db, 999_999, { name: 'Nothing' }, CLI_ACTOR), null, 'no such item: null, and nothing recorded');
    });

    test('suppliers and rates written from the command line are audited via cli; refused ones leave nothing', async () => {
      const since = await lastEventId(db);
      const item = await createItem(db, { name: 'Tyre' }, CLI_ACTOR);
      const variant = (await createVariant(db, item.itemId, { color: 'Black', size: '26 inch' }, CLI_ACTOR))!;
      const supplier = await createSupplier(db, { firmName: 'Rubber Co' }, CLI_ACTOR);
      const renamed = await updateSupplier(db, supplier.supplierId, { phone: '+91 22 1234' }, CLI_ACTOR);
      const terms = { currency: 'INR', minimumOrderQuantity: '1', effectiveTo: null, isActive: true };
      const rate = await createRate(
        db,
        { supplierId: supplier.supplierId, variantId: variant.variantId, costPerUnit: '120.00', effectiveFrom: '2026-01-01', ...terms },
        CLI_ACTOR,
      );
      const dearer = await updateRate(db, rate.rateId, { costPerUnit: '125.50' }, CLI_ACTOR);
      const off = await deactivateRate(db, rate.rateId, CLI_ACTOR);
      assert.deepEqual(await deactivateRate(db, rate.rateId, CLI_ACTOR), off, 'deactivated already: unchanged, updatedAt too');
      const gone = await createSupplier(db, { firmName: 'Short Lived' }, CLI_ACTOR);
      await deleteSupplier(db, gone.supplierId, CLI_ACTOR);
      const events = (await eventsAfter(db, since)).filter((e) => e.entity === 'supplier' || e.entity === 'supplier_rate');
      assert.deepEqual(
        events.map((e) => [e.action, e.entity, Number(e.entityId), e.via]),
        [
          ['create', 'supplier', supplier.supplierId, 'cli'],
          ['update', 'supplier', supplier.supplierId, 'cli'],
          ['create', 'supplier_rate', rate.rateId, 'cli'],
          ['update', 'supplier_rate', rate.rateId, 'cli'],
          ['update', 'supplier_rate', rate.rateId, 'cli'],
          ['create', 'supplier', gone.supplierId, 'cli'],
          ['delete', 'supplier', gone.supplierId, 'cli'],
        ],
        'deactivating an inactive rate changes nothing and records nothing',
      );
      assert.deepEqual([events[1]!.before.phone, events[1]!.after], [null, renamed]);
      assert.deepEqual([events[3]!.before.costPerUnit, events[3]!.after], ['120.00', dearer]);
      assert.deepEqual([events[4]!.before.isActive, events[4]!.after], [true, off]);
      assert.deepEqual([events[6]!.before, events[6]!.after], [gone, null]);

      await refusedLeavesNothing(db, 'SUPPLIER_NAME_TAKEN', () => createSupplier(db, { firmName: 'RUBBER CO' }, CLI_ACTOR));
      await createRate(
        db,
        { supplierId: supplier.supplierId, variantId: variant.variantId, costPerUnit: '130.00', effectiveFrom: '2026-06-01', ...terms },
        CLI_ACTOR,
      );
      await refusedLeavesNothing(db, 'RATE_OVERLAP', () =>
        createRate(
          db,
          { supplierId: supplier.supplierId, variantId: variant.variantId, costPerUnit: '1.00', effectiveFrom: '2026-07-01', ...terms },
          CLI_ACTOR,
        ),
      );
      await refusedLeavesNothing(db, 'RATE_OVERLAP', () =>
        updateRate(db, rate.rateId, { isActive: true, effectiveTo: null, effectiveFrom: '2026-05-01' }, CLI_ACTOR),
      );
      await refusedLeavesNothing(db, 'INVALID_PERIOD', () =>
        createRate(
          db,
          {
            supplierId: supplier.supplierId,
            variantId: variant.variantId,
            costPerUnit: '1.00',
            effectiveFrom: '2027-01-01',
            ...terms,
            effectiveTo: '2026-01-01',
          },
          CLI_ACTOR,
        ),
      );
      await refusedLeavesNothing(db, 'SUPPLIER_HAS_RATES', () => deleteSupplier(db, supplier.supplierId, CLI_ACTOR));
      await refusedLeavesNothing(db, 'NOT_FOUND', () => updateSupplier(db, 999_999, { phone: null }, CLI_ACTOR));
    });

    test('API tokens, sessions, logging in and out are audited as the actor; a refused one leaves nothing', async () => {
      const user = await createUser(db, { name: 'Tess', email: 'tess@example.com', role: 'planner', password: 'a long enough secret' }, CLI_ACTOR);
      const as: Actor = { userId: user.userId, via: 'http', requestId: 'req-1' };
      const since = await lastEventId(db);
      const token = await createApiToken(db, user.userId, 'scripts', CLI_ACTOR);
      assert.equal(await revokeApiToken(db, user.userId, token.id, as), true);
      assert.equal(await revokeApiToken(db, user.userId, token.id, as), false, 'revoked already: false, and no second event');
      const failed = await logIn(db, { email: 'TESS@example.com', password: 'wrong password!', address: '127.0.0.1' }, { via: 'http', requestId: 'req-2' });
      assert.deepEqual(failed, { ok: false });
      const ok = await logIn(db, { email: 'tess@example.com', password: 'a long enough secret', address: '127.0.0.1' }, { via: 'http', requestId: 'req-3' });
      assert.ok(ok.ok);
      const [session] = await listSessions(db, { userId: user.userId });
      assert.ok(session);
      assert.deepEqual(await revokeSession(db, session.id, CLI_ACTOR), session);
      assert.equal(await revokeSession(db, session.id, CLI_ACTOR), null, 'ended already: null, and no second event');
      await logOut(db, undefined, as);
      const events = await eventsAfter(db, since);
      assert.deepEqual(
        events.map((e) => [e.action, e.entity, e.userId, e.via]),
        [
          ['create', 'api_token', null, 'cli'],
          ['delete', 'api_token', user.userId, 'http'],
          ['login_failed', 'session', user.userId, 'http'],
          ['login', 'session', user.userId, 'http'],
          ['delete', 'session', null, 'cli'],
          ['logout', 'session', user.userId, 'http'],
        ],
      );
      assert.deepEqual(events[0]!.after, { name: 'scripts', prefix: token.prefix });
      assert.deepEqual(events[1]!.before, { name: 'scripts', prefix: token.prefix });
      assert.deepEqual(events[2]!.after, { email: 'tess@example.com', ip: '127.0.0.1' });
      assert.equal(events[4]!.before.id, session.id);
      assert.doesNotMatch(JSON.stringify(events), new RegExp(`${token.token}|a long enough secret|wrong password`), 'no secret in the trail');

      await deactivateUser(db, user.userId);
      await refusedLeavesNothing(db, 'ACCOUNT_DEACTIVATED', () => createApiToken(db, user.userId, 'too late', CLI_ACTOR));
    });

    test('the demo seed makes its items, variants, suppliers and rates through the same functions: one event each, via seed', async () => {
      const fresh = await backend.create({ migrated: true });
      const seeded = await fresh.open();
      try {
        const summary = await seedDemo(seeded);
        const byEntity = (
          await seeded.query<{ entity: string; action: string; via: string; n: number }>(
            'SELECT entity, action, via, count(*)::int AS n FROM public.audit_events WHERE user_id IS NULL GROUP BY 1, 2, 3 ORDER BY 1',
          )
        ).rows.filter((r) => ['item', 'item_variant', 'supplier', 'supplier_rate'].includes(r.entity));
        assert.deepEqual(byEntity, [
          { entity: 'item', action: 'create', via: 'seed', n: summary.counts.item_master },
          { entity: 'item_variant', action: 'create', via: 'seed', n: summary.counts.item_variant },
          { entity: 'supplier', action: 'create', via: 'seed', n: summary.counts.suppliers },
          { entity: 'supplier_rate', action: 'create', via: 'seed', n: summary.counts.variant_supplier_pricing },
        ]);
        assert.ok(summary.counts.item_variant >= 100 && summary.counts.variant_supplier_pricing >= summary.counts.item_variant);
      } finally {
        await seeded.close();
        await fresh.drop();
      }
    });
  });
}
