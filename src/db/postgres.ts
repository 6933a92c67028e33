import pg from 'pg';
import type { Database, Queryable, QueryResult, Session } from './types.ts';
import { inTransaction, toDatabaseError } from './types.ts';

// Numeric, bigint and date types stay strings: money and ids must never pass through a binary float.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700 || oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A node-postgres client as a Queryable: numeric, bigint and date as strings, errors as DatabaseError. */
export function wrap(client: pg.ClientBase): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const r = await client.query({ text: sql, values: params ? [...params] : [], types });
        return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
      } catch (err) {
        throw toDatabaseError(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (err) {
        throw toDatabaseError(err);
      }
    },
  };
}

/** A PostgreSQL server through node-postgres, with a small pool; `keepsSessions`: see OpenOptions. */
export async function openPostgres(url: string, location: string, options: { keepsSessions?: boolean } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'mtc' } as pg.PoolConfig);
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const q = wrap(pool as unknown as pg.ClientBase);
  const db: Database = {
    kind: 'postgres',
    concurrent: true,
    location,
    query: q.query,
    exec: q.exec,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => withClient(pool, false, (tx) => inTransaction(tx, fn)),
    async session<T>(fn: (s: Session) => Promise<T>): Promise<T> {
      // A session's connection is closed afterwards, never pooled: its locks and settings die with it.
      return withClient(pool, true, async (w, client) => {
        const pid = (await w.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
        // Through a pooler the process named at start (BackendKeyData) is the pooler's own.
        const keepsState = options.keepsSessions === true || (client as { processID?: number }).processID === pid;
        return fn({ ...w, pid, keepsState });
      });
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
  return db;
}

async function withClient<T>(pool: pg.Pool, destroy: boolean, fn: (q: Queryable, client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toDatabaseError(err);
  }
  let failed = false;
  // A connection that dies while checked out (its server restarts, its backend is terminated)
  // emits 'error' between queries; unheard, that would end the process. The next query on it
  // fails and reports it.
  const ignore = () => {};
  client.on('error', ignore);
  try {
    return await fn(wrap(client), client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.off('error', ignore);
    client.release(destroy || failed);
  }
}
