// The background side of import jobs: every `mtc serve` runs one worker, and the workers of
// all the servers on one database share the jobs without a coordinator of their own.
//
// A job is taken in two steps. First one statement picks the oldest claimable job (pending,
// or running but locked by no one: its server died) with FOR UPDATE SKIP LOCKED and writes
// this process's name into its source row, committed at once so that people can see who runs
// it. Then, on a connection of its own, a transaction locks that source row again (SKIP
// LOCKED, and only if the name is still ours: another server may have picked the job in
// between) and stays open for as long as the job runs. That lock is the lease: other
// servers' FOR UPDATE SKIP LOCKED skips the row, and when this process dies its connection
// dies, the lock with it, and the next server to look takes the job over; the engine resumes
// it from processed_rows.
//
// The pickers lock the job's row too (FOR SHARE), not only its source row: a row locked by a
// statement is read again as it is now if it changed since the statement began (PostgreSQL's
// re-check under READ COMMITTED), and only locked rows are. With the source row alone locked,
// a job that ended while a pick was under way (its lease released a moment after its status
// was written) was checked against the status the pick began with, `running`, and taken: the
// picker wrote its name over the name of the server that had run it, then found the job ended
// and let go (seen as the three-worker test failing about one run in ten).
//
// The lease is FOR KEY SHARE, the weakest row lock: it conflicts with the claimers' FOR
// UPDATE, which is all it has to keep out, and not with the engine's own updates of the row
// (started, finished, worker) from its work connections, which would otherwise wait on a lock
// held by the very process they work for, for ever.
//
// PGlite is one session, shared by the process that has it open and, while that process is
// `mtc serve`, by the mtc commands of the machine that reach it through its socket: a held
// transaction would block every other query, and a row lock keeps no one out (every holder
// is the same session). There the lease is a session-level advisory lock instead (LEASE_KEY,
// the job's id), taken only when no one in the session holds it, and a pick skips a job whose
// lease is held. The server frees the locks of a client that goes away, so a killed
// `mtc import` loses its lease as a killed server's connection would.
//
// A job whose runs have ended their process twice is failed instead of run a third time
// (crashes.ts): each run marks the job as its process's when it starts, and a run that finds
// another process's mark knows that process died running it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Session } from '../../db/types.ts';
import { isTransient } from '../../db/transient.ts';
import { MtcError } from '../../errors.ts';
import { beginRun, endRun } from './crashes.ts';
import { runImport } from './engine.ts';
import type { RunOptions } from './engine.ts';
import { CLAIMABLE } from './jobs.ts';
import { endImportJob } from './moves.ts';
import { FINAL_STATUSES, IMPORT_MACHINE, sqlStatuses } from './status.ts';

/** The statuses a run takes a job from: pending, or running (to resume it). */
const RUNNABLE = IMPORT_MACHINE.moves.run.from;

/** The engine's entry point, or a stand-in for it (tests). */
export type ImportRunner = typeof runImport;

/** What the worker tells its host (the server's log). */
export type WorkerEvent =
  /** This process holds the job now (a takeover: it was running, its server gone; crashedRuns: runs of it that ended their process). */
  | { event: 'claimed'; jobId: number; takeover: boolean; crashedRuns: number }
  | { event: 'finished'; jobId: number; status: string; ms: number }
  | { event: 'released'; jobId: number; why: 'stopping' | 'lease lost' | 'error' }
  /** Another process took the job between this one's pick and its lease: it is theirs. */
  | { event: 'lost-race'; jobId: number }
  | { event: 'error'; jobId?: number; message: string; error?: unknown };

export interface WorkerOptions {
  /** Jobs this process runs at once (default 1: an import keeps the database busy). */
  concurrency?: number;
  /** How often an idle worker looks for work, in ms (default 1000); `wake()` looks at once. */
  pollMs?: number;
  /** How often a running job's lease connection is checked, in ms (default 2000). */
  heartbeatMs?: number;
  /** This process's name in `import_job_sources.worker` (default host:pid:random). */
  name?: string;
  log?: (e: WorkerEvent) => void;
  /** The engine (default `runImport`). */
  run?: ImportRunner;
  /** Rows per batch of the jobs run here (default: the engine's, 2000). */
  batchRows?: number;
}

export interface ImportWorker {
  /** This process's name, as written into the jobs it claims. */
  readonly name: string;
  /** Looks for work now instead of at the next poll (a job was just uploaded or started here). */
  wake(): void;
  /** The ids of the jobs running here now. */
  running(): number[];
  /**
   * Stops claiming, asks the running jobs to stop after the batch they are writing (every
   * batch commits whole, so nothing is lost), waits for them and releases their leases: the
   * jobs stay `running` and another server, or this one restarted, resumes them.
   */
  stop(): Promise<void>;
}

