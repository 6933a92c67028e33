// While `mtc serve` holds an embedded database, every other mtc command on the directory works
// at once, through the server's socket, and keeps its promises there: migrate under its lock
// while the server's requests go on, import with its progress and run by one process only.
// A second server is refused at once; a killed server's socket is found stale and removed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { pgliteBackend } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { ROOT, mtc, serveMtc, startMtc } from '../helpers/cli.ts';
import type { ServingMtc } from '../helpers/cli.ts';
import { itemsCsv } from '../helpers/import-jobs.ts';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import { RECORD_NAME } from '../../src/db/shared/place.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { migrateProject } from '../helpers/migrated.ts';

/** A plain PostgreSQL client on the served database's socket, as any program of the user's could be. */
async function socketClient(dir: string): Promise<pg.Client> {
  const c = new pg.Client({ host: dir, port: 5432, user: 'test', database: 'postgres' });
  c.on('error', () => {});
  await c.connect();
  return c;
}

describe('mtc commands while mtc serve holds the embedded database', () => {
  let t: TestDatabase;
  let server: ServingMtc | undefined;
  let token = '';
  before(async () => {
    t = await pgliteBackend.create();
    const db = await t.open();
    try {
      await migrateProject(db);
      const admin = await createUser(db, { name: 'Admin', email: 'admin@example.com', role: 'admin', password: 'correct horse battery' }, CLI_ACTOR);
      token = (await createApiToken(db, admin.userId, 'tests', CLI_ACTOR)).token;
    } finally {
      await db.close();
    }
    server = await serveMtc(t.url);
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await t?.drop();
  });

  test('status, verify, schema show and user add work at once, and say nothing of the server', async () => {
    // --lock-timeout 1: a command that waited for the directory would fail
    const status = await mtc(['status', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /\d+ migrations on disk: \d+ applied, 0 pending/);
    assert.equal(status.stderr, '');
    const verify = await mtc(['verify', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /The database matches db\/schema\.sql\./);
    const show = await mtc(['schema', 'show', 'item_variant', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /item_variant/);
    const add = await mtc(['user', 'add', '--role', 'planner', '--email', 'planner@example.com', '--json', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(add.code, 0, add.stderr);
    const { password } = JSON.parse(add.stdout) as { password: string };
    const login = await fetch(`${server!.api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'planner@example.com', password }),
    });
    assert.equal(login.status, 200, 'the server does not see the user the command added');
  });

  test('import runs through the socket with its progress, by one process only', async () => {
    const file = join(dirname(t.url), 'stock.csv');
    await writeFile(file, itemsCsv(3000));
    const run = startMtc(['import', file, '--kind', 'items', '--database', t.url]);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /import: [\d,]+\/3,000 rows \(\d+%\)/);
    const jobId = Number(/\(job (\d+)\)/.exec(r.stdout)?.[1]);
    assert.match(r.stdout, /Imported .*stock\.csv as items \(job \d+\): 3,000 of 3,000 rows imported, 0 rejected/);
    const c = await socketClient(t.url);
    try {
      const job = (
        await c.query(
          'SELECT s.worker, s.crashed_runs, j.status FROM public.import_job_sources s JOIN public.import_jobs j ON j.id = s.import_job_id WHERE j.id = $1',
          [jobId],
        )
      ).rows[0];
      assert.equal(job.status, 'completed');
      assert.equal(job.crashed_runs, 0);
      const claimedByServer = server!.events().filter((e) => e.event === 'claimed' && e.jobId === jobId).length;
      // the command ran it, or the server got to it first and the command followed it: never both
      if (String(job.worker).includes(`:${run.child.pid}:`)) assert.equal(claimedByServer, 0);
      else assert.equal(claimedByServer, 1);
    } finally {
      await c.end();
    }
  });

  test('a second server on the directory is refused at once, naming the first', async () => {
    const started = Date.now();
    const second = await mtc(['serve', '--port', '0', '--database', t.url]);
    assert.equal(second.code, 3, second.stderr);
    assert.match(second.stderr, new RegExp(`already served by process ${server!.pid} \\(mtc serve, since \\d{4}-`));
    assert.match(second.stderr, /stop that server first/);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });

  test('migrate applies a new migration under the schema lock while the server goes on answering', async (ctx) => {
    const migrations = await mkdtemp(join(tmpdir(), 'mtc-shared-migrations-'));
    // the migration undone afterwards, so that the database matches db/schema.sql again for the other tests
    ctx.after(async () => {
      const c = await socketClient(t.url);
      try {
        await c.query('DROP TABLE IF EXISTS public.shared_extra');
        await c.query("DELETE FROM public.mtc_schema_history WHERE id = '0099_shared_extra'");
      } finally {
        await c.end();
      }
    });
    try {
      await cp(join(ROOT, 'migrations'), migrations, { recursive: true });
      await writeFile(join(migrations, '0099_shared_extra.sql'), 'CREATE TABLE public.shared_extra (id int PRIMARY KEY);\n');
      // another program holds the schema lock: migrate waits for it, then says so
      const holder = await socketClient(t.url);
      await holder.query('SELECT pg_advisory_lock(5067843, 1)');
      const refused = await mtc(['migrate', '--lock-timeout', '1', '--migrations', migrations, '--database', t.url]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /holds the schema lock.*--lock-timeout SECONDS/);
      await holder.end(); // gone without unlocking: the server frees its lock

      const answers: number[] = [];
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const res = await fetch(`${server!.api}/api/users`, { headers: { authorization: `Bearer ${token}` } });
          answers.push(res.status);
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const before = answers.length;
      const applied = await mtc(['migrate', '--lock-timeout', '5', '--migrations', migrations, '--database', t.url]);
      const during = answers.length - before;
      polling = false;
      await poll;
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /applied\s+0099_shared_extra/);
      assert.ok(during >= 3, `the server answered ${during} requests while migrate ran`);
      assert.deepEqual([...new Set(answers)], [200]);
      const status = await mtc(['status', '--json', '--migrations', migrations, '--database', t.url]);
      const s = JSON.parse(status.stdout) as { applied: { id: string }[]; pending: unknown[] };
      assert.ok(s.applied.some((a) => a.id === '0099_shared_extra'));
      assert.equal(s.pending.length, 0);
    } finally {
      await rm(migrations, { recursive: true, force: true });
    }
  });

  test("a killed server's socket is found stale and removed; the next command opens the directory itself and the next server starts", async () => {
    const socket = join(t.url, '.s.PGSQL.5432');
    assert.ok(existsSync(socket));
    await server!.stop('SIGKILL');
    assert.ok(existsSync(socket) && existsSync(join(t.url, RECORD_NAME)), 'the killed server left its socket and record');
    // (schema show: status would report the migration the test before applied from its own directory)
    const show = await mtc(['schema', 'show', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(existsSync(socket), false);
    assert.equal(existsSync(join(t.url, RECORD_NAME)), false);
    server = await serveMtc(t.url);
    const again = await mtc(['schema', 'show', '--lock-timeout', '1', '--database', t.url]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await server.stop('SIGTERM')).code, 0);
    server = undefined;
    assert.equal(existsSync(socket), false, 'a server stopped gracefully removes its socket');
    assert.equal(existsSync(join(t.url, RECORD_NAME)), false);
    server = await serveMtc(t.url); // serving again, as the other tests expect
  });
});

describe('a command while a process that does not serve it has the directory open', () => {
  test('waits up to --lock-timeout, then exits 3 naming the process; waiting longer, as the message says, works', async () => {
    const t = await pgliteBackend.create();
    const holder = await t.open(); // this test process: it has the directory open and does not serve it
    try {
      // a process of its own: one in this process would share the test's open database
      const refused = await startMtc(['schema', 'show', '--lock-timeout', '1', '--database', t.url]).done;
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, new RegExp(`in use by process ${process.pid} \\(since .*\\); waited 1 s\\. .*--lock-timeout SECONDS`));
      const patient = startMtc(['schema', 'show', '--lock-timeout', '60', '--database', t.url]);
      await new Promise((r) => setTimeout(r, 1000));
      await holder.close();
      const r = await patient.done;
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await holder.close().catch(() => {});
      await t.drop();
    }
  });
});
