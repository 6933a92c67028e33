import type { Database, Queryable } from '../../db/types.ts';
import { pageTotal } from '../paging.ts';
import { auditAs, auditedChange } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { optionalMasterId } from './masters.ts';
import { violates } from '../../db/types.ts';
import { ItemError, folded } from './sql.ts';
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

/**
 * One page of items and how many match in all. Search, category and model ignore case and
 * accents ("fram" finds "Frame", "eclair" finds "Éclair"); category and model match whole.
 *
 * Every word must appear in the item's name or category (its stored folded search_text), or
 * in its model's or variation's name. The words are folded once, and for each the few models
 * and variations it matches are found once (a materialised CTE), so the scan of the items
 * compares each with stored text and two small id lists; the page is chosen, with the total
 * beside each row (count(*) OVER ()), before the masters are joined for its 50 rows only.
 */
export async function listItems(q: Queryable, f: ItemFilter): Promise<{ total: number; items: Item[] }> {
  const words = `words AS MATERIALIZED (
      SELECT w.word,
             coalesce((SELECT array_agg(model_id) FROM public.model_master WHERE strpos(name_folded, w.word) > 0), '{}') AS models,
             coalesce((SELECT array_agg(variation_id) FROM public.variation_master WHERE strpos(name_folded, w.word) > 0), '{}') AS variations
        FROM (SELECT ${folded('x')} AS word FROM unnest($4::text[]) AS x WHERE x <> '') AS w)`;
  const where = `($1::boolean OR i.deleted_at IS NULL)
    AND ($2::text IS NULL OR ${folded('i.category')} = ${folded('$2::text')})
    AND ($3::text IS NULL OR i.model_id IN (SELECT model_id FROM public.model_master WHERE name_folded = ${folded('$3::text')}))
    AND ($4::text[] IS NULL OR NOT EXISTS (
          SELECT 1 FROM words w
           WHERE strpos(i.search_text, w.word) = 0
             AND NOT coalesce(i.model_id = ANY (w.models), false) AND NOT coalesce(i.variation_id = ANY (w.variations), false)))`;
  const split = f.q === undefined ? [] : f.q.split(/\s+/).filter((w) => w !== '');
  const params = [f.includeDeleted ?? false, f.category ?? null, f.model ?? null, split.length === 0 ? null : split];
  const dir = DIRECTION[f.direction ?? 'asc'];
  const rows = (
    await q.query<Item & { total: string }>(
      `WITH ${words},
       page AS (
         SELECT i.item_id, ${ORDER[f.sort ?? 'name']} AS sort_key, count(*) OVER () AS total FROM public.item_master i
          WHERE ${where} ORDER BY 2 ${dir}, i.item_id ${dir} LIMIT $5 OFFSET $6)
       SELECT ${ITEM_COLUMNS}, page.total::text AS total
         FROM page JOIN public.item_master i ON i.item_id = page.item_id
         LEFT JOIN public.model_master m ON m.model_id = i.model_id
         LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
        ORDER BY page.sort_key ${dir}, page.item_id ${dir}`,
      [...params, f.limit, f.offset],
    )
  ).rows;
  const total = await pageTotal(q, rows, f.offset, `WITH ${words} SELECT count(*)::text AS n FROM public.item_master i WHERE ${where}`, params);
  return { total, items: rows.map(({ total: _total, ...item }) => item) };
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
