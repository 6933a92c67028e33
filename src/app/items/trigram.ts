import type { Queryable } from '../../db/types.ts';
import type { OptionalExtension } from '../../schema/catalog/verify.ts';

/**
 * pg_trgm, which item and lot search use where the server has it (migrations 0023 and 0024
 * create it and the items' trigram index only then, 0027 the lots', 0030 the one on
 * search_vocabulary): without it search reads every item or lot, or every word of the word
 * index, with the same answers.
 */
export const ITEM_SEARCH_EXTENSION: OptionalExtension = {
  extension: 'pg_trgm',
  objects: [
    'public.item_master.idx_item_master_search_trgm',
    'public.production_lot_search.idx_production_lot_search_trgm',
    'public.search_vocabulary.idx_search_vocabulary_trgm',
  ],
  without: 'item search reads every item, and lot search every lot (slower, with the same answers); README.md, "Search", says how to add it',
};

/** The extensions MTC's schema uses where the server has them. */
export const OPTIONAL_EXTENSIONS: readonly OptionalExtension[] = [ITEM_SEARCH_EXTENSION];

/** What this database does without, one sentence per optional extension it lacks (none: []). */
export async function extensionWarnings(q: Queryable): Promise<string[]> {
  const names = OPTIONAL_EXTENSIONS.map((o) => o.extension);
  const installed = new Set(
    (await q.query<{ extname: string }>('SELECT extname FROM pg_catalog.pg_extension WHERE extname = ANY ($1::text[])', [names])).rows.map((r) => r.extname),
  );
  return OPTIONAL_EXTENSIONS.filter((o) => !installed.has(o.extension)).map((o) => `extension ${o.extension} is not installed: ${o.without}`);
}
