import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import { importBatchRows } from '../import-batch.ts';
import type { Database } from '../../db/types.ts';
import { createImportJob } from '../../app/imports/engine.ts';
import { previewImport } from '../../app/imports/preview.ts';
import type { ImportProgress } from '../../app/imports/engine.ts';
import type { Preview } from '../../app/imports/preview.ts';
import { IMPORT_KIND_NAMES, kindName } from '../../app/imports/kinds/index.ts';
import { runImportHere } from '../../app/imports/worker.ts';
import { listImportErrors, requireImportJob } from '../../app/imports/jobs.ts';
import { moveImportJob } from '../../app/imports/moves.ts';
import { ImportError } from '../../app/imports/errors.ts';
import { CLI_ACTOR } from '../../app/audit/actor.ts';

export const options = {
  kind: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  sheet: { type: 'string' },
  preview: { type: 'boolean' },
  rows: { type: 'string' },
} as const;

export const help = `Usage: mtc import FILE --kind KIND [--encoding ENC] [--delimiter D] [--sheet NAME]
                  [--preview [--rows N]] [--database URL] [--json]

Imports a CSV or XLSX file as a job: the file is stored in the database, then read and
written here in batches, with a progress bar (rows per second, time left) on a terminal and
a line of counters every second otherwise, and a summary at the end. Each batch commits its
rows with their errors, so an interrupted import resumes where it stopped (a server running
mtc serve on the same database takes over a job whose mtc import died). Ctrl-C stops after
the batch being written and cancels the job: the rows committed stay, and importing the file
again completes it.

Kinds (--kind):
  items      items and variants: Item, Model, Variation, Description, Category, Color, Size,
             Stock, Unit, Threshold (the old system's columns; Item, Color and Size required
             in the header). Stock is the level to have: the ledger gets an opening balance or
             an adjustment by the difference, so importing a file twice counts it once.
  suppliers  Firm Name, Address, GSTIN, Email, Phone
  rates      Supplier, Item, Model, Variation, Description, Color, Size, Cost, Currency,
             MOQ, Effective From, Effective To, Active

Headers are matched whatever their case, spacing and punctuation, and by common aliases
(Colour, Qty, Reorder Level…). A row's natural key decides whether it updates or creates;
empty cells leave stored values as they are, and an empty Description names an item by its
name, model and variation alone (a row that names more than one item is rejected, naming
them). Rejected rows are recorded with their row number, field and reason; the good rows
are imported all the same. Every line of a CSV file is a row, or part of a record whose
quoted field spans lines and closes properly: a quote left open costs only its own line.

Options:
  --kind KIND        items, suppliers or rates (required)
  --encoding ENC     the file's encoding (default: detected: UTF-8 with or without BOM,
                     UTF-16 with a BOM, else Windows-1252)
  --delimiter D      one character, or comma, semicolon, tab, pipe (default: sniffed)
  --sheet NAME       XLSX: the worksheet to read (default: the first)
  --preview          show the first rows as they would be imported, with their errors;
                     nothing is written and no job is made
  --rows N           how many rows --preview shows (default 20)

A batch holds up to 2,000 rows ($MTC_IMPORT_BATCH_ROWS, 1 to 100,000, sets another size).

Exit codes: 0 every row imported; 1 rows rejected, or the job failed or was interrupted;
2 usage error; 3 could not connect.`;

