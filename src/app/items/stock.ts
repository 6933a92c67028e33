import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { ItemError } from './sql.ts';
import { VARIANT_COLUMNS, VARIANT_FROM } from './variants.ts';
import type { Variant } from './variants.ts';
import { isoUtc } from '../timestamps.ts';
import { cappedTotal } from '../paging.ts';
import type { PageTotal } from '../paging.ts';

/** The movements a person records by hand; `production` belongs to production lots. */
export const MOVEMENT_TYPES = ['opening', 'receipt', 'issue', 'adjustment'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/**
 * A movement as a person states it: `quantity` a decimal string with at most 3 decimals. An
 * opening, receipt or issue gives how much (positive; an issue is stored negative); an
 * adjustment gives the signed change and must say why in `reason`.
 */
export interface MovementInput {
  variantId: number;
  type: MovementType;
  quantity: string;
  reason?: string | null;
  /**
   * What one unit of an opening balance is worth (an amount with at most 4 decimals): the
   * opening then enters the ledger with its value, and the variant's average cost starts there.
   * Without it an opening has no cost until the first receipt at a price values it. Only for an opening.
   */
  unitCost?: string | null;
}

/** One row of a variant's stock ledger; `quantity` is signed (negative goes out). */
export interface LedgerEntry {
  id: number;
  variantId: number;
  type: string;
  quantity: string;
  unit: string | null;
  /** What one unit moved at: the price paid coming in, the average cost going out; null while the variant has no cost. */
  unitCost: string | null;
  /** The change of the variant's stock value this row made, signed; null while the variant has no cost. */
  value: string | null;
  notes: string | null;
  createdBy: number | null;
  createdAt: string;
}

const DECIMAL = /^(-?)(\d{1,9})(?:\.(\d{1,3}))?$/;

/**
 * What is wrong with a movement before the database is asked, as the field and what to fix, or
 * null. The one place these rules live: the API answers them as 400 with the field's path.
 */
export function movementProblem(m: Omit<MovementInput, 'variantId'>): { field: 'quantity' | 'reason' | 'unitCost'; message: string } | null {
  if (m.unitCost != null) {
    if (m.type !== 'opening') return { field: 'unitCost', message: 'is for an opening balance only: record a receipt at a price as a goods receipt' };
    if (!/^\d{1,10}(\.\d{1,4})?$/.test(m.unitCost)) return { field: 'unitCost', message: 'write an amount of 0 or more with up to 4 decimals, such as 14.25' };
  }
  const d = DECIMAL.exec(m.quantity);
  if (!d) return { field: 'quantity', message: 'write a number with up to 3 decimals, such as 12.5' };
  const negative = d[1] === '-';
  const zero = /^0+$/.test(d[2]!) && /^0*$/.test(d[3] ?? '');
  if (m.type === 'adjustment') {
    if (zero) return { field: 'quantity', message: 'write a change other than 0: an adjustment changes the stock' };
    if (!m.reason?.trim()) return { field: 'reason', message: 'is required for an adjustment: say why the stock is corrected' };
    return null;
  }
  if (negative)
    return {
      field: 'quantity',
      message:
        m.type === 'issue'
          ? 'write the quantity taken out, above 0 (an issue takes it out as given)'
          : m.type === 'opening'
            ? 'write a quantity of 0 or more for an opening balance'
            : 'write a quantity above 0 for a receipt',
    };
  if (zero && m.type !== 'opening') return { field: 'quantity', message: `write a quantity above 0 for ${m.type === 'issue' ? 'an issue' : 'a receipt'}` };
  return null;
}

/** A recorded movement, with the variant's stock around it. */
export interface Movement {
  entry: LedgerEntry;
  stockBefore: string;
  stockAfter: string;
}

const ENTRY_COLUMNS = `id::float8 AS id, variant_id AS "variantId", transaction_type AS type, quantity::text AS quantity, unit,
  trim_scale(unit_cost)::text AS "unitCost", trim_scale(value)::text AS value, notes,
  created_by AS "createdBy", ${isoUtc('created_at')} AS "createdAt"`;

/**
 * Records a movement as the actor: the ledger row and the variant's stock change together, with
 * the variant locked meanwhile so that stock stays the sum of its ledger, and the audit event
 * (`create` of `stock_movement`, the stock before and after), all in one transaction.
 * Null when there is no such variant. Refused (409): STOCK_NEGATIVE when stock would go below
 * zero, OPENING_NOT_FIRST when the variant has movements already, VARIANT_DELETED or
 * ITEM_DELETED, STOCK_TOO_LARGE beyond what the column holds; bad input is usage (400).
 */
export async function recordMovement(db: Database, m: MovementInput, actor: Actor): Promise<Movement | null> {
  return db.transaction((tx) => recordMovementIn(tx, m, actor));
}

/** recordMovement in the caller's transaction (the demo seed's). */
export async function recordMovementIn(q: Queryable, m: MovementInput, actor: Actor): Promise<Movement | null> {
  const moved = await moveStock(q, m, actor.userId);
  if (moved) {
    const { entry, stockBefore, stockAfter } = moved;
    await auditAs(q, actor, {
      action: 'create',
      entity: 'stock_movement',
      entityId: entry.id,
      before: { variantId: entry.variantId, stock: stockBefore },
      after: { ...entry, stock: stockAfter },
    });
  }
  return moved;
}

async function moveStock(q: Queryable, m: MovementInput, userId: number | null): Promise<Movement | null> {
  const problem = movementProblem(m);
  if (problem) throw new ItemError('INVALID_MOVEMENT', `${problem.field}: ${problem.message}`, 'usage', { field: problem.field });
  const signed = m.type === 'issue' ? `-${m.quantity}` : m.quantity;
  // The lock first, in a statement of its own: a statement that waited for it still reads with
  // the snapshot it began with (READ COMMITTED), so it would not see the ledger row of the
  // movement it waited for, and two openings racing would both find none. Read after the lock.
  await q.query('SELECT 1 FROM public.item_variant WHERE variant_id = $1 FOR UPDATE', [m.variantId]);
  const r = await q.query<{
    stock: string;
    after: string;
    negative: boolean;
    unit: string;
    variantDeleted: boolean;
    itemDeleted: boolean;
    hasLedger: boolean;
  }>(
    `SELECT v.stock::text AS stock, (v.stock + $2::numeric)::text AS after, v.stock + $2::numeric < 0 AS negative,
            v.unit, v.deleted_at IS NOT NULL AS "variantDeleted", i.deleted_at IS NOT NULL AS "itemDeleted",
            EXISTS (SELECT 1 FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS "hasLedger"
       FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
      WHERE v.variant_id = $1`,
    [m.variantId, signed],
  );
  const v = r.rows[0];
  if (!v) return null;
  const id = { variantId: m.variantId };
  if (v.variantDeleted) throw new ItemError('VARIANT_DELETED', `variant ${m.variantId} is deleted: restore it to move its stock`, 'state', id);
  if (v.itemDeleted) throw new ItemError('ITEM_DELETED', `the item of variant ${m.variantId} is deleted: restore it to move stock`, 'state', id);
  if (m.type === 'opening' && v.hasLedger)
    throw new ItemError(
      'OPENING_NOT_FIRST',
      `variant ${m.variantId} has stock movements already: an opening balance comes first and once; use an adjustment`,
      'state',
      id,
    );
  if (v.negative)
    throw new ItemError(
      'STOCK_NEGATIVE',
      `variant ${m.variantId} has ${v.stock} ${v.unit}: taking ${signed.replace(/^-/, '')} would leave ${v.after}`,
      'state',
      { ...id, stock: v.stock, quantity: signed },
    );
  // stock past what its column holds is postStock's STOCK_TOO_LARGE, the same for every writer
  const [entry] = await postStock(q, [
    { variantId: m.variantId, type: m.type, quantity: signed, unitCost: m.unitCost ?? null, notes: m.reason?.trim() || null, createdBy: userId },
  ]);
  return { entry: entry!, stockBefore: v.stock, stockAfter: v.after };
}

/**
 * One change of a variant's stock as the ledger records it: `quantity` signed (negative goes
 * out); `unitCost` the price paid for what comes in (a receipt, finished goods), absent for
 * what moves at the variant's average cost; `lotId` and `reference` say what caused it (a
 * production lot, a goods receipt, an import job, the demo).
 */
export interface StockEntry {
  variantId: number;
  type: MovementType | 'production' | 'output' | 'revaluation' | 'landed_cost';
  quantity: string;
  unitCost?: string | null;
  notes: string | null;
  createdBy: number | null;
  lotId?: number | null;
  reference?: { type: string; id: number | null } | null;
  /** ISO timestamp: the row's place in the ledger; absent = now. */
  at?: string | null;
  /** For type 'landed_cost', quantity '0': the value added at its place. */
  value?: string | null;
}

/**
 * The one write of stock: each entry becomes a row of the ledger and its variant's stock
 * moves by the same quantity, in the caller's transaction, so stock stays the sum of its
 * ledger whoever moves it (a person's movement, a receipt, a lot's completion, an import, the
 * demo). It keeps what stock is worth too (migration 0017): an entry with a unit cost adds
 * quantity × cost to the variant's stock_value; any other takes its share of the value at the
 * moment (quantity × stock_value ÷ stock, to a millionth; the last unit out takes what is
 * left), except what goes out at a cost of its own (a receipt reversed leaves at the price it
 * came in at, never taking more than the value there is); each row records its unit cost and
 * the value it moved. Stock that had no value is
 * valued at the first cost received, with a `revaluation` row saying so.
 * The caller has locked the variants (in variant order, where there are several) and checked
 * the change; the ledger's unit is the variant's, cut to the ledger's 20 characters. A variant
 * named twice is posted in turn (each round names a variant once, as the average moves).
 * Answers the rows in the entries' order.
 */
export function postStock(q: Queryable, entries: readonly StockEntry[]): Promise<LedgerEntry[]>;
/** postStock for a caller that does not read the rows back (a receipt): the rows are written, not answered. */
export function postStock(q: Queryable, entries: readonly StockEntry[], options: { answer: false }): Promise<void>;
export async function postStock(q: Queryable, entries: readonly StockEntry[], options?: { answer: false }): Promise<LedgerEntry[] | void> {
  const answer = options?.answer !== false;
  const rounds: StockEntry[][] = [];
  const seen = new Map<number, number>();
  for (const e of entries) {
    const n = seen.get(e.variantId) ?? 0;
    seen.set(e.variantId, n + 1);
    (rounds[n] ??= []).push(e);
  }
  const posted = new Map<StockEntry, LedgerEntry>();
  for (const round of rounds) {
    const rows = await postRound(q, round, answer);
    if (rows.length !== round.length) throw await unposted(q, round);
    if (answer) round.forEach((e, i) => posted.set(e, rows[i] as LedgerEntry));
  }
  if (answer) return entries.map((e) => posted.get(e)!);
}

/** What stock (numeric(12,3)) and a ledger row's quantity hold: less than this. */
const STOCK_LIMIT = 1_000_000_000;

/**
 * Why a round posted nothing: a variant that does not exist (VARIANT_NOT_FOUND), or stock
 * that would reach what the column cannot hold (STOCK_TOO_LARGE, naming each variant and what
 * it would hold). Asked only when a round wrote nothing, which postRound does rather than fail
 * half-way: the caller's transaction is still usable and rolls back on the error.
 */
async function unposted(q: Queryable, round: readonly StockEntry[]): Promise<ItemError> {
  const r = await q.query<{ variantId: number; name: string | null; after: string | null; tooLarge: boolean | null }>(
    `SELECT e.variant_id AS "variantId", i.name || ' ' || c.color_name || ' ' || s.size_name AS name, trim_scale(v.stock + e.quantity)::text AS after,
            round(abs(v.stock + e.quantity), 3) >= ${STOCK_LIMIT} OR round(abs(e.quantity), 3) >= ${STOCK_LIMIT} AS "tooLarge"
       FROM unnest($1::int[], $2::numeric[]) AS e(variant_id, quantity)
       LEFT JOIN public.item_variant v ON v.variant_id = e.variant_id
       LEFT JOIN public.item_master i ON i.item_id = v.item_id
       LEFT JOIN public.color_master c ON c.color_id = v.color_id
       LEFT JOIN public.size_master s ON s.size_id = v.size_id
      ORDER BY e.variant_id`,
    [round.map((e) => e.variantId), round.map((e) => e.quantity)],
  );
  const missing = r.rows.filter((x) => x.after === null).map((x) => x.variantId);
  if (missing.length > 0)
    return new ItemError('VARIANT_NOT_FOUND', `a stock change names a variant that does not exist (${missing.join(', ')})`, 'state', { variants: missing });
  const large = r.rows.filter((x) => x.tooLarge);
  return new ItemError(
    'STOCK_TOO_LARGE',
    `${large.map((x) => `variant ${x.variantId} (${x.name}) would hold ${x.after}`).join(', ')}: more than stock can record (less than 1,000,000,000 of a variant, and of one movement); move less at a time`,
    'state',
    { variants: large.map((x) => ({ variantId: x.variantId, stock: x.after })) },
  );
}

/**
 * Posts entries that each name a different variant, in one statement; the rows in the entries'
 * order (`answer`), or as many rows, empty, as were written. None when any variant would hold
 * more than stock records, or does not exist.
 */
async function postRound(q: Queryable, entries: readonly StockEntry[], answer: boolean): Promise<readonly object[]> {
  // s and rv run though nothing reads them: PostgreSQL runs every data-modifying WITH to completion.
  const r = await q.query(
    `WITH e AS (SELECT * FROM unnest($1::int[], $2::text[], $3::numeric[], $4::numeric[], $5::text[], $6::int[], $7::int[], $8::text[], $9::int[])
                 WITH ORDINALITY AS e(variant_id, type, quantity, unit_cost, notes, created_by, lot_id, reference_type, reference_id, ord)),
          c AS (SELECT e.*, left(v.unit, 20) AS unit, v.stock AS old_stock, v.stock + e.quantity AS new_stock,
                       (v.stock_value IS NULL AND e.unit_cost IS NOT NULL AND e.quantity > 0) AS first_cost,
                       CASE WHEN v.stock_value IS NULL AND e.unit_cost IS NOT NULL AND e.quantity > 0 THEN v.stock * e.unit_cost ELSE v.stock_value END AS base,
                       round(abs(v.stock + e.quantity), 3) >= ${STOCK_LIMIT} OR round(abs(e.quantity), 3) >= ${STOCK_LIMIT} AS too_large
                  FROM e CROSS JOIN LATERAL (SELECT v.unit, v.stock, v.stock_value FROM public.item_variant v WHERE v.variant_id = e.variant_id OFFSET 0) v),
          m AS (SELECT c.*,
                       CASE WHEN c.quantity > 0 AND c.unit_cost IS NOT NULL THEN c.quantity * c.unit_cost
                            WHEN c.base IS NULL OR c.old_stock <= 0 THEN NULL
                            WHEN c.new_stock = 0 THEN -c.base
                            WHEN c.unit_cost IS NOT NULL THEN greatest(c.quantity * c.unit_cost, -c.base)
                            ELSE round(c.quantity * c.base / c.old_stock, 6) END AS moved,
                       CASE WHEN c.unit_cost IS NOT NULL AND (c.quantity > 0 OR c.base IS NOT NULL) THEN c.unit_cost
                            WHEN c.base IS NULL OR c.old_stock <= 0 THEN NULL
                            ELSE round(c.base / c.old_stock, 6) END AS cost
                  FROM c WHERE NOT EXISTS (SELECT 1 FROM c x WHERE x.too_large)),
          s AS (UPDATE public.item_variant v SET stock = m.new_stock, stock_value = m.base + m.moved
                  FROM m WHERE v.variant_id = m.variant_id AND v.variant_id = ANY($1::int[]) RETURNING v.variant_id),
          rv AS (INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, value, reference_type, reference_id, notes, created_by)
                 SELECT m.variant_id, 'revaluation', 0, m.unit, m.unit_cost, m.base, m.reference_type, m.reference_id,
                        'stock that had no cost valued at the first cost received', m.created_by
                   FROM m WHERE m.first_cost AND m.old_stock <> 0 ORDER BY m.ord
                 RETURNING id),
          l AS (INSERT INTO public.inventory_transactions (variant_id, production_lot_id, transaction_type, quantity, unit, unit_cost, value, reference_type, reference_id, notes, created_by)
                SELECT m.variant_id, m.lot_id, m.type, m.quantity, m.unit, m.cost, m.moved, m.reference_type, m.reference_id, m.notes, m.created_by
                  FROM m ORDER BY m.ord
                RETURNING *)
     ${answer ? `SELECT ${ENTRY_COLUMNS} FROM l ORDER BY id` : 'SELECT FROM l'}`,
    [
      entries.map((e) => e.variantId),
      entries.map((e) => e.type),
      entries.map((e) => e.quantity),
      entries.map((e) => e.unitCost ?? null),
      entries.map((e) => e.notes),
      entries.map((e) => e.createdBy),
      entries.map((e) => e.lotId ?? null),
      entries.map((e) => e.reference?.type ?? null),
      entries.map((e) => e.reference?.id ?? null),
    ],
  );
  return r.rows;
}

/** One page of a variant's ledger, newest first, with the count of all its rows; null when there is no such variant. */
export async function variantLedger(
  q: Queryable,
  variantId: number,
  page: { limit: number; offset: number },
): Promise<{ total: number; entries: LedgerEntry[] } | null> {
  const exists = await q.query('SELECT 1 FROM public.item_variant WHERE variant_id = $1', [variantId]);
  if (exists.rowCount === 0) return null;
  const total = Number(
    (await q.query<{ n: string }>('SELECT count(*)::text AS n FROM public.inventory_transactions WHERE variant_id = $1', [variantId])).rows[0]!.n,
  );
  const entries = (
    await q.query<LedgerEntry>(
      `SELECT ${ENTRY_COLUMNS} FROM public.inventory_transactions WHERE variant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [variantId, page.limit, page.offset],
    )
  ).rows;
  return { total, entries };
}

/**
 * Live variants of live items at or below their reorder threshold, the furthest below first, one
 * page of them, counted up to COUNT_CAP; a threshold of 0 is none (finished goods made to order).
 * The page is read in the order of the low-stock index (migration 0026); only the variants
 * tied on a deficit are sorted by name.
 */
export async function lowStock(q: Queryable, page: { limit: number; offset: number }): Promise<PageTotal & { variants: Variant[] }> {
  const where = 'v.deleted_at IS NULL AND i.deleted_at IS NULL AND v.reorder_threshold > 0 AND v.stock <= v.reorder_threshold';
  // The page's variants first, from the index alone and their items' names (the ties on a
  // deficit are sorted by name: every tied variant's item is read, never its own row); then
  // the page's rows, with the rest of their columns.
  const variants = (
    await q.query<Variant>(
      `WITH page AS MATERIALIZED (
         SELECT v.variant_id, v.stock - v.reorder_threshold AS deficit, lower(i.name) AS lname
           FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
          WHERE ${where}
          ORDER BY v.stock - v.reorder_threshold, lower(i.name), v.variant_id LIMIT $1 OFFSET $2)
       SELECT ${VARIANT_COLUMNS} ${VARIANT_FROM} JOIN page ON page.variant_id = v.variant_id
        ORDER BY page.deficit, page.lname, page.variant_id`,
      [page.limit, page.offset],
    )
  ).rows;
  // Counted from the low-stock index alone (migration 0026), each variant's item tested against
  // the deleted items held in memory: the same rows as the join (every variant has its item).
  const counted = `FROM public.item_variant v
    WHERE v.deleted_at IS NULL AND v.reorder_threshold > 0 AND v.stock <= v.reorder_threshold
      AND v.item_id NOT IN (SELECT i.item_id FROM public.item_master i WHERE i.deleted_at IS NOT NULL)`;
  return { ...(await cappedTotal(q, variants.length, page, counted, [])), variants };
}
