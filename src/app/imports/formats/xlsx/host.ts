// An XLSX file's rows, read in a thread of their own (thread.ts) with a capped heap: a
// workbook that would take more memory than an import may use ends its job, never the
// process (and with it the server and every other job and request).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ImportError } from '../../errors.ts';
import { xlsxReading } from './limits.ts';
import type { XlsxReading } from './limits.ts';
import type { FromHost, FromThread, ThreadStart } from './protocol.ts';
import type { SheetRow } from './sheet.ts';

export type { SheetRow } from './sheet.ts';

/** Rows per batch the thread sends; two batches at most wait here for the reader. */
const BATCH_ROWS = 1000;

type Event =
  | Exclude<FromThread, { type: 'need' | 'guarded' }>
  | { type: 'failed'; error: Error }
  | { type: 'exited'; code: number }
  | { type: 'input'; error: unknown };

/**
 * Files that passed the guard in this process, by their SHA-256 and the limits they passed:
 * the same bytes under the same limits pass again, so a job's count, its rows, a resumed
 * run and a preview check the file once between them (the guard's pass costs about a sixth
 * of reading). The most recent are kept.
 */
const guarded = new Set<string>();
const GUARDED_KEPT = 256;

function remember(key: string): void {
  guarded.delete(key);
  guarded.add(key);
  if (guarded.size > GUARDED_KEPT) guarded.delete(guarded.values().next().value as string);
}

/**
 * The rows of one worksheet of an XLSX file (the first, or the one named `sheet`), read in a
 * thread whose heap is capped at `reading.heapMb`, against `reading.limits`: `chunks()` gives
 * the file from its start each time it is called (it is read twice: first checked against
 * the limits, then read). A refusal is the guard's ImportError (limits.ts);
 * IMPORT_XLSX_OUT_OF_MEMORY when the thread runs out of heap anyway, IMPORT_XLSX_READER_FAILED
 * when it dies of anything else. Given the file's `sha256`, a file this process has seen
 * pass the guard under the same limits is not checked again. Rows come in batches, each asked for when the one before
 * has been taken, so a slow reader of the rows holds the thread back rather than letting
 * rows pile up.
 */
export async function* xlsxRows(
  chunks: () => AsyncIterable<Buffer>,
  sheet: string | undefined,
  reading: XlsxReading = xlsxReading(),
  sha256?: string,
): AsyncGenerator<SheetRow> {
  const key = sha256 === undefined ? null : `${sha256} ${JSON.stringify(reading.limits)}`;
  // The thread's own temporary directory (exceljs keeps a worksheet there when it comes
  // before the shared strings), removed whichever way the thread ends.
  const dir = await mkdtemp(join(tmpdir(), 'mtc-xlsx-'));
  const events = new Inbox<Event>();
  let thread: Worker | null = null;
  let input: { pass: number; it: AsyncIterator<Buffer> } | null = null;
  let feeding: Promise<void> = Promise.resolve();
  const post = (m: FromHost, transfer: ArrayBuffer[] = []) => thread?.postMessage(m, transfer);
  // Each request for the file's next chunk is answered in turn, while the rows already sent
  // are being taken: reading and the reader's work overlap.
  const answer = async (pass: number) => {
    try {
      if (input?.pass !== pass) {
        await input?.it.return?.();
        input = { pass, it: chunks()[Symbol.asyncIterator]() };
      }
      const next = await input.it.next();
      if (next.done) return post({ type: 'end', pass });
      // A copy the thread can own: the chunk may be a view of a larger buffer.
      const data = new Uint8Array(next.value);
      post({ type: 'chunk', pass, data }, [data.buffer]);
    } catch (error) {
      events.push({ type: 'input', error });
    }
  };
  try {
    const start: ThreadStart = { sheet, limits: reading.limits, batchRows: BATCH_ROWS, guarded: key !== null && guarded.has(key) };
    thread = startThread(start, reading.heapMb, dir);
    thread.on('message', (m: FromThread) => {
      if (m.type === 'need') feeding = feeding.then(() => answer(m.pass));
      else if (m.type === 'guarded') {
        if (key !== null) remember(key);
      } else events.push(m);
    });
    thread.on('error', (error) => events.push({ type: 'failed', error }));
    thread.on('exit', (code) => events.push({ type: 'exited', code }));
    post({ type: 'credit' });
    post({ type: 'credit' });
    for (;;) {
      const e = await events.next();
      if (e.type === 'rows') {
        post({ type: 'credit' });
        yield* e.rows;
      } else if (e.type === 'done') return;
      else if (e.type === 'error') throw new ImportError(e.code, e.message, 'state', e.details);
      else if (e.type === 'input')
        throw e.error; // reading the stored file failed: the database's error, as it is
      else throw threadFailure(e.type === 'failed' ? e.error : null, reading.heapMb);
    }
  } finally {
    const t = thread as Worker | null;
    t?.removeAllListeners('message');
    await t?.terminate();
    await feeding;
    await (input as { it: AsyncIterator<Buffer> } | null)?.it.return?.();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Why the reading thread died, as the job's error: IMPORT_XLSX_OUT_OF_MEMORY when it ran out
 * of its `heapMb`, IMPORT_XLSX_READER_FAILED (with its error's message) for anything else.
 */
export function threadFailure(error: Error | null, heapMb: number): ImportError {
  if ((error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ImportError(
      'IMPORT_XLSX_OUT_OF_MEMORY',
      `reading the workbook took more than the ${heapMb} MB of memory an import may use, though it is within the limits on size, texts and cells: save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that, or split the workbook`,
      'state',
      { heapMb },
    );
  }
  return new ImportError(
    'IMPORT_XLSX_READER_FAILED',
    `the workbook's reader stopped unexpectedly${error ? ` (${error.message})` : ''}: save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that`,
    'state',
  );
}

/**
 * The reading thread: built, dist/xlsx-thread.cjs beside the CLI's bundle; from the sources
 * (the tests), thread.ts itself, which Node 24 runs by stripping its types.
 */
function startThread(start: ThreadStart, heapMb: number, dir: string): Worker {
  const options = { workerData: start, resourceLimits: { maxOldGenerationSizeMb: heapMb }, env: { ...process.env, TMPDIR: dir } };
  const here = import.meta.url;
  return new Worker(here.endsWith('.ts') ? new URL('./thread.ts', here) : new URL('./xlsx-thread.cjs', here), options);
}

/** Events in order, for one reader that awaits them. */
class Inbox<T> {
  private readonly queue: T[] = [];
  private waiting: ((value: T) => void) | null = null;

  push(value: T): void {
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w(value);
    } else this.queue.push(value);
  }

  next(): Promise<T> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve(value);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
