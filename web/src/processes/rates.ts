// The unit costs a process's costing needs, fetched once per variant (not per edit) from
// GET /api/unit-costs, which reduces each variant's rates by the costing's own rule (the
// dearest and cheapest active rate in effect today, and at each price break): up to 500 variants a request, so a
// 500-line process opens with one or two requests.
import { useEffect, useRef, useState } from 'react';
import { api, query } from '../api.ts';
import { parseScaled } from './cost.ts';
import type { Rates, UnitCost } from './cost.ts';

/** What GET /api/unit-costs answers. */
export interface UnitCosts {
  asOf: string;
  costs: { variantId: number; worst: string | null; best: string | null; breaks: { fromQuantity: string; worst: string; best: string }[] }[];
}

/** The API's unit costs as the page's costing takes them (money in hundredths, null when unpriced). */
export function ratesOf(answer: UnitCosts): Rates {
  return new Map(
    answer.costs.map((c): [number, UnitCost] => [
      c.variantId,
      {
        worst: c.worst === null ? null : parseScaled(c.worst, 2),
        best: c.best === null ? null : parseScaled(c.best, 2),
        // Break quantities have 3 decimals, line quantities 4: both in ten-thousandths.
        breaks: c.breaks.map((b) => ({ from: parseScaled(b.fromQuantity, 4)!, worst: parseScaled(b.worst, 2)!, best: parseScaled(b.best, 2)! })),
      },
    ]),
  );
}

/** The most variants one request names (the API's limit). */
export const UNIT_COSTS_AT_ONCE = 500;

/** Unit costs of `variantIds`, fetched as new ones appear (a variant already fetched is never fetched again). */
export function useRates(variantIds: readonly number[]): { rates: Rates; error: unknown } {
  const [rates, setRates] = useState<Rates>(() => new Map());
  const [error, setError] = useState<unknown>(undefined);
  const asked = useRef(new Set<number>());
  const key = [...new Set(variantIds)].sort((a, b) => a - b).join(',');

  useEffect(() => {
    const wanted =
      key === ''
        ? []
        : key
            .split(',')
            .map(Number)
            .filter((id) => !asked.current.has(id));
    if (wanted.length === 0) return;
    for (const id of wanted) asked.current.add(id);
    const run = async () => {
      for (let i = 0; i < wanted.length; i += UNIT_COSTS_AT_ONCE) {
        const chunk = wanted.slice(i, i + UNIT_COSTS_AT_ONCE);
        const got = ratesOf(await api<UnitCosts>('GET', `/api/unit-costs${query({ variantIds: chunk.join(',') })}`));
        setRates((prev) => new Map([...prev, ...got]));
      }
    };
    run().catch((err: unknown) => {
      for (const id of wanted) asked.current.delete(id);
      setError(err);
    });
  }, [key]);

  return { rates, error };
}
