import type { Queryable } from '../../db/types.ts';
import { VARIANT_FROM } from '../items/variants.ts';
import { LotError } from './status.ts';
import type { LotStatus } from './status.ts';

/**
 * What lots need from stock. A lot of quantity N needs, for every variant, N × the
 * quantities its process uses of it: every plain line, and of each live substitute group the
 * alternative the lot chose (a group without a valid choice needs nothing yet and is listed
 * as unselected). Needs are summed per variant and rounded to the stock ledger's 3 decimals
 * (half up); a need that rounds to 0 is no need. The process is read as it is now.
 */

/** One variant a lot needs, against what is on hand. Quantities are decimal strings. */
export interface StockNeed {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  needed: string;
  available: string;
  /** How much is missing: needed − available, or 0. */
  shortfall: string;
}

/** A live substitute group of a lot's process with no valid choice (none, or a variant that is no longer one of its alternatives). */
export interface UnselectedGroup {
  groupId: number;
  name: string;
  processSubprocessId: number;
  step: string;
}

/** A lot's stock check: each variant it needs, and the groups it has not chosen for yet. */
export interface StockCheck {
  lotId: number;
  lotNumber: string;
  status: LotStatus;
  quantity: number;
  /** True when every group is chosen and nothing is short. */
  sufficient: boolean;
  needs: StockNeed[];
  unselectedGroups: UnselectedGroup[];
}

/** A choice assumed for a group (reports count unselected groups at an alternative of their choosing). */
export interface AssumedChoice {
  lotId: number;
  groupId: number;
  variantId: number;
}

/**
 * The needs of lots per variant, as SQL yielding (lot_id, variant_id, needed): $1 the lot ids,
 * $2 a JSON array of AssumedChoice taken as if they were selections.
 */
export const NEEDS_SQL = `
  WITH lot AS (SELECT id, process_id, quantity FROM public.production_lots WHERE id = ANY($1::int[])),
  chosen AS (
    SELECT s.lot_id, s.substitute_group_id AS group_id, s.variant_id FROM public.production_lot_selections s WHERE s.lot_id = ANY($1::int[])
    UNION ALL
    SELECT a."lotId", a."groupId", a."variantId" FROM jsonb_to_recordset($2::jsonb) AS a("lotId" int, "groupId" int, "variantId" int)
  ),
  used AS (
    SELECT l.id AS lot_id, u.variant_id, u.quantity * l.quantity AS needed
    FROM lot l
    JOIN public.process_subprocesses ps ON ps.process_id = l.process_id
    JOIN public.variant_usage u ON u.process_subprocess_id = ps.id
    LEFT JOIN public.substitute_groups g ON g.id = u.substitute_group_id
    WHERE u.substitute_group_id IS NULL
       OR (g.deleted_at IS NULL AND EXISTS (SELECT 1 FROM chosen c WHERE c.lot_id = l.id AND c.group_id = u.substitute_group_id AND c.variant_id = u.variant_id))
  )
  SELECT lot_id, variant_id, round(sum(needed), 3) AS needed FROM used GROUP BY lot_id, variant_id HAVING round(sum(needed), 3) > 0`;

/** The live groups of the lots' processes without a valid choice, in step order: (lotId, groupId, …). */
export async function unselectedGroups(q: Queryable, lotIds: number[]): Promise<(UnselectedGroup & { lotId: number })[]> {
  const r = await q.query<UnselectedGroup & { lotId: number }>(
    `SELECT l.id AS "lotId", g.id AS "groupId", g.group_name AS name, ps.id AS "processSubprocessId", coalesce(ps.custom_name, sp.name) AS step
       FROM public.production_lots l
       JOIN public.process_subprocesses ps ON ps.process_id = l.process_id
       JOIN public.subprocesses sp ON sp.id = ps.subprocess_id
       JOIN public.substitute_groups g ON g.process_subprocess_id = ps.id AND g.deleted_at IS NULL
      WHERE l.id = ANY($1::int[])
        AND NOT EXISTS (SELECT 1 FROM public.production_lot_selections s
                          JOIN public.variant_usage u ON u.substitute_group_id = s.substitute_group_id AND u.variant_id = s.variant_id
                         WHERE s.lot_id = l.id AND s.substitute_group_id = g.id)
      ORDER BY l.id, ps.sequence_order, ps.id, g.id`,
    [lotIds],
  );
  return r.rows;
}

