// A list's total is counted up to COUNT_CAP: beyond it the list says so (totalCapped) instead
// of counting a million rows for every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import type { Database } from '../../src/db/types.ts';
import { listAudit } from '../../src/app/audit/audit.ts';
import { COUNT_CAP } from '../../src/app/paging.ts';

for (const backend of backends) {
  describe(`list totals on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
      // COUNT_CAP + 5 events of items, 30 of lots.
      await db.exec(`INSERT INTO public.audit_events (action, entity, entity_id, via)
        SELECT 'update', CASE WHEN g <= 30 THEN 'production_lot' ELSE 'item' END, g::text, 'cli' FROM generate_series(1, ${COUNT_CAP + 35}) g`);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test(`more than ${COUNT_CAP.toLocaleString('en')} matches: total is the cap and totalCapped says so`, async () => {
      const r = await listAudit(db, { entity: 'item', limit: 10, offset: 0 });
      assert.deepEqual([r.total, r.totalCapped, r.events.length], [COUNT_CAP, true, 10]);
      assert.equal(r.events[0]!.entityId, String(COUNT_CAP + 35), 'newest first');
    });

    test('fewer are counted exactly, on a full page, a short one and one past the end', async () => {
      const full = await listAudit(db, { entity: 'production_lot', limit: 10, offset: 10 });
      assert.deepEqual([full.total, full.totalCapped, full.events.length], [30, false, 10]);
      const short = await listAudit(db, { entity: 'production_lot', limit: 25, offset: 25 });
      assert.deepEqual([short.total, short.totalCapped, short.events.length], [30, false, 5]);
      const past = await listAudit(db, { entity: 'production_lot', limit: 10, offset: 100 });
      assert.deepEqual([past.total, past.totalCapped, past.events.length], [30, false, 0]);
      const none = await listAudit(db, { entity: 'nothing', limit: 10, offset: 0 });
      assert.deepEqual([none.total, none.totalCapped], [0, false]);
      const exactlyFull = await listAudit(db, { entity: 'production_lot', limit: 30, offset: 0 });
      assert.deepEqual([exactlyFull.total, exactlyFull.totalCapped], [30, false]);
    });
  });
}
