// A session says whether its state outlasts a transaction (Session.keepsState): through a
// connection pooler it may not, and both server adapters (node-postgres, and the lean client
// of the schema engine) see one, by the process the connection was told of at start not being
// the server's. An address opened as one that keeps sessions is taken at its word; the schema
// lock refuses a session that may not keep it, before taking anything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postgresBackend, serverUrl } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { startPgBouncer } from '../helpers/pgbouncer.ts';
import type { Pooler } from '../helpers/pgbouncer.ts';
import { openDatabase } from '../../src/db/open.ts';
import { MtcError } from '../../src/errors.ts';
import { acquireSchemaLock, releaseSchemaLock } from '../../src/schema/migrations/lock.ts';

describe('sessions through PgBouncer', { skip: postgresBackend.skip }, () => {
  let poolers: Pooler[] = [];
  let t: TestDatabase;
  before(async () => {
    poolers = await Promise.all([startPgBouncer(serverUrl as string, 'transaction'), startPgBouncer(serverUrl as string, 'session')]);
    t = await postgresBackend.create();
  });
  after(async () => {
    await t?.drop();
    for (const p of poolers) p.stop();
  });

  for (const lean of [false, true]) {
    const client = lean ? 'the lean client' : 'node-postgres';
    test(`${client}: a session keeps its state directly, not through a pooler in either mode unless the address is declared to keep sessions`, async () => {
      const keeps = async (url: string, keepsSessions: boolean) => {
        const db = await openDatabase(url, { lean, keepsSessions });
        try {
          return await db.session(async (s) => {
            // the pid is the server's own, whatever the connection was told at start
            const backend = await s.query<{ pid: number | string }>('SELECT pg_backend_pid() AS pid');
            assert.equal(Number(backend.rows[0]?.pid), s.pid);
            return s.keepsState;
          });
        } finally {
          await db.close();
        }
      };
      const [transaction, session] = poolers.map((p) => p.through(t.url)) as [string, string];
      assert.equal(await keeps(t.url, false), true, 'PostgreSQL itself');
      assert.equal(await keeps(transaction, false), false, 'PgBouncer in transaction mode');
      assert.equal(await keeps(session, false), false, 'a pooler in session mode cannot be told from one in transaction mode');
      assert.equal(await keeps(session, true), true, 'declared to keep sessions (MTC_DIRECT_DATABASE_URL)');
    });

    test(`${client}: the schema lock refuses a session through a pooler with SESSION_NOT_KEPT, taking nothing`, async () => {
      const db = await openDatabase(poolers[0]!.through(t.url), { lean });
      try {
        await assert.rejects(
          db.session((s) => acquireSchemaLock(s, 1000)),
          (err: unknown) =>
            err instanceof MtcError && err.code === 'SESSION_NOT_KEPT' && err.category === 'usage' && /MTC_DIRECT_DATABASE_URL/.test(err.message),
        );
        const held = await db.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())`,
        );
        assert.equal(Number(held.rows[0]?.n), 0);
      } finally {
        await db.close();
      }
      const direct = await openDatabase(t.url, { lean });
      try {
        await direct.session(async (s) => {
          await acquireSchemaLock(s, 1000);
          await releaseSchemaLock(s);
        });
      } finally {
        await direct.close();
      }
    });
  }
});
