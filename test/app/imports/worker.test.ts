// The import worker: which jobs it takes, that a job is run by exactly one worker however many
// share the database, that a worker's lease is a row lock which dies with its connection (and
// the job is then taken over), and that a stopped worker's job resumes elsewhere to the same
// end state as an uninterrupted import.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../../helpers/backends.ts';
import type { TestDatabase } from '../../helpers/backends.ts';
import { waitFor } from '../../helpers/wait.ts';
import { itemsCsv, itemsState, jobRow } from '../../helpers/import-jobs.ts';
import { openDatabase } from '../../../src/db/open.ts';
import type { Database } from '../../../src/db/types.ts';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { beginRun } from '../../../src/app/imports/crashes.ts';
import { LEASE_KEY, claimJob, pickJob, runImportHere, startImportWorker } from '../../../src/app/imports/worker.ts';
import type { ImportRunner, WorkerEvent } from '../../../src/app/imports/worker.ts';
import { migrateProject } from '../../helpers/migrated.ts';

async function migrated(t: TestDatabase): Promise<Database> {
  const db = await t.open();
  await migrateProject(db);
  return db;
}

const tinyJob = async (db: Database, options: { awaitingStart?: boolean } = {}) =>
  (
    await createImportJob(
      db,
      {
        kind: 'items',
        fileName: 'tiny.csv',
        bytes: Buffer.from(itemsCsv(3, { prefix: `Tiny ${Math.random()}` })),
        ...options,
      },
      CLI_ACTOR,
    )
  ).jobId;

