import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { Pager } from '../Pager.tsx';
import type { Item } from '../shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

const PAGE_SIZE = 25;
const TYPING_PAUSE_MS = 300;

/** The items, searched and a page at a time; the address keeps the search (?q=) and the page (?page=). */
export default function Items() {
  usePageTitle('Items');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [typed, setTyped] = useState(q);
  const pushed = useRef(q);

  // The address follows the search box once typing pauses; a new search starts at page 1.
  useEffect(() => {
    const wanted = typed.trim();
    if (wanted === q) return;
    const timer = setTimeout(() => {
      pushed.current = wanted;
      setParams(searchParams(wanted, 1), { replace: true });
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed, q, setParams]);
  // …and the box follows the address when something else changes it (back, forward, a link),
  // never when the change is the box's own: that would undo what was typed since.
  useEffect(() => {
    if (q !== pushed.current) {
      pushed.current = q;
      setTyped(q);
    }
  }, [q]);

  const loaded = useApi<{ total: number; items: Item[] }>(`/api/items${query({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  const pages = loaded.data ? Math.max(1, Math.ceil(loaded.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <h1>Items</h1>
      <div className="toolbar">
        <label htmlFor="item-search">Search items</label>
        <input id="item-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="name, model, variation or category" autoComplete="off" />
      </div>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.items.length === 0 ? (
        <p className="empty">
          {q ? `No items match “${q}”. ` : page > 1 ? 'This page is past the last item. ' : 'No items yet.'}
          {(q || page > 1) && <Link to="/items">Show all items</Link>}
        </p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Category</th>
                <th scope="col">Model</th>
                <th scope="col">Variation</th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((item) => (
                <tr key={item.itemId}>
                  <td>
                    <Link to={`/items/${item.itemId}`}>{item.name}</Link>
                  </td>
                  <td>{item.category ?? '—'}</td>
                  <td>{item.model ?? '—'}</td>
                  <td>{item.variation ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} pages={pages} total={loaded.data.total} noun={['item', 'items']} onPage={(p) => setParams(searchParams(q, p))} />
        </>
      )}
    </>
  );
}

function searchParams(q: string, page: number): Record<string, string> {
  return { ...(q ? { q } : {}), ...(page > 1 ? { page: String(page) } : {}) };
}
