import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { isoUtc } from '../timestamps.ts';
import { LINES_EDITABLE, PO_MACHINE, PurchasingError, RECEIVABLE } from './status.ts';
import type { PoAction, PoStatus } from './status.ts';

/**
 * Purchase orders: one supplier, numbered PO-YYYYMMDD-NNNNNN by the database, lines per
 * variant with a quantity, a unit price (by default the supplier's rate in effect on the
 * order's date), a tax rate and a discount. Every amount is a decimal string exactly as
 * PostgreSQL computes it: totals are never rounded here, only when shown.
 */
export interface PurchaseOrderLine {
  lineId: number;
  lineNo: number;
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  discountRate: string;
  receivedQuantity: string;
  /** quantity − received, or 0 when more came. */
  openQuantity: string;
  /** quantity × unit price × (1 − discount/100). */
  net: string;
  tax: string;
  total: string;
  notes: string | null;
}

export interface PurchaseOrderSummary {
  purchaseOrderId: number;
  poNumber: string;
  supplierId: number;
  supplier: string;
  status: PoStatus;
  statusReason: string | null;
  orderDate: string;
  expectedOn: string | null;
  currency: string;
  notes: string | null;
  lineCount: number;
  net: string;
  tax: string;
  total: string;
  createdBy: number | null;
  /** The name of the user who made the order (its buyer); null when made from the command line or the user is gone. */
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  closedAt: string | null;
}

export interface PurchaseOrder extends PurchaseOrderSummary {
  lines: PurchaseOrderLine[];
  /** What the person placing the order should know: a quantity below the supplier's minimum order quantity. */
  warnings: { lineNo: number; code: 'BELOW_MINIMUM_ORDER'; message: string }[];
}

/** A line as a person states it; `unitPrice` omitted takes the supplier's rate in effect. */
export interface LineInput {
  variantId: number;
  quantity: string;
  unitPrice?: string | null;
  taxRate?: string;
  discountRate?: string;
  notes?: string | null;
}

export interface OrderInput {
  supplierId: number;
  orderDate?: string;
  expectedOn?: string | null;
  currency?: string;
  notes?: string | null;
  lines?: LineInput[];
}

/** The most lines one order holds. */
export const MAX_ORDER_LINES = 500;

const QUANTITY = /^\d{1,9}(\.\d{1,3})?$/;
const PRICE = /^\d{1,10}(\.\d{1,4})?$/;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function usage(code: string, path: string, message: string, details: Record<string, unknown> = {}): PurchasingError {
  return new PurchasingError(code, `${path}: ${message}`, 'usage', { ...details, fields: [{ path, message }] });
}

/** What is wrong with a line before the database is asked, naming the field (`lines/2/quantity`), or nothing. */
function checkLine(line: LineInput, at: string): void {
  if (!QUANTITY.test(line.quantity) || /^0+(\.0+)?$/.test(line.quantity))
    throw usage('INVALID_LINE', `${at}/quantity`, 'write a number more than 0, with at most 9 digits before the point and 3 after, such as 12.5');
  if (line.unitPrice != null && !PRICE.test(line.unitPrice))
    throw usage('INVALID_LINE', `${at}/unitPrice`, 'write an amount of 0 or more, with at most 10 digits before the point and 4 after, such as 14.25');
  for (const field of ['taxRate', 'discountRate'] as const) {
    const v = line[field];
    if (v !== undefined && (!PERCENT.test(v) || Number(v) > 100))
      throw usage('INVALID_LINE', `${at}/${field}`, 'write a percentage from 0 to 100, with at most 2 decimals, such as 18 or 2.5');
  }
}

const PO_FROM = `public.purchase_orders o JOIN public.suppliers s ON s.supplier_id = o.supplier_id
  LEFT JOIN public.users cu ON cu.user_id = o.created_by`;
const LINE_MONEY = `(l.quantity * l.unit_price * (1 - l.discount_rate / 100))`;
const PO_COLUMNS = `o.id AS "purchaseOrderId", o.po_number AS "poNumber", o.supplier_id AS "supplierId", s.firm_name AS supplier, o.status,
  o.status_reason AS "statusReason", to_char(o.order_date, 'YYYY-MM-DD') AS "orderDate", to_char(o.expected_on, 'YYYY-MM-DD') AS "expectedOn",
  o.currency::text AS currency, o.notes, o.created_by AS "createdBy", cu.name AS "createdByName",
  ${isoUtc('o.created_at')} AS "createdAt", ${isoUtc('o.updated_at')} AS "updatedAt",
  ${isoUtc('o.sent_at')} AS "sentAt", ${isoUtc('o.closed_at')} AS "closedAt",
  t."lineCount", trim_scale(t.net)::text AS net, trim_scale(t.tax)::text AS tax, trim_scale(t.net + t.tax)::text AS total`;
