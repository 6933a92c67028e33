import type { Queryable } from '../../../db/types.ts';
import { masterIds } from '../../items/masters.ts';
import { movementProblem, postStock } from '../../items/stock.ts';
import { markProblem } from '../../items/variants.ts';
import { RowReader } from './fields.ts';
import { emptyResult, reject } from './kind.ts';
import type { ImportKind, ParsedRow, WriteContext, WriteResult } from './kind.ts';

/** One row of an items-and-variants file, checked. Empty cells are null: they leave what is stored as it is. */
export interface ItemRow {
  name: string;
  model: string | null;
  variation: string | null;
  /** Null (no Description column, or its cell empty): the item is named by name, model and variation alone. */
  description: string | null;
  category: string | null;
  color: string | null;
  size: string | null;
  /** The stock the variant should hold: the ledger gets the difference. */
  stock: string | null;
  unit: string | null;
  threshold: string | null;
  /** The variant's code (SKU) and barcode; null (no column, or the cell empty): left as stored. */
  code: string | null;
  barcode: string | null;
}

const lower = (s: string | null) => (s === null ? '' : s.toLowerCase());
const itemKey = (v: ItemRow) => `${lower(v.name)}\u0000${lower(v.model)}\u0000${lower(v.variation)}`;

/** How messages name an item: its name, with its model and variation or that it has none. */
export function itemName(name: string, model: string | null, variation: string | null): string {
  return `"${name}" (${model === null ? 'no model' : `model "${model}"`}, ${variation === null ? 'no variation' : `variation "${variation}"`})`;
}

/** The live items a row could mean, listed, and what to do: say which by Description, or (a row that gave one) tell them apart. */
export function severalItems(candidates: readonly { id: number; description: string | null }[], described: boolean): string {
  const list = candidates.map((c) => `#${c.id} (${c.description === null || c.description === '' ? 'no description' : `"${c.description}"`})`).join(', ');
  const todo = described
    ? 'An import cannot tell them apart: rename one of them, or delete the one not meant'
    : 'Give the Description of the one meant, or one of its own for another item (add a Description column if the file has none): a row without one names an item by its name, model and variation alone';
  return `${candidates.length} items: ${list}. ${todo}`;
}

/**
 * Items and their variants, in the old system's columns (Item, Model, Variation, Description,
 * Category, Color, Size, Stock, Unit, Threshold) and a variant's Code and Barcode (unique: a
 * code whatever its case; a clash with another row of the file or another variant refuses
 * the row, naming them; an empty cell leaves what is stored). A row names an item by name (whatever its
 * case), model and variation (empty: none), and by description when it gives one: a row with
 * no Description (no such column, or the cell empty) names the item by the other three alone.
 * A row that names more than one live item is rejected, naming them; one that names none
 * makes it. A variant is its item's colour and size. What exists is updated, what does not is
 * made. A row without colour and size is an item alone. Stock is the level the variant should
 * have: an opening balance when it has no ledger yet, else an adjustment by the difference,
 * nothing when equal — so a file imported twice counts its stock once.
 */
