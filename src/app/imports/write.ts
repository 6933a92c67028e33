// What a run of a job (engine.ts) and a preview (preview.ts) do alike with a file's rows:
// check each against its kind, then write the valid ones, a row the database refuses costing
// only itself. Both import this module; it imports neither.
import type { Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import type { HeaderMatch } from './headers.ts';
import type { FieldError, ImportKind, ParsedRow, RowContext, WriteContext, WriteResult } from './kinds/kind.ts';
import type { SourceRow } from './formats/rows.ts';

/** Why a job cannot start when its header row could not be read (a quote left open in it, a line too long). */
export function unreadableHeader(row: SourceRow): string {
  return `the header row cannot be read, so nothing was imported: ${row.error}`;
}

/** One input row checked: either a value for the kind's write, or why not. */
export type Checked<T> = { row: SourceRow; parsed: ParsedRow<T> } | { row: SourceRow; errors: FieldError[] };

/** Checks one source row against its kind (no database), its days read as `context` says. */
export function checkRow<T>(kind: ImportKind<T>, header: HeaderMatch, row: SourceRow, context: RowContext): Checked<T> {
  if (row.error) return { row, errors: [{ field: null, message: row.error }] };
  const extra = row.cells.length > header.width && row.cells.slice(header.width).some((c) => c.trim() !== '');
  const cells: Record<string, string> = {};
  for (const [key, index] of header.indexes) cells[key] = unquoteFormula(row.cells[index] ?? '');
  const parsed = kind.parse(cells, context);
  const errors = 'errors' in parsed ? parsed.errors : [];
  if (extra)
    errors.unshift({ field: null, message: `the row has ${row.cells.length} cells, the header ${header.width}: cells beyond the header are not read` });
  if (errors.length > 0 || !('value' in parsed)) return { row, errors };
  return { row, parsed: { rowNumber: row.rowNumber, raw: row.raw, value: parsed.value } };
}

/** A cell MTC exported with its formula guard (`'=…`, `''=…` for a stored `'=…`) comes back as it was: one apostrophe less. */
function unquoteFormula(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * How writeRows meets a row the database refuses (one the kind's checks did not foresee):
 * `guarded` writes each wave under a savepoint and, when refused, writes that wave's rows one
 * at a time, each under its own savepoint, so one bad row costs only itself; `rows` writes
 * every row that way from the start; `set` takes no savepoint at all (two round trips less
 * per batch) and lets the refusal abort the transaction: the caller then runs the batch
 * again, in a new transaction, with `rows`.
 */
export type WriteMode = 'set' | 'guarded' | 'rows';

/** Writes checked rows as one would one by one: rows are split into waves in which each natural key occurs once. */
export async function writeRows<T>(
  tx: Queryable,
  kind: ImportKind<T>,
  rows: ParsedRow<T>[],
  ctx: WriteContext,
  mode: WriteMode = 'guarded',
): Promise<WriteResult> {
  const result: WriteResult = { rejected: new Map(), outcomes: new Map() };
  for (const wave of waves(kind, rows)) {
    let r: WriteResult | null = null;
    if (mode === 'set') r = await kind.write(tx, wave, ctx);
    else if (mode === 'guarded') {
      try {
        await tx.exec('SAVEPOINT import_batch');
        r = await kind.write(tx, wave, ctx);
        await tx.exec('RELEASE SAVEPOINT import_batch');
      } catch (err) {
        if (!refusesData(err)) throw err;
        await tx.exec('ROLLBACK TO SAVEPOINT import_batch');
      }
    }
    r ??= await writeOneByOne(tx, kind, wave, ctx);
    for (const [n, e] of r.rejected) result.rejected.set(n, e);
    for (const [n, o] of r.outcomes) result.outcomes.set(n, o);
  }
  return result;
}

async function writeOneByOne<T>(tx: Queryable, kind: ImportKind<T>, rows: ParsedRow<T>[], ctx: WriteContext): Promise<WriteResult> {
  const r: WriteResult = { rejected: new Map(), outcomes: new Map() };
  for (const row of rows) {
    try {
      await tx.exec('SAVEPOINT import_row');
      const one = await kind.write(tx, [row], ctx);
      await tx.exec('RELEASE SAVEPOINT import_row');
      for (const [n, e] of one.rejected) r.rejected.set(n, e);
      for (const [n, o] of one.outcomes) r.outcomes.set(n, o);
    } catch (rowErr) {
      if (!refusesData(rowErr)) throw rowErr;
      await tx.exec('ROLLBACK TO SAVEPOINT import_row');
      r.rejected.set(row.rowNumber, [{ field: null, message: `the database refused the row: ${(rowErr as DatabaseError).message}` }]);
    }
  }
  return r;
}

/**
 * Whether the database refused the data itself (a data exception, a constraint, a raised
 * exception): that is a row's fault. Anything else (a lost connection, a lock or statement
 * timeout, a deadlock) is not, and fails the batch instead, so it is not recorded as rows
 * rejected.
 */
export function refusesData(err: unknown): err is DatabaseError {
  return err instanceof DatabaseError && /^(22|23|P0)/.test(err.code);
}

function waves<T>(kind: ImportKind<T>, rows: ParsedRow<T>[]): ParsedRow<T>[][] {
  const out: { rows: ParsedRow<T>[]; slots: Map<string, string> }[] = [];
  const next = new Map<string, number>();
  for (const row of rows) {
    const key = kind.key(row.value);
    const slot = kind.slot?.(row.value);
    let w = next.get(key) ?? 0;
    for (; ; w++) {
      const wave = (out[w] ??= { rows: [], slots: new Map() });
      if (!slot) break;
      const tag = wave.slots.get(slot[0]);
      if (tag === undefined || tag === slot[1]) {
        wave.slots.set(slot[0], slot[1]);
        break;
      }
    }
    out[w]!.rows.push(row);
    next.set(key, w + 1);
  }
  return out.map((w) => w.rows).filter((w) => w.length > 0);
}
