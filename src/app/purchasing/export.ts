import type { Queryable } from '../../db/types.ts';
import { csvCell } from '../imports/errors-csv.ts';
import { PAGE, pagedCsv } from '../imports/export.ts';
import type { ExportOptions } from '../imports/export.ts';
import { landedUnitCostSql } from './charges.ts';
import { PurchasingError } from './status.ts';
import { getSettings } from '../settings/settings.ts';

/**
 * Purchase orders and goods receipts as CSV for a spreadsheet or an accountant: one row per
 * line, the order's (or receipt's) own columns repeated on each; an order or receipt without
 * lines is one row with the line's columns empty. Amounts and quantities are the exact
 * decimals the database holds (never rounded); text cells a spreadsheet would run as a formula
 * get an apostrophe in front (csvCell), numbers go out as they are (a reversal's -5 is a
 * number, not a formula). Days are written in the installation's date format; a receipt's
 * amounts name the installation's currency in their headers ("Unit Cost (INR)"), an order's
 * are in the order's own currency, its Currency column. UTF-8 with a BOM, CRLF; pages of 2,000
 * lines by key, so memory stays flat however many there are. These files are reports: no import
 * reads them back.
 */
export const PURCHASE_ORDER_COLUMNS = [
  'PO Number',
  'Supplier',
  'Status',
  'Order Date',
  'Expected On',
  'Currency',
  'Notes',
  'Line',
  'Item',
  'Color',
  'Size',
  'Unit',
  'Quantity',
  'Received',
  'Unit Price',
  'Tax %',
  'Discount %',
  'Net',
  'Tax',
  'Total',
] as const;

export const GOODS_RECEIPT_COLUMNS = [
  'Receipt Number',
  'Supplier',
  'PO Number',
  'Bill Number',
  'Received On',
  'Reverses',
  'Notes',
  'Tax %',
  'Discount %',
  'Discount Amount',
  'Total Amount',
  'Grand Total',
  'Line',
  'Item',
  'Color',
  'Size',
  'Unit',
  'Quantity',
  'Unit Cost',
  'Amount',
  'Over-receipt Reason',
  'Charges',
  'Landed Unit Cost',
] as const;

/** A receipt's charges (freight, duty, other), a row per charge and line with the line's share. */
export const RECEIPT_CHARGE_COLUMNS = [
  'Receipt Number',
  'Supplier',
  'Received On',
  'Kind',
  'Description',
  'Spread',
  'Added Later',
  'Bill Number',
  'Charged On',
  'Charge Amount',
  'Line',
  'Item',
  'Color',
  'Size',
  'Quantity',
  'Unit Cost',
  'Share',
  'Landed Unit Cost',
] as const;

/** A cell that holds a number the database wrote (optionally negative, with decimals): written as it is. */
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A CSV line whose `numeric` cells go out as they are when they are numbers, and every other cell guarded (csvCell). */
function lineWith(numeric: ReadonlySet<number>) {
  return (cells: readonly (string | null)[]) => `${cells.map((c, i) => (c !== null && numeric.has(i) && NUMBER.test(c) ? c : csvCell(c))).join(',')}\r\n`;
}

const indexes = (columns: readonly string[], numeric: readonly string[]) => new Set(numeric.map((n) => columns.indexOf(n)));

const ORDER_NUMBERS = indexes(PURCHASE_ORDER_COLUMNS, ['Line', 'Quantity', 'Received', 'Unit Price', 'Tax %', 'Discount %', 'Net', 'Tax', 'Total']);
const RECEIPT_NUMBERS = indexes(GOODS_RECEIPT_COLUMNS, [
  'Tax %',
  'Discount %',
  'Discount Amount',
  'Total Amount',
  'Grand Total',
  'Line',
  'Quantity',
  'Unit Cost',
  'Amount',
  'Charges',
  'Landed Unit Cost',
]);
const CHARGE_NUMBERS = indexes(RECEIPT_CHARGE_COLUMNS, ['Charge Amount', 'Line', 'Quantity', 'Unit Cost', 'Share', 'Landed Unit Cost']);

