import type { Queryable } from '../../db/types.ts';
import { folded } from './sql.ts';

/**
 * A search word as the database found it: folded, the models and variations whose names have
 * it, and the words of live items' search text that contain it (search_vocabulary, migration
 * 0030), with how many items have one of those words (counted up to FEW_ITEMS + 1).
 */
export interface FoundWord {
  word: string;
  models: number[];
  variations: number[];
  /** Up to MANY_TOKENS + 1 of the item words containing this one. */
  tokens: string[];
  /** How many live items have one of `tokens`, up to FEW_ITEMS + 1. */
  items: number;
  /**
   * The items with a live variant whose code starts with the word (whatever its case), or
   * whose barcode is the word (migration 0034); a prefix shared by more than FEW_ITEMS
   * variants is not searched by (it finds too much to be what a person types to find one).
   */
  codeItems: number[];
  /** The live variants whose code (whatever its case) or barcode is the word, as typed. */
  exact: { itemId: number; variantId: number }[];
}

/** Past this many item words containing a search word ("1", "a"), the word index is not worth walking. */
export const MANY_TOKENS = 32;
/** A word in at most this many items is looked up there, and its items sorted whatever the order asked. */
export const FEW_ITEMS = 1000;

/**
 * Each search word (in order) folded, with its models, variations, item words and the items of
 * variants it is the code or barcode of, or a code's start (by idx_item_variant_code's range,
 * "~>=~ word AND ~<~ word || U+10FFFF", which the index answers as LIKE 'word%' it could only
 * for a constant): one query.
 * A search word is a substring of an item's folded search text exactly when it is a substring
 * of one of that text's words split on ' ' (a search word, split on white space, never has a
 * space), so its items are those of `tokens`.
 */
export async function findWords(q: Queryable, words: readonly string[]): Promise<FoundWord[]> {
  const rows = (
    await q.query<Omit<FoundWord, 'codeItems'> & { prefixed: number[] }>(
      `SELECT w.word,
              coalesce((SELECT array_agg(model_id ORDER BY model_id) FROM public.model_master WHERE strpos(name_folded, w.word) > 0), '{}') AS models,
              coalesce((SELECT array_agg(variation_id ORDER BY variation_id) FROM public.variation_master WHERE strpos(name_folded, w.word) > 0), '{}') AS variations,
              v.tokens,
              (SELECT count(*)::int FROM (SELECT 1 FROM public.item_search_word s WHERE s.word = ANY (v.tokens) LIMIT ${FEW_ITEMS + 1}) AS c) AS items,
              coalesce((SELECT array_agg(p.item_id) FROM (SELECT cv.item_id FROM public.item_variant cv
                                   WHERE cv.code IS NOT NULL AND cv.deleted_at IS NULL
                                     AND lower(cv.code) ~>=~ w.code AND lower(cv.code) ~<~ (w.code || chr(1114111))
                                   LIMIT ${FEW_ITEMS + 1}) AS p), '{}') AS prefixed,
              coalesce((SELECT json_agg(json_build_object('itemId', ev.item_id, 'variantId', ev.variant_id) ORDER BY ev.variant_id)
                          FROM public.item_variant ev
                         WHERE ev.deleted_at IS NULL AND ((ev.code IS NOT NULL AND lower(ev.code) = w.code) OR (ev.barcode IS NOT NULL AND ev.barcode = w.x))), '[]') AS exact
         FROM (SELECT ${folded('x')} AS word, lower(x) AS code, x, n FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n)) AS w
        CROSS JOIN LATERAL (
              SELECT coalesce(array_agg(t.word), '{}') AS tokens
                FROM (SELECT sv.word FROM public.search_vocabulary sv
                       WHERE sv.word LIKE '%' || replace(replace(replace(w.word, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
                       LIMIT ${MANY_TOKENS + 1}) AS t) AS v
        ORDER BY w.n`,
      [words],
    )
  ).rows;
  return rows.map(({ prefixed, ...w }) => ({
    ...w,
    codeItems: [...new Set([...(prefixed.length > FEW_ITEMS ? [] : prefixed), ...w.exact.map((e) => e.itemId)])],
  }));
}

/**
 * How a search reads its items:
 * - `few`: one word's items (at most FEW_ITEMS) are read by the word index and sorted;
 * - `walk`: a word's items are read in name order from the word index until the page is full
 *   (a page sorted by name of a word in many items);
 * - `scan`: every word is a condition on the items found by the trigram index, or on every
 *   item (a word in a model's or variation's name, deleted items asked for, a word in too
 *   many item words).
 * `word` is the index of the search word that leads.
 */
export type SearchPlan = { kind: 'few' | 'walk'; word: number } | { kind: 'scan' };

/**
 * The plan for a search (see SearchPlan). The word index holds live items' names and
 * categories only, so a word also found in a model's or variation's name or a variant's code or
 * barcode, or a search of deleted items, is never led by it.
 */
export function planSearch(found: readonly FoundWord[], f: { includeDeleted?: boolean; sort?: 'name' | 'createdAt' }): SearchPlan {
  if (f.includeDeleted) return { kind: 'scan' };
  const leaders = found
    .map((w, word) => ({ w, word }))
    .filter(({ w }) => w.models.length === 0 && w.variations.length === 0 && w.codeItems.length === 0 && w.tokens.length <= MANY_TOKENS);
  if (leaders.length === 0) return { kind: 'scan' };
  const rarest = leaders.reduce((a, b) => (b.w.items < a.w.items ? b : a));
  if (rarest.w.items <= FEW_ITEMS) return { kind: 'few', word: rarest.word };
  if ((f.sort ?? 'name') !== 'name') return { kind: 'scan' };
  const narrowest = leaders.reduce((a, b) => (b.w.tokens.length < a.w.tokens.length ? b : a));
  return { kind: 'walk', word: narrowest.word };
}
