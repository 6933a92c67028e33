// What stock is worth, as GET /api/stock/value answers (the OpenAPI document at /api/docs has it
// whole). Money and quantities are decimal strings, exact; they are rounded only when shown.

/** How the rows are grouped: per variant, per item or per category. */
export type ValueGrouping = 'variant' | 'item' | 'category';

export interface StockValueRow {
  /** The variant's or item's id, or the category ('' for items without one). */
  key: string;
  name: string;
  /** Per variant only. */
  stock: string | null;
  unit: string | null;
  /** The value of the stock that has a cost. */
  value: string;
  /** value ÷ stock, for a variant whose stock has a cost. */
  averageCost: string | null;
  /** Variants in the row whose stock has no cost on the day (counted apart, never as worth 0). */
  unvaluedVariants: number;
  /** Per variant: how much of it has no cost. */
  unvaluedStock: string | null;
}

export interface StockValue {
  asOf: string;
  by: string;
  total: { value: string; variants: number; unvaluedVariants: number };
  count: number;
  rows: StockValueRow[];
}
