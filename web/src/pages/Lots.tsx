import { Link } from 'react-router';
import { query } from '../api.ts';
import { Loading } from '../feedback.tsx';
import { formatDateTime, formatDay, formatMoney, formatQuantity, formatStatus } from '../format.ts';
import { FieldError } from '../lots/FieldError.tsx';
import { StatusBadge } from '../lots/StatusBadge.tsx';
import type { LotStatusInfo, LotSummary, ProcessSummary } from '../lots/types.ts';
import '../lots/lots.css';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';
import { DayInput } from '../DayInput.tsx';

const PAGE_SIZE = 25;

/**
 * The production lots, newest first, a page at a time, filtered by status, process and the
 * days they were created; the address keeps the filters (?status=, ?process=, ?from=, ?to=)
 * and the page. The API has no text search over lots: the filters narrow the list instead.
 */
export default function Lots() {
  usePageTitle('Lots');
  const canPlan = useCan('lot.plan');
  const { q, typed, setTyped, page, setPage, filter, setFilter } = useSearchPage();
  const status = filter('status');
  const processId = filter('process');
  const from = filter('from');
  const to = filter('to');
  const filtered = Boolean(q || status || processId || from || to);

  const statuses = useApi<LotStatusInfo[]>('/api/lots/statuses');
  const processes = useApi<{ total: number; processes: ProcessSummary[] }>('/api/processes?limit=500');
  const loaded = useApi<{ total: number; totalCapped: boolean; lots: LotSummary[] }>(
    `/api/lots${query({ q, status, processId, from, to, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );
  const pages = pageCount(loaded.data?.total ?? 0, PAGE_SIZE);

  return (
    <div className="lots-page">
      <div className="page-head">
        <h1>Lots</h1>
        {canPlan && (
          <Link className="button" to="/lots/new">
            New lot
          </Link>
        )}
      </div>
      <div className="lot-filters" role="group" aria-label="Filters">
        <div>
          <label htmlFor="lot-search">Search lots</label>
          <input
            id="lot-search"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="lot number, process or notes"
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor="lot-status">Status</label>
          <select id="lot-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {status && !statuses.data?.some((s) => s.status === status) && <option value={status}>{formatStatus(status)}</option>}
            {statuses.data?.map((s) => (
              <option key={s.status} value={s.status}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="lot-process">Process</label>
          <select id="lot-process" value={processId} onChange={(e) => setFilter('process', e.target.value)}>
            <option value="">Any process</option>
            {processId && !processes.data?.processes.some((p) => String(p.processId) === processId) && <option value={processId}>Process {processId}</option>}
            {processes.data?.processes.map((p) => (
              <option key={p.processId} value={p.processId}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="lot-from">Created from</label>
          <DayInput id="lot-from" data-view-only value={from} onChange={(v, valid) => valid && setFilter('from', v)} />
        </div>
        <div>
          <label htmlFor="lot-to">Created to</label>
          <DayInput id="lot-to" data-view-only value={to} onChange={(v, valid) => valid && setFilter('to', v)} />
        </div>
        {filtered && (
          <Link to="/lots" className="clear-filters">
            Clear filters
          </Link>
        )}
      </div>
      {statuses.error !== undefined && <FieldError error={statuses.error} />}
      {processes.error !== undefined && <FieldError error={processes.error} />}
      {loaded.error !== undefined ? (
        <FieldError error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.lots.length === 0 ? (
        <p className="empty">
          {filtered
            ? 'No lot matches these filters. '
            : page > 1
              ? 'This page is past the last lot. '
              : canPlan
                ? 'No lots yet: make one with New lot.'
                : 'No lots yet.'}
          {(filtered || page > 1) && <Link to="/lots">Show all lots</Link>}
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Production lots, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Lot number</th>
                  <th scope="col">Process</th>
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Planned start</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="num">
                    Estimate (worst)
                  </th>
                  <th scope="col" className="num">
                    Actual
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.lots.map((lot) => (
                  <tr key={lot.lotId}>
                    <th scope="row" className="lot-number">
                      <Link to={`/lots/${lot.lotId}`}>{lot.lotNumber}</Link>
                    </th>
                    <td>{lot.process}</td>
                    <td className="num">{formatQuantity(String(lot.quantity))}</td>
                    <td>
                      <StatusBadge status={lot.status} />
                    </td>
                    <td>{lot.plannedStart ? formatDay(lot.plannedStart) : lot.final ? '—' : 'as soon as possible'}</td>
                    <td>{formatDateTime(lot.createdAt)}</td>
                    <td className="num">{lot.worstCaseEstimatedCost ? formatMoney(lot.worstCaseEstimatedCost) : '—'}</td>
                    <td className="num">{lot.actualCost ? formatMoney(lot.actualCost) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} total={loaded.data.total} capped={loaded.data.totalCapped} noun={['lot', 'lots']} onPage={setPage} />
        </>
      )}
    </div>
  );
}
