// Lock and concurrency behaviour, proven on the real server (PGlite is one session in one process).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { postgresBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import type { Database } from '../../src/db/types.ts';
import { mtc, startMtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

/** How many other sessions of this database are inside the slow fixture's pg_sleep(30). */
async function sleeping(conn: Database): Promise<number> {
  const r = await conn.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
  return r.rowCount;
}

describe('mtc migrate on a server: locks and concurrency', { skip: postgresBackend.skip }, () => {
  const dbs: TestDatabase[] = [];
  const fresh = async () => {
    const d = await postgresBackend.create();
    dbs.push(d);
    return d;
  };
  after(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  test('8 runs started at once: each migration applied exactly once, all exit 0', async () => {
    const db = await fresh();
    const dir = await copyFixture('five-third-fails');
    await writeFile(join(dir, '0003_c.sql'), '-- requires: 0002_b\nCREATE TABLE c (id int PRIMARY KEY);\nSELECT pg_sleep(0.3);\n');
    const runs = await Promise.all(Array.from({ length: 8 }, () => mtc(['migrate', '--json', '--database', db.url, '--migrations', dir])));
    for (const r of runs) assert.equal(r.code, 0, r.stderr + r.stdout);
    const applied = runs.flatMap((r) =>
      (JSON.parse(r.stdout) as { steps: { id: string; status: string }[] }).steps.filter((s) => s.status === 'applied').map((s) => s.id),
    );
    assert.deepEqual(applied.sort(), ['0001_a', '0002_b', '0003_c', '0004_d', '0005_e']);
    const conn = await db.open();
    try {
      const r = await conn.query<{ id: string; n: string }>('SELECT id, count(*)::text AS n FROM public.mtc_schema_history GROUP BY id ORDER BY id');
      assert.deepEqual(
        r.rows.map((x) => [x.id, x.n]),
        [
          ['0001_a', '1'],
          ['0002_b', '1'],
          ['0003_c', '1'],
          ['0004_d', '1'],
          ['0005_e', '1'],
        ],
      );
    } finally {
      await conn.close();
    }
  });

  test('a second run waits for the lock, then exits 3 naming the holder pid and start time', async () => {
    const db = await fresh();
    const dir = await copyFixture('slow');
    const first = startMtc(['migrate', '--database', db.url, '--migrations', dir]);
    const conn = await db.open();
    try {
      await waitFor(async () => (await sleeping(conn)) > 0, 'the slow migration to start');
      const holder = (
        await conn.query<{ pid: number }>(
          "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
      ).rows[0]?.pid;
      const second = await mtc(['migrate', '--lock-timeout', '1', '--database', db.url, '--migrations', dir]);
      assert.equal(second.code, 3, second.stderr);
      assert.match(second.stderr, new RegExp(`process ${holder} \\(connected since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`));
      assert.match(second.stderr, /waited 1 s/);
    } finally {
      first.child.kill('SIGKILL');
      await first.done;
      await conn.close();
    }
  });

  test('kill -9 in the middle of a slow migration leaves a consistent ledger; a rerun completes it', async () => {
    const db = await fresh();
    const dir = await copyFixture('slow');
    const first = startMtc(['migrate', '--database', db.url, '--migrations', dir]);
    const conn = await db.open();
    try {
      await waitFor(async () => (await sleeping(conn)) > 0, 'the slow migration to start');
      first.child.kill('SIGKILL');
      await first.done;
      const ledger = await conn.query<{ id: string }>('SELECT id FROM public.mtc_schema_history ORDER BY id');
      assert.deepEqual(
        ledger.rows.map((r) => r.id),
        ['0001_first'],
      );
      // mtc asks the server to check its client during long statements, so the orphaned
      // pg_sleep ends within seconds and its half-done migration rolls back
      await waitFor(async () => (await sleeping(conn)) === 0, 'the orphaned session to end', 10_000);
      const during = await conn.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'during_sleep'");
      assert.equal(during.rowCount, 0, 'the killed migration left nothing behind');
      await writeFile(join(dir, '0002_slow.sql'), '-- requires: 0001_first\nCREATE TABLE during_sleep (id int);\nSELECT pg_sleep(0.1);\n');
      // the edited file was never applied, so it is not a change of an applied migration
      const rerun = await mtc(['migrate', '--lock-timeout', '10', '--database', db.url, '--migrations', dir]);
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      const after = await conn.query<{ id: string }>('SELECT id FROM public.mtc_schema_history ORDER BY id');
      assert.deepEqual(
        after.rows.map((r) => r.id),
        ['0001_first', '0002_slow', '0003_after'],
      );
      const t = await conn.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name IN ('before_sleep', 'during_sleep', 'after_sleep')",
      );
      assert.equal(t.rows[0]?.n, '3');
    } finally {
      await conn.close();
    }
  });

  test('mtc render applied by the real psql gives the catalog mtc migrate gives, and status shows it applied', async () => {
    const viaMtc = await fresh();
    const viaPsql = await fresh();
    const dir = await copyFixture('alter-before-create-fixed');
    await writeFile(
      join(dir, '0004_concurrent_index.sql'),
      '-- requires: 0003_production_lots\n-- transaction: off\nCREATE INDEX CONCURRENTLY IF NOT EXISTS production_lots_status_idx ON production_lots (status);\n',
    );
    const m = await mtc(['migrate', '--database', viaMtc.url, '--migrations', dir]);
    assert.equal(m.code, 0, m.stderr + m.stdout);
    const script = join(dir, '..', `render-${process.pid}.sql`);
    const r = await mtc(['render', '--output', script, '--database', viaPsql.url, '--migrations', dir]);
    assert.equal(r.code, 0, r.stderr);
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', viaPsql.url, '-f', script], { stdio: 'pipe' });
    // running it again skips everything
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', viaPsql.url, '-f', script], { stdio: 'pipe' });
    const status = JSON.parse((await mtc(['status', '--json', '--database', viaPsql.url, '--migrations', dir])).stdout) as {
      applied: unknown[];
      pending: unknown[];
    };
    assert.equal(status.applied.length, 4);
    assert.equal(status.pending.length, 0);
    const catalog = async (d: TestDatabase) => {
      const c = await d.open();
      try {
        const cols = await c.query(
          "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        );
        const idx = await c.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2");
        const cons = await c.query(
          "SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        );
        const ledger = await c.query('SELECT id, checksum, how FROM public.mtc_schema_history ORDER BY id');
        return { cols: cols.rows, idx: idx.rows, cons: cons.rows, ledger: ledger.rows };
      } finally {
        await c.close();
      }
    };
    assert.deepEqual(await catalog(viaPsql), await catalog(viaMtc));
  });
});
