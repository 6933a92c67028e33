import type { Database, Queryable } from '../../db/types.ts';
import type { Actor } from '../audit/actor.ts';
import { folded } from '../items/sql.ts';
import { NEEDS_SQL } from '../lots/needs.ts';
import { OPEN_LOT_STATUSES } from '../lots/status.ts';
import { MAX_ORDER_LINES, createPurchaseOrderIn, getPurchaseOrderSummary } from './orders.ts';
import type { PurchaseOrderSummary } from './orders.ts';
import { PurchasingError } from './status.ts';

/**
 * What to buy next. For every live variant and the supplier it would be bought from:
 *   shortfall = reorder threshold + demand due − stock − on order
 * where the demand due is what the open lots (planning, ready, in progress) need of it
 * (NEEDS_SQL of lots/needs.ts: a substitute group with no choice yet needs nothing) among
 * those planned to start within that supplier's lead time: on or before today + lead time
 * (a lot with no planned start, or one whose day has passed, counts as starting today). The
 * lead time is the rate's own, else its supplier's default. What the lots planned after it
 * need is `later`: not bought yet. On order is what is still open on the lines of orders in
 * draft, sent or partially received (drafts count: they are about to be sent).
 *
 * The supplier: the variant's preferred supplier when it has an active rate in effect today;
 * else the supplier whose rate gives the lowest unit price at the quantity it would be bought
 * in (ties: the lower supplier id). A variant whose shortfall from that supplier is more than
 * 0 is suggested at
 *   quantity = ⌈max(shortfall, minimum order quantity) ÷ pack size⌉ × pack size
 * (the minimum first, then whole packs), `extra` = quantity − shortfall bought by rounding,
 * at the price of the rate's break that quantity reaches (public.rate_price_at), and to be
 * ordered by the earliest planned start among the lots it covers less the lead time (null when
 * it covers none: only the threshold is short). A variant short of stock no supplier has a
 * rate for is listed apart (withoutSupplier), with every open lot's needs counted (no lead
 * time is known). Everything is computed in one statement over all variants: no query per
 * variant.
 */
export interface Suggestion {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  stock: string;
  threshold: string;
  /** What the lots planned within the lead time need (without a supplier: every open lot). */
  demand: string;
  /** What the lots planned after the lead time need: not bought by this suggestion. */
  later: string;
  /** The first planned start among those later lots, YYYY-MM-DD; null when none. */
  laterFrom: string | null;
  onOrder: string;
  shortfall: string;
  minimumOrderQuantity: string | null;
  packSize: string | null;
  quantity: string;
  /** quantity − shortfall: what rounding to the minimum order and whole packs adds (null without a supplier). */
  extra: string | null;
  /** The chosen rate's lead time in days, else its supplier's. */
  leadTimeDays: number | null;
  /** The earliest planned start among the lots covered, less the lead time, YYYY-MM-DD (in the past: late); null when no lot is covered. */
  orderBy: string | null;
  supplierId: number | null;
  supplier: string | null;
  /** The unit price at the break the quantity reaches (the rate's own price below its first break). */
  unitPrice: string | null;
  /** The rate's own price, from 1. */
  ratePrice: string | null;
  /** The quantity from which `unitPrice` applies: the break reached; null at the rate's own price. */
  breakFrom: string | null;
  /** The chosen rate's currency (rates are compared as written: MTC keeps no exchange rates). */
  currency: string | null;
  amount: string | null;
  /** 'lowest rate': the lowest unit price at the quantity it would be bought in. */
  why: 'preferred supplier' | 'lowest rate' | null;
}

