// The rates a process's costing needs, fetched once per variant (not per edit): every rate of
// the variant (GET /api/variants/:id/rates), reduced to the highest and lowest that are active
// and in effect on the database's day, as the API's costing reduces them.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { parseScaled } from './cost.ts';
import type { Rates, UnitCost } from './cost.ts';

interface Rate {
  costPerUnit: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  isActive: boolean;
}

/** The variant's worst and best unit cost on `day` (YYYY-MM-DD) from its rate history. */
export function unitCostOf(rates: readonly Rate[], day: string): UnitCost {
  let worst: bigint | null = null;
  let best: bigint | null = null;
  for (const r of rates) {
    if (!r.isActive || r.effectiveFrom.slice(0, 10) > day || (r.effectiveTo !== null && r.effectiveTo.slice(0, 10) < day)) continue;
    const c = parseScaled(r.costPerUnit, 2);
    if (c === null) continue;
    if (worst === null || c > worst) worst = c;
    if (best === null || c < best) best = c;
  }
  return { worst, best };
}

const AT_ONCE = 6;

/**
 * Unit costs of `variantIds`, fetched as new ones appear (a variant already fetched is never
 * fetched again). The day is the database's, read once from a supplier comparison.
 */
export function useRates(variantIds: readonly number[]): { rates: Rates; error: unknown } {
  const [rates, setRates] = useState<Rates>(() => new Map());
  const [error, setError] = useState<unknown>(undefined);
  const asked = useRef(new Set<number>());
  const day = useRef<Promise<string> | null>(null);
  const key = [...new Set(variantIds)].sort((a, b) => a - b).join(',');

  useEffect(() => {
    const wanted = key === '' ? [] : key.split(',').map(Number).filter((id) => !asked.current.has(id));
    if (wanted.length === 0) return;
    for (const id of wanted) asked.current.add(id);
    day.current ??= api<{ asOf: string }>('GET', `/api/variants/${wanted[0]}/supplier-comparison`).then((c) => c.asOf);
    const run = async () => {
      const d = await day.current!;
      for (let i = 0; i < wanted.length; i += AT_ONCE) {
        const chunk = wanted.slice(i, i + AT_ONCE);
        const got = await Promise.all(chunk.map(async (id) => [id, unitCostOf(await api<Rate[]>('GET', `/api/variants/${id}/rates`), d)] as const));
        setRates((prev) => {
          const next = new Map(prev);
          for (const [id, unit] of got) next.set(id, unit);
          return next;
        });
      }
    };
    run().catch((err: unknown) => {
      for (const id of wanted) asked.current.delete(id);
      day.current = null;
      setError(err);
    });
  }, [key]);

  return { rates, error };
}