/** A receipt's amounts, in the installation's currency: their headers name it. */
const RECEIPT_MONEY: ReadonlySet<string> = new Set([
  'Discount Amount',
  'Total Amount',
  'Grand Total',
  'Unit Cost',
  'Amount',
  'Charges',
  'Landed Unit Cost',
  'Charge Amount',
  'Share',
]);
/** A receipt's header, each amount naming the installation's currency. */
const inCurrency = (columns: readonly string[], currency: string) => columns.map((c) => (RECEIPT_MONEY.has(c) ? `${c} (${currency})` : c));
/** What the shares of a receipt line `l` add up to (NULL: it carries no charge). */
const LINE_SHARES = '(SELECT sum(cl.amount) FROM public.goods_receipt_charge_lines cl WHERE cl.receipt_line_id = l.id)';
/** A receipt line `l`'s position in its receipt (1, 2… in the order received). */
const LINE_POSITION = '(SELECT count(*) FROM public.goods_receipt_lines n WHERE n.receipt_id = l.receipt_id AND n.id <= l.id)::text';

const LINE_MONEY = '(l.quantity * l.unit_price * (1 - l.discount_rate / 100))';
/** The names of a line's variant (i, c, sz, v), when there is a line `l`. */
const LINE_VARIANT = `LEFT JOIN public.item_variant v ON v.variant_id = l.variant_id LEFT JOIN public.item_master i ON i.item_id = v.item_id
             LEFT JOIN public.color_master c ON c.color_id = v.color_id LEFT JOIN public.size_master sz ON sz.size_id = v.size_id`;

/** Every purchase order, oldest first, a row per line in line order (the columns of PURCHASE_ORDER_COLUMNS). */
export async function* exportPurchaseOrdersCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  const { dateFormat } = await getSettings(q);
  yield* pagedCsv(
    PURCHASE_ORDER_COLUMNS,
    { order: 0, line: -1 },
    options,
    async (after) =>
      (
        await q.query<{ orderId: number; lineNo: number; cells: (string | null)[] }>(
          `SELECT o.id AS "orderId", coalesce(l.line_no, 0) AS "lineNo",
                  ARRAY[o.po_number::text, s.firm_name::text, o.status::text, to_char(o.order_date, $3), to_char(o.expected_on, $3),
                        o.currency::text, o.notes, l.line_no::text, i.name::text, c.color_name::text, sz.size_name::text, v.unit::text,
                        trim_scale(l.quantity)::text, trim_scale(l.received_quantity)::text, trim_scale(l.unit_price)::text,
                        trim_scale(l.tax_rate)::text, trim_scale(l.discount_rate)::text, trim_scale(${LINE_MONEY})::text,
                        trim_scale(${LINE_MONEY} * l.tax_rate / 100)::text, trim_scale(${LINE_MONEY} * (1 + l.tax_rate / 100))::text] AS cells
             FROM public.purchase_orders o
             JOIN public.suppliers s ON s.supplier_id = o.supplier_id
             LEFT JOIN public.purchase_order_lines l ON l.po_id = o.id
             ${LINE_VARIANT}
            WHERE (o.id, coalesce(l.line_no, 0)) > ($1::int, $2::int)
            ORDER BY o.id, coalesce(l.line_no, 0) LIMIT ${PAGE}`,
          [after.order, after.line, dateFormat],
        )
      ).rows.map((r) => ({ key: { order: r.orderId, line: r.lineNo }, cells: r.cells })),
    lineWith(ORDER_NUMBERS),
  );
}

/**
 * Every goods receipt, oldest first, a row per line (numbered 1, 2… in the order received);
 * a reversing receipt names the receipt it reverses and has negative quantities.
 */
export async function* exportGoodsReceiptsCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  const { dateFormat, currency } = await getSettings(q);
  yield* pagedCsv(
    inCurrency(GOODS_RECEIPT_COLUMNS, currency),
    { receipt: 0, line: 0 },
    options,
    async (after) =>
      (
        await q.query<{ receiptId: number; lineId: number; cells: (string | null)[] }>(
          `SELECT r.id AS "receiptId", coalesce(l.id, 0) AS "lineId",
                  ARRAY[r.receipt_number::text, s.firm_name::text, o.po_number::text, r.bill_number::text, to_char(r.received_on, $3),
                        x.receipt_number::text, r.notes, trim_scale(r.tax_percentage)::text, trim_scale(r.discount_percentage)::text,
                        trim_scale(r.discount_amount)::text, trim_scale(r.total_amount)::text, trim_scale(r.grand_total)::text,
                        CASE WHEN l.id IS NOT NULL THEN ${LINE_POSITION} END,
                        i.name::text, c.color_name::text, sz.size_name::text, v.unit::text,
                        trim_scale(l.quantity)::text, trim_scale(l.unit_cost)::text, trim_scale(l.quantity * l.unit_cost)::text, l.over_receipt_reason,
                        trim_scale(coalesce(${LINE_SHARES}, CASE WHEN l.id IS NOT NULL THEN 0 END))::text,
                        trim_scale(${landedUnitCostSql('l.unit_cost', 'l.quantity', LINE_SHARES)})::text] AS cells
             FROM public.goods_receipts r
             JOIN public.suppliers s ON s.supplier_id = r.supplier_id
             LEFT JOIN public.purchase_orders o ON o.id = r.po_id
             LEFT JOIN public.goods_receipts x ON x.id = r.reverses_receipt_id
             LEFT JOIN public.goods_receipt_lines l ON l.receipt_id = r.id
             ${LINE_VARIANT}
            WHERE (r.id, coalesce(l.id, 0)) > ($1::int, $2::int)
            ORDER BY r.id, coalesce(l.id, 0) LIMIT ${PAGE}`,
          [after.receipt, after.line, dateFormat],
        )
      ).rows.map((r) => ({ key: { receipt: r.receiptId, line: r.lineId }, cells: r.cells })),
    lineWith(RECEIPT_NUMBERS),
  );
}

