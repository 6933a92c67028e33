import type { Database, Queryable } from '../../db/types.ts';
import { COUNT_CAP, cappedTotal } from '../paging.ts';
import type { PageTotal } from '../paging.ts';
import { auditAs, auditedChange } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { optionalMasterId } from './masters.ts';
import { violates } from '../../db/types.ts';
import { ItemError, folded } from './sql.ts';
import { findWords, planSearch } from './search.ts';
import type { FoundWord, SearchPlan } from './search.ts';
import { isoUtc } from '../timestamps.ts';

/** An item as the API shows it: its model and variation by name. */
export interface Item {
  itemId: number;
  name: string;
  description: string | null;
  category: string | null;
  model: string | null;
  variation: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** What a client gives for an item; model and variation are master names, made when new. */
export interface ItemInput {
  name: string;
  description?: string | null;
  category?: string | null;
  model?: string | null;
  variation?: string | null;
}

const FROM = `FROM public.item_master i
  LEFT JOIN public.model_master m ON m.model_id = i.model_id
  LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id`;

const ITEM_COLUMNS = `i.item_id AS "itemId", i.name, i.description, i.category, m.model_name AS model, va.variation_name AS variation,
  ${isoUtc('i.created_at')} AS "createdAt", ${isoUtc('i.updated_at')} AS "updatedAt", ${isoUtc('i.deleted_at')} AS "deletedAt"`;

/** One item, deleted or not; null when there is none. */
export async function getItem(q: Queryable, itemId: number): Promise<Item | null> {
  return (await q.query<Item>(`SELECT ${ITEM_COLUMNS} ${FROM} WHERE i.item_id = $1`, [itemId])).rows[0] ?? null;
}

interface Stored {
  name: string;
  description: string | null;
  category: string | null;
  modelId: number | null;
  variationId: number | null;
}

/**
 * Refuses a live item that would duplicate another live one: same name (whatever its case),
 * model, variation and description. Stricter than idx_item_master_unique, which lets two items
 * without a model coexist because NULLs differ there; the index still backs this up in a race.
 */
async function refuseDuplicate(q: Queryable, s: Stored, exceptId: number | null): Promise<void> {
  const r = await q.query<{ itemId: number }>(
    `SELECT item_id AS "itemId" FROM public.item_master
      WHERE deleted_at IS NULL AND lower(name) = lower($1) AND model_id IS NOT DISTINCT FROM $2::int AND variation_id IS NOT DISTINCT FROM $3::int
        AND coalesce(description, '') = coalesce($4::text, '') AND item_id <> coalesce($5::int, 0)`,
    [s.name, s.modelId, s.variationId, s.description, exceptId],
  );
  const other = r.rows[0];
  if (other) throw duplicate(s.name, other.itemId);
}

const duplicate = (name: string, itemId?: number) =>
  new ItemError(
    'ITEM_EXISTS',
    `an item "${name}" with this model, variation and description exists already${itemId ? ` (item ${itemId})` : ''}`,
    'state',
    itemId ? { itemId } : {},
  );

/** Runs a write that the unique index may refuse, turning that refusal into ITEM_EXISTS. */
async function guarded<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (violates(err, 'idx_item_master_unique')) throw duplicate(name);
    throw err;
  }
}

/**
 * Creates an item as the actor, audited (`create` of `item`) in the same transaction; its model
 * and variation are made when new. ITEM_EXISTS (409) when a live one has its name, model,
 * variation and description: then nothing is written.
 */
export async function createItem(db: Database, input: ItemInput, actor: Actor): Promise<Item> {
  return db.transaction((tx) => createItemIn(tx, input, actor));
}

/** createItem inside the caller's transaction (the demo seed's, a test's). */
export async function createItemIn(q: Queryable, input: ItemInput, actor: Actor): Promise<Item> {
  const s: Stored = {
    name: input.name,
    description: input.description ?? null,
    category: input.category ?? null,
    modelId: await optionalMasterId(q, 'model', input.model),
    variationId: await optionalMasterId(q, 'variation', input.variation),
  };
  await refuseDuplicate(q, s, null);
  const r = await guarded(s.name, () =>
    q.query<{ id: number }>(
      'INSERT INTO public.item_master (name, description, category, model_id, variation_id) VALUES ($1, $2, $3, $4, $5) RETURNING item_id AS id',
      [s.name, s.description, s.category, s.modelId, s.variationId],
    ),
  );
  const item = (await getItem(q, r.rows[0]!.id))!;
  await auditAs(q, actor, { action: 'create', entity: 'item', entityId: item.itemId, after: item });
  return item;
}