const PO_TOTALS = `LEFT JOIN LATERAL (
    SELECT count(*)::int AS "lineCount", coalesce(sum(${LINE_MONEY}), 0) AS net, coalesce(sum(${LINE_MONEY} * l.tax_rate / 100), 0) AS tax
      FROM public.purchase_order_lines l WHERE l.po_id = o.id) t ON true`;

export async function getPurchaseOrderSummary(q: Queryable, id: number): Promise<PurchaseOrderSummary | null> {
  return (await q.query<PurchaseOrderSummary>(`SELECT ${PO_COLUMNS} FROM ${PO_FROM} ${PO_TOTALS} WHERE o.id = $1`, [id])).rows[0] ?? null;
}

/** One order with its lines and the warnings about them; null when there is none. */
export async function getPurchaseOrder(q: Queryable, id: number): Promise<PurchaseOrder | null> {
  const order = await getPurchaseOrderSummary(q, id);
  if (!order) return null;
  const lines = (
    await q.query<PurchaseOrderLine & { moq: string | null; belowMinimum: boolean }>(
      `SELECT l.id AS "lineId", l.line_no AS "lineNo", l.variant_id AS "variantId", i.name AS item, c.color_name AS color, sz.size_name AS size, v.unit,
              l.quantity::text AS quantity, l.unit_price::text AS "unitPrice", l.tax_rate::text AS "taxRate", l.discount_rate::text AS "discountRate",
              l.received_quantity::text AS "receivedQuantity", greatest(l.quantity - l.received_quantity, 0)::text AS "openQuantity",
              trim_scale(${LINE_MONEY})::text AS net, trim_scale(${LINE_MONEY} * l.tax_rate / 100)::text AS tax,
              trim_scale(${LINE_MONEY} * (1 + l.tax_rate / 100))::text AS total, l.notes,
              r.moq::text AS moq, coalesce(l.quantity < r.moq, false) AS "belowMinimum"
         FROM public.purchase_order_lines l
         JOIN public.purchase_orders o ON o.id = l.po_id
         JOIN public.item_variant v ON v.variant_id = l.variant_id
         JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id
         JOIN public.size_master sz ON sz.size_id = v.size_id
         LEFT JOIN LATERAL (${RATE_IN_EFFECT('o.supplier_id', 'l.variant_id', 'o.order_date')}) r ON true
        WHERE l.po_id = $1 ORDER BY l.line_no`,
      [id],
    )
  ).rows;
  const warnings = lines
    .filter((l) => l.belowMinimum)
    .map((l) => ({
      lineNo: l.lineNo,
      code: 'BELOW_MINIMUM_ORDER' as const,
      message: `line ${l.lineNo} (${l.item} ${l.color} ${l.size}): ${l.quantity} is below ${order.supplier}'s minimum order quantity of ${l.moq}`,
    }));
  return { ...order, lines: lines.map(({ moq: _moq, belowMinimum: _below, ...l }) => l), warnings };
}

/** The supplier's active rate for a variant on a day: the latest that has started and not ended. */
export const RATE_IN_EFFECT = (supplier: string, variant: string, day: string) =>
  `SELECT p.cost_per_unit AS price, p.currency, p.minimum_order_quantity AS moq FROM public.variant_supplier_pricing p
    WHERE p.supplier_id = ${supplier} AND p.variant_id = ${variant} AND p.is_active
      AND p.effective_from <= ${day} AND (p.effective_to IS NULL OR p.effective_to >= ${day})
    ORDER BY p.effective_from DESC, p.id DESC LIMIT 1`;

export interface OrderFilter {
  status?: PoStatus;
  supplierId?: number;
  q?: string;
  limit: number;
  offset: number;
}

