import { DatabaseError } from './types.ts';

/**
 * The SQLSTATEs that say the database could not do the work just now, not that the work is
 * wrong: the same statements, run again later on a new connection, may well succeed. The
 * import engine leaves a job stopped by one of these `running`, to be resumed, and the import
 * worker lets such a job go for a later pick instead of failing it (src/app/imports/).
 *
 * Left out on purpose: 57014 (a statement timeout would stop the same rows again, and a
 * cancel is someone's decision to stop), 57P04 (the database was dropped), 53400 (a
 * configured limit the same work reaches again), 40002 (a deferred constraint refused the
 * data at commit: the rows' fault). Anything not listed is not transient.
 */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  // class 08, connection exception: the connection broke or could not be made; a new one may work
  '08000', // connection exception
  '08001', // the client could not establish the connection
  '08003', // the connection does not exist (any more)
  '08004', // the server rejected the connection
  '08006', // the connection failed
  '08007', // the connection broke while a transaction ended: its outcome is read again on resuming
  '08P01', // a protocol violation, as when a connection is cut mid-message
  // class 40, transaction rollback: PostgreSQL rolled back a transaction that may be run again as it is
  '40001', // serialization failure: a concurrent transaction won; run again, it can succeed
  '40P01', // deadlock detected: this transaction was chosen as the victim; the other one finishes
  // class 53, insufficient resources: the server lacks them now, not for good
  '53000', // insufficient resources
  '53100', // disk full: space may be freed
  '53200', // out of memory: other sessions release theirs
  '53300', // too many connections: others close
  // class 55: another session holds the lock now
  '55P03', // lock not available (lock_timeout or NOWAIT): the holder lets go
  // class 57, operator intervention: the server is going down or not up yet; it comes back
  '57P01', // admin shutdown: the server is stopping (or pg_terminate_backend ended this session)
  '57P02', // crash shutdown: another backend crashed and the server restarts
  '57P03', // cannot connect now: the server is starting or in recovery
  '57P05', // idle session timeout: the session was closed for idling; a new one is made
]);

/** Network failures of the driver's socket (no SQLSTATE): the database went away, for now. */
const TRANSIENT_ERRNO = /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH)/;

/** Whether a SQLSTATE is transient (see TRANSIENT_SQLSTATES). */
export function isTransientSqlstate(code: string): boolean {
  return TRANSIENT_SQLSTATES.has(code);
}

/**
 * Whether `err` says the database could not do the work just now (a transient SQLSTATE, or
 * the socket to it failed), not that the work is wrong.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof DatabaseError) return isTransientSqlstate(err.code);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_ERRNO.test(code);
}
