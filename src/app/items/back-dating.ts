import type { Queryable } from '../../db/types.ts';
import { ItemError } from './sql.ts';

/**
 * Entries placed in the ledger's past (a receipt received on an earlier day, a charge added
 * later to a posted receipt) and what they move. The ledger's order is (created_at, id): an
 * entry placed at `at` goes after every row of its variant at or before `at`, is valued as the
 * stock stood there, and the rows after it are valued again by public.ledger_replay (migration
 * 0039), in the caller's transaction: no queue, nothing left to do later. A completed lot that
 * consumed some of those rows has a different actual cost, so its output row a different unit
 * cost, and the output's variant is valued again from there: a worklist in ledger order.
 */

/** An entry with a place (postStock's StockEntry with `at`, or a value-only `landed_cost`). */
export interface PlacedEntry {
  variantId: number;
  type: string;
  quantity: string;
  unitCost?: string | null;
  value?: string | null;
  at?: string | null;
  notes: string | null;
  createdBy: number | null;
  lotId?: number | null;
  reference?: { type: string; id: number | null } | null;
}

/** What the ledger's replays did for one placed entry: how many rows they read and rewrote, and the lots costed again. */
interface ReplayWork {
  replays: number;
  rowsRead: number;
  rowsChanged: number;
  lots: number[];
}

const DAY_OF = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

/**
 * Where an entry of `day` (YYYY-MM-DD) goes in the ledger: `at` null (now) for today or no day;
 * for a day before today, the end of that day (UTC; the last microsecond): after everything
 * recorded on that day, so it counts in that day's stock and value and every later row is
 * valued with it. `ahead` for a day after today, which the caller refuses in its own words.
 */
export async function placeOfDay(q: Queryable, day: string | null | undefined): Promise<{ at: string | null; ahead: boolean }> {
  if (day == null) return { at: null, ahead: false };
  const r = (
    await q.query<{ ahead: boolean; before: boolean; at: string }>(
      `SELECT $1::date > CURRENT_DATE AS ahead, $1::date < CURRENT_DATE AS before,
              to_char((($1::date + 1)::timestamp - interval '1 microsecond'), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`,
      [day],
    )
  ).rows[0]!;
  return { at: r.before ? r.at : null, ahead: r.ahead };
}

/**
 * Posts one entry at its place (now when `at` is null) and values again everything its place
 * moves; answers the new row's id. The variant is locked here (the caller has usually locked
 * it already, with the others of its change, in variant order). Refused (409), with nothing
 * written: STOCK_NEGATIVE when an entry going out would leave the variant's stock below zero
 * at its place or at any later row (naming the day and the shortfall); PLACE_BEFORE_OPENING
 * before the variant's opening balance; STOCK_UNVALUED when a value would land on stock
 * without a cost; PLACE_AHEAD (400) for a place after now; INVALID_ENTRY (400) for a value on
 * anything but a landed_cost entry of quantity 0.
 */
