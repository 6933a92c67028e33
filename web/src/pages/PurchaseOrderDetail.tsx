import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { MoveButtons } from '../MoveButtons.tsx';
import { formatDay, formatDateTime, formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import '../forms.css';
import { FormActions, orNull } from '../forms.tsx';
import { variantName } from '../items/variants.ts';
import { OrderLineFields, emptyLine, lineBody } from '../purchasing/OrderLineFields.tsx';
import type { LineDraft } from '../purchasing/OrderLineFields.tsx';
import { OrderStatus } from '../purchasing/OrderStatus.tsx';
import { ProblemAt, ProblemElsewhere, invalidAt, isAt, refusal } from '../purchasing/problems.tsx';
import { OrderTotals } from '../purchasing/OrderTotals.tsx';
import '../purchasing/purchasing.css';
import { ReceiptsTable } from '../purchasing/ReceiptsTable.tsx';
import type { Order, OrderAction, OrderLine, OrderStatusInfo, ReceiptSummary } from '../purchasing/shapes.ts';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { useNotice } from '../useNotice.ts';
import { DayInput } from '../DayInput.tsx';

/**
 * One purchase order: its supplier, days and status, the moves the API offers the user now
 * (`actions`), its lines (added, changed and removed while the API says `linesEditable`) with
 * what is received and still open on each, its totals (exact from the API, rounded to show),
 * the receipts against it, and "Receive goods" while it is `receivable`.
 */
export default function PurchaseOrderDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const arrived = location.state as { created?: string; received?: string; warnings?: string[] } | null;
  const order = useApi<Order>(`/api/purchase-orders/${encodeURIComponent(id)}`);
  const receipts = useApi<{ total: number; receipts: ReceiptSummary[] }>(
    /^\d+$/.test(id) ? `/api/goods-receipts${query({ purchaseOrderId: id, limit: 500 })}` : null,
  );
  const canReceive = useCan('purchasing.receive');
  const {
    notice,
    ref: noticeRef,
    say,
  } = useNotice(
    arrived?.created ? `Purchase order ${arrived.created} made, a draft.` : arrived?.received ? `Goods received: receipt ${arrived.received}.` : null,
  );
  const receiptWarnings = arrived?.received ? (arrived.warnings ?? []) : [];
  usePageTitle(order.data ? `Purchase order ${order.data.poNumber}` : 'Purchase order');
  const changed = (message: string) => {
    say(message);
    order.reload();
    receipts.reload();
  };

  if (order.error !== undefined) {
    return (
      <div className="purchasing-page">
        <p className="crumbs">
          <Link to="/purchase-orders">Purchase orders</Link>
        </p>
        <h1>Purchase order</h1>
        <ErrorAlert error={order.error} />
      </div>
    );
  }
  if (!order.data) return <Loading />;
  const po = order.data;

  return (
    <div className="purchasing-page">
      <p className="crumbs">
        <Link to="/purchase-orders">Purchase orders</Link>
      </p>
      <h1>Purchase order {po.poNumber}</h1>
      <dl className="facts">
        <div>
          <dt>Supplier</dt>
          <dd>
            <Link to={`/suppliers/${po.supplierId}`}>{po.supplier}</Link>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <OrderStatus order={po} />
          </dd>
        </div>
        <div>
          <dt>Order date</dt>
          <dd className="day">{formatDay(po.orderDate)}</dd>
        </div>
        <div>
          <dt>Ordered by</dt>
          <dd>{po.createdByName ?? '—'}</dd>
        </div>
        <div>
          <dt>Expected on</dt>
          <dd className="day">{po.expectedOn ? formatDay(po.expectedOn) : '—'}</dd>
        </div>
        <div>
          <dt>Currency</dt>
          <dd>{po.currency}</dd>
        </div>
        {po.sentAt && (
          <div>
            <dt>Sent</dt>
            <dd>{formatDateTime(po.sentAt)}</dd>
          </div>
        )}
        {po.closedAt && (
          <div>
            <dt>Closed</dt>
            <dd>{formatDateTime(po.closedAt)}</dd>
          </div>
        )}
      </dl>
      {po.notes && <p>Notes: {po.notes}</p>}
      {po.statusReason && (
        <p>
          {po.statusLabel} because: {po.statusReason}
        </p>
      )}
      {notice && (
        <p className="success" role="status" ref={noticeRef} tabIndex={-1}>
          {notice}
        </p>
      )}
      {po.warnings.length + receiptWarnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {po.warnings.map((w) => (
            <li key={`${w.lineNo}-${w.code}`}>{w.message}</li>
          ))}
          {receiptWarnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="head-actions">
        {po.receivable && canReceive && (
          <Link className="button" to={`/purchase-orders/${po.purchaseOrderId}/receive`}>
            Receive goods
          </Link>
        )}
        <Link className="button secondary" to={`/purchase-orders/${po.purchaseOrderId}/print`}>
          Printable order
        </Link>
      </div>

      <StatusActions order={po} onChanged={changed} />
      <Details order={po} onChanged={changed} />
      <Lines order={po} onChanged={changed} />

      <section aria-labelledby="po-receipts">
        <h2 id="po-receipts">Receipts</h2>
        {receipts.error !== undefined ? (
          <ErrorAlert error={receipts.error} />
        ) : !receipts.data ? (
          <Loading />
        ) : receipts.data.receipts.length === 0 ? (
          <p className="empty">Nothing has been received against this order yet.</p>
        ) : (
          <ReceiptsTable
            receipts={receipts.data.receipts}
            caption={`Goods received against ${po.poNumber}, newest first`}
            showOrder={false}
            showSupplier={false}
          />
        )}
      </section>
    </div>
  );
}

/** The moves the API offers the user on this order (none: no section). */
function StatusActions({ order, onChanged }: { order: Order; onChanged: (message: string) => void }) {
  if (order.actions.length === 0) return null;
  return (
    <section aria-labelledby="po-status-heading">
      <h2 id="po-status-heading">Status</h2>
      <MoveButtons
        moves={order.actions.map((a) => ({ ...a, confirm: openInNumbers(a, order) }))}
        idPrefix="po"
        reasonHelp="Why: it is kept with the order."
        onMove={async (a: OrderAction, reason) => {
          const after = await api<Order>('POST', `/api/purchase-orders/${order.purchaseOrderId}/${a.action}`, a.needsReason ? { reason } : undefined);
          onChanged(`Purchase order ${order.poNumber} is ${after.statusLabel.toLowerCase()} now.`);
        }}
      />
    </section>
  );
}

/**
 * The day the order is expected and its notes, changed by a user who may order until the
 * order's status is final (as GET /api/purchase-orders/statuses says).
 */
function Details({ order, onChanged }: { order: Order; onChanged: (message: string) => void }) {
  const canOrder = useCan('purchasing.order');
  const statuses = useApi<OrderStatusInfo[]>(canOrder ? '/api/purchase-orders/statuses' : null);
  const final = statuses.data?.find((s) => s.name === order.status)?.final ?? true;
  const [open, setOpen] = useState(false);
  const [expectedOn, setExpectedOn] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (!canOrder || final) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('PATCH', `/api/purchase-orders/${order.purchaseOrderId}`, { expectedOn: expectedOn || null, notes: orNull(notes) });
      setOpen(false);
      onChanged('Expected day and notes saved.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="po-details">
      <h2 id="po-details">Expected day and notes</h2>
      {!open ? (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setExpectedOn(order.expectedOn ?? '');
            setNotes(order.notes ?? '');
            setError(undefined);
            setOpen(true);
          }}
        >
          Change expected day or notes
        </button>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Expected day and notes">
          <div className="form-grid">
            <div>
              <label htmlFor="po-edit-expected">Expected on</label>
              <DayInput id="po-edit-expected" value={expectedOn} onChange={(v) => setExpectedOn(v)} {...invalidAt(error, 'expectedOn')} />
              <ProblemAt error={error} path="expectedOn" label="Expected on" />
            </div>
            <div className="wide">
              <label htmlFor="po-edit-notes">Notes</label>
              <textarea id="po-edit-notes" rows={2} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} {...invalidAt(error, 'notes')} />
              <ProblemAt error={error} path="notes" label="Notes" />
            </div>
          </div>
          <ProblemElsewhere error={error} shown={(err) => isAt(err, 'expectedOn') || isAt(err, 'notes')} />
          <FormActions busy={busy} submitLabel="Save" busyLabel="Saving…" onCancel={() => setOpen(false)} />
        </form>
      )}
    </section>
  );
}

