// The purchasing API's bodies (src/http/routes/purchasing.ts) as the purchasing pages read
// them; web/src/contract.ts checks each against the API's own types. Money and quantities are
// decimal strings, exact: the pages round them only to show them. An order's statuses and
// moves are the API's (GET /api/purchase-orders/statuses, an order's `actions`, `linesEditable`,
// `receivable`): the pages keep no list of them.

/** A move the signed-in user may make on an order now, as the API offers it. */
export interface OrderAction {
  action: string;
  label: string;
  to: string;
  needsReason: boolean;
  /** A sentence to confirm before a move that cannot be undone. */
  confirm: string | null;
}

/** A status an order can have, with its label. */
export interface OrderStatusInfo {
  name: string;
  label: string;
  final: boolean;
}

export interface OrderSummary {
  purchaseOrderId: number;
  poNumber: string;
  supplierId: number;
  supplier: string;
  status: string;
  statusLabel: string;
  statusReason: string | null;
  /** YYYY-MM-DD. */
  orderDate: string;
  expectedOn: string | null;
  currency: string;
  notes: string | null;
  lineCount: number;
  net: string;
  tax: string;
  total: string;
  /** The name of the user who made the order (its buyer); null when made from the command line. */
  createdByName: string | null;
  createdAt: string;
  sentAt: string | null;
  closedAt: string | null;
  /** Lines may be added, changed or removed now. */
  linesEditable: boolean;
  /** Goods may be received against the order now. */
  receivable: boolean;
  actions: OrderAction[];
}

export interface OrderLine {
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
  openQuantity: string;
  net: string;
  tax: string;
  total: string;
  notes: string | null;
}

export interface Order extends OrderSummary {
  lines: OrderLine[];
  /** What the person placing the order should know, e.g. a quantity below the minimum order quantity. */
  warnings: { lineNo: number; code: string; message: string }[];
}

export interface ReceiptSummary {
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
  createdAt: string;
}

export interface ReceiptLine {
  receiptLineId: number;
  poLineId: number | null;
  variantId: number;
  item: string;
  color: string;
  size: string;
  /** Negative in a reversing receipt. */
  quantity: string;
  unitCost: string;
  amount: string;
  overReceiptReason: string | null;
  /** The line's share of each of the receipt's charges. */
  shares: { chargeId: number; amount: string }[];
  /** Unit cost + the line's shares ÷ its quantity: what one unit came in at. */
  landedUnitCost: string;
}

/** A charge on a receipt (freight, duty, other), on it when posted or added later. */
export interface ReceiptCharge {
  chargeId: number;
  kind: 'freight' | 'duty' | 'other';
  description: string | null;
  amount: string;
  spread: 'quantity' | 'value' | 'manual';
  addedLater: boolean;
  billNumber: string | null;
  chargedOn: string;
  createdAt: string;
}

export interface Receipt extends ReceiptSummary {
  lines: ReceiptLine[];
  charges: ReceiptCharge[];
  warnings: { code: string; message: string }[];
}