/** The variants one lot needs, with what is on hand, by item, colour and size. */
export async function lotNeeds(q: Queryable, lotId: number): Promise<StockNeed[]> {
  const r = await q.query<StockNeed>(
    `WITH need AS (${NEEDS_SQL})
     SELECT v.variant_id AS "variantId", i.name AS item, c.color_name AS color, s.size_name AS size, v.unit,
            n.needed::text AS needed, v.stock::text AS available, greatest(n.needed - v.stock, 0)::text AS shortfall
       ${VARIANT_FROM} JOIN need n ON n.variant_id = v.variant_id
      ORDER BY lower(i.name), lower(c.color_name), lower(s.size_name), v.variant_id`,
    [[lotId], '[]'],
  );
  return r.rows;
}

/** Locks the rows of these variants, in variant order (every writer of several variants takes them in that order, so none deadlocks). */
export async function lockVariants(q: Queryable, variantIds: number[]): Promise<void> {
  await q.query('SELECT variant_id FROM public.item_variant WHERE variant_id = ANY($1::int[]) ORDER BY variant_id FOR UPDATE', [variantIds]);
}

/** A lot's stock check, read now (not locked). */
export async function stockCheck(q: Queryable, lot: { lotId: number; lotNumber: string; status: LotStatus; quantity: number }): Promise<StockCheck> {
  const needs = await lotNeeds(q, lot.lotId);
  const unselected = (await unselectedGroups(q, [lot.lotId])).map(({ lotId: _, ...g }) => g);
  const sufficient = unselected.length === 0 && needs.every((n) => isZero(n.shortfall));
  return { lotId: lot.lotId, lotNumber: lot.lotNumber, status: lot.status, quantity: lot.quantity, sufficient, needs, unselectedGroups: unselected };
}

/** True for a decimal string that is zero ("0", "0.000"). */
export function isZero(decimal: string): boolean {
  return /^-?0*(\.0*)?$/.test(decimal);
}

/** LOT_NOT_READY naming the groups still to choose. */
export function notReadyError(lotNumber: string, groups: UnselectedGroup[], what: string): LotError {
  const names = groups.map((g) => g.name);
  return new LotError(
    'LOT_NOT_READY',
    `lot ${lotNumber} cannot be ${what}: ${groups.length} substitute group${groups.length === 1 ? ' has' : 's have'} no selection: ${names.join(', ')}; choose a variant for each (PUT /api/lots/{id}/selections)`,
    'state',
    { lotNumber, unselectedGroups: groups },
  );
}

/** INSUFFICIENT_STOCK listing each variant that is short. */
export function insufficientStockError(lotNumber: string, needs: StockNeed[], what: string): LotError {
  const short = needs.filter((n) => !isZero(n.shortfall));
  const shortfalls = short.map((n) => ({
    variantId: n.variantId,
    item: n.item,
    color: n.color,
    size: n.size,
    unit: n.unit,
    needed: n.needed,
    available: n.available,
    shortfall: n.shortfall,
  }));
  const listed = shortfalls
    .slice(0, 5)
    .map((s) => `${s.item} (${s.color}, ${s.size}) needs ${s.needed} ${s.unit}, ${s.available} on hand`)
    .join('; ');
  return new LotError(
    'INSUFFICIENT_STOCK',
    `lot ${lotNumber} cannot be ${what}: ${short.length} variant${short.length === 1 ? ' is' : 's are'} short: ${listed}${short.length > 5 ? `; and ${short.length - 5} more` : ''}`,
    'state',
    { lotNumber, shortfalls },
  );
}
