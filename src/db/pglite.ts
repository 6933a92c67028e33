import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Extensions, PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './types.ts';
import { toDatabaseError } from './types.ts';
import { oneSessionDatabase, sessionTurns } from './one-session.ts';
import { AdvisoryLocks, heldAdvisoryLocks } from './shared/advisory.ts';
import { readServeRecord, removeServeTraces } from './shared/place.ts';
import type { Owner, SharedSession } from './shared/server.ts';
import { MtcError } from '../errors.ts';
import { compileWasmQuickly } from './wasm.ts';

export interface PgliteOptions {
  /** A `dumpDataDir` tarball to start from instead of running initdb (seconds faster). */
  template?: Blob | File | undefined;
  /** How long to wait for another process holding the data directory. */
  lockTimeoutMs?: number | undefined;
  /**
   * Offer the database to this machine's other mtc commands over a socket in its directory
   * while it is open (what `mtc serve` does); refuse at once when another process serves it.
   */
  share?: boolean | { idleInTransactionMs?: number } | undefined;
  /**
   * The caller sends only SQL without parameters and reads every value as text (the schema
   * engine: status, verify, schema show): through a serving process's socket it then goes by
   * the lean client, without loading node-postgres. Opened in this process, it changes nothing.
   */
  lean?: boolean | undefined;
  /**
   * Load the PostgreSQL extensions MTC uses where a server has them (pg_trgm, for item search);
   * default true. False opens PGlite as a server without them is (tests of the fallback); a
   * directory whose database created them cannot be opened so.
   */
  extensions?: boolean | undefined;
}

// One transaction that creates thousands of tables and indexes (a snapshot, a big migration)
// needs a lock for each, and the shared lock table holds max_locks_per_transaction for each
// possible backend: PostgreSQL's 64 runs out near 2,000 tables. PGlite is one session, so
// the backends PostgreSQL sizes its shared memory for (100 connections, 16 autovacuum
// workers, 10 WAL senders) are cut to a handful: sized for 100 connections, the lock table
// cost 0.5 s and 250 MB at every start (docs/BENCHMARKS.md). As set, 9,000 tables with their
// keys, indexes and sequences (63,000 relations) are made in one transaction.
const START_SETTINGS = [
  'max_connections=4',
  'superuser_reserved_connections=0',
  'reserved_connections=0',
  'autovacuum_worker_slots=1',
  'max_wal_senders=0',
  'max_locks_per_transaction=16384',
];

// A process that does not serve the database runs a command and ends: 16 MB of buffers
// instead of 128 start 0.4 s sooner and 115 MB lighter, and measured no slower for a
// command's work (a migration from empty, a 20,000-row import). A served database keeps
// PostgreSQL's 128 MB: it lives long.
const COMMAND_SETTINGS = ['shared_buffers=16MB'];

/**
 * bytea in PostgreSQL's hex form ("\\x" and two digits a byte), done natively: PGlite's own
 * code does it a byte at a time, which took 7 s to store a megabyte of an import file and over
 * a second to read it back (now a tenth of that, and less).
 */