/** How much of a CSV file --preview reads: plenty for its rows, never the whole of a big file. */
const PREVIEW_BYTES = 4 * 1024 * 1024;

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length !== 1) throw new UsageError(`mtc import takes one FILE (got ${ctx.positionals.length}); see mtc import --help`);
  const file = ctx.positionals[0]!;
  const kindOption = ctx.values.kind;
  if (typeof kindOption !== 'string') throw new UsageError(`mtc import needs --kind: one of ${IMPORT_KIND_NAMES.join(', ')}`);
  const kind = kindName(kindOption);
  const batchRows = importBatchRows();
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
  if (size === null) throw new UsageError(`cannot read ${file}: no such file`);
  const declared = {
    ...(typeof ctx.values.encoding === 'string' ? { encoding: ctx.values.encoding } : {}),
    ...(typeof ctx.values.delimiter === 'string' ? { delimiter: ctx.values.delimiter } : {}),
    ...(typeof ctx.values.sheet === 'string' ? { sheet: ctx.values.sheet } : {}),
  };
  if (ctx.values.preview === true) {
    const rows = ctx.values.rows === undefined ? 20 : Number(ctx.values.rows);
    if (!Number.isInteger(rows) || rows < 1 || rows > 1000) throw new UsageError(`--rows ${String(ctx.values.rows)}: expected a whole number from 1 to 1000`);
    const bytes = await previewBytes(file, size);
    const preview = await withDatabase(ctx, (db) => previewImport(db, { kind, fileName: basename(file), bytes, options: declared }, { rows }));
    if (ctx.json) ctx.out(JSON.stringify(preview, null, 2));
    else ctx.out(formatPreview(preview, file));
    return preview.problem !== null || preview.rows.some((r) => r.errors.length > 0) ? 1 : 0;
  }
  return withDatabase(ctx, (db) => importFile(ctx, db, file, kind, declared, batchRows));
}

/** The start of a file for a preview: a CSV file up to its last whole line within PREVIEW_BYTES; an XLSX file whole. */
async function previewBytes(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const length = Math.min(size, PREVIEW_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, 0);
    if (size <= PREVIEW_BYTES || buf.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
      if (size > PREVIEW_BYTES) {
        const whole = Buffer.alloc(size);
        await handle.read(whole, 0, size, 0);
        return whole;
      }
      return buf;
    }
    const lastLine = buf.lastIndexOf(0x0a);
    return lastLine > 0 ? buf.subarray(0, lastLine + 1) : buf;
  } finally {
    await handle.close();
  }
}

interface Summary {
  jobId: number;
  importId: string;
  kind: string;
  file: string;
  status: string;
  message: string | null;
  totalRows: number;
  processedRows: number;
  successCount: number;
  failureCount: number;
  seconds: number;
  rowsPerSecond: number | null;
  errors: { row: number; field: string | null; message: string }[];
}

