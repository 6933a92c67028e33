import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatMoney, formatQuantity } from '../format.ts';
import '../forms.css';
import { variantName } from '../items/variants.ts';
import { compare, decimal, minus, plus, round, text, times, ZERO } from '../lots/decimal.ts';
import { ProblemAt, ProblemElsewhere, ProblemOnLine, invalidAt, isAt, lineOf, pathOf } from '../purchasing/problems.tsx';
import '../purchasing/purchasing.css';
import { ChargesFields, isChargePath } from '../purchasing/ChargesFields.tsx';
import { chargesBody } from '../purchasing/landed.ts';
import type { ChargeDraft } from '../purchasing/landed.ts';
import { HEADER_PATHS, ReceiptHeaderFields, emptyHeader, headerBody } from '../purchasing/ReceiptHeader.tsx';
import type { ReceiptHeaderDraft } from '../purchasing/ReceiptHeader.tsx';
import type { Order, OrderLine, Receipt } from '../purchasing/shapes.ts';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

/** What a row of the form holds for one open line of the order. */
interface Row {
  quantity: string;
  unitCost: string;
  overReceiptReason: string;
}

const QUANTITY = /^\d+(\.\d+)?$/;

/** A line's price less its discount: what the API takes as the unit cost when none is given. */
function lineCost(l: OrderLine): string {
  const kept = minus(decimal(100), decimal(l.discountRate));
  const cost = times(decimal(l.unitPrice), kept);
  return text(round({ units: cost.units, scale: cost.scale + 2 }, 4))
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** A line's row before anything is typed: what is open on it, at the line's cost. */
function startingRow(l: OrderLine): Row {
  return { quantity: formatQuantity(l.openQuantity).replace(/,/g, ''), unitCost: lineCost(l), overReceiptReason: '' };
}

/** Whether the typed quantity is more than what is open on the line. */
function over(row: Row, l: OrderLine): boolean {
  return QUANTITY.test(row.quantity.trim()) && compare(decimal(row.quantity.trim()), decimal(l.openQuantity)) > 0;
}

/**
 * Receiving goods against an order: a row per line with something open, its quantity set to
 * what is open and its unit cost to the line's price less its discount; the bill's number,
 * day, tax, discount and grand total. More than is open needs a reason: the API's refusal
 * (409 OVER_RECEIPT) is shown next to the line, and the line asks for the reason.
 */
export default function PurchaseOrderReceive() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const canReceive = useCan('purchasing.receive');
  const order = useApi<Order>(`/api/purchase-orders/${encodeURIComponent(id)}`);
  usePageTitle(order.data ? `Receive against ${order.data.poNumber}` : 'Receive goods');
  const [rows, setRows] = useState<Record<number, Row>>({});
  const [header, setHeader] = useState<ReceiptHeaderDraft>(emptyHeader);
  const [charges, setCharges] = useState<ChargeDraft[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const open = order.data?.lines.filter((l) => compare(decimal(l.openQuantity), ZERO) > 0) ?? [];

  if (order.error !== undefined) return <ErrorAlert error={order.error} />;
  if (!order.data) return <Loading />;
  const po = order.data;
  const back = `/purchase-orders/${po.purchaseOrderId}`;
  const shell = (body: ReactNode) => (
    <div className="purchasing-page">
      <p className="crumbs">
        <Link to="/purchase-orders">Purchase orders</Link> › <Link to={back}>{po.poNumber}</Link>
      </p>
      <h1>Receive goods against {po.poNumber}</h1>
      {body}
    </div>
  );
  if (!canReceive) return shell(<p className="empty">Your role may not receive goods.</p>);
  if (!po.receivable)
    return shell(
      <p className="empty">
        This order is {po.statusLabel.toLowerCase()}: nothing can be received against it now. <Link to={back}>Back to the order</Link>
      </p>,
    );

  // The lines sent, in the order of the rows: what the API's `lines/N` refers to.
  const rowOf = (l: OrderLine): Row => rows[l.lineId] ?? startingRow(l);
  const sent = open.filter((l) => {
    const q = rowOf(l).quantity.trim();
    return q !== '' && !(QUANTITY.test(q) && compare(decimal(q), ZERO) === 0);
  });
  const amount = sent.reduce((sum, l) => {
    const r = rowOf(l);
    if (!QUANTITY.test(r.quantity.trim()) || !QUANTITY.test(r.unitCost.trim())) return sum;
    return plus(sum, times(decimal(r.quantity.trim()), decimal(r.unitCost.trim())));
  }, ZERO);
  const change = (l: OrderLine, patch: Partial<Row>) => setRows((rs) => ({ ...rs, [l.lineId]: { ...(rs[l.lineId] ?? startingRow(l)), ...patch } }));
  const errorLine = lineOf(error);
  const errorLineId = errorLine === undefined ? undefined : sent[errorLine]?.lineId;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (sent.length === 0) {
      setError(new Error('Enter a quantity on at least one line: there is nothing to receive.'));
      return;
    }
    setBusy(true);
    try {
      const made = await api<Receipt>('POST', '/api/goods-receipts', {
        purchaseOrderId: po.purchaseOrderId,
        ...headerBody(header),
        lines: sent.map((l) => {
          const r = rowOf(l);
          return {
            poLineId: l.lineId,
            quantity: r.quantity.trim(),
            // The line's own cost is the API's default: sent only when it was changed.
            ...(r.unitCost.trim() && r.unitCost.trim() !== lineCost(l) ? { unitCost: r.unitCost.trim() } : {}),
            ...(r.overReceiptReason.trim() ? { overReceiptReason: r.overReceiptReason.trim() } : {}),
          };
        }),
        ...(charges.length > 0 ? { charges: chargesBody(charges) } : {}),
      });
      navigate(back, { state: { received: made.receiptNumber, warnings: made.warnings.map((w) => w.message) } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const shownHere = (err: unknown) =>
    HEADER_PATHS.some((p) => isAt(err, p)) || (lineOf(err) !== undefined && sent[lineOf(err) as number] !== undefined) || isChargePath(pathOf(err));
  return shell(
    <form onSubmit={submit} noValidate>
      <p className="caption">
        From <Link to={`/suppliers/${po.supplierId}`}>{po.supplier}</Link>. Each line starts with what is still open on it, at the order’s price less its
        discount: change what came. A line left empty (or 0) is not received. More than is open needs a reason.
      </p>
      <section aria-labelledby="gr-lines">
        <h2 id="gr-lines">What came</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="What came">
          <table className="line-table">
            <caption className="visually-hidden">The open lines of {po.poNumber}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Ordered
                </th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col">Quantity received</th>
                <th scope="col">Unit cost ({po.currency})</th>
              </tr>
            </thead>
            <tbody>
              {open.map((l) => {
                const r = rowOf(l);
                const lineError = l.lineId === errorLineId ? error : undefined;
                const index = sent.indexOf(l);
                const name = variantName(l);
                const asksReason = over(r, l) || (lineError !== undefined && pathOf(lineError) === undefined);
                return (
                  <tr key={l.lineId}>
                    <td>{l.lineNo}</td>
                    <th scope="row">
                      {name} <span className="hint">({l.unit})</span>
                    </th>
                    <td className="num">{formatQuantity(l.quantity)}</td>
                    <td className="num">{formatQuantity(l.openQuantity)}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={`rcv-${l.lineId}-quantity`}>
                        Quantity received of {name}
                      </label>
                      <input
                        id={`rcv-${l.lineId}-quantity`}
                        inputMode="decimal"
                        value={r.quantity}
                        onChange={(e) => change(l, { quantity: e.target.value })}
                        {...invalidAt(lineError, `lines/${index}/quantity`)}
                        {...(lineError !== undefined && pathOf(lineError) === undefined ? { 'aria-invalid': true } : {})}
                      />
                      <ProblemAt error={lineError} path={`lines/${index}/quantity`} label="Quantity" />
                      <ProblemOnLine error={lineError} index={index} label={`Line ${l.lineNo}`} />
                      {asksReason && (
                        <div className="over-reason">
                          <label htmlFor={`rcv-${l.lineId}-reason`}>Why more than is open</label>
                          <input
                            id={`rcv-${l.lineId}-reason`}
                            className="wide"
                            value={r.overReceiptReason}
                            maxLength={2000}
                            onChange={(e) => change(l, { overReceiptReason: e.target.value })}
                            {...invalidAt(lineError, `lines/${index}/overReceiptReason`)}
                          />
                          <ProblemAt error={lineError} path={`lines/${index}/overReceiptReason`} label="Reason" />
                        </div>
                      )}
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`rcv-${l.lineId}-cost`}>
                        Unit cost of {name}
                      </label>
                      <input
                        id={`rcv-${l.lineId}-cost`}
                        inputMode="decimal"
                        value={r.unitCost}
                        onChange={(e) => change(l, { unitCost: e.target.value })}
                        {...invalidAt(lineError, `lines/${index}/unitCost`)}
                      />
                      <ProblemAt error={lineError} path={`lines/${index}/unitCost`} label="Unit cost" />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="totals-line">
          Lines’ amount: <strong>{formatMoney(text(amount), po.currency)}</strong> (before the bill’s discount and tax)
        </p>
      </section>
      <section aria-labelledby="gr-bill">
        <h2 id="gr-bill">The bill</h2>
        <ReceiptHeaderFields header={header} onChange={(patch) => setHeader((h) => ({ ...h, ...patch }))} error={error} />
      </section>
      <ChargesFields
        charges={charges}
        setCharges={setCharges}
        lines={sent.map((l) => ({ key: l.lineId, name: variantName(l), quantity: rowOf(l).quantity, unitCost: rowOf(l).unitCost }))}
        error={error}
      />
      <ProblemElsewhere error={error} shown={shownHere} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Receiving…' : 'Receive goods'}
        </button>
        <Link to={back}>Cancel</Link>
      </div>
    </form>,
  );
}
