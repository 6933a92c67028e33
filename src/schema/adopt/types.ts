import type { Queryable } from '../../db/types.ts';
import type { Finding } from '../catalog/compare.ts';
import type { SchemaModel } from '../catalog/model.ts';
import type { ChosenTimeZone } from './timezone.ts';

/**
 * What adoption found in the database before it changed anything, beyond the schema
 * differences `compare` names: a foreign key no index supports, an object whose name is not
 * the declared one, a value or name a person should look at, an object left unmanaged.
 */
export interface AdoptNote {
  kind: 'not-indexed' | 'oddly-named' | 'conflict' | 'mapped' | 'unmanaged' | 'kept';
  /** `schema.table`, `schema.table.column` or the object's qualified name. */
  object: string;
  message: string;
}

/** One thing adoption did (or, in a dry run, would do), in order. */
export interface AdoptAction {
  /** Which step: a mapping's name, `structure`, `columns`, `ledger`. */
  step: string;
  /** Why, for the person reviewing the report. */
  why: string;
  sql: string;
  /** Rows the statement changed, where PostgreSQL counts them. */
  rows: number;
}

/**
 * The handle a mapping works through. Every change goes through `run`, so that it is part of
 * the one transaction and of the report; `live` is the model as it was when the step began.
 */
export interface AdoptContext {
  readonly q: Queryable;
  readonly live: SchemaModel;
  readonly target: SchemaModel;
  /**
   * The zone in which values of `timestamp without time zone` are read (the adopting
   * transaction's TimeZone too): a mapping that turns one into an instant names it
   * (`col AT TIME ZONE …`) rather than relying on the session.
   */
  readonly timeZone: string;
  /** Whether a column of a table (`schema.name`, or a bare name in `public`) exists now (asks the catalog). */
  hasColumn(table: string, column: string): Promise<boolean>;
  /** Runs one statement as a step of the adoption; returns the rows it changed. */
  run(sql: string, why: string, params?: readonly unknown[]): Promise<number>;
  /** Reads without changing anything. */
  select<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  note(note: AdoptNote): void;
  /**
   * Moves rows out of `table` into the archive (`mtc_schema_archive`, with the row as JSON,
   * the key it was merged into and why) and deletes them there: nothing merged is lost.
   * `where` selects the rows; `mergedInto` is an SQL expression over the row. `as` names the
   * table the rows are recorded under, where that is not `table` (a table the mapping moved
   * aside keeps the name it had).
   */
  archive(table: string, where: string, mergedInto: string, why: string, options?: { as?: string }): Promise<number>;
  /**
   * Runs `fn` as a unit that may fail without failing the adoption: on an error (a unique
   * key a merge would break, say) what it did is rolled back, dropped from the report, and
   * the error returned.
   */
  attempt(fn: () => Promise<void>): Promise<Error | null>;
  /**
   * Runs `fn` with the triggers of `table` that fire now disabled, and enables them again:
   * putting a value into its declared spelling is not an edit, and must not, say, set an
   * `updated_at` to the time of adoption. Both steps are part of the report, unless `fn`
   * changed nothing (then neither is done).
   */
  quietly<T>(table: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * What a project knows about the databases its predecessor left: the steps that map their
 * data onto the declared schema. The engine knows nothing of any particular schema; MTC's
 * mapping lives in `app/legacy`.
 */
export interface AdoptMapping {
  /**
   * Before the structure converges: rename columns whose data the declared schema keeps
   * under another name, put values into their declared spelling, merge duplicates. Runs on
   * whatever shape the database has: each step checks for what it needs.
   */
  prepare?(ctx: AdoptContext): Promise<void>;
  /** After the structure converges: data that needs the declared tables (copies, ledgers). */
  complete?(ctx: AdoptContext): Promise<void>;
}

export interface AdoptOptions {
  /** The declared schema (the snapshot's model). */
  target: SchemaModel;
  mapping?: AdoptMapping;
  dryRun?: boolean;
  lockTimeoutMs?: number;
  /**
   * The zone the old application wrote its `timestamp without time zone` values in: columns the
   * declared schema makes `with time zone` are converted `AT TIME ZONE` it. A name from
   * pg_timezone_names (UNKNOWN_TIMEZONE otherwise); without it, the database's own TimeZone
   * setting (not the session's).
   */
  timeZone?: string;
  /** Patterns of objects the project config already calls unmanaged. */
  unmanaged?: readonly string[];
  onProgress?: (message: string) => void;
}

export interface AdoptResult {
  dryRun: boolean;
  /** Differences between the database and the declared schema before adoption. */
  before: Finding[];
  notes: AdoptNote[];
  actions: AdoptAction[];
  /** Patterns recorded as unmanaged (all of them, including earlier runs'). */
  unmanaged: string[];
  /** Migrations recorded as adopted by this run. */
  adopted: string[];
  /** Rows moved to the archive by this run. */
  archived: number;
  /** The zone timestamps without a time zone were read in, and the columns (`schema.table.column`) converted so. */
  timeZone: ChosenTimeZone & { columns: string[] };
}
