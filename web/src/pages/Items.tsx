import { Fragment, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import '../forms.css';
import { ItemForm } from '../items/ItemForm.tsx';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { findVariants } from '../items/VariantFinder.tsx';
import { formatQuantity } from '../format.ts';
import '../items/finder.css';
import type { Item, ListedItem } from '../shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;

/** The items, searched and a page at a time (the address keeps ?q= and ?page=), and a form for a new item that opens it once made. */
export default function Items() {
  usePageTitle('Items');
  const { q, page, typed, setTyped, setPage, filter, setFilter } = useSearchPage();
  const withDeleted = filter('deleted') === 'shown';
  const category = filter('category');
  const categories = useApi<{ category: string; itemCount: number }[]>('/api/categories');
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();
  const canWrite = useCan('catalog.write');

  const loaded = useApi<{ total: number; totalCapped: boolean; items: (ListedItem & { deletedAt: string | null })[] }>(
    `/api/items${query({ q, category, includeDeleted: withDeleted ? 'true' : undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );
  const pages = pageCount(loaded.data?.total ?? 0, PAGE_SIZE);

  return (
    <>
      <h1>Items</h1>
      <div className="toolbar">
        <label htmlFor="item-search">Search items</label>
        <input
          id="item-search"
          type="search"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            // Enter on a variant's code or barcode (a scanner types it and Enter) opens that variant.
            // The box's own value: a scanner's keys come faster than the list follows them.
            const text = e.currentTarget.value.trim();
            if (e.key !== 'Enter' || text === '') return;
            e.preventDefault();
            void findVariants(text, 1).then(
              (r) => {
                const exact = r.variants.find((v) => v.exact);
                if (!exact) return;
                // The box goes back to the list's search, so that its pending push to the
                // address (useSearchPage) is cancelled: this page stays mounted while the
                // item's page loads, and would otherwise rewrite that page's address.
                setTyped(q);
                void navigate(`/items/${exact.itemId}?variant=${exact.variantId}`);
              },
              () => {},
            );
          }}
          placeholder="name, code, barcode, model or category"
          autoComplete="off"
          aria-describedby="item-search-hint"
        />
        <span className="visually-hidden" id="item-search-hint">
          Enter on a code or barcode opens its variant.
        </span>
        <label htmlFor="item-category">Category</label>
        <select id="item-category" value={category} onChange={(e) => setFilter('category', e.target.value)}>
          <option value="">All categories</option>
          {categories.data?.map((c) => (
            <option key={c.category} value={c.category}>
              {c.category} ({c.itemCount})
            </option>
          ))}
          {category && !categories.data?.some((c) => c.category === category) && <option value={category}>{category}</option>}
        </select>
        <label className="check">
          <input type="checkbox" checked={withDeleted} onChange={(e) => setFilter('deleted', e.target.checked ? 'shown' : '')} /> Include deleted items
        </label>
        {canWrite && (
          <button type="button" className="secondary" aria-expanded={adding} aria-controls="new-item" onClick={() => setAdding(!adding)}>
            New item
          </button>
        )}
      </div>
      {adding && canWrite && (
        <section id="new-item" aria-labelledby="new-item-heading" className="card">
          <h2 id="new-item-heading">New item</h2>
          <ItemForm
            idPrefix="new-item"
            submitLabel="Create item"
            busyLabel="Creating…"
            onCancel={() => setAdding(false)}
            save={async (fields) => {
              const made = await api<Item>('POST', '/api/items', fields);
              void navigate(`/items/${made.itemId}`);
              return `Created ${made.name}.`;
            }}
          />
        </section>
      )}
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.items.length === 0 ? (
        <p className="empty">
          {q || category
            ? `No items match${q ? ` “${q}”` : ''}${category ? ` in ${category}` : ''}. `
            : page > 1
              ? 'This page is past the last item. '
              : `No items yet${canWrite ? ': add one with New item.' : '.'}`}
          {(q || category || page > 1) && <Link to="/items">Show all items</Link>}
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Category</th>
                  <th scope="col">Model</th>
                  <th scope="col">Variation</th>
                  <th scope="col" className="num">
                    Stock
                  </th>
                  <th scope="col">Code</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((item) => (
                  <tr key={item.itemId}>
                    <td>
                      <Link to={`/items/${item.itemId}`}>{item.name}</Link>
                      {item.deletedAt && <span className="badge status-cancelled">deleted</span>}
                    </td>
                    <td>{item.category ?? '—'}</td>
                    <td>{item.model ?? '—'}</td>
                    <td>{item.variation ?? '—'}</td>
                    <td className="num nobreak">
                      {item.stock.length === 0 ? '—' : item.stock.map((s) => `${formatQuantity(s.quantity)} ${s.unit}`).join(' · ')}
                    </td>
                    <td className="codes">
                      {item.codes.length === 0
                        ? '—'
                        : item.codes.map((c, k) => (
                            // Each code whole; the list wraps between them (at the space after a comma) on a narrow screen.
                            <Fragment key={c}>
                              {k > 0 && ', '}
                              <span className="nobreak">{c}</span>
                            </Fragment>
                          ))}
                      {item.moreCodes > 0 && ` +${item.moreCodes}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} total={loaded.data.total} capped={loaded.data.totalCapped} noun={['item', 'items']} onPage={setPage} />
        </>
      )}
    </>
  );
}