/** Orders, newest first, by status, supplier and a part of the number or the supplier's name. */
export async function listPurchaseOrders(q: Queryable, f: OrderFilter): Promise<{ total: number; purchaseOrders: PurchaseOrderSummary[] }> {
  const where = `($1::text IS NULL OR o.status = $1) AND ($2::int IS NULL OR o.supplier_id = $2)
    AND ($3::text IS NULL OR position(lower($3::text) in lower(o.po_number || ' ' || s.firm_name)) > 0)`;
  const params = [f.status ?? null, f.supplierId ?? null, f.q?.trim() || null];
  const total = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${PO_FROM} WHERE ${where}`, params)).rows[0]!.n);
  const purchaseOrders = (
    await q.query<PurchaseOrderSummary>(`SELECT ${PO_COLUMNS} FROM ${PO_FROM} ${PO_TOTALS} WHERE ${where} ORDER BY o.id DESC LIMIT $4 OFFSET $5`, [
      ...params,
      f.limit,
      f.offset,
    ])
  ).rows;
  return { total, purchaseOrders };
}

/** What is on order now: the orders still to come in, by status, what they are worth by currency, and how many are late. */
export interface OpenOrders {
  /** Each status an order waits in (sent, partially received; drafts apart), with its count. */
  statuses: { status: PoStatus; count: number }[];
  drafts: number;
  /** Per currency (orders are in their supplier's): the open quantity's worth, tax included, exact. */
  amounts: { currency: string; open: string }[];
  /** Orders still to come in whose expected day has passed. */
  overdue: number;
}

/** The dashboard's view of purchasing: orders waiting for goods, what is still to come in, and the late ones (today: the database's day). */
export async function openPurchaseOrders(q: Queryable): Promise<OpenOrders> {
  const statuses = (
    await q.query<{ status: PoStatus; count: number }>(
      `SELECT status, count(*)::int AS count FROM public.purchase_orders WHERE status = ANY($1::text[]) GROUP BY status`,
      [[...RECEIVABLE, 'draft']],
    )
  ).rows;
  const amounts = (
    await q.query<{ currency: string; open: string }>(
      `SELECT o.currency::text AS currency,
              trim_scale(sum(greatest(l.quantity - l.received_quantity, 0) * l.unit_price * (1 - l.discount_rate / 100) * (1 + l.tax_rate / 100)))::text AS open
         FROM public.purchase_orders o JOIN public.purchase_order_lines l ON l.po_id = o.id
        WHERE o.status = ANY($1::text[]) GROUP BY o.currency ORDER BY o.currency`,
      [[...RECEIVABLE]],
    )
  ).rows;
  const overdue = (
    await q.query<{ n: number }>('SELECT count(*)::int AS n FROM public.purchase_orders WHERE status = ANY($1::text[]) AND expected_on < current_date', [
      [...RECEIVABLE],
    ])
  ).rows[0]!.n;
  const count = (s: PoStatus) => statuses.find((r) => r.status === s)?.count ?? 0;
  return { statuses: RECEIVABLE.map((status) => ({ status, count: count(status) })), drafts: count('draft'), amounts, overdue };
}

/** The order's row, locked until the transaction ends (every change of an order takes this lock first). */
async function lockOrder(q: Queryable, id: number): Promise<PurchaseOrder> {
  await q.query('SELECT 1 FROM public.purchase_orders WHERE id = $1 FOR UPDATE', [id]);
  const order = await getPurchaseOrder(q, id);
  if (!order) throw new PurchasingError('NOT_FOUND', `no purchase order ${id}`, 'state', { purchaseOrderId: id });
  return order;
}

function requireDraft(order: PurchaseOrderSummary): void {
  if (!LINES_EDITABLE.includes(order.status))
    throw new PurchasingError(
      'PO_NOT_EDITABLE',
      `purchase order ${order.poNumber} is ${order.status}: its lines change only while it is a draft (make a new order for more)`,
      'state',
      { poNumber: order.poNumber, status: order.status },
    );
}

type OrderTerms = { id: number; supplierId: number; supplier: string; orderDate: string; currency: string };

/**
 * Checks `lines` in turn (the first fault found is the one refused: its own fields first,
 * then its variant and price) and adds them to the order after its last line, in the order
 * given, with one read of the variants and their rates and one INSERT however many lines.
 * A line without a unit price takes the supplier's rate in effect on the order's date.
 * `at(i)` names a line in an error (`lines/3`, or `body` for a line added alone).
 */
async function insertLines(q: Queryable, order: OrderTerms, lines: readonly LineInput[], at: (i: number) => string): Promise<void> {
  if (lines.length === 0) return;
  const found = new Map(
    (
      await q.query<{ variantId: number; deleted: boolean; price: string | null; currency: string | null }>(
        `SELECT v.variant_id AS "variantId", v.deleted_at IS NOT NULL OR i.deleted_at IS NOT NULL AS deleted, r.price::text AS price, r.currency::text AS currency
           FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
           LEFT JOIN LATERAL (${RATE_IN_EFFECT('$2::int', 'v.variant_id', '$3::date')}) r ON true
          WHERE v.variant_id = ANY($1::int[])`,
        [[...new Set(lines.map((l) => l.variantId))], order.supplierId, order.orderDate],
      )
    ).rows.map((v) => [v.variantId, v]),
  );
  const prices = lines.map((line, i) => {
    checkLine(line, at(i));
    const v = found.get(line.variantId);
    if (!v || v.deleted) throw usage('VARIANT_NOT_FOUND', `${at(i)}/variantId`, `names no variant in the catalog (${line.variantId})`);
    if (line.unitPrice != null) return line.unitPrice;
    if (v.price === null)
      throw usage(
        'NO_RATE',
        `${at(i)}/unitPrice`,
        `is required: ${order.supplier} has no active rate for variant ${line.variantId} on ${order.orderDate} to take the price from`,
      );
    if (v.currency !== order.currency)
      throw usage(
        'NO_RATE',
        `${at(i)}/unitPrice`,
        `is required: ${order.supplier}'s rate for variant ${line.variantId} is in ${v.currency}, the order in ${order.currency}`,
      );
    return v.price;
  });
  await q.query(
    `INSERT INTO public.purchase_order_lines (po_id, line_no, variant_id, quantity, unit_price, tax_rate, discount_rate, notes)
     SELECT $1, last.n + x.n, x.variant_id, x.quantity, x.unit_price, x.tax_rate, x.discount_rate, x.notes
       FROM unnest($2::int[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::text[])
            WITH ORDINALITY AS x(variant_id, quantity, unit_price, tax_rate, discount_rate, notes, n),
            (SELECT coalesce(max(line_no), 0) AS n FROM public.purchase_order_lines WHERE po_id = $1) last
      ORDER BY x.n`,
    [
      order.id,
      lines.map((l) => l.variantId),
      lines.map((l) => l.quantity),
      prices,
      lines.map((l) => l.taxRate ?? '0'),
      lines.map((l) => l.discountRate ?? '0'),
      lines.map((l) => l.notes ?? null),
    ],
  );
}

