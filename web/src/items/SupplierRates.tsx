import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatMoney, formatQuantity } from '../format.ts';
import { Pager } from '../Pager.tsx';
import type { Variant } from '../shapes.ts';
import { today } from '../suppliers/RateForm.tsx';
import type { Rate, SupplierComparison } from '../suppliers/shapes.ts';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';

const HISTORY_PAGE_SIZE = 10;

/** The variant's suppliers side by side on a day (today unless chosen): each one's rate in effect, the cheapest and dearest said in words. */
export function SupplierComparisonSection({ variant }: { variant: Variant }) {
  const [asOf, setAsOf] = useState(today);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : today();
  const loaded = useApi<SupplierComparison>(`/api/variants/${variant.variantId}/supplier-comparison?asOf=${day}`);
  const c = loaded.data;
  const mark = (r: Rate) => {
    const marks: string[] = [];
    if (c?.lowest?.rateId === r.rateId) marks.push('Cheapest');
    if (c?.highest?.rateId === r.rateId && c.rates.length > 1) marks.push('Dearest');
    return marks.join(', ');
  };
  return (
    <section aria-labelledby="supplier-rates-heading">
      <h2 id="supplier-rates-heading">Supplier rates</h2>
      <p className="caption">
        What each supplier charges for {variant.color} / {variant.size} on the day chosen: its active rate in effect then, cheapest first.
      </p>
      <div className="toolbar">
        <label htmlFor="compare-as-of">As of</label>
        <input id="compare-as-of" type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
      </div>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !c ? (
        <Loading />
      ) : c.rates.length === 0 ? (
        <p className="empty">No supplier has an active rate for this variant on {c.asOf}: add one from a supplier’s page.</p>
      ) : (
        <>
          {c.currencies.length > 1 && <p className="caption">The rates are in different currencies ({c.currencies.join(', ')}), so none is marked cheapest or dearest.</p>}
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">
                Suppliers of {variant.color} / {variant.size} on {c.asOf}, cheapest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Supplier</th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                  <th scope="col">Currency</th>
                  <th scope="col" className="num">
                    Minimum order
                  </th>
                  <th scope="col">Effective</th>
                  <th scope="col">Compared</th>
                </tr>
              </thead>
              <tbody>
                {c.rates.map((r) => (
                  <tr key={r.rateId}>
                    <td>
                      <Link to={`/suppliers/${r.supplierId}`}>{r.firmName}</Link>
                    </td>
                    <td className="num">{formatMoney(r.costPerUnit)}</td>
                    <td>{r.currency}</td>
                    <td className="num">
                      {formatQuantity(r.minimumOrderQuantity)} {variant.unit}
                    </td>
                    <td>
                      {r.effectiveFrom} to {r.effectiveTo ?? 'open-ended'}
                    </td>
                    <td>{mark(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Every rate the variant has had, active or not, newest effective date first. */
export function RateHistorySection({ variant }: { variant: Variant }) {
  const loaded = useApi<Rate[]>(`/api/variants/${variant.variantId}/rates`);
  const [page, setPage] = useState(1);
  const rates = loaded.data ?? [];
  const pages = pageCount(rates.length, HISTORY_PAGE_SIZE);
  return (
    <section aria-labelledby="rate-history-heading">
      <h2 id="rate-history-heading">Rate history</h2>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : rates.length === 0 ? (
        <p className="empty">No supplier has quoted for {variant.color} / {variant.size} yet.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">
                Rates of {variant.color} / {variant.size}, newest effective date first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Supplier</th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                  <th scope="col">Currency</th>
                  <th scope="col">Effective from</th>
                  <th scope="col">Effective to</th>
                  <th scope="col">Active</th>
                </tr>
              </thead>
              <tbody>
                {rates.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE).map((r) => (
                  <tr key={r.rateId}>
                    <td>
                      <Link to={`/suppliers/${r.supplierId}`}>{r.firmName}</Link>
                    </td>
                    <td className="num">{formatMoney(r.costPerUnit)}</td>
                    <td>{r.currency}</td>
                    <td>{r.effectiveFrom}</td>
                    <td>{r.effectiveTo ?? 'open-ended'}</td>
                    <td>{r.isActive ? 'Active' : 'Inactive'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rates.length > HISTORY_PAGE_SIZE && <Pager page={page} pages={pages} total={rates.length} noun={['rate', 'rates']} onPage={setPage} />}
        </>
      )}
    </section>
  );
}
