import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';
import { publicTables } from '../helpers/db-state.ts';

for (const backend of backends) {
  describe(`mtc migrate failures on ${backend.name}`, { skip: backend.skip }, () => {
    const dbs: TestDatabase[] = [];
    let fresh: () => Promise<TestDatabase>;
    before(() => {
      fresh = async () => {
        const d = await backend.create();
        dbs.push(d);
        return d;
      };
    });
    after(async () => {
      await Promise.all(dbs.map((d) => d.drop()));
    });

    test('a failure in the third of five: the first two stay, nothing of the third, the error names file:line:col', async () => {
      const db = await fresh();
      const dir = await copyFixture('five-third-fails');
      const r = await mtc(['migrate', '--database', db.url, '--migrations', dir]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      // line 4 of 0003_c.sql, column of "missing_column" (after a non-ASCII comment line)
      assert.match(r.stdout, /0003_c\.sql:4:27: column "missing_column" does not exist \(SQLSTATE 42703\)/);
      assert.match(r.stdout, /2 migrations before it stayed applied/);
      assert.deepEqual(await publicTables(db), ['a', 'b']);
      const status = JSON.parse((await mtc(['status', '--json', '--database', db.url, '--migrations', dir])).stdout) as {
        applied: { id: string }[];
        pending: { id: string }[];
      };
      assert.deepEqual(
        status.applied.map((a) => a.id),
        ['0001_a', '0002_b'],
      );
      assert.deepEqual(
        status.pending.map((a) => a.id),
        ['0003_c', '0004_d', '0005_e'],
      );
    });

    test('an error with no position is located by statement, with PostgreSQL message and hint', async () => {
      const db = await fresh();
      const dir = await copyFixture('five-third-fails');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        `${dir}/0003_c.sql`,
        '-- requires: 0002_b\nCREATE TABLE c (id int PRIMARY KEY);\nINSERT INTO c VALUES (1);\n\n  INSERT INTO c VALUES (1);\nCREATE TABLE c2 (id int);\n',
      );
      const r = await mtc(['migrate', '--json', '--database', db.url, '--migrations', dir]);
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout) as { failure: { file: string; line: number; column: number; sqlstate: string; detail: string } };
      assert.equal(out.failure.line, 5);
      assert.equal(out.failure.column, 3);
      assert.equal(out.failure.sqlstate, '23505');
      assert.match(out.failure.detail, /Key \(id\)=\(1\) already exists/);
      assert.deepEqual(await publicTables(db), ['a', 'b']);
    });

    test('an error inside a DO block names the line inside the block', async () => {
      const db = await fresh();
      const dir = await copyFixture('five-third-fails');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        `${dir}/0003_c.sql`,
        "-- requires: 0002_b\nCREATE TABLE c (id int);\nDO $$\nBEGIN\n  INSERT INTO c VALUES (1);\n  RAISE EXCEPTION 'backfill check failed' USING HINT = 'look at c';\nEND\n$$;\n",
      );
      const r = await mtc(['migrate', '--database', db.url, '--migrations', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /0003_c\.sql:6:\d+: backfill check failed \(SQLSTATE P0001\)/);
      assert.match(r.stdout, /hint: look at c/);
      assert.deepEqual(await publicTables(db), ['a', 'b']);
    });

    test('--dry-run reports each outcome and changes nothing; --to stops after the target', async () => {
      const db = await fresh();
      const dir = await copyFixture('alter-before-create-fixed');
      const dry = await mtc(['migrate', '--dry-run', '--json', '--database', db.url, '--migrations', dir]);
      assert.equal(dry.code, 0, dry.stderr);
      const out = JSON.parse(dry.stdout) as { dryRun: boolean; steps: { id: string; status: string; durationMs: number }[] };
      assert.equal(out.dryRun, true);
      assert.deepEqual(
        out.steps.map((s) => [s.id, s.status]),
        [
          ['0001_users', 'rehearsed'],
          ['0003_production_lots', 'rehearsed'],
          ['0002_fix_lot_status', 'rehearsed'],
        ],
      );
      assert.deepEqual(await publicTables(db), []);

      const to = await mtc(['migrate', '--to', '0003_production_lots', '--database', db.url, '--migrations', dir]);
      assert.equal(to.code, 0, to.stderr);
      assert.deepEqual(await publicTables(db), ['production_lots', 'users']);
      const plan = await mtc(['plan', '--database', db.url, '--migrations', dir]);
      assert.match(plan.stdout, /1\. 0002_fix_lot_status +\(requires 0003_production_lots\)/);
    });

    test('a dry run reports a failing migration and those that require it as not run', async () => {
      const db = await fresh();
      const dir = await copyFixture('five-third-fails');
      const dry = await mtc(['migrate', '--dry-run', '--json', '--database', db.url, '--migrations', dir]);
      assert.equal(dry.code, 1);
      const out = JSON.parse(dry.stdout) as { steps: { id: string; status: string }[] };
      assert.deepEqual(
        out.steps.map((s) => s.status),
        ['rehearsed', 'rehearsed', 'failed', 'not-run', 'not-run'],
      );
      assert.deepEqual(await publicTables(db), []);
    });

    test('a dry run lists transaction: off migrations as not rehearsable', async () => {
      const db = await fresh();
      const dir = await copyFixture('alter-before-create-fixed');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        `${dir}/0004_index.sql`,
        '-- requires: 0003_production_lots\n-- transaction: off\nCREATE INDEX CONCURRENTLY IF NOT EXISTS lots_status_idx ON production_lots (status);\n',
      );
      const dry = await mtc(['migrate', '--dry-run', '--database', db.url, '--migrations', dir]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /not rehearsable +0004_index/);
      const real = await mtc(['migrate', '--database', db.url, '--migrations', dir]);
      assert.equal(real.code, 0, real.stderr + real.stdout);
      assert.match(real.stdout, /applied +0004_index/);
    });

    test('lint errors stop the run before the database is touched: the undeclared ALTER-before-CREATE and the nested $$', async () => {
      const db = await fresh();
      const broken = await copyFixture('alter-before-create-broken');
      const r = await mtc(['migrate', '--database', db.url, '--migrations', broken]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /0002_fix_lot_status\.sql:\d+:\d+: .*production_lots.*0003_production_lots/);
      assert.match(r.stderr, /nothing was applied/);
      const nested = await copyFixture('nested-dollar');
      const n = await mtc(['migrate', '--database', db.url, '--migrations', nested]);
      assert.equal(n.code, 1);
      assert.match(n.stderr, /0002_guarded_column\.sql:5:\d+/);
      assert.deepEqual(await publicTables(db), []);
    });

    test('plan errors exit 1 and usage errors exit 2, before the database is touched', async () => {
      const db = await fresh();
      const cycle = await mtc(['migrate', '--database', db.url, '--migrations', 'test/fixtures/migrations/cycle']);
      assert.equal(cycle.code, 1);
      assert.match(cycle.stderr, /cycle/);
      const unknown = await mtc(['plan', '--database', db.url, '--migrations', 'test/fixtures/migrations/unknown-requires']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /0002_b\.sql:1: requires "0007_does_not_exist"/);
      const dup = await mtc(['status', '--database', db.url, '--migrations', 'test/fixtures/migrations/duplicate-id']);
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /duplicate migration id/);
      const usage = await mtc(['migrate', '--lock-timeout', 'soon', '--database', db.url]);
      assert.equal(usage.code, 2);
      const unknownOpt = await mtc(['migrate', '--frobnicate']);
      assert.equal(unknownOpt.code, 2);
      assert.match(unknownOpt.stderr, /--frobnicate/);
    });
  });
}
