import { hostname } from 'node:os';
import type { Database, Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { isTransient } from '../../db/transient.ts';
import { ImportError } from './errors.ts';
import { matchHeader } from './headers.ts';
import type { HeaderMatch } from './headers.ts';
import { kindNamed } from './kinds/index.ts';
import type { FieldError, ImportKind, RowContext, WriteContext } from './kinds/kind.ts';
import { getSettings } from '../settings/settings.ts';
import { SourceProbe, readDeclared } from './formats/detect.ts';
import type { DeclaredOptions, SourceOptions } from './formats/detect.ts';
import { openRows } from './formats/rows.ts';
import { quickCsvCount } from './formats/count.ts';
import type { SourceRow } from './formats/rows.ts';
import type { XlsxReading } from './formats/xlsx/limits.ts';
import { storedChunks } from './store.ts';
import { masterCache } from '../items/masters.ts';
import { checkRow, refusesData, unreadableHeader, writeRows } from './write.ts';
import type { Checked, WriteMode } from './write.ts';
import type { Actor } from '../audit/actor.ts';
import { auditCreated, endImportJob } from './moves.ts';
import type { SystemEnd } from './moves.ts';
import type { ImportJob } from './jobs.ts';
import { FINAL_STATUSES, IMPORT_MACHINE, sqlStatuses } from './status.ts';
import type { ImportStatus } from './status.ts';

/** The file of a job is stored in chunks of this size (bytea rows of import_job_chunks). */
export const CHUNK_BYTES = 1024 * 1024;

/** What `createImportJob` needs: the kind, the file (bytes or a stream of them) and how to read it. */
export interface CreateImportInput {
  kind: string;
  fileName: string;
  bytes?: Uint8Array;
  stream?: AsyncIterable<Uint8Array>;
  /** Declared reading options: `encoding`, `delimiter`, `sheet`; whatever is not declared is detected. */
  options?: DeclaredOptions;
  /**
   * The status the job starts in: `pending` (the default: a worker picks it up) or `running`
   * (the caller runs it itself at once, as `mtc import` does).
   */
  status?: 'pending' | 'running';
  /**
   * Hold the job back until someone starts it (the API's upload without `start=true`): it is
   * `pending` with `awaitingStart` in its source options, which no worker takes (jobs.ts).
   */
  awaitingStart?: boolean;
}

/** Progress as `runImport` reports it after each committed batch. */
export interface ImportProgress {
  processed: number;
  success: number;
  failure: number;
  total: number;
}

export interface RunOptions {
  /** Stops the run between batches: what is committed stays, the job stays `running` (to resume). */
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Rows per batch (default 2000); a batch is also committed when it has gathered for `batchMs` (default 500). */
  batchRows?: number;
  batchMs?: number;
  /** How an XLSX file is read: its limits and the reading thread's heap (default: formats/xlsx/limits.ts). */
  xlsx?: XlsxReading;
}

/**
 * Creates an import job for `actor` (its user is the job's) and stores its file in chunks, all
 * in one transaction with the job's `create` audit event (a worker never sees a job whose file
 * is half stored). The encoding and the delimiter are detected over the stream unless
 * declared; the format is XLSX for a zip file, else CSV. IMPORT_UNKNOWN_KIND and
 * IMPORT_BAD_OPTION (usage) are refused before anything is written.
 */
export async function createImportJob(db: Database, input: CreateImportInput, actor: Actor): Promise<{ jobId: number; importId: string; job: ImportJob }> {
  const kind = kindNamed(input.kind);
  const declared = readDeclared(input.options ?? {});
  const probe = new SourceProbe(input.fileName, declared);
  return db.transaction(async (tx) => {
    const job = (
      await tx.query<{ id: string; importId: string }>(
        `INSERT INTO public.import_jobs (user_id, kind, status) VALUES ($1, $2, $3) RETURNING id::text AS id, import_id::text AS "importId"`,
        [actor.userId, kind.name, input.status ?? 'pending'],
      )
    ).rows[0]!;
    const jobId = Number(job.id);
    // The source row first, with placeholders: the chunks reference it.
    await tx.query(`INSERT INTO public.import_job_sources (import_job_id, file_name, format, size_bytes, sha256) VALUES ($1, $2, 'csv', 0, repeat('0', 64))`, [
      jobId,
      input.fileName.slice(0, 255),
    ]);
    let seq = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean) => {
      while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending);
        const take = Math.min(CHUNK_BYTES, joined.length);
        await tx.query('INSERT INTO public.import_job_chunks (import_job_id, seq, data) VALUES ($1, $2, $3)', [jobId, seq++, joined.subarray(0, take)]);
        const rest = joined.subarray(take);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    const parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = input.stream ?? (input.bytes ? [input.bytes] : []);
    for await (const part of parts) {
      const bytes = part instanceof Buffer ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      probe.push(bytes);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= CHUNK_BYTES) await flush(false);
    }
    await flush(true);
    const source = probe.finish();
    await tx.query(`UPDATE public.import_job_sources SET format = $2, options = $3::jsonb, size_bytes = $4, sha256 = $5 WHERE import_job_id = $1`, [
      jobId,
      source.format,
      JSON.stringify(input.awaitingStart ? { ...source.options, awaitingStart: true } : source.options),
      source.size,
      source.sha256,
    ]);
    return { jobId, importId: job.importId, job: await auditCreated(tx, jobId, actor) };
  });
}

