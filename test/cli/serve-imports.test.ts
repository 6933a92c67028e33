// Import jobs across real `mtc serve` processes on one PostgreSQL database: three servers share
// the jobs (each claimed by exactly one), and when the one running a job is killed with
// SIGKILL another takes the job over and ends it in the state an uninterrupted import gives.
// The servers commit BATCH_ROWS rows a batch (MTC_IMPORT_BATCH_ROWS): a file of a few thousand
// rows is then 150 batches, so a kill lands between two of them, well before the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postgresBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { serveMtc } from '../helpers/cli.ts';
import type { ServingMtc } from '../helpers/cli.ts';
import { itemsCsv, itemsState, jobRow } from '../helpers/import-jobs.ts';
import { waitFor } from '../helpers/wait.ts';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import { createImportJob, runImport } from '../../src/app/imports/engine.ts';
import type { Database } from '../../src/db/types.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { migrateProject } from '../helpers/migrated.ts';

const BATCH_ROWS = 20;

async function migrated(t: TestDatabase): Promise<Database> {
  const db = await t.open();
  await migrateProject(db);
  return db;
}

describe('import jobs shared by three mtc serve processes on PostgreSQL', { skip: postgresBackend.skip }, () => {
  let t: TestDatabase;
  let db: Database;
  let token = '';
  let servers: ServingMtc[] = [];
  /** Starts a server in the place of server `i`, which a test stopped: each test finds three running, whatever ran before it. */
  const replace = async (i: number) => {
    servers[i] = await serveMtc(t.url, { MTC_IMPORT_BATCH_ROWS: String(BATCH_ROWS) });
  };
  before(async () => {
    t = await postgresBackend.create();
    db = await migrated(t);
    const admin = await createUser(db, { name: 'Admin', email: 'admin@example.com', role: 'admin', password: 'correct horse battery' }, CLI_ACTOR);
    token = (await createApiToken(db, admin.userId, 'tests', CLI_ACTOR)).token;
    servers = await Promise.all([0, 1, 2].map(() => serveMtc(t.url, { MTC_IMPORT_BATCH_ROWS: String(BATCH_ROWS) })));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.close();
    await t?.drop();
  });

  const upload = async (server: ServingMtc, csv: string, name: string): Promise<number> => {
    const r = await fetch(`${server.api}/api/imports?kind=items&fileName=${name}&start=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    assert.equal(r.status, 201, await r.clone().text());
    return ((await r.json()) as { id: number }).id;
  };
  const claims = (jobId: number) =>
    servers.flatMap((s, i) => s.events().flatMap((e) => (e.event === 'claimed' && e.jobId === jobId ? [{ server: i, takeover: e.takeover }] : [])));

  test('jobs uploaded to any server are each claimed by exactly one of them and all end', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await upload(servers[i % 3]!, itemsCsv(100, { prefix: `Shared ${i}`, badEvery: 50 }), `shared-${i}.csv`));
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM public.import_jobs WHERE id = ANY($1::bigint[]) AND status IN ('pending', 'running')`, [ids])).rowCount === 0,
      'every job to end',
      120_000,
    );
    const pids = servers.map((s) => String(s.pid));
    const ranBy = new Set<number>();
    for (const id of ids) {
      const row = await jobRow(db, id);
      assert.equal(row.status, 'completed_with_errors');
      assert.deepEqual([row.processed, row.success, row.failure], [100, 98, 2]);
      const c = claims(id);
      assert.equal(c.length, 1, `job ${id} claimed ${c.length} times: ${JSON.stringify(c)}`);
      assert.equal(c[0]!.takeover, false);
      assert.equal(row.worker?.split(':')[1], pids[c[0]!.server], 'the job names the server that claimed it');
      ranBy.add(c[0]!.server);
    }
    assert.ok(ranBy.size > 1, 'more than one server did work');
  });

  test('kill -9 of the server running a job: another takes it over and the end state equals an uninterrupted import', async (ctx) => {
    const rows = 3_000;
    const csv = itemsCsv(rows, { prefix: 'Crash', badEvery: 101 });
    const jobId = await upload(servers[0]!, csv, 'crash.csv');
    await waitFor(async () => (await jobRow(db, jobId)).processed >= 10 * BATCH_ROWS, 'a few batches', 60_000);
    const holder = claims(jobId)[0]?.server ?? -1;
    assert.ok(holder >= 0, 'someone claimed it');
    const before = await jobRow(db, jobId);
    assert.equal(before.status, 'running');
    assert.ok(before.processed < rows, 'the job was still running when its server was killed');
    await servers[holder]!.stop('SIGKILL');
    ctx.after(() => replace(holder));

    await waitFor(async () => !['pending', 'running'].includes((await jobRow(db, jobId)).status), 'the job to end elsewhere', 120_000);
    // Claims are listed server by server: the first claim and the takeover, in either order.
    const c = claims(jobId);
    assert.equal(c.length, 2, JSON.stringify(c));
    assert.deepEqual(
      c.find((x) => !x.takeover),
      { server: holder, takeover: false },
    );
    assert.notEqual(c.find((x) => x.takeover)?.server ?? holder, holder, JSON.stringify(c));
    const end = await jobRow(db, jobId);
    const failures = Math.floor(rows / 101);
    assert.deepEqual([end.status, end.processed, end.success, end.failure], ['completed_with_errors', rows, rows - failures, failures]);
    const errors = await db.query<{ n: string; distinct: string }>(
      'SELECT count(*)::text AS n, count(DISTINCT row_number)::text AS distinct FROM public.import_job_errors WHERE import_job_id = $1',
      [jobId],
    );
    assert.deepEqual([Number(errors.rows[0]!.n), Number(errors.rows[0]!.distinct)], [failures, failures], 'one error row per rejected row, none written twice');

    const fresh = await postgresBackend.create();
    const other = await migrated(fresh);
    try {
      const { jobId: once } = await createImportJob(other, { kind: 'items', fileName: 'crash.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
      await runImport(other, once);
      const crashed = (await itemsState(db)).split('\n').filter((l) => l.startsWith('Crash '));
      assert.equal(crashed.join('\n'), await itemsState(other));
    } finally {
      await other.close();
      await fresh.drop();
    }
  });

  test('SIGTERM stops a server gracefully mid-job: the batch in flight commits, the job stays running, and another server finishes it', async (ctx) => {
    const jobId = await upload(servers[0]!, itemsCsv(3_000, { prefix: 'Term' }), 'term.csv');
    await waitFor(async () => (await jobRow(db, jobId)).processed >= 10 * BATCH_ROWS, 'a few batches', 60_000);
    const holder = claims(jobId)[0]!.server;
    const started = Date.now();
    const { code, stderr } = await servers[holder]!.stop('SIGTERM');
    ctx.after(() => replace(holder));
    assert.equal(code, 0, stderr);
    assert.ok(Date.now() - started < 10_000, `stopping took ${Date.now() - started} ms`);
    assert.ok(servers[holder]!.events().some((e) => e.event === 'released' && e.jobId === jobId && e.why === 'stopping'));
    await waitFor(async () => (await jobRow(db, jobId)).status === 'completed', 'another server to finish it', 120_000);
    const c = claims(jobId);
    assert.equal(c.filter((x) => x.takeover).length, 1, JSON.stringify(c));
    const end = await jobRow(db, jobId);
    assert.deepEqual([end.processed, end.success, end.failure], [3_000, 3_000, 0]);
  });
});
