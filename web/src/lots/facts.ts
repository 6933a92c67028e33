import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { SupplierComparison, VariantStock } from './types.ts';

/** What the lot pages show of the variants a process uses: stock on hand and, for alternatives, the highest and lowest current rates. */
export interface VariantFacts {
  stock: ReadonlyMap<number, VariantStock>;
  rates: ReadonlyMap<number, SupplierComparison>;
  error: unknown;
  loading: boolean;
}

/**
 * Loads the stock of `stockIds` and the supplier comparison of `rateIds` (one request each,
 * all at once). `generation` loads them again (after stock moved).
 */
export function useVariantFacts(stockIds: readonly number[], rateIds: readonly number[], generation = 0): VariantFacts {
  const key = `${stockIds.join(',')}|${rateIds.join(',')}|${generation}`;
  const [state, setState] = useState<{ key: string; facts?: Omit<VariantFacts, 'loading' | 'error'>; error?: unknown }>({ key: '' });
  useEffect(() => {
    let current = true;
    Promise.all([
      Promise.all(stockIds.map((id) => api<VariantStock>('GET', `/api/variants/${id}`))),
      Promise.all(rateIds.map((id) => api<SupplierComparison>('GET', `/api/variants/${id}/supplier-comparison`).then((c) => [id, c] as const))),
    ]).then(
      ([stocks, rates]) => current && setState({ key, facts: { stock: new Map(stocks.map((v) => [v.variantId, v])), rates: new Map(rates) } }),
      (error: unknown) => current && setState({ key, error }),
    );
    return () => {
      current = false;
    };
    // The key names everything the request depends on.
  }, [key]);
  const settled = state.key === key;
  return {
    stock: (settled && state.facts?.stock) || new Map(),
    rates: (settled && state.facts?.rates) || new Map(),
    error: settled ? state.error : undefined,
    loading: !settled,
  };
}
