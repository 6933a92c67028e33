import type { Database, Queryable } from '../../db/types.ts';
import { auditAs, auditedChange } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { masterId } from './masters.ts';
import { violates } from '../../db/types.ts';
import { ItemError } from './sql.ts';
import { isoUtc } from '../timestamps.ts';

/** A variant of an item: colour and size by name; quantities as decimal strings, never floats. */
export interface Variant {
  variantId: number;
  itemId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  /** Its code (SKU): unique among live variants whatever its case; null: none. */
  code: string | null;
  /** Its barcode as a scanner sends it: unique among live variants; null: none. */
  barcode: string | null;
  stock: string;
  reorderThreshold: string;
  /** The supplier reorder suggestions buy it from when that supplier has a rate in effect; null: the cheapest. */
  preferredSupplierId: number | null;
  /** That supplier's firm name (null: none). */
  preferredSupplier: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** What a client gives for a variant. Stock is not here: it moves only through the ledger (stock.ts). */
export interface VariantInput {
  color: string;
  size: string;
  unit?: string;
  reorderThreshold?: string;
  /** Trimmed; empty or null: none. */
  code?: string | null;
  /** Trimmed; empty or null: none. */
  barcode?: string | null;
}

/** What a change of a variant may say: its fields, and its preferred supplier (null: none). */
export interface VariantChangeInput extends Partial<VariantInput> {
  preferredSupplierId?: number | null;
}

/** The FROM clause and columns of a Variant, for the modules that list variants. */
export const VARIANT_FROM = `FROM public.item_variant v
  JOIN public.item_master i ON i.item_id = v.item_id
  JOIN public.color_master c ON c.color_id = v.color_id
  JOIN public.size_master s ON s.size_id = v.size_id
  LEFT JOIN public.suppliers pref ON pref.supplier_id = v.preferred_supplier_id`;
export const VARIANT_COLUMNS = `v.variant_id AS "variantId", v.item_id AS "itemId", i.name AS item, c.color_name AS color, s.size_name AS size, v.unit, v.code, v.barcode,
  v.stock::text AS stock, v.reorder_threshold::text AS "reorderThreshold", v.preferred_supplier_id AS "preferredSupplierId",
  pref.firm_name AS "preferredSupplier",
  ${isoUtc('v.created_at')} AS "createdAt", ${isoUtc('v.updated_at')} AS "updatedAt", ${isoUtc('v.deleted_at')} AS "deletedAt"`;

/** One variant, deleted or not; null when there is none. */
export async function getVariant(q: Queryable, variantId: number): Promise<Variant | null> {
  return (await q.query<Variant>(`SELECT ${VARIANT_COLUMNS} ${VARIANT_FROM} WHERE v.variant_id = $1`, [variantId])).rows[0] ?? null;
}

/** An item's variants by colour and size (deleted ones too when asked); null when there is no such item. */
export async function listVariants(q: Queryable, itemId: number, includeDeleted = false): Promise<Variant[] | null> {
  const variants = (
    await q.query<Variant>(
      `SELECT ${VARIANT_COLUMNS} ${VARIANT_FROM} WHERE v.item_id = $1 AND ($2::boolean OR v.deleted_at IS NULL) ORDER BY lower(c.color_name), lower(s.size_name), v.variant_id`,
      [itemId, includeDeleted],
    )
  ).rows;
  // No rows: an item without (live) variants, or no item at all; only then is it worth asking which.
  if (variants.length === 0 && (await q.query('SELECT 1 FROM public.item_master WHERE item_id = $1', [itemId])).rowCount === 0) return null;
  return variants;
}

const comboTaken = (itemId: number) =>
  new ItemError('VARIANT_EXISTS', `item ${itemId} has a live variant of this colour and size already`, 'state', { itemId });

async function guarded<T>(itemId: number, marks: Marks, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (violates(err, 'idx_item_variant_unique_combo')) throw comboTaken(itemId);
    // A race with another write of the same code or barcode: the index refused it.
    for (const field of MARK_FIELDS) if (violates(err, MARK_INDEX[field])) throw markTaken(field, marks[field] ?? '', null);
    throw err;
  }
}