export const itemsKind: ImportKind<ItemRow> = {
  name: 'items',
  description: 'items and their variants, with stock levels',
  label: 'Items and variants',
  about: 'One row per variant (an item in a colour and size); Stock is the level to have, so importing a file twice counts it once.',
  listPath: '/items',
  columns: [
    { key: 'item', label: 'Item', aliases: ['item name', 'name', 'item_name', 'product'], required: true },
    { key: 'model', label: 'Model', aliases: ['model name'], required: false },
    { key: 'variation', label: 'Variation', aliases: ['variation name'], required: false },
    { key: 'description', label: 'Description', aliases: ['desc', 'details'], required: false },
    { key: 'category', label: 'Category', aliases: ['item category', 'group'], required: false },
    { key: 'color', label: 'Color', aliases: ['colour', 'color name', 'colour name'], required: true },
    { key: 'size', label: 'Size', aliases: ['size name'], required: true },
    { key: 'stock', label: 'Stock', aliases: ['opening stock', 'quantity', 'qty', 'stock level', 'on hand'], required: false },
    { key: 'unit', label: 'Unit', aliases: ['uom', 'unit of measure'], required: false },
    { key: 'threshold', label: 'Threshold', aliases: ['reorder threshold', 'reorder level', 'min stock', 'minimum stock'], required: false },
    { key: 'code', label: 'Code', aliases: ['sku', 'item code', 'variant code', 'product code'], required: false },
    { key: 'barcode', label: 'Barcode', aliases: ['ean', 'upc', 'gtin', 'bar code'], required: false },
  ],

  parse(cells, context) {
    const r = new RowReader(cells, context);
    const v: ItemRow = {
      name: r.required('item', 255, 'Item') ?? '',
      model: r.text('model', 255),
      variation: r.text('variation', 255),
      description: r.text('description', 10_000, true),
      category: r.text('category', 100),
      color: r.text('color', 100),
      size: r.text('size', 100),
      stock: r.text('stock', 40),
      unit: r.text('unit', 20),
      threshold: r.decimal('threshold', 9, 3),
      code: r.text('code', 200),
      barcode: r.text('barcode', 200),
    };
    for (const [field, label] of [
      ['code', 'Code'],
      ['barcode', 'Barcode'],
    ] as const) {
      const problem = v[field] === null ? null : markProblem(field, v[field]);
      if (problem) {
        r.error(field, `${label} "${v[field]}" ${problem}`);
        v[field] = null;
      }
    }
    if (v.stock !== null) {
      const problem = movementProblem({ type: 'opening', quantity: v.stock });
      if (problem) {
        r.error('stock', `"${v.stock}" is not a stock level: a number ≥ 0 with at most 9 digits before the point and 3 after`);
        v.stock = null;
      }
    }
    const hasVariant = v.color !== null || v.size !== null;
    if (hasVariant) {
      if (v.color === null && !r.errors.some((e) => e.field === 'color')) r.error('color', 'Color is required with a Size: a variant is a colour and a size');
      if (v.size === null && !r.errors.some((e) => e.field === 'size')) r.error('size', 'Size is required with a Color: a variant is a colour and a size');
    } else {
      for (const [field, label] of [
        ['stock', 'Stock'],
        ['unit', 'Unit'],
        ['threshold', 'Threshold'],
        ['code', 'Code'],
        ['barcode', 'Barcode'],
      ] as const) {
        if (v[field] !== null) r.error(field, `${label} belongs to a variant: give its Color and Size`);
      }
    }
    return r.result(v);
  },

  key: (v) => `${itemKey(v)}\u0000${lower(v.color)}\u0000${lower(v.size)}`,
  slot: (v) => [itemKey(v), v.description === null ? '\u0000any' : `=${v.description}`],

  write: writeItems,
};

interface ItemTarget {
  name: string;
  model: string | null;
  variation: string | null;
  modelId: number | null;
  variationId: number | null;
  description: string | null;
  category: string | null;
  rows: number[];
}