/** An item's state before and after a change. */
interface ItemChange {
  before: Item;
  after: Item;
}

async function lockStored(q: Queryable, itemId: number): Promise<(Stored & { deleted: boolean }) | null> {
  const r = await q.query<Stored & { deleted: boolean }>(
    `SELECT name, description, category, model_id AS "modelId", variation_id AS "variationId", deleted_at IS NOT NULL AS deleted
       FROM public.item_master WHERE item_id = $1 FOR UPDATE`,
    [itemId],
  );
  return r.rows[0] ?? null;
}

/**
 * Changes a live item as the actor, audited with before and after; a field left out keeps its
 * value, null clears it. Null when there is no such item; ITEM_DELETED (409) for a deleted one
 * (restore it first); ITEM_EXISTS (409) when it would duplicate another.
 */
export async function updateItem(db: Database, itemId: number, change: Partial<ItemInput>, actor: Actor): Promise<Item | null> {
  return auditedChange(db, actor, { action: 'update', entity: 'item', entityId: itemId }, (tx) => changeItem(tx, itemId, change));
}

async function changeItem(q: Queryable, itemId: number, change: Partial<ItemInput>): Promise<ItemChange | null> {
  const stored = await lockStored(q, itemId);
  if (!stored) return null;
  if (stored.deleted) throw new ItemError('ITEM_DELETED', `item ${itemId} is deleted: restore it before changing it`, 'state', { itemId });
  const before = (await getItem(q, itemId))!;
  const s: Stored = {
    name: change.name ?? stored.name,
    description: change.description === undefined ? stored.description : change.description,
    category: change.category === undefined ? stored.category : change.category,
    modelId: change.model === undefined ? stored.modelId : await optionalMasterId(q, 'model', change.model),
    variationId: change.variation === undefined ? stored.variationId : await optionalMasterId(q, 'variation', change.variation),
  };
  await refuseDuplicate(q, s, itemId);
  await guarded(s.name, () =>
    q.query('UPDATE public.item_master SET name = $2, description = $3, category = $4, model_id = $5, variation_id = $6 WHERE item_id = $1', [
      itemId,
      s.name,
      s.description,
      s.category,
      s.modelId,
      s.variationId,
    ]),
  );
  return { before, after: (await getItem(q, itemId))! };
}

/**
 * Soft-deletes an item as the actor, audited: it leaves lists and searches and frees its name;
 * its variants stay as they are but take no stock movements while it is deleted. Null when
 * there is no such item; ALREADY_DELETED (409) when it is deleted.
 */
export async function deleteItem(db: Database, itemId: number, actor: Actor): Promise<Item | null> {
  return auditedChange(db, actor, { action: 'delete', entity: 'item', entityId: itemId }, (tx) => markDeleted(tx, itemId));
}

async function markDeleted(q: Queryable, itemId: number): Promise<ItemChange | null> {
  const stored = await lockStored(q, itemId);
  if (!stored) return null;
  if (stored.deleted) throw new ItemError('ALREADY_DELETED', `item ${itemId} is deleted already`, 'state', { itemId });
  const before = (await getItem(q, itemId))!;
  await q.query('UPDATE public.item_master SET deleted_at = now() WHERE item_id = $1', [itemId]);
  return { before, after: (await getItem(q, itemId))! };
}

/**
 * Brings a deleted item back as the actor, audited. Null when there is none; NOT_DELETED (409)
 * for a live one; ITEM_EXISTS (409) when a live item took its place.
 */
export async function restoreItem(db: Database, itemId: number, actor: Actor): Promise<Item | null> {
  return auditedChange(db, actor, { action: 'restore', entity: 'item', entityId: itemId }, (tx) => markRestored(tx, itemId));
}

