// Supplier rates as a table: the one table of rates the app draws (a supplier's rates, a
// variant's suppliers compared on a day, a variant's rate history), each choosing its columns.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatMoney, formatQuantity } from '../format.ts';
import type { Rate } from './shapes.ts';

/** One column of a rates table: its heading and what each rate shows in it. */
export interface RateColumn {
  header: string;
  /** A figure: right-aligned. */
  num?: boolean;
  cell: (r: Rate) => ReactNode;
}

/** The columns every rates table may share. */
export const RATE_COLUMNS = {
  supplier: { header: 'Supplier', cell: (r) => <Link to={`/suppliers/${r.supplierId}`}>{r.firmName}</Link> },
  rate: { header: 'Rate', num: true, cell: (r) => formatMoney(r.costPerUnit, r.currency) },
  currency: { header: 'Currency', cell: (r) => r.currency },
  active: { header: 'Active', cell: (r) => (r.isActive ? 'Active' : 'Inactive') },
  breaks: {
    header: 'Price breaks',
    cell: (r) =>
      r.breaks.length === 0 ? (
        <span className="caption">none</span>
      ) : (
        <ul className="in-cell">
          {r.breaks.map((b) => (
            <li key={b.fromQuantity}>
              from {formatQuantity(b.fromQuantity)}: {formatMoney(b.costPerUnit, r.currency)}
            </li>
          ))}
        </ul>
      ),
  },
  terms: {
    header: 'Lead time, pack',
    cell: (r) => (
      <>
        {r.leadTimeDays === null ? 'supplier’s lead time' : `${r.leadTimeDays} days`}
        {formatQuantity(r.packSize) === '1' ? '' : `, packs of ${formatQuantity(r.packSize)}`}
      </>
    ),
  },
} satisfies Record<string, RateColumn>;

/** The rates in the order given, one row each, under a caption read to screen readers. */
export function RatesTable({
  caption,
  rates,
  columns,
  rowClass,
}: {
  caption: ReactNode;
  rates: Rate[];
  columns: RateColumn[];
  rowClass?: (r: Rate) => string | undefined;
}) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.num ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rates.map((r) => (
            <tr key={r.rateId} className={rowClass?.(r)}>
              {columns.map((c) => (
                <td key={c.header} className={c.num ? 'num' : undefined}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
