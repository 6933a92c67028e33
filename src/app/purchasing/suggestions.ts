import type { Database, Queryable } from '../../db/types.ts';
import type { Actor } from '../audit/actor.ts';
import { folded } from '../items/sql.ts';
import { NEEDS_SQL } from '../lots/needs.ts';
import { OPEN_LOT_STATUSES } from '../lots/status.ts';
import { MAX_ORDER_LINES, createPurchaseOrderIn, getPurchaseOrderSummary } from './orders.ts';
import type { PurchaseOrderSummary } from './orders.ts';
import { PurchasingError } from './status.ts';

/**
 * What to buy next. For every live variant:
 *   shortfall = reorder threshold + demand − stock − on order
 * where demand is what the lots in planning, ready and in progress need of it (a lot in
 * progress has passed its stock check but consumes only when it completes; as each lot's stock check
 * counts it: NEEDS_SQL of lots/needs.ts, so a substitute group with no choice yet needs
 * nothing) and on order is what is still open on the lines of orders in draft, sent or
 * partially received (drafts count: they are about to be sent; cancelled, received and
 * closed orders bring nothing more). A variant whose shortfall is more than 0 is suggested,
 * from its preferred supplier when that supplier has an active rate in effect today, else
 * from the supplier with the lowest active rate in effect today (ties: the lower supplier
 * id), at max(shortfall, that rate's minimum order quantity). A variant no supplier has a
 * rate for is listed apart (withoutSupplier). Everything is computed in one statement over
 * all variants: no query per variant.
 */
export interface Suggestion {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  stock: string;
  threshold: string;
  demand: string;
  onOrder: string;
  shortfall: string;
  minimumOrderQuantity: string | null;
  quantity: string;
  supplierId: number | null;
  supplier: string | null;
  unitPrice: string | null;
  /** The chosen rate's currency (rates are compared as written: MTC keeps no exchange rates). */
  currency: string | null;
  amount: string | null;
  why: 'preferred supplier' | 'lowest rate' | null;
}

export interface SupplierSuggestions {
  supplierId: number;
  supplier: string;
  lineCount: number;
  /** Σ amount, exact. */
  total: string;
  lines: Suggestion[];
}

export interface Suggestions {
  /** By supplier name. */
  suppliers: SupplierSuggestions[];
  /** Variants short of stock that no supplier has an active rate for today. */
  withoutSupplier: Suggestion[];
}

export interface SuggestionFilter {
  /** Only the suggestions to buy from this supplier. */
  supplierId?: number;
  /** A part of the item's name (any case, any accents). */
  q?: string;
  /** Only these variants. */
  variantIds?: number[];
  /** Only these suppliers. */
  supplierIds?: number[];
}

/** Statuses of orders whose open quantities count as on order. */
export const ON_ORDER_STATUSES = ['draft', 'sent', 'partially_received'] as const;

/**
 * The suggestions as SQL: $1 the lots in planning, ready and in progress, $2 '[]' (NEEDS_SQL's assumed
 * choices: none), $3 a supplier, $4 a part of the item's name, $5 variant ids, $6 supplier ids
 * (each null for no filter).
 */
const SUGGESTIONS_SQL = `
  WITH need AS (${NEEDS_SQL}),
  demand AS (SELECT variant_id, sum(needed) AS demand FROM need GROUP BY variant_id),
  on_order AS (
    SELECT l.variant_id, sum(greatest(l.quantity - l.received_quantity, 0)) AS on_order
      FROM public.purchase_order_lines l JOIN public.purchase_orders o ON o.id = l.po_id
     WHERE o.status IN (${ON_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})
     GROUP BY l.variant_id),
  short AS (
    SELECT v.variant_id, i.name AS item, v.color_id, v.size_id, v.unit, v.stock, v.reorder_threshold, v.preferred_supplier_id,
           coalesce(d.demand, 0) AS demand, coalesce(oo.on_order, 0) AS on_order,
           v.reorder_threshold + coalesce(d.demand, 0) - v.stock - coalesce(oo.on_order, 0) AS shortfall
      FROM public.item_variant v
      JOIN public.item_master i ON i.item_id = v.item_id
      LEFT JOIN demand d ON d.variant_id = v.variant_id
      LEFT JOIN on_order oo ON oo.variant_id = v.variant_id
     WHERE v.deleted_at IS NULL AND i.deleted_at IS NULL
       AND v.reorder_threshold + coalesce(d.demand, 0) - v.stock - coalesce(oo.on_order, 0) > 0
       AND ($4::text IS NULL OR position(${folded('$4::text')} in ${folded('i.name')}) > 0)
       AND ($5::int[] IS NULL OR v.variant_id = ANY($5::int[])))
  SELECT s.variant_id AS "variantId", s.item, c.color_name AS color, sz.size_name AS size, s.unit,
         trim_scale(s.stock)::text AS stock, trim_scale(s.reorder_threshold)::text AS threshold, trim_scale(s.demand)::text AS demand,
         trim_scale(s.on_order)::text AS "onOrder", trim_scale(s.shortfall)::text AS shortfall,
         trim_scale(ch.moq)::text AS "minimumOrderQuantity", trim_scale(greatest(s.shortfall, coalesce(ch.moq, 0)))::text AS quantity,
         ch.supplier_id AS "supplierId", sup.firm_name AS supplier, trim_scale(ch.price)::text AS "unitPrice", ch.currency::text AS currency,
         trim_scale(greatest(s.shortfall, ch.moq) * ch.price)::text AS amount,
         CASE WHEN ch.preferred THEN 'preferred supplier' WHEN ch.supplier_id IS NOT NULL THEN 'lowest rate' END AS why,
         trim_scale(sum(greatest(s.shortfall, ch.moq) * ch.price) OVER (PARTITION BY ch.supplier_id))::text AS "supplierTotal"
    FROM short s
    JOIN public.color_master c ON c.color_id = s.color_id
    JOIN public.size_master sz ON sz.size_id = s.size_id
    LEFT JOIN LATERAL (
      SELECT r.*, r.supplier_id = s.preferred_supplier_id AS preferred
        FROM (SELECT DISTINCT ON (p.supplier_id) p.supplier_id, p.cost_per_unit AS price, p.currency, p.minimum_order_quantity AS moq
                FROM public.variant_supplier_pricing p
               WHERE p.variant_id = s.variant_id AND p.is_active
                 AND p.effective_from <= CURRENT_DATE AND (p.effective_to IS NULL OR p.effective_to >= CURRENT_DATE)
               ORDER BY p.supplier_id, p.effective_from DESC, p.id DESC) r
       ORDER BY r.supplier_id = s.preferred_supplier_id DESC NULLS LAST, r.price, r.supplier_id
       LIMIT 1) ch ON true
    LEFT JOIN public.suppliers sup ON sup.supplier_id = ch.supplier_id
   WHERE ($3::int IS NULL OR ch.supplier_id = $3::int) AND ($6::int[] IS NULL OR ch.supplier_id = ANY($6::int[]))
   ORDER BY lower(sup.firm_name) NULLS LAST, ch.supplier_id, lower(s.item), lower(c.color_name), lower(sz.size_name), s.variant_id`;