export interface SupplierSuggestions {
  supplierId: number;
  supplier: string;
  /** The supplier's default lead time in days (each line says its own). */
  leadTimeDays: number;
  /** The earliest `orderBy` of its lines; null when none has one. */
  orderBy: string | null;
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
 * (each null for no filter). `short` keeps the variants short when every open lot counts (no
 * lead time covers more); `rate` is each one's rate in effect per supplier, `covered` splits
 * the lots' needs at that rate's lead time, `sized` rounds and prices, `chosen` picks the
 * supplier.
 */
const SUGGESTIONS_SQL = `
  WITH need AS (${NEEDS_SQL}),
  lot_need AS (
    SELECT n.variant_id, n.needed, greatest(coalesce(l.planned_start, CURRENT_DATE), CURRENT_DATE) AS starts
      FROM need n JOIN public.production_lots l ON l.id = n.lot_id),
  demand AS (SELECT variant_id, sum(needed) AS demand FROM lot_need GROUP BY variant_id),
  on_order AS (
    SELECT l.variant_id, sum(greatest(l.quantity - l.received_quantity, 0)) AS on_order
      FROM public.purchase_order_lines l JOIN public.purchase_orders o ON o.id = l.po_id
     WHERE o.status IN (${ON_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})
     GROUP BY l.variant_id),
  short AS (
    SELECT v.variant_id, i.name AS item, v.color_id, v.size_id, v.unit, v.stock, v.reorder_threshold, v.preferred_supplier_id,
           coalesce(d.demand, 0) AS demand, coalesce(oo.on_order, 0) AS on_order
      FROM public.item_variant v
      JOIN public.item_master i ON i.item_id = v.item_id
      LEFT JOIN demand d ON d.variant_id = v.variant_id
      LEFT JOIN on_order oo ON oo.variant_id = v.variant_id
     WHERE v.deleted_at IS NULL AND i.deleted_at IS NULL
       AND v.reorder_threshold + coalesce(d.demand, 0) - v.stock - coalesce(oo.on_order, 0) > 0
       AND ($4::text IS NULL OR position(${folded('$4::text')} in ${folded('i.name')}) > 0)
       AND ($5::int[] IS NULL OR v.variant_id = ANY($5::int[]))),
  rate AS (
    SELECT DISTINCT ON (p.variant_id, p.supplier_id) p.variant_id, p.supplier_id, p.id AS rate_id, p.cost_per_unit AS base, p.currency,
           p.minimum_order_quantity AS moq, p.pack_size AS pack, coalesce(p.lead_time_days, sup.lead_time_days) AS lead,
           s.reorder_threshold - s.stock - s.on_order AS net, p.supplier_id = s.preferred_supplier_id AS preferred
      FROM short s
      JOIN public.variant_supplier_pricing p ON p.variant_id = s.variant_id
      JOIN public.suppliers sup ON sup.supplier_id = p.supplier_id
     WHERE p.is_active AND p.effective_from <= CURRENT_DATE AND (p.effective_to IS NULL OR p.effective_to >= CURRENT_DATE)
     ORDER BY p.variant_id, p.supplier_id, p.effective_from DESC, p.id DESC),
  covered AS (
    SELECT r.variant_id, r.supplier_id, r.rate_id, r.base, r.currency, r.moq, r.pack, r.lead, r.net, r.preferred,
           coalesce(sum(n.needed) FILTER (WHERE n.starts <= CURRENT_DATE + r.lead), 0) AS due,
           min(n.starts) FILTER (WHERE n.starts <= CURRENT_DATE + r.lead) AS first_start,
           coalesce(sum(n.needed) FILTER (WHERE n.starts > CURRENT_DATE + r.lead), 0) AS later,
           min(n.starts) FILTER (WHERE n.starts > CURRENT_DATE + r.lead) AS later_from
      FROM rate r LEFT JOIN lot_need n ON n.variant_id = r.variant_id
     GROUP BY r.variant_id, r.supplier_id, r.rate_id, r.base, r.currency, r.moq, r.pack, r.lead, r.net, r.preferred),
  sized AS (
    SELECT c.*, c.net + c.due AS shortfall, ceil(greatest(c.net + c.due, c.moq) / c.pack) * c.pack AS quantity FROM covered c),
  chosen AS (
    SELECT DISTINCT ON (z.variant_id) z.*, public.rate_price_at(z.rate_id, z.base, z.quantity) AS price
      FROM sized z
     ORDER BY z.variant_id, z.preferred DESC NULLS LAST, public.rate_price_at(z.rate_id, z.base, z.quantity), z.supplier_id)
  SELECT s.variant_id AS "variantId", s.item, c.color_name AS color, sz.size_name AS size, s.unit,
         trim_scale(s.stock)::text AS stock, trim_scale(s.reorder_threshold)::text AS threshold,
         trim_scale(coalesce(ch.due, s.demand))::text AS demand, trim_scale(coalesce(ch.later, 0))::text AS later,
         to_char(ch.later_from, 'YYYY-MM-DD') AS "laterFrom", trim_scale(s.on_order)::text AS "onOrder",
         trim_scale(coalesce(ch.shortfall, s.reorder_threshold + s.demand - s.stock - s.on_order))::text AS shortfall,
         trim_scale(ch.moq)::text AS "minimumOrderQuantity", trim_scale(ch.pack)::text AS "packSize",
         trim_scale(coalesce(ch.quantity, s.reorder_threshold + s.demand - s.stock - s.on_order))::text AS quantity,
         trim_scale(ch.quantity - ch.shortfall)::text AS extra, ch.lead AS "leadTimeDays", to_char(ch.first_start - ch.lead, 'YYYY-MM-DD') AS "orderBy",
         ch.supplier_id AS "supplierId", sup.firm_name AS supplier, trim_scale(ch.price)::text AS "unitPrice", trim_scale(ch.base)::text AS "ratePrice",
         (SELECT trim_scale(max(b.min_quantity))::text FROM public.variant_supplier_price_breaks b WHERE b.rate_id = ch.rate_id AND b.min_quantity <= ch.quantity) AS "breakFrom",
         ch.currency::text AS currency, trim_scale(ch.quantity * ch.price)::text AS amount,
         CASE WHEN ch.preferred THEN 'preferred supplier' WHEN ch.supplier_id IS NOT NULL THEN 'lowest rate' END AS why,
         sup.lead_time_days AS "supplierLeadTimeDays",
         trim_scale(sum(ch.quantity * ch.price) OVER (PARTITION BY ch.supplier_id))::text AS "supplierTotal"
    FROM short s
    JOIN public.color_master c ON c.color_id = s.color_id
    JOIN public.size_master sz ON sz.size_id = s.size_id
    LEFT JOIN chosen ch ON ch.variant_id = s.variant_id
    LEFT JOIN public.suppliers sup ON sup.supplier_id = ch.supplier_id
   WHERE (ch.variant_id IS NULL OR ch.shortfall > 0)
     AND ($3::int IS NULL OR ch.supplier_id = $3::int) AND ($6::int[] IS NULL OR ch.supplier_id = ANY($6::int[]))
   ORDER BY lower(sup.firm_name) NULLS LAST, ch.supplier_id, lower(s.item), lower(c.color_name), lower(sz.size_name), s.variant_id`;

type SuggestionRow = Suggestion & { supplierTotal: string | null; supplierLeadTimeDays: number | null };

async function suggestionRows(q: Queryable, f: SuggestionFilter): Promise<SuggestionRow[]> {
  const lots = await q.query<{ id: number }>('SELECT id FROM public.production_lots WHERE status = ANY($1::text[])', [[...OPEN_LOT_STATUSES]]);
  const r = await q.query<SuggestionRow>(SUGGESTIONS_SQL, [
    lots.rows.map((l) => l.id),
    '[]',
    f.supplierId ?? null,
    f.q?.trim() || null,
    f.variantIds ?? null,
    f.supplierIds ?? null,
  ]);
  return r.rows;
}

/** The reorder suggestions, grouped per supplier (by name) with each supplier's total and first order-by day, and the variants no supplier has a rate for. */
export async function reorderSuggestions(q: Queryable, f: SuggestionFilter = {}): Promise<Suggestions> {
  const rows = await suggestionRows(q, f);
  const suppliers: SupplierSuggestions[] = [];
  const withoutSupplier: Suggestion[] = [];
  for (const { supplierTotal, supplierLeadTimeDays, ...row } of rows) {
    if (row.supplierId === null) {
      withoutSupplier.push(row);
      continue;
    }
    let group = suppliers.at(-1);
    if (group?.supplierId !== row.supplierId) {
      group = {
        supplierId: row.supplierId,
        supplier: row.supplier!,
        leadTimeDays: supplierLeadTimeDays!,
        orderBy: null,
        lineCount: 0,
        total: supplierTotal!,
        lines: [],
      };
      suppliers.push(group);
    }
    if (row.orderBy !== null && (group.orderBy === null || row.orderBy < group.orderBy)) group.orderBy = row.orderBy;
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
 * orders as it takes), at the suggested quantity (rounded to the minimum order and whole packs)
 * and the price of the break it reaches, in one transaction, each order
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