async function writeItems(tx: Queryable, rows: ParsedRow<ItemRow>[], ctx: WriteContext): Promise<WriteResult> {
  const result = emptyResult();
  const names = (pick: (v: ItemRow) => string | null) => rows.flatMap((r) => (pick(r.value) === null ? [] : [pick(r.value)!]));
  const {
    model: models,
    variation: variations,
    color: colors,
    size: sizes,
  } = await masterIds(
    tx,
    {
      model: names((v) => v.model),
      variation: names((v) => v.variation),
      color: names((v) => v.color),
      size: names((v) => v.size),
    },
    ctx.masters,
  );
  const id = (m: Map<string, number>, name: string | null) => (name === null ? null : (m.get(name) ?? null));

  // Items: one target per natural key (the rows of one share their description: the kind's slot); the last non-empty category wins, as row by row.
  const targets = new Map<string, ItemTarget>();
  const itemOf = new Map<number, ItemTarget>();
  for (const r of rows) {
    const v = r.value;
    const k = itemKey(v);
    let t = targets.get(k);
    if (!t) {
      t = {
        name: v.name,
        model: v.model,
        variation: v.variation,
        modelId: id(models, v.model),
        variationId: id(variations, v.variation),
        description: v.description,
        category: null,
        rows: [],
      };
      targets.set(k, t);
    }
    if (v.category !== null) t.category = v.category;
    t.rows.push(r.rowNumber);
    itemOf.set(r.rowNumber, t);
  }
  const list = [...targets.values()];
  const { found: itemIds, several } = await upsertItems(tx, list);
  const itemWord = new Map<ItemTarget, string>();
  for (const [t, { word }] of itemIds) itemWord.set(t, word);
  for (const [t, candidates] of several) {
    const message = `${itemName(t.name, t.model, t.variation)}${t.description === null ? '' : ` with description "${t.description}"`} names ${severalItems(candidates, t.description !== null)}`;
    for (const n of t.rows) reject(result, n, t.description === null ? 'description' : 'item', message);
  }

  // Variants: each (item, colour, size) once in a write (the kind's key). A new variant is made
  // with its stock and its opening entry at once; an existing one's stock is brought to the target.
  const targetOf = (r: ParsedRow<ItemRow>): VariantTarget => ({
    rowNumber: r.rowNumber,
    itemId: itemIds.get(itemOf.get(r.rowNumber)!)!.id,
    colorId: id(colors, r.value.color)!,
    sizeId: id(sizes, r.value.size)!,
    unit: r.value.unit,
    threshold: r.value.threshold,
    stock: r.value.stock,
    code: r.value.code,
    barcode: r.value.barcode,
  });
  const marked = rows.filter((r) => r.value.color !== null && r.value.size !== null && itemIds.has(itemOf.get(r.rowNumber)!)).map(targetOf);
  for (const [n, field, message] of await markClashes(tx, marked)) reject(result, n, field, message);
  const variantRows = rows.filter(
    (r) => r.value.color !== null && r.value.size !== null && itemIds.has(itemOf.get(r.rowNumber)!) && !result.rejected.has(r.rowNumber),
  );
  const variants = await upsertVariants(tx, variantRows.map(targetOf), ctx);
  // A variant not in the answer was made (the answer leaves those out unless outcomes are wanted).
  const stockRows = variantRows.filter((r) => r.value.stock !== null && (variants.get(r.rowNumber)?.word ?? 'created') !== 'created');
  const moved = await setStock(
    tx,
    stockRows.map((r) => ({ rowNumber: r.rowNumber, variantId: variants.get(r.rowNumber)!.id, target: r.value.stock! })),
    ctx,
  );
  if (ctx.outcomes === false) return result;
  for (const r of variantRows) {
    const v = variants.get(r.rowNumber)!;
    if (v.word === 'created' && r.value.stock !== null) moved.set(r.rowNumber, v.opening === null ? 'stock unchanged' : `opening stock ${v.opening}`);
  }

  for (const r of rows) {
    if (result.rejected.has(r.rowNumber)) continue;
    const parts = [`item ${itemWord.get(itemOf.get(r.rowNumber)!)}`];
    const v = variants.get(r.rowNumber);
    if (v) parts.push(`variant ${v.word}`);
    const m = moved.get(r.rowNumber);
    if (m) parts.push(m);
    result.outcomes.set(r.rowNumber, parts.join(', '));
  }
  return result;
}

/**
 * Finds each target's live item: same name (any case), model and variation, and the same
 * description when the target gives one. Exactly one found: the category is updated where the
 * file changes it; none: the item is made; more than one: nothing is written, and the
 * candidates come back (`several`) for the rows to be rejected.
 */
