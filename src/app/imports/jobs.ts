// Import jobs as people and the API see them: reading a job's progress, listing jobs and their
// rejected rows, starting a job that waits for it and cancelling one. Running them is the
// engine's (engine.ts) and the worker's (worker.ts).
import type { Queryable } from '../../db/types.ts';
import { isoUtc } from '../timestamps.ts';
import { ImportError } from './errors.ts';

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** Statuses a job never leaves. */
export const FINAL_STATUSES: readonly ImportStatus[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

/**
 * The key of `import_job_sources.options` that holds an uploaded job back until someone
 * starts it (so that it can be previewed first). A job with it is `pending` but no worker
 * takes it.
 */
export const AWAITING_START = 'awaitingStart';

/**
 * The SQL condition under which a worker may take a job (`job` and `source` are the aliases of
 * import_jobs and import_job_sources): pending and started, or running (on a server, only
 * those whose source row no one has locked reach this condition: SKIP LOCKED).
 */
export const CLAIMABLE = (job: string, source: string) =>
  `${job}.status IN ('pending', 'running') AND NOT ${source}.options @> '{"${AWAITING_START}": true}'::jsonb`;

/** A job as the API shows it: its file, its counters and how fast it goes. */
export interface ImportJob {
  id: number;
  importId: string;
  kind: string;
  status: ImportStatus;
  message: string | null;
  userId: number | null;
  fileName: string | null;
  format: 'csv' | 'xlsx' | null;
  sizeBytes: number | null;
  /** Waiting for POST …/start (uploaded without `start=true`). */
  awaitingStart: boolean;
  totalRows: number;
  processedRows: number;
  successCount: number;
  failureCount: number;
  /** The process running it, or that ran it last (host:pid:tag). */
  worker: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Rows processed per second since the job first started (until its last committed batch). */
  rowsPerSecond: number | null;
  /** Seconds left at that rate, while it runs and its total is known. */
  etaSeconds: number | null;
}

const FROM = `FROM public.import_jobs j LEFT JOIN public.import_job_sources s ON s.import_job_id = j.id`;

// The rate runs from the first start to the last committed batch (updated_at), so it does
// not decay between two progress updates.
const ELAPSED = `extract(epoch FROM (coalesce(s.finished_at, j.updated_at) - s.started_at))`;
const COLUMNS = `j.id::int AS id, j.import_id::text AS "importId", j.kind, j.status, j.message, j.user_id AS "userId",
  s.file_name AS "fileName", s.format, s.size_bytes::float8 AS "sizeBytes",
  coalesce(s.options @> '{"${AWAITING_START}": true}'::jsonb, false) AS "awaitingStart",
  j.total_rows AS "totalRows", j.processed_rows AS "processedRows", j.success_count AS "successCount", j.failure_count AS "failureCount",
  s.worker, ${isoUtc('j.created_at')} AS "createdAt", ${isoUtc('j.updated_at')} AS "updatedAt",
  ${isoUtc('s.started_at')} AS "startedAt", ${isoUtc('s.finished_at')} AS "finishedAt",
  CASE WHEN s.started_at IS NOT NULL AND j.processed_rows > 0 AND ${ELAPSED} > 0
       THEN round((j.processed_rows / ${ELAPSED})::numeric, 1)::float8 END AS "rowsPerSecond",
  CASE WHEN j.status = 'running' AND s.started_at IS NOT NULL AND j.processed_rows > 0 AND ${ELAPSED} > 0 AND j.total_rows > j.processed_rows
       THEN ceil((j.total_rows - j.processed_rows) / (j.processed_rows / ${ELAPSED}))::int END AS "etaSeconds"`;

/** One job, or null. */
export async function getImportJob(q: Queryable, id: number): Promise<ImportJob | null> {
  return (await q.query<ImportJob>(`SELECT ${COLUMNS} ${FROM} WHERE j.id = $1`, [id])).rows[0] ?? null;
}

/** One job, or IMPORT_NOT_FOUND (404). */
export async function requireImportJob(q: Queryable, id: number): Promise<ImportJob> {
  const job = await getImportJob(q, id);
  if (!job) throw notFound(id);
  return job;
}

export const notFound = (id: number) => new ImportError('IMPORT_NOT_FOUND', `no import job ${id}`, 'state', { jobId: id });

/** Jobs newest first, by status, kind and who made them, a page at a time. */
export async function listImportJobs(
  q: Queryable,
  filter: { status?: ImportStatus | undefined; kind?: string | undefined; userId?: number | undefined; q?: string | undefined; limit: number; offset: number },
): Promise<{ total: number; jobs: ImportJob[] }> {
  const where = `($1::text IS NULL OR j.status = $1) AND ($2::text IS NULL OR j.kind = $2) AND ($3::int IS NULL OR j.user_id = $3)
    AND ($4::text IS NULL OR position(lower($4::text) in lower(coalesce(s.file_name, '') || ' ' || coalesce(j.message, ''))) > 0)`;
  const params = [filter.status ?? null, filter.kind ?? null, filter.userId ?? null, filter.q?.trim() || null];
  const total = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n ${FROM} WHERE ${where}`, params)).rows[0]?.n ?? 0);
  const jobs = (
    await q.query<ImportJob>(`SELECT ${COLUMNS} ${FROM} WHERE ${where} ORDER BY j.id DESC LIMIT $5 OFFSET $6`, [...params, filter.limit, filter.offset])
  ).rows;
  return { total, jobs };
}

/** A rejected row, or one of its fields: what was wrong and the row as it was read. */
export interface ImportRowError {
  rowNumber: number;
  field: string | null;
  message: string;
  rawRow: string | null;
}

const ERROR_COLUMNS = `e.row_number AS "rowNumber", e.field, e.message, e.raw_row AS "rawRow"`;

/** A job's errors in row order, a page at a time, optionally those whose field, message or row holds `q` (any case); IMPORT_NOT_FOUND without the job. */
export async function listImportErrors(
  q: Queryable,
  jobId: number,
  page: { q?: string | undefined; limit: number; offset: number },
): Promise<{ total: number; errors: ImportRowError[] }> {
  await requireImportJob(q, jobId);
  const where = `e.import_job_id = $1 AND ($2::text IS NULL OR position(lower($2::text) in lower(coalesce(e.field, '') || ' ' || e.message || ' ' || coalesce(e.raw_row, ''))) > 0)`;
  const params = [jobId, page.q?.trim() || null];
  const total = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.import_job_errors e WHERE ${where}`, params)).rows[0]?.n ?? 0);
  const errors = (
    await q.query<ImportRowError>(`SELECT ${ERROR_COLUMNS} FROM public.import_job_errors e WHERE ${where} ORDER BY e.row_number, e.id LIMIT $3 OFFSET $4`, [
      ...params,
      page.limit,
      page.offset,
    ])
  ).rows;
  return { total, errors };
}

