import type { MasterCache } from '../../items/masters.ts';
import type { Queryable } from '../../../db/types.ts';
import type { DateFormat } from '../../settings/days.ts';

/** What is wrong with one field of one row (`field` null when it is the row as a whole). */
export interface FieldError {
  field: string | null;
  message: string;
}

/** A column a kind reads: its key, the header people see, the other headers that mean it. */
export interface ColumnSpec {
  key: string;
  label: string;
  aliases: readonly string[];
  /** A required column must be in the header (its cells may still be empty where the kind allows). */
  required: boolean;
}

/** What reading a row depends on: the installation's settings (`app/settings`), read once per run or preview. */
export interface RowContext {
  /** How the file's days may be written, besides YYYY-MM-DD. */
  dateFormat: DateFormat;
  /** The currency of an amount whose row names none. */
  currency: string;
}

/** A row that passed its kind's checks, with where it came from. */
export interface ParsedRow<T> {
  rowNumber: number;
  raw: string;
  value: T;
}

/** What a write knows of the job it writes for. */
export interface WriteContext {
  jobId: number | null;
  userId: number | null;
  fileName: string;
  /** The settings the run read once (RowContext): a refusal writes its days in the file's date format. */
  reading: RowContext;
  /**
   * Master ids (colours, sizes, models, variations) already found by this run: a batch looks
   * up only names it has not met. Cleared when a batch is refused, so a retry looks again.
   */
  masters?: MasterCache;
  /** false: the write may leave `outcomes` empty (a run reports counts, not a word per row); a preview wants them. */
  outcomes?: boolean;
}

/** What became of the rows of a write: those refused with why, and a word on each one written. */
export interface WriteResult {
  rejected: Map<number, FieldError[]>;
  outcomes: Map<number, string>;
}

/**
 * One kind of import: the columns it reads, the checks on one row (pure: no database), and a
 * set-based write of many rows. `key` is the row's natural key; a write never receives two
 * rows of one key, so a batch writes as the same rows would one by one.
 */
export interface ImportKind<T> {
  name: string;
  description: string;
  /** What a person calls it ("Supplier rates"), for lists and forms. */
  label: string;
  /** What a row makes, in a sentence. */
  about: string;
  /** The web app's page where the imported rows can be seen. */
  listPath: string;
  columns: readonly ColumnSpec[];
  /** Its rows change what processes cost (rates): a preview shows the margins the file moves. */
  costsProcesses?: boolean;
  parse(cells: Readonly<Record<string, string>>, context: RowContext): { value: T } | { errors: FieldError[] };
  key(value: T): string;
  /**
   * Rows that share a slot but differ in tag are never written together (an item's name, model
   * and variation with two descriptions: the first row may make the item the second finds).
   */
  slot?(value: T): [slot: string, tag: string];
  write(tx: Queryable, rows: ParsedRow<T>[], ctx: WriteContext): Promise<WriteResult>;
}

export function emptyResult(): WriteResult {
  return { rejected: new Map(), outcomes: new Map() };
}

/** Adds an error to a row of a result. */
export function reject(result: WriteResult, rowNumber: number, field: string | null, message: string): void {
  const list = result.rejected.get(rowNumber) ?? [];
  list.push({ field, message });
  result.rejected.set(rowNumber, list);
  result.outcomes.delete(rowNumber);
}