/** A variant's code and barcode as given: a string (set), null (clear) or left out (keep). */
type Marks = Pick<VariantInput, 'code' | 'barcode'>;
const MARK_FIELDS = ['code', 'barcode'] as const;
export type MarkField = (typeof MARK_FIELDS)[number];
const MARK_INDEX = { code: 'idx_item_variant_code', barcode: 'idx_item_variant_barcode' } as const;
/** The longest code and barcode (migration 0034 checks the same). */
export const MARK_LIMITS = { code: 40, barcode: 64 } as const;

/**
 * What is wrong with a trimmed, non-empty code or barcode, in words, or null: longer than
 * MARK_LIMITS, or white space or an invisible character inside (a scanner sends none, and a
 * search word never has any). The API and the items import say the same.
 */
export function markProblem(field: MarkField, v: string): string | null {
  const length = [...v].length;
  if (length > MARK_LIMITS[field]) return `is ${length} characters long: write at most ${MARK_LIMITS[field]}`;
  if (/[\s\p{Cc}]/u.test(v)) return 'has a space or an invisible character inside: write it without (letters, digits and signs such as - / .)';
  return null;
}

/** A code or barcode as stored: trimmed, null for none (empty). INVALID_INPUT (400, naming the field) for one markProblem refuses. */
export function cleanMark(field: MarkField, value: string | null | undefined): string | null | undefined {
  if (value == null) return value;
  const v = value.trim();
  if (v === '') return null;
  const problem = markProblem(field, v);
  if (problem)
    throw new ItemError('INVALID_INPUT', `The ${field} "${v}" ${problem}.`, 'usage', {
      field,
      fields: [{ path: `body/${field}`, message: problem }],
    });
  return v;
}

/** The live variant holding this code (whatever its case) or barcode, but for `exceptId`. */
async function markHolder(q: Queryable, field: MarkField, value: string, exceptId: number | null): Promise<Variant | null> {
  const where = field === 'code' ? 'lower(v.code) = lower($1)' : 'v.barcode = $1';
  const r = await q.query<Variant>(
    `SELECT ${VARIANT_COLUMNS} ${VARIANT_FROM} WHERE ${where} AND v.deleted_at IS NULL AND v.variant_id <> coalesce($2::int, 0)`,
    [value, exceptId],
  );
  return r.rows[0] ?? null;
}

const markTaken = (field: MarkField, value: string, holder: Variant | null) =>
  new ItemError(
    field === 'code' ? 'CODE_TAKEN' : 'BARCODE_TAKEN',
    `The ${field} "${value}" is taken${holder ? ` by variant ${holder.variantId} (${holder.item}, ${holder.color}, ${holder.size}${field === 'code' ? `: "${holder.code}"` : ''})` : ' by another variant'}: give this one another ${field}${field === 'code' ? ' (case does not make codes differ)' : ''}.`,
    'state',
    { field, ...(holder ? { variantId: holder.variantId, itemId: holder.itemId } : {}) },
  );

/**
 * The code and barcode cleaned (cleanMark), refused with CODE_TAKEN or BARCODE_TAKEN (409,
 * naming the variant that has it) when a live variant other than `exceptId` holds one.
 */
async function checkedMarks(q: Queryable, input: Marks, exceptId: number | null): Promise<Marks> {
  const out: Marks = {};
  for (const field of MARK_FIELDS) {
    const value = cleanMark(field, input[field]);
    if (value) {
      const holder = await markHolder(q, field, value, exceptId);
      if (holder) throw markTaken(field, value, holder);
    }
    out[field] = value;
  }
  return out;
}

async function liveItem(q: Queryable, itemId: number): Promise<boolean | null> {
  const r = await q.query<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM public.item_master WHERE item_id = $1 FOR SHARE', [itemId]);
  return r.rows[0] ? !r.rows[0].deleted : null;
}

