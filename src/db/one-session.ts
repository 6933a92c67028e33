import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, DatabaseKind, Queryable, Session } from './types.ts';
import { inTransaction } from './types.ts';

/**
 * The turns of one PostgreSQL session that many callers share (PGlite is one session): whoever
 * holds it (a query, a transaction, a session, a client of the sharing socket in a
 * transaction) keeps the others waiting, first come first served.
 */
export interface SessionTurns {
  /** Runs `fn` holding the session; a call made from inside a holder runs at once, on its turn. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether the caller is inside a holder. */
  nested(): boolean;
  /** Waits for the session and holds it until the returned function is called (the sharing socket's turns). */
  take(): Promise<() => void>;
}

export function sessionTurns(): SessionTurns {
  const holding = new AsyncLocalStorage<boolean>();
  let tail: Promise<void> = Promise.resolve();
  const take = (): Promise<() => void> => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const previous = tail;
    tail = previous.then(() => released);
    return previous.then(() => release);
  };
  return {
    take,
    nested: () => holding.getStore() === true,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (holding.getStore()) return fn();
      const release = await take();
      try {
        return await holding.run(true, fn);
      } finally {
        release();
      }
    },
  };
}

/**
 * A Database over one session reached through `raw`: calls take turns (see SessionTurns), so
 * code written for a server (a lock session plus a work session, a transaction that calls the
 * database again) runs unchanged, nested calls running on the session their caller holds.
 * `sessionScope` runs as an outermost `session()` begins, and what it returns as that session
 * ends: there the adapter drops what a server would drop with the connection.
 */
export function oneSessionDatabase(parts: {
  kind: DatabaseKind;
  location: string;
  raw: Queryable;
  turns: SessionTurns;
  sessionScope?: (raw: Queryable) => Promise<() => Promise<void>>;
  close: () => Promise<void>;
  sharedAt?: string | undefined;
}): Database {
  const { raw, turns } = parts;
  let pid: number | undefined;
  return {
    kind: parts.kind,
    // one session serves every caller in turn
    concurrent: false,
    location: parts.location,
    ...(parts.sharedAt !== undefined ? { sharedAt: parts.sharedAt } : {}),
    query: (sql, params) => turns.run(() => raw.query(sql, params)),
    exec: (sql) => turns.run(() => raw.exec(sql)),
    transaction: (fn) => turns.run(() => inTransaction(raw, fn)),
    session: <T>(fn: (s: Session) => Promise<T>) => {
      const outermost = !turns.nested();
      return turns.run(async () => {
        pid ??= Number((await raw.query<{ pid: number | string }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0);
        const end = outermost ? await parts.sessionScope?.(raw) : undefined;
        try {
          // one session, never a pooler's: its state stays
          return await fn({ ...raw, pid: pid ?? 0, keepsState: true });
        } finally {
          await end?.();
        }
      });
    },
    close: parts.close,
  };
}