async function suggestionRows(q: Queryable, f: SuggestionFilter): Promise<(Suggestion & { supplierTotal: string | null })[]> {
  const lots = await q.query<{ id: number }>('SELECT id FROM public.production_lots WHERE status = ANY($1::text[])', [[...OPEN_LOT_STATUSES]]);
  const r = await q.query<Suggestion & { supplierTotal: string | null }>(SUGGESTIONS_SQL, [
    lots.rows.map((l) => l.id),
    '[]',
    f.supplierId ?? null,
    f.q?.trim() || null,
    f.variantIds ?? null,
    f.supplierIds ?? null,
  ]);
  return r.rows;
}

/** The reorder suggestions, grouped per supplier (by name), and the variants no supplier has a rate for. */
export async function reorderSuggestions(q: Queryable, f: SuggestionFilter = {}): Promise<Suggestions> {
  const rows = await suggestionRows(q, f);
  const suppliers: SupplierSuggestions[] = [];
  const withoutSupplier: Suggestion[] = [];
  for (const { supplierTotal, ...row } of rows) {
    if (row.supplierId === null) {
      withoutSupplier.push(row);
      continue;
    }
    let group = suppliers.at(-1);
    if (group?.supplierId !== row.supplierId) {
      group = { supplierId: row.supplierId, supplier: row.supplier!, lineCount: 0, total: supplierTotal!, lines: [] };
      suppliers.push(group);
    }
    group.lines.push(row);
    group.lineCount++;
  }
  return { suppliers, withoutSupplier };
}

/** Serialises makers of orders from suggestions: two at once would both order what is short. */
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('mtc.purchasing.suggestions'))`;

/**
 * Turns the suggestions (of these suppliers and variants, or all of them) into draft orders,
 * one per supplier (and currency; a supplier with more than MAX_ORDER_LINES lines gets as many
 * orders as it takes), at the suggested quantity and rate, in one transaction, each order
 * audited as its creation. NOTHING_TO_ORDER (409) when no suggestion with a supplier matches.
 * Makers are serialised, so two at once never order the same shortfall twice.
 */
export async function createOrdersFromSuggestions(
  db: Database,
  f: { supplierIds?: number[]; variantIds?: number[] },
  actor: Actor,
): Promise<PurchaseOrderSummary[]> {
  return db.transaction(async (tx) => {
    await tx.query(LOCK);
    const rows = (await suggestionRows(tx, { supplierIds: f.supplierIds, variantIds: f.variantIds })).filter((r) => r.supplierId !== null);
    if (rows.length === 0)
      throw new PurchasingError(
        'NOTHING_TO_ORDER',
        'nothing to order: no variant of these suppliers and variants is short of stock with a supplier rate in effect',
        'state',
        { supplierIds: f.supplierIds ?? null, variantIds: f.variantIds ?? null },
      );
    const orders = new Map<string, { supplierId: number; currency: string; lines: Suggestion[] }>();
    for (const r of rows) {
      const key = `${r.supplierId} ${r.currency}`;
      const o = orders.get(key) ?? { supplierId: r.supplierId!, currency: r.currency!, lines: [] };
      o.lines.push(r);
      orders.set(key, o);
    }
    const made: PurchaseOrderSummary[] = [];
    for (const o of orders.values())
      for (let at = 0; at < o.lines.length; at += MAX_ORDER_LINES) {
        const po = await createPurchaseOrderIn(
          tx,
          {
            supplierId: o.supplierId,
            currency: o.currency,
            notes: 'from the reorder suggestions',
            lines: o.lines.slice(at, at + MAX_ORDER_LINES).map((l) => ({ variantId: l.variantId, quantity: l.quantity, unitPrice: l.unitPrice })),
          },
          actor,
        );
        made.push((await getPurchaseOrderSummary(tx, po.purchaseOrderId))!);
      }
    return made;
  });
}