/** A name unique to this process among every server on the database. */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 200);
}

/** The advisory lock that is a job's lease on an embedded database: 'MTI' and the job's id. */
export const LEASE_KEY = 0x4d5449;
/** SQL: the embedded lease of job `id` is held by someone in the session. */
const LEASED = (id: string) =>
  `EXISTS (SELECT 1 FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${LEASE_KEY} AND l.objid = (${id})::int::oid AND l.objsubid = 2)`;

// Only on the embedded database (one connection for everyone) do the pickers look for the
// advisory lease: on a server the lease is the row lock their SKIP LOCKED already skips.
const unleased = (db: Database, id: string) => (db.concurrent ? '' : `AND NOT ${LEASED(id)}`);

const CLAIM_SQL = (db: Database) => `
UPDATE public.import_job_sources AS s
   SET worker = $1, started_at = coalesce(s.started_at, now())
  FROM (SELECT c.import_job_id, j.status
          FROM public.import_job_sources AS c
          JOIN public.import_jobs AS j ON j.id = c.import_job_id
         WHERE ${CLAIMABLE('j', 'c')} AND c.import_job_id <> ALL($2::bigint[]) ${unleased(db, 'c.import_job_id')}
         ORDER BY c.import_job_id
         LIMIT 1
           FOR UPDATE OF c SKIP LOCKED
           FOR SHARE OF j SKIP LOCKED) AS picked
 WHERE s.import_job_id = picked.import_job_id
RETURNING s.import_job_id::int AS "jobId", picked.status AS status`;

/**
 * Picks the oldest job no one runs, writes `name` into its source row and commits: the
 * first step of a claim. Null when there is nothing to do.
 */
export async function pickJob(db: Database, name: string, exclude: readonly number[] = []): Promise<{ jobId: number; takeover: boolean } | null> {
  const r = await db.query<{ jobId: number; status: string }>(CLAIM_SQL(db), [name, exclude]);
  const row = r.rows[0];
  return row ? { jobId: row.jobId, takeover: row.status === 'running' } : null;
}

const CLAIM_ONE_SQL = (db: Database) => `
UPDATE public.import_job_sources AS s
   SET worker = $1, started_at = coalesce(s.started_at, now())
 WHERE s.import_job_id = (SELECT c.import_job_id
                            FROM public.import_job_sources AS c
                            JOIN public.import_jobs AS j ON j.id = c.import_job_id
                           WHERE c.import_job_id = $2 AND j.status IN (${sqlStatuses(RUNNABLE)}) ${unleased(db, 'c.import_job_id')}
                             FOR UPDATE OF c SKIP LOCKED
                             FOR SHARE OF j SKIP LOCKED)
RETURNING s.import_job_id`;

/**
 * The first step of a claim for one given job (waiting for start or not): false when it is
 * finished or another process holds it.
 */
export async function claimJob(db: Database, jobId: number, name: string): Promise<boolean> {
  return (await db.query(CLAIM_ONE_SQL(db), [name, jobId])).rowCount > 0;
}

/**
 * Runs job `jobId` in this process, under a lease, as `mtc import` does: so that no server
 * sharing the database takes it for an orphan meanwhile, and so that a server does take it
 * over should this process die. `acquired` is false when another process runs it.
 */
export async function runImportHere(
  db: Database,
  jobId: number,
  options: { signal?: AbortSignal; onProgress?: ProgressListener; name?: string; batchRows?: number } = {},
): Promise<LeasedRun> {
  const name = options.name ?? workerName();
  if (!(await claimJob(db, jobId, name))) return { acquired: false };
  return runLeased(db, jobId, { ...options, name });
}

const LEASE_SQL = `
SELECT j.status
  FROM public.import_job_sources AS s
  JOIN public.import_jobs AS j ON j.id = s.import_job_id
 WHERE s.import_job_id = $1 AND s.worker = $2
   FOR KEY SHARE OF s SKIP LOCKED`;

// The embedded lease: taken when the job is still ours (our name in it, not ended) and no one
// in the one session holds it (an advisory lock is re-entrant within a session).
const EMBEDDED_LEASE_SQL = `
SELECT CASE WHEN s.worker IS DISTINCT FROM $2 OR j.status NOT IN (${sqlStatuses(RUNNABLE)}) OR ${LEASED('$1::int')} THEN false
            ELSE pg_try_advisory_lock(${LEASE_KEY}, $1::int) END AS leased
  FROM public.import_jobs AS j
  JOIN public.import_job_sources AS s ON s.import_job_id = j.id
 WHERE j.id = $1`;