const itemDeleted = (itemId: number) => new ItemError('ITEM_DELETED', `item ${itemId} is deleted: restore it first`, 'state', { itemId });

/**
 * Adds a variant to a live item as the actor, audited (`create` of `item_variant`) in the same
 * transaction, with no stock (record an opening balance for that); its colour and size are made
 * when new. Null when there is no such item; ITEM_DELETED (409) for a deleted one;
 * VARIANT_EXISTS (409) when the item has a live variant of this colour and size; CODE_TAKEN or
 * BARCODE_TAKEN (409) when a live variant has its code (whatever the case) or barcode.
 */
export async function createVariant(db: Database, itemId: number, input: VariantInput, actor: Actor): Promise<Variant | null> {
  return db.transaction((tx) => createVariantIn(tx, itemId, input, actor));
}

/** createVariant inside the caller's transaction (the demo seed's, a test's). */
export async function createVariantIn(q: Queryable, itemId: number, input: VariantInput, actor: Actor): Promise<Variant | null> {
  const live = await liveItem(q, itemId);
  if (live === null) return null;
  if (!live) throw itemDeleted(itemId);
  const colorId = await masterId(q, 'color', input.color);
  const sizeId = await masterId(q, 'size', input.size);
  const marks = await checkedMarks(q, input, null);
  const r = await guarded(itemId, marks, () =>
    q.query<{ id: number }>(
      `INSERT INTO public.item_variant (item_id, color_id, size_id, unit, reorder_threshold, code, barcode)
       VALUES ($1, $2, $3, coalesce($4, 'pcs'), coalesce($5::numeric, 0), $6, $7) RETURNING variant_id AS id`,
      [itemId, colorId, sizeId, input.unit ?? null, input.reorderThreshold ?? null, marks.code ?? null, marks.barcode ?? null],
    ),
  );
  const variant = (await getVariant(q, r.rows[0]!.id))!;
  await auditAs(q, actor, { action: 'create', entity: 'item_variant', entityId: variant.variantId, after: variant });
  return variant;
}

/** A variant's state before and after a change. */
interface VariantChange {
  before: Variant;
  after: Variant;
}

async function lockVariant(q: Queryable, variantId: number): Promise<{ itemId: number; deleted: boolean; hasStock: boolean } | null> {
  const r = await q.query<{ itemId: number; deleted: boolean; hasStock: boolean }>(
    'SELECT item_id AS "itemId", deleted_at IS NOT NULL AS deleted, stock <> 0 AS "hasStock" FROM public.item_variant WHERE variant_id = $1 FOR UPDATE',
    [variantId],
  );
  return r.rows[0] ?? null;
}

/**
 * Changes a live variant's colour, size, unit, reorder threshold or preferred supplier (never
 * its stock) as the actor, audited with before and after. Null when there is none;
 * VARIANT_DELETED, VARIANT_EXISTS, CODE_TAKEN or BARCODE_TAKEN (409); SUPPLIER_NOT_FOUND (400, naming
 * preferredSupplierId) for a supplier there is not.
 */
export async function updateVariant(db: Database, variantId: number, change: VariantChangeInput, actor: Actor): Promise<Variant | null> {
  return auditedChange(db, actor, { action: 'update', entity: 'item_variant', entityId: variantId }, (tx) => changeVariant(tx, variantId, change));
}

