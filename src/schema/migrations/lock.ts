import type { Session } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';

/** The advisory lock every schema run holds: two int4 keys, 'MTC' and 1. */
export const LOCK_KEYS = [0x4d5443, 1] as const;
export const LOCK_SQL = `pg_advisory_lock(${LOCK_KEYS[0]}, ${LOCK_KEYS[1]})`;
export const UNLOCK_SQL = `pg_advisory_unlock(${LOCK_KEYS[0]}, ${LOCK_KEYS[1]})`;

interface Holder {
  pid: number;
  backend_start: string | null;
  application_name: string | null;
  client_addr: string | null;
  usename: string | null;
}

// Held by this very session already: only where one session is shared (an embedded
// database reached through the process serving it), and then by another command.
const HELD_IN_THIS_SESSION = `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
  AND classid = ${LOCK_KEYS[0]} AND objid = ${LOCK_KEYS[1]} AND objsubid = 2)`;
// An advisory lock is re-entrant within a session: taking it there again would succeed, so it
// is taken only when the session does not hold it yet. (void::text is '', so this is true.)
const TAKE_SQL = `SELECT CASE WHEN ${HELD_IN_THIS_SESSION} THEN false ELSE ${LOCK_SQL}::text = '' END AS taken`;

/**
 * Takes the schema lock on `session`, waiting up to `timeoutMs`. On a server the server's
 * lock_timeout does the waiting, so no polling; on timeout, raises LOCK_TIMEOUT naming the
 * holder's pid and start time as the server reports them. In a session shared by several
 * commands (an embedded database reached through `mtc serve`) the lock may be held by the
 * session itself, for another command: then it is looked at again every 200 ms.
 */
export async function acquireSchemaLock(session: Session, timeoutMs: number): Promise<void> {
  assertKeepsState(session);
  const deadline = Date.now() + timeoutMs;
  await session.exec(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    for (;;) {
      const taken = (await session.query<{ taken: boolean | string }>(TAKE_SQL)).rows[0]?.taken;
      if (taken === true || taken === 't') return;
      if (Date.now() >= deadline) {
        throw new MtcError(
          'LOCK_TIMEOUT',
          `another mtc command on this database holds the schema lock (a migrate or adopt run through the process serving the embedded database); waited ${formatSeconds(timeoutMs)}. Let it finish, or stop it, or run this again with a longer wait (--lock-timeout SECONDS)`,
          'connection',
          { holder: null },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, deadline - Date.now()))));
    }
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '55P03') {
      const holder = await lockHolder(session).catch(() => undefined);
      const who = holder
        ? `process ${holder.pid}${holder.backend_start ? ` (connected since ${holder.backend_start}` : ' ('}${holder.application_name ? `, application "${holder.application_name}"` : ''}${holder.usename ? `, user ${holder.usename}` : ''}${holder.client_addr ? ` from ${holder.client_addr}` : ''})`
        : 'another session';
      throw new MtcError(
        'LOCK_TIMEOUT',
        `another migration run holds the schema lock: ${who}; waited ${formatSeconds(timeoutMs)}. Let it finish, or stop it (SELECT pg_terminate_backend(${holder?.pid ?? 'pid'})) if it is stuck, or run this again with a longer wait (--lock-timeout SECONDS)`,
        'connection',
        { holder },
      );
    }
    throw err;
  } finally {
    await session.exec('RESET lock_timeout').catch(() => {});
  }
}

/**
 * Refuses (SESSION_NOT_KEPT, a configuration error) a session that may not keep the lock: one
 * through a connection pooler in transaction mode would leave it on whichever server
 * connection ran that statement, held for another client or released by no one, while the run
 * went on unguarded. Raised before anything is done.
 */
function assertKeepsState(session: Session): void {
  if (session.keepsState) return;
  throw new MtcError(
    'SESSION_NOT_KEPT',
    'the schema lock is a session-level advisory lock, and this connection reaches PostgreSQL through a connection pooler, which may not keep a session (PgBouncer in transaction mode hands each transaction to any server connection); nothing was done. Set MTC_DIRECT_DATABASE_URL (or --direct-database URL) to an address that keeps sessions, PostgreSQL itself or a pooler in session mode, and run this again: migrate and adopt use it, everything else DATABASE_URL',
    'usage',
  );
}

/** Releases the schema lock (closing the session releases it too). */
export async function releaseSchemaLock(session: Session): Promise<void> {
  await session.query(`SELECT ${UNLOCK_SQL}`);
}

async function lockHolder(session: Session): Promise<Holder | undefined> {
  const r = await session.query<Holder>(
    `SELECT a.pid, to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS backend_start, a.application_name, host(a.client_addr) AS client_addr, a.usename
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${LOCK_KEYS[0]} AND l.objid = ${LOCK_KEYS[1]} AND l.objsubid = 2
      LIMIT 1`,
  );
  return r.rows[0];
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
