import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult, Session } from './types.ts';
import { inTransaction, toDatabaseError } from './types.ts';
import { MtcError } from '../schema/errors.ts';
import { compileWasmQuickly } from './wasm.ts';

export interface PgliteOptions {
  /** A `dumpDataDir` tarball to start from instead of running initdb (seconds faster). */
  template?: Blob | File | undefined;
  /** How long to wait for another process holding the data directory. */
  lockTimeoutMs?: number | undefined;
}

// Numeric, bigint and date stay strings, as with the server adapter.
const parsers = { 20: (v: string) => v, 1700: (v: string) => v, 1082: (v: string) => v };

/**
 * PGlite, embedded: `dir` undefined means in memory. PGlite is one session in one
 * process, so calls are serialised here, and a file-backed directory is guarded by a
 * lock file so that two processes never open it at once.
 */
export async function openPglite(dir: string | undefined, location: string, options: PgliteOptions = {}): Promise<Database> {
  compileWasmQuickly();
  const { PGlite } = await import('@electric-sql/pglite');
  let release: (() => Promise<void>) | undefined;
  if (dir !== undefined) {
    await mkdir(dirname(dir), { recursive: true });
    release = await lockDirectory(`${dir}.lock`, options.lockTimeoutMs ?? 60_000);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      // One transaction that creates thousands of tables and indexes (a snapshot, a big
      // migration) needs a lock for each; the default lock table runs out near 2,000.
      startParams: [...PGlite.defaultStartParams, '-c', 'max_locks_per_transaction=8192'],
      ...(dir !== undefined ? { dataDir: dir } : {}),
      ...(options.template ? { loadDataDir: options.template } : {}),
      parsers,
    });
  } catch (err) {
    await release?.();
    throw err;
  }
  const raw: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const r = await pglite.query<R>(sql, params ? [...params] : []);
        return { rows: r.rows, rowCount: Math.max(r.rows.length, r.affectedRows ?? 0) };
      } catch (err) {
        throw toDatabaseError(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await pglite.exec(sql);
      } catch (err) {
        throw toDatabaseError(err);
      }
    },
  };
  // One session: whoever holds it (a transaction, a session) keeps others waiting. Calls made
  // from inside a holder (a session within a session, say) run at once on that same session.
  const holding = new AsyncLocalStorage<boolean>();
  let tail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (holding.getStore()) return fn();
    const run = tail.then(
      () => holding.run(true, fn),
      () => holding.run(true, fn),
    );
    tail = run.catch(() => {});
    return run;
  }
  const nested = () => holding.getStore() === true;
  let pid: number | undefined;
  const db: Database = {
    kind: 'pglite',
    location,
    query: (sql, params) => exclusive(() => raw.query(sql, params)),
    exec: (sql) => exclusive(() => raw.exec(sql)),
    transaction: (fn) => exclusive(() => inTransaction(raw, fn)),
    session: <T>(fn: (s: Session) => Promise<T>) => {
      const outermost = !nested();
      return exclusive(async () => {
        pid ??= (await raw.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
        try {
          return await fn({ ...raw, pid: pid ?? 0 });
        } finally {
          // the session ends: what a server would drop with the connection goes here too
          if (outermost) await raw.exec('ROLLBACK; SELECT pg_advisory_unlock_all(); RESET ALL').catch(() => {});
        }
      });
    },
    async close() {
      await exclusive(async () => {
        await pglite.close();
      });
      await release?.();
    },
  };
  return db;
}

/**
 * An exclusive lock file holding the owner's pid and start time. A lock whose process is
 * gone is taken over; a live one is waited for, up to the timeout.
 */
async function lockDirectory(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
      await fh.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(path);
    if (holder === 'stale') {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new MtcError(
        'LOCK_TIMEOUT',
        `the embedded database ${dirname(path)} is in use by process ${holder.pid} (since ${holder.started}); waited ${Math.round(timeoutMs / 1000)} s. Stop that process or wait for it, or raise --lock-timeout`,
        'connection',
        { holderPid: holder.pid, holderStarted: holder.started },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LockHolder {
  pid: number;
  started: string;
}

/** The live holder of a lock file, or 'stale' when its process is gone (or it is unreadable and old). */
async function readHolder(path: string): Promise<LockHolder | 'stale'> {
  let text: string;
  let modified: Date;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtime)]);
  } catch {
    return 'stale'; // removed meanwhile: try again at once
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; started?: unknown };
    if (typeof parsed.pid === 'number') {
      return isAlive(parsed.pid) ? { pid: parsed.pid, started: String(parsed.started ?? modified.toISOString()) } : 'stale';
    }
  } catch {
    // being written right now: a fresh unreadable file is someone's lock
  }
  return Date.now() - modified.getTime() < 2000 ? { pid: 0, started: modified.toISOString() } : 'stale';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