interface JobRecord {
  kind: string;
  status: ImportStatus;
  userId: number | null;
  processed: number;
  success: number;
  failure: number;
  total: number;
  fileName: string;
  format: 'csv' | 'xlsx';
  options: SourceOptions;
  sha256: string;
}

async function loadJob(q: Queryable, jobId: number): Promise<JobRecord> {
  const r = await q.query<JobRecord>(
    `SELECT j.kind, j.status, j.user_id AS "userId", j.processed_rows AS processed, j.success_count AS success, j.failure_count AS failure, j.total_rows AS total,
            s.file_name AS "fileName", s.format, s.options, s.sha256
       FROM public.import_jobs j JOIN public.import_job_sources s ON s.import_job_id = j.id WHERE j.id = $1`,
    [jobId],
  );
  const job = r.rows[0];
  if (!job) throw new ImportError('IMPORT_NOT_FOUND', `no import job ${jobId} with a stored file`, 'state', { jobId });
  return job;
}

/** Thrown inside a batch's transaction when the job was cancelled meanwhile: the batch rolls back. */
class Stop extends Error {
  readonly status: string;

  constructor(status: string) {
    super(`job is ${status}`);
    this.status = status;
  }
}

/** The rows of a job's file, header first; reading streams the stored chunks one at a time. */
function jobRows(db: Database, jobId: number, job: JobRecord, xlsx: XlsxReading | undefined): AsyncGenerator<SourceRow> {
  return openRows({ format: job.format, options: job.options, chunks: () => storedChunks(db, jobId), sha256: job.sha256, ...(xlsx ? { xlsx } : {}) });
}

/**
 * Runs an import job to its end, or resumes it: rows up to `processed_rows` were committed by
 * an earlier run and are skipped. Rows are validated, then written in batches, each batch (its
 * rows, its rejected rows in import_job_errors, and the counters) in one transaction, so a
 * crash loses at most the batch in flight and no row is written twice. Between batches it
 * stops when the job was cancelled (writing nothing more) or when `signal` aborts (the job
 * stays `running`, to be resumed). Ends `completed`, `completed_with_errors` (some rows
 * rejected) or `failed` (with a message: a missing column, an unreadable file).
 * The caller holds the job (the worker's row lock); this function takes none.
 */
