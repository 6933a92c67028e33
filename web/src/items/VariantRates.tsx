// A variant's supplier rates, on the item's page: its suppliers compared on a day, and every rate it has had.
import { useState } from 'react';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatQuantity } from '../format.ts';
import { Pager } from '../Pager.tsx';
import type { Variant } from '../shapes.ts';
import { RATE_COLUMNS, RatesTable } from '../suppliers/RatesTable.tsx';
import { today } from '../days.ts';
import type { Rate, SupplierComparison } from '../suppliers/shapes.ts';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';
import { DayInput } from '../DayInput.tsx';

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
        <DayInput id="compare-as-of" data-view-only value={asOf} onChange={(v) => setAsOf(v)} />
      </div>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !c ? (
        <Loading />
      ) : c.rates.length === 0 ? (
        <p className="empty">No supplier has an active rate for this variant on {formatDay(c.asOf)}: add one from a supplier’s page.</p>
      ) : (
        <>
          {c.currencies.length > 1 && (
            <p className="caption">The rates are in different currencies ({c.currencies.join(', ')}), so none is marked cheapest or dearest.</p>
          )}
          <RatesTable
            caption={`Suppliers of ${variant.color} / ${variant.size} on ${formatDay(c.asOf)}, cheapest first`}
            rates={c.rates}
            columns={[
              RATE_COLUMNS.supplier,
              RATE_COLUMNS.rate,
              RATE_COLUMNS.currency,
              { header: 'Minimum order', num: true, cell: (r) => `${formatQuantity(r.minimumOrderQuantity)} ${variant.unit}` },
              RATE_COLUMNS.breaks,
              { header: 'Effective', cell: (r) => `${formatDay(r.effectiveFrom)} to ${r.effectiveTo ? formatDay(r.effectiveTo) : 'open-ended'}` },
              { header: 'Compared', cell: mark },
            ]}
          />
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
        <p className="empty">
          No supplier has quoted for {variant.color} / {variant.size} yet.
        </p>
      ) : (
        <>
          <RatesTable
            caption={`Rates of ${variant.color} / ${variant.size}, newest effective date first`}
            rates={rates.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE)}
            columns={[
              RATE_COLUMNS.supplier,
              RATE_COLUMNS.rate,
              RATE_COLUMNS.currency,
              { header: 'Effective from', cell: (r) => formatDay(r.effectiveFrom) },
              { header: 'Effective to', cell: (r) => (r.effectiveTo ? formatDay(r.effectiveTo) : 'open-ended') },
              RATE_COLUMNS.active,
            ]}
          />
          {rates.length > HISTORY_PAGE_SIZE && <Pager page={page} pages={pages} total={rates.length} noun={['rate', 'rates']} onPage={setPage} />}
        </>
      )}
    </section>
  );
}
