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

/** What all stock is worth on a day (GET /api/stock/value/total): the variants with stock, and those whose stock has no cost yet. */
export interface StockValueTotal {
  asOf: string;
  value: string;
  variants: number;
  unvaluedVariants: number;
}

export interface StockValue {
  asOf: string;
  by: string;
  total: Omit<StockValueTotal, 'asOf'>;
  count: number;
  rows: StockValueRow[];
}
