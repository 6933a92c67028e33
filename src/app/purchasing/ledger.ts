import type { Queryable } from '../../db/types.ts';
import { RATE_IN_EFFECT } from './orders.ts';
import { listGoodsReceipts } from './receipts.ts';
import type { GoodsReceiptSummary } from './receipts.ts';
import { PO_STATUSES, PurchasingError } from './status.ts';
import type { PoStatus } from './status.ts';

/**
 * A supplier's ledger: what was ordered from it, what it delivered and at what price, what is
 * still open, and how often it came on time. Amounts and quantities are exact decimal strings.
 *
 * - Open orders are those sent or partially received; what is open on them is each line's
 *   quantity less what was received (never below 0), at the line's price less its discount,
 *   plus its tax.
 * - Received amounts and quantities sum every receipt, reversals included: a reversing
 *   receipt's negative lines net out the receipt it reverses.
 * - A receipt that stands is one that neither reverses nor was reversed: it is the one that
 *   counts for the last price paid, the last day received and being on time.
 * - On time: of the orders with an expected day that are received or closed ("due"), those
 *   whose last standing receipt came on or before that day. An order received after its
 *   expected day is late; one closed with nothing standing received is late too.
 */
export interface SupplierLedger {
  supplierId: number;
  supplier: string;
  orders: {
    count: number;
    open: number;
    byStatus: Record<PoStatus, number>;
    orderedAmount: string;
    openAmount: string;
  };
  receipts: { count: number; receivedAmount: string; lastReceivedOn: string | null };
  onTime: { due: number; onTime: number; share: string | null };
  variants: SupplierVariant[];
  recentReceipts: GoodsReceiptSummary[];
}

export interface SupplierVariant {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  /** On the supplier's orders that are not cancelled. */
  orderedQuantity: string;
  /** Over all its receipts, net of reversals. */
  receivedQuantity: string;
  /** Still open on its open orders. */
  openQuantity: string;
  lastPricePaid: string | null;
  lastReceivedOn: string | null;
  /** The supplier's active rate for it today. */
  rateInEffect: string | null;
  /** lastPricePaid − rateInEffect: more than 0 when it was paid more than the rate says. */
  difference: string | null;
}

export interface PurchaseHistoryEntry {
  receiptId: number;
  receiptNumber: string;
  receivedOn: string;
  poNumber: string | null;
  billNumber: string | null;
  /** Negative in a reversing receipt. */
  quantity: string;
  unitCost: string;
}

/** Statuses of an open order: something is still to come. */
export const OPEN_ORDER_STATUSES: readonly PoStatus[] = ['sent', 'partially_received'];
/** Statuses of an order that is due: whether it came on time is known. */
export const DUE_ORDER_STATUSES: readonly PoStatus[] = ['received', 'closed'];

const list = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(', ');
const LINE_GROSS = '(l.quantity * l.unit_price * (1 - l.discount_rate / 100) * (1 + l.tax_rate / 100))';
const OPEN_GROSS = '(greatest(l.quantity - l.received_quantity, 0) * l.unit_price * (1 - l.discount_rate / 100) * (1 + l.tax_rate / 100))';
/** Receipts that stand: neither a reversal nor reversed. */
const STANDING = `r.reverses_receipt_id IS NULL AND NOT EXISTS (SELECT 1 FROM public.goods_receipts x WHERE x.reverses_receipt_id = r.id)`;

async function supplierName(q: Queryable, supplierId: number): Promise<string> {
  const s = (await q.query<{ name: string }>('SELECT firm_name AS name FROM public.suppliers WHERE supplier_id = $1', [supplierId])).rows[0];
  if (!s) throw new PurchasingError('NOT_FOUND', `no supplier ${supplierId}`, 'state', { supplierId });
  return s.name;
}