/**
 * Makes a draft order to a supplier, with its lines if given, as the actor: the order, its
 * lines and the audit event in one transaction. Refused: NOT_FOUND for an unknown supplier,
 * a usage error naming the field for a bad line (`lines/3/quantity`), TOO_MANY_LINES.
 */
export async function createPurchaseOrder(db: Database, input: OrderInput, actor: Actor): Promise<PurchaseOrder> {
  return db.transaction((tx) => createPurchaseOrderIn(tx, input, actor));
}

export async function createPurchaseOrderIn(q: Queryable, input: OrderInput, actor: Actor): Promise<PurchaseOrder> {
  const lines = input.lines ?? [];
  if (lines.length > MAX_ORDER_LINES) throw usage('TOO_MANY_LINES', 'lines', `has ${lines.length} lines: an order holds at most ${MAX_ORDER_LINES}; split it`);
  if (input.orderDate !== undefined && !DAY.test(input.orderDate)) throw usage('INVALID_ORDER', 'orderDate', 'write a day as YYYY-MM-DD, such as 2026-11-05');
  if (input.currency !== undefined && !/^[A-Z]{3}$/.test(input.currency))
    throw usage('INVALID_ORDER', 'currency', 'write a three-letter currency code, such as INR');
  if (input.expectedOn != null) {
    const day = input.orderDate ?? (await q.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
    if (!DAY.test(input.expectedOn) || input.expectedOn < day)
      throw usage('INVALID_ORDER', 'expectedOn', `write a day as YYYY-MM-DD, on or after the order's date ${day}`);
  }
  const supplier = (await q.query<{ name: string }>('SELECT firm_name AS name FROM public.suppliers WHERE supplier_id = $1', [input.supplierId])).rows[0];
  if (!supplier) throw usage('SUPPLIER_NOT_FOUND', 'supplierId', `names no supplier (${input.supplierId})`);
  const made = (
    await q.query<{ id: number; orderDate: string; currency: string }>(
      `INSERT INTO public.purchase_orders (supplier_id, order_date, expected_on, currency, notes, created_by)
       VALUES ($1, coalesce($2::date, CURRENT_DATE), $3, coalesce($4, (SELECT currency FROM public.app_settings), 'INR'), $5, $6)
       RETURNING id, to_char(order_date, 'YYYY-MM-DD') AS "orderDate", currency::text AS currency`,
      [input.supplierId, input.orderDate ?? null, input.expectedOn ?? null, input.currency ?? null, input.notes ?? null, actor.userId],
    )
  ).rows[0]!;
  const order = { ...made, supplierId: input.supplierId, supplier: supplier.name };
  await insertLines(q, order, lines, (i) => `lines/${i}`);
  const after = (await getPurchaseOrder(q, made.id))!;
  await auditAs(q, actor, { action: 'create', entity: 'purchase_order', entityId: made.id, after: auditView(after) });
  return after;
}

/** What the audit trail keeps of an order: its row and its lines' terms. */
function auditView(o: PurchaseOrder) {
  return {
    poNumber: o.poNumber,
    supplierId: o.supplierId,
    status: o.status,
    statusReason: o.statusReason,
    orderDate: o.orderDate,
    expectedOn: o.expectedOn,
    currency: o.currency,
    notes: o.notes,
    total: o.total,
    lines: o.lines.map((l) => ({
      lineNo: l.lineNo,
      variantId: l.variantId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      taxRate: l.taxRate,
      discountRate: l.discountRate,
      receivedQuantity: l.receivedQuantity,
    })),
  };
}

/** A change of an order, with the order before and after, audited as `update`. */
async function changeOrder(db: Database, id: number, actor: Actor, change: (tx: Queryable, order: PurchaseOrder) => Promise<void>): Promise<PurchaseOrder> {
  return db.transaction(async (tx) => {
    const before = await lockOrder(tx, id);
    await change(tx, before);
    const after = (await getPurchaseOrder(tx, id))!;
    await auditAs(tx, actor, { action: 'update', entity: 'purchase_order', entityId: id, before: auditView(before), after: auditView(after) });
    return after;
  });
}

/** Adds a line to a draft order. */
export function addPurchaseOrderLine(db: Database, id: number, line: LineInput, actor: Actor): Promise<PurchaseOrder> {
  return changeOrder(db, id, actor, async (tx, order) => {
    requireDraft(order);
    if (order.lines.length >= MAX_ORDER_LINES) throw usage('TOO_MANY_LINES', 'lines', `an order holds at most ${MAX_ORDER_LINES} lines; start another`);
    await insertLines(tx, { id, ...order }, [line], () => 'body');
  });
}

/** Changes a line of a draft order: its quantity, price, tax rate, discount or notes. */
export function changePurchaseOrderLine(
  db: Database,
  id: number,
  lineId: number,
  change: Partial<Omit<LineInput, 'variantId'>>,
  actor: Actor,
): Promise<PurchaseOrder> {
  return changeOrder(db, id, actor, async (tx, order) => {
    requireDraft(order);
    const line = order.lines.find((l) => l.lineId === lineId);
    if (!line) throw new PurchasingError('NOT_FOUND', `purchase order ${order.poNumber} has no line ${lineId}`, 'state', { purchaseOrderId: id, lineId });
    const next = {
      variantId: line.variantId,
      quantity: change.quantity ?? line.quantity,
      unitPrice: change.unitPrice ?? line.unitPrice,
      taxRate: change.taxRate ?? line.taxRate,
      discountRate: change.discountRate ?? line.discountRate,
    };
    checkLine(next, 'body');
    await tx.query('UPDATE public.purchase_order_lines SET quantity = $2, unit_price = $3, tax_rate = $4, discount_rate = $5, notes = $6 WHERE id = $1', [
      lineId,
      next.quantity,
      next.unitPrice,
      next.taxRate,
      next.discountRate,
      change.notes === undefined ? line.notes : change.notes,
    ]);
  });
}

/** Takes a line off a draft order (the others keep their numbers). */
export function removePurchaseOrderLine(db: Database, id: number, lineId: number, actor: Actor): Promise<PurchaseOrder> {
  return changeOrder(db, id, actor, async (tx, order) => {
    requireDraft(order);
    if (!order.lines.some((l) => l.lineId === lineId))
      throw new PurchasingError('NOT_FOUND', `purchase order ${order.poNumber} has no line ${lineId}`, 'state', { purchaseOrderId: id, lineId });
    await tx.query('DELETE FROM public.purchase_order_lines WHERE id = $1', [lineId]);
  });
}

/** Changes what an order says about itself (the day it is expected, its notes); any status but closed or cancelled. */
export function changePurchaseOrder(
  db: Database,
  id: number,
  change: { expectedOn?: string | null; notes?: string | null },
  actor: Actor,
): Promise<PurchaseOrder> {
  return changeOrder(db, id, actor, async (tx, order) => {
    if (PO_MACHINE.final.includes(order.status))
      throw new PurchasingError('PO_STATUS_FINAL', `purchase order ${order.poNumber} is ${order.status}: it no longer changes`, 'state', {
        poNumber: order.poNumber,
        status: order.status,
      });
    if (change.expectedOn != null && (!DAY.test(change.expectedOn) || change.expectedOn < order.orderDate))
      throw usage('INVALID_ORDER', 'expectedOn', `write a day as YYYY-MM-DD, on or after the order's date ${order.orderDate}`);
    await tx.query('UPDATE public.purchase_orders SET expected_on = $2, notes = $3 WHERE id = $1', [
      id,
      change.expectedOn === undefined ? order.expectedOn : change.expectedOn,
      change.notes === undefined ? order.notes : change.notes,
    ]);
  });
}

/**
 * Moves an order by a person's action (send, cancel, close, close_short), as the actor: the
 * move must be in PO_MACHINE and offered (PO_TRANSITION_REFUSED, 409, otherwise; PO_STATUS_FINAL
 * for an order that has ended), meet what it requires (PO_EMPTY: nothing to send), and say why
 * when the machine asks it (REASON_REQUIRED, 400). Audited as `transition`.
 */
export async function transitionPurchaseOrder(
  db: Database,
  id: number,
  action: PoAction,
  by: { reason?: string | null },
  actor: Actor,
): Promise<PurchaseOrder> {
  return db.transaction((tx) => transitionPurchaseOrderIn(tx, id, action, by, actor));
}

/** transitionPurchaseOrder in the caller's transaction (the demo seed's). */
export async function transitionPurchaseOrderIn(
  q: Queryable,
  id: number,
  action: PoAction,
  by: { reason?: string | null },
  actor: Actor,
): Promise<PurchaseOrder> {
  const before = await lockOrder(q, id);
  await movePurchaseOrder(q, before, action, by.reason ?? null);
  const after = (await getPurchaseOrder(q, id))!;
  await auditAs(q, actor, { action: 'transition', entity: 'purchase_order', entityId: id, before: auditView(before), after: auditView(after) });
  return after;
}

/** The move itself, in the caller's transaction with the order locked; receipts call it with their own (not offered) moves. */
export async function movePurchaseOrder(
  q: Queryable,
  order: Pick<PurchaseOrderSummary, 'purchaseOrderId' | 'poNumber' | 'status'> & { lines: readonly unknown[] },
  action: PoAction,
  reason: string | null,
): Promise<void> {
  const m = PO_MACHINE.moves[action];
  if (!m.from.includes(order.status)) {
    const details = { poNumber: order.poNumber, status: order.status, action, allowedFrom: m.from };
    if (PO_MACHINE.final.includes(order.status))
      throw new PurchasingError('PO_STATUS_FINAL', `purchase order ${order.poNumber} is ${order.status}, which is final: it cannot be moved`, 'state', details);
    throw new PurchasingError(
      'PO_TRANSITION_REFUSED',
      `purchase order ${order.poNumber} is ${order.status}: only an order that is ${m.from.join(' or ')} can be ${m.label.toLowerCase()}`,
      'state',
      details,
    );
  }
  const why = reason?.trim() || null;
  if (m.needsReason && !why) throw usage('REASON_REQUIRED', 'reason', `is required: say why purchase order ${order.poNumber} is ${m.to}`);
  if (m.requires === 'lines' && order.lines.length === 0)
    throw new PurchasingError('PO_EMPTY', `purchase order ${order.poNumber} has no lines: add what to order before sending it`, 'state', {
      poNumber: order.poNumber,
    });
  await q.query(
    `UPDATE public.purchase_orders SET status = $2::text, status_reason = coalesce($3, status_reason),
            sent_at = CASE WHEN $2::text = 'sent' AND sent_at IS NULL THEN now() ELSE sent_at END,
            closed_at = CASE WHEN $2::text IN ('closed', 'cancelled') THEN now() ELSE closed_at END
      WHERE id = $1`,
    [order.purchaseOrderId, m.to, why],
  );
}