export async function postPlaced(q: Queryable, e: PlacedEntry): Promise<number> {
  if (e.type === 'landed_cost' ? e.value == null || Number(e.quantity) !== 0 : e.value != null)
    throw new ItemError(
      'INVALID_ENTRY',
      'value: is for a landed_cost entry of quantity 0 (a value added to the stock at its place), and required there',
      'usage',
      {
        variantId: e.variantId,
      },
    );
  await q.query('SELECT 1 FROM public.item_variant WHERE variant_id = $1 FOR UPDATE', [e.variantId]);
  // The stock and value where the entry goes: every row at or before its place (the entry's
  // id comes after theirs); no value when the last of them has none.
  const p = (
    await q.query<{
      at: string;
      us: number;
      ahead: boolean;
      unit: string;
      name: string;
      firstCost: boolean;
      opening: string | null;
    }>(
      `WITH at AS (SELECT coalesce($2::timestamptz, clock_timestamp()) AS t),
            before AS (SELECT coalesce(sum(t.quantity), 0) AS stock,
                              (SELECT b.value IS NULL FROM public.inventory_transactions b, at WHERE b.variant_id = $1 AND b.created_at <= at.t
                                ORDER BY b.created_at DESC, b.id DESC LIMIT 1) AS unvalued
                         FROM public.inventory_transactions t, at WHERE t.variant_id = $1 AND t.created_at <= at.t)
       SELECT ${PLACE('at.t')}, at.t > clock_timestamp() AS ahead, left(v.unit, 20) AS unit, i.name || ' ' || c.color_name || ' ' || s.size_name AS name,
              coalesce(before.unvalued, true) AND $3::numeric IS NOT NULL AND $4::numeric > 0 AND before.stock <> 0 AS "firstCost",
              (SELECT ${DAY_OF('o.created_at')} FROM public.inventory_transactions o WHERE o.variant_id = $1 AND o.transaction_type = 'opening' AND o.created_at > at.t LIMIT 1) AS opening
         FROM at, before, public.item_variant v
         JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id
         JOIN public.size_master s ON s.size_id = v.size_id
        WHERE v.variant_id = $1`,
      [e.variantId, e.at ?? null, e.unitCost ?? null, e.quantity],
    )
  ).rows[0];
  if (!p) throw new ItemError('VARIANT_NOT_FOUND', `a stock change names a variant that does not exist (${e.variantId})`, 'state', { variants: [e.variantId] });
  if (p.ahead)
    throw new ItemError('PLACE_AHEAD', `at: a stock entry cannot be placed after now (${e.at}): place it now or earlier`, 'usage', {
      variantId: e.variantId,
      at: e.at,
    });
  if (p.opening !== null)
    throw new ItemError(
      'PLACE_BEFORE_OPENING',
      `variant ${e.variantId} (${p.name}) starts with its opening balance on ${p.opening}: nothing can be placed before it; record it on that day or later`,
      'state',
      { variantId: e.variantId, opening: p.opening },
    );
  const insert = (type: string, quantity: string, unitCost: string | null, value: string | null, notes: string | null, lotId: number | null) =>
    q.query<{ id: string }>(
      `INSERT INTO public.inventory_transactions (variant_id, production_lot_id, transaction_type, quantity, unit, unit_cost, value, reference_type, reference_id, notes, created_by, created_at, entered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $13::boolean THEN clock_timestamp() END) RETURNING id::text AS id`,
      [e.variantId, lotId, type, quantity, p.unit, unitCost, value, e.reference?.type ?? null, e.reference?.id ?? null, notes, e.createdBy, p.at, e.at != null],
    );
  // Stock without a cost valued at the first cost received, as postStock does: the revaluation
  // row first (its value is the replay's), then the entry.
  const revaluation = p.firstCost
    ? await insert('revaluation', '0', e.unitCost!, null, 'stock that had no cost valued at the first cost received', null)
    : null;
  const own = e.unitCost != null && ['receipt', 'output', 'opening'].includes(e.type) ? e.unitCost : null;
  const row = await insert(e.type, e.quantity, own, e.value ?? null, e.notes, e.lotId ?? null);
  const from = Number((revaluation ?? row).rows[0]!.id);
  await replayFrom(q, { variantId: e.variantId, at: p.at, us: p.us, id: from, guard: Number(e.quantity) < 0, name: p.name, unit: p.unit });
  return Number(row.rows[0]!.id);
}

/** A row's place in the ledger: its created_at (as text, for SQL, and in microseconds since 1970, to compare) and id. */
interface Place {
  at: string;
  us: number;
  id: number;
}
const before = (a: Place, b: Place) => a.us < b.us || (a.us === b.us && a.id < b.id);
/** A row's place as SQL answers it, for the column `c` of created_at. */
const PLACE = (c: string) => `${c}::text AS at, (extract(epoch FROM ${c}) * 1000000)::bigint::float8 AS us`;

/**
 * Replays the variant from the place, then what it moved, in waves: the completed lots whose
 * consumption changed value in a wave are costed again together (their actual cost, variance
 * and output unit cost, by the rule completion.ts first costed them by), and each variant
 * holding an output row whose cost changed is replayed in the next wave, once, from the
 * earliest of them. A lot costed again whose consumption a later wave moves once more is costed
 * again then (its output row follows its consumption, so each wave starts later in a chain of
 * lots). Bound: as many waves as the longest chain of lots reached (a lot consuming the output
 * of a lot reached before, made after it: the depth of the bills of materials), each wave one
 * replay per variant it reaches and one statement costing its lots.
 */
