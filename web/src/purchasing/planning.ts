// What to buy next and what a supplier has been bought from, as the API answers (GET
// /api/purchasing/suggestions, GET /api/suppliers/:id/ledger and its per-variant history; the
// OpenAPI document at /api/docs has them whole). Money and quantities are decimal strings, exact.

/** A variant to reorder: why (stock, threshold, what lots need within the lead time, what is on order) and from whom, in what quantity and at what price. */
export interface Suggestion {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  stock: string;
  threshold: string;
  /** What the open lots planned to start within the lead time need of it (no planned start: today). */
  demand: string;
  /** What the lots planned after the lead time need: not bought yet. */
  later: string;
  laterFrom: string | null;
  /** Open quantity on orders not yet received in full (drafts too). */
  onOrder: string;
  /** threshold + demand − stock − onOrder: more than 0. */
  shortfall: string;
  minimumOrderQuantity: string | null;
  packSize: string | null;
  /** The shortfall rounded up to the minimum order, then to whole packs. */
  quantity: string;
  /** quantity − shortfall: what the rounding adds. */
  extra: string | null;
  leadTimeDays: number | null;
  /** The first planned start among the lots covered less the lead time (past: late). */
  orderBy: string | null;
  /** Null when no supplier has an active rate for it. */
  supplierId: number | null;
  supplier: string | null;
  /** The price at the break the quantity reaches. */
  unitPrice: string | null;
  /** The rate's own price, from 1. */
  ratePrice: string | null;
  /** The break reached (null: the rate's own price). */
  breakFrom: string | null;
  amount: string | null;
  /** Why this supplier: the variant's preferred one, or the lowest price at the quantity (null without a supplier). */
  why: string | null;
}

export interface SupplierSuggestions {
  supplierId: number;
  supplier: string;
  /** The supplier's default lead time (each line has its own). */
  leadTimeDays: number;
  orderBy: string | null;
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
