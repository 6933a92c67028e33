import { Link } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatMoney, formatQuantity, formatUnitCost, localDay } from '../format.ts';
import { Pager } from '../Pager.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';
import type { StockValue as StockValueAnswer, StockValueRow, ValueGrouping } from '../valuation/shapes.ts';
import { DayInput } from '../DayInput.tsx';

const PAGE_SIZE = 25;

/** The groupings the page offers, with what a row of each is called. */
const GROUPINGS: Record<ValueGrouping, { label: string; noun: [string, string] }> = {
  variant: { label: 'Variant', noun: ['variant', 'variants'] },
  item: { label: 'Item', noun: ['item', 'items'] },
  category: { label: 'Category', noun: ['category', 'categories'] },
};

const groupingOf = (text: string): ValueGrouping => (text in GROUPINGS ? (text as ValueGrouping) : 'variant');

/**
 * What stock is worth at the end of a day (today unless another is chosen), at moving
 * weighted-average cost, per variant, item or category, the most valuable first, with the
 * total. Stock that has no cost yet is counted apart and said so, never shown as worth 0. The
 * address keeps the day, the grouping, the search and the page.
 */
export default function StockValue() {
  usePageTitle('Stock value');
  const { q, page, typed, setTyped, setPage, filter, setFilter } = useSearchPage();
  const asOf = filter('asOf');
  const by = groupingOf(filter('by'));
  const loaded = useApi<StockValueAnswer>(
    `/api/stock/value${query({ asOf, by: by === 'variant' ? undefined : by, q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );
  const noun = GROUPINGS[by].noun;
  const data = loaded.data;

  return (
    <>
      <h1>Stock value</h1>
      <div className="toolbar">
        <label htmlFor="value-as-of">As of the end of</label>
        <DayInput
          id="value-as-of"
          data-view-only
          value={asOf || data?.asOf || localDay()}
          onChange={(v, valid) => valid && v !== '' && setFilter('asOf', v)}
          required
        />
        <label htmlFor="value-by">By</label>
        <select id="value-by" value={by} onChange={(e) => setFilter('by', e.target.value === 'variant' ? '' : e.target.value)}>
          {(Object.keys(GROUPINGS) as ValueGrouping[]).map((g) => (
            <option key={g} value={g}>
              {GROUPINGS[g].label}
            </option>
          ))}
        </select>
        <label htmlFor="value-search">Search</label>
        <input id="value-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={`${noun[0]} name`} autoComplete="off" />
      </div>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <Total answer={data} q={q} noun={noun} />
          {data.rows.length === 0 ? (
            <p className="empty">
              {q ? `No ${noun[0]} matches “${q}”. ` : page > 1 ? 'This page is past the last row. ' : `No stock on ${formatDay(data.asOf)}.`}
              {(q || page > 1) && <Link to={`/stock/value${query({ asOf, by: by === 'variant' ? undefined : by })}`}>Show them all</Link>}
            </p>
          ) : (
            <>
              <div className="table-scroll" tabIndex={0} role="region" aria-label="Stock value rows">
                <table>
                  <caption className="visually-hidden">
                    Stock value by {noun[0]} on {formatDay(data.asOf)}, the most valuable first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{GROUPINGS[by].label}</th>
                      {by === 'variant' && (
                        <>
                          <th scope="col" className="num">
                            Stock
                          </th>
                          <th scope="col" className="num">
                            Average cost
                          </th>
                        </>
                      )}
                      <th scope="col" className="num">
                        Value
                      </th>
                      <th scope="col">Without a cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((r) => (
                      <ValueRow key={r.key} row={r} by={by} />
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={page} pages={pageCount(data.count, PAGE_SIZE)} total={data.count} noun={noun} onPage={setPage} />
            </>
          )}
        </>
      )}
    </>
  );
}

/** The total over everything that matches, and the stock counted apart for having no cost. */
function Total({ answer, q, noun }: { answer: StockValueAnswer; q: string; noun: [string, string] }) {
  const { total, asOf } = answer;
  const unvalued = total.unvaluedVariants;
  return (
    <section className="card value-total" aria-labelledby="value-total-heading">
      <h2 id="value-total-heading">Total{q ? ` of the ${noun[1]} matching “${q}”` : ''}</h2>
      <p className="figure" data-testid="stock-value-total">
        {formatMoney(total.value)}
      </p>
      <p className="caption">
        What stock was worth at the end of {formatDay(asOf)} (UTC), at each variant’s moving weighted-average cost, over {answer.count}{' '}
        {answer.count === 1 ? noun[0] : noun[1]}.
      </p>
      {unvalued > 0 && (
        <p className="unvalued-note">
          {unvalued} {unvalued === 1 ? 'variant has' : 'variants have'} stock with no cost yet (stock from before costs were kept, not received at a price
          since): {unvalued === 1 ? 'it is' : 'they are'} left out of the total, not counted as worth 0.
        </p>
      )}
    </section>
  );
}

function ValueRow({ row, by }: { row: StockValueRow; by: ValueGrouping }) {
  const uncosted = row.unvaluedVariants > 0;
  const name =
    by === 'item' ? (
      <Link to={`/items/${row.key}`}>{row.name}</Link>
    ) : by === 'category' ? (
      <Link to={`/items${query({ category: row.key })}`}>{row.name}</Link>
    ) : (
      row.name
    );
  return (
    <tr>
      <th scope="row">{name}</th>
      {by === 'variant' && (
        <>
          <td className="num">
            {row.stock === null ? '—' : formatQuantity(row.stock)} {row.unit ?? ''}
          </td>
          <td className="num">{row.averageCost === null ? '—' : formatUnitCost(row.averageCost)}</td>
        </>
      )}
      <td className="num">{by === 'variant' && uncosted ? 'no cost yet' : formatMoney(row.value)}</td>
      <td>
        {!uncosted
          ? '—'
          : by === 'variant'
            ? `${row.unvaluedStock === null ? 'all' : `${formatQuantity(row.unvaluedStock)} ${row.unit ?? ''}`} not counted`
            : `${row.unvaluedVariants} ${row.unvaluedVariants === 1 ? 'variant' : 'variants'} not counted`}
      </td>
    </tr>
  );
}
