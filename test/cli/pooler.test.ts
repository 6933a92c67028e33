// MTC behind a connection pooler, as several application servers share one PostgreSQL:
// PgBouncer in transaction mode (Debian's, test/helpers/pgbouncer.ts) in front of the test
// server, fewer server connections than its clients. What holds a session-level lock (the
// schema lock of migrate and adopt) refuses such a connection, saying to give it a direct
// address (MTC_DIRECT_DATABASE_URL), and takes that address when given (PostgreSQL itself, or
// a pooler in session mode); everything else runs through the pooler: two `mtc serve` answer
// requests, and imports run to completion with their counters true at every moment.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { postgresBackend, serverUrl } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { ROOT, mtc, serveMtc } from '../helpers/cli.ts';
import type { ServingMtc } from '../helpers/cli.ts';
import { itemsCsv, jobRow } from '../helpers/import-jobs.ts';
import { startPgBouncer } from '../helpers/pgbouncer.ts';
import type { Pooler } from '../helpers/pgbouncer.ts';
import { waitFor } from '../helpers/wait.ts';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import type { Database } from '../../src/db/types.ts';

const MIGRATIONS = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).length;

describe('MTC behind PgBouncer in transaction mode', { skip: postgresBackend.skip }, () => {
  let pooler: Pooler;
  let t: TestDatabase;
  /** The test database through the pooler. */
  let pooled = '';
  /** The test database itself, to look at what the commands left. */
  let direct: Database | undefined;
  let servers: ServingMtc[] = [];
  /** What a test made for itself, undone after the servers stop, last first. */
  const cleanups: (() => Promise<void>)[] = [];
  let scratch = '';
  before(async () => {
    pooler = await startPgBouncer(serverUrl as string, 'transaction');
    t = await postgresBackend.create();
    pooled = pooler.through(t.url);
    direct = await t.open();
    scratch = await mkdtemp(join(tmpdir(), 'mtc-test-pooler-'));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const undo of cleanups.reverse()) await undo();
    await direct?.close();
    await t?.drop();
    pooler?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const tables = async () =>
    Number((await direct!.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_catalog.pg_tables WHERE schemaname = 'public'`)).rows[0]?.n);
  /** The advisory locks held in the test database now (the server is shared), each as its keys and its holder's application, state and statement. */
  const advisoryLocks = async (db: Database = direct!) =>
    (
      await db.query<{ lock: string }>(
        `SELECT concat_ws(' ', l.classid, l.objid, l.objsubid, a.application_name, a.state, a.query) AS lock
           FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`,
      )
    ).rows.map((r) => r.lock);

  test('migrate and adopt through the pooler alone exit 2 naming MTC_DIRECT_DATABASE_URL, and leave the database as it was', async () => {
    const migrate = await mtc(['migrate', '--lock-timeout', '5'], { env: { DATABASE_URL: pooled } });
    assert.equal(migrate.code, 2, migrate.stderr);
    assert.match(migrate.stderr, /^mtc: the schema lock is a session-level advisory lock, and this connection reaches PostgreSQL through a connection pooler/);
    assert.match(migrate.stderr, /nothing was done\. Set MTC_DIRECT_DATABASE_URL \(or --direct-database URL\) to an address that keeps sessions/);
    const json = await mtc(['migrate', '--json'], { env: { DATABASE_URL: pooled } });
    assert.equal(json.code, 2);
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'SESSION_NOT_KEPT');
    const adopt = await mtc(['adopt', '--dry-run'], { env: { DATABASE_URL: pooled } });
    assert.equal(adopt.code, 2, adopt.stderr);
    assert.match(adopt.stderr, /MTC_DIRECT_DATABASE_URL/);
    assert.equal(await tables(), 0, 'no table made, not even the ledger');
    assert.deepEqual(await advisoryLocks(), [], 'no lock left behind on a server connection');

    // an explicit --database is never paired with the environment's direct address
    const explicit = await mtc(['migrate', '--database', pooled], { env: { MTC_DIRECT_DATABASE_URL: t.url } });
    assert.equal(explicit.code, 2, explicit.stderr);
    assert.match(explicit.stderr, /MTC_DIRECT_DATABASE_URL/);
    const notUrl = await mtc(['migrate', '--database', pooled, '--direct-database', 'db/pgdata']);
    assert.equal(notUrl.code, 2);
    assert.match(notUrl.stderr, /^mtc: --direct-database: expected the postgres:\/\/ URL of the database reached directly/);
    assert.equal(await tables(), 0);
  });

  test('with a direct address (a pooler in session mode, or PostgreSQL itself) migrate applies under the lock; with nothing pending the pooler alone does, as status, verify and seed do', async () => {
    const sessionPooler = await startPgBouncer(serverUrl as string, 'session');
    try {
      const first = await mtc(['migrate', '--to', '0003_suppliers'], { env: { DATABASE_URL: pooled, MTC_DIRECT_DATABASE_URL: sessionPooler.through(t.url) } });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Applied 3 migrations\./);
    } finally {
      sessionPooler.stop();
    }
    const rest = await mtc(['migrate'], { env: { DATABASE_URL: pooled, MTC_DIRECT_DATABASE_URL: t.url } });
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stdout, new RegExp(`Applied ${MIGRATIONS - 3} migrations\\.`));
    const ledger = await direct!.query<{ n: string }>('SELECT count(*)::text AS n FROM public.mtc_schema_history');
    assert.equal(Number(ledger.rows[0]?.n), MIGRATIONS);
    assert.deepEqual(await advisoryLocks(), [], 'the lock was let go');

    // the demo seed locks in its one transaction (pg_advisory_xact_lock): no session needed
    for (const args of [['migrate'], ['status'], ['verify'], ['seed', '--demo']]) {
      const r = await mtc(args, { env: { DATABASE_URL: pooled } });
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    }
    assert.match((await mtc(['migrate'], { env: { DATABASE_URL: pooled } })).stdout, new RegExp(`^Nothing to migrate: ${MIGRATIONS} migrations applied`));
  });

  test('two mtc serve answer requests through it, and imports run to completion with their counters true at every moment', async () => {
    // a database of its own, migrated: this test needs nothing of the ones before it
    const served = await postgresBackend.create({ migrated: true });
    cleanups.push(() => served.drop());
    const db = await served.open();
    cleanups.push(() => db.close());
    const url = pooler.through(served.url);
    const admin = await createUser(db, { name: 'Admin', email: 'admin@example.com', role: 'admin', password: 'correct horse battery' }, CLI_ACTOR);
    const token = (await createApiToken(db, admin.userId, 'tests', CLI_ACTOR)).token;
    servers = await Promise.all([0, 1].map(() => serveMtc(url, { MTC_IMPORT_BATCH_ROWS: '25' })));
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, 'content-type': 'application/json' };

    // Both at once, reads and writes: more transactions in flight than the pooler has server connections.
    const requests = servers.flatMap((s, i) =>
      Array.from({ length: 12 }, (_, k) =>
        k % 2 === 0
          ? fetch(`${s.api}/api/items`, { method: 'POST', headers: json, body: JSON.stringify({ name: `Server ${i} item ${k}` }) }).then((r) => r.status)
          : fetch(`${s.api}/api/items?q=item`, { headers: auth }).then((r) => r.status),
      ),
    );
    const statuses = await Promise.all(requests);
    assert.deepEqual(
      statuses,
      servers.flatMap(() => Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 201 : 200))),
    );
    const made = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.item_master WHERE name LIKE 'Server % item %'`);
    assert.equal(Number(made.rows[0]?.n), 12);
    assert.ok((await poolerClients(pooler, served)) >= 2, 'both servers reach the database through the pooler');

    // An import uploaded to one server, run by a worker (its lease a transaction held open on one server connection)
    const upload = await fetch(`${servers[0]!.api}/api/imports?kind=items&fileName=pooled.csv&start=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: itemsCsv(600, { prefix: 'Pooled', badEvery: 50 }),
    });
    assert.equal(upload.status, 201, await upload.clone().text());
    const jobId = ((await upload.json()) as { id: number }).id;
    // Each batch commits its rows with the job's counters: whenever looked at, in one snapshot, they agree.
    const seen: string[] = [];
    await waitFor(
      async () => {
        const r = await db.query<{ status: string; processed: number; success: number; failure: number; variants: number; errors: number }>(
          `SELECT j.status, j.processed_rows AS processed, j.success_count AS success, j.failure_count AS failure,
                  (SELECT count(*)::int FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id WHERE i.name LIKE 'Pooled %') AS variants,
                  (SELECT count(*)::int FROM public.import_job_errors e WHERE e.import_job_id = j.id) AS errors
             FROM public.import_jobs j WHERE j.id = $1`,
          [jobId],
        );
        const row = r.rows[0]!;
        seen.push(`${row.status} ${row.processed}`);
        assert.equal(row.processed, row.success + row.failure, JSON.stringify(row));
        assert.equal(row.variants, row.success, `the rows imported are the rows counted: ${JSON.stringify(row)}`);
        assert.equal(row.errors, row.failure, JSON.stringify(row));
        return row.status !== 'pending' && row.status !== 'running';
      },
      'the import to end',
      120_000,
    );
    const row = await jobRow(db, jobId);
    assert.deepEqual([row.status, row.total, row.processed, row.success, row.failure], ['completed_with_errors', 600, 600, 588, 12], seen.join(', '));
    const claims = servers.map((s) => s.events().filter((e) => e.event === 'claimed' && e.jobId === jobId).length);
    assert.equal(
      claims.reduce((a, b) => a + b),
      1,
      `claimed once, by one server: ${JSON.stringify(claims)}`,
    );
    const progress = await fetch(`${servers[1]!.api}/api/imports/${jobId}`, { headers: auth });
    assert.equal(progress.status, 200);
    const shown = (await progress.json()) as { status: string; processedRows: number; successCount: number; failureCount: number; totalRows: number };
    assert.deepEqual(
      [shown.status, shown.totalRows, shown.processedRows, shown.successCount, shown.failureCount],
      ['completed_with_errors', 600, 600, 588, 12],
      'the other server reports the same counters',
    );

    // And mtc import through the pooler, in a process of its own, while both servers look for
    // work (one of them may pick the job up before the command claims it: the command then
    // follows it to its end, as it does on a direct connection).
    const file = join(scratch, 'cli.csv');
    await writeFile(file, itemsCsv(200, { prefix: 'Command', badEvery: 40 }));
    const cli = await mtc(['import', file, '--kind', 'items', '--json'], { env: { DATABASE_URL: url, MTC_IMPORT_BATCH_ROWS: '25' } });
    assert.equal(cli.code, 1, cli.stderr);
    const cliJob = await db.query<{ id: number }>(`SELECT id::int FROM public.import_jobs WHERE id <> $1`, [jobId]);
    const cliRow = await jobRow(db, cliJob.rows[0]!.id);
    assert.deepEqual([cliRow.status, cliRow.processed, cliRow.success, cliRow.failure], ['completed_with_errors', 200, 195, 5]);
    assert.deepEqual(await advisoryLocks(db), []);
  });
});

/** How many clients PgBouncer has for the test database now (its admin console's SHOW CLIENTS). */
async function poolerClients(pooler: Pooler, t: TestDatabase): Promise<number> {
  const console = new pg.Client({ connectionString: pooler.through(new URL('/pgbouncer', t.url).toString()) });
  await console.connect();
  try {
    const name = new URL(t.url).pathname.slice(1);
    const r = await console.query<{ database: string }>('SHOW CLIENTS');
    return r.rows.filter((c) => c.database === name).length;
  } finally {
    await console.end();
  }
}
