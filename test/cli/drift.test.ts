import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';

for (const backend of backends) {
  describe(`drift guard on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.create();
    });
    after(async () => {
      await db?.drop();
    });

    test('a hand-made change since the last run stops the next migrate, named; --allow-drift applies over it and records the new schema', async () => {
      const dir = await copyFixture('alter-before-create-fixed');
      const run = (...args: string[]) => mtc([...args, '--database', db.url, '--migrations', dir]);
      assert.equal((await run('migrate')).code, 0);
      const conn = await db.open();
      try {
        const r = await conn.query<{ id: string; fingerprint: string | null }>(
          'SELECT id, fingerprint FROM public.mtc_schema_history ORDER BY applied_at DESC LIMIT 1',
        );
        assert.equal(r.rows[0]?.id, '0002_fix_lot_status');
        assert.match(r.rows[0]?.fingerprint ?? '', /^[0-9a-f]{64}$/);
        await conn.exec('ALTER TABLE users ADD COLUMN nickname text; DROP INDEX production_lots_created_by_idx');
      } finally {
        await conn.close();
      }
      const idle = await run('migrate');
      assert.equal(idle.code, 1, 'nothing pending, but the drift is reported');
      assert.match(idle.stderr, /changed by hand since 0002_fix_lot_status/);
      await writeFile(join(dir, '0004_lot_notes.sql'), '-- requires: 0003_production_lots\nALTER TABLE production_lots ADD COLUMN notes text;\n');
      const refused = await run('migrate');
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /changed by hand since 0002_fix_lot_status/);
      assert.match(refused.stderr, /extra column public\.users\.nickname/);
      assert.match(refused.stderr, /missing index .*production_lots_created_by_idx/);
      assert.match(refused.stderr, /--allow-drift/);
      const status = JSON.parse((await run('status', '--json')).stdout) as { pending: { id: string }[] };
      assert.deepEqual(
        status.pending.map((p) => p.id),
        ['0004_lot_notes'],
        'nothing was applied',
      );

      const allowed = await run('migrate', '--allow-drift');
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stderr, /applied over 2 hand-made changes/);
      await writeFile(join(dir, '0005_lot_priority.sql'), '-- requires: 0004_lot_notes\nALTER TABLE production_lots ADD COLUMN priority int;\n');
      const next = await run('migrate');
      assert.equal(next.code, 0, next.stderr);
    });
  });
}

for (const backend of backends) {
  describe(`mtc migrate --rehearse on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.create();
    });
    after(async () => {
      await db?.drop();
    });

    test('a migration that fails on the copy of the schema never reaches the live database; one that passes is applied', async () => {
      const dir = await copyFixture('alter-before-create-fixed');
      const run = (...args: string[]) => mtc([...args, '--database', db.url, '--migrations', dir]);
      assert.equal((await run('migrate', '--to', '0003_production_lots')).code, 0);
      // valid SQL that the lint cannot fault, but the schema can: the column does not exist
      await writeFile(
        join(dir, '0002_fix_lot_status.sql'),
        "-- requires: 0003_production_lots\nALTER TABLE production_lots ALTER COLUMN lot_status SET DEFAULT 'planning';\n",
      );
      const failed = await run('migrate', '--rehearse');
      assert.equal(failed.code, 1, failed.stdout);
      assert.match(failed.stderr, /rehearsal on a copy of the schema failed; the live database was not touched/);
      assert.match(failed.stderr, /0002_fix_lot_status\.sql:2:\d+: column "lot_status" of relation "production_lots" does not exist/);
      const conn = await db.open();
      try {
        const r = await conn.query('SELECT 1 FROM public.mtc_schema_history WHERE id = $1', ['0002_fix_lot_status']);
        assert.equal(r.rowCount, 0);
      } finally {
        await conn.close();
      }
      await writeFile(
        join(dir, '0002_fix_lot_status.sql'),
        "-- requires: 0003_production_lots\nALTER TABLE production_lots ALTER COLUMN status SET DEFAULT 'planning';\n",
      );
      const ok = await run('migrate', '--rehearse');
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /rehearsal: 1 migration applied to a copy of the schema/);
      assert.match(ok.stdout, /Applied 1 migration/);
    });
  });
}
