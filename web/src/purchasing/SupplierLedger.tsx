import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatMoney, formatQuantity, formatStatus, formatUnitCost } from '../format.ts';
import { Pager } from '../Pager.tsx';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';
import type { LedgerVariant, PurchaseHistory, SupplierLedger as Ledger } from './planning.ts';
import './planning.css';

const HISTORY_PAGE = 20;

const variantName = (v: { item: string; color: string; size: string }) => `${v.item} · ${v.color} · ${v.size}`;

/** "0.750" → "75%". */
function percent(share: string): string {
  const n = Number(share) * 100;
  return `${Number.isInteger(n) ? n : n.toFixed(1)}%`;
}

/**
 * What a supplier has been bought from: orders and their amounts (each status a link to its
 * orders), receipts, the on-time share, per variant what was ordered, received and is still
 * open with the last price paid against the rate in effect, and a variant's purchase history
 * (the address keeps which: ?history=variantId).
 */
export function SupplierLedger({ supplierId }: { supplierId: number }) {
  const loaded = useApi<Ledger>(`/api/suppliers/${supplierId}/ledger`);
  const [params, setParams] = useSearchParams();
  const history = Number.parseInt(params.get('history') ?? '', 10);
  const showHistory = (variantId: number | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (variantId === null) next.delete('history');
        else next.set('history', String(variantId));
        return next;
      },
      { replace: true },
    );

  return (
    <section aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">Purchasing ledger</h2>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : (
        <LedgerBody ledger={loaded.data} history={Number.isNaN(history) ? null : history} onHistory={showHistory} />
      )}
    </section>
  );
}

