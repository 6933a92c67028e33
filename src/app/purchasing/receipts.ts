import { DatabaseError } from '../../db/types.ts';
import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { placeOfDay } from '../items/back-dating.ts';
import { postStock } from '../items/stock.ts';
import { MAX_RECEIPT_CHARGES, chargesOf, negatedCharge, planCharge, writeCharges } from './charges.ts';
import type { ChargeInput, LineShare, PlannedCharge, ReceiptCharge } from './charges.ts';
import { isoUtc } from '../timestamps.ts';
import { movePurchaseOrder } from './orders.ts';
import type { PurchaseOrderLine } from './orders.ts';
import { PO_MACHINE, PurchasingError, RECEIVABLE, fieldRefusal } from './status.ts';
import type { PoStatus } from './status.ts';

/**
 * Goods receipts: what came in from a supplier, against a purchase order or on its own, as the
 * bill says it (bill number, tax, discount, grand total, as the old stock_receipts kept them).
 * Each line posts a `receipt` to the stock ledger at its unit cost, in the receipt's own
 * transaction, and moves the variant's average cost. A receipt is never edited: a mistake is
 * put right by a receipt that reverses it (reverseGoodsReceipt).
 */
export interface ReceiptLineInput {
  /** A line of the order received against; its variant and (by default) its price net of discount. */
  poLineId?: number;
  /** For a receipt on its own (or a line the order does not have). */
  variantId?: number;
  quantity: string;
  /** What one unit cost; by default the order line's unit price less its discount (tax, which is recovered, is not part of the cost). */
  unitCost?: string | null;
  /** Why more than the order's open quantity was received: required when it is. */
  overReceiptReason?: string | null;
}

export interface ReceiptInput {
  supplierId?: number;
  purchaseOrderId?: number | null;
  billNumber?: string | null;
  receivedOn?: string;
  taxPercentage?: string;
  discountPercentage?: string;
  discountAmount?: string;
  /** What the bill says is payable; when it differs from the lines' figure by more than 0.01, the receipt says so in `warnings`. */
  grandTotal?: string | null;
  notes?: string | null;
  lines: ReceiptLineInput[];
  /** Freight, duty and other charges, spread onto the lines: each line's landed unit cost, which the ledger is posted at, includes its shares. */
  charges?: ChargeInput[];
}

export interface GoodsReceiptLine {
  receiptLineId: number;
  poLineId: number | null;
  variantId: number;
  item: string;
  color: string;
  size: string;
  quantity: string;
  unitCost: string;
  amount: string;
  overReceiptReason: string | null;
  /** The line's share of each of the receipt's charges (those added later too). */
  shares: LineShare[];
  /** Unit cost + the line's shares ÷ its quantity, exact: what one unit came in at. */
  landedUnitCost: string;
}

export interface GoodsReceipt {
  receiptId: number;
  receiptNumber: string;
  supplierId: number;
  supplier: string;
  purchaseOrderId: number | null;
  poNumber: string | null;
  billNumber: string | null;
  receivedOn: string;
  taxPercentage: string;
  discountPercentage: string;
  discountAmount: string;
  totalAmount: string;
  grandTotal: string;
  reversesReceiptId: number | null;
  reversedByReceiptId: number | null;
  reason: string | null;
  notes: string | null;
  createdBy: number | null;
  createdAt: string;
  lines: GoodsReceiptLine[];
  charges: ReceiptCharge[];
  warnings: { code: 'GRAND_TOTAL_DIFFERS'; message: string }[];
}

/** The most lines one receipt holds. */
export const MAX_RECEIPT_LINES = 1000;

const QUANTITY = /^\d{1,9}(\.\d{1,3})?$/;
const PRICE = /^\d{1,10}(\.\d{1,4})?$/;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const usage = fieldRefusal;