export type ProgressListener = NonNullable<RunOptions['onProgress']>;

/** What became of a job handed to `runLeased`: not ours after all, or run until it ended or stopped. */
export type LeasedRun = { acquired: false } | { acquired: true; status: string; leaseLost: boolean };

/**
 * Runs job `jobId` here under a lease (on a server: a lock held on a connection of its own
 * until it ends, see the top of this file), after `pickJob` or `claimJob` wrote `name` into
 * it. `acquired` is false when another process holds the job or took it since; the job is
 * then left alone. `status` is where the job stands when the run returns: `running` when
 * `signal` stopped it (or its lease was lost) before its end; `failed` without running when
 * its runs had ended their process too often (crashes.ts).
 */
export async function runLeased(
  db: Database,
  jobId: number,
  options: {
    name: string;
    signal?: AbortSignal;
    heartbeatMs?: number;
    run?: ImportRunner;
    onProgress?: ProgressListener;
    onAcquired?: (crashedRuns: number) => void;
    /** Rows per batch (default: the engine's). */
    batchRows?: number;
  },
): Promise<LeasedRun> {
  const run = options.run ?? runImport;
  const runOptions = (signal: AbortSignal): RunOptions => ({
    signal,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.batchRows ? { batchRows: options.batchRows } : {}),
  });
  if (!db.concurrent) {
    // One statement, so that no one else's turn comes between the look and the lock.
    const leased = (await db.query<{ leased: boolean }>(EMBEDDED_LEASE_SQL, [jobId, options.name])).rows[0]?.leased === true;
    if (!leased) return { acquired: false };
    try {
      const begun = await beginRun(db, jobId, options.name);
      options.onAcquired?.(begun.crashedRuns);
      if (!begun.run) return { acquired: true, status: 'failed', leaseLost: false };
      const { status } = await run(yielding(db), jobId, runOptions(options.signal ?? new AbortController().signal));
      await endRun(db, jobId, options.name);
      await markFinished(db, jobId);
      return { acquired: true, status, leaseLost: false };
    } finally {
      // A connection that is gone took the lease with it (the server frees a client's locks).
      await db.query(`SELECT pg_advisory_unlock(${LEASE_KEY}, $1::int)`, [jobId]).catch(() => {});
    }
  }
  return db.session(async (lease) => {
    // The lease must outlive any idle time the job's batches leave it; a vanished host
    // (no FIN, no RST) must still lose it within half a minute. The settings are the
    // transaction's (LOCAL): through a pooler in transaction mode only a transaction keeps its
    // server connection, and a plain SET would stay on whichever one ran it, for its next client.
    await lease.exec(
      "BEGIN; SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL statement_timeout = 0; SET LOCAL tcp_keepalives_idle = 10; SET LOCAL tcp_keepalives_interval = 5; SET LOCAL tcp_keepalives_count = 3; SET LOCAL application_name = 'mtc import lease'",
    );
    const held = (await lease.query<{ status: string }>(LEASE_SQL, [jobId, options.name])).rows[0];
    if (!held || !(RUNNABLE as readonly string[]).includes(held.status)) {
      await lease.exec('ROLLBACK');
      return { acquired: false as const };
    }
    // Counted and marked on a connection of its own, committed at once: a mark made inside the
    // lease's transaction would die with the process it is meant to outlive.
    const begun = await beginRun(db, jobId, options.name);
    options.onAcquired?.(begun.crashedRuns);
    if (!begun.run) {
      await lease.exec('ROLLBACK');
      return { acquired: true as const, status: 'failed', leaseLost: false };
    }
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort(options.signal?.reason);
    if (options.signal?.aborted) stop.abort(options.signal.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let leaseLost = false;
    const heartbeat = keepAlive(lease, options.heartbeatMs ?? 2000, () => {
      leaseLost = true;
      stop.abort(new Error('the lease connection was lost'));
    });
    try {
      const { status } = await run(db, jobId, runOptions(stop.signal));
      await heartbeat.stop();
      await endRun(db, jobId, options.name);
      if (leaseLost) return { acquired: true as const, status, leaseLost };
      await markFinished(lease, jobId);
      await lease.exec('COMMIT');
      return { acquired: true as const, status, leaseLost };
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      await heartbeat.stop();
      // On any way out that did not commit, the session's end rolls back and frees the lock.
    }
  });
}

