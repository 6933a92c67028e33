import type { Database } from '../../db/types.ts';
import { findItems, searchWords } from './items.ts';
import { folded } from './sql.ts';
import { VARIANT_COLUMNS, VARIANT_FROM } from './variants.ts';
import type { Variant } from './variants.ts';

/** A variant a lookup found; `exact` when its code (whatever its case) or barcode is the whole search. */
export interface FoundVariant extends Variant {
  exact: boolean;
}

/** The most variants a lookup answers at once, and the furthest it pages. */
export const LOOKUP_LIMITS = { limit: 50, offset: 500 } as const;

/**
 * Live variants of live items found by what a person types into one box (a name, a code, a
 * barcode a scanner sent): a word found in a colour's or size's name ("pink", "16" of "16
 * inch") picks the variants of those colours or sizes; the other words find items as the item search does (name, category,
 * model, variation, a variant's code's start or its barcode), and their variants come in the
 * search's order, by colour and size. One word that is a code, a code's start or a barcode
 * finds those variants only, the exact one first (a scan, or a code typed in full).
 * Bounded: it reads at most offset + limit + 1 items or variants; `more` when there are more.
 */
export async function lookupVariants(db: Database, f: { q: string; limit: number; offset: number }): Promise<{ variants: FoundVariant[]; more: boolean }> {
  const words = searchWords(f.q);
  if (words.length === 0) return { variants: [], more: false };
  if (words.length === 1) {
    const byCode = await byMark(db, words[0]!, f);
    // A later page of codes may be empty: whether the word is a code at all is on the first.
    const isMark = byCode.variants.length > 0 || (f.offset > 0 && (await byMark(db, words[0]!, { limit: 1, offset: 0 })).variants.length > 0);
    if (isMark) return byCode;
  }
  const named = (
    await db.query<{ word: string; colors: number[]; sizes: number[] }>(
      `SELECT w AS word,
              coalesce((SELECT array_agg(color_id) FROM public.color_master WHERE strpos(${folded('color_name')}, ${folded('w')}) > 0), '{}') AS colors,
              coalesce((SELECT array_agg(size_id) FROM public.size_master WHERE strpos(${folded('size_name')}, ${folded('w')}) > 0), '{}') AS sizes
         FROM unnest($1::text[]) AS w`,
      [words],
    )
  ).rows;
  const picks = named.filter((n) => n.colors.length > 0 || n.sizes.length > 0);
  const itemWords = named.filter((n) => !picks.includes(n)).map((n) => n.word);
  const whole = words.length === 1 ? words[0]! : null;
  // Only colour and size words: the items are those the words name anywhere (a name may say "Black").
  const q = (itemWords.length > 0 ? itemWords : words).join(' ');
  const items = await findItems(db, { q, limit: f.offset + f.limit + 1, offset: 0 });
  const itemIds = items.items.map((i) => i.itemId);
  const rows = (
    await db.query<FoundVariant>(
      `SELECT ${VARIANT_COLUMNS},
              coalesce(lower(v.code) = lower($2) OR v.barcode = $2, FALSE) AS exact
         ${VARIANT_FROM}
         JOIN unnest($1::int[]) WITH ORDINALITY AS found(item_id, n) ON found.item_id = v.item_id
        WHERE v.deleted_at IS NULL
          AND ($3::boolean OR (${picks.length === 0 ? 'TRUE' : picks.map((_, k) => `(v.color_id = ANY ($${4 + 2 * k}::int[]) OR v.size_id = ANY ($${5 + 2 * k}::int[]))`).join(' AND ')}))
        ORDER BY exact DESC, found.n, lower(c.color_name), lower(s.size_name), v.variant_id
        LIMIT ${f.limit + 1} OFFSET ${f.offset}`,
      [itemIds, whole, itemWords.length === 0, ...picks.flatMap((p) => [p.colors, p.sizes])],
    )
  ).rows;
  return { variants: rows.slice(0, f.limit), more: rows.length > f.limit || items.items.length > f.offset + f.limit };
}

/**
 * The live variants of live items whose barcode is `word`, then those whose code is `word` or
 * starts with it (whatever the case) in code order, the exact code first (it sorts first). The
 * codes are read in idx_item_variant_code's own order (USING ~<~, its byte order), so a short
 * start shared by many codes reads only a page of them.
 */
async function byMark(db: Database, word: string, f: { limit: number; offset: number }): Promise<{ variants: FoundVariant[]; more: boolean }> {
  const rows = (
    await db.query<FoundVariant>(
      `SELECT ${VARIANT_COLUMNS}, coalesce(lower(v.code) = lower($1) OR v.barcode = $1, FALSE) AS exact
         ${VARIANT_FROM}
         JOIN ((SELECT variant_id, 0 AS k, NULL::text AS key FROM public.item_variant WHERE barcode = $1 AND deleted_at IS NULL)
               UNION ALL
               (SELECT variant_id, 1, lower(code) FROM public.item_variant
                 WHERE code IS NOT NULL AND deleted_at IS NULL AND lower(code) ~>=~ lower($1) AND lower(code) ~<~ (lower($1) || chr(1114111))
                   AND barcode IS DISTINCT FROM $1
                 ORDER BY lower(code) USING ~<~ LIMIT ${f.offset + f.limit + 1})) AS m ON m.variant_id = v.variant_id
        WHERE i.deleted_at IS NULL
        ORDER BY m.k, m.key USING ~<~, v.variant_id
        LIMIT ${f.limit + 1} OFFSET ${f.offset}`,
      [word],
    )
  ).rows;
  return { variants: rows.slice(0, f.limit), more: rows.length > f.limit };
}