async function upsertItems(
  tx: Queryable,
  list: ItemTarget[],
): Promise<{ found: Map<ItemTarget, { id: number; word: string }>; several: Map<ItemTarget, { id: number; description: string | null }[]> }> {
  const found = new Map<ItemTarget, { id: number; word: string }>();
  const several = new Map<ItemTarget, { id: number; description: string | null }[]>();
  // One statement: find (by the index on lower(name), which `= ANY` of the batch's names
  // reaches, where a join alone would read the whole table every batch), update the categories the file changes, make
  // the rest. coalesce(…, 0): ids are positive, and plain equality lets PostgreSQL hash.
  const r = await tx.query<{ ord: string; itemId: number | null; word: string; candidates: { id: number; description: string | null }[] | null }>(
    `WITH k AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[])
                 WITH ORDINALITY AS k(name, model_id, variation_id, description, category, ord)),
          m AS (SELECT k.ord, i.item_id, i.description, k.category, k.category IS NOT NULL AND k.category IS DISTINCT FROM i.category AS changed,
                       count(*) OVER (PARTITION BY k.ord) AS matches
                  FROM k JOIN public.item_master i ON lower(i.name) = lower(k.name) AND coalesce(i.model_id, 0) = coalesce(k.model_id, 0)
                   AND coalesce(i.variation_id, 0) = coalesce(k.variation_id, 0)
                   AND (k.description IS NULL OR coalesce(i.description, '') = k.description)
                 WHERE lower(i.name) = ANY (ARRAY(SELECT DISTINCT lower(name) FROM k)) AND i.deleted_at IS NULL),
          f AS (SELECT * FROM m WHERE matches = 1),
          u AS (UPDATE public.item_master i SET category = f.category FROM f WHERE i.item_id = f.item_id AND f.changed RETURNING i.item_id),
          n AS (SELECT * FROM k WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.ord = k.ord)),
          ins AS (INSERT INTO public.item_master (name, description, category, model_id, variation_id)
                  SELECT name, description, category, model_id, variation_id FROM n ORDER BY ord RETURNING item_id, name, model_id, variation_id)
     SELECT ord::text AS ord, item_id AS "itemId", CASE WHEN changed THEN 'updated' ELSE 'unchanged' END AS word, NULL::jsonb AS candidates FROM f
     UNION ALL
     SELECT n.ord::text, ins.item_id, 'created', NULL FROM ins JOIN n ON n.name = ins.name
        AND coalesce(n.model_id, 0) = coalesce(ins.model_id, 0) AND coalesce(n.variation_id, 0) = coalesce(ins.variation_id, 0)
     UNION ALL
     SELECT ord::text, NULL, 'several', jsonb_agg(jsonb_build_object('id', item_id, 'description', description) ORDER BY item_id) FROM m WHERE matches > 1 GROUP BY ord`,
    [list.map((t) => t.name), list.map((t) => t.modelId), list.map((t) => t.variationId), list.map((t) => t.description), list.map((t) => t.category)],
  );
  for (const m of r.rows) {
    const t = list[Number(m.ord) - 1]!;
    if (m.candidates !== null) several.set(t, m.candidates);
    else found.set(t, { id: m.itemId!, word: m.word });
  }
  return { found, several };
}

interface VariantTarget {
  rowNumber: number;
  itemId: number;
  colorId: number;
  sizeId: number;
  unit: string | null;
  threshold: string | null;
  stock: string | null;
  code: string | null;
  barcode: string | null;
}

/**
 * The rows whose code or barcode cannot be written, with the field and why: one another row of
 * the batch gives too (whatever the case, for a code: every row after the first is refused,
 * naming it), or one a live variant other than the row's own holds (naming that variant). An
 * earlier batch of the same file has written its codes: a clash with one is named by variant.
 */