const BYTEA = 17;
function byteaFromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}
function byteaToHex(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

// Numeric, bigint and date stay strings, as with the server adapter.
const parsers = { 20: (v: string) => v, 1700: (v: string) => v, 1082: (v: string) => v, [BYTEA]: byteaFromHex };
const serializers = { [BYTEA]: byteaToHex };

/**
 * PGlite, embedded: `dir` undefined means in memory. PGlite is one session in one process,
 * so calls take turns (one-session.ts). A file-backed directory is one process's at a time,
 * guarded by a lock file; while the process holding it serves it (`share`), other processes
 * get the database through that process's socket instead (shared/), and only wait when the
 * holder does not serve it.
 */
export async function openPglite(dir: string | undefined, location: string, options: PgliteOptions = {}): Promise<Database> {
  let release: (() => Promise<void>) | undefined;
  if (dir !== undefined) {
    await mkdir(dirname(dir), { recursive: true });
    const claim = await claimDirectory(dir, location, options);
    if ('database' in claim) return claim.database;
    release = claim.release;
  }
  compileWasmQuickly();
  const { PGlite } = await import('@electric-sql/pglite');
  const extensions: Extensions = options.extensions === false ? {} : { pg_trgm: (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm };
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      extensions,
      startParams: [...PGlite.defaultStartParams, ...[...START_SETTINGS, ...(options.share ? [] : COMMAND_SETTINGS)].flatMap((s) => ['-c', s])],
      ...(dir !== undefined ? { dataDir: dir } : {}),
      ...(options.template ? { loadDataDir: options.template } : {}),
      parsers,
      serializers,
    });
  } catch (err) {
    await release?.();
    throw err;
  }
  const turns = sessionTurns();
  const locks = options.share && dir !== undefined ? new AdvisoryLocks<Owner>() : undefined;
  // the session as it is, for the adapter's own bookkeeping
  const direct: Queryable = {
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
  // what this process's code runs: noted, so that the sharing server knows whose locks are whose
  const raw: Queryable = locks
    ? {
        query: (sql, params) => {
          locks.note(sql);
          return direct.query(sql, params);
        },
        exec: (sql) => {
          locks.note(sql);
          return direct.exec(sql);
        },
      }
    : direct;
  let shared: SharedSession | undefined;
  if (locks && dir !== undefined) {
    try {
      const { shareSession } = await import('./shared/server.ts');
      shared = await shareSession({
        dataDir: dir,
        exec: (m) => pglite.execProtocolRaw(m),
        raw: direct,
        turns,
        locks,
        ...(typeof options.share === 'object' ? options.share : {}),
      });
    } catch (err) {
      await pglite.close().catch(() => {});
      await release?.();
      throw err;
    }
  }
  return oneSessionDatabase({
    kind: 'pglite',
    location,
    raw,
    turns,
    sharedAt: shared?.socket,
    // The session ends: what a server would drop with the connection goes here too. Only the
    // advisory locks it took are freed: others in the one session (a client of the sharing
    // socket, say) keep theirs.
    async sessionScope(q) {
      const before = await heldAdvisoryLocks(direct);
      return async () => {
        await q.exec('ROLLBACK').catch(() => {});
        const after = await heldAdvisoryLocks(direct).catch(() => new Map<string, string>());
        for (const [key, unlock] of after) if (!before.has(key)) await q.query(unlock).catch(() => {});
        await q.exec('RESET ALL').catch(() => {});
      };
    },
    async close() {
      try {
        await shared?.close();
      } finally {
        await turns.run(() => pglite.close());
        await release?.();
      }
    },
  });
}

/**
 * Takes the data directory's lock, or, when the process holding it serves the database,
 * connects through its socket (`share`: refuses instead). A lock whose process is gone is
 * taken over, and what a killed server left (its socket, its record) is removed. A holder
 * that does not serve is waited for, up to the lock timeout.
 */
async function claimDirectory(dir: string, location: string, options: PgliteOptions): Promise<{ release: () => Promise<void> } | { database: Database }> {
  const path = `${dir}.lock`;
  const timeoutMs = options.lockTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = await tryLock(path);
    if (release) {
      await removeServeTraces(dir).catch(async (err: unknown) => {
        await release();
        throw err;
      });
      return { release };
    }
    const holder = await readHolder(path);
    if (holder === 'stale') {
      await rm(path, { force: true });
      continue;
    }
    const record = await readServeRecord(dir);
    if (record && record.pid === holder.pid) {
      if (options.share) {
        throw new MtcError(
          'DATABASE_SERVED',
          `the embedded database ${location} is already served by process ${holder.pid} (mtc serve, since ${holder.started}): stop that server first (Ctrl-C where it runs, or kill ${holder.pid}), or serve another directory with --database DIR`,
          'connection',
          { holderPid: holder.pid, holderStarted: holder.started, socket: record.socket },
        );
      }
      const database = await connectThrough(record.socket, location, holder.pid, options.lean === true);
      if (database) return { database };
    }
    if (Date.now() >= deadline) {
      throw new MtcError(
        'LOCK_TIMEOUT',
        `the embedded database ${location} is in use by process ${holder.pid} (since ${holder.started}); waited ${formatSeconds(timeoutMs)}. Wait for that process to finish and run this again, with a longer wait (--lock-timeout SECONDS), or stop it`,
        'connection',
        { holderPid: holder.pid, holderStarted: holder.started },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The database through a serving process's socket; undefined while it does not answer (starting, stopping). */
async function connectThrough(socket: string, location: string, pid: number, lean: boolean): Promise<Database | undefined> {
  const { connectShared } = await import('./shared/client.ts');
  try {
    return await connectShared(socket, location, { lean });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new MtcError(
        'DATABASE_SERVED_TO_ANOTHER_USER',
        `the embedded database ${location} is served by process ${pid}, whose socket ${socket} only its owner may use: run this as that user, or stop that server`,
        'connection',
        { holderPid: pid, socket },
      );
    }
    return undefined;
  }
}

/** Creates the lock file holding this process's pid and start time; undefined when it exists. */
async function tryLock(path: string): Promise<(() => Promise<void>) | undefined> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
    await fh.close();
    return async () => {
      await rm(path, { force: true });
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return undefined;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
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
