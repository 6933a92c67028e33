// Import jobs as people and the API see them: reading a job's progress, listing jobs and their
// rejected rows. Their state machine is status.ts, its moves moves.ts; running them is the
// engine's (engine.ts) and the worker's (worker.ts).
import type { Queryable } from '../../db/types.ts';
import { isoUtc } from '../timestamps.ts';
import { ImportError } from './errors.ts';
import { IMPORT_MACHINE, sqlStatuses } from './status.ts';
import type { ImportStatus } from './status.ts';

export { FINAL_STATUSES, IMPORT_STATUSES } from './status.ts';
export type { ImportStatus } from './status.ts';

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
  `${job}.status IN (${sqlStatuses(IMPORT_MACHINE.moves.run.from)}) AND NOT ${source}.options @> '{"${AWAITING_START}": true}'::jsonb`;

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