/** A stand-in for the engine: marks the job running, waits `ms` (or until stopped), then completes it. */
function standIn(ms: number, ran: { worker: string; jobId: number }[], worker: string): ImportRunner {
  return async (db, jobId, options = {}) => {
    ran.push({ worker, jobId });
    await db.query(`UPDATE public.import_jobs SET status = 'running' WHERE id = $1`, [jobId]);
    await new Promise<void>((resolve) => {
      if (options.signal?.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (options.signal?.aborted) return { status: 'running' };
    await db.query(`UPDATE public.import_jobs SET status = 'completed' WHERE id = $1 AND status = 'running'`, [jobId]);
    return { status: 'completed' };
  };
}

/**
 * A stand-in for the engine whose first run is stopped by the database raising `sqlstate` (a
 * real error from PostgreSQL or PGlite, as the engine would meet it); later runs complete the job.
 */
function stoppedOnceBy(sqlstate: string, runs: number[]): ImportRunner {
  return async (db, jobId) => {
    runs.push(jobId);
    await db.query(`UPDATE public.import_jobs SET status = 'running' WHERE id = $1`, [jobId]);
    if (runs.length === 1) await db.exec(`DO $$ BEGIN RAISE EXCEPTION 'stopped for the test' USING ERRCODE = '${sqlstate}'; END $$`);
    await db.query(`UPDATE public.import_jobs SET status = 'completed' WHERE id = $1 AND status = 'running'`, [jobId]);
    return { status: 'completed' };
  };
}

for (const backend of backends) {
  describe(`the import worker on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create();
      db = await migrated(t);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('takes the oldest job it may run: pending and started, or running with no one on it; never one waiting for start, a finished one, or one it runs already', async () => {
      const waiting = await tinyJob(db, { awaitingStart: true });
      const first = await tinyJob(db);
      const second = await tinyJob(db);
      const orphan = await tinyJob(db);
      const done = await tinyJob(db);
      await db.query(`UPDATE public.import_jobs SET status = 'running' WHERE id = $1`, [orphan]);
      await db.query(`UPDATE public.import_jobs SET status = 'completed' WHERE id = $1`, [done]);
      assert.deepEqual(await pickJob(db, 'w1'), { jobId: first, takeover: false });
      assert.equal((await jobRow(db, first)).worker, 'w1');
      assert.deepEqual(await pickJob(db, 'w1', [first]), { jobId: second, takeover: false });
      assert.deepEqual(await pickJob(db, 'w1', [first, second]), { jobId: orphan, takeover: true });
      assert.equal(await pickJob(db, 'w1', [first, second, orphan]), null);
      assert.equal(await claimJob(db, done, 'w1'), false, 'a finished job is nobody’s to claim');
      assert.equal(await claimJob(db, waiting, 'w1'), true, 'the command line may run a job that waits');
      await db.query(`UPDATE public.import_jobs SET status = 'cancelled' WHERE status IN ('pending', 'running')`);
    });

    test('a job whose runs ended their process twice is failed, saying why and what to do, and never taken again; a run that let go is no crash', async () => {
      const jobId = await tinyJob(db);
      const ran: { worker: string; jobId: number }[] = [];
      const events: WorkerEvent[] = [];
      // A process that began running the job and died: its run's mark is still on it.
      await db.query(`UPDATE public.import_jobs SET status = 'running' WHERE id = $1`, [jobId]);
      assert.deepEqual(await beginRun(db, jobId, 'died:1'), { run: true, crashedRuns: 0 });

      // The next takes it over, counting one crashed run; then it dies too (it never lets go).
      const second = startImportWorker(db, {
        name: 'died:2',
        pollMs: 10,
        heartbeatMs: 60_000,
        run: standIn(120_000, ran, 'died:2'),
        log: (e) => events.push(e),
      });
      await waitFor(async () => ran.length === 1, 'the second run to start');
      assert.ok(
        events.some((e) => e.event === 'claimed' && e.jobId === jobId && e.takeover && e.crashedRuns === 1),
        JSON.stringify(events),
      );
      // Its lease dies with its connection, as it would with its process. PGlite: the lease is
      // an advisory lock of the one session, freed by the serving process when the client that
      // held it goes away; here the second worker simply never lets go, and its lock is freed.
      if (backend.name === 'postgres') {
        await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mtc import lease' AND datname = current_database()`);
      } else {
        await db.query('SELECT pg_advisory_unlock($1, $2::int)', [LEASE_KEY, jobId]);
      }
      const third = startImportWorker(db, { name: 'third', pollMs: 10, run: standIn(10, ran, 'third'), log: (e) => events.push(e) });
      await waitFor(async () => (await jobRow(db, jobId)).status === 'failed', 'the job to fail');
      await third.stop();
      await second.stop();
      assert.deepEqual(
        ran.map((r) => r.worker),
        ['died:2'],
        'the third worker did not run it',
      );
      const failed = (
        await db.query<{ message: string; heldBy: string | null; crashedRuns: number; finished: boolean }>(
          `SELECT j.message, s.held_by AS "heldBy", s.crashed_runs AS "crashedRuns", s.finished_at IS NOT NULL AS finished
           FROM public.import_jobs j JOIN public.import_job_sources s ON s.import_job_id = j.id WHERE j.id = $1`,
          [jobId],
        )
      ).rows[0]!;
      assert.match(
        failed.message,
        /^the server or command running this import stopped before it ended, 2 times\. It is not run again, in case the file is what stops the server: look in the server’s log/,
      );
      assert.deepEqual([failed.crashedRuns, failed.heldBy, failed.finished], [2, null, true]);
      assert.equal(await pickJob(db, 'fourth'), null, 'a failed job is no one’s to take');

      // A worker that stops lets go of its job: the next run counts no crash.
      const calm = await tinyJob(db);
      const stopping = startImportWorker(db, { name: 'calm:1', pollMs: 10, run: standIn(120_000, ran, 'calm:1') });
      await waitFor(async () => ran.some((r) => r.jobId === calm), 'the calm run to start');
      await stopping.stop();
      const next = startImportWorker(db, { name: 'calm:2', pollMs: 10, run: standIn(10, ran, 'calm:2'), log: (e) => events.push(e) });
      await waitFor(async () => (await jobRow(db, calm)).status === 'completed', 'the calm job to end');
      await next.stop();
      assert.ok(
        events.some((e) => e.event === 'claimed' && e.jobId === calm && e.takeover && e.crashedRuns === 0),
        JSON.stringify(events),
      );
    });

    test('a running job is leased: other workers and the command line leave it alone until the lease is gone', async () => {
      const jobId = await tinyJob(db);
      const ran: { worker: string; jobId: number }[] = [];
      const a = startImportWorker(db, { name: 'holder', pollMs: 10, run: standIn(60_000, ran, 'holder') });
      await waitFor(async () => ran.length === 1 && (await jobRow(db, jobId)).status === 'running', 'the holder to run it');
      assert.equal(await pickJob(db, 'other'), null, 'a running job with its lease held is skipped');
      assert.equal(await claimJob(db, jobId, 'other'), false);
      assert.equal((await jobRow(db, jobId)).worker, 'holder');
      await a.stop();
      assert.deepEqual(await pickJob(db, 'other'), { jobId, takeover: true }, 'once let go, it is taken over');
      await db.query(`UPDATE public.import_jobs SET status = 'cancelled' WHERE id = $1`, [jobId]);
    });

    test('a run stopped by a transient database error (deadlock, serialization failure, lock timeout, shutdown) leaves the job for a later pick, which ends it; any other fails it', async () => {
      for (const sqlstate of ['40P01', '40001', '55P03', '57P01', '08006']) {
        const jobId = await tinyJob(db);
        const runs: number[] = [];
        const events: WorkerEvent[] = [];
        const w = startImportWorker(db, { name: `transient-${sqlstate}`, pollMs: 10, run: stoppedOnceBy(sqlstate, runs), log: (e) => events.push(e) });
        await waitFor(async () => (await jobRow(db, jobId)).status === 'completed', `the job stopped by ${sqlstate} to be taken again and end`);
        await w.stop();
        assert.deepEqual(runs, [jobId, jobId], `${sqlstate}: run twice`);
        assert.ok(
          events.some((e) => e.event === 'released' && e.jobId === jobId && e.why === 'error'),
          `${sqlstate}: ${JSON.stringify(events)}`,
        );
      }
      // A statement timeout or cancel (57014) would stop the same rows again; a constraint refused at commit (40002) is the data's fault.
      for (const sqlstate of ['57014', '40002']) {
        const jobId = await tinyJob(db);
        const runs: number[] = [];
        const w = startImportWorker(db, { name: `lasting-${sqlstate}`, pollMs: 10, run: stoppedOnceBy(sqlstate, runs) });
        await waitFor(async () => (await jobRow(db, jobId)).status === 'failed', `the job stopped by ${sqlstate} to fail`);
        await w.stop();
        assert.deepEqual(runs, [jobId], `${sqlstate}: not taken again`);
        assert.equal(
          (await db.query<{ message: string }>('SELECT message FROM public.import_jobs WHERE id = $1', [jobId])).rows[0]?.message,
          `the import stopped on an unexpected error; the server log of lasting-${sqlstate} has it (job ${jobId})`,
        );
      }
    });

    test('a stopped worker leaves its job running mid-way; another takes it over, and the end state equals an uninterrupted import', async () => {
      // 60 batches of 20 rows: the stop comes between two of them, well before the end.
      const rows = 1_200;
      const batchRows = 20;
      const csv = itemsCsv(rows, { badEvery: 97, prefix: 'Resume' });
      const { jobId } = await createImportJob(db, { kind: 'items', fileName: 'resume.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
      const events: WorkerEvent[] = [];
      const a = startImportWorker(db, { name: 'a', pollMs: 20, batchRows, log: (e) => events.push(e) });
      await waitFor(async () => (await jobRow(db, jobId)).processed > 0, 'a first batch', 60_000);
      await a.stop();
      const stopped = await jobRow(db, jobId);
      assert.equal(stopped.status, 'running');
      assert.ok(stopped.processed < rows, `processed ${stopped.processed}: stop came too late to prove anything`);
      assert.ok(
        events.some((e) => e.event === 'released' && e.jobId === jobId && e.why === 'stopping'),
        JSON.stringify(events),
      );

      const b = startImportWorker(db, { name: 'b', pollMs: 20, batchRows, log: (e) => events.push(e) });
      await waitFor(async () => (await jobRow(db, jobId)).status !== 'running', 'the job to end', 90_000);
      await b.stop();
      assert.ok(
        events.some((e) => e.event === 'claimed' && e.jobId === jobId && e.takeover),
        'b took it over',
      );
      const end = await jobRow(db, jobId);
      assert.deepEqual([end.status, end.processed, end.success + end.failure, end.failure], ['completed_with_errors', rows, rows, Math.floor(rows / 97)]);
      const errors = await db.query<{ n: string; rows: string }>(
        'SELECT count(*)::text AS n, count(DISTINCT row_number)::text AS rows FROM public.import_job_errors WHERE import_job_id = $1',
        [jobId],
      );
      assert.equal(errors.rows[0]!.rows, String(end.failure), 'an error row for each rejected row, none twice');

      const fresh = await backend.create();
      const other = await migrated(fresh);
      try {
        const { jobId: once } = await createImportJob(other, { kind: 'items', fileName: 'resume.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
        await runImport(other, once);
        assert.equal(await itemsState(db), await itemsState(other));
      } finally {
        await other.close();
        await fresh.drop();
      }
    });
  });
}

const server = backends.find((b) => b.name === 'postgres')!;

describe('import workers sharing a PostgreSQL server', { skip: server.skip }, () => {
  let t: TestDatabase;
  let dbs: Database[];
  before(async () => {
    t = await server.create();
    const first = await migrated(t);
    // Each "server" has a pool of its own, as separate processes would.
    dbs = [first, await openDatabase(t.url), await openDatabase(t.url)];
  });
  after(async () => {
    for (const d of dbs ?? []) await d.close();
    await t?.drop();
  });

  test('three workers share twelve jobs: each job is run by exactly one, and every job ends', async () => {
    const [db] = dbs as [Database];
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await tinyJob(db));
    const ran: { worker: string; jobId: number }[] = [];
    const workers = dbs.map((d, i) => startImportWorker(d, { name: `w${i}`, pollMs: 10, run: standIn(60, ran, `w${i}`) }));
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM public.import_jobs WHERE id = ANY($1::bigint[]) AND status <> 'completed'`, [ids])).rowCount === 0,
      'every job to end',
    );
    await Promise.all(workers.map((w) => w.stop()));
    assert.deepEqual(
      ran.map((r) => r.jobId).sort((a, b) => a - b),
      ids,
      'each job once',
    );
    assert.ok(new Set(ran.map((r) => r.worker)).size > 1, `one worker did everything: ${JSON.stringify(ran)}`);
    const recorded = await db.query<{ id: number; worker: string; finished: boolean }>(
      `SELECT import_job_id::int AS id, worker, finished_at IS NOT NULL AS finished FROM public.import_job_sources WHERE import_job_id = ANY($1::bigint[]) ORDER BY 1`,
      [ids],
    );
    for (const r of recorded.rows) {
      assert.equal(r.worker, ran.find((x) => x.jobId === r.id)!.worker, `job ${r.id} names the worker that ran it`);
      assert.ok(r.finished);
    }
  });

  test('a job is leased while it runs: no other worker claims it; when the lease’s connection dies the runner stops and another takes it over', async () => {
    const [db1, db2] = dbs as [Database, Database];
    const jobId = await tinyJob(db1);
    const ran: { worker: string; jobId: number }[] = [];
    const events: WorkerEvent[] = [];
    const a = startImportWorker(db1, { name: 'holder', pollMs: 10, heartbeatMs: 100, run: standIn(60_000, ran, 'holder'), log: (e) => events.push(e) });
    await waitFor(async () => ran.length === 1 && (await jobRow(db2, jobId)).status === 'running', 'the holder to run it');
    assert.equal(await pickJob(db2, 'other'), null, 'a running job with a live lease is skipped');
    assert.equal(await claimJob(db2, jobId, 'other'), false);
    assert.equal((await jobRow(db2, jobId)).worker, 'holder');

    // The lease's connection dies (as it does when its process is killed).
    const killed = await db2.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mtc import lease' AND datname = current_database()`,
    );
    assert.equal(killed.rowCount, 1);
    await waitFor(async () => events.some((e) => e.event === 'released' && e.why === 'lease lost'), 'the holder to notice', 10_000);
    await a.stop();
    assert.deepEqual(await pickJob(db2, 'other'), { jobId, takeover: true });
    await db2.query(`UPDATE public.import_jobs SET status = 'cancelled' WHERE id = $1`, [jobId]);
  });

  test('a job run by the command line (runImportHere) holds the lease too: a server’s worker leaves it alone, and takes it over once the command lets go', async () => {
    const [db1, db2] = dbs as [Database, Database];
    const jobId = (
      await createImportJob(db1, { kind: 'items', fileName: 'cli.csv', bytes: Buffer.from(itemsCsv(3, { prefix: 'Cli' })), status: 'running' }, CLI_ACTOR)
    ).jobId;
    const stop = new AbortController();
    const cliRan: { worker: string; jobId: number }[] = [];
    // runImportHere has no runner option: it runs the real engine. Here the engine is the point
    // only as far as it ends; the lease is checked while the command holds the job.
    const claimed = await claimJob(db1, jobId, 'cli');
    assert.ok(claimed);
    const { runLeased } = await import('../../../src/app/imports/worker.ts');
    const running = runLeased(db1, jobId, { name: 'cli', signal: stop.signal, run: standIn(60_000, cliRan, 'cli') });
    await waitFor(async () => cliRan.length === 1, 'the command to start');
    const serverRan: { worker: string; jobId: number }[] = [];
    const w = startImportWorker(db2, { name: 'server', pollMs: 10, run: standIn(10, serverRan, 'server') });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(serverRan, [], 'the server left the command’s job alone');
    stop.abort();
    assert.deepEqual(await running, { acquired: true, status: 'running', leaseLost: false });
    await waitFor(async () => (await jobRow(db2, jobId)).status === 'completed', 'the server to take it over and end it');
    await w.stop();
    assert.deepEqual(serverRan, [{ worker: 'server', jobId }]);

    // And with the real engine, start to end.
    const real = (await createImportJob(db1, { kind: 'items', fileName: 'cli2.csv', bytes: Buffer.from(itemsCsv(50, { prefix: 'Cli2' })) }, CLI_ACTOR)).jobId;
    const out = await runImportHere(db1, real);
    assert.deepEqual(out, { acquired: true, status: 'completed', leaseLost: false });
  });
});
