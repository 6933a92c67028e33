import { UsageError } from './usage.ts';

/** The most rows `MTC_IMPORT_BATCH_ROWS` may ask a batch to hold. */
export const MAX_IMPORT_BATCH_ROWS = 100_000;

/**
 * Rows per import batch from `$MTC_IMPORT_BATCH_ROWS` (read by `mtc serve` and `mtc import`),
 * or undefined for the engine's own (2,000). Fewer rows a batch mean more, smaller
 * transactions: a crash loses less, and the import is slower.
 */
export function importBatchRows(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.MTC_IMPORT_BATCH_ROWS;
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_IMPORT_BATCH_ROWS) {
    throw new UsageError(`MTC_IMPORT_BATCH_ROWS=${text}: expected a whole number of rows per import batch, 1 to ${MAX_IMPORT_BATCH_ROWS.toLocaleString('en')}`);
  }
  return n;
}