/**
 * Every charge of every receipt, oldest first, a row per charge and line (in the order
 * received) with the line's share and landed unit cost; a reversal's charges are negative.
 */
export async function* exportReceiptChargesCsv(q: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  const { dateFormat, currency } = await getSettings(q);
  yield* pagedCsv(
    inCurrency(RECEIPT_CHARGE_COLUMNS, currency),
    { charge: 0, line: 0 },
    options,
    async (after) =>
      (
        await q.query<{ chargeId: number; lineId: number; cells: (string | null)[] }>(
          `SELECT ch.id AS "chargeId", l.id AS "lineId",
                  ARRAY[r.receipt_number::text, s.firm_name::text, to_char(r.received_on, $3), ch.kind::text, ch.description, ch.spread::text,
                        CASE WHEN ch.added_later THEN 'yes' ELSE 'no' END, ch.bill_number::text, to_char(ch.charged_on, $3), trim_scale(ch.amount)::text,
                        ${LINE_POSITION}, i.name::text, c.color_name::text, sz.size_name::text,
                        trim_scale(l.quantity)::text, trim_scale(l.unit_cost)::text, trim_scale(cl.amount)::text,
                        trim_scale(${landedUnitCostSql('l.unit_cost', 'l.quantity', LINE_SHARES)})::text] AS cells
             FROM public.goods_receipt_charges ch
             JOIN public.goods_receipts r ON r.id = ch.receipt_id
             JOIN public.suppliers s ON s.supplier_id = r.supplier_id
             JOIN public.goods_receipt_charge_lines cl ON cl.charge_id = ch.id
             JOIN public.goods_receipt_lines l ON l.id = cl.receipt_line_id
             ${LINE_VARIANT}
            WHERE (ch.id, l.id) > ($1::int, $2::int)
            ORDER BY ch.id, l.id LIMIT ${PAGE}`,
          [after.charge, after.line, dateFormat],
        )
      ).rows.map((r) => ({ key: { charge: r.chargeId, line: r.lineId }, cells: r.cells })),
    lineWith(CHARGE_NUMBERS),
  );
}

/** The purchasing exports by name, as `GET /api/exports/NAME.csv` and `mtc export --kind NAME` take them. */
export const PURCHASING_EXPORTS = {
  'purchase-orders': exportPurchaseOrdersCsv,
  'goods-receipts': exportGoodsReceiptsCsv,
  'receipt-charges': exportReceiptChargesCsv,
} as const;
export type PurchasingExportName = keyof typeof PURCHASING_EXPORTS;
export const PURCHASING_EXPORT_NAMES = Object.keys(PURCHASING_EXPORTS) as PurchasingExportName[];

export function isPurchasingExport(name: string): name is PurchasingExportName {
  return Object.hasOwn(PURCHASING_EXPORTS, name);
}

/** The named purchasing export; a usage error naming the ones there are otherwise. */
export function purchasingExportCsv(q: Queryable, name: string, options: ExportOptions = {}): AsyncGenerator<string> {
  if (!isPurchasingExport(name))
    throw new PurchasingError('UNKNOWN_EXPORT', `there is no purchasing export ${name}: choose ${PURCHASING_EXPORT_NAMES.join(' or ')}`, 'usage', {
      exports: PURCHASING_EXPORT_NAMES,
    });
  return PURCHASING_EXPORTS[name](q, options);
}
