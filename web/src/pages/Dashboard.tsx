import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { BarChart } from '../Chart.tsx';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatDay, formatMoney, formatPercent, formatQuantity, formatStatus } from '../format.ts';
import type { CostVariance, ImportJob, LotsByStatus, OpenOrders, Variant } from '../shapes.ts';
import { useCan } from '../session.tsx';
import type { StockValueTotal } from '../valuation/shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import type { MarginWatch, RateChange } from '../margins/shapes.ts';
import '../margins/margins.css';

const LOW_STOCK_SHOWN = 8;
const IMPORTS_SHOWN = 5;

export default function Dashboard() {
  usePageTitle('Dashboard');
  const canReadPurchasing = useCan('purchasing.read');
  return (
    <>
      <h1>Dashboard</h1>
      <div className="panels">
        <LotsPanel />
        <LowStockPanel />
        {canReadPurchasing && <OpenOrdersPanel />}
        {canReadPurchasing && <StockValuePanel />}
        <ImportsPanel />
        <CostVariancePanel />
        <MarginWatchPanel />
      </div>
    </>
  );
}

/** A dashboard section: its heading, then what it loaded, or that it is loading, or the API's error. */
function Panel<T>({
  title,
  loaded,
  wide = false,
  children,
}: {
  title: string;
  loaded: { data: T | undefined; error: unknown };
  wide?: boolean;
  children: (data: T) => ReactNode;
}) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    // Focusable: a table wider than its panel scrolls inside it, by keyboard too.
    <section className={`card panel${wide ? ' wide' : ''}`} aria-labelledby={id} tabIndex={0}>
      <h2 id={id}>{title}</h2>
      {loaded.error !== undefined ? <ErrorAlert error={loaded.error} /> : loaded.data === undefined ? <Loading /> : children(loaded.data)}
    </section>
  );
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function LotsPanel() {
  // The last twelve months, by the day lots were created (UTC, as the report counts them).
  const today = new Date();
  const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1));
  const loaded = useApi<LotsByStatus>(`/api/reports/lots-by-status${query({ from: isoDay(from), to: isoDay(today), period: 'month' })}`);
  return (
    <Panel title="Lots by status" loaded={loaded}>
      {(report) => {
        if (report.totals.all === 0) return <p className="empty">No lots yet in the last 12 months.</p>;
        return (
          <>
            <p className="caption">
              {report.totals.all} {report.totals.all === 1 ? 'lot' : 'lots'} created in the last 12 months, by status now
            </p>
            <BarChart
              label="Lots by status"
              captionShown={false}
              series={['Lots']}
              bars={Object.entries(report.totals)
                .filter(([status]) => status !== 'all')
                .map(([status, n]) => ({
                  key: status,
                  // Each bar leads to its lots: the list filtered by the status and the same twelve months.
                  label: <Link to={`/lots${query({ status, from: isoDay(from), to: isoDay(today) })}`}>{formatStatus(status)}</Link>,
                  values: [n],
                  tone: status,
                }))}
              format={(n) => String(n)}
            />
          </>
        );
      }}
    </Panel>
  );
}