/**
 * All of a job's errors in row order, read `pageSize` at a time by key (not by offset, which
 * would read the skipped rows again on every page): memory stays flat however many there are.
 */
export async function* importErrorsInOrder(q: Queryable, jobId: number, pageSize = 1000): AsyncGenerator<ImportRowError> {
  let after: { row: number; id: string } | null = null;
  for (;;) {
    const rows: (ImportRowError & { id: string })[] = (
      await q.query<ImportRowError & { id: string }>(
        `SELECT ${ERROR_COLUMNS}, e.id FROM public.import_job_errors e
          WHERE e.import_job_id = $1 AND ($2::int IS NULL OR (e.row_number, e.id) > ($2::int, $3::bigint))
          ORDER BY e.row_number, e.id LIMIT $4`,
        [jobId, after?.row ?? null, after?.id ?? null, pageSize],
      )
    ).rows;
    for (const { id: _id, ...e } of rows) yield e;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = { row: last.rowNumber, id: last.id };
  }
}

/**
 * Lets a job that waits for it run: a worker takes it at its next look. IMPORT_NOT_FOUND,
 * or IMPORT_NOT_AWAITING_START (409) when it was started already or is finished.
 */
export async function startImportJob(q: Queryable, id: number): Promise<{ before: ImportJob; after: ImportJob }> {
  const before = await requireImportJob(q, id);
  const r = await q.query(
    `UPDATE public.import_job_sources s SET options = s.options - '${AWAITING_START}'
      FROM public.import_jobs j
     WHERE s.import_job_id = $1 AND j.id = s.import_job_id AND j.status = 'pending' AND s.options @> '{"${AWAITING_START}": true}'::jsonb`,
    [id],
  );
  if (r.rowCount === 0) {
    throw new ImportError(
      'IMPORT_NOT_AWAITING_START',
      `import job ${id} is ${before.status}${before.status === 'pending' || before.status === 'running' ? ' and already started' : ''}: only a job uploaded without start=true waits to be started`,
      'state',
      { jobId: id, status: before.status },
    );
  }
  return { before, after: await requireImportJob(q, id) };
}

/**
 * Ends a job whose run was stopped in this very process (Ctrl-C in `mtc import`) before it
 * finished: cancelled with `message`, and finished now, since no worker holds it any more;
 * rows already committed stay. A job that ended meanwhile is left as it is. Its status after.
 */
export async function endStoppedRun(q: Queryable, id: number, message: string): Promise<ImportStatus | undefined> {
  await q.query(
    `WITH j AS (UPDATE public.import_jobs SET status = 'cancelled', message = $2 WHERE id = $1 AND status IN ('pending', 'running') RETURNING id)
     UPDATE public.import_job_sources s SET finished_at = now() FROM j WHERE s.import_job_id = j.id`,
    [id, message],
  );
  return (await getImportJob(q, id))?.status;
}

/**
 * Cancels a job that has not finished: a waiting job never runs, a running one stops after
 * the batch it is writing (the engine checks between batches); rows already committed stay.
 * IMPORT_NOT_FOUND, or IMPORT_FINISHED (409) for a job that already ended.
 */
export async function cancelImportJob(q: Queryable, id: number, reason?: string): Promise<{ before: ImportJob; after: ImportJob }> {
  const before = await requireImportJob(q, id);
  const r = await q.query(`UPDATE public.import_jobs SET status = 'cancelled', message = $2 WHERE id = $1 AND status IN ('pending', 'running')`, [
    id,
    reason ? `cancelled: ${reason}` : 'cancelled',
  ]);
  if (r.rowCount > 0) {
    // A job no worker holds ends now; a running one is marked by its worker when it stops.
    // SKIP LOCKED: the source row of a running job is its worker's lease, never to wait on.
    await q.query(
      `UPDATE public.import_job_sources SET finished_at = now()
        WHERE import_job_id = (SELECT import_job_id FROM public.import_job_sources WHERE import_job_id = $1 FOR UPDATE SKIP LOCKED) AND $2`,
      [id, before.status === 'pending'],
    );
  } else {
    const now = await requireImportJob(q, id);
    throw new ImportError('IMPORT_FINISHED', `import job ${id} has already ended (${now.status}): there is nothing to cancel`, 'state', {
      jobId: id,
      status: now.status,
    });
  }
  return { before, after: await requireImportJob(q, id) };
}
