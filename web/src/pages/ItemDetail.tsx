import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatQuantity, formatStatus } from '../format.ts';
import { Pager } from '../Pager.tsx';
import type { Item, LedgerEntry, Variant } from '../shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

const LEDGER_PAGE_SIZE = 20;

/** One item: what it is, its variants with their stock, and a chosen variant's stock ledger (?variant=). */
export default function ItemDetail() {
  const { id } = useParams();
  const item = useApi<Item>(`/api/items/${encodeURIComponent(id ?? '')}`);
  const variants = useApi<Variant[]>(`/api/items/${encodeURIComponent(id ?? '')}/variants`);
  usePageTitle(item.data?.name ?? 'Item');

  if (item.error !== undefined) {
    return (
      <>
        <h1>Item</h1>
        <ErrorAlert error={item.error} />
        <p>
          <Link to="/items">Back to the items</Link>
        </p>
      </>
    );
  }
  if (!item.data) return <Loading />;
  const it = item.data;
  return (
    <>
      <p className="crumbs">
        <Link to="/items">Items</Link>
      </p>
      <h1>{it.name}</h1>
      <dl className="facts">
        <div>
          <dt>Category</dt>
          <dd>{it.category ?? '—'}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>{it.model ?? '—'}</dd>
        </div>
        <div>
          <dt>Variation</dt>
          <dd>{it.variation ?? '—'}</dd>
        </div>
      </dl>
      {it.description && <p className="description">{it.description}</p>}
      {variants.error !== undefined ? <ErrorAlert error={variants.error} /> : !variants.data ? <Loading /> : <VariantsAndLedger variants={variants.data} />}
    </>
  );
}

function VariantsAndLedger({ variants }: { variants: Variant[] }) {
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('variant'));
  const chosen = variants.find((v) => v.variantId === asked) ?? variants[0];
  const choose = (variantId: number) => setParams({ variant: String(variantId) }, { replace: true });

  return (
    <>
      <section aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        {variants.length === 0 ? (
          <p className="empty">This item has no variants yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Colour</th>
                <th scope="col">Size</th>
                <th scope="col" className="num">
                  Stock
                </th>
                <th scope="col">Unit</th>
                <th scope="col" className="num">
                  Threshold
                </th>
              </tr>
            </thead>
            <tbody>
              {variants.map((v) => {
                // As /api/stock/low counts it. Both have at most 9 + 3 digits: exact enough as doubles to compare.
                const low = Number(v.stock) <= Number(v.reorderThreshold);
                return (
                  <tr key={v.variantId} className={v === chosen ? 'chosen' : undefined}>
                    <td>{v.color}</td>
                    <td>{v.size}</td>
                    <td className="num">
                      {formatQuantity(v.stock)}
                      {low && <span className="badge status-failed">low stock</span>}
                    </td>
                    <td>{v.unit}</td>
                    <td className="num">{formatQuantity(v.reorderThreshold)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {chosen && (
        <section aria-labelledby="ledger-heading">
          <h2 id="ledger-heading">Stock ledger</h2>
          <div className="toolbar">
            <label htmlFor="ledger-variant">Variant</label>
            <select id="ledger-variant" value={chosen.variantId} onChange={(e) => choose(Number(e.target.value))}>
              {variants.map((v) => (
                <option key={v.variantId} value={v.variantId}>
                  {v.color} / {v.size}
                </option>
              ))}
            </select>
          </div>
          <Ledger key={chosen.variantId} variant={chosen} />
        </section>
      )}
    </>
  );
}

function Ledger({ variant }: { variant: Variant }) {
  const [page, setPage] = useState(1);
  const loaded = useApi<{ total: number; entries: LedgerEntry[] }>(`/api/variants/${variant.variantId}/ledger${query({ limit: LEDGER_PAGE_SIZE, offset: (page - 1) * LEDGER_PAGE_SIZE })}`);
  if (loaded.error !== undefined) return <ErrorAlert error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { total, entries } = loaded.data;
  if (total === 0) return <p className="empty">No stock movements yet for this variant.</p>;
  return (
    <>
      <table>
        <caption className="visually-hidden">
          Stock movements of {variant.color} / {variant.size}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col">Date</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatStatus(e.type)}</td>
              <td className={`num ${e.quantity.startsWith('-') ? 'under' : ''}`}>
                {formatQuantity(e.quantity)} {e.unit ?? variant.unit}
              </td>
              <td>{formatDateTime(e.createdAt)}</td>
              <td>{e.notes ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} pages={Math.max(1, Math.ceil(total / LEDGER_PAGE_SIZE))} total={total} noun={['movement', 'movements']} onPage={setPage} />
    </>
  );
}