/**
 * The database, except that each call first lets the event loop turn. PGlite runs on this
 * thread and answers through promises alone, so an engine going from query to query would
 * otherwise hold the thread until the job ends: no request answered, no timer fired.
 */
function yielding(db: Database): Database {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    ...db,
    query: async (sql, params) => {
      await turn();
      return db.query(sql, params);
    },
    exec: async (sql) => {
      await turn();
      return db.exec(sql);
    },
    transaction: async (fn) => {
      await turn();
      return db.transaction(fn);
    },
    session: async (fn) => {
      await turn();
      return db.session(fn);
    },
  };
}

/** Checks the lease connection every `ms`; calls `lost` once when it stops answering. */
function keepAlive(lease: Session, ms: number, lost: () => void): { stop(): Promise<void> } {
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = lease.query('SELECT 1').catch(() => {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        lost();
      }
    });
  }, ms);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

async function markFinished(q: { query: Database['query'] }, jobId: number): Promise<void> {
  await q.query(
    `UPDATE public.import_job_sources SET finished_at = now()
      WHERE import_job_id = $1 AND (SELECT status FROM public.import_jobs WHERE id = $1) IN (${sqlStatuses(FINAL_STATUSES)})`,
    [jobId],
  );
}

/**
 * Starts the import worker of this process: it claims pending jobs and jobs whose server
 * died, one at a time per slot (`concurrency`), and runs them with the engine. See the top of
 * this file for how servers share jobs.
 */
export function startImportWorker(db: Database, options: WorkerOptions = {}): ImportWorker {
  const name = options.name ?? workerName();
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const pollMs = options.pollMs ?? 1000;
  const log = options.log ?? (() => {});
  const stopping = new AbortController();
  const active = new Map<number, Promise<void>>();
  // A wake-up that comes while the loop is busy is kept, so the next sleep returns at once.
  let wakeSleeper: () => void = () => {};
  let wokenEarly = false;
  const wake = () => {
    wokenEarly = true;
    wakeSleeper();
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (wokenEarly || stopping.signal.aborted) {
        wokenEarly = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wakeSleeper = () => {};
        wokenEarly = false;
        resolve();
      }
      wakeSleeper = done;
    });

  async function runOne(jobId: number, takeover: boolean): Promise<void> {
    const started = Date.now();
    try {
      const out = await runLeased(db, jobId, {
        name,
        signal: stopping.signal,
        onAcquired: (crashedRuns) => log({ event: 'claimed', jobId, takeover, crashedRuns }),
        ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
        ...(options.run ? { run: options.run } : {}),
        ...(options.batchRows ? { batchRows: options.batchRows } : {}),
      });
      if (!out.acquired) log({ event: 'lost-race', jobId });
      else if (out.leaseLost) log({ event: 'released', jobId, why: 'lease lost' });
      else if (stopping.signal.aborted && (out.status === 'running' || out.status === 'pending')) log({ event: 'released', jobId, why: 'stopping' });
      else log({ event: 'finished', jobId, status: out.status, ms: Date.now() - started });
    } catch (err) {
      // The database could not do it just now (src/db/transient.ts): the job is left for a later pick.
      if (stopping.signal.aborted || isTransient(err)) {
        log({ event: 'released', jobId, why: 'error' });
        log({ event: 'error', jobId, message: (err as Error).message, error: err });
        return;
      }
      // The engine records what is wrong with a file itself; reaching here is a defect or a
      // database refusal. The job fails with a message a person can act on rather than being
      // taken up again and again by every server.
      log({ event: 'error', jobId, message: (err as Error).message, error: err });
      const message = err instanceof MtcError ? err.message : `the import stopped on an unexpected error; the server log of ${name} has it (job ${jobId})`;
      await endImportJob(db, jobId, 'fail', message).catch(() => {});
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      if (active.size < concurrency) {
        let picked: { jobId: number; takeover: boolean } | null = null;
        try {
          picked = await pickJob(db, name, [...active.keys()]);
        } catch (err) {
          if (!stopping.signal.aborted) log({ event: 'error', message: `could not look for import jobs: ${(err as Error).message}`, error: err });
        }
        if (picked && !stopping.signal.aborted) {
          const { jobId, takeover } = picked;
          const p = runOne(jobId, takeover).finally(() => {
            active.delete(jobId);
            wake();
          });
          active.set(jobId, p);
          continue; // another slot may take another job at once
        }
      }
      await sleep();
    }
  })();

  return {
    name,
    wake,
    running: () => [...active.keys()],
    async stop() {
      stopping.abort(new Error('the server is stopping'));
      wake();
      await loop;
      await Promise.allSettled([...active.values()]);
    },
  };
}
