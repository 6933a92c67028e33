import type { Queryable } from '../../db/types.ts';
import { csvLine } from './errors-csv.ts';
import { itemsKind } from './kinds/items.ts';

/**
 * Every live item and its live variants as CSV in the items import's own columns (Item,
 * Model, Variation, Description, Category, Color, Size, Stock, Unit, Threshold), so the file
 * imports back as it is: into another MTC, or into this one as a no-op. An item without
 * variants is one row with Color and Size empty. Cells a spreadsheet would run as a formula
 * are guarded (csvCell), and the import takes the guard off again. UTF-8 with a BOM, CRLF;
 * pages of 2,000 by key, so memory stays flat.
 */
export async function* exportItemsCsv(q: Queryable): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(itemsKind.columns.map((c) => c.label))}`;
  let after = { item: 0, variant: 0 };
  for (;;) {
    const rows = (
      await q.query<{ itemId: number; variantId: number; cells: (string | null)[] }>(
        `SELECT i.item_id AS "itemId", coalesce(v.variant_id, 0) AS "variantId",
                ARRAY[i.name::text, m.model_name::text, va.variation_name::text, i.description, i.category::text, c.color_name::text, s.size_name::text,
                      v.stock::text, v.unit::text, v.reorder_threshold::text] AS cells
           FROM public.item_master i
           LEFT JOIN public.model_master m ON m.model_id = i.model_id
           LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
           LEFT JOIN public.item_variant v ON v.item_id = i.item_id AND v.deleted_at IS NULL
           LEFT JOIN public.color_master c ON c.color_id = v.color_id
           LEFT JOIN public.size_master s ON s.size_id = v.size_id
          WHERE i.deleted_at IS NULL AND (i.item_id, coalesce(v.variant_id, 0)) > ($1::int, $2::int)
          ORDER BY i.item_id, coalesce(v.variant_id, 0) LIMIT 2000`,
        [after.item, after.variant],
      )
    ).rows;
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine(r.cells)).join('');
    const last = rows[rows.length - 1]!;
    after = { item: last.itemId, variant: last.variantId };
  }
}