async function markRestored(q: Queryable, itemId: number): Promise<ItemChange | null> {
  const stored = await lockStored(q, itemId);
  if (!stored) return null;
  if (!stored.deleted) throw new ItemError('NOT_DELETED', `item ${itemId} is not deleted`, 'state', { itemId });
  await refuseDuplicate(q, stored, itemId);
  const before = (await getItem(q, itemId))!;
  await guarded(stored.name, () => q.query('UPDATE public.item_master SET deleted_at = NULL WHERE item_id = $1', [itemId]));
  return { before, after: (await getItem(q, itemId))! };
}

/** How to list items. `q` is words that must each appear, anywhere, in the name, model, variation or category. */
export interface ItemFilter {
  q?: string;
  category?: string;
  model?: string;
  includeDeleted?: boolean;
  sort?: 'name' | 'createdAt';
  direction?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const ORDER = { name: 'lower(i.name)', createdAt: 'i.created_at' } as const;
const DIRECTION = { asc: 'ASC', desc: 'DESC' } as const;

/** The most words a search may have, and the longest word: a search costs a condition per word. */
export const SEARCH_LIMITS = { words: 10, wordLength: 50 } as const;

/**
 * The words of a search as the list takes them (split on white space), or a refusal naming
 * `q` (400 INVALID_INPUT) when there are more than SEARCH_LIMITS.words or one is longer than
 * SEARCH_LIMITS.wordLength: each word is a condition on every candidate item.
 */
export function searchWords(text: string | undefined): string[] {
  const words = text === undefined ? [] : text.split(/\s+/).filter((w) => w !== '');
  const problem =
    words.length > SEARCH_LIMITS.words
      ? `has ${words.length} words: search with at most ${SEARCH_LIMITS.words}`
      : words.some((w) => [...w].length > SEARCH_LIMITS.wordLength)
        ? `has a word longer than ${SEARCH_LIMITS.wordLength} characters: search with a shorter part of it`
        : null;
  if (problem)
    throw new ItemError('INVALID_INPUT', `q: ${problem}`, 'usage', {
      field: 'q',
      fields: [{ path: 'querystring/q', message: problem }],
    });
  return words;
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * An item as a list shows it: with its live variants' stock, added up per unit (pieces and
 * metres are not added together), and their codes, so that two items of the same name differ.
 */
export interface ListedItem extends Item {
  stock: { unit: string; quantity: string }[];
  /** Its live variants' codes, in order, the first CODES_SHOWN of them. */
  codes: string[];
  /** How many more of its live variants have a code. */
  moreCodes: number;
}

/** The codes a list shows per item (the item's page shows them all). */
export const CODES_SHOWN = 3;

type ItemPage = { total: number; totalCapped: boolean; items: ListedItem[] };

/**
 * One page of items and how many match (counted up to COUNT_CAP: beyond it `total` is the cap
 * and `totalCapped` true). Search, category and model ignore case and accents ("fram" finds
 * "Frame", "eclair" finds "Éclair"); category and model match whole.
 *
 * Every word must appear in the item's name or category (its stored folded search_text), or
 * in its model's or variation's name. The words are folded, and each one's few models and
 * variations and the item words containing it found, in one small query first (findWords);
 * then planSearch picks how to read the items: one word's few items from the word index
 * (migration 0030), or a word's items in name order from it until the page is full, or
 * (`scan`) each word as the condition `search_text LIKE '%word%'` or one of those ids, which
 * the trigram index on search_text (migration 0024, where pg_trgm is installed) answers
 * without reading every item. Each way gives the same rows in the same order.
 */
export async function listItems(q: Queryable, f: ItemFilter): Promise<ItemPage> {
  const words = searchWords(f.q);
  const found = words.length > 0 ? await findWords(q, words) : [];
  return listFound(q, f, found, planSearch(found, f));
}

/**
 * listItems as the API runs it. A search that scans runs in a transaction of its own without
 * parallel workers: one whose word is in many items reads them all to sort them, and
 * PostgreSQL would split that among workers that, under concurrent requests on few cores, only
 * compete with the other requests (bench/api, `q=frame` before the word index: 9 → 38 req/s,
 * p99 1,546 → 431 ms). SET LOCAL ends with the transaction: nothing stays on the connection (a
 * pooler's too). A search led by the word index reads few rows and needs neither.
 */
export async function findItems(db: Database, f: ItemFilter): Promise<ItemPage> {
  const words = searchWords(f.q);
  if (words.length === 0) return listFound(db, f, [], { kind: 'scan' });
  const found = await findWords(db, words);
  const plan = planSearch(found, f);
  if (plan.kind !== 'scan') return listFound(db, f, found, plan);
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
    return listFound(tx, f, found, plan);
  });
}

