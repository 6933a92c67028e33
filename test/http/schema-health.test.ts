// /api/schema/health over HTTP, on PGlite and on the server: what an admin's schema-health
// page shows — every migration applied, none pending, and verify's findings against the
// snapshot (db/schema.sql) — a change made by hand named as a difference, a migration
// applied with other text named as changed, and nobody but an admin let in.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { snapshotModel } from '../../src/cli/snapshot.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { ROOT } from '../helpers/cli.ts';

interface Health {
  migrations: {
    total: number;
    applied: { id: string }[];
    pending: { id: string }[];
    changed: { id: string; appliedChecksum: string; fileChecksum: string }[];
    missing: { id: string }[];
  };
  verify:
    | { available: true; source: string; differences: number; findings: { kind: string; object: string; table?: string; name: string; text: string }[] }
    | { available: false; reason: string };
}

for (const backend of backends) {
  describe(`schema health over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    let loads = 0;
    /** A server on a migrated database of its own, declaring db/schema.sql; `loads` counts its reads of it. */
    const healthApi = () =>
      testApi(backend, {
        declaredSchema: {
          source: 'db/schema.sql',
          ignore: [],
          unmanaged: [],
          load: async () => {
            loads++;
            return snapshotModel(await readFile(join(ROOT, 'db', 'schema.sql'), 'utf8'));
          },
        },
      });
    before(async () => {
      api = await healthApi();
    });
    after(() => api?.close());

    const health = async (on = api) => {
      const r = await on.call('GET', '/api/schema/health', { as: 'admin' });
      assert.equal(r.statusCode, 200, r.body);
      return JSON.parse(r.body) as Health;
    };

    test('a migrated database: every migration applied, none pending, and no difference from the snapshot', async () => {
      const h = await health();
      assert.equal(h.migrations.total, api.plan.order.length);
      assert.deepEqual(
        h.migrations.applied.map((m) => m.id),
        api.plan.order.map((m) => m.id),
      );
      assert.deepEqual([h.migrations.pending, h.migrations.changed, h.migrations.missing], [[], [], []]);
      assert.ok(h.verify.available, JSON.stringify(h.verify));
      assert.equal(h.verify.source, 'db/schema.sql');
      assert.equal(h.verify.differences, 0, JSON.stringify(h.verify.findings, null, 2));
    });

    test('an index made by hand and a column dropped are named; a migration whose checksum differs shows as changed', async (t) => {
      // on a database of its own: the schema it changes would not match the snapshot for the other tests
      const loadsBefore = loads;
      const own = await healthApi();
      t.after(() => own.close());
      await own.db.exec('CREATE INDEX by_hand ON public.suppliers (lower(firm_name)); ALTER TABLE public.suppliers DROP COLUMN phone');
      const last = own.plan.order.at(-1)!;
      await own.db.query("UPDATE public.mtc_schema_history SET checksum = 'not-the-file' WHERE id = $1", [last.id]);
      await health(own);
      const h = await health(own);
      assert.ok(h.verify.available);
      const named = h.verify.findings.map((f) => `${f.kind} ${f.object} ${f.table ?? ''}.${f.name}`);
      assert.ok(named.includes('extra index suppliers.by_hand'), named.join('\n'));
      assert.ok(named.includes('missing column suppliers.phone'), named.join('\n'));
      assert.equal(h.verify.differences, 2, named.join('\n'));
      for (const f of h.verify.findings) assert.ok(f.text.includes(f.name), `each finding reads as mtc verify prints it: ${f.text}`);
      assert.deepEqual(
        h.migrations.changed.map((c) => [c.id, c.appliedChecksum, c.fileChecksum]),
        [[last.id, 'not-the-file', last.checksum]],
      );
      assert.equal(loads - loadsBefore, 1, 'the snapshot is read into a model once per server');
    });

    test('only an admin may read it', async () => {
      for (const role of ['planner', 'operator', 'viewer'] as const) {
        const r = await api.call('GET', '/api/schema/health', { as: role });
        assert.equal(r.statusCode, 403, `${role}: ${r.body}`);
      }
      assert.equal((await api.call('GET', '/api/schema/health')).statusCode, 401);
    });
  });
}

describe('schema health without the declared schema', () => {
  test('says verify cannot run here and what to run instead, and still lists the migrations', async () => {
    const api = await testApi(backends[0]!);
    try {
      const r = await api.call('GET', '/api/schema/health', { as: 'admin' });
      assert.equal(r.statusCode, 200, r.body);
      const h = JSON.parse(r.body) as Health;
      assert.equal(h.migrations.applied.length, api.plan.order.length);
      assert.deepEqual(h.verify, {
        available: false,
        reason: 'this server was started without the declared schema (db/schema.sql): run mtc verify on the server',
      });
    } finally {
      await api.close();
    }
  });
});
