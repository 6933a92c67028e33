// The embedded database shared through its serving process's socket: PGlite is one session,
// so a client's transaction must keep everyone else out until it ends, and a client that goes
// away (killed, or idle in a transaction too long) must leave nothing behind: its
// transaction rolled back, its advisory locks freed, the server answering.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { openDatabase } from '../../src/db/open.ts';
import { connectShared } from '../../src/db/shared/client.ts';
import { RECORD_NAME } from '../../src/db/shared/place.ts';
import type { Database } from '../../src/db/types.ts';
import { acquireSchemaLock, releaseSchemaLock } from '../../src/schema/migrations/lock.ts';
import { TEMPLATE_DIR } from '../helpers/template.ts';
import { waitFor } from '../helpers/wait.ts';

const SCHEMA_LOCK = 'pg_advisory_lock(5067843, 1)';

async function client(socket: string): Promise<pg.Client> {
  const c = new pg.Client({ host: dirname(socket), port: 5432, user: 'test', database: 'postgres' });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Whether `p` is still pending after `ms`. */
async function stillPending(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return !settled;
}

async function advisoryLocks(db: Database): Promise<string[]> {
  const r = await db.query<{ k: string }>("SELECT classid || ':' || objid AS k FROM pg_locks WHERE locktype = 'advisory' ORDER BY 1");
  return r.rows.map((x) => x.k);
}

describe('the embedded database shared over its socket', () => {
  let root: string;
  let dir: string;
  let served: Database;
  let socket: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mtc-shared-'));
    dir = join(root, 'pgdata');
    await cp(TEMPLATE_DIR, dir, { recursive: true });
    served = await openDatabase(dir, { share: { idleInTransactionMs: 1500 } });
    socket = served.sharedAt!;
    await served.exec('CREATE TABLE shared_t (id int PRIMARY KEY, note text)');
  });
  after(async () => {
    await served?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('the socket is in the data directory, a socket file only its owner may use, named in a record of the owner only', async () => {
    assert.equal(socket, join(dir, '.s.PGSQL.5432'));
    const s = statSync(socket);
    assert.ok(s.isSocket());
    assert.equal(s.mode & 0o777, 0o600);
    assert.equal(s.uid, process.getuid!());
    const record = JSON.parse(await readFile(join(dir, RECORD_NAME), 'utf8')) as { pid: number; socket: string };
    assert.deepEqual([record.pid, record.socket], [process.pid, socket]);
    assert.equal(statSync(join(dir, RECORD_NAME)).mode & 0o777, 0o600);
  });

  test('another user cannot connect to it', { skip: process.getuid?.() !== 0 ? 'needs root, to run a process as another user' : false }, () => {
    const probe = `const s = require('node:net').connect(${JSON.stringify(socket)}); s.on('connect', () => { console.log('connected'); process.exit(0); }); s.on('error', (e) => { console.log(e.code); process.exit(0); });`;
    const r = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'EACCES', r.stderr);
  });

  test("a client's transaction keeps other clients and the server's own queries out until it commits", async () => {
    const a = await client(socket);
    const b = await client(socket);
    try {
      await a.query('BEGIN');
      await a.query("INSERT INTO shared_t VALUES (1, 'a')");
      const fromB = b.query('SELECT count(*)::int AS n FROM shared_t');
      const fromServer = served.query<{ n: number }>('SELECT count(*)::int AS n FROM shared_t');
      assert.ok(await stillPending(fromB, 300), "another client's statement ran inside the transaction");
      assert.ok(await stillPending(fromServer, 50), "the server's own statement ran inside the transaction");
      await a.query('COMMIT');
      assert.equal((await fromB).rows[0].n, 1);
      assert.equal((await fromServer).rows[0]?.n, 1);
    } finally {
      await a.end();
      await b.end();
    }
  });

  test('a client gone in the middle of a transaction is rolled back, its advisory locks freed, and the server answers', async () => {
    const a = await client(socket);
    await a.query(`SELECT ${SCHEMA_LOCK}`);
    await a.query('BEGIN');
    await a.query("INSERT INTO shared_t VALUES (2, 'lost')");
    const waiting = served.query<{ n: number }>('SELECT count(*)::int AS n FROM shared_t WHERE id = 2');
    assert.ok(await stillPending(waiting, 200));
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy(); // as a kill -9 would
    assert.equal((await waiting).rows[0]?.n, 0);
    assert.deepEqual(await advisoryLocks(served), []);
    await a.end().catch(() => {});
  });

  test('a half-sent extended query from a client that goes away commits nothing', async () => {
    const s = connect(socket);
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write(serialize.startup({ user: 'test', database: 'postgres' }));
    await new Promise<void>((r) => s.once('data', () => r()));
    s.write(
      Buffer.concat([serialize.parse({ text: "INSERT INTO shared_t VALUES (3, 'half')" }), serialize.bind({}), serialize.execute({}), serialize.flush()]),
    );
    await new Promise<void>((r) => s.once('data', () => r())); // the INSERT ran, in an implicit transaction not yet ended
    s.destroy();
    const r = await served.query<{ n: number }>('SELECT count(*)::int AS n FROM shared_t WHERE id = 3');
    assert.equal(r.rows[0]?.n, 0);
  });

  test('a client idle in a transaction too long is disconnected and rolled back', async () => {
    const a = await client(socket);
    await a.query('BEGIN');
    await a.query("INSERT INTO shared_t VALUES (4, 'idle')");
    const waiting = served.query<{ n: number }>('SELECT count(*)::int AS n FROM shared_t WHERE id = 4');
    assert.equal((await waiting).rows[0]?.n, 0); // answered once the 1.5 s allowance ran out
    await assert.rejects(a.query('COMMIT'));
    await a.end().catch(() => {});
  });

  test("the schema lock is one command's at a time, and freed when its holder goes away without giving it back", async () => {
    const first = await connectShared(socket, dir);
    const second = await connectShared(socket, dir);
    try {
      await first.session((s) => acquireSchemaLock(s, 1000));
      const started = Date.now();
      await assert.rejects(
        second.session((s) => acquireSchemaLock(s, 500)),
        (err: Error & { code?: string }) => err.code === 'LOCK_TIMEOUT' && /--lock-timeout SECONDS/.test(err.message),
      );
      assert.ok(Date.now() - started >= 450);
      await first.close(); // never released: the server frees it
      await second.session(async (s) => {
        await acquireSchemaLock(s, 2000);
        await releaseSchemaLock(s);
      });
      assert.deepEqual(await advisoryLocks(served), []);
    } finally {
      await second.close();
    }
  });

  test('a session of the serving process frees only the advisory locks it took', async () => {
    const a = await client(socket);
    try {
      await a.query('SELECT pg_advisory_lock(7, 7)');
      await served.session(async (s) => {
        await s.query('SELECT pg_advisory_lock(8, 8)');
      });
      assert.deepEqual(await advisoryLocks(served), ['7:7']);
    } finally {
      await a.end();
    }
    await waitFor(async () => (await advisoryLocks(served)).length === 0, "the client's lock to be freed");
  });
});