function checkHeader(input: ReceiptInput): void {
  if (input.lines.length === 0) throw usage('INVALID_RECEIPT', 'lines', 'list at least one line received');
  if (input.lines.length > MAX_RECEIPT_LINES)
    throw usage('TOO_MANY_LINES', 'lines', `has ${input.lines.length} lines: a receipt holds at most ${MAX_RECEIPT_LINES}; split the bill into two receipts`);
  if (input.receivedOn !== undefined && !DAY.test(input.receivedOn))
    throw usage('INVALID_RECEIPT', 'receivedOn', 'write a day as YYYY-MM-DD, such as 2026-11-05');
  for (const f of ['taxPercentage', 'discountPercentage'] as const) {
    const v = input[f];
    if (v !== undefined && (!PERCENT.test(v) || Number(v) > 100))
      throw usage('INVALID_RECEIPT', f, 'write a percentage from 0 to 100, with at most 2 decimals, such as 18 or 2.5');
  }
  for (const f of ['discountAmount', 'grandTotal'] as const) {
    const v = input[f];
    if (v != null && !AMOUNT.test(v)) throw usage('INVALID_RECEIPT', f, 'write an amount of 0 or more, with at most 4 decimals, such as 14.25');
  }
  if ((input.charges?.length ?? 0) > MAX_RECEIPT_CHARGES)
    throw usage(
      'INVALID_CHARGE',
      'charges',
      `has ${input.charges!.length} charges: a receipt carries at most ${MAX_RECEIPT_CHARGES}; add the rest as one charge`,
    );
  input.lines.forEach((l, i) => {
    if (!QUANTITY.test(l.quantity) || /^0+(\.0+)?$/.test(l.quantity))
      throw usage('INVALID_LINE', `lines/${i}/quantity`, 'write a number more than 0, with at most 9 digits before the point and 3 after, such as 12.5');
    if (l.unitCost != null && !PRICE.test(l.unitCost))
      throw usage('INVALID_LINE', `lines/${i}/unitCost`, 'write an amount of 0 or more, with at most 10 digits before the point and 4 after, such as 14.25');
    if ((l.poLineId === undefined) === (l.variantId === undefined))
      throw usage('INVALID_LINE', `lines/${i}`, 'name either poLineId (a line of the order) or variantId (a variant received on its own), one of the two');
  });
}

const RECEIPT_COLUMNS = `r.id AS "receiptId", r.receipt_number AS "receiptNumber", r.supplier_id AS "supplierId", s.firm_name AS supplier,
  r.po_id AS "purchaseOrderId", o.po_number AS "poNumber", r.bill_number AS "billNumber", to_char(r.received_on, 'YYYY-MM-DD') AS "receivedOn",
  trim_scale(r.tax_percentage)::text AS "taxPercentage", trim_scale(r.discount_percentage)::text AS "discountPercentage",
  trim_scale(r.discount_amount)::text AS "discountAmount", trim_scale(r.total_amount)::text AS "totalAmount", trim_scale(r.grand_total)::text AS "grandTotal",
  r.reverses_receipt_id AS "reversesReceiptId", (SELECT x.id FROM public.goods_receipts x WHERE x.reverses_receipt_id = r.id) AS "reversedByReceiptId",
  r.reason, r.notes, r.created_by AS "createdBy", ${isoUtc('r.created_at')} AS "createdAt"`;
const RECEIPT_FROM = `public.goods_receipts r JOIN public.suppliers s ON s.supplier_id = r.supplier_id LEFT JOIN public.purchase_orders o ON o.id = r.po_id`;

/** The variant of a line `l`, its item, colour and size, for their names. */
const LINE_VARIANT = `JOIN public.item_variant v ON v.variant_id = l.variant_id JOIN public.item_master i ON i.item_id = v.item_id
  JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master sz ON sz.size_id = v.size_id`;

/** A receipt line `l` as answered but for its variant's names. */
const LINE_FIGURES = `l.id AS "receiptLineId", l.po_line_id AS "poLineId", l.variant_id AS "variantId",
  trim_scale(l.quantity)::text AS quantity, trim_scale(l.unit_cost)::text AS "unitCost", trim_scale(l.quantity * l.unit_cost)::text AS amount,
  l.over_receipt_reason AS "overReceiptReason"`;
