import { formatMoney } from '../format.ts';
import type { OrderSummary } from './shapes.ts';

/** An order's net, tax and total, exact from the API and shown rounded to cents. */
export function OrderTotals({ order }: { order: Pick<OrderSummary, 'net' | 'tax' | 'total' | 'currency'> }) {
  return (
    <dl className="totals">
      <dt>Net</dt>
      <dd>{formatMoney(order.net, order.currency)}</dd>
      <dt>Tax</dt>
      <dd>{formatMoney(order.tax, order.currency)}</dd>
      <dt className="grand">Total ({order.currency})</dt>
      <dd className="grand">{formatMoney(order.total, order.currency)}</dd>
    </dl>
  );
}