async function replayFrom(q: Queryable, start: Place & { variantId: number; guard: boolean; name: string; unit: string }): Promise<ReplayWork> {
  const work: ReplayWork = { replays: 0, rowsRead: 0, rowsChanged: 0, lots: [] };
  let wave = new Map<number, Place & { costs: { place: Place; cost: string }[] }>([[start.variantId, { at: start.at, us: start.us, id: start.id, costs: [] }]]);
  let first = true;
  while (wave.size > 0) {
    const ids = [...wave.keys()].sort((a, b) => a - b);
    if (!first) await q.query('SELECT 1 FROM public.item_variant WHERE variant_id = ANY($1::int[]) ORDER BY variant_id FOR UPDATE', [ids]);
    const moved = new Set<number>();
    for (const variantId of ids) {
      const place = wave.get(variantId)!;
      const costs = place.costs.sort((a, b) => (before(a.place, b.place) ? -1 : 1));
      const r = (
        await q.query<{ status: string; day: string | null; stock: string; lots: number[] | null; read: number; changed: number }>(
          `SELECT status, ${DAY_OF('place')} AS day, trim_scale(stock)::text AS stock, lots, rows_read AS read, rows_changed AS changed
             FROM public.ledger_replay($1, $2::timestamptz, $3, $4, $5::bigint[], $6::numeric[])`,
          [variantId, place.at, place.id, first && start.guard, costs.map((c) => c.place.id), costs.map((c) => c.cost)],
        )
      ).rows[0]!;
      if (r.status === 'negative')
        throw new ItemError(
          'STOCK_NEGATIVE',
          `variant ${start.variantId} (${start.name}) would have ${r.stock} ${start.unit} on ${r.day}: ${r.stock.replace(/^-/, '')} short there; stock never goes below zero at any point of the ledger, so take out less, or on a later day`,
          'state',
          { variantId: start.variantId, day: r.day, stock: r.stock, shortfall: r.stock.replace(/^-/, '') },
        );
      if (r.status === 'unvalued')
        throw new ItemError(
          'STOCK_UNVALUED',
          `variant ${variantId}'s stock has no cost where this entry goes${r.day ? ` (${r.day})` : ''}, and its later rows could not be valued consistently: give its opening balance a cost, or record the entry today`,
          'state',
          { variantId, day: r.day },
        );
      work.replays++;
      work.rowsRead += r.read;
      work.rowsChanged += r.changed;
      for (const lot of r.lots ?? []) moved.add(lot);
    }
    first = false;
    wave = new Map();
    if (moved.size === 0) break;
    work.lots.push(...moved);
    for (const o of await recostLots(q, [...moved])) {
      const place = { at: o.at, us: o.us, id: Number(o.id) };
      const known = wave.get(o.variantId);
      if (!known) wave.set(o.variantId, { ...place, costs: [{ place, cost: o.cost }] });
      else {
        known.costs.push({ place, cost: o.cost });
        if (before(place, known)) Object.assign(known, place);
      }
    }
  }
  return work;
}

/**
 * Costs completed lots again from their consumption as the ledger now values it: materials (the
 * value their 'production' rows took), the conversion each was costed with, the total to the
 * cent, the variance against the worst-case estimate, and the output's unit cost (total ÷
 * output quantity, to a millionth), as completion.ts first costed them. Answers the output rows
 * whose unit cost changes and the new cost, which the replay of their variant writes with their
 * value (one write of each row).
 */
async function recostLots(q: Queryable, lotIds: number[]): Promise<{ variantId: number; at: string; us: number; id: string; cost: string }[]> {
  return (
    await q.query<{ variantId: number; at: string; us: number; id: string; cost: string }>(
      `WITH m AS (SELECT t.production_lot_id AS lot, coalesce(-sum(t.value), 0) AS materials,
                         coalesce(jsonb_agg(t.variant_id ORDER BY t.variant_id) FILTER (WHERE t.value IS NULL), '[]'::jsonb) AS uncosted
                    FROM unnest($1::int[]) AS x(lot)
                    JOIN public.inventory_transactions t ON t.production_lot_id = x.lot AND t.transaction_type = 'production'
                   GROUP BY t.production_lot_id),
            g AS (SELECT l.id, m.materials, m.uncosted, round(m.materials + (l.actual -> 'valuation' ->> 'conversion')::numeric, 2) AS total
                    FROM m JOIN public.production_lots l ON l.id = m.lot
                   WHERE l.actual_cost IS NOT NULL AND l.actual -> 'valuation' ? 'conversion'),
            u AS (UPDATE public.production_lots l
                     SET actual_cost = g.total, cost_variance = g.total - l.worst_case_estimated_cost,
                         actual = jsonb_set(l.actual, '{valuation}', (l.actual -> 'valuation') || jsonb_build_object(
                                  'materials', trim_scale(g.materials)::text, 'total', g.total::text,
                                  'complete', jsonb_array_length(g.uncosted) = 0, 'uncosted', g.uncosted)),
                         output_unit_cost = CASE WHEN l.output_unit_cost IS NOT NULL AND l.output_quantity > 0 THEN round(g.total / l.output_quantity, 6) END
                    FROM g WHERE l.id = g.id
                  RETURNING l.id, l.output_unit_cost)
       SELECT t.variant_id AS "variantId", ${PLACE('t.created_at')}, t.id::text AS id, u.output_unit_cost::text AS cost
         FROM u JOIN public.inventory_transactions t ON t.production_lot_id = u.id
        WHERE t.transaction_type = 'output' AND u.output_unit_cost IS NOT NULL AND t.unit_cost IS DISTINCT FROM u.output_unit_cost`,
      [lotIds],
    )
  ).rows;
}