function LowStockPanel() {
  const loaded = useApi<{ total: number; variants: Variant[] }>(`/api/stock/low${query({ limit: LOW_STOCK_SHOWN })}`);
  return (
    <Panel title="Low stock" loaded={loaded}>
      {({ total, variants }) =>
        total === 0 ? (
          <p className="empty">No variant is at or below its reorder threshold.</p>
        ) : (
          <>
            <p className="caption">
              {total} {total === 1 ? 'variant is' : 'variants are'} at or below the reorder threshold
              {total > variants.length ? `; the ${variants.length} furthest below:` : ':'}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Variant</th>
                  <th scope="col" className="num">
                    Stock
                  </th>
                  <th scope="col" className="num">
                    Threshold
                  </th>
                </tr>
              </thead>
              <tbody>
                {variants.map((v) => (
                  <tr key={v.variantId}>
                    <td>
                      <Link to={`/items/${v.itemId}?variant=${v.variantId}`}>{v.item}</Link>
                    </td>
                    <td>
                      {v.color} / {v.size}
                    </td>
                    <td className="num">
                      {formatQuantity(v.stock)} {v.unit}
                    </td>
                    <td className="num">{formatQuantity(v.reorderThreshold)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </Panel>
  );
}

/** The orders waiting for goods, per status (each a link to those orders), the drafts, what is still to come in per currency, and the late ones. */
function OpenOrdersPanel() {
  const loaded = useApi<OpenOrders>('/api/purchase-orders/open');
  return (
    <Panel title="Open purchase orders" loaded={loaded}>
      {({ statuses, drafts, amounts, overdue }) => {
        const waiting = statuses.reduce((n, s) => n + s.count, 0);
        if (waiting === 0 && drafts === 0)
          return (
            <p className="empty">
              No order is waiting for goods. <Link to="/purchasing/suggestions">See what to buy next</Link>
            </p>
          );
        return (
          <>
            <p className="figure">{amounts.length === 0 ? formatMoney('0') : amounts.map((a) => formatMoney(a.open, a.currency)).join(' · ')}</p>
            <p className="caption">
              Still to come in on {waiting} {waiting === 1 ? 'order' : 'orders'} waiting for goods, tax included.
            </p>
            {overdue > 0 && (
              <p className="unvalued-note">
                {overdue} {overdue === 1 ? 'order is' : 'orders are'} past the day expected.
              </p>
            )}
            <table>
              <thead>
                <tr>
                  <th scope="col">Waiting for goods</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                </tr>
              </thead>
              <tbody>
                {statuses.map((s) => (
                  <tr key={s.status}>
                    <td>
                      <Link to={`/purchase-orders${query({ status: s.status })}`}>{s.label}</Link>
                    </td>
                    <td className="num">{s.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {drafts > 0 && (
              <p>
                <Link to={`/purchase-orders${query({ status: 'draft' })}`}>
                  {drafts} draft {drafts === 1 ? 'order' : 'orders'}
                </Link>{' '}
                not sent yet.
              </p>
            )}
          </>
        );
      }}
    </Panel>
  );
}

/** What stock is worth today, and how much of it has no cost yet (counted apart). */
function StockValuePanel() {
  const loaded = useApi<StockValueTotal>('/api/stock/value/total');
  return (
    <Panel title="Stock value" loaded={loaded}>
      {(total) => (
        <>
          <p className="figure">{formatMoney(total.value)}</p>
          <p className="caption">
            What stock is worth today, at moving weighted-average cost: {total.variants - total.unvaluedVariants} of the {total.variants}{' '}
            {total.variants === 1 ? 'variant' : 'variants'} in stock have a cost.
          </p>
          {total.unvaluedVariants > 0 && (
            <p className="unvalued-note">
              {total.unvaluedVariants} {total.unvaluedVariants === 1 ? 'variant has' : 'variants have'} stock with no cost yet: not counted in the total.
            </p>
          )}
          <p>
            <Link to="/stock/value">Stock value by variant, item or category</Link>
          </p>
        </>
      )}
    </Panel>
  );
}

function ImportsPanel() {
  const loaded = useApi<{ total: number; jobs: ImportJob[] }>(`/api/imports${query({ limit: IMPORTS_SHOWN })}`);
  return (
    <Panel title="Recent imports" loaded={loaded} wide>
      {({ jobs }) =>
        jobs.length === 0 ? (
          <p className="empty">No imports yet.</p>
        ) : (
          <table className="fitted">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Rows accepted / rejected
                </th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <td className="file-name">
                    <Link to={`/imports/${j.id}`}>{j.fileName ?? `import ${j.id}`}</Link>
                  </td>
                  <td>
                    <Link to={`/imports${query({ kind: j.kind })}`}>{j.kind}</Link>
                  </td>
                  <td>
                    <Link to={`/imports${query({ status: j.status })}`}>
                      <span className={`badge status-${j.status}`}>{formatStatus(j.status)}</span>
                    </Link>
                  </td>
                  <td className="num">
                    {j.successCount} / {j.failureCount}
                  </td>
                  <td>{formatDateTime(j.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Panel>
  );
}

/** The completed lots of a process: what a cost variance is measured over. */
const completedLots = (processId: number) => `/lots${query({ status: 'completed', process: processId })}`;

function CostVariancePanel() {
  const loaded = useApi<{ processes: CostVariance[] }>('/api/reports/cost-variance');
  return (
    <Panel title="Cost variance" loaded={loaded} wide>
      {({ processes }) =>
        processes.length === 0 ? (
          <p className="empty">No completed lots yet: variance shows once a lot is completed.</p>
        ) : (
          <>
            <p className="caption">
              What completed lots really cost (the stock they consumed at its average cost, plus labour and overheads) against the worst-case estimate; the
              largest overrun first.
            </p>
            <BarChart
              label="Worst-case estimate and actual cost by process"
              captionShown={false}
              series={['Worst-case estimate', 'Actual']}
              bars={processes.map((p) => ({
                key: p.processId,
                label: <Link to={completedLots(p.processId)}>{p.process}</Link>,
                values: [Number(p.worstCaseEstimate), Number(p.actual)],
              }))}
              format={(n) => formatMoney(n.toFixed(2))}
            />
            <table>
              <thead>
                <tr>
                  <th scope="col">Process</th>
                  <th scope="col" className="num">
                    Lots
                  </th>
                  <th scope="col" className="num">
                    Worst-case estimate
                  </th>
                  <th scope="col" className="num">
                    Actual
                  </th>
                  <th scope="col" className="num">
                    Variance
                  </th>
                </tr>
              </thead>
              <tbody>
                {processes.map((p) => (
                  <tr key={p.processId}>
                    <td>
                      <Link to={`/processes/${p.processId}`}>{p.process}</Link>
                    </td>
                    <td className="num">
                      <Link to={completedLots(p.processId)}>{p.lots}</Link>
                    </td>
                    <td className="num">{formatMoney(p.worstCaseEstimate)}</td>
                    <td className="num">
                      {formatMoney(p.actual)}
                      {p.incompleteActuals > 0 && (
                        <span
                          title={`${p.incompleteActuals} ${p.incompleteActuals === 1 ? 'lot' : 'lots'} consumed stock that had no cost yet: the actual is a lower bound`}
                        >
                          {' '}
                          (at least)
                        </span>
                      )}
                    </td>
                    <td className={`num ${p.variance.startsWith('-') ? 'under' : p.variance === '0' || /^0(\.0+)?$/.test(p.variance) ? '' : 'over'}`}>
                      {formatMoney(p.variance)}
                      {p.variancePercent !== null && ` (${formatPercent(p.variancePercent)})`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </Panel>
  );
}

/** How one rate change reads on the margin watch: who, what, the cost before → now, and how it changed. */
function changeWords(c: RateChange): string {
  const cost = c.previousCost === null ? `now ${formatMoney(c.costPerUnit)}` : `${formatMoney(c.previousCost)} → ${formatMoney(c.costPerUnit)}`;
  const how =
    c.how === 'edited'
      ? `changed ${formatDay(c.changedOn)}`
      : c.how === 'started'
        ? `took effect ${formatDay(c.changedOn)}`
        : `rewritten by an import ${formatDay(c.changedOn)}`;
  return `${c.variant} from ${c.firmName}: ${cost}${c.isActive ? '' : ' (inactive)'}, ${how}`;
}

/**
 * The margin watch: the active processes below their target margin at today's rates (worst
 * case, usual lot size), lowest first, each with its variants' rate changes of the last 30
 * days that may have put it there (GET /api/margins/watch).
 */
function MarginWatchPanel() {
  const loaded = useApi<MarginWatch>('/api/margins/watch');
  return (
    <Panel title="Margin watch" loaded={loaded}>
      {(watch) =>
        watch.processes.length === 0 ? (
          <p className="empty">
            {watch.costed === 0
              ? 'No active process has a sales price to watch.'
              : `All ${watch.costed} active ${watch.costed === 1 ? 'process is' : 'processes are'} at or above their target margin at today’s rates.`}
          </p>
        ) : (
          <>
            <p className="caption">
              {watch.processes.length} of {watch.costed} active {watch.costed === 1 ? 'process' : 'processes'} below target at today’s rates (worst case, usual
              lot size), with their variants’ rate changes of the last {watch.days} days
            </p>
            <ul className="margin-watch">
              {watch.processes.map((p) => (
                <li key={p.processId}>
                  <Link to={`/processes/${p.processId}`}>{p.name}</Link>: margin {p.margin}% against a target of {p.targetMargin}%
                  {p.ownTarget ? '' : ' (the default)'}
                  {p.complete ? '' : ', some variants unpriced'}
                  {p.changes.length === 0 ? (
                    <span className="caption"> — no rate of its variants changed in the last {watch.days} days.</span>
                  ) : (
                    <ul className="margin-watch-changes">
                      {p.changes.map((c) => (
                        <li key={`${c.how}-${c.rateId}`}>
                          <Link to={`/suppliers/${c.supplierId}`}>{changeWords(c)}</Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </>
        )
      }
    </Panel>
  );
}