/** A receipt line `l` as answered, with its variant's names (LINE_VARIANT). */
const LINE_COLUMNS = `${LINE_FIGURES}, i.name AS item, c.color_name AS color, sz.size_name AS size`;

async function receiptHead(q: Queryable, id: number): Promise<GoodsReceiptSummary | undefined> {
  return (await q.query<GoodsReceiptSummary>(`SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.id = $1`, [id])).rows[0];
}

/** One receipt with its lines; null when there is none. */
export async function getGoodsReceipt(q: Queryable, id: number): Promise<Omit<GoodsReceipt, 'warnings'> | null> {
  const receipt = await receiptHead(q, id);
  if (!receipt) return null;
  const lines = (
    await q.query<Omit<GoodsReceiptLine, 'shares' | 'landedUnitCost'>>(
      `SELECT ${LINE_COLUMNS}
         FROM public.goods_receipt_lines l ${LINE_VARIANT}
        WHERE l.receipt_id = $1 ORDER BY l.id`,
      [id],
    )
  ).rows;
  return { ...receipt, ...withCharges(lines, await chargesOf(q, id)) };
}

/** The lines with their shares of the charges and landed unit costs, and the charges. */
function withCharges(
  lines: Omit<GoodsReceiptLine, 'shares' | 'landedUnitCost'>[],
  c: Awaited<ReturnType<typeof chargesOf>>,
): Pick<GoodsReceipt, 'lines' | 'charges'> {
  return {
    lines: lines.map((l) => ({ ...l, shares: c.shares.get(l.receiptLineId) ?? [], landedUnitCost: c.landed.get(l.receiptLineId) ?? l.unitCost })),
    charges: c.charges,
  };
}

/** What receiving needs of an order: its head, and its lines with what one unit of each costs by default. */
interface ReceivingOrder {
  purchaseOrderId: number;
  poNumber: string;
  supplierId: number;
  supplier: string;
  status: PoStatus;
  lines: (Pick<PurchaseOrderLine, 'lineId' | 'lineNo' | 'variantId' | 'quantity' | 'receivedQuantity'> &
    VariantNames & {
      /** The unit price less the line's discount, exactly (tax, which is recovered, is not part of the cost). */
      net: string;
    })[];
}

/** A variant's names as a receipt line shows them. */
type VariantNames = Pick<GoodsReceiptLine, 'item' | 'color' | 'size'>;

/**
 * The order receiving reads, locked first (the head's statement takes the lock, and reads the
 * order as the transaction that held it left it); null when there is none. The lines are read
 * after the lock, in a statement of their own, so they are as the last receipt left them.
 */
async function receivingOrder(q: Queryable, id: number): Promise<ReceivingOrder | null> {
  const head = (
    await q.query<Omit<ReceivingOrder, 'lines'>>(
      `SELECT o.id AS "purchaseOrderId", o.po_number AS "poNumber", o.supplier_id AS "supplierId", s.firm_name AS supplier, o.status
         FROM public.purchase_orders o JOIN public.suppliers s ON s.supplier_id = o.supplier_id WHERE o.id = $1 FOR UPDATE OF o`,
      [id],
    )
  ).rows[0];
  if (!head) return null;
  const lines = (
    await q.query<ReceivingOrder['lines'][number]>(
      `SELECT l.id AS "lineId", l.line_no AS "lineNo", l.variant_id AS "variantId", i.name AS item, c.color_name AS color, sz.size_name AS size,
              l.quantity::text AS quantity, l.received_quantity::text AS "receivedQuantity", trim_scale(l.unit_price * (1 - l.discount_rate / 100))::text AS net
         FROM public.purchase_order_lines l ${LINE_VARIANT} WHERE l.po_id = $1 ORDER BY l.line_no`,
      [id],
    )
  ).rows;
  return { ...head, lines };
}

interface PlannedLine extends VariantNames {
  poLineId: number | null;
  variantId: number;
  quantity: string;
  unitCost: string;
  overReceiptReason: string | null;
}

