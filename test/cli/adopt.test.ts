import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Database } from '../../src/db/types.ts';
import { backends, postgresBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { ROOT, mtc, startMtc } from '../helpers/cli.ts';
import { LEGACY_DIR, legacyDatabase } from '../helpers/legacy.ts';
import { databaseState } from '../helpers/row-fingerprint.ts';
import { waitFor } from '../helpers/wait.ts';

/** MTC's migrations: adoption records every one. */
const MIGRATIONS = readdirSync(join(ROOT, 'migrations'))
  .filter((f) => f.endsWith('.sql'))
  .sort();

/**
 * processes 1 of the legacy data was created at 2025-11-04 19:45:31.873801, in a column without
 * a time zone; read in Asia/Kolkata, where the old application ran, that is this instant.
 */
const LEGACY_PROCESS_IN_KOLKATA = '2025-11-04T14:15:31.873801Z';

/** processes 1's creation as an instant (ISO, UTC, microseconds). */
async function processCreated(t: TestDatabase): Promise<string | undefined> {
  const db = await t.open();
  try {
    const sql = `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM public.processes WHERE id = 1`;
    return (await db.query<{ at: string }>(sql)).rows[0]?.at;
  } finally {
    await db.close();
  }
}

const importJobsFixture = (name: string) => readFileSync(join(LEGACY_DIR, 'import_jobs', name), 'utf8');

interface AdoptReport {
  dryRun: boolean;
  adopted: string[];
  actions: { step: string; sql: string }[];
  notes: { kind: string; object: string; message: string }[];
  archived: number;
  timeZone: { name: string; from: string; columns: string[] };
}

for (const backend of backends) {
  describe(`mtc adopt on ${backend.name}`, { skip: backend.skip }, () => {
    test("the seed report's database (the legacy data, import_jobs made by hand with a job, the database's TimeZone Asia/Kolkata, the session's UTC) step by step: verify names the drift, a dry run (in UTC) reports and changes nothing, adopt reports what it did, verify is clean, a second adopt has nothing to do", async () => {
      const t = await legacyDatabase(backend, { data: true });
      // The session's zone differs from the database's: PGlite never applies a database's
      // setting to its session; a client may set its own (here through PGOPTIONS).
      const env = { PGOPTIONS: '-c TimeZone=UTC' };
      const run = (...args: string[]) => mtc([...args, '--database', t.url], { env });
      try {
        const setup = await t.open();
        await setup.exec(importJobsFixture('report-shape.sql') + importJobsFixture('report-row.sql'));
        await setup.exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$`);
        const initial = await databaseState(setup).finally(() => setup.close());

        const drifted = await run('verify');
        assert.equal(drifted.code, 1, drifted.stderr);
        assert.match(drifted.stdout, /missing column public\.import_jobs\.kind/);
        assert.match(drifted.stdout, /duplicate .*public\.import_jobs/);

        // The zone given wins over the database's (the conversions themselves are test/schema/adopt's).
        const dry = await run('adopt', '--dry-run', '--timezone', 'utc');
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /^Found: \d+ differences from db\/schema\.sql:/);
        assert.match(dry.stdout, /conflict +public\.model_master: the same name whatever its case: CRYSTA \| Crysta/);
        assert.match(dry.stdout, /not-indexed public\.item_variant\.item_variant_color_id_fkey/);
        assert.match(dry.stdout, /mapped +public\.import_jobs: 1 import job of the old application kept as a job of kind items/);
        assert.match(dry.stdout, /unmanaged +public\.schema_migrations/);
        // The old purchasing is taken in, its receipts as records only (the stock held counts them), none of it left unmanaged.
        assert.match(
          dry.stdout,
          /mapped +public\.purchase_orders: 3 purchase order\(s\) and 6 line\(s\) taken from the old purchase_orders and purchase_order_items/,
        );
        assert.match(
          dry.stdout,
          /mapped +public\.goods_receipts: 2 goods receipt\(s\) taken from the old stock_receipts; 3 line\(s\) .*not posted to the stock ledger again/,
        );
        assert.match(dry.stdout, /mapped +public\.item_variant\.stock_value: 2 variant\(s\) with stock valued at the average cost their old receipts paid/);
        assert.doesNotMatch(dry.stdout, /unmanaged +public\.(purchase_orders|purchase_order_items|stock_receipts|stock_entries)\b/);
        assert.match(
          dry.stdout,
          /^Time zone: UTC \(--timezone\)\. \d+ columns of timestamp without time zone are read as UTC time:\n {2}.*public\.import_jobs\.created_at/m,
        );
        assert.match(dry.stdout, /Would do \(\d+ steps, in one transaction\)/);
        assert.match(dry.stdout, new RegExp(`Dry run: nothing was changed\\. Would adopt ${MIGRATIONS.length} migrations`));
        const db2 = await t.open();
        assert.deepEqual(await databaseState(db2).finally(() => db2.close()), initial, 'the dry run changed the database');

        // Without --timezone: the database's own zone, Asia/Kolkata, not the session's UTC.
        const adopted = await run('adopt', '--json');
        assert.equal(adopted.code, 0, adopted.stderr);
        const report = JSON.parse(adopted.stdout) as AdoptReport;
        assert.equal(report.dryRun, false);
        assert.equal(report.adopted.length, MIGRATIONS.length);
        assert.ok(report.archived > 0);
        for (const kind of ['conflict', 'mapped', 'oddly-named', 'not-indexed', 'unmanaged'])
          assert.ok(
            report.notes.some((n) => n.kind === kind),
            `no ${kind} note`,
          );
        assert.deepEqual({ ...report.timeZone, columns: undefined }, { name: 'Asia/Kolkata', from: 'database', columns: undefined });
        assert.ok(report.timeZone.columns.includes('public.processes.created_at') && report.timeZone.columns.includes('public.import_jobs.created_at'));
        assert.ok(
          report.actions.some((a) => a.step === 'structure' && /ALTER TABLE public\.import_jobs[\s\S]*created_at AT TIME ZONE 'Asia\/Kolkata'/.test(a.sql)),
        );
        assert.equal(await processCreated(t), LEGACY_PROCESS_IN_KOLKATA);

        const clean = await run('verify');
        assert.equal(clean.code, 0, clean.stdout);
        assert.match(clean.stdout, /unmanaged table public\.schema_migrations/);
        assert.doesNotMatch(clean.stdout, /public\.(purchase_order_items|stock_receipts|stock_entries)\b/);
        assert.match(clean.stdout, /The database matches db\/schema\.sql\./);

        const again = await run('adopt');
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /Nothing to do: the database is already adopted and matches\./);
        const status = await run('status');
        assert.match(status.stdout, new RegExp(`${MIGRATIONS.at(-1)!.replace(/\.sql$/, '')} .*\\(adopted\\)`));
        const migrate = await run('migrate');
        assert.equal(migrate.code, 0, migrate.stderr);
        assert.match(migrate.stdout, /Nothing to migrate/);
      } finally {
        await t.drop();
      }
    });
  });
}

describe('mtc adopt refuses', () => {
  test('a currency that is not an ISO code: exit 2, before touching any database', async () => {
    const r = await mtc(['adopt', '--currency', 'rupees', '--database', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--currency rupees: expected a three-letter ISO 4217 code/);
  });

  test('a time zone the server does not know: exit 2 naming it and where the names are, and the database is as it was', {
    skip: postgresBackend.skip,
  }, async () => {
    const t = await postgresBackend.create();
    try {
      const r = await mtc(['adopt', '--timezone', 'Mars/Olympus', '--database', t.url]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /time zone "Mars\/Olympus" is not one this server knows.*SELECT name FROM pg_timezone_names/);
      const db = await t.open();
      const tables = await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`).finally(() => db.close());
      assert.deepEqual(tables.rows, [{ n: 0 }]);
    } finally {
      await t.drop();
    }
  });

  test('a lock timeout that is not a number of seconds: exit 2', async () => {
    const r = await mtc(['adopt', '--lock-timeout', 'soon', '--database', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lock-timeout/);
  });

  test('while another mtc run holds the schema lock: waits, then exit 3 naming the holder', { skip: postgresBackend.skip }, async () => {
    const t = await postgresBackend.create();
    const holder = await t.open();
    try {
      await holder.session(async (s) => {
        await s.exec('SELECT pg_advisory_lock(5067843, 1)');
        const r = await mtc(['adopt', '--lock-timeout', '1', '--database', t.url]);
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, new RegExp(`process ${s.pid}`));
        await s.exec('SELECT pg_advisory_unlock(5067843, 1)');
      });
    } finally {
      await holder.close();
      await t.drop();
    }
  });

  test('a database the migrations made, with some pending: exit 1, use mtc migrate', { skip: postgresBackend.skip }, async () => {
    const t = await postgresBackend.create();
    try {
      assert.equal((await mtc(['migrate', '--to', '0003_suppliers', '--database', t.url])).code, 0);
      const r = await mtc(['adopt', '--database', t.url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`already managed: 3 migration\\(s\\) applied, ${MIGRATIONS.length - 3} pending\\. Apply the rest with mtc migrate`));
    } finally {
      await t.drop();
    }
  });
});

describe('mtc adopt on postgres, killed', { skip: postgresBackend.skip }, () => {
  test('kill -9 in the middle of adoption leaves the database exactly as it was', async () => {
    const t = await legacyDatabase(postgresBackend, { data: true });
    const observer: Database = await t.open();
    try {
      const initial = await databaseState(observer);
      // Another session holds the legacy user's row, which adoption updates (its role) after it
      // has renamed columns of item_variant: it waits there, mid-way. (A row lock, because
      // reading the catalog takes share locks on tables and would wait at the very start.)
      const blocker = await t.open();
      await blocker.exec('BEGIN; SELECT 1 FROM public.users WHERE user_id = 3 FOR UPDATE');
      const run = startMtc(['adopt', '--database', t.url]);
      try {
        const waiting = async () =>
          (
            await observer.query<{ pid: number }>(
              "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE public.users%'",
            )
          ).rows[0]?.pid;
        await waitFor(async () => (await waiting()) !== undefined, 'adoption to reach the locked row', 180_000);
        const pid = (await waiting())!;
        const held = await observer.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND l.mode = 'AccessExclusiveLock' AND c.relname = 'item_variant'`,
          [pid],
        );
        assert.notEqual(held.rows[0]?.n, '0', 'adoption had changed tables when it was killed');
        run.child.kill('SIGKILL');
        await run.done;
        await waitFor(
          async () => (await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0,
          'the orphaned session to end',
          20_000,
        );
      } finally {
        await blocker.exec('ROLLBACK').catch(() => {});
        await blocker.close();
      }
      assert.deepEqual(await databaseState(observer), initial, 'the killed adoption left something behind');
      const ledger = await observer.query("SELECT to_regclass('public.mtc_schema_history') IS NULL AS none");
      assert.deepEqual(ledger.rows, [{ none: true }]);
    } finally {
      await observer.close();
      await t.drop();
    }
  });
});
