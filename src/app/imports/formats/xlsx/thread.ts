// The thread that reads a workbook (started by host.ts; built as dist/xlsx-thread.cjs). It
// asks its host for the file one chunk at a time, twice: the guard reads it all against the
// limits, then exceljs reads the wanted sheet, whose rows go back in batches, each only when
// the host has room for it. Its heap is capped (resourceLimits): should a workbook that
// passed the guard still take more, this thread dies of it, and the host fails the job.
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from '../../errors.ts';
import { guardWorkbook } from './guard.ts';
import { sheetRows } from './sheet.ts';
import type { SheetRow } from './sheet.ts';
import type { FromHost, ThreadStart } from './protocol.ts';

const port = parentPort!;
const start = workerData as ThreadStart;

/**
 * Messages from the host, taken in order by whoever waits for one of their kind: the file's
 * chunks (exceljs may ask for the next while the rows wait for room) and room for rows.
 */
const chunks: FromHost[] = [];
let credit = 0;
const waiting = new Set<() => void>();
port.on('message', (m: FromHost) => {
  if (m.type === 'credit') credit++;
  else chunks.push(m);
  for (const wake of [...waiting]) wake();
});
const until = async (ready: () => boolean) => {
  while (!ready()) {
    await new Promise<void>((resolve) => {
      const wake = () => {
        waiting.delete(wake);
        resolve();
      };
      waiting.add(wake);
    });
  }
};

/** The file, pass `pass` (each pass reads it from its start), a chunk per request. */
async function* file(pass: number): AsyncGenerator<Buffer> {
  for (;;) {
    port.postMessage({ type: 'need', pass });
    let m: FromHost | undefined;
    // An answer to an earlier pass that stopped early is dropped.
    while (!m || m.type === 'credit' || m.pass !== pass) {
      await until(() => chunks.length > 0);
      m = chunks.shift();
    }
    if (m.type === 'end') return;
    yield Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  }
}

async function main(): Promise<void> {
  if (!start.guarded) {
    await guardWorkbook(file(0), start.limits);
    port.postMessage({ type: 'guarded' });
  }
  let batch: SheetRow[] = [];
  const send = async () => {
    await until(() => credit > 0);
    credit--;
    port.postMessage({ type: 'rows', rows: batch });
    batch = [];
  };
  for await (const row of sheetRows(file(1), start.sheet)) {
    batch.push(row);
    if (batch.length >= start.batchRows) await send();
  }
  if (batch.length > 0) await send();
  port.postMessage({ type: 'done' });
}

main().catch((err: unknown) => {
  const e =
    err instanceof ImportError ? err : new ImportError('IMPORT_UNREADABLE', `the file is not a readable XLSX workbook: ${(err as Error).message}`, 'state');
  port.postMessage({ type: 'error', code: e.code, message: e.message, details: { ...e.details } });
});