describe('a data directory too deep for a socket path', () => {
  test('gets its socket in a private directory of the user, named in the record, removed when the server stops', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mtc-shared-deep-'));
    const dir = join(root, 'a-directory-name-long-enough'.repeat(3), 'and-deeper-still'.repeat(3), 'pgdata');
    await mkdir(dirname(dir), { recursive: true });
    await cp(TEMPLATE_DIR, dir, { recursive: true });
    const served = await openDatabase(dir, { share: true });
    try {
      const socket = served.sharedAt!;
      assert.ok(!socket.startsWith(dir), socket);
      assert.ok(Buffer.byteLength(socket) <= 107);
      assert.equal(statSync(dirname(socket)).mode & 0o777, 0o700);
      assert.equal(statSync(socket).mode & 0o777, 0o600);
      const record = JSON.parse(await readFile(join(dir, RECORD_NAME), 'utf8')) as { socket: string };
      assert.equal(record.socket, socket);
      const other = await openDatabase(dir, { lockTimeoutMs: 2000 });
      try {
        assert.deepEqual((await other.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
      } finally {
        await other.close();
      }
      await served.close();
      assert.equal(existsSync(socket), false);
      assert.equal(existsSync(dirname(socket)), false);
      assert.equal(existsSync(join(dir, RECORD_NAME)), false);
    } finally {
      await served.close().catch(() => {});
      await rm(root, { recursive: true, force: true });
    }
  });
});
