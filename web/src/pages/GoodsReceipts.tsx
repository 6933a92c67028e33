import { Link } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import '../forms.css';
import { Pager } from '../Pager.tsx';
import '../purchasing/purchasing.css';
import { ReceiptsTable } from '../purchasing/ReceiptsTable.tsx';
import type { ReceiptSummary } from '../purchasing/shapes.ts';
import { SupplierSelect } from '../purchasing/SupplierSelect.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;

/** The goods received, newest first, a page at a time: searched by receipt or bill number or supplier (?q=), filtered by supplier. */
export default function GoodsReceipts() {
  usePageTitle('Goods receipts');
  const canReceive = useCan('purchasing.receive');
  const { q, typed, setTyped, page, setPage, filter, setFilter } = useSearchPage();
  const supplierId = filter('supplier');
  const filtered = Boolean(q || supplierId);
  const loaded = useApi<{ total: number; receipts: ReceiptSummary[] }>(
    `/api/goods-receipts${query({ q, supplierId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );

  return (
    <div className="purchasing-page">
      <div className="page-head">
        <h1>Goods receipts</h1>
        {canReceive && (
          <Link className="button" to="/goods-receipts/new">
            New receipt
          </Link>
        )}
      </div>
      <div className="filters" role="group" aria-label="Filters">
        <div>
          <label htmlFor="gr-search">Search receipts</label>
          <input
            id="gr-search"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="receipt or bill number, supplier"
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor="gr-supplier">Supplier</label>
          <SupplierSelect id="gr-supplier" value={supplierId} onChange={(v) => setFilter('supplier', v)} emptyLabel="Any supplier" />
        </div>
        {filtered && <Link to="/goods-receipts">Clear filters</Link>}
      </div>
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.receipts.length === 0 ? (
        <p className="empty">
          {filtered ? 'No receipt matches these filters. ' : page > 1 ? 'This page is past the last receipt. ' : 'No goods received yet.'}
          {(filtered || page > 1) && <Link to="/goods-receipts">Show all receipts</Link>}
        </p>
      ) : (
        <>
          <ReceiptsTable receipts={loaded.data.receipts} caption="Goods receipts, newest first" />
          <Pager page={page} pages={pageCount(loaded.data.total, PAGE_SIZE)} total={loaded.data.total} noun={['receipt', 'receipts']} onPage={setPage} />
        </>
      )}
    </div>
  );
}
