import { useEffect, useState } from 'react';
import { api, query } from '../api.ts';
import { variantName } from '../items/variants.ts';
import type { Item, Variant } from '../shapes.ts';

const ITEMS_SHOWN = 8;
const TYPING_PAUSE_MS = 300;

/**
 * Picks a variant by searching items: the variants of the first items whose words match what
 * is typed fill the select (one request for the items, one per item for its variants).
 */
export function VariantPicker({
  idPrefix,
  value,
  onChange,
  invalid,
}: {
  idPrefix: string;
  value: number | undefined;
  onChange: (variantId: number | undefined) => void;
  invalid?: boolean;
}) {
  const [typed, setTyped] = useState('');
  const [found, setFound] = useState<{ q: string; variants: Variant[]; more: boolean } | undefined>(undefined);
  const [failed, setFailed] = useState('');
  const q = typed.trim();

  useEffect(() => {
    // What is not offered is not chosen: a new search chooses its first variant, an empty one none.
    onChange(undefined);
    if (q === '') return;
    let current = true;
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const items = await api<{ total: number; items: Item[] }>('GET', `/api/items${query({ q, limit: ITEMS_SHOWN })}`);
          const lists = await Promise.all(items.items.map((i) => api<Variant[]>('GET', `/api/items/${i.itemId}/variants`)));
          if (!current) return;
          const variants = lists.flat();
          setFound({ q, variants, more: items.total > items.items.length });
          setFailed('');
          onChange(variants[0]?.variantId);
        } catch (err) {
          if (current) setFailed(err instanceof Error ? err.message : 'The items could not be searched: try again.');
        }
      })();
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // onChange is the parent's setter: only a new search changes the choice.
  }, [q]);

  const shown = found && found.q === q ? found : undefined;
  return (
    <div className="wide pick">
      <div>
        <label htmlFor={`${idPrefix}-find`}>Find item</label>
        <input
          id={`${idPrefix}-find`}
          type="search"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="item name, model or category"
          autoComplete="off"
          aria-describedby={`${idPrefix}-found`}
        />
        <p className="hint" id={`${idPrefix}-found`} aria-live="polite">
          {failed
            ? failed
            : q === ''
              ? 'Type to find the item, then choose its variant.'
              : !shown
                ? 'Searching…'
                : shown.variants.length === 0
                  ? `No item with variants matches “${q}”.`
                  : `${shown.variants.length} variant${shown.variants.length === 1 ? '' : 's'} found${shown.more ? ` in the first ${ITEMS_SHOWN} items: type more to narrow` : ''}.`}
        </p>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-variant`}>Variant</label>
        <select
          id={`${idPrefix}-variant`}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}
          disabled={!shown || shown.variants.length === 0}
          {...(invalid ? { 'aria-invalid': true } : {})}
        >
          {!shown || shown.variants.length === 0 ? <option value="">Find an item first</option> : null}
          {shown?.variants.map((v) => (
            <option key={v.variantId} value={v.variantId}>
              {variantName(v)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
