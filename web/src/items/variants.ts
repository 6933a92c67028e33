import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { Variant } from '../shapes.ts';

/** How a variant reads wherever its item is not already said: "Kids Helmet — Pink / XL". */
export function variantName(v: Pick<Variant, 'item' | 'color' | 'size'>): string {
  return `${v.item} — ${v.color} / ${v.size}`;
}

const known = new Map<number, Promise<Variant>>();

/**
 * The variants with these ids, as they load (each fetched once per page load, deleted ones
 * too: a rate keeps its variant). An id whose variant could not be read is left out.
 */
export function useVariants(ids: readonly number[]): Map<number, Variant> {
  const [found, setFound] = useState(() => new Map<number, Variant>());
  const key = [...new Set(ids)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    let current = true;
    const wanted = key === '' ? [] : key.split(',').map(Number);
    for (const id of wanted) {
      let promise = known.get(id);
      if (!promise) {
        promise = api<Variant>('GET', `/api/variants/${id}`);
        known.set(id, promise);
        promise.catch(() => known.delete(id));
      }
      promise.then(
        (v) => current && setFound((m) => (m.has(id) ? m : new Map(m).set(id, v))),
        () => {},
      );
    }
    return () => {
      current = false;
    };
  }, [key]);
  return found;
}