/**
 * Receives goods as the actor, in one transaction: the receipt and its lines, a `receipt` row
 * of the stock ledger per line at its unit cost (the variant's average cost moves), the order's
 * received quantities and its status (partially received or received), and the audit event.
 * Against an order, the order is locked first, so receipts of one order racing each other are
 * taken one after the other and cannot together receive more than allowed. Refused: an order
 * that is not sent or partially received (PO_NOT_RECEIVABLE, 409), a line over what is open
 * without a reason (OVER_RECEIPT, 409, naming the line and what is open), a line of another
 * order or a variant that does not exist (400, naming the field).
 */
export async function createGoodsReceipt(db: Database, input: ReceiptInput, actor: Actor): Promise<GoodsReceipt> {
  checkHeader(input);
  try {
    return await db.transaction((tx) => createGoodsReceiptIn(tx, input, actor));
  } catch (err) {
    // Each figure fits its column, but what they add up to may not: the lines' total. The
    // transaction is rolled back: nothing is received. (A variant's stock past what it holds
    // is postStock's STOCK_TOO_LARGE, naming the variant.)
    if (err instanceof DatabaseError && err.code === '22003')
      throw usage(
        'RECEIPT_TOO_LARGE',
        'lines',
        "add up to more than MTC records (a receipt's lines at most 999,999,999,999.9999 in all): check the quantities and unit costs, or split the receipt",
      );
    throw err;
  }
}