async function listFound(q: Queryable, f: ItemFilter, found: readonly FoundWord[], plan: SearchPlan): Promise<ItemPage> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [f.includeDeleted ? 'TRUE' : 'i.deleted_at IS NULL'];
  if (f.category !== undefined) where.push(`${folded('i.category')} = ${folded(`${param(f.category)}::text`)}`);
  if (f.model !== undefined) where.push(`i.model_id IN (SELECT model_id FROM public.model_master WHERE name_folded = ${folded(`${param(f.model)}::text`)})`);
  const lead = plan.kind === 'scan' ? undefined : found[plan.word]!;
  for (const w of found) {
    // The leading word's items are read from the word index: they have it (migration 0030).
    if (w === lead) continue;
    const either = [`i.search_text LIKE ${param(containing(w.word))}`];
    if (w.models.length > 0) either.push(`i.model_id = ANY (${param(w.models)}::int[])`);
    if (w.variations.length > 0) either.push(`i.variation_id = ANY (${param(w.variations)}::int[])`);
    if (w.codeItems.length > 0) either.push(`i.item_id = ANY (${param(w.codeItems)}::int[])`);
    where.push(either.length === 1 ? either[0]! : `(${either.join(' OR ')})`);
  }
  const dir = DIRECTION[f.direction ?? 'asc'];
  if (lead && plan.kind === 'walk') return walkWord(q, f, lead, where, params, dir);
  if (lead) where.push(`i.item_id IN (SELECT item_id FROM public.item_search_word WHERE word = ANY (${param(lead.tokens)}::text[]))`);
  const fromWhere = `FROM public.item_master i WHERE ${where.join(' AND ')}`;
  const filterParams = [...params];
  // A search counts its matches as it reads them (count(*) OVER ()): they are few, or found by
  // the trigram index, and all are read to sort them anyway. Its name order is written so that
  // it cannot walk idx_item_master_name_order: items that share a word share a prefix of their
  // name, so that walk read 120,000 items past the others before the first "frame".
  // A list without words walks that index for its page and counts up to COUNT_CAP: the whole
  // list in the same query (one round trip, not two); a filtered one apart, only when its page
  // is full (the count may read every item to find few).
  const searching = found.length > 0;
  const whole = !searching && where.length === 1;
  const sortKey = searching && (f.sort ?? 'name') === 'name' ? `${ORDER.name} || ''` : ORDER[f.sort ?? 'name'];
  // The items of a variant whose code or barcode is a search word come first, whatever the order.
  const exact = [...new Set(found.flatMap((w) => w.exact.map((e) => e.itemId)))];
  const first = exact.length > 0 ? `i.item_id = ANY (${param(exact)}::int[])` : 'FALSE';
  const rows = await pageOf(
    q,
    `SELECT i.item_id, ${first} AS first, ${sortKey} AS sort_key,
            ${searching ? 'count(*) OVER ()' : whole ? `(SELECT count(*) FROM (SELECT 1 ${fromWhere} LIMIT ${COUNT_CAP + 1}) AS matches)` : 'NULL::bigint'} AS total ${fromWhere}
      ORDER BY ${exact.length > 0 ? '2 DESC, ' : ''}3 ${dir}, i.item_id ${dir} LIMIT ${param(f.limit)} OFFSET ${param(f.offset)}`,
    params,
    dir,
  );
  const items = rows.map(({ total: _total, ...item }) => item);
  const n = rows[0]?.total;
  const total = n != null ? counted(n) : await cappedTotal(q, rows.length, f, fromWhere, filterParams);
  return { ...total, items };
}

/** A total a page's query counted: exactly, or up to one past COUNT_CAP. */
const counted = (n: string | null): PageTotal => (Number(n) > COUNT_CAP ? { total: COUNT_CAP, totalCapped: true } : { total: Number(n), totalCapped: false });

/**
 * A page of one word's items in name order, read from the word index (its key is word, sort
 * name, item) until the page is full; the other conditions are checked on each. Its total is
 * counted up to COUNT_CAP, from the word index alone when nothing else is asked.
 */