async function markClashes(tx: Queryable, list: VariantTarget[]): Promise<[row: number, field: 'code' | 'barcode', message: string][]> {
  const out: [number, 'code' | 'barcode', string][] = [];
  const first = new Map<string, number>();
  const clear: VariantTarget[] = [];
  for (const v of list) {
    let clashed = false;
    for (const [field, label, value] of [
      ['code', 'Code', v.code?.toLowerCase()],
      ['barcode', 'Barcode', v.barcode],
    ] as const) {
      if (value == null) continue;
      const seen = first.get(`${field}\u0000${value}`);
      if (seen === undefined) first.set(`${field}\u0000${value}`, v.rowNumber);
      else {
        out.push([v.rowNumber, field, `${label} "${v[field]}" is given on row ${seen} too: a ${field} belongs to one variant`]);
        clashed = true;
      }
    }
    if (!clashed && (v.code !== null || v.barcode !== null)) clear.push(v);
  }
  if (clear.length === 0) return out;
  // A holder is the row's own variant when it has the row's item, colour and size.
  const r = await tx.query<{ ord: string; field: 'code' | 'barcode'; variantId: number; item: string; color: string; size: string }>(
    `WITH k AS (SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[]) WITH ORDINALITY AS k(item_id, color_id, size_id, code, barcode, ord))
     SELECT k.ord::text AS ord, h.field, v.variant_id AS "variantId", i.name AS item, c.color_name AS color, s.size_name AS size
       FROM k CROSS JOIN LATERAL (
              SELECT 'code' AS field, variant_id FROM public.item_variant WHERE k.code IS NOT NULL AND code IS NOT NULL AND lower(code) = lower(k.code) AND deleted_at IS NULL
              UNION ALL
              SELECT 'barcode', variant_id FROM public.item_variant WHERE k.barcode IS NOT NULL AND barcode = k.barcode AND deleted_at IS NULL) AS h
       JOIN public.item_variant v ON v.variant_id = h.variant_id
       JOIN public.item_master i ON i.item_id = v.item_id
       JOIN public.color_master c ON c.color_id = v.color_id
       JOIN public.size_master s ON s.size_id = v.size_id
      WHERE (v.item_id, v.color_id, v.size_id) <> (k.item_id, k.color_id, k.size_id)
      ORDER BY k.ord, h.field`,
    [clear.map((v) => v.itemId), clear.map((v) => v.colorId), clear.map((v) => v.sizeId), clear.map((v) => v.code), clear.map((v) => v.barcode)],
  );
  for (const h of r.rows) {
    const v = clear[Number(h.ord) - 1]!;
    const label = h.field === 'code' ? 'Code' : 'Barcode';
    out.push([v.rowNumber, h.field, `${label} "${v[h.field]}" is taken by variant ${h.variantId} (${h.item}, ${h.color}, ${h.size}): give this one another`]);
  }
  return out;
}

/** The words for the ledger's notes on a movement an import made. */
function importReason(ctx: WriteContext): string {
  return `import${ctx.jobId === null ? '' : ` job ${ctx.jobId}`} of ${ctx.fileName}`.slice(0, 1000);
}

async function upsertVariants(
  tx: Queryable,
  list: VariantTarget[],
  ctx: WriteContext,
): Promise<Map<number, { id: number; word: string; opening: string | null }>> {
  const out = new Map<number, { id: number; word: string; opening: string | null }>();
  if (list.length === 0) return out;
  // One statement: existing live variants are found (by index: `= ANY` of the batch's items,
  // where a join alone would hash the whole table every batch) and updated where the file
  // changes them; the rest are made, each with its stock and its opening ledger entry. Made
  // ones are in the answer only when outcomes are wanted (a preview): a run needs no word on them.
  const r = await tx.query<{ ord: string; variantId: number; word: string; opening: string | null }>(
    `WITH k AS (SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[], $8::text[], $9::text[])
                 WITH ORDINALITY AS k(item_id, color_id, size_id, unit, threshold, stock, row_number, code, barcode, ord)),
          f AS (SELECT k.ord, k.unit, k.threshold, k.code, k.barcode, v.variant_id,
                       (k.unit IS NOT NULL AND k.unit <> v.unit) OR (k.threshold IS NOT NULL AND k.threshold <> v.reorder_threshold)
                       OR (k.code IS NOT NULL AND k.code IS DISTINCT FROM v.code) OR (k.barcode IS NOT NULL AND k.barcode IS DISTINCT FROM v.barcode) AS changed
                  FROM k JOIN public.item_variant v ON v.item_id = k.item_id AND v.color_id = k.color_id AND v.size_id = k.size_id
                 WHERE v.item_id = ANY (ARRAY(SELECT DISTINCT item_id FROM k)) AND v.deleted_at IS NULL),
          u AS (UPDATE public.item_variant v SET unit = coalesce(f.unit, v.unit), reorder_threshold = coalesce(f.threshold, v.reorder_threshold),
                       code = coalesce(f.code, v.code), barcode = coalesce(f.barcode, v.barcode)
                  FROM f WHERE v.variant_id = f.variant_id AND f.changed RETURNING v.variant_id),
          n AS (SELECT * FROM k WHERE NOT EXISTS (SELECT 1 FROM f WHERE f.ord = k.ord)),
          ins AS (INSERT INTO public.item_variant (item_id, color_id, size_id, unit, reorder_threshold, code, barcode)
                  SELECT item_id, color_id, size_id, coalesce(unit, 'pcs'), coalesce(threshold, 0), code, barcode FROM n ORDER BY ord
                  RETURNING variant_id, item_id, color_id, size_id),
          j AS (SELECT n.ord, n.row_number, coalesce(n.stock, 0) AS stock, ins.variant_id FROM ins JOIN n USING (item_id, color_id, size_id))
     SELECT ord::text AS ord, variant_id AS "variantId", CASE WHEN changed THEN 'updated' ELSE 'unchanged' END AS word, NULL AS opening FROM f
     UNION ALL
     SELECT ord::text, variant_id, 'created', CASE WHEN stock <> 0 THEN stock::text END FROM j`,
    [
      list.map((v) => v.itemId),
      list.map((v) => v.colorId),
      list.map((v) => v.sizeId),
      list.map((v) => v.unit),
      list.map((v) => v.threshold),
      list.map((v) => v.stock),
      list.map((v) => v.rowNumber),
      list.map((v) => v.code),
      list.map((v) => v.barcode),
    ],
  );
  // A made variant's stock is its opening entry in the ledger, written as every stock change is.
  const reason = importReason(ctx);
  const made = r.rows.filter((m) => m.word === 'created');
  await postStock(
    tx,
    made
      .filter((m) => m.opening !== null)
      .sort((a, b) => a.variantId - b.variantId)
      .map((m) => ({
        variantId: m.variantId,
        type: 'opening' as const,
        quantity: m.opening!,
        notes: `${reason}, row ${list[Number(m.ord) - 1]!.rowNumber}`,
        createdBy: ctx.userId,
        reference: { type: 'import', id: ctx.jobId },
      })),
  );
  for (const m of r.rows)
    if (m.word !== 'created' || ctx.outcomes !== false) out.set(list[Number(m.ord) - 1]!.rowNumber, { id: m.variantId, word: m.word, opening: m.opening });
  return out;
}