/** A supplier's ledger; NOT_FOUND (404) for a supplier there is not. */
export async function supplierLedger(q: Queryable, supplierId: number): Promise<SupplierLedger> {
  const supplier = await supplierName(q, supplierId);
  const orders = (
    await q.query<{ status: PoStatus; n: number }>('SELECT status, count(*)::int AS n FROM public.purchase_orders WHERE supplier_id = $1 GROUP BY status', [
      supplierId,
    ])
  ).rows;
  const byStatus = Object.fromEntries(PO_STATUSES.map((s) => [s, orders.find((o) => o.status === s)?.n ?? 0])) as Record<PoStatus, number>;
  const amounts = (
    await q.query<{ ordered: string; open: string }>(
      `SELECT trim_scale(coalesce(sum(${LINE_GROSS}) FILTER (WHERE o.status <> 'cancelled'), 0))::text AS ordered,
              trim_scale(coalesce(sum(${OPEN_GROSS}) FILTER (WHERE o.status IN (${list(OPEN_ORDER_STATUSES)})), 0))::text AS open
         FROM public.purchase_orders o JOIN public.purchase_order_lines l ON l.po_id = o.id WHERE o.supplier_id = $1`,
      [supplierId],
    )
  ).rows[0]!;
  const receipts = (
    await q.query<{ count: number; received: string; last: string | null }>(
      `SELECT (count(*) FILTER (WHERE ${STANDING}))::int AS count, trim_scale(coalesce(sum(r.total_amount), 0))::text AS received,
              to_char(max(r.received_on) FILTER (WHERE ${STANDING}), 'YYYY-MM-DD') AS last
         FROM public.goods_receipts r WHERE r.supplier_id = $1`,
      [supplierId],
    )
  ).rows[0]!;
  const onTime = (
    await q.query<{ due: number; onTime: number; share: string | null }>(
      `WITH due AS (
         SELECT o.expected_on, (SELECT max(r.received_on) FROM public.goods_receipts r WHERE r.po_id = o.id AND ${STANDING}) AS last
           FROM public.purchase_orders o
          WHERE o.supplier_id = $1 AND o.expected_on IS NOT NULL AND o.status IN (${list(DUE_ORDER_STATUSES)}))
       SELECT count(*)::int AS due, (count(*) FILTER (WHERE last <= expected_on))::int AS "onTime",
              CASE WHEN count(*) > 0 THEN round((count(*) FILTER (WHERE last <= expected_on))::numeric / count(*), 3)::text END AS share
         FROM due`,
      [supplierId],
    )
  ).rows[0]!;
  const variants = (
    await q.query<SupplierVariant>(
      `WITH ordered AS (
         SELECT l.variant_id, sum(l.quantity) FILTER (WHERE o.status <> 'cancelled') AS ordered,
                sum(greatest(l.quantity - l.received_quantity, 0)) FILTER (WHERE o.status IN (${list(OPEN_ORDER_STATUSES)})) AS open
           FROM public.purchase_orders o JOIN public.purchase_order_lines l ON l.po_id = o.id WHERE o.supplier_id = $1 GROUP BY l.variant_id),
       received AS (
         SELECT gl.variant_id, sum(gl.quantity) AS received
           FROM public.goods_receipts r JOIN public.goods_receipt_lines gl ON gl.receipt_id = r.id WHERE r.supplier_id = $1 GROUP BY gl.variant_id),
       last_paid AS (
         SELECT DISTINCT ON (gl.variant_id) gl.variant_id, gl.unit_cost, r.received_on
           FROM public.goods_receipts r JOIN public.goods_receipt_lines gl ON gl.receipt_id = r.id
          WHERE r.supplier_id = $1 AND ${STANDING}
          ORDER BY gl.variant_id, r.received_on DESC, r.id DESC, gl.id DESC),
       touched AS (SELECT variant_id FROM ordered UNION SELECT variant_id FROM received)
       SELECT v.variant_id AS "variantId", i.name AS item, c.color_name AS color, sz.size_name AS size, v.unit,
              trim_scale(coalesce(od.ordered, 0))::text AS "orderedQuantity", trim_scale(coalesce(rc.received, 0))::text AS "receivedQuantity",
              trim_scale(coalesce(od.open, 0))::text AS "openQuantity",
              trim_scale(lp.unit_cost)::text AS "lastPricePaid", to_char(lp.received_on, 'YYYY-MM-DD') AS "lastReceivedOn",
              trim_scale(rate.price)::text AS "rateInEffect", trim_scale(lp.unit_cost - rate.price)::text AS difference
         FROM touched t
         JOIN public.item_variant v ON v.variant_id = t.variant_id
         JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id
         JOIN public.size_master sz ON sz.size_id = v.size_id
         LEFT JOIN ordered od ON od.variant_id = t.variant_id
         LEFT JOIN received rc ON rc.variant_id = t.variant_id
         LEFT JOIN last_paid lp ON lp.variant_id = t.variant_id
         LEFT JOIN LATERAL (${RATE_IN_EFFECT('$1::int', 't.variant_id', 'CURRENT_DATE')}) rate ON true
        ORDER BY lower(i.name), lower(c.color_name), lower(sz.size_name), v.variant_id`,
      [supplierId],
    )
  ).rows;
  const recent = await listGoodsReceipts(q, { supplierId, limit: 10, offset: 0 });
  return {
    supplierId,
    supplier,
    orders: {
      count: orders.reduce((n, o) => n + o.n, 0),
      open: OPEN_ORDER_STATUSES.reduce((n, s) => n + byStatus[s], 0),
      byStatus,
      orderedAmount: amounts.ordered,
      openAmount: amounts.open,
    },
    receipts: { count: receipts.count, receivedAmount: receipts.received, lastReceivedOn: receipts.last },
    onTime,
    variants,
    recentReceipts: recent.receipts,
  };
}