export async function runImport(db: Database, jobId: number, options: RunOptions = {}): Promise<{ status: string }> {
  const job = await loadJob(db, jobId);
  if (FINAL_STATUSES.includes(job.status)) return { status: job.status };
  const kind = kindNamed(job.kind);
  await db.query(
    `WITH j AS (UPDATE public.import_jobs SET status = 'running' WHERE id = $1 AND status IN (${sqlStatuses(IMPORT_MACHINE.moves.run.from)}) RETURNING id)
     UPDATE public.import_job_sources SET started_at = coalesce(started_at, now()), worker = coalesce(worker, $2) WHERE import_job_id = (SELECT id FROM j)`,
    [jobId, `${hostname()}:${process.pid}`.slice(0, 200)],
  );
  // An XLSX file's rows come from a thread of their own: ended here on every way out.
  const rows = jobRows(db, jobId, job, options.xlsx);
  try {
    const first = await rows.next();
    if (first.done) return await finish(db, jobId, 'fail', 'the file is empty: there is no header row');
    if (first.value.error) return await finish(db, jobId, 'fail', unreadableHeader(first.value));
    const header = matchHeader(kind, first.value.cells);
    if ('missing' in header) return await finish(db, jobId, 'fail', header.message);
    const runner = new BatchRunner(db, jobId, kind, header, await getSettings(db), job, options);
    // The rows are counted by a second reader. On a server it reads while the first imports,
    // costing the import no time (the database writes meanwhile); embedded, where everything
    // takes turns, it reads first, so the total is known from the first progress report.
    const count = async () => {
      // Most CSV files are counted without parsing them (formats/count.ts); the rest are read.
      const quick = job.format === 'csv' ? await quickCsvCount(storedChunks(db, jobId), job.options, options.signal) : null;
      const total =
        quick !== null ? Math.max(quick - 1, 0) : options.signal?.aborted ? null : await countRows(jobRows(db, jobId, job, options.xlsx), options.signal);
      if (total === null) return; // stopped: the resumption counts
      // Not once the job has ended: a file the reader refused is not counted as rows.
      await db.query(`UPDATE public.import_jobs SET total_rows = $2 WHERE id = $1 AND status IN (${sqlStatuses(IMPORT_MACHINE.moves.run.from)})`, [
        jobId,
        total,
      ]);
      runner.total = total;
    };
    const mustCount = job.total === 0 && job.processed === 0;
    if (mustCount && !db.concurrent) await count();
    const counting = mustCount && db.concurrent ? count() : null;
    let stopped: string | null;
    try {
      stopped = await runner.run(rows);
    } finally {
      await counting?.catch(() => {});
    }
    await counting;
    if (stopped) return { status: stopped };
    const final = runner.failure > 0 ? 'complete_with_errors' : 'complete';
    return await finish(db, jobId, final, runner.failure > 0 ? `${runner.failure} of ${runner.processed} rows rejected` : null);
  } catch (err) {
    if (err instanceof Stop) return { status: err.status };
    // Another runner owns the job now: leave it to that one, status untouched.
    if (err instanceof ImportError && err.code === 'IMPORT_CONFLICT') return { status: 'running' };
    if (err instanceof ImportError) return finish(db, jobId, 'fail', err.message);
    // A lost connection, a shutdown, a deadlock or a lock timeout is not the job's fault
    // (src/db/transient.ts): it stays running, to be resumed. Any other database error fails
    // it, saying so.
    if (err instanceof DatabaseError && !isTransient(err)) {
      await finish(db, jobId, 'fail', `a database error stopped the import: ${err.message}`).catch(() => {});
    }
    throw err;
  } finally {
    await rows.return(undefined);
  }
}

/** The rows after the header; null when `signal` stopped the count. */
async function countRows(rows: AsyncGenerator<SourceRow>, signal?: AbortSignal): Promise<number | null> {
  let n = -1; // the header is not a row
  for await (const _row of rows) {
    if (++n % 1000 === 0 && signal?.aborted) {
      await rows.return(undefined);
      return null;
    }
  }
  return Math.max(n, 0);
}