async function walkWord(q: Queryable, f: ItemFilter, lead: FoundWord, where: string[], params: unknown[], dir: string): Promise<ItemPage> {
  const param = (value: unknown) => `$${params.push(value)}`;
  const tokens = lead.tokens.map(param);
  // One ordered read per item word, merged in order; an item with two of them comes once.
  const words = tokens.map((t) => `SELECT item_id, sort_name FROM public.item_search_word WHERE word = ${t}`).join(' UNION ALL ');
  const joined = `FROM (${words}) AS s JOIN public.item_master i ON i.item_id = s.item_id WHERE ${where.join(' AND ')}`;
  // The word index holds live items only: without other conditions, it alone is counted.
  const alone = where.length === 1 && where[0] === 'i.deleted_at IS NULL';
  const matches =
    tokens.length === 1 && alone
      ? `FROM public.item_search_word s WHERE s.word = ${tokens[0]}`
      : `FROM (SELECT DISTINCT item_id FROM public.item_search_word WHERE word = ANY (ARRAY[${tokens.join(', ')}])) AS s JOIN public.item_master i ON i.item_id = s.item_id WHERE ${where.join(' AND ')}`;
  const countParams = [...params];
  // The count rides on the page's query (one round trip, not two), up to one past COUNT_CAP.
  const rows = await pageOf(
    q,
    `SELECT DISTINCT ON (s.sort_name, s.item_id) s.item_id, FALSE AS first, s.sort_name AS sort_key,
            (SELECT count(*) FROM (SELECT 1 ${matches} LIMIT ${COUNT_CAP + 1}) AS matches) AS total ${joined}
      ORDER BY s.sort_name ${dir}, s.item_id ${dir} LIMIT ${param(f.limit)} OFFSET ${param(f.offset)}`,
    params,
    dir,
  );
  const total = rows.length > 0 ? counted(rows[0]!.total) : await cappedTotal(q, rows.length, f, matches, countParams);
  return { ...total, items: rows.map(({ total: _total, ...item }) => item) };
}

/**
 * The items of a page query (item_id, first, sort_key, total) with their columns and their
 * variants' summary (ListedItem), in its order. The summary reads only the page's items'
 * variants (idx_item_variant_item_id): a page of 50 costs 50 index lookups whatever the list's size.
 */
async function pageOf(q: Queryable, page: string, params: unknown[], dir: string): Promise<(ListedItem & { total: string | null })[]> {
  return (
    await q.query<ListedItem & { total: string | null }>(
      `WITH page AS (${page})
       SELECT ${ITEM_COLUMNS}, coalesce(st.stock, '[]') AS stock, coalesce(cv.codes, '{}') AS codes, coalesce(cv.more, 0) AS "moreCodes",
              page.total::text AS total
         FROM page JOIN public.item_master i ON i.item_id = page.item_id
         LEFT JOIN public.model_master m ON m.model_id = i.model_id
         LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
         LEFT JOIN LATERAL (
              SELECT json_agg(json_build_object('unit', u.unit, 'quantity', u.quantity) ORDER BY u.unit) AS stock
                FROM (SELECT v.unit, sum(v.stock)::text AS quantity FROM public.item_variant v
                       WHERE v.item_id = i.item_id AND v.deleted_at IS NULL GROUP BY v.unit) AS u) AS st ON TRUE
         LEFT JOIN LATERAL (
              SELECT (array_agg(v.code ORDER BY lower(v.code)))[1:${CODES_SHOWN}] AS codes, greatest(count(*) - ${CODES_SHOWN}, 0)::int AS more
                FROM public.item_variant v WHERE v.item_id = i.item_id AND v.deleted_at IS NULL AND v.code IS NOT NULL) AS cv ON TRUE
        ORDER BY page.first DESC, page.sort_key ${dir}, page.item_id ${dir}`,
      params,
    )
  ).rows;
}

/** A category in use, and how many live items are in it. */
export interface Category {
  category: string;
  itemCount: number;
}

/** The distinct categories of live items, alphabetically, with their item counts. */
export async function listCategories(q: Queryable): Promise<Category[]> {
  return (
    await q.query<Category>(
      `SELECT category, count(*)::int AS "itemCount" FROM public.item_master
        WHERE deleted_at IS NULL AND category IS NOT NULL GROUP BY category ORDER BY lower(category), category COLLATE "C"`,
    )
  ).rows;
}