/**
 * What a supplier delivered of one variant, newest first, reversals included (negative), a
 * page at a time, with the supplier's rate in effect today; NOT_FOUND (404) for a supplier or
 * a variant there is not.
 */
export async function supplierVariantHistory(
  q: Queryable,
  supplierId: number,
  variantId: number,
  page: { limit: number; offset: number },
): Promise<{ total: number; rateInEffect: string | null; history: PurchaseHistoryEntry[] }> {
  await supplierName(q, supplierId);
  const v = (
    await q.query<{ rate: string | null }>(
      `SELECT trim_scale(rate.price)::text AS rate FROM public.item_variant v
         LEFT JOIN LATERAL (${RATE_IN_EFFECT('$2::int', 'v.variant_id', 'CURRENT_DATE')}) rate ON true WHERE v.variant_id = $1`,
      [variantId, supplierId],
    )
  ).rows[0];
  if (!v) throw new PurchasingError('NOT_FOUND', `no variant ${variantId}`, 'state', { variantId });
  const from = `public.goods_receipts r JOIN public.goods_receipt_lines gl ON gl.receipt_id = r.id WHERE r.supplier_id = $1 AND gl.variant_id = $2`;
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, [supplierId, variantId])).rows[0]!.n;
  const history = (
    await q.query<PurchaseHistoryEntry>(
      `SELECT r.id AS "receiptId", r.receipt_number AS "receiptNumber", to_char(r.received_on, 'YYYY-MM-DD') AS "receivedOn",
              (SELECT o.po_number FROM public.purchase_orders o WHERE o.id = r.po_id) AS "poNumber", r.bill_number AS "billNumber",
              trim_scale(gl.quantity)::text AS quantity, trim_scale(gl.unit_cost)::text AS "unitCost"
         FROM ${from} ORDER BY r.received_on DESC, r.id DESC, gl.id DESC LIMIT $3 OFFSET $4`,
      [supplierId, variantId, page.limit, page.offset],
    )
  ).rows;
  return { total, rateInEffect: v.rate, history };
}