/**
 * Brings each variant's stock to its target through the ledger, as items/stock.ts keeps them:
 * the variants locked in id order (two imports never deadlock), the stock set and one ledger
 * row per change, `opening` for a variant without a ledger, else `adjustment` with the
 * import as its reason. Equal stock writes nothing.
 */
async function setStock(tx: Queryable, list: { rowNumber: number; variantId: number; target: string }[], ctx: WriteContext): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (list.length === 0) return out;
  const reason = importReason(ctx);
  const r = await tx.query<{ row: number; variantId: number; type: 'opening' | 'adjustment'; quantity: string }>(
    `WITH k AS (SELECT * FROM unnest($1::int[], $2::numeric[], $3::int[]) AS k(variant_id, target, row_number)),
          -- = ANY reaches the rows by index (a join alone hashes whole tables, every batch).
          led AS (SELECT DISTINCT variant_id FROM public.inventory_transactions WHERE variant_id = ANY ($1::int[]))
     SELECT k.row_number AS row, v.variant_id AS "variantId", CASE WHEN led.variant_id IS NULL AND v.stock = 0 THEN 'opening' ELSE 'adjustment' END AS type,
            (k.target - v.stock)::text AS quantity
       FROM public.item_variant v JOIN k USING (variant_id) LEFT JOIN led USING (variant_id)
      WHERE v.variant_id = ANY ($1::int[]) AND v.stock <> k.target ORDER BY v.variant_id FOR UPDATE OF v`,
    [list.map((s) => s.variantId), list.map((s) => s.target), list.map((s) => s.rowNumber)],
  );
  await postStock(
    tx,
    r.rows.map((m) => ({
      variantId: m.variantId,
      type: m.type,
      quantity: m.quantity,
      notes: `${reason}, row ${m.row}`,
      createdBy: ctx.userId,
      reference: { type: 'import', id: ctx.jobId },
    })),
  );
  for (const m of r.rows) out.set(m.row, m.type === 'opening' ? `opening stock ${m.quantity}` : `stock adjusted by ${m.quantity}`);
  for (const s of list) if (!out.has(s.rowNumber)) out.set(s.rowNumber, 'stock unchanged');
  return out;
}