export async function createGoodsReceiptIn(q: Queryable, input: ReceiptInput, actor: Actor): Promise<GoodsReceipt> {
  checkHeader(input);
  let order: ReceivingOrder | null = null;
  if (input.purchaseOrderId != null) {
    order = await receivingOrder(q, input.purchaseOrderId);
    if (!order) throw usage('PO_NOT_FOUND', 'purchaseOrderId', `names no purchase order (${input.purchaseOrderId})`);
    if (!RECEIVABLE.includes(order.status))
      throw new PurchasingError(
        'PO_NOT_RECEIVABLE',
        `purchase order ${order.poNumber} is ${order.status}: goods are received only against an order that is sent or partially received`,
        'state',
        { poNumber: order.poNumber, status: order.status },
      );
    if (input.supplierId !== undefined && input.supplierId !== order.supplierId)
      throw usage('SUPPLIER_MISMATCH', 'supplierId', `is not the supplier of purchase order ${order.poNumber} (${order.supplier}); leave it out or fix it`);
  }
  const supplierId = order?.supplierId ?? input.supplierId;
  if (supplierId === undefined) throw usage('INVALID_RECEIPT', 'supplierId', 'is required for a receipt without a purchase order');
  // an order's supplier exists (a foreign key keeps it)
  if (!order) {
    const supplier = (await q.query('SELECT 1 FROM public.suppliers WHERE supplier_id = $1', [supplierId])).rowCount;
    if (!supplier) throw usage('SUPPLIER_NOT_FOUND', 'supplierId', `names no supplier (${supplierId})`);
  }

  const orderLines = new Map(order?.lines.map((x) => [x.lineId, x]));
  // the variants received on their own that are in the catalog, in one statement
  const alone = input.lines.flatMap((l) => (l.poLineId === undefined ? [l.variantId!] : []));
  const live = new Map(
    alone.length === 0
      ? []
      : (
          await q.query<VariantNames & { id: number }>(
            `SELECT v.variant_id AS id, i.name AS item, c.color_name AS color, sz.size_name AS size
               FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
               JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master sz ON sz.size_id = v.size_id
              WHERE v.variant_id = ANY($1::int[]) AND v.deleted_at IS NULL`,
            [alone],
          )
        ).rows.map(({ id, ...names }) => [id, names] as const),
  );
  const planned: PlannedLine[] = [];
  const receivedNow = new Map<number, bigint>();
  for (const [i, l] of input.lines.entries()) {
    if (l.poLineId !== undefined) {
      const line = orderLines.get(l.poLineId);
      if (!line)
        throw usage(
          'PO_LINE_NOT_FOUND',
          `lines/${i}/poLineId`,
          order ? `is not a line of purchase order ${order.poNumber}` : 'needs purchaseOrderId: name the order it is a line of',
        );
      const now = (receivedNow.get(line.lineId) ?? 0n) + milli(l.quantity);
      receivedNow.set(line.lineId, now);
      const open = milli(line.quantity) - milli(line.receivedQuantity);
      const reason = l.overReceiptReason?.trim() || null;
      if (now > open && !reason) {
        throw new PurchasingError(
          'OVER_RECEIPT',
          `lines/${i}: ${fromMilli(now)} of ${line.item} ${line.color} ${line.size} is more than the ${fromMilli(open > 0n ? open : 0n)} still open on line ${line.lineNo} of ${order!.poNumber}; receive no more than that, or say why more came in the line's over-receipt reason (overReceiptReason)`,
          'state',
          { line: i, poLineId: line.lineId, open: fromMilli(open > 0n ? open : 0n), received: fromMilli(now) },
        );
      }
      planned.push({
        poLineId: line.lineId,
        variantId: line.variantId,
        item: line.item,
        color: line.color,
        size: line.size,
        quantity: l.quantity,
        unitCost: l.unitCost ?? line.net,
        overReceiptReason: now > open ? reason : null,
      });
    } else {
      if (!live.has(l.variantId!)) throw usage('VARIANT_NOT_FOUND', `lines/${i}/variantId`, `names no variant in the catalog (${l.variantId})`);
      if (l.unitCost == null) throw usage('INVALID_LINE', `lines/${i}/unitCost`, 'is required for a line that is not on the order: say what one unit cost');
      planned.push({
        poLineId: null,
        variantId: l.variantId!,
        ...live.get(l.variantId!)!,
        quantity: l.quantity,
        unitCost: l.unitCost,
        overReceiptReason: null,
      });
    }
  }
  const charges = (input.charges ?? []).map((c, i) =>
    planCharge(
      c,
      c.lines?.map((s) => ({ index: Number.isInteger(s.line) && s.line >= 0 && s.line < planned.length ? s.line : undefined, amount: s.amount })),
      planned,
      `charges/${i}/`,
      {
        billNumber: null,
        chargedOn: input.receivedOn ?? null,
        lineProblem: `names no line of the receipt: write a line's position, from 0 to ${planned.length - 1}`,
      },
    ),
  );
  return writeReceipt(q, { supplierId, order, input, planned, charges, reverses: null, reason: null }, actor);
}

const milli = (d: string): bigint => {
  const [w, f = ''] = d.split('.');
  return BigInt(w! + f.padEnd(3, '0').slice(0, 3));
};
const fromMilli = (m: bigint): string => {
  const s = `${m / 1000n}.${String(m % 1000n).padStart(3, '0')}`.replace(/\.?0+$/, '');
  return s === '' ? '0' : s;
};

