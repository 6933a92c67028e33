import { formatQuantity } from '../format.ts';
import { isZero } from './needs.ts';
import type { StockNeed, UnselectedGroup } from './types.ts';

/** How many shortfalls the sentence names; the table marks them all. */
const SHORT_LISTED = 3;

/**
 * What a lot needs of each variant against the stock on hand, each shortfall said in words
 * ("Short by 12 pcs"), with a sentence first that says whether stock covers the lot and what
 * to do when it does not.
 */
export function StockTable({ needs, unselected, caption }: { needs: readonly StockNeed[]; unselected: readonly UnselectedGroup[]; caption: string }) {
  const short = needs.filter((n) => !isZero(n.shortfall));
  return (
    <>
      {short.length === 0 ? (
        <p className="verdict good">
          {needs.length === 0 ? 'This lot needs nothing from stock yet.' : `Stock covers all ${needs.length} variants this lot needs.`}
        </p>
      ) : (
        <p className="verdict short">
          {short.length === 1 ? '1 variant is short' : `${short.length} variants are short`}:{' '}
          {short
            .slice(0, SHORT_LISTED)
            .map((n) => `${n.item} (${n.color}, ${n.size}) by ${formatQuantity(n.shortfall)} ${n.unit}`)
            .join('; ')}
          {short.length > SHORT_LISTED ? `; and ${short.length - SHORT_LISTED} more, marked in the table` : ''}. The lot cannot be marked ready or completed
          until stock arrives (or another alternative is chosen).
        </p>
      )}
      {unselected.length > 0 && (
        <p className="verdict short">Not counted yet, no variant chosen: {unselected.map((g) => `${g.name} (${g.step})`).join(', ')}.</p>
      )}
      {needs.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Needed
                </th>
                <th scope="col" className="num">
                  In stock
                </th>
                <th scope="col">Shortfall</th>
              </tr>
            </thead>
            <tbody>
              {needs.map((n) => {
                const isShort = !isZero(n.shortfall);
                return (
                  <tr key={n.variantId} className={isShort ? 'short-row' : undefined}>
                    <th scope="row">
                      {n.item} · {n.color} · {n.size}
                    </th>
                    <td className="num">
                      {formatQuantity(n.needed)} {n.unit}
                    </td>
                    <td className="num">
                      {formatQuantity(n.available)} {n.unit}
                    </td>
                    <td className={isShort ? 'over' : 'under'}>{isShort ? `Short by ${formatQuantity(n.shortfall)} ${n.unit}` : 'Enough'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
