import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import '../forms.css';
import { Outcome, useAction } from '../forms.tsx';
import { formatDay, formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import { compare, decimal } from '../lots/decimal.ts';
import type { OrderLink, Suggestion, Suggestions as SuggestionsAnswer, SupplierSuggestions } from '../purchasing/planning.ts';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { useSearchPage } from '../useSearchPage.ts';
import '../purchasing/planning.css';

/** How many variants (and suppliers) the API takes in one list. */
const MAX_LISTED = 1000;

const variantName = (s: Suggestion) => `${s.item} · ${s.color} · ${s.size}`;

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * What to buy next: the variants below their reorder threshold or short for the open lots
 * planned to start within the supplier's lead time, less what is on order, each from its
 * preferred supplier or the one cheapest at the quantity, rounded to the minimum order and
 * whole packs (the extra shown), at the break price reached, grouped per supplier with the day
 * to order by. A user who may order ticks suppliers and lines (all
 * ticked to start with) and makes one draft order per supplier in one go, then opens them.
 */
export default function Suggestions() {
  usePageTitle('Suggestions');
  const { q, typed, setTyped } = useSearchPage();
  const loaded = useApi<SuggestionsAnswer>(`/api/purchasing/suggestions${query({ q })}`);
  const canOrder = useCan('purchasing.order');
  /** The lines left out (unticked): whatever the API suggests anew starts ticked. */
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());
  const [made, setMade] = useState<OrderLink[]>([]);
  const action = useAction();
  const data = loaded.data;
  const ticked = data ? data.suppliers.flatMap((g) => g.lines.filter((l) => !left.has(l.variantId))) : [];

  const toggle = (variantIds: number[], on: boolean) =>
    setLeft((current) => {
      const next = new Set(current);
      for (const id of variantIds) {
        if (on) next.delete(id);
        else next.add(id);
      }
      return next;
    });

  const create = (e: FormEvent) => {
    e.preventDefault();
    const supplierIds = [...new Set(ticked.map((l) => l.supplierId).filter((id): id is number => id !== null))];
    void action
      .run(
        () =>
          api<{ purchaseOrders: OrderLink[] }>(
            'POST',
            '/api/purchasing/suggestions/orders',
            // The lines shown and ticked; past the API's 1,000 a list, everything suggested (when that is what is ticked) goes unfiltered.
            ticked.length > MAX_LISTED && !q && left.size === 0 ? {} : { supplierIds, variantIds: ticked.map((l) => l.variantId) },
          ),
        (r) => {
          setMade(r.purchaseOrders);
          const n = r.purchaseOrders.length;
          return `Created ${n} draft ${n === 1 ? 'order' : 'orders'}: open ${n === 1 ? 'it' : 'each'} to check and send it.`;
        },
      )
      .then((ok) => ok && loaded.reload());
  };

  return (
    <div className="purchasing-page">
      <p className="crumbs">Purchasing</p>
      <h1>Suggestions</h1>
      <p className="caption">
        Variants whose stock, with what is on order (drafts included), falls short of their reorder threshold plus what the open lots planned to start within
        the supplier’s lead time need (a lot with no planned start counts as today; later lots are shown, not bought). Each comes from its preferred supplier
        when that one has a rate in effect, else from the lowest price at the quantity; the quantity is rounded up to the minimum order, then to whole packs,
        and priced at the break it reaches. Order by: the first covered lot’s start less the lead time.
      </p>
      <div className="toolbar">
        <label htmlFor="suggestion-search">Search items</label>
        <input
          id="suggestion-search"
          type="search"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="a part of the item’s name"
          autoComplete="off"
        />
      </div>
      {made.length > 0 && <MadeOrders orders={made} />}
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !data ? (
        <Loading />
      ) : data.suppliers.length === 0 && data.withoutSupplier.length === 0 ? (
        <p className="empty">
          {q ? `Nothing to buy matches “${q}”.` : 'Nothing to buy: every variant’s stock and what is on order cover its threshold and the lots’ needs.'}
        </p>
      ) : (
        <form onSubmit={(e) => create(e)} aria-label="Suggested orders">
          {data.suppliers.map((g) => (
            <SupplierGroup key={g.supplierId} group={g} left={left} canOrder={canOrder} onToggle={toggle} />
          ))}
          {data.withoutSupplier.length > 0 && <WithoutSupplier lines={data.withoutSupplier} />}
          {canOrder && data.suppliers.length > 0 && (
            <div className="order-bar">
              <span>
                {ticked.length} {ticked.length === 1 ? 'line' : 'lines'} ticked, from {new Set(ticked.map((l) => l.supplierId)).size}{' '}
                {new Set(ticked.map((l) => l.supplierId)).size === 1 ? 'supplier' : 'suppliers'}
              </span>
              <button type="submit" disabled={action.busy || ticked.length === 0}>
                {action.busy ? 'Creating…' : 'Create draft orders'}
              </button>
            </div>
          )}
          <Outcome action={action} />
        </form>
      )}
    </div>
  );
}