async function writeReceipt(
  q: Queryable,
  r: {
    supplierId: number;
    order: ReceivingOrder | null;
    input: Omit<ReceiptInput, 'lines'>;
    planned: PlannedLine[];
    charges: PlannedCharge[];
    reverses: number | null;
    reason: string | null;
  },
  actor: Actor,
): Promise<GoodsReceipt> {
  const { input } = r;
  // The variants are locked first, in variant order (as every stock write locks them), by the
  // statement that inserts the receipt: lk runs before anything else (the one-time filter that
  // reads it), so before the lines' foreign keys take their key-share locks on the same
  // variants at the statement's end. Locked after them, two receipts of one variant would each
  // hold a key-share lock the other's lock waits for: a deadlock.
  // The receipt and its lines (in the order given) in one statement, with the order lines'
  // received quantities raised, which answers the lines (in the order given: their ids are
  // taken in that order) as getGoodsReceipt would but for their names, which the planned
  // lines carry (read with the order or the variants: joined here, they made the statement
  // take ten times as long to plan), each with the receipt's id, the grand total its lines add
  // up to, and whether anything and whether all of the order has come (the lines not received
  // now as they were, those received now as the update left them)
  const inserted = (
    await q.query<Omit<GoodsReceiptLine, keyof VariantNames | 'shares' | 'landedUnitCost'> & { id: number; computed: string; anything: boolean; all: boolean }>(
      `WITH lk AS (SELECT v.variant_id FROM public.item_variant v WHERE v.variant_id = ANY($18::int[]) ORDER BY v.variant_id FOR UPDATE),
            x AS (SELECT * FROM unnest($15::int[], $16::int[], $10::numeric[], $11::numeric[], $17::text[]) WITH ORDINALITY AS x(po_line_id, variant_id, q, c, why, n)),
            t AS (SELECT sum(x.q * x.c) AS total FROM x),
            f AS (SELECT t.total, (t.total - $7::numeric - t.total * $6::numeric / 100) * (1 + $5::numeric / 100) AS grand FROM t),
            r AS (INSERT INTO public.goods_receipts (supplier_id, po_id, bill_number, received_on, tax_percentage, discount_percentage, discount_amount,
                                                     total_amount, grand_total, reverses_receipt_id, reason, notes, created_by)
                  SELECT $1, $2, $3, coalesce($4::date, CURRENT_DATE), $5, $6, $7, f.total, coalesce($8::numeric, f.grand), $9, $12, $13, $14 FROM f
                  RETURNING id),
            l AS (INSERT INTO public.goods_receipt_lines (receipt_id, po_line_id, variant_id, quantity, unit_cost, over_receipt_reason)
                  SELECT r.id, x.po_line_id, x.variant_id, x.q, x.c, x.why FROM r, x ORDER BY x.n
                  RETURNING *),
            n AS (SELECT x.po_line_id AS id, sum(x.q) AS q FROM x WHERE x.po_line_id IS NOT NULL GROUP BY x.po_line_id),
            u AS (UPDATE public.purchase_order_lines ol SET received_quantity = ol.received_quantity + n.q FROM n
                   WHERE ol.id = n.id AND ol.id = ANY($15::int[]) RETURNING ol.id, ol.received_quantity),
            st AS (SELECT coalesce(bool_or(coalesce(u.received_quantity, ol.received_quantity) > 0), false) AS anything,
                          coalesce(bool_and(coalesce(u.received_quantity, ol.received_quantity) >= ol.quantity), true) AS "all"
                     FROM public.purchase_order_lines ol LEFT JOIN u ON u.id = ol.id WHERE ol.po_id = $2)
       SELECT l.receipt_id AS id, trim_scale(f.grand)::text AS computed, st.anything, st."all", ${LINE_FIGURES}
         FROM f, st, l WHERE (SELECT count(*) FROM lk) >= 0 ORDER BY l.id`,
      [
        r.supplierId,
        r.order?.purchaseOrderId ?? null,
        input.billNumber ?? null,
        input.receivedOn ?? null,
        input.taxPercentage ?? '0',
        input.discountPercentage ?? '0',
        input.discountAmount ?? '0',
        input.grandTotal ?? null,
        r.reverses,
        r.planned.map((l) => l.quantity),
        r.planned.map((l) => l.unitCost),
        r.reason,
        input.notes ?? null,
        actor.userId,
        r.planned.map((l) => l.poLineId),
        r.planned.map((l) => l.variantId),
        r.planned.map((l) => l.overReceiptReason),
        [...new Set(r.planned.map((l) => l.variantId))].sort((a, b) => a - b),
      ],
    )
  ).rows;
  const made = inserted[0]!;
  if (r.reverses !== null) {
    const short = await q.query<{ variantId: number; stock: string }>(
      `SELECT v.variant_id AS "variantId", trim_scale(v.stock)::text AS stock
         FROM public.item_variant v JOIN (SELECT x.v, sum(x.q) AS q FROM unnest($1::int[], $2::numeric[]) AS x(v, q) GROUP BY x.v) n ON n.v = v.variant_id
        WHERE v.stock + n.q < 0`,
      [r.planned.map((l) => l.variantId), r.planned.map((l) => l.quantity)],
    );
    if (short.rows.length > 0)
      throw new PurchasingError(
        'STOCK_NEGATIVE',
        `the receipt cannot be reversed: ${short.rows.map((s) => `variant ${s.variantId} has only ${s.stock} in stock`).join(', ')}; what it brought has been used since`,
        'state',
        { variants: short.rows },
      );
  }
  // received on an earlier day: placed at that day's end, the later entries valued again (back-dating.ts)
  const { at, ahead } = await placeOfDay(q, input.receivedOn);
  if (ahead) throw usage('DAY_AHEAD', 'receivedOn', `write today or an earlier day: ${input.receivedOn} has not come yet`);
  // The charges and their shares, then the ledger at each line's landed unit cost.
  if (r.charges.length > 0) await writeCharges(q, made.id, r.charges, false, actor.userId);
  const charged = r.charges.length > 0 ? await chargesOf(q, made.id) : null;
  const landed = inserted.map((l) => charged?.landed.get(l.receiptLineId) ?? l.unitCost);
  await postStock(
    q,
    r.planned.map((l, i) => ({
      variantId: l.variantId,
      type: 'receipt' as const,
      quantity: l.quantity,
      unitCost: landed[i]!,
      at,
      notes: null,
      createdBy: actor.userId,
      reference: { type: 'goods_receipt', id: made.id },
    })),
    { answer: false },
  );
  if (r.order) {
    // Whether anything and whether all of the order has come, as the insert's statement left
    // the order's lines; the status is as read under the order's lock.
    const action = !made.anything ? 'reopen' : made.all ? 'receive_all' : 'receive_part';
    const target = action === 'reopen' ? 'sent' : action === 'receive_all' ? 'received' : 'partially_received';
    // a closed or cancelled order keeps its status: a reversal still takes its quantities back
    if (r.order.status !== target && !PO_MACHINE.final.includes(r.order.status)) await movePurchaseOrder(q, r.order, action, null);
  }
  const receipt = {
    ...(await receiptHead(q, made.id))!,
    ...withCharges(
      inserted.map(({ id: _id, computed: _c, anything: _a, all: _l, ...line }, i) => {
        const { item, color, size } = r.planned[i]!;
        return { ...line, item, color, size };
      }),
      charged ?? { charges: [], shares: new Map(), landed: new Map() },
    ),
  };
  const warnings: GoodsReceipt['warnings'] = [];
  if (input.grandTotal != null && Math.abs(Number(input.grandTotal) - Number(made.computed)) > 0.01)
    warnings.push({
      code: 'GRAND_TOTAL_DIFFERS',
      message: `the bill's grand total ${input.grandTotal} differs from the lines' ${made.computed} (after discount and tax): check the bill`,
    });
  await auditAs(q, actor, { action: 'create', entity: 'goods_receipt', entityId: made.id, after: auditView(receipt) });
  return { ...receipt, warnings };
}

