import type { OrderSummary } from './shapes.ts';

/** An order's status as a badge with the label the API gives it. */
export function OrderStatus({ order }: { order: Pick<OrderSummary, 'status' | 'statusLabel'> }) {
  return <span className={`badge po-status status-${order.status}`}>{order.statusLabel}</span>;
}
