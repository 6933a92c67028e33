// What to buy next and what a supplier has been bought from, as the API answers (GET
// /api/purchasing/suggestions, GET /api/suppliers/:id/ledger and its per-variant history; the
// OpenAPI document at /api/docs has them whole). Money and quantities are decimal strings, exact.

/** A variant to reorder: why (stock, threshold, what lots need, what is on order) and from whom, at what rate. */
export interface Suggestion {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  stock: string;
  threshold: string;
  /** What lots in planning, ready and in progress need of it. */
  demand: string;
  /** Open quantity on orders not yet received in full (drafts too). */
  onOrder: string;
  /** threshold + demand − stock − onOrder: more than 0. */
  shortfall: string;
  minimumOrderQuantity: string | null;
  /** The shortfall, or the rate's minimum order quantity when that is more. */
  quantity: string;
  /** Null when no supplier has an active rate for it. */
  supplierId: number | null;
  supplier: string | null;
  unitPrice: string | null;
  amount: string | null;
  /** Why this supplier: the variant's preferred one, or the lowest rate (null without a supplier). */
  why: string | null;
}

export interface SupplierSuggestions {
  supplierId: number;
  supplier: string;
  lineCount: number;
  total: string;
  lines: Suggestion[];
}

export interface Suggestions {
  suppliers: SupplierSuggestions[];
  withoutSupplier: Suggestion[];
}

/** An order as the lists answer it, as far as a link to it goes. */
export interface OrderLink {
  purchaseOrderId: number;
  poNumber: string;
  supplier: string;
  lineCount: number;
  total: string;
}

/** A goods receipt as the lists answer it, as far as the ledger shows it. */
export interface ReceiptSummary {
  receiptId: number;
  receiptNumber: string;
  poNumber: string | null;
  billNumber: string | null;
  receivedOn: string;
  totalAmount: string;
  grandTotal: string;
  reversesReceiptId: number | null;
}

export interface LedgerVariant {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  orderedQuantity: string;
  receivedQuantity: string;
  openQuantity: string;
  lastPricePaid: string | null;
  lastReceivedOn: string | null;
  rateInEffect: string | null;
  /** lastPricePaid − rateInEffect. */
  difference: string | null;
}

export interface SupplierLedger {
  supplierId: number;
  supplier: string;
  orders: { count: number; open: number; byStatus: Record<string, number>; orderedAmount: string; openAmount: string };
  receipts: { count: number; receivedAmount: string; lastReceivedOn: string | null };
  /** Of the orders with an expected day that are received or closed, those whose last receipt came by then; share null when none is due. */
  onTime: { due: number; onTime: number; share: string | null };
  variants: LedgerVariant[];
  recentReceipts: ReceiptSummary[];
}

export interface PurchaseHistory {
  total: number;
  rateInEffect: string | null;
  history: {
    receiptId: number;
    receiptNumber: string;
    receivedOn: string;
    poNumber: string | null;
    billNumber: string | null;
    /** Negative for a reversal. */
    quantity: string;
    unitCost: string;
  }[];
}
