import type { Queryable } from '../../db/types.ts';

/**
 * What stock is worth on a day, from the stock ledger (migration 0017): a variant's stock on
 * the day is the sum of its rows' quantities up to the end of that day (UTC), its value the
 * sum of their values. A variant whose last row by then moved without a value (stock from
 * before MTC kept costs, not yet received at a price) has no value that day: it is counted
 * apart, as stock without a cost, never as worth 0.
 */
export type ValueGrouping = 'variant' | 'item' | 'category';

export interface StockValueRow {
  /** The variant's or item's id, or the category's name ('' for items without one). */
  key: string;
  name: string;
  stock: string | null;
  unit: string | null;
  /** The value of what has a cost, exact. */
  value: string;
  /** stock ÷ value for a variant with a cost; null otherwise. */
  averageCost: string | null;
  /** Variants in the row whose stock has no cost that day, and how much stock that is (per variant). */
  unvaluedVariants: number;
  unvaluedStock: string | null;
}

export interface StockValue {
  asOf: string;
  by: ValueGrouping;
  total: { value: string; variants: number; unvaluedVariants: number };
  count: number;
  rows: StockValueRow[];
}

/** Per variant, as of the day: stock, value, and whether the last row had one. */
const PER_VARIANT = `
  SELECT t.variant_id, sum(t.quantity) AS stock, coalesce(sum(t.value), 0) AS value,
         coalesce(max(t.id) FILTER (WHERE t.value IS NULL AND t.quantity <> 0), 0) > coalesce(max(t.id) FILTER (WHERE t.value IS NOT NULL), 0) AS unvalued
    FROM public.inventory_transactions t
   WHERE t.created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
   GROUP BY t.variant_id`;

/**
 * Stock value on `asOf` (today when not given) per variant, item or category, the most valuable
 * first, a page at a time, with the total over everything. `q` keeps the rows whose name holds
 * it (any case).
 */
export async function stockValue(q: Queryable, f: { asOf?: string; by: ValueGrouping; q?: string; limit: number; offset: number }): Promise<StockValue> {
  const asOf = f.asOf ?? (await q.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
  const key = { variant: 'v.variant_id::text', item: 'i.item_id::text', category: "coalesce(i.category, '')" }[f.by];
  const name = {
    variant: `min(i.name || ' ' || c.color_name || ' ' || s.size_name)`,
    item: 'min(i.name)',
    category: "coalesce(min(i.category), 'No category')",
  }[f.by];
  const sql = `
    WITH pv AS (${PER_VARIANT}),
         rows AS (
           SELECT ${key} AS key, ${name} AS name,
                  CASE WHEN count(*) = 1 THEN trim_scale(min(pv.stock))::text END AS stock,
                  CASE WHEN count(*) = 1 THEN min(v.unit) END AS unit,
                  trim_scale(coalesce(sum(pv.value) FILTER (WHERE NOT pv.unvalued), 0))::text AS value,
                  CASE WHEN count(*) = 1 AND NOT bool_or(pv.unvalued) AND min(pv.stock) > 0 THEN trim_scale(round(min(pv.value) / min(pv.stock), 6))::text END AS "averageCost",
                  (count(*) FILTER (WHERE pv.unvalued AND pv.stock <> 0))::int AS "unvaluedVariants",
                  CASE WHEN count(*) = 1 AND bool_or(pv.unvalued) THEN trim_scale(min(pv.stock))::text END AS "unvaluedStock",
                  coalesce(sum(pv.value) FILTER (WHERE NOT pv.unvalued), 0) AS sort
             FROM pv
             JOIN public.item_variant v ON v.variant_id = pv.variant_id
             JOIN public.item_master i ON i.item_id = v.item_id
             JOIN public.color_master c ON c.color_id = v.color_id
             JOIN public.size_master s ON s.size_id = v.size_id
            WHERE pv.stock <> 0 OR pv.value <> 0
            GROUP BY ${key})
    SELECT key, name, stock, unit, value, "averageCost", "unvaluedVariants", "unvaluedStock",
           count(*) OVER ()::int AS count,
           trim_scale(sum(sort) OVER ())::text AS "totalValue",
           sum("unvaluedVariants") OVER ()::int AS "totalUnvalued"
      FROM rows
     WHERE $2::text IS NULL OR position(lower($2::text) in lower(name)) > 0
     ORDER BY sort DESC, name, key
     LIMIT $3 OFFSET $4`;
  const r = await q.query<StockValueRow & { count: number; totalValue: string; totalUnvalued: number }>(sql, [asOf, f.q?.trim() || null, f.limit, f.offset]);
  const first = r.rows[0];
  const totals = first
    ? first
    : (await q.query<{ count: number; totalValue: string; totalUnvalued: number }>(`SELECT 0 AS count, '0' AS "totalValue", 0 AS "totalUnvalued"`)).rows[0]!;
  return {
    asOf,
    by: f.by,
    total: { value: totals.totalValue ?? '0', variants: totals.count, unvaluedVariants: totals.totalUnvalued },
    count: totals.count,
    rows: r.rows.map(({ count: _c, totalValue: _t, totalUnvalued: _u, ...row }) => row),
  };
}
