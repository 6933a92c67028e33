// The suppliers API's bodies, as the suppliers pages and the item page read them.

export interface Supplier {
  supplierId: number;
  firmName: string;
  address: string | null;
  gstin: string | null;
  email: string | null;
  phone: string | null;
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
}

export interface SupplierComparison {
  variantId: number;
  asOf: string;
  rates: Rate[];
  highest: Rate | null;
  lowest: Rate | null;
  currencies: string[];
}
