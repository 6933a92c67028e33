import { useEffect, useId, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { api, query } from '../api.ts';
import type { FoundVariant } from '../shapes.ts';
import { variantName } from './variants.ts';
import './finder.css';

const SHOWN = 20;
const TYPING_PAUSE_MS = 250;

type Found = { q: string; variants: FoundVariant[]; more: boolean };

/** The variants GET /api/variants finds for what was typed (name words, colour, size, code, barcode). */
export const findVariants = (q: string, limit = SHOWN) => api<Found>('GET', `/api/variants${query({ q, limit })}`).then((r) => ({ ...r, q }));

/** What an option says: the variant, then its code and barcode when it has them. */
const optionText = (v: FoundVariant) => [variantName(v), v.code, v.barcode].filter(Boolean).join(' · ');

/**
 * One box that finds a variant by its item's name, its colour or size, its code or its barcode
 * (a scanner typing the digits and Enter picks the variant at once): an ARIA combobox with a
 * listbox of what the API found, arrow keys to move, Enter to pick, Escape to close.
 * `onPick` gets the variant chosen, or undefined when the text changes after a choice.
 */
export function VariantFinder({
  id,
  label = 'Variant',
  onPick,
  invalid,
  placeholder = 'name, code or barcode',
}: {
  id: string;
  label?: string;
  onPick: (variant: FoundVariant | undefined) => void;
  invalid?: boolean;
  placeholder?: string;
}) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | undefined>(undefined);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<FoundVariant | undefined>(undefined);
  const [failed, setFailed] = useState('');
  const listId = `${id}-list`;
  const optionId = `${useId()}-option`;
  const q = text.trim();

  useEffect(() => {
    if (q === '' || (picked && text === optionText(picked))) return;
    let current = true;
    const timer = setTimeout(() => {
      findVariants(q).then(
        (r) => {
          if (!current) return;
          setFound(r);
          setFailed('');
          setActive(r.variants.findIndex((v) => v.exact));
        },
        (err: unknown) => current && setFailed(err instanceof Error ? err.message : 'The variants could not be searched: try again.'),
      );
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, picked, text]);

  const shown = found && found.q === q ? found : undefined;

  function pick(v: FoundVariant) {
    setPicked(v);
    setText(optionText(v));
    setOpen(false);
    setActive(-1);
    onPick(v);
  }

  async function enter() {
    if (shown && open && active >= 0 && shown.variants[active]) return pick(shown.variants[active]);
    // A scanner types faster than the pause: ask now, and take the exact match (or the only one).
    const r = shown ?? (await findVariants(q).catch(() => undefined));
    if (!r) return;
    if (r.q === q) setFound(r);
    const only = r.variants.find((v) => v.exact) ?? (r.variants.length === 1 ? r.variants[0] : undefined);
    if (only) pick(only);
    else setOpen(true);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const n = shown?.variants.length ?? 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) return setOpen(true);
      if (n > 0) setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % n : (a - 1 + n) % n));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (q !== '') void enter();
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const expanded = open && q !== '' && !!shown && shown.variants.length > 0;
  const status = failed
    ? failed
    : picked
      ? `Chosen: ${variantName(picked)}.`
      : q === ''
        ? 'Type part of a name, a code, or scan a barcode.'
        : !shown
          ? 'Searching…'
          : shown.variants.length === 0
            ? `No variant matches “${q}”.`
            : `${shown.variants.length}${shown.more ? '+' : ''} found: arrow keys and Enter, or click one${shown.more ? '; type more to narrow' : ''}.`;
  return (
    <div className="finder">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${optionId}-${active}` : undefined}
        aria-describedby={`${id}-status`}
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
          if (picked) {
            setPicked(undefined);
            onPick(undefined);
          }
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => q !== '' && !picked && setOpen(true)}
        {...(invalid ? { 'aria-invalid': true } : {})}
      />
      <div id={listId} role="listbox" aria-label={`${label}: found`} className="finder-list" hidden={!expanded}>
        {expanded &&
          shown.variants.map((v, k) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input takes the keys for its options
            <div
              key={v.variantId}
              id={`${optionId}-${k}`}
              role="option"
              tabIndex={-1}
              aria-selected={k === active}
              className={k === active ? 'active' : undefined}
              // Chosen before the input's blur closes the list.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(v)}
            >
              <span>{variantName(v)}</span>
              {(v.code || v.barcode) && <span className="finder-code">{[v.code, v.barcode].filter(Boolean).join(' · ')}</span>}
            </div>
          ))}
      </div>
      <p className="hint" id={`${id}-status`} aria-live="polite">
        {status}
      </p>
    </div>
  );
}
