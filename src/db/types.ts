/** The one small interface every part of MTC uses to talk to PostgreSQL, embedded or server. */

export interface QueryResult<R> {
  rows: R[];
  /** Rows affected by INSERT/UPDATE/DELETE, or returned by SELECT. */
  rowCount: number;
}

/** Anything that runs SQL: a database, a transaction or a session. */
export interface Queryable {
  /** One statement with `$1`-style parameters (extended protocol). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** A script of any number of statements, no parameters (simple protocol). */
  exec(sql: string): Promise<void>;
}

/**
 * A dedicated connection: a transaction's state stays on it, and session state (SET, session
 * advisory locks) does too where `keepsState` says so.
 */
export interface Session extends Queryable {
  /** The server process id of this session. */
  readonly pid: number;
  /**
   * Whether session state (SET, session-level advisory locks) is sure to outlast a
   * transaction on this connection. False through a connection pooler (seen as the server's
   * process not being the one the connection was told of at start), since one in transaction
   * mode (PgBouncer's) hands each transaction to any server connection; true there only when
   * the address was opened as one that keeps sessions (OpenOptions.keepsSessions: PostgreSQL
   * itself, or a pooler in session mode, in the user's word).
   */
  readonly keepsState: boolean;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /**
   * Whether callers' statements run at the same time: true on a server (a pool of
   * connections), false on the embedded database (one connection serves every caller in
   * turn, so a long statement or an open transaction makes everyone else wait). Code above
   * src/db asks this, never `kind`.
   */
  readonly concurrent: boolean;
  /** Where it is, with any password removed, for messages. */
  readonly location: string;
  /** The socket through which other local processes reach this embedded database, while this process serves it (`mtc serve`). */
  readonly sharedAt?: string;
  /**
   * Runs `fn` inside BEGIN … COMMIT on one connection; rolls back and rethrows when `fn` throws.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` on a connection of its own, released (and its session locks with it) afterwards; see Session.keepsState. */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * An error reported by PostgreSQL, the same shape from both adapters.
 * `position` is PostgreSQL's: 1-based, in characters of the statement text sent.
 */
export class DatabaseError extends Error {
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly position: number | undefined;
  readonly where: string | undefined;
  readonly internalPosition: number | undefined;
  readonly internalQuery: string | undefined;
  constructor(fields: {
    message: string;
    code: string;
    detail?: string | undefined;
    hint?: string | undefined;
    position?: number | undefined;
    where?: string | undefined;
    internalPosition?: number | undefined;
    internalQuery?: string | undefined;
  }) {
    super(fields.message);
    this.name = 'DatabaseError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
    this.where = fields.where;
    this.internalPosition = fields.internalPosition;
    this.internalQuery = fields.internalQuery;
  }
}

/** True when `err` is PostgreSQL refusing a row for the unique index (or constraint) `index`. */
export function violates(err: unknown, index: string): boolean {
  return err instanceof DatabaseError && err.code === '23505' && err.message.includes(`"${index}"`);
}

interface RawPgError {
  message?: unknown;
  code?: unknown;
  detail?: unknown;
  hint?: unknown;
  position?: unknown;
  where?: unknown;
  internalPosition?: unknown;
  internalQuery?: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Turns a driver's error into a DatabaseError when it carries a SQLSTATE; leaves others alone. */
export function toDatabaseError(err: unknown): unknown {
  if (err instanceof DatabaseError || typeof err !== 'object' || err === null) return err;
  const e = err as RawPgError;
  const code = str(e.code);
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return err;
  return new DatabaseError({
    message: str(e.message) ?? 'database error',
    code,
    detail: str(e.detail),
    hint: str(e.hint),
    position: num(e.position),
    where: str(e.where),
    internalPosition: num(e.internalPosition),
    internalQuery: str(e.internalQuery),
  });
}

/** Runs `fn` between BEGIN and COMMIT on `q`; rolls back and rethrows when it throws. */
export async function inTransaction<T>(q: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await q.exec('BEGIN');
  try {
    const out = await fn(q);
    await q.exec('COMMIT');
    return out;
  } catch (err) {
    await q.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}
