import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

const TYPING_PAUSE_MS = 300;

/** A list's search and page as the address keeps them (?q=, ?page= and any filters), and the search box's text. */
export interface SearchPage {
  /** The search the list shows (trimmed), '' for none. */
  q: string;
  /** The page shown, from 1. */
  page: number;
  /** What the search box holds: the address follows it once typing pauses. */
  typed: string;
  setTyped(text: string): void;
  setPage(page: number): void;
  /** A filter's value in the address ('' when unset). */
  filter(name: string): string;
  /** Sets (or clears, with '') a filter; the list goes back to page 1. */
  setFilter(name: string, value: string): void;
}

/**
 * The state of a searchable, paged list, kept in the address so a reload or a shared link
 * shows the same page: a new search or filter starts again at page 1.
 */
export function useSearchPage(): SearchPage {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [typed, setTyped] = useState(q);
  const pushed = useRef(q);

  const update = useCallback(
    (change: (next: URLSearchParams) => void, replace = false) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          change(next);
          return next;
        },
        { replace },
      ),
    [setParams],
  );

  // The address follows the search box once typing pauses; a new search starts at page 1.
  useEffect(() => {
    const wanted = typed.trim();
    if (wanted === q) return;
    const timer = setTimeout(() => {
      pushed.current = wanted;
      update((next) => {
        if (wanted) next.set('q', wanted);
        else next.delete('q');
        next.delete('page');
      }, true);
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed, q, update]);
  // …and the box follows the address when something else changes it (back, forward, a link),
  // never when the change is the box's own: that would undo what was typed since.
  useEffect(() => {
    if (q !== pushed.current) {
      pushed.current = q;
      setTyped(q);
    }
  }, [q]);

  return {
    q,
    page,
    typed,
    setTyped,
    setPage: (p) =>
      update((next) => {
        if (p > 1) next.set('page', String(p));
        else next.delete('page');
      }),
    filter: (name) => params.get(name) ?? '',
    setFilter: (name, value) =>
      update((next) => {
        if (value) next.set(name, value);
        else next.delete(name);
        next.delete('page');
      }),
  };
}

/** How many pages `total` rows fill, `size` to a page (at least one). */
export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}
