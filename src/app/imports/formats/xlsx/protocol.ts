// What the reading thread and its host say to each other (thread.ts, host.ts).
import type { XlsxLimits } from './limits.ts';
import type { SheetRow } from './sheet.ts';

/** What the thread is started with. */
export interface ThreadStart {
  sheet: string | undefined;
  limits: XlsxLimits;
  /** Rows per batch sent back. */
  batchRows: number;
  /** The file passed the guard already (the same bytes, the same limits): its pass is skipped. */
  guarded: boolean;
}

/** The host: the next chunk of the file in pass `pass` (or its end), or room for one more batch of rows. */
export type FromHost = { type: 'chunk'; pass: number; data: Uint8Array } | { type: 'end'; pass: number } | { type: 'credit' };

/** The thread: the next chunk of pass `pass`, please; the file passed the guard; rows; the end; or why it stopped. */
export type FromThread =
  | { type: 'need'; pass: number }
  | { type: 'guarded' }
  | { type: 'rows'; rows: SheetRow[] }
  | { type: 'done' }
  | { type: 'error'; code: string; message: string; details: Record<string, unknown> };
