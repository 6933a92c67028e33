// The moves of an import job (status.ts), each in its own transaction with its audit event:
// those a person makes (start, cancel: `moveImportJob`, with the acting user) and the ends the
// system makes (`endImportJob`: the engine's end of a run, a job its worker or its crashed runs
// fail). A job's rows are a change the person who uploaded it made, so its end is recorded for
// them, `via` import, with what the job wrote: one event for the job, not one per row.
import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import type { NextAction } from '../rules/machine.ts';
import { ImportError } from './errors.ts';
import { AWAITING_START, getImportJob, notFound, requireImportJob } from './jobs.ts';
import type { ImportJob } from './jobs.ts';
import { AWAITING_START_LABEL, FINAL_STATUSES, IMPORT_MACHINE, IMPORT_STATUS_LABELS, jobActions, moveRefusal, sqlStatuses } from './status.ts';
import type { ImportAction, ImportStatus } from './status.ts';

/** What the audit trail keeps of a job: what was imported from where, where it stands, and the rows it has written. */
export function auditView(job: ImportJob) {
  return {
    kind: job.kind,
    fileName: job.fileName,
    format: job.format,
    sizeBytes: job.sizeBytes,
    status: job.status,
    awaitingStart: job.awaitingStart,
    message: job.message,
    rows: { processed: job.processedRows, imported: job.successCount, rejected: job.failureCount },
  };
}

/** Records the event of a move of the job, in the move's transaction. */
function auditMove(q: Queryable, actor: Actor, before: ImportJob | null, after: ImportJob): Promise<void> {
  return auditAs(q, actor, {
    action: before ? 'transition' : 'create',
    entity: IMPORT_MACHINE.entity,
    entityId: after.id,
    ...(before ? { before: auditView(before) } : {}),
    after: auditView(after),
  });
}

/** Records the creation of job `jobId` in the transaction that stored it. */
export async function auditCreated(q: Queryable, jobId: number, actor: Actor): Promise<ImportJob> {
  const job = await requireImportJob(q, jobId);
  await auditMove(q, actor, null, job);
  return job;
}

/** A job as the API returns it to a caller: its status as a person reads it, whether it has ended, and the moves the caller may make. */
export interface ImportJobView extends ImportJob {
  statusLabel: string;
  ended: boolean;
  actions: NextAction[];
}

/** The job as `role` sees it. */
export function jobView(job: ImportJob, role: string): ImportJobView {
  return {
    ...job,
    statusLabel: job.status === 'pending' && job.awaitingStart ? AWAITING_START_LABEL : IMPORT_STATUS_LABELS[job.status],
    ended: FINAL_STATUSES.includes(job.status),
    actions: jobActions(job, role),
  };
}

/** What a person's move may carry. */
export interface MoveOptions {
  /** Why (a move that takes one: cancel); it becomes the job's message. */
  reason?: string | undefined;
  /**
   * The caller's own run of the job stopped in this very process (Ctrl-C in `mtc import`):
   * no worker holds it, so a cancelled job is finished now rather than by its worker.
   */
  stoppedHere?: boolean;
}

/**
 * Makes a person's move on job `jobId`: `start` lets a job that waits for it run (a worker
 * takes it at its next look); `cancel` ends a job that has not ended (a waiting job never runs,
 * a running one stops after the batch it is writing; rows already committed stay). One
 * transaction, with the job locked and the `transition` event of `actor`. Refused before
 * anything is written: a move the table does not offer a person (IMPORT_MOVE_NOT_OFFERED, 400),
 * IMPORT_NOT_FOUND, and a move the job's status does not allow (status.ts: IMPORT_NOT_AWAITING_START,
 * IMPORT_FINISHED, 409). The job after the move.
 */
export async function moveImportJob(db: Database, jobId: number, action: ImportAction, actor: Actor, options: MoveOptions = {}): Promise<ImportJob> {
  const move = IMPORT_MACHINE.moves[action];
  if (!move?.offered) {
    const offered = Object.entries(IMPORT_MACHINE.moves).filter(([, m]) => m.offered);
    throw new ImportError(
      'IMPORT_MOVE_NOT_OFFERED',
      `${action} is not a move a person makes on an import job: use ${offered.map(([a]) => a).join(' or ')}`,
      'usage',
      {
        action,
      },
    );
  }
  return db.transaction(async (tx) => {
    if ((await tx.query('SELECT 1 FROM public.import_jobs WHERE id = $1 FOR UPDATE', [jobId])).rowCount === 0) throw notFound(jobId);
    const before = await requireImportJob(tx, jobId);
    const refusal = moveRefusal(before, action);
    if (refusal) throw refusal;
    if (action === 'start') {
      await tx.query(`UPDATE public.import_job_sources SET options = options - '${AWAITING_START}' WHERE import_job_id = $1`, [jobId]);
    } else {
      const reason = options.reason?.trim();
      await tx.query('UPDATE public.import_jobs SET status = $2, message = $3 WHERE id = $1', [jobId, move.to, reason ? `cancelled: ${reason}` : 'cancelled']);
      // A job no worker holds ends now; a running one is marked by its worker when it stops.
      // SKIP LOCKED: the source row of a running job is its worker's lease, never to wait on.
      await tx.query(
        `UPDATE public.import_job_sources SET finished_at = now()
          WHERE import_job_id = (SELECT import_job_id FROM public.import_job_sources WHERE import_job_id = $1 FOR UPDATE SKIP LOCKED) AND $2`,
        [jobId, before.status === 'pending' || options.stoppedHere === true],
      );
    }
    const after = await requireImportJob(tx, jobId);
    await auditMove(tx, actor, before, after);
    return after;
  });
}

/** The ends the system makes. */
export type SystemEnd = Extract<ImportAction, 'complete' | 'complete_with_errors' | 'fail'>;

/**
 * Ends job `jobId` as the system does, by move `end` of the table, with `message`: finished now,
 * and the event of the job's end recorded for the person who uploaded it, `via` import, with
 * the rows it wrote (imported and rejected) and its kind. A job the move does not apply to (it
 * was cancelled meanwhile, or has ended) is left as it is, with no event. The job's status after.
 */
export async function endImportJob(db: Database, jobId: number, end: SystemEnd, message: string | null): Promise<ImportStatus | undefined> {
  const move = IMPORT_MACHINE.moves[end];
  return db.transaction(async (tx) => {
    const before = await getImportJob(tx, jobId);
    if (!before) return undefined;
    const r = await tx.query(
      `WITH j AS (UPDATE public.import_jobs SET status = $2, message = $3 WHERE id = $1 AND status IN (${sqlStatuses(move.from)}) RETURNING id)
       UPDATE public.import_job_sources s SET finished_at = now() FROM j WHERE s.import_job_id = j.id RETURNING s.import_job_id`,
      [jobId, move.to, message],
    );
    if (r.rowCount === 0) return (await getImportJob(tx, jobId))?.status;
    const after = await requireImportJob(tx, jobId);
    await auditMove(tx, { userId: after.userId, via: 'import' }, before, after);
    return after.status;
  });
}
