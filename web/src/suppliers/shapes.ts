// The suppliers API's bodies, as the suppliers pages and the item page read them.

export interface Supplier {
  supplierId: number;
  firmName: string;
  address: string | null;
  gstin: string | null;
  email: string | null;
  phone: string | null;
  /** Days from an order to its delivery, for the rates that name none. */
  leadTimeDays: number;
  createdAt: string;
  updatedAt: string;
}

export interface Rate {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  /** Decimal strings, never floats. */
  costPerUnit: string;
  currency: string;
  minimumOrderQuantity: string;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
  /** From `fromQuantity` units bought on, `costPerUnit` each; smallest first. */
  breaks: { fromQuantity: string; costPerUnit: string }[];
  /** Null: the supplier's default lead time. */
  leadTimeDays: number | null;
  packSize: string;
}

export interface SupplierComparison {
  variantId: number;
  asOf: string;
  rates: Rate[];
  highest: Rate | null;
  lowest: Rate | null;
  currencies: string[];
}
