import type { Queryable } from '../db/types.ts';

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
