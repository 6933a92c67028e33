// Crash accounting: a job whose runs have ended their process twice is failed rather than
// taken over a third time. Without it, a file that kills the process reading it (as an XLSX
// bomb once did, before the reader had its own thread) takes down every server that picks
// the job up, one after another, for ever.
//
// A run writes its process's name into `held_by` as it starts and clears it when it lets go
// of the job alive: the job ended, or the run stopped (a shutdown, a lost lease) leaving the
// job to be resumed. A run that starts and finds the name of another process there knows
// that process died while running the job: that is a crashed run. The same process taking
// its own job again (after the database went away and came back) is not.
import type { Database, Queryable } from '../../db/types.ts';
import { endImportJob } from './moves.ts';

/** Crashed runs after which a job is failed instead of run again. */
export const CRASHED_RUNS_LIMIT = 2;

/**
 * Marks job `jobId` as held by process `name` as a run of it starts, counting a crashed run
 * when another process's mark is still on it. At CRASHED_RUNS_LIMIT the job is failed
 * instead, its message saying what happened and what to do, and `run` is false: the caller
 * must not run it.
 */
export async function beginRun(db: Database, jobId: number, name: string): Promise<{ run: boolean; crashedRuns: number }> {
  const r = await db.query<{ crashedRuns: number; processed: number; total: number }>(
    `UPDATE public.import_job_sources AS s
        SET crashed_runs = s.crashed_runs + CASE WHEN s.held_by IS NOT NULL AND s.held_by <> $2 THEN 1 ELSE 0 END,
            held_by = $2
       FROM public.import_jobs AS j
      WHERE s.import_job_id = $1 AND j.id = s.import_job_id
  RETURNING s.crashed_runs AS "crashedRuns", j.processed_rows AS processed, j.total_rows AS total`,
    [jobId, name],
  );
  const row = r.rows[0];
  if (!row || row.crashedRuns < CRASHED_RUNS_LIMIT) return { run: true, crashedRuns: row?.crashedRuns ?? 0 };
  const where =
    row.processed > 0
      ? `; ${row.processed.toLocaleString('en')}${row.total > 0 ? ` of ${row.total.toLocaleString('en')}` : ''} rows were imported, and stay`
      : '';
  await endImportJob(
    db,
    jobId,
    'fail',
    `the server or command running this import stopped before it ended, ${CRASHED_RUNS_LIMIT} times${where}. It is not run again, in case the file is what stops the server: ` +
      'look in the server’s log for why it stopped (running out of memory, say), then import the file again, in smaller parts if it is large',
  );
  await endRun(db, jobId, name);
  return { run: false, crashedRuns: row.crashedRuns };
}

/** Clears process `name`'s mark on job `jobId`: its run let go of the job alive. */
export async function endRun(q: Queryable, jobId: number, name: string): Promise<void> {
  await q.query('UPDATE public.import_job_sources SET held_by = NULL WHERE import_job_id = $1 AND held_by = $2', [jobId, name]);
}