/** Ends the run's job by `end` (moves.ts: its audit event, via import, says what the job wrote); the job's status after. */
async function finish(db: Database, jobId: number, end: SystemEnd, message: string | null): Promise<{ status: string }> {
  return { status: (await endImportJob(db, jobId, end, message)) ?? IMPORT_MACHINE.moves[end].to };
}

/** Rows read between turns of the event loop while a batch is being written. */
const YIELD_ROWS = 200;

/** Batches of a run: gathers rows, commits them with their errors and counters, checks for cancellation. */
class BatchRunner<T> {
  private readonly db: Database;
  private readonly jobId: number;
  private readonly kind: ImportKind<T>;
  private readonly header: HeaderMatch;
  private readonly reading: RowContext;
  private readonly options: RunOptions;
  processed: number;
  success: number;
  failure: number;
  /** The rows in the file, once counted (0 before). */
  total: number;
  private readonly ctx: WriteContext;
  private readonly batchRows: number;
  private readonly batchMs: number;

  constructor(db: Database, jobId: number, kind: ImportKind<T>, header: HeaderMatch, reading: RowContext, job: JobRecord, options: RunOptions) {
    this.db = db;
    this.jobId = jobId;
    this.kind = kind;
    this.header = header;
    this.reading = reading;
    this.options = options;
    this.processed = job.processed;
    this.success = job.success;
    this.failure = job.failure;
    this.total = job.total;
    this.ctx = { jobId, userId: job.userId, fileName: job.fileName, reading, masters: masterCache(), outcomes: false };
    this.batchRows = options.batchRows ?? 2000;
    this.batchMs = options.batchMs ?? 500;
  }

  /**
   * Runs to the end of the rows; the status it stopped at when it stopped early, else null.
   * One batch is written while the next is read and checked (the database and this process
   * work at once); batches still commit one after another, in order.
   */
  async run(rows: AsyncGenerator<SourceRow>): Promise<string | null> {
    let skip = this.processed;
    let batch: Checked<T>[] = [];
    let since = Date.now();
    let inFlight: Promise<string | null> | null = null;
    const hand = async (b: Checked<T>[]): Promise<string | null> => {
      if (inFlight) {
        const stopped = await inFlight;
        inFlight = null;
        if (stopped) return stopped;
      }
      inFlight = this.commit(b);
      // Its outcome is awaited with the next batch (or at the end); until then a refusal must
      // not count as unhandled, which would take the process down (or fail a test).
      inFlight.catch(() => {});
      return null;
    };
    try {
      for await (const row of rows) {
        if (skip > 0) {
          skip--;
          continue;
        }
        batch.push(checkRow(this.kind, this.header, row, this.reading));
        // Reading a stored chunk takes only microtasks: without a turn of the event loop now
        // and then, the replies of the batch being written would wait for the chunk's end.
        if (batch.length % YIELD_ROWS === 0) {
          if (inFlight) await new Promise((r) => setImmediate(r));
          // Stopped (Ctrl-C, a shutdown): the rows read since the last batch are left for the resumption.
          if (this.options.signal?.aborted) {
            const last: Promise<string | null> | null = inFlight;
            inFlight = null;
            return (last ? await last : null) ?? 'running';
          }
        }
        if (batch.length >= this.batchRows || Date.now() - since >= this.batchMs) {
          const stopped = await hand(batch);
          if (stopped) return stopped;
          batch = [];
          since = Date.now();
        }
      }
      if (batch.length > 0) {
        const stopped = await hand(batch);
        if (stopped) return stopped;
      }
      const last: Promise<string | null> | null = inFlight;
      inFlight = null;
      return last ? await last : null;
    } finally {
      // A batch still being written when reading failed ends before the error goes up.
      if (inFlight) await (inFlight as Promise<string | null>).catch(() => null);
    }
  }

