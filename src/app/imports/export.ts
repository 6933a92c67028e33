import type { Queryable } from '../../db/types.ts';
import { csvLine } from './errors-csv.ts';
import { kindName } from './kinds/index.ts';
import type { ImportKindName } from './kinds/index.ts';
import { itemsKind } from './kinds/items.ts';
import type { ColumnSpec } from './kinds/kind.ts';
import { ratesKind } from './kinds/rates.ts';
import { suppliersKind } from './kinds/suppliers.ts';
import { getSettings } from '../settings/settings.ts';

/** How many rows an export reads at a time: memory stays flat however many there are. */
export const PAGE = 2000;

/** What an export reports as it goes: the data rows written so far (the header not counted). */
export interface ExportOptions {
  onRows?: (rows: number) => void;
}

/**
 * Rows as CSV: a BOM (spreadsheets then read UTF-8), the column labels, then one CRLF line per
 * row, a page at a time. `page(after)` reads at most PAGE rows whose key is past `after` in key
 * order; a page shorter than PAGE is the last one. `line` writes a row's cells (csvLine: every
 * cell guarded against formulas).
 */
export async function* pagedCsv<K>(
  columns: readonly (ColumnSpec | string)[],
  first: K,
  options: ExportOptions,
  page: (after: K) => Promise<{ key: K; cells: (string | null)[] }[]>,
  line: (cells: readonly (string | null)[]) => string = csvLine,
): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(columns.map((c) => (typeof c === 'string' ? c : c.label)))}`;
  let after = first;
  let total = 0;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    total += rows.length;
    yield rows.map((r) => line(r.cells)).join('');
    options.onRows?.(total);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.key;
  }
}

/**
 * Every live item and its live variants as CSV in the items import's own columns (Item,
 * Model, Variation, Description, Category, Color, Size, Stock, Unit, Threshold, Code, Barcode), so the file
 * imports back as it is: into another MTC, or into this one as a no-op. An item without
 * variants is one row with Color and Size empty. Cells a spreadsheet would run as a formula
 * are guarded (csvCell), and the import takes the guard off again. UTF-8 with a BOM, CRLF;
 * pages of 2,000 by key, so memory stays flat.
 */
export function exportItemsCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  return pagedCsv(itemsKind.columns, { item: 0, variant: 0 }, options, async (after) =>
    (
      await q.query<{ itemId: number; variantId: number; cells: (string | null)[] }>(
        `SELECT i.item_id AS "itemId", coalesce(v.variant_id, 0) AS "variantId",
                ARRAY[i.name::text, m.model_name::text, va.variation_name::text, i.description, i.category::text, c.color_name::text, s.size_name::text,
                      v.stock::text, v.unit::text, v.reorder_threshold::text, v.code, v.barcode] AS cells
           FROM public.item_master i
           LEFT JOIN public.model_master m ON m.model_id = i.model_id
           LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
           LEFT JOIN public.item_variant v ON v.item_id = i.item_id AND v.deleted_at IS NULL
           LEFT JOIN public.color_master c ON c.color_id = v.color_id
           LEFT JOIN public.size_master s ON s.size_id = v.size_id
          WHERE i.deleted_at IS NULL AND (i.item_id, coalesce(v.variant_id, 0)) > ($1::int, $2::int)
          ORDER BY i.item_id, coalesce(v.variant_id, 0) LIMIT ${PAGE}`,
        [after.item, after.variant],
      )
    ).rows.map((r) => ({ key: { item: r.itemId, variant: r.variantId }, cells: r.cells })),
  );
}

/**
 * Every supplier as CSV in the suppliers import's own columns (Firm Name, Address, GSTIN,
 * Email, Phone), by supplier id, so the file imports into another MTC as the same suppliers and
 * into this one as a no-op (each row "unchanged"). An empty cell is a field with no value,
 * which the import leaves as it is. Guarded cells, BOM, CRLF and pages as exportItemsCsv.
 * A supplier whose firm name differs only in case from an older one's (possible in a database
 * the old system made) is left out: the import matches names whatever their case and would
 * write its fields onto the older supplier.
 */
export function exportSuppliersCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  return pagedCsv(suppliersKind.columns, 0, options, async (after) =>
    (
      await q.query<{ supplierId: number; cells: (string | null)[] }>(
        `SELECT supplier_id AS "supplierId", ARRAY[firm_name::text, address, gstin::text, email::text, phone::text] AS cells
           FROM public.suppliers s
          WHERE supplier_id > $1 AND NOT EXISTS (SELECT 1 FROM public.suppliers o WHERE lower(o.firm_name) = lower(s.firm_name) AND o.supplier_id < s.supplier_id)
          ORDER BY supplier_id LIMIT ${PAGE}`,
        [after],
      )
    ).rows.map((r) => ({ key: r.supplierId, cells: r.cells })),
  );
}

/**
 * Supplier rates as CSV in the rates import's own columns (Supplier, Item, Model, Variation,
 * Description, Color, Size, Cost, Currency, MOQ, Effective From, Effective To, Active, Price Breaks
 * as "100:9.50; 500:9.00", Lead Time (days) empty for the supplier's default, Pack Size), by rate id,
 * the days in the installation's date format (which the import reads back). Cost needs no
 * currency in its header: each row names its own.
 *
 * Which rates: all of them, active or not, past, current and future, each with its own period
 * and Active flag, because the rates import reads those and keys a rate by supplier, variant
 * and Effective From: every row names exactly one rate, so the file imports into this MTC as a
 * no-op and into an empty one (after its items and suppliers) as the same rates. Exporting
 * only the rates in effect would lose the history costing reads; leaving Effective From out
 * would make the import update whichever rate is in effect on the day it runs.
 *
 * Left out, because no row of this format can name them (the import would refuse the row, or
 * write it onto another rate): rates of a deleted variant or item (the import finds live ones
 * only); a rate shadowed by another of the same supplier, variant and Effective From (the
 * import takes the active one, then the newest: only that one is exported); rates of a variant
 * whose item shares its name, model and variation with another live item that has a live
 * variant of that colour and size, when a row cannot tell the two apart: the item has no
 * description (an empty Description names an item by the other three alone), or both have the
 * same one (the import rejects such a row, naming both); and, as in exportSuppliersCsv, rates
 * of a supplier whose firm name differs only in case from an older supplier's.
 */
export async function* exportRatesCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  const { dateFormat } = await getSettings(q);
  yield* pagedCsv(ratesKind.columns, 0, options, async (after) =>
    (
      await q.query<{ rateId: number; cells: (string | null)[] }>(
        `SELECT p.id AS "rateId",
                ARRAY[s.firm_name::text, i.name::text, m.model_name::text, va.variation_name::text, i.description, c.color_name::text, z.size_name::text,
                      p.cost_per_unit::text, p.currency::text, p.minimum_order_quantity::text,
                      to_char(p.effective_from, $2), to_char(p.effective_to, $2), CASE WHEN p.is_active THEN 'yes' ELSE 'no' END,
                      (SELECT string_agg(trim_scale(b.min_quantity)::text || ':' || b.cost_per_unit::text, '; ' ORDER BY b.min_quantity)
                         FROM public.variant_supplier_price_breaks b WHERE b.rate_id = p.id),
                      p.lead_time_days::text, p.pack_size::text] AS cells
           FROM public.variant_supplier_pricing p
           JOIN public.suppliers s ON s.supplier_id = p.supplier_id
           JOIN public.item_variant v ON v.variant_id = p.variant_id AND v.deleted_at IS NULL
           JOIN public.item_master i ON i.item_id = v.item_id AND i.deleted_at IS NULL
           LEFT JOIN public.model_master m ON m.model_id = i.model_id
           LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
           JOIN public.color_master c ON c.color_id = v.color_id
           JOIN public.size_master z ON z.size_id = v.size_id
          WHERE p.id > $1
            AND NOT EXISTS (SELECT 1 FROM public.variant_supplier_pricing o
                             WHERE o.supplier_id = p.supplier_id AND o.variant_id = p.variant_id AND o.effective_from = p.effective_from
                               AND (o.is_active, o.id) > (p.is_active, p.id))
            AND NOT EXISTS (SELECT 1 FROM public.item_master i2 JOIN public.item_variant v2 ON v2.item_id = i2.item_id AND v2.deleted_at IS NULL
                             WHERE i2.deleted_at IS NULL AND lower(i2.name) = lower(i.name) AND i2.item_id <> i.item_id
                               AND i2.model_id IS NOT DISTINCT FROM i.model_id AND i2.variation_id IS NOT DISTINCT FROM i.variation_id
                               AND (coalesce(i.description, '') = '' OR coalesce(i2.description, '') = i.description)
                               AND v2.color_id = v.color_id AND v2.size_id = v.size_id)
            AND NOT EXISTS (SELECT 1 FROM public.suppliers s2 WHERE lower(s2.firm_name) = lower(s.firm_name) AND s2.supplier_id < s.supplier_id)
          ORDER BY p.id LIMIT ${PAGE}`,
        [after, dateFormat],
      )
    ).rows.map((r) => ({ key: r.rateId, cells: r.cells })),
  );
}

const EXPORTS: Record<ImportKindName, (q: Queryable, options?: ExportOptions) => AsyncGenerator<string>> = {
  items: exportItemsCsv,
  suppliers: exportSuppliersCsv,
  rates: exportRatesCsv,
};

/**
 * The rows of a kind of import (by its name or an alias, as `mtc import --kind` takes it) as a
 * CSV file that imports back as it is; IMPORT_UNKNOWN_KIND (usage) names the kinds otherwise.
 * The kind is checked at once, before any row is read.
 */
export function exportCsv(q: Queryable, kind: string, options: ExportOptions = {}): AsyncGenerator<string> {
  return EXPORTS[kindName(kind)](q, options);
}
