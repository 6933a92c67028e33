import { Link } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatMoney } from '../format.ts';
import '../forms.css';
import { Pager } from '../Pager.tsx';
import { OrderStatus } from '../purchasing/OrderStatus.tsx';
import '../purchasing/purchasing.css';
import type { OrderStatusInfo, OrderSummary } from '../purchasing/shapes.ts';
import { SupplierSelect } from '../purchasing/SupplierSelect.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;

/**
 * The purchase orders, newest first, a page at a time: searched by number or supplier (?q=),
 * filtered by status (the API's list of them) and supplier; the address keeps it all.
 */
export default function PurchaseOrders() {
  usePageTitle('Purchase orders');
  const canOrder = useCan('purchasing.order');
  const { q, typed, setTyped, page, setPage, filter, setFilter } = useSearchPage();
  const status = filter('status');
  const supplierId = filter('supplier');
  const filtered = Boolean(q || status || supplierId);
  const statuses = useApi<OrderStatusInfo[]>('/api/purchase-orders/statuses');
  const loaded = useApi<{ total: number; purchaseOrders: OrderSummary[] }>(
    `/api/purchase-orders${query({ q, status, supplierId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );

  return (
    <div className="purchasing-page">
      <div className="page-head">
        <h1>Purchase orders</h1>
        {canOrder && (
          <Link className="button" to="/purchase-orders/new">
            New order
          </Link>
        )}
      </div>
      <div className="filters" role="group" aria-label="Filters">
        <div>
          <label htmlFor="po-search">Search orders</label>
          <input
            id="po-search"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="order number or supplier"
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor="po-status">Status</label>
          <select id="po-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {status && !statuses.data?.some((s) => s.name === status) && <option value={status}>{status}</option>}
            {statuses.data?.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="po-supplier">Supplier</label>
          <SupplierSelect id="po-supplier" value={supplierId} onChange={(v) => setFilter('supplier', v)} emptyLabel="Any supplier" />
        </div>
        {filtered && <Link to="/purchase-orders">Clear filters</Link>}
      </div>
      {statuses.error !== undefined && <ErrorAlert error={statuses.error} />}
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.purchaseOrders.length === 0 ? (
        <p className="empty">
          {filtered
            ? 'No purchase order matches these filters. '
            : page > 1
              ? 'This page is past the last order. '
              : `No purchase orders yet${canOrder ? ': make one with New order.' : '.'}`}
          {(filtered || page > 1) && <Link to="/purchase-orders">Show all orders</Link>}
        </p>
      ) : (
        <>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Purchase orders">
            <table>
              <caption className="visually-hidden">Purchase orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Supplier</th>
                  <th scope="col">Status</th>
                  <th scope="col">Ordered</th>
                  <th scope="col">Expected</th>
                  <th scope="col" className="num">
                    Lines
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.purchaseOrders.map((po) => (
                  <tr key={po.purchaseOrderId}>
                    <th scope="row" className="nobreak">
                      <Link to={`/purchase-orders/${po.purchaseOrderId}`}>{po.poNumber}</Link>
                    </th>
                    <td>{po.supplier}</td>
                    <td>
                      <OrderStatus order={po} />
                    </td>
                    <td className="day">{formatDay(po.orderDate)}</td>
                    <td className="day">{po.expectedOn ? formatDay(po.expectedOn) : '—'}</td>
                    <td className="num">{po.lineCount}</td>
                    <td className="num">{formatMoney(po.total, po.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pageCount(loaded.data.total, PAGE_SIZE)} total={loaded.data.total} noun={['order', 'orders']} onPage={setPage} />
        </>
      )}
    </div>
  );
}