  /** Why the job refused a batch: it was cancelled (or ended, or deleted), or another runner advanced it. Always throws. */
  private async refused(tx: Queryable, expected: number): Promise<never> {
    const state = (
      await tx.query<{ status: string; processed: number }>('SELECT status, processed_rows AS processed FROM public.import_jobs WHERE id = $1', [this.jobId])
    ).rows[0];
    if (!state) throw new Stop('cancelled');
    if (state.status !== 'running') throw new Stop(state.status);
    throw new ImportError(
      'IMPORT_CONFLICT',
      `job ${this.jobId} was advanced by another runner (at row ${state.processed}, expected ${expected}): stopping so no row is written twice`,
    );
  }

  private async commit(batch: Checked<T>[]): Promise<string | null> {
    if (this.options.signal?.aborted) return 'running';
    let counts: { success: number; failure: number };
    try {
      counts = await this.write(batch, 'set');
    } catch (err) {
      if (!refusesData(err)) throw err;
      // The database refused a row: the batch rolled back whole. Again, a row at a time, each
      // under a savepoint, with the masters looked up afresh.
      this.ctx.masters = masterCache();
      counts = await this.write(batch, 'rows');
    }
    this.processed += batch.length;
    this.success += counts.success;
    this.failure += counts.failure;
    this.options.onProgress?.({ processed: this.processed, success: this.success, failure: this.failure, total: this.total });
    return null;
  }

  /** One batch in one transaction: its rows, its rejected rows and the job's counters. */
  private async write(batch: Checked<T>[], mode: WriteMode): Promise<{ success: number; failure: number }> {
    const expected = this.processed;
    return this.db.transaction(async (tx) => {
      const valid = batch.flatMap((c) => ('parsed' in c ? [c.parsed] : []));
      const written =
        valid.length > 0 ? await writeRows(tx, this.kind, valid, this.ctx, mode) : { rejected: new Map<number, FieldError[]>(), outcomes: new Map() };
      const errors: { row: SourceRow; errors: FieldError[] }[] = [];
      for (const c of batch) {
        if ('errors' in c) errors.push(c);
        else {
          const e = written.rejected.get(c.row.rowNumber);
          if (e) errors.push({ row: c.row, errors: e });
        }
      }
      await insertErrors(tx, this.jobId, errors);
      const failure = errors.length;
      const success = batch.length - failure;
      // The job is checked last, with the counters, saving a round trip per batch: when it was
      // cancelled meanwhile, or advanced by another runner, this batch rolls back whole.
      const moved = await tx.query(
        `UPDATE public.import_jobs SET processed_rows = processed_rows + $2, success_count = success_count + $3, failure_count = failure_count + $4
          WHERE id = $1 AND status = 'running' AND processed_rows = $5`,
        [this.jobId, batch.length, success, failure, expected],
      );
      if (moved.rowCount !== 1) await this.refused(tx, expected);
      return { success, failure };
    });
  }
}

/** The longest raw row kept with an error: enough to find and fix it, not a copy of a huge field. */
const RAW_LIMIT = 4000;

async function insertErrors(tx: Queryable, jobId: number, rows: { row: SourceRow; errors: FieldError[] }[]): Promise<void> {
  if (rows.length === 0) return;
  const numbers: number[] = [];
  const fields: (string | null)[] = [];
  const messages: string[] = [];
  const raws: string[] = [];
  for (const { row, errors } of rows) {
    for (const e of errors) {
      numbers.push(row.rowNumber);
      fields.push(e.field === null ? null : e.field.slice(0, 100));
      messages.push(e.message);
      raws.push(clean(row.raw.length > RAW_LIMIT ? `${row.raw.slice(0, RAW_LIMIT)}…` : row.raw));
    }
  }
  await tx.query(
    `INSERT INTO public.import_job_errors (import_job_id, row_number, field, message, raw_row)
     SELECT $1, n, f, m, r FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS t(n, f, m, r)`,
    [jobId, numbers, fields, messages.map(clean), raws],
  );
}

/** PostgreSQL text holds no NUL character: a binary file's NULs are shown as U+FFFD. */
function clean(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}