/** What the audit trail keeps of a receipt: its row and its lines' terms (the names are the catalog's). */
function auditView(r: Omit<GoodsReceipt, 'warnings'>) {
  const { lines, supplier: _s, poNumber: _p, ...head } = r;
  return {
    ...head,
    lines: lines.map((l) => ({
      poLineId: l.poLineId,
      variantId: l.variantId,
      quantity: l.quantity,
      unitCost: l.unitCost,
      overReceiptReason: l.overReceiptReason,
      ...(l.shares.length > 0 ? { shares: l.shares, landedUnitCost: l.landedUnitCost } : {}),
    })),
  };
}

/**
 * Reverses a receipt as the actor, saying why: a new receipt with every line negated at the
 * same unit cost, the stock and the order's received quantities taken back, the order's status
 * with them. Refused: a receipt already reversed or itself a reversal (RECEIPT_REVERSED, 409),
 * stock that has been used since (STOCK_NEGATIVE, 409), no reason (400).
 */
/** A decimal string with its sign turned ("0" stays "0"). */
const negated = (d: string) => (d.startsWith('-') ? d.slice(1) : /^[0.]+$/.test(d) ? d : `-${d}`);

export async function reverseGoodsReceipt(db: Database, receiptId: number, reason: string, actor: Actor): Promise<GoodsReceipt> {
  const why = reason.trim();
  if (!why) throw usage('REASON_REQUIRED', 'reason', 'is required: say why the receipt is reversed');
  return db.transaction(async (tx) => {
    // the receipt's row locked first, as a charge added later locks it (later-charges.ts)
    const head = (await tx.query<{ po: number | null }>('SELECT po_id AS po FROM public.goods_receipts WHERE id = $1 FOR UPDATE', [receiptId])).rows[0];
    if (!head) throw new PurchasingError('NOT_FOUND', `no goods receipt ${receiptId}`, 'state', { receiptId });
    if (head.po !== null) await tx.query('SELECT 1 FROM public.purchase_orders WHERE id = $1 FOR UPDATE', [head.po]);
    const original = (await getGoodsReceipt(tx, receiptId))!;
    if (original.reversesReceiptId !== null || original.reversedByReceiptId !== null)
      throw new PurchasingError(
        'RECEIPT_REVERSED',
        original.reversesReceiptId !== null
          ? `receipt ${original.receiptNumber} is itself a reversal: record a new receipt instead`
          : `receipt ${original.receiptNumber} has been reversed already`,
        'state',
        { receiptNumber: original.receiptNumber },
      );
    const order = head.po === null ? null : await receivingOrder(tx, head.po);
    return writeReceipt(
      tx,
      {
        supplierId: original.supplierId,
        order,
        // The bill's tax and discount come along, and its grand total is taken back whole.
        input: {
          billNumber: original.billNumber,
          receivedOn: undefined,
          notes: null,
          taxPercentage: original.taxPercentage,
          discountPercentage: original.discountPercentage,
          discountAmount: original.discountAmount,
          grandTotal: negated(original.grandTotal),
        },
        // The charges go back with the goods: each negated, with its shares, so every line leaves at its landed unit cost.
        charges: original.charges.map((c) =>
          negatedCharge(
            c,
            original.lines.map((l) => l.shares.find((s) => s.chargeId === c.chargeId)?.amount ?? '0'),
          ),
        ),
        planned: original.lines.map((l) => ({
          poLineId: l.poLineId,
          variantId: l.variantId,
          item: l.item,
          color: l.color,
          size: l.size,
          quantity: `-${l.quantity}`,
          unitCost: l.unitCost,
          overReceiptReason: null,
        })),
        reverses: receiptId,
        reason: why,
      },
      actor,
    );
  });
}

export type GoodsReceiptSummary = Omit<GoodsReceipt, 'lines' | 'charges' | 'warnings'>;

/** Receipts, newest first, of a supplier, of an order, and by a part of the receipt's or the bill's number. */
export async function listGoodsReceipts(
  q: Queryable,
  f: { supplierId?: number; purchaseOrderId?: number; q?: string; limit: number; offset: number },
): Promise<{ total: number; receipts: GoodsReceiptSummary[] }> {
  const where = `($1::int IS NULL OR r.supplier_id = $1) AND ($2::int IS NULL OR r.po_id = $2)
    AND ($3::text IS NULL OR position(lower($3::text) in lower(r.receipt_number || ' ' || coalesce(r.bill_number, '') || ' ' || s.firm_name)) > 0)`;
  const params = [f.supplierId ?? null, f.purchaseOrderId ?? null, f.q?.trim() || null];
  const total = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${RECEIPT_FROM} WHERE ${where}`, params)).rows[0]!.n);
  const receipts = (
    await q.query<GoodsReceiptSummary>(`SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE ${where} ORDER BY r.id DESC LIMIT $4 OFFSET $5`, [
      ...params,
      f.limit,
      f.offset,
    ])
  ).rows;
  return { total, receipts };
}
