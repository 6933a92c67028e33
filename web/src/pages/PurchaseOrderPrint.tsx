import { Link, useParams } from 'react-router';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatDateTime, formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import { variantName } from '../items/variants.ts';
import { OrderTotals } from '../purchasing/OrderTotals.tsx';
import '../purchasing/purchasing.css';
import type { Order } from '../purchasing/shapes.ts';
import type { Supplier } from '../suppliers/shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

/**
 * A purchase order as it is sent to its supplier: to whom, the number, its days (ordered, sent,
 * to deliver by), who ordered it (the user who made it; left out for an order made from the
 * command line), the lines with their prices, tax and discount, and the totals. Printed (the "Print" button, or the browser's
 * own), the app's navigation and buttons are left out (the print stylesheet in styles.css).
 */
export default function PurchaseOrderPrint() {
  const { id = '' } = useParams();
  const order = useApi<Order>(`/api/purchase-orders/${encodeURIComponent(id)}`);
  const supplier = useApi<Supplier>(order.data ? `/api/suppliers/${order.data.supplierId}` : null);
  usePageTitle(order.data ? `${order.data.poNumber} (print)` : 'Purchase order');

  if (order.error !== undefined) return <ErrorAlert error={order.error} />;
  if (!order.data) return <Loading />;
  const po = order.data;
  const s = supplier.data;
  return (
    <div className="purchasing-page">
      <div className="head-actions no-print">
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
        <Link to={`/purchase-orders/${po.purchaseOrderId}`}>Back to the order</Link>
      </div>
      <article className="po-print" aria-labelledby="po-print-title">
        <header>
          <div>
            <h1 id="po-print-title">Purchase order</h1>
            <p className="po-number">
              <strong>{po.poNumber}</strong>
            </p>
          </div>
          <dl className="facts">
            <div>
              <dt>Order date</dt>
              <dd className="day">{formatDay(po.orderDate)}</dd>
            </div>
            {po.sentAt && (
              <div>
                <dt>Sent</dt>
                <dd>{formatDateTime(po.sentAt)}</dd>
              </div>
            )}
            {po.createdByName && (
              <div>
                <dt>Ordered by</dt>
                <dd>{po.createdByName}</dd>
              </div>
            )}
            <div>
              <dt>Deliver by</dt>
              <dd className="day">{po.expectedOn ? formatDay(po.expectedOn) : '—'}</dd>
            </div>
            <div>
              <dt>Currency</dt>
              <dd>{po.currency}</dd>
            </div>
          </dl>
        </header>
        <section aria-labelledby="po-print-to">
          <h2 id="po-print-to">To</h2>
          <p className="party">
            <strong>{po.supplier}</strong>
            {s?.address ? `\n${s.address}` : ''}
            {s?.gstin ? `\nGSTIN ${s.gstin}` : ''}
            {s?.phone ? `\nPhone ${s.phone}` : ''}
            {s?.email ? `\n${s.email}` : ''}
          </p>
          {supplier.error !== undefined && <ErrorAlert error={supplier.error} />}
        </section>
        <section aria-labelledby="po-print-lines">
          <h2 id="po-print-lines">Please supply</h2>
          <table>
            <caption className="visually-hidden">The lines of {po.poNumber}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Item</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Discount %
                </th>
                <th scope="col" className="num">
                  Tax %
                </th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {po.lines.map((l) => (
                <tr key={l.lineId}>
                  <td>{l.lineNo}</td>
                  <th scope="row">{variantName(l)}</th>
                  <td className="num">
                    {formatQuantity(l.quantity)} {l.unit}
                  </td>
                  <td className="num">{formatUnitCost(l.unitPrice, po.currency)}</td>
                  <td className="num">{formatQuantity(l.discountRate)}</td>
                  <td className="num">{formatQuantity(l.taxRate)}</td>
                  <td className="num">{formatMoney(l.total, po.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <OrderTotals order={po} />
        </section>
        {po.notes && <p>Notes: {po.notes}</p>}
        <div className="signature">
          <p>Authorised signature</p>
        </div>
      </article>
    </div>
  );
}
