// The API's response bodies, as far as the pages read them (the OpenAPI document at /api/docs has them whole).

export interface User {
  userId: number;
  name: string;
  email: string;
  /** A role of the API's table (GET /api/roles): pages never decide anything by it. */
  role: string;
}

/** A role as GET /api/roles serves it: what it is for, and what it may do. */
export interface RoleInfo {
  role: string;
  description: string;
  permissions: string[];
}

export interface Item {
  itemId: number;
  name: string;
  description: string | null;
  category: string | null;
  model: string | null;
  variation: string | null;
}

/** An item as the items list shows it: its live variants' stock per unit and their first codes. */
export interface ListedItem extends Item {
  stock: { unit: string; quantity: string }[];
  codes: string[];
  moreCodes: number;
}

export interface Variant {
  variantId: number;
  itemId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  /** Its code (SKU) and barcode; null: none. */
  code: string | null;
  barcode: string | null;
  /** Decimal strings, never floats. */
  stock: string;
  reorderThreshold: string;
  /** The supplier reorder suggestions buy it from while that one has a rate in effect, and its name; null: none. */
  preferredSupplierId: number | null;
  preferredSupplier: string | null;
}

/** A variant the lookup (GET /api/variants) found; `exact` when its code or barcode is the whole text. */
export interface FoundVariant extends Variant {
  exact: boolean;
}

export interface LedgerEntry {
  id: number;
  type: string;
  quantity: string;
  unit: string | null;
  notes: string | null;
  createdAt: string;
}

export interface LotsByStatus {
  from: string;
  to: string;
  /** A count per lot status, in the order of a lot's life as the API sends them, and `all`. */
  totals: Record<string, number> & { all: number };
}

export interface CostVariance {
  processId: number;
  process: string;
  lots: number;
  quantity: number;
  worstCaseEstimate: string;
  bestCaseEstimate: string;
  actual: string;
  variance: string;
  variancePercent: string | null;
  incompleteActuals: number;
}

export interface ImportJob {
  id: number;
  kind: string;
  status: string;
  message: string | null;
  fileName: string | null;
  totalRows: number;
  processedRows: number;
  successCount: number;
  failureCount: number;
  createdAt: string;
}

/** What is on order now (GET /api/purchase-orders/open): the orders waiting for goods per status, the drafts, what is still to come in per currency, the late ones. */
export interface OpenOrders {
  statuses: { status: string; label: string; count: number }[];
  drafts: number;
  /** Exact, tax included. */
  amounts: { currency: string; open: string }[];
  overdue: number;
}