async function importFile(
  ctx: CommandContext,
  db: Database,
  file: string,
  kind: string,
  declared: Record<string, string>,
  batchRows: number | undefined,
): Promise<number> {
  const started = Date.now();
  const progress = new ProgressView(ctx);
  progress.note(`storing ${basename(file)}`);
  const { jobId, importId } = await createImportJob(db, { kind, fileName: basename(file), stream: createReadStream(file), options: declared }, CLI_ACTOR);
  progress.note(`job ${jobId}: counting rows`);
  // Ctrl-C (or SIGTERM) stops after the batch being written and cancels the job: what is
  // committed stays. The handler stays until the job is marked, so a second Ctrl-C cannot
  // kill the process between the two and leave the job running with nobody to run it.
  const stop = new AbortController();
  let done = false;
  const onSignal = () => {
    if (done) return; // the summary is out and the process is exiting: nothing left to stop
    if (stop.signal.aborted) progress.say('import: already stopping: waiting for the batch being written to commit');
    else progress.say('import: stopping after the batch being written; the job will be cancelled, what is committed stays');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let status: string;
  try {
    try {
      const run = await runImportHere(db, jobId, { signal: stop.signal, onProgress: (p) => progress.update(p), ...(batchRows ? { batchRows } : {}) });
      status = run.acquired ? run.status : await followJob(db, jobId, progress, stop.signal);
    } finally {
      progress.clear();
    }
    if (stop.signal.aborted && status === 'running') status = await cancelStopped(db, jobId);
    const summary = await summarise(db, jobId, importId, kind, file, (Date.now() - started) / 1000);
    if (ctx.json) ctx.out(JSON.stringify(summary, null, 2));
    else ctx.out(formatSummary(summary));
    return summary.status === 'completed' ? 0 : 1;
  } finally {
    // Until here a Ctrl-C stops the import cleanly; from here the process (bin.ts) ignores
    // one while it writes what is left and exits, so it never ends with a signal's status.
    done = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Cancels the job whose run Ctrl-C stopped here (its run has let go of it: it ends now), as the
 * person at the terminal; a job that ended meanwhile is left as it is. Its status after.
 */
async function cancelStopped(db: Database, jobId: number): Promise<string> {
  try {
    return (await moveImportJob(db, jobId, 'cancel', CLI_ACTOR, { reason: 'interrupted from the command line', stoppedHere: true })).status;
  } catch (err) {
    if (err instanceof ImportError && err.code === 'IMPORT_FINISHED') return (await requireImportJob(db, jobId)).status;
    throw err;
  }
}

/** Waits for a job another process took (a server got it first), showing its progress; `running` when `signal` stops the wait. */
async function followJob(db: Database, jobId: number, progress: ProgressView, signal: AbortSignal): Promise<string> {
  progress.note(`job ${jobId} is run by a server; following it`);
  for (;;) {
    const job = await requireImportJob(db, jobId);
    const s = { status: job.status, processed: job.processedRows, success: job.successCount, failure: job.failureCount, total: job.totalRows };
    progress.update(s); // the last one too: the counters the job ended with
    if (!['pending', 'running'].includes(s.status)) return s.status;
    if (signal.aborted) return 'running';
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function summarise(db: Database, jobId: number, importId: string, kind: string, file: string, seconds: number): Promise<Summary> {
  const job = await requireImportJob(db, jobId);
  const j = {
    status: job.status,
    message: job.message,
    total: job.totalRows,
    processed: job.processedRows,
    success: job.successCount,
    failure: job.failureCount,
  };
  const errors = (await listImportErrors(db, jobId, { limit: 100, offset: 0 })).errors.map((e) => ({ row: e.rowNumber, field: e.field, message: e.message }));
  return {
    jobId,
    importId,
    kind,
    file,
    status: j.status,
    message: j.message,
    totalRows: j.total,
    processedRows: j.processed,
    successCount: j.success,
    failureCount: j.failure,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: seconds > 0 ? Math.round(j.processed / seconds) : null,
    errors,
  };
}

const rows = (n: number) => `${n.toLocaleString('en')} row${n === 1 ? '' : 's'}`;

/** The summary for a person: what happened, the first rejected rows, and where the rest are. */
export function formatSummary(s: Summary): string {
  const lines: string[] = [];
  const rate = s.rowsPerSecond === null ? '' : `, ${s.rowsPerSecond.toLocaleString('en')} rows/s`;
  if (s.status === 'failed') {
    lines.push(`Import of ${s.file} (job ${s.jobId}) failed: ${s.message ?? 'no reason given'}`);
  } else {
    const head =
      s.status === 'cancelled'
        ? `Import of ${s.file} (job ${s.jobId}) was stopped after ${rows(s.processedRows)} of ${s.totalRows.toLocaleString('en')}`
        : `Imported ${s.file} as ${s.kind} (job ${s.jobId})`;
    lines.push(
      `${head}: ${s.successCount.toLocaleString('en')} of ${rows(s.processedRows)} imported, ${s.failureCount.toLocaleString('en')} rejected, in ${s.seconds} s${rate}.`,
    );
  }
  if (s.errors.length > 0) {
    const listed = new Set(s.errors.map((e) => e.row)).size;
    lines.push(`Rejected rows${s.failureCount > listed ? ` (the first ${listed})` : ''}:`);
    for (const e of s.errors.slice(0, 20)) lines.push(`  row ${e.row}${e.field ? `, ${e.field}` : ''}: ${e.message}`);
    if (s.errors.length > 20 || s.failureCount > listed) lines.push(`All of them: GET /api/imports/${s.jobId}/errors.csv (or --json).`);
  }
  return lines.join('\n');
}

export function formatPreview(p: Preview, file: string): string {
  const lines = [
    `Preview of ${file} as ${p.kind} (${p.format}${p.encoding ? `, ${p.encoding}` : ''}${p.delimiter ? `, delimiter ${JSON.stringify(p.delimiter)}` : ''}); nothing was written.`,
  ];
  if (p.problem) {
    lines.push(`It cannot be imported: ${p.problem}`);
    return lines.join('\n');
  }
  lines.push(`Columns: ${p.columns.map((c) => `${c.label} ← ${c.header === null ? '(absent)' : JSON.stringify(c.header)}`).join(', ')}`);
  if (p.ignoredColumns.length > 0) lines.push(`Ignored columns: ${p.ignoredColumns.join(', ')}`);
  for (const r of p.rows) {
    const values = Object.entries(r.values)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 40)}…` : v}`)
      .join(' ');
    lines.push(`  row ${r.rowNumber}: ${r.errors.length === 0 ? `ok (${r.outcome ?? 'no change'})` : 'REJECTED'}  ${values}`);
    for (const e of r.errors) lines.push(`      ${e.field ?? 'row'}: ${e.message}`);
  }
  if (p.margins) {
    const m = p.margins;
    const of = m.wholeFile ? 'the file' : `the file's first ${m.rowsRead} rows`;
    lines.push(
      m.processes.length === 0
        ? `Margins: importing ${of} moves no process's worst-case cost on ${m.asOf}.`
        : `Margins importing ${of} would move on ${m.asOf} (worst case, usual lot size; ${m.fellBelow} falling below target):`,
    );
    for (const p of m.processes)
      lines.push(
        `  ${p.name}: unit ${p.before.unit} → ${p.after.unit}, margin ${p.before.margin ?? '-'}% → ${p.after.margin ?? '-'}% (target ${p.targetMargin}%)${p.crossed === 'below' ? ' FALLS BELOW TARGET' : p.crossed === 'above' ? ' back to target' : ''}`,
      );
  }
  return lines.join('\n');
}

/** Progress on stderr: a bar redrawn in place on a terminal, a line of counters a second otherwise. */
class ProgressView {
  private readonly ctx: CommandContext;
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;

  constructor(ctx: CommandContext) {
    this.ctx = ctx;
  }

  note(text: string): void {
    if (this.ctx.isTTY && !this.ctx.json) {
      this.ctx.stderr.write(`\r\x1b[K${text}…`);
      this.drawn = true;
    }
  }

  /** A line that stays: on a terminal the bar is cleared first and redrawn below it by the next update. */
  say(text: string): void {
    this.clear();
    this.ctx.err(text);
  }

  update(p: ImportProgress): void {
    const now = Date.now();
    const tty = this.ctx.isTTY && !this.ctx.json;
    if (now - this.last < (tty ? 100 : 1000) && p.processed !== p.total) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? p.processed / seconds : 0;
    // The total is 0 until the rows are counted (on a server, while the import runs).
    const known = p.total >= p.processed && p.total > 0;
    const pct = known ? Math.min(100, Math.floor((p.processed / p.total) * 100)) : 0;
    const eta = !known ? '?' : rate > 0 && p.total > p.processed ? clock((p.total - p.processed) / rate) : '0:00';
    const counts = known ? `${p.processed.toLocaleString('en')}/${p.total.toLocaleString('en')} rows` : `${p.processed.toLocaleString('en')} rows (counting)`;
    if (tty) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      this.ctx.stderr.write(
        `\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${counts}  ${Math.round(rate).toLocaleString('en')} rows/s  ETA ${eta}  ${p.failure.toLocaleString('en')} rejected`,
      );
      this.drawn = true;
    } else {
      const n = (x: number) => Math.round(x).toLocaleString('en');
      this.ctx.err(`import: ${counts}${known ? ` (${pct}%)` : ''}, ${n(p.success)} imported, ${n(p.failure)} rejected, ${n(rate)} rows/s, ETA ${eta}`);
    }
  }

  clear(): void {
    if (this.drawn) this.ctx.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