/** What a line's row holds while it is changed. */
interface LineEdit {
  quantity: string;
  unitPrice: string;
  taxRate: string;
  discountRate: string;
}

/**
 * The order's lines with what is received and open on each, and its totals; while the API
 * says the lines are editable, a user who may order changes or removes a line and adds one.
 */
function Lines({ order, onChanged }: { order: Order; onChanged: (message: string) => void }) {
  const editable = useCan('purchasing.order') && order.linesEditable;
  const [editing, setEditing] = useState<number | null>(null);
  const [edit, setEdit] = useState<LineEdit>({ quantity: '', unitPrice: '', taxRate: '', discountRate: '' });
  const [adding, setAdding] = useState<LineDraft | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ lineId: number | 'new'; error: unknown } | null>(null);
  const base = `/api/purchase-orders/${order.purchaseOrderId}/lines`;

  async function send(lineId: number | 'new', work: () => Promise<unknown>, message: string) {
    setBusy(true);
    setFailure(null);
    try {
      await work();
      setEditing(null);
      setAdding(null);
      onChanged(message);
    } catch (error) {
      setFailure({ lineId, error });
    } finally {
      setBusy(false);
    }
  }

  const startEdit = (l: OrderLine) => {
    setFailure(null);
    setEditing(l.lineId);
    setEdit({ quantity: l.quantity, unitPrice: l.unitPrice, taxRate: l.taxRate, discountRate: l.discountRate });
  };
  const saveEdit = (l: OrderLine) => {
    const body = Object.fromEntries(
      Object.entries(edit)
        .filter(([k, v]) => v.trim() !== '' && v.trim() !== l[k as keyof LineEdit])
        .map(([k, v]) => [k, v.trim()]),
    );
    if (Object.keys(body).length === 0) {
      setEditing(null);
      return;
    }
    void send(l.lineId, () => api('PATCH', `${base}/${l.lineId}`, body), `Line ${l.lineNo} changed.`);
  };
  const addLine = (e: FormEvent) => {
    e.preventDefault();
    if (!adding) return;
    if (adding.variantId === undefined) {
      setFailure({ lineId: 'new', error: refusal('variantId', 'find the item and choose its variant') });
      return;
    }
    void send('new', () => api('POST', base, lineBody(adding)), 'Line added.');
  };
  const errorOf = (lineId: number | 'new') => (failure?.lineId === lineId ? failure.error : undefined);

  return (
    <section aria-labelledby="po-lines">
      <h2 id="po-lines">Lines</h2>
      {order.lines.length === 0 ? (
        <p className="empty">No lines yet{editable ? ': add what to order below.' : '.'}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="The order’s lines">
          <table className="line-table">
            <caption className="visually-hidden">The lines of {order.poNumber}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Tax %
                </th>
                <th scope="col" className="num">
                  Discount %
                </th>
                {!order.linesEditable && (
                  <>
                    <th scope="col" className="num">
                      Received
                    </th>
                    <th scope="col" className="num">
                      Open
                    </th>
                  </>
                )}
                <th scope="col" className="num">
                  Net
                </th>
                <th scope="col" className="num">
                  Tax
                </th>
                <th scope="col" className="num">
                  Total
                </th>
                {editable && <th scope="col">Change</th>}
              </tr>
            </thead>
            <tbody>
              {order.lines.map((l) => {
                const name = `${variantName(l)}`;
                const error = errorOf(l.lineId);
                if (editing === l.lineId) {
                  const field = (key: keyof LineEdit, label: string) => (
                    <td className="num">
                      <label className="visually-hidden" htmlFor={`edit-${l.lineId}-${key}`}>
                        {label} of line {l.lineNo}
                      </label>
                      <input
                        id={`edit-${l.lineId}-${key}`}
                        inputMode="decimal"
                        value={edit[key]}
                        onChange={(e) => setEdit((x) => ({ ...x, [key]: e.target.value }))}
                        {...invalidAt(error, key)}
                      />
                      <ProblemAt error={error} path={key} label={label} />
                    </td>
                  );
                  return (
                    <tr key={l.lineId} className="chosen">
                      <td>{l.lineNo}</td>
                      <th scope="row">
                        {name} <span className="hint">({l.unit})</span>
                      </th>
                      {field('quantity', 'Quantity')}
                      {field('unitPrice', 'Unit price')}
                      {field('taxRate', 'Tax %')}
                      {field('discountRate', 'Discount %')}
                      <td colSpan={order.linesEditable ? 3 : 5} />
                      <td>
                        <div className="actions">
                          <button type="button" disabled={busy} onClick={() => saveEdit(l)}>
                            {busy ? 'Saving…' : 'Save'}
                          </button>
                          <button type="button" className="secondary" disabled={busy} onClick={() => setEditing(null)}>
                            Cancel
                          </button>
                        </div>
                        <ProblemElsewhere error={error} shown={(err) => ['quantity', 'unitPrice', 'taxRate', 'discountRate'].some((k) => isAt(err, k))} />
                      </td>
                    </tr>
                  );
                }
                return (
                  <tr key={l.lineId}>
                    <td>{l.lineNo}</td>
                    <th scope="row">
                      {name} <span className="hint">({l.unit})</span>
                    </th>
                    <td className="num">{formatQuantity(l.quantity)}</td>
                    <td className="num">{formatUnitCost(l.unitPrice, order.currency)}</td>
                    <td className="num">{formatQuantity(l.taxRate)}</td>
                    <td className="num">{formatQuantity(l.discountRate)}</td>
                    {!order.linesEditable && (
                      <>
                        <td className="num">{formatQuantity(l.receivedQuantity)}</td>
                        <td className="num">{formatQuantity(l.openQuantity)}</td>
                      </>
                    )}
                    <td className="num">{formatMoney(l.net, order.currency)}</td>
                    <td className="num">{formatMoney(l.tax, order.currency)}</td>
                    <td className="num">{formatMoney(l.total, order.currency)}</td>
                    {editable && (
                      <td>
                        <div className="actions">
                          <button type="button" className="secondary" disabled={busy} onClick={() => startEdit(l)} aria-label={`Change line ${l.lineNo}`}>
                            Change
                          </button>
                          <button
                            type="button"
                            className="secondary"
                            disabled={busy}
                            aria-label={`Remove line ${l.lineNo}`}
                            onClick={() => void send(l.lineId, () => api('DELETE', `${base}/${l.lineId}`), `Line ${l.lineNo} removed.`)}
                          >
                            Remove
                          </button>
                        </div>
                        <ProblemElsewhere error={error} shown={() => false} />
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {order.lines.length > 0 && <OrderTotals order={order} />}
      {editable &&
        (adding ? (
          <form className="card line-form" onSubmit={addLine} noValidate aria-label="Add a line">
            <h3>New line</h3>
            <OrderLineFields
              idPrefix="add-line"
              line={adding}
              onChange={(patch) => setAdding((a) => (a ? { ...a, ...patch } : a))}
              error={errorOf('new')}
              path=""
            />
            <ProblemElsewhere
              error={errorOf('new')}
              shown={(err) => ['variantId', 'quantity', 'unitPrice', 'taxRate', 'discountRate'].some((k) => isAt(err, k))}
            />
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Adding…' : 'Add line'}
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => setAdding(null)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <div className="actions line-form">
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setFailure(null);
                setAdding(emptyLine());
              }}
            >
              Add a line
            </button>
          </div>
        ))}
    </section>
  );
}

/**
 * The API's sentence to confirm a move that ends the order (cancel, close short), with what is
 * still open on it in numbers: "3 lines are still open: 40 pcs × Seat · Pink · General, …".
 */
function openInNumbers(a: OrderAction, order: Order): string | null {
  if (a.confirm === null || (a.to !== 'cancelled' && a.to !== 'closed')) return a.confirm;
  const open = order.lines.filter((l) => Number(l.openQuantity) > 0);
  if (open.length === 0) return `${a.confirm} Nothing is still open on it.`;
  const what = open.map((l) => `${formatQuantity(l.openQuantity)} ${l.unit} × ${l.item} · ${l.color} · ${l.size}`).join(', ');
  return `${a.confirm} ${open.length === 1 ? '1 line is' : `${open.length} lines are`} still open: ${what}.`;
}
