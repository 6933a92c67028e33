import type { Queryable } from '../db/types.ts';

/**
 * The most matches a list counts for its total: counting a million rows for every page is
 * what made a list slow at a factory's size, and nobody pages past the ten-thousandth. Beyond
 * it a list says `total` = COUNT_CAP with `totalCapped` true ("10,000 or more").
 */
export const COUNT_CAP = 10_000;

/** A list's total as the API gives it: exact up to COUNT_CAP, else the cap and `totalCapped`. */
export interface PageTotal {
  total: number;
  totalCapped: boolean;
}

/**
 * The total of a list answered a page at a time. A page shorter than its limit (and not past
 * the end) tells it without a query; otherwise the matches of `fromWhere` (a `FROM … WHERE …`
 * with `params`) are counted up to COUNT_CAP, reading at most that many.
 */
export async function cappedTotal(
  q: Queryable,
  rowsOnPage: number,
  page: { limit: number; offset: number },
  fromWhere: string,
  params: readonly unknown[],
): Promise<PageTotal> {
  if ((rowsOnPage > 0 || page.offset === 0) && rowsOnPage < page.limit) return exact(page.offset + rowsOnPage);
  const n = Number(
    (await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM (SELECT 1 ${fromWhere} LIMIT ${COUNT_CAP + 1}) AS matches`, params)).rows[0]!.n,
  );
  return n > COUNT_CAP ? { total: COUNT_CAP, totalCapped: true } : exact(n);
}

const exact = (total: number): PageTotal => ({ total, totalCapped: false });

/**
 * The total of a list answered a page at a time: the page's rows carry it (`count(*) OVER ()`
 * as `total`); a first page with no row means none; a page past the end has no row to carry
 * it, so `countSql` (with the page query's own parameters) is asked on its own then.
 */
export async function pageTotal(
  q: Queryable,
  rows: readonly { total: string | number }[],
  offset: number,
  countSql: string,
  params: readonly unknown[],
): Promise<number> {
  if (rows.length > 0) return Number(rows[0]!.total);
  if (offset === 0) return 0;
  return Number((await q.query<{ n: string }>(countSql, params)).rows[0]!.n);
}
