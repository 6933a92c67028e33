import { Link } from 'react-router';
import { formatDay, formatMoney } from '../format.ts';
import type { ReceiptSummary } from './shapes.ts';

/** Goods receipts as a table: number, day, supplier, order, bill, amounts, and which reverses which. */
export function ReceiptsTable({
  receipts,
  caption,
  showOrder = true,
  showSupplier = true,
}: {
  receipts: ReceiptSummary[];
  caption: string;
  showOrder?: boolean;
  showSupplier?: boolean;
}) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Receipt</th>
            <th scope="col">Received on</th>
            {showSupplier && <th scope="col">Supplier</th>}
            {showOrder && <th scope="col">Order</th>}
            <th scope="col">Bill number</th>
            <th scope="col" className="num">
              Lines’ amount
            </th>
            <th scope="col" className="num">
              Grand total
            </th>
            <th scope="col">Reversal</th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((r) => (
            <tr key={r.receiptId}>
              <th scope="row" className="nobreak">
                <Link to={`/goods-receipts/${r.receiptId}`}>{r.receiptNumber}</Link>
              </th>
              <td className="day">{formatDay(r.receivedOn)}</td>
              {showSupplier && <td>{r.supplier}</td>}
              {showOrder && (
                <td className="nobreak">{r.purchaseOrderId && r.poNumber ? <Link to={`/purchase-orders/${r.purchaseOrderId}`}>{r.poNumber}</Link> : '—'}</td>
              )}
              <td className="nobreak">{r.billNumber ?? '—'}</td>
              <td className="num">{formatMoney(r.totalAmount)}</td>
              <td className="num">{formatMoney(r.grandTotal)}</td>
              <td>{r.reversesReceiptId ? 'A reversal' : r.reversedByReceiptId ? 'Reversed' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
