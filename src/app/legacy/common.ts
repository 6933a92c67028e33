import type { AdoptContext } from '../../schema/adopt/types.ts';
import { quoteIdent } from '../../schema/catalog/render.ts';

// What the steps of the legacy mapping (mapping.ts, purchasing.ts) share.

/** How the old spellings of a column's values map onto MTC's. */
export interface ValueMap {
  table: string;
  column: string;
  canonical: readonly string[];
  /** Other spellings (after lower-casing, trimming, and spaces or dashes made underscores). */
  aliases: Readonly<Record<string, string>>;
  /** For values nothing maps: a value to give them (reported), or none to stop adoption. */
  fallback?: string;
}

/** The SQL that spells a value the way `map` expects it before the alias lookup. */
export const folded = (col: string) => `regexp_replace(lower(btrim(${col})), '[[:space:]-]+', '_', 'g')`;

/** `'Completed' → 'completed' (2), …` */
export const respelled = (changes: readonly { value: string; to?: string | undefined; n: string }[]) =>
  changes.map((c) => `'${c.value}' → '${c.to}' (${c.n})`).join(', ');

/**
 * Each value a column holds (NULLs aside), how many rows hold it, and its canonical spelling
 * under `map` (itself when it is one; undefined when nothing maps it). `from` is the table
 * read, `public.<map.table>` unless given.
 */
export async function spellings(
  ctx: AdoptContext,
  map: ValueMap,
  from = `public.${map.table}`,
): Promise<{ value: string; n: string; to: string | undefined }[]> {
  const col = quoteIdent(map.column);
  const canonical = new Set(map.canonical);
  const found = await ctx.select<{ value: string; folded: string; n: string }>(
    `SELECT ${col}::text AS value, ${folded(col)} AS folded, count(*)::text AS n FROM ${from} WHERE ${col} IS NOT NULL GROUP BY 1, 2 ORDER BY 1`,
  );
  return found.map((r) => ({
    value: r.value,
    n: r.n,
    to: canonical.has(r.value) ? r.value : canonical.has(r.folded) ? r.folded : (map.aliases[r.folded] ?? map.aliases[r.folded.replace(/_/g, '')]),
  }));
}

/**
 * New numbers (`PREFIX-YYYYMMDD-N…`, from `sequence`) continue after the highest one of that
 * form in `from`.`column`, so one made today cannot repeat one the old application made today.
 */
export async function numbersAfterLegacyOnes(
  ctx: AdoptContext,
  n: { from: string; column: string; prefix: string; sequence: string; what: string },
): Promise<void> {
  const [row] = await ctx.select<{ highest: string | null; last: string; called: boolean }>(
    `SELECT (SELECT max(substring(${quoteIdent(n.column)} FROM '^${n.prefix}-[0-9]{8}-([0-9]+)$')::bigint) FROM ${n.from})::text AS highest,
            last_value::text AS last, is_called AS called FROM ${n.sequence}`,
  );
  if (!row || row.highest === null) return;
  const next = BigInt(row.called ? row.last : BigInt(row.last) - 1n);
  if (BigInt(row.highest) <= next) return;
  await ctx.run(`SELECT setval('${n.sequence}', ${row.highest})`, `${n.what} continue after the highest one the old application gave`);
}