function LedgerBody({ ledger, history, onHistory }: { ledger: Ledger; history: number | null; onHistory: (variantId: number | null) => void }) {
  const { orders, receipts, onTime } = ledger;
  const chosen = ledger.variants.find((v) => v.variantId === history);
  return (
    <>
      <dl className="ledger-figures">
        <div>
          <dt>Orders</dt>
          <dd>
            {orders.count}
            <small>{orders.open} open (sent or partly received)</small>
          </dd>
        </div>
        <div>
          <dt>Ordered</dt>
          <dd>
            {formatMoney(orders.orderedAmount)}
            <small>{formatMoney(orders.openAmount)} still to come</small>
          </dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>
            {formatMoney(receipts.receivedAmount)}
            <small>
              {receipts.count} {receipts.count === 1 ? 'receipt' : 'receipts'}
              {receipts.lastReceivedOn ? `, the last on ${formatDay(receipts.lastReceivedOn)}` : ''}
            </small>
          </dd>
        </div>
        <div>
          <dt>On time</dt>
          <dd>
            {onTime.share === null ? '—' : percent(onTime.share)}
            <small>
              {onTime.due === 0
                ? 'no order with an expected day has been received yet'
                : `${onTime.onTime} of ${onTime.due} ${onTime.due === 1 ? 'order' : 'orders'} received by the day expected`}
            </small>
          </dd>
        </div>
      </dl>
      {orders.count > 0 && (
        <ul className="status-counts" aria-label="Orders by status">
          <li className="label" aria-hidden="true">
            Orders by status:
          </li>
          {Object.entries(orders.byStatus)
            .filter(([, n]) => n > 0)
            .map(([status, n]) => (
              <li key={status}>
                <Link to={`/purchase-orders${query({ status, supplierId: ledger.supplierId })}`}>
                  {formatStatus(status)}: {n}
                </Link>
              </li>
            ))}
        </ul>
      )}

      <h3>By variant</h3>
      {ledger.variants.length === 0 ? (
        <p className="empty">Nothing has been ordered from or received of {ledger.supplier} yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Bought by variant">
          <table>
            <caption className="visually-hidden">What has been bought of each variant from {ledger.supplier}</caption>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Ordered
                </th>
                <th scope="col" className="num">
                  Received
                </th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Last price paid
                </th>
                <th scope="col" className="num">
                  Rate now
                </th>
                <th scope="col" className="num">
                  Difference
                </th>
                <th scope="col">Last received</th>
                <th scope="col">
                  <span className="visually-hidden">History</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ledger.variants.map((v) => (
                <VariantRow key={v.variantId} v={v} open={v.variantId === history} onHistory={onHistory} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen && <History supplierId={ledger.supplierId} variant={chosen} onClose={() => onHistory(null)} />}

      <h3>Recent receipts</h3>
      {ledger.recentReceipts.length === 0 ? (
        <p className="empty">No goods received from {ledger.supplier} yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Recent receipts">
          <table>
            <caption className="visually-hidden">The last receipts from {ledger.supplier}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Receipt</th>
                <th scope="col">Received</th>
                <th scope="col">Order</th>
                <th scope="col">Bill</th>
                <th scope="col" className="num">
                  Grand total
                </th>
              </tr>
            </thead>
            <tbody>
              {ledger.recentReceipts.map((r) => (
                <tr key={r.receiptId}>
                  <td>
                    <Link to={`/goods-receipts/${r.receiptId}`}>{r.receiptNumber}</Link>
                    {r.reversesReceiptId !== null && <span className="badge status-cancelled">reversal</span>}
                  </td>
                  <td>{formatDay(r.receivedOn)}</td>
                  <td>{r.poNumber ?? '—'}</td>
                  <td>{r.billNumber ?? '—'}</td>
                  <td className="num">{formatMoney(r.grandTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function VariantRow({ v, open, onHistory }: { v: LedgerVariant; open: boolean; onHistory: (variantId: number | null) => void }) {
  const diff = v.difference;
  return (
    <tr className={open ? 'chosen' : undefined}>
      <th scope="row">{variantName(v)}</th>
      <td className="num">
        {formatQuantity(v.orderedQuantity)} {v.unit}
      </td>
      <td className="num">{formatQuantity(v.receivedQuantity)}</td>
      <td className="num">{formatQuantity(v.openQuantity)}</td>
      <td className="num">{v.lastPricePaid === null ? '—' : formatUnitCost(v.lastPricePaid)}</td>
      <td className="num">{v.rateInEffect === null ? 'no rate' : formatUnitCost(v.rateInEffect)}</td>
      <td className={`num ${diff === null || Number(diff) === 0 ? '' : diff.startsWith('-') ? 'under' : 'over'}`}>
        {diff === null ? '—' : `${Number(diff) > 0 ? '+' : ''}${formatUnitCost(diff)}`}
      </td>
      <td>{v.lastReceivedOn ?? '—'}</td>
      <td>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => onHistory(open ? null : v.variantId)}>
          {open ? 'Hide history' : 'History'}
          <span className="visually-hidden"> of {variantName(v)}</span>
        </button>
      </td>
    </tr>
  );
}

/** Every receipt of one variant from the supplier, newest first (a reversal with a negative quantity), a page at a time. */
function History({ supplierId, variant, onClose }: { supplierId: number; variant: LedgerVariant; onClose: () => void }) {
  const [page, setPage] = useState(1);
  const loaded = useApi<PurchaseHistory>(
    `/api/suppliers/${supplierId}/ledger/variants/${variant.variantId}${query({ limit: HISTORY_PAGE, offset: (page - 1) * HISTORY_PAGE })}`,
  );
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const name = variantName(variant);
  return (
    <section className="card history" aria-labelledby="history-heading">
      <h3 id="history-heading" ref={heading} tabIndex={-1}>
        Purchase history of {name}
      </h3>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : (
        <>
          <p className="caption">
            {loaded.data.rateInEffect === null ? 'No rate in effect today.' : `The rate in effect today: ${formatUnitCost(loaded.data.rateInEffect)}.`}
          </p>
          {loaded.data.history.length === 0 ? (
            <p className="empty">Nothing received of it yet.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={`Purchase history of ${name}`}>
              <table>
                <caption className="visually-hidden">Receipts of {name}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Receipt</th>
                    <th scope="col">Order</th>
                    <th scope="col">Bill</th>
                    <th scope="col" className="num">
                      Quantity
                    </th>
                    <th scope="col" className="num">
                      Unit cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.data.history.map((h, i) => (
                    <tr key={`${h.receiptId}-${i}`}>
                      <td>{formatDay(h.receivedOn)}</td>
                      <td>
                        <Link to={`/goods-receipts/${h.receiptId}`}>{h.receiptNumber}</Link>
                      </td>
                      <td>{h.poNumber ?? '—'}</td>
                      <td>{h.billNumber ?? '—'}</td>
                      <td className={`num${h.quantity.startsWith('-') ? ' over' : ''}`}>
                        {formatQuantity(h.quantity)} {variant.unit}
                      </td>
                      <td className="num">{formatUnitCost(h.unitCost)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {loaded.data.total > HISTORY_PAGE && (
            <Pager page={page} pages={pageCount(loaded.data.total, HISTORY_PAGE)} total={loaded.data.total} noun={['receipt', 'receipts']} onPage={setPage} />
          )}
        </>
      )}
      <p>
        <button type="button" className="secondary" onClick={onClose}>
          Close the history
        </button>
      </p>
    </section>
  );
}
