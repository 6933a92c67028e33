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

/** The end of `day` (an SQL date) in UTC: the ledger rows up to the day are the ones before it. */
const dayEnd = (day: string) => `(${day} + 1)::timestamp AT TIME ZONE 'UTC'`;

/**
 * Per variant, as of the end of `day`: stock, value, and whether it is unvalued (its last
 * row that moved stock without a value comes after its last row with a value, by id).
 */
const perVariant = (day: string) => `
  SELECT t.variant_id, sum(t.quantity) AS stock, coalesce(sum(t.value), 0) AS value,
         coalesce(max(t.id) FILTER (WHERE t.value IS NULL AND t.quantity <> 0), 0) > coalesce(max(t.id) FILTER (WHERE t.value IS NOT NULL), 0) AS unvalued
    FROM public.inventory_transactions t
   WHERE t.created_at < ${dayEnd(day)}
   GROUP BY t.variant_id`;

/**
 * Stock value on `asOf` (today when not given) per variant, item or category, the most valuable
 * first, a page at a time, with the total over everything. `q` keeps the rows whose name holds
 * it (any case).
 */
export async function stockValue(q: Queryable, f: { asOf?: string; by: ValueGrouping; q?: string; limit: number; offset: number }): Promise<StockValue> {
  const asOf = f.asOf ?? (await q.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
  if (f.by === 'variant' && !f.q?.trim()) {
    const kept = await keptStockValue(q, { asOf, limit: f.limit, offset: f.offset });
    if (kept) return kept;
  }
  return stockValueFromLedger(q, { ...f, asOf });
}

/** stockValue summed from the ledger rows up to `asOf`: every grouping, any day (the way to a day in the past, and to a grouping by item or category). */
export async function stockValueFromLedger(
  q: Queryable,
  f: { asOf: string; by: ValueGrouping; q?: string; limit: number; offset: number },
): Promise<StockValue> {
  const asOf = f.asOf;
  // A variant's row is its per-variant figures as they are; an item's or a category's groups
  // them (by the item's integer id). Every figure is written out as text only for the page's
  // rows, after the sort and the limit. pv is computed once (MATERIALIZED): in a parallel plan
  // each worker would otherwise aggregate the whole ledger again.
  const g =
    f.by === 'variant'
      ? `SELECT v.variant_id AS k, i.name || ' ' || c.color_name || ' ' || s.size_name AS name, 1 AS n, pv.stock, v.unit, pv.value AS one_value,
                CASE WHEN pv.unvalued THEN 0 ELSE pv.value END AS sort, pv.unvalued, CASE WHEN pv.unvalued AND pv.stock <> 0 THEN 1 ELSE 0 END AS unvalued_variants
           FROM pv
           JOIN public.item_variant v ON v.variant_id = pv.variant_id
           JOIN public.item_master i ON i.item_id = v.item_id
           JOIN public.color_master c ON c.color_id = v.color_id
           JOIN public.size_master s ON s.size_id = v.size_id
          WHERE pv.stock <> 0 OR pv.value <> 0`
      : `SELECT ${f.by === 'item' ? 'i.item_id' : "coalesce(i.category, '')"} AS k, ${f.by === 'item' ? 'min(i.name)' : "coalesce(min(i.category), 'No category')"} AS name,
                count(*) AS n, min(pv.stock) AS stock, min(v.unit) AS unit, min(pv.value) AS one_value,
                coalesce(sum(pv.value) FILTER (WHERE NOT pv.unvalued), 0) AS sort, bool_or(pv.unvalued) AS unvalued,
                count(*) FILTER (WHERE pv.unvalued AND pv.stock <> 0) AS unvalued_variants
           FROM pv
           JOIN public.item_variant v ON v.variant_id = pv.variant_id
           JOIN public.item_master i ON i.item_id = v.item_id
          WHERE pv.stock <> 0 OR pv.value <> 0
          GROUP BY 1`;
  // Per variant or item with no name to match (the usual page): the rows are named only when
  // they can be on the page. The page is the first offset + limit rows by value, then name,
  // then key; each of them is worth at least the (offset + limit)th value (cut), so only the
  // rows worth that or more are joined to the catalog for their names and sorted in full; the
  // totals are one pass over all of them.
  const namedLast = f.by !== 'category' && !f.q?.trim();
  const unnamed =
    f.by === 'variant'
      ? `SELECT pv.variant_id AS k, 1 AS n, pv.stock, NULL::text AS unit, pv.value AS one_value, CASE WHEN pv.unvalued THEN 0 ELSE pv.value END AS sort, pv.unvalued,
                CASE WHEN pv.unvalued AND pv.stock <> 0 THEN 1 ELSE 0 END AS unvalued_variants
           FROM pv WHERE (pv.stock <> 0 OR pv.value <> 0) AND $2::text IS NULL`
      : `SELECT v.item_id AS k, count(*) AS n, min(pv.stock) AS stock, min(v.unit) AS unit, min(pv.value) AS one_value,
                coalesce(sum(pv.value) FILTER (WHERE NOT pv.unvalued), 0) AS sort, bool_or(pv.unvalued) AS unvalued,
                count(*) FILTER (WHERE pv.unvalued AND pv.stock <> 0) AS unvalued_variants
           FROM pv JOIN public.item_variant v ON v.variant_id = pv.variant_id
          WHERE (pv.stock <> 0 OR pv.value <> 0) AND $2::text IS NULL
          GROUP BY v.item_id`;
  const named =
    f.by === 'variant'
      ? `i.name || ' ' || c.color_name || ' ' || s.size_name AS name, v.unit
             FROM g
             JOIN public.item_variant v ON v.variant_id = g.k
             JOIN public.item_master i ON i.item_id = v.item_id
             JOIN public.color_master c ON c.color_id = v.color_id
             JOIN public.size_master s ON s.size_id = v.size_id`
      : `i.name, g.unit
             FROM g JOIN public.item_master i ON i.item_id = g.k`;
  const body = namedLast
    ? `g AS MATERIALIZED (${unnamed}),
         tot AS (SELECT count(*) AS count, sum(g.n) AS total_variants, sum(g.sort) AS total, sum(g.unvalued_variants) AS total_unvalued FROM g),
         cut AS (SELECT g.sort FROM g ORDER BY g.sort DESC LIMIT 1 OFFSET greatest($3::int + $4::int - 1, 0)),
         page AS (
           SELECT g.k, g.n, g.stock, g.one_value, g.sort, g.unvalued, g.unvalued_variants, g.k::text AS key,
                  tot.count, tot.total_variants, tot.total, tot.total_unvalued, ${named}
            CROSS JOIN tot
            WHERE g.sort >= coalesce((SELECT cut.sort FROM cut), g.sort)
            ORDER BY g.sort DESC, name, key
            LIMIT $3 OFFSET $4)`
    : `g AS (${g}),
         page AS (
           SELECT g.*, g.k::text AS key, count(*) OVER () AS count, sum(g.n) OVER () AS total_variants, sum(g.sort) OVER () AS total, sum(g.unvalued_variants) OVER () AS total_unvalued
             FROM g
            WHERE $2::text IS NULL OR position(lower($2::text) in lower(g.name)) > 0
            ORDER BY g.sort DESC, g.name, key
            LIMIT $3 OFFSET $4)`;
  const sql = `
    WITH pv AS MATERIALIZED (${perVariant('$1::date')}),
         ${body}
    SELECT key, name,
           CASE WHEN n = 1 THEN trim_scale(stock)::text END AS stock,
           CASE WHEN n = 1 THEN unit END AS unit,
           trim_scale(sort)::text AS value,
           CASE WHEN n = 1 AND NOT unvalued AND stock > 0 THEN trim_scale(round(one_value / stock, 6))::text END AS "averageCost",
           unvalued_variants::int AS "unvaluedVariants",
           CASE WHEN n = 1 AND unvalued THEN trim_scale(stock)::text END AS "unvaluedStock",
           count::int AS count, total_variants::int AS "totalVariants", trim_scale(total)::text AS "totalValue", total_unvalued::int AS "totalUnvalued"
      FROM page
     ORDER BY sort DESC, name, key`;
  const page = (limit: number, offset: number) =>
    q.query<StockValueRow & { count: number; totalVariants: number; totalValue: string; totalUnvalued: number }>(sql, [
      asOf,
      f.q?.trim() || null,
      limit,
      offset,
    ]);
  const r = await page(f.limit, f.offset);
  // The totals ride on the page's rows: a page past the last row has none, so they are read
  // from the first row instead (a second pass, only for such a page).
  const first = r.rows[0] ?? (f.offset > 0 ? (await page(1, 0)).rows[0] : undefined);
  const totals = first ?? { count: 0, totalVariants: 0, totalValue: '0', totalUnvalued: 0 };
  return {
    asOf,
    by: f.by,
    total: { value: totals.totalValue ?? '0', variants: totals.totalVariants, unvaluedVariants: totals.totalUnvalued },
    count: totals.count,
    rows: r.rows.map(({ count: _c, totalVariants: _v, totalValue: _t, totalUnvalued: _u, ...row }) => row),
  };
}

/**
 * stockValue per variant without `q`, read from the ledger's totals (migration 0028: one row a
 * variant, and the total kept apart) when they are the answer: when no ledger row is dated
 * after `asOf`, the day's figures are every row's. Null when a row is (a day in the past):
 * the caller sums the ledger up to the day. Asked in one statement, so the totals and the
 * test see the same rows. The page is read in the order of the totals' value index (value,
 * name, key: the variant's name is carried by its totals row).
 */
async function keptStockValue(q: Queryable, f: { asOf: string; limit: number; offset: number }): Promise<StockValue | null> {
  const r = await q.query<StockValueRow & { later: boolean; count: string; totalValue: string; totalUnvalued: string }>(
    `WITH tot AS (
       SELECT EXISTS (SELECT 1 FROM public.inventory_transactions t WHERE t.created_at >= ${dayEnd('$1::date')}) AS later,
              coalesce(sum(x.variants), 0) AS count, coalesce(sum(x.value), 0) AS total, coalesce(sum(x.unvalued_variants), 0) AS total_unvalued
         FROM public.ledger_value_totals x),
     page AS (
       SELECT t.variant_id::text AS key, t.name, t.quantity AS stock, v.unit, t.value AS one_value, t.sort_value AS sort, t.unvalued
         FROM public.ledger_variant_totals t JOIN public.item_variant v ON v.variant_id = t.variant_id
        WHERE t.quantity <> 0 OR t.value <> 0
        ORDER BY t.sort_value DESC, t.name, t.variant_id::text
        LIMIT $2 OFFSET $3)
     SELECT tot.later, tot.count::text AS count, trim_scale(tot.total)::text AS "totalValue", tot.total_unvalued::text AS "totalUnvalued",
            page.key, page.name, trim_scale(page.stock)::text AS stock, page.unit, trim_scale(page.sort)::text AS value,
            CASE WHEN NOT page.unvalued AND page.stock > 0 THEN trim_scale(round(page.one_value / page.stock, 6))::text END AS "averageCost",
            CASE WHEN page.unvalued AND page.stock <> 0 THEN 1 ELSE 0 END AS "unvaluedVariants",
            CASE WHEN page.unvalued THEN trim_scale(page.stock)::text END AS "unvaluedStock"
       FROM tot LEFT JOIN page ON true
      ORDER BY page.sort DESC, page.name, page.key`,
    [f.asOf, f.limit, f.offset],
  );
  const first = r.rows[0]!;
  if (first.later) return null;
  const count = Number(first.count);
  return {
    asOf: f.asOf,
    by: 'variant',
    total: { value: first.totalValue, variants: count, unvaluedVariants: Number(first.totalUnvalued) },
    count,
    rows: r.rows.filter((x) => x.key !== null).map(({ later: _l, count: _c, totalValue: _t, totalUnvalued: _u, ...row }) => row),
  };
}

/** What all stock is worth on a day, without rows: the grouped answer's total, read in one pass over the ledger. */
export interface StockValueTotal {
  asOf: string;
  /** The value of the stock that has a cost, exact. */
  value: string;
  /** Variants with stock or value that day. */
  variants: number;
  /** Of those, the ones whose stock has no cost that day (counted apart, never as worth 0). */
  unvaluedVariants: number;
}

/**
 * How many variants with stock moved without a value up to the day stockValueTotal tests one
 * by one (each an index probe, a few microseconds on PGlite); past that, the whole pass tests
 * every variant as it sums it (two more aggregates over every row). Imports write opening
 * balances without a cost, so a ledger can have such a row for every variant.
 */
export const UNVALUED_ONE_BY_ONE = 2000;

/**
 * The total of stockValue on `asOf` (today when not given), for a caller that wants only it
 * (the dashboard): per variant its stock and value up to the day, summed, with no join to the
 * catalog, no grouping and no page. Whether a variant is unvalued is asked only of the variants
 * with a row that moved stock without a value up to the day (migration 0022 indexes those rows),
 * when they are few (`oneByOne`, UNVALUED_ONE_BY_ONE by default; 0 tests every variant in the
 * pass as stockValue does): the same answer either way, only the time differs.
 */
export async function stockValueTotal(q: Queryable, f: { asOf?: string; oneByOne?: number } = {}): Promise<StockValueTotal> {
  const day = 'coalesce($1::date, CURRENT_DATE)';
  const end = dayEnd(day);
  const oneByOne = f.oneByOne ?? UNVALUED_ONE_BY_ONE;
  const few =
    oneByOne > 0 &&
    (
      await q.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT DISTINCT t.variant_id FROM public.inventory_transactions t
            WHERE t.value IS NULL AND t.quantity <> 0 AND t.created_at < ${end} LIMIT $2) c`,
        [f.asOf ?? null, oneByOne + 1],
      )
    ).rows[0]!.n <= oneByOne;
  if (!few) {
    const r = await q.query<StockValueTotal>(
      `WITH pv AS (${perVariant(day)})
       SELECT to_char(${day}, 'YYYY-MM-DD') AS "asOf",
              trim_scale(coalesce(sum(value) FILTER (WHERE NOT unvalued), 0))::text AS value,
              count(*) FILTER (WHERE stock <> 0 OR value <> 0)::int AS variants,
              count(*) FILTER (WHERE unvalued AND stock <> 0)::int AS "unvaluedVariants"
         FROM pv`,
      [f.asOf ?? null],
    );
    return r.rows[0]!;
  }
  // c: the candidates, each with its last row without a value; u: those with no row with a
  // value after it (unvalued), their stock and value read again from their own rows; a: every
  // variant's stock and value, summed. The rows reach the grouping in variant order (the index's
  // order): PGlite's planner would otherwise hash 20,000 variants' sums, slower there.
  const r = await q.query<StockValueTotal>(
    `WITH c AS (SELECT t.variant_id, max(t.id) AS n FROM public.inventory_transactions t
                 WHERE t.value IS NULL AND t.quantity <> 0 AND t.created_at < ${end} GROUP BY t.variant_id),
          u AS (SELECT s.stock, s.value
                  FROM c CROSS JOIN LATERAL (SELECT sum(t.quantity) AS stock, coalesce(sum(t.value), 0) AS value
                                               FROM public.inventory_transactions t WHERE t.variant_id = c.variant_id AND t.created_at < ${end}) s
                 WHERE NOT EXISTS (SELECT FROM public.inventory_transactions t
                                    WHERE t.variant_id = c.variant_id AND t.created_at < ${end} AND t.value IS NOT NULL AND t.id > c.n)),
          a AS (SELECT coalesce(sum(pv.value), 0) AS value, count(*) FILTER (WHERE pv.stock <> 0 OR pv.value <> 0) AS variants
                  FROM (SELECT sum(t.quantity) AS stock, coalesce(sum(t.value), 0) AS value
                          FROM (SELECT t.variant_id, t.quantity, t.value FROM public.inventory_transactions t
                                 WHERE t.created_at < ${end} ORDER BY t.variant_id) t
                         GROUP BY t.variant_id) pv)
     SELECT to_char(${day}, 'YYYY-MM-DD') AS "asOf",
            trim_scale(a.value - (SELECT coalesce(sum(u.value), 0) FROM u))::text AS value,
            a.variants::int AS variants,
            (SELECT count(*) FROM u WHERE u.stock <> 0)::int AS "unvaluedVariants"
       FROM a`,
    [f.asOf ?? null],
  );
  return r.rows[0]!;
}