/** The draft orders just made, each a link to its page. */
function MadeOrders({ orders }: { orders: OrderLink[] }) {
  return (
    <section className="card made-orders" aria-labelledby="made-orders-heading">
      <h2 id="made-orders-heading">Draft orders made</h2>
      <ul>
        {orders.map((o) => (
          <li key={o.purchaseOrderId}>
            <Link to={`/purchase-orders/${o.purchaseOrderId}`}>{o.poNumber}</Link> to {o.supplier}: {o.lineCount} {o.lineCount === 1 ? 'line' : 'lines'},{' '}
            {formatMoney(o.total)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SupplierGroup({
  group,
  left,
  canOrder,
  onToggle,
}: {
  group: SupplierSuggestions;
  left: ReadonlySet<number>;
  canOrder: boolean;
  onToggle: (variantIds: number[], on: boolean) => void;
}) {
  const ids = group.lines.map((l) => l.variantId);
  const tickedCount = ids.filter((id) => !left.has(id)).length;
  const headingId = `supplier-${group.supplierId}-heading`;
  return (
    <section className="card supplier-group" aria-labelledby={headingId}>
      <div className="group-head">
        <h2 id={headingId}>
          <Link to={`/suppliers/${group.supplierId}`}>{group.supplier}</Link>
        </h2>
        <span className="caption">
          {group.lineCount} {group.lineCount === 1 ? 'line' : 'lines'}, {formatMoney(group.total)}; lead time {days(group.leadTimeDays)} by default
          {group.orderBy !== null && <>; order by {formatDay(group.orderBy)}</>}
        </span>
        {canOrder && (
          <label className="check">
            <input
              type="checkbox"
              checked={tickedCount === ids.length}
              ref={(el) => {
                if (el) el.indeterminate = tickedCount > 0 && tickedCount < ids.length;
              }}
              onChange={(e) => onToggle(ids, e.target.checked)}
            />{' '}
            Order from {group.supplier}
          </label>
        )}
      </div>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`Suggested lines of ${group.supplier}`}>
        <table>
          <caption className="visually-hidden">What to order from {group.supplier}</caption>
          <thead>
            <tr>
              {canOrder && (
                <th scope="col">
                  <span className="visually-hidden">Order</span>
                </th>
              )}
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Order
              </th>
              <th scope="col" className="num">
                Unit price
              </th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Short by
              </th>
              <th scope="col" className="num">
                Lead time
              </th>
              <th scope="col">Order by</th>
              <th scope="col" className="num">
                Stock
              </th>
              <th scope="col" className="num">
                Threshold
              </th>
              <th scope="col" className="num">
                Lots need
              </th>
              <th scope="col" className="num">
                Later
              </th>
              <th scope="col" className="num">
                On order
              </th>
              <th scope="col">Why this supplier</th>
            </tr>
          </thead>
          <tbody>
            {group.lines.map((l) => (
              <tr key={l.variantId} className={left.has(l.variantId) ? 'left-out' : undefined}>
                {canOrder && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Order ${variantName(l)}`}
                      checked={!left.has(l.variantId)}
                      onChange={(e) => onToggle([l.variantId], e.target.checked)}
                    />
                  </td>
                )}
                <th scope="row">{variantName(l)}</th>
                <td className="num">
                  {formatQuantity(l.quantity)} {l.unit}
                  {l.extra !== null && compare(decimal(l.extra), decimal('0')) > 0 && (
                    <span className="hint-line">
                      +{formatQuantity(l.extra)} by rounding ({roundedTo(l)})
                    </span>
                  )}
                </td>
                <td className="num">
                  {l.unitPrice === null ? '—' : formatUnitCost(l.unitPrice)}
                  {l.breakFrom !== null && l.ratePrice !== null && (
                    <span className="hint-line">
                      break from {formatQuantity(l.breakFrom)} (rate {formatUnitCost(l.ratePrice)})
                    </span>
                  )}
                </td>
                <td className="num">{l.amount === null ? '—' : formatMoney(l.amount)}</td>
                <td className="num">{formatQuantity(l.shortfall)}</td>
                <td className="num">{l.leadTimeDays === null ? '—' : days(l.leadTimeDays)}</td>
                <td>{l.orderBy === null ? '—' : formatDay(l.orderBy)}</td>
                <td className="num">{formatQuantity(l.stock)}</td>
                <td className="num">{formatQuantity(l.threshold)}</td>
                <td className="num">{formatQuantity(l.demand)}</td>
                <td className="num">
                  {formatQuantity(l.later)}
                  {l.laterFrom !== null && <span className="hint-line">from {formatDay(l.laterFrom)}</span>}
                </td>
                <td className="num">{formatQuantity(l.onOrder)}</td>
                <td>{l.why ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What the quantity was rounded to: the minimum order, whole packs, or both. */
function roundedTo(l: Suggestion): string {
  const parts: string[] = [];
  if (l.minimumOrderQuantity !== null && compare(decimal(l.minimumOrderQuantity), decimal(l.shortfall)) > 0)
    parts.push(`minimum order ${formatQuantity(l.minimumOrderQuantity)}`);
  if (l.packSize !== null && compare(decimal(l.packSize), decimal('1')) !== 0) parts.push(`packs of ${formatQuantity(l.packSize)}`);
  return parts.join(', ') || 'whole units';
}

/** Variants short of stock that no supplier has an active rate for: they cannot be ordered until one has. */
function WithoutSupplier({ lines }: { lines: Suggestion[] }) {
  return (
    <section className="card supplier-group" aria-labelledby="without-supplier-heading">
      <h2 id="without-supplier-heading">No supplier with a rate</h2>
      <p className="caption">These are short too, but no supplier has an active rate for them in effect today: give one a rate to order them from here.</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Variants with no supplier rate">
        <table>
          <caption className="visually-hidden">Variants short of stock with no supplier rate</caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Stock
              </th>
              <th scope="col" className="num">
                Lots need
              </th>
              <th scope="col" className="num">
                On order
              </th>
              <th scope="col" className="num">
                Short by
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.variantId}>
                <th scope="row">{variantName(l)}</th>
                <td className="num">
                  {formatQuantity(l.stock)} {l.unit}
                </td>
                <td className="num">{formatQuantity(l.demand)}</td>
                <td className="num">{formatQuantity(l.onOrder)}</td>
                <td className="num">{formatQuantity(l.shortfall)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