async function changeVariant(q: Queryable, variantId: number, change: VariantChangeInput): Promise<VariantChange | null> {
  const locked = await lockVariant(q, variantId);
  if (!locked) return null;
  if (locked.deleted) throw new ItemError('VARIANT_DELETED', `variant ${variantId} is deleted: restore it before changing it`, 'state', { variantId });
  const supplier = change.preferredSupplierId;
  // Held until the end (as the foreign key would): the supplier cannot be deleted under the change.
  if (supplier != null && (await q.query('SELECT 1 FROM public.suppliers WHERE supplier_id = $1 FOR KEY SHARE', [supplier])).rowCount === 0) {
    const message = `names no supplier (${supplier})`;
    throw new ItemError('SUPPLIER_NOT_FOUND', `preferredSupplierId ${message}`, 'usage', {
      field: 'preferredSupplierId',
      fields: [{ path: 'body/preferredSupplierId', message }],
    });
  }
  const before = (await getVariant(q, variantId))!;
  const colorId = change.color === undefined ? null : await masterId(q, 'color', change.color);
  const sizeId = change.size === undefined ? null : await masterId(q, 'size', change.size);
  const marks = await checkedMarks(q, change, variantId);
  await guarded(locked.itemId, marks, () =>
    q.query(
      `UPDATE public.item_variant SET color_id = coalesce($2, color_id), size_id = coalesce($3, size_id), unit = coalesce($4, unit),
              reorder_threshold = coalesce($5::numeric, reorder_threshold),
              preferred_supplier_id = CASE WHEN $6::boolean THEN $7::int ELSE preferred_supplier_id END,
              code = CASE WHEN $8::boolean THEN $9::text ELSE code END,
              barcode = CASE WHEN $10::boolean THEN $11::text ELSE barcode END WHERE variant_id = $1`,
      [
        variantId,
        colorId,
        sizeId,
        change.unit ?? null,
        change.reorderThreshold ?? null,
        supplier !== undefined,
        supplier ?? null,
        marks.code !== undefined,
        marks.code ?? null,
        marks.barcode !== undefined,
        marks.barcode ?? null,
      ],
    ),
  );
  return { before, after: (await getVariant(q, variantId))! };
}

/**
 * Soft-deletes a variant as the actor, audited. Only an empty one: STOCK_NOT_ZERO (409)
 * otherwise, so that stock never disappears from the books unrecorded (adjust it to zero
 * first). Null when there is none; ALREADY_DELETED (409).
 */
export async function deleteVariant(db: Database, variantId: number, actor: Actor): Promise<Variant | null> {
  return auditedChange(db, actor, { action: 'delete', entity: 'item_variant', entityId: variantId }, (tx) => markVariantDeleted(tx, variantId));
}

async function markVariantDeleted(q: Queryable, variantId: number): Promise<VariantChange | null> {
  const locked = await lockVariant(q, variantId);
  if (!locked) return null;
  if (locked.deleted) throw new ItemError('ALREADY_DELETED', `variant ${variantId} is deleted already`, 'state', { variantId });
  if (locked.hasStock)
    throw new ItemError('STOCK_NOT_ZERO', `variant ${variantId} still has stock: adjust it to zero before deleting it`, 'state', { variantId });
  const before = (await getVariant(q, variantId))!;
  await q.query('UPDATE public.item_variant SET deleted_at = now() WHERE variant_id = $1', [variantId]);
  return { before, after: (await getVariant(q, variantId))! };
}

/** Brings a deleted variant back as the actor, audited. Null when there is none; NOT_DELETED, ITEM_DELETED, VARIANT_EXISTS, CODE_TAKEN or BARCODE_TAKEN (409). */
export async function restoreVariant(db: Database, variantId: number, actor: Actor): Promise<Variant | null> {
  return auditedChange(db, actor, { action: 'restore', entity: 'item_variant', entityId: variantId }, (tx) => markVariantRestored(tx, variantId));
}

async function markVariantRestored(q: Queryable, variantId: number): Promise<VariantChange | null> {
  const locked = await lockVariant(q, variantId);
  if (!locked) return null;
  if (!locked.deleted) throw new ItemError('NOT_DELETED', `variant ${variantId} is not deleted`, 'state', { variantId });
  if (!(await liveItem(q, locked.itemId))) throw itemDeleted(locked.itemId);
  const before = (await getVariant(q, variantId))!;
  // Its code and barcode were freed when it was deleted: another variant may hold them now.
  await checkedMarks(q, { code: before.code, barcode: before.barcode }, variantId);
  await guarded(locked.itemId, before, () => q.query('UPDATE public.item_variant SET deleted_at = NULL WHERE variant_id = $1', [variantId]));
  return { before, after: (await getVariant(q, variantId))! };
}
