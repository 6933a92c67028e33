// The migrator object (src/schema/migrator.ts) on both backends: status, plan and migrate,
// the no-op fast path (taken when nothing is pending, not when something is) and the lock.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from '../../src/db/types.ts';
import { MtcError } from '../../src/errors.ts';
import { LOCK_SQL, UNLOCK_SQL } from '../../src/schema/migrations/lock.ts';
import { planMigrations } from '../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../src/schema/migrations/source.ts';
import { createMigrator } from '../../src/schema/migrator.ts';
import type { MigratorEvent, MigratorOptions } from '../../src/schema/migrator.ts';
import { backends, postgresBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';

/** A migrations directory of the test's own: name → SQL. */
async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-migrator-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

const THREE = {
  '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
  '0002_b.sql': '-- requires: 0001_a\nCREATE TABLE b (id int PRIMARY KEY);\n',
  '0003_c.sql': '-- requires: 0001_a\nCREATE TABLE c (id int PRIMARY KEY);\n',
};

async function migratorOn(db: Database, dir: string, options: MigratorOptions = {}) {
  const sources = await loadMigrations(dir);
  return createMigrator(db, { sources, plan: planMigrations(sources) }, options);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<MtcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MtcError, `expected an MtcError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

for (const backend of backends) {
  describe(`the migrator on ${backend.name}`, { skip: backend.skip }, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      await Promise.all(dbs.map((d) => d.drop()));
    });
    const fresh = async (): Promise<{ t: TestDatabase; db: Database }> => {
      const t = await backend.create();
      dbs.push(t);
      return { t, db: await t.open() };
    };

    test('status, plan and migrate: pending in plan order, applied once, then up to date', async () => {
      const { db } = await fresh();
      try {
        const m = await migratorOn(db, await migrationsDir(THREE));
        const before = await m.status();
        assert.deepEqual(
          before.pending.map((p) => p.id),
          ['0001_a', '0002_b', '0003_c'],
        );
        assert.equal(before.applied.length, 0);
        assert.deepEqual(
          (await m.plan('0002_b')).pending.map((p) => p.id),
          ['0001_a', '0002_b'],
        );
        const events: MigratorEvent[] = [];
        const outcome = await m.migrate({ to: '0002_b', onEvent: (e) => events.push(e) });
        assert.equal(outcome.kind, 'ran');
        assert.ok(outcome.kind === 'ran');
        assert.deepEqual(
          outcome.result.steps.map((s) => [s.id, s.status]),
          [
            ['0001_a', 'applied'],
            ['0002_b', 'applied'],
          ],
        );
        assert.deepEqual(
          events.map((e) => e.type),
          ['linted', 'locked', 'start', 'end', 'start', 'end'],
        );
        const after = await m.status();
        assert.deepEqual(
          after.applied.map((a) => a.id),
          ['0001_a', '0002_b'],
        );
        assert.deepEqual(
          (await m.plan()).pending.map((p) => p.id),
          ['0003_c'],
        );
        const rest = await m.migrate();
        assert.ok(rest.kind === 'ran', rest.kind);
        assert.deepEqual(
          rest.result.steps.map((s) => s.id),
          ['0003_c'],
        );
        const again = await m.migrate();
        assert.ok(again.kind === 'up-to-date', again.kind);
        assert.equal(again.before.applied.length, 3);
        assert.deepEqual(again.drift, []);
      } finally {
        await db.close();
      }
    });

    test('a dry run applies nothing; an unknown --to is a usage error naming it', async () => {
      const { db } = await fresh();
      try {
        const m = await migratorOn(db, await migrationsDir(THREE));
        const dry = await m.migrate({ dryRun: true });
        assert.ok(dry.kind === 'ran' && dry.result.dryRun);
        assert.deepEqual(
          dry.result.steps.map((s) => s.status),
          ['rehearsed', 'rehearsed', 'rehearsed'],
        );
        assert.equal((await m.status()).pending.length, 3);
        const e = await rejectsWith(m.plan('0009_zz'), 'MIGRATION_UNKNOWN_TARGET');
        assert.match(e.message, /--to 0009_zz/);
      } finally {
        await db.close();
      }
    });

    test('a lint error in a pending migration stops the run before anything is applied', async () => {
      const { db } = await fresh();
      try {
        const m = await migratorOn(db, await migrationsDir({ ...THREE, '0004_bad.sql': '-- requires: 0003_c\nCREATE TABLE d (id int PRIMARY KEY;\n' }));
        const outcome = await m.migrate();
        assert.ok(outcome.kind === 'lint-failed', outcome.kind);
        assert.ok(outcome.lint.errors > 0);
        assert.match(outcome.lines.join('\n'), /0004_bad\.sql/);
        assert.equal((await m.status()).applied.length, 0, 'nothing was applied');
      } finally {
        await db.close();
      }
    });

    test('an applied migration edited on disk: plan and migrate refuse with MIGRATION_CHANGED, naming the file', async () => {
      const { db } = await fresh();
      try {
        const dir = await migrationsDir(THREE);
        assert.equal((await (await migratorOn(db, dir)).migrate()).kind, 'ran');
        await writeFile(join(dir, '0002_b.sql'), '-- requires: 0001_a\nCREATE TABLE b (id bigint PRIMARY KEY);\n');
        const m = await migratorOn(db, dir);
        assert.match((await rejectsWith(m.plan(), 'MIGRATION_CHANGED')).message, /0002_b\.sql/);
        await rejectsWith(m.migrate(), 'MIGRATION_CHANGED');
        assert.deepEqual(
          (await m.status()).changed.map((c) => c.id),
          ['0002_b'],
        );
      } finally {
        await db.close();
      }
    });

    // The schema lock held elsewhere tells the two paths apart: the fast path takes no lock,
    // so it answers at once; a run with something pending waits for the lock and times out.
    test('the fast path takes no lock when nothing is pending; with something pending the run waits for the lock', async () => {
      const { t, db } = await fresh();
      const holder = backend.name === 'postgres' ? await t.open() : db; // PGlite is one session: the lock is held in it, as by another command through mtc serve
      try {
        const dir = await migrationsDir(THREE);
        assert.equal((await (await migratorOn(db, dir)).migrate()).kind, 'ran');
        await holder.query(`SELECT ${LOCK_SQL}`);
        const idle = await migratorOn(db, dir, { lockTimeoutMs: 300 });
        const started = performance.now();
        const events: MigratorEvent[] = [];
        const outcome = await idle.migrate({ onEvent: (e) => events.push(e) });
        assert.equal(outcome.kind, 'up-to-date');
        assert.deepEqual(events, [], 'no lint, no lock, no step');
        assert.ok(performance.now() - started < 300, 'answered without waiting for the lock');

        await writeFile(join(dir, '0004_d.sql'), '-- requires: 0001_a\nCREATE TABLE d (id int PRIMARY KEY);\n');
        const busy = await migratorOn(db, dir, { lockTimeoutMs: 300 });
        const e = await rejectsWith(busy.migrate(), 'LOCK_TIMEOUT');
        assert.equal(e.category, 'connection', 'exit 3 from the CLI');
        assert.equal((await busy.status()).pending.length, 1, 'nothing was applied');

        await holder.query(`SELECT ${UNLOCK_SQL}`);
        const now = await busy.migrate();
        assert.ok(now.kind === 'ran', now.kind);
        assert.deepEqual(
          now.result.steps.map((s) => s.id),
          ['0004_d'],
        );
      } finally {
        if (holder !== db) await holder.close();
        await db.close();
      }
    });
  });
}

describe('two migrators on one server', { skip: postgresBackend.skip }, () => {
  test('while one applies a slow migration, the other times out on the lock naming its process; afterwards it finds nothing pending', async () => {
    const t = await postgresBackend.create();
    const [a, b] = [await t.open(), await t.open()];
    try {
      const dir = await migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nSELECT pg_sleep(1.5);\n' });
      const events: MigratorEvent[] = [];
      const first = (await migratorOn(a, dir)).migrate({ onEvent: (e) => events.push(e) });
      while (!events.some((e) => e.type === 'start')) await new Promise((r) => setTimeout(r, 20));
      const second = await migratorOn(b, dir, { lockTimeoutMs: 300 });
      const e = await rejectsWith(second.migrate(), 'LOCK_TIMEOUT');
      assert.match(e.message, /another migration run holds the schema lock: process \d+/);
      const done = await first;
      assert.ok(done.kind === 'ran' && done.result.failure === undefined);
      assert.equal((await second.migrate()).kind, 'up-to-date');
    } finally {
      await a.close();
      await b.close();
      await t.drop();
    }
  });
});
