import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDay, formatDateTime, formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import '../forms.css';
import { variantName } from '../items/variants.ts';
import { ZERO, decimal, plus, text } from '../lots/decimal.ts';
import { AddCharge } from '../purchasing/AddCharge.tsx';
import { KIND_LABELS, SPREAD_LABELS } from '../purchasing/landed.ts';
import { ProblemAt, ProblemElsewhere, invalidAt, isAt } from '../purchasing/problems.tsx';
import '../purchasing/purchasing.css';
import type { Receipt } from '../purchasing/shapes.ts';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

/**
 * One goods receipt: its supplier, order, bill and lines at the cost each went into stock
 * (with its charges, each line's landed unit cost), its charges, and which receipt reverses it
 * (or which it reverses). A user who may receive adds a charge that came later (a freight
 * bill), or reverses it, saying why: a new receipt takes each line back out of stock and off
 * the order.
 */
export default function GoodsReceiptDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const arrived = location.state as { created?: string; reversed?: string; warnings?: string[] } | null;
  const receipt = useApi<Receipt>(`/api/goods-receipts/${encodeURIComponent(id)}`);
  const [added, setAdded] = useState<Receipt | null>(null);
  usePageTitle(receipt.data ? `Goods receipt ${receipt.data.receiptNumber}` : 'Goods receipt');
  const canReceive = useCan('purchasing.receive');
  const notice = arrived?.created
    ? `Goods received: receipt ${arrived.created}.`
    : arrived?.reversed
      ? `Receipt ${arrived.reversed} reversed by this one.`
      : null;
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  if (receipt.error !== undefined) {
    return (
      <div className="purchasing-page">
        <p className="crumbs">
          <Link to="/goods-receipts">Goods receipts</Link>
        </p>
        <h1>Goods receipt</h1>
        <ErrorAlert error={receipt.error} />
      </div>
    );
  }
  if (!receipt.data) return <Loading />;
  const r = added?.receiptId === receipt.data.receiptId ? added : receipt.data;
  const charged = r.charges.length > 0;
  const warnings = arrived?.warnings ?? [];
  return (
    <div className="purchasing-page">
      <p className="crumbs">
        <Link to="/goods-receipts">Goods receipts</Link>
      </p>
      <h1>Goods receipt {r.receiptNumber}</h1>
      {notice && (
        <p className="success" role="status" ref={noticeRef} tabIndex={-1}>
          {notice}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <div>
          <dt>Supplier</dt>
          <dd>
            <Link to={`/suppliers/${r.supplierId}`}>{r.supplier}</Link>
          </dd>
        </div>
        <div>
          <dt>Order</dt>
          <dd>{r.purchaseOrderId && r.poNumber ? <Link to={`/purchase-orders/${r.purchaseOrderId}`}>{r.poNumber}</Link> : 'none (received on its own)'}</dd>
        </div>
        <div>
          <dt>Received on</dt>
          <dd className="day">{formatDay(r.receivedOn)}</dd>
        </div>
        <div>
          <dt>Bill number</dt>
          <dd>{r.billNumber ?? '—'}</dd>
        </div>
        <div>
          <dt>Recorded</dt>
          <dd>{formatDateTime(r.createdAt)}</dd>
        </div>
      </dl>
      {r.reversesReceiptId && (
        <p>
          This receipt reverses <Link to={`/goods-receipts/${r.reversesReceiptId}`}>an earlier receipt</Link>
          {r.reason ? `, because: ${r.reason}` : ''}.
        </p>
      )}
      {r.reversedByReceiptId && (
        <p>
          This receipt was reversed by <Link to={`/goods-receipts/${r.reversedByReceiptId}`}>a later receipt</Link>: what it brought is out of stock again.
        </p>
      )}
      {r.notes && <p>Notes: {r.notes}</p>}

      <section aria-labelledby="gr-lines">
        <h2 id="gr-lines">Lines</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="The receipt’s lines">
          <table>
            <caption className="visually-hidden">The lines of {r.receiptNumber}</caption>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit cost
                </th>
                <th scope="col" className="num">
                  Amount
                </th>
                {charged && (
                  <>
                    <th scope="col" className="num">
                      Charges
                    </th>
                    <th scope="col" className="num">
                      Landed unit cost
                    </th>
                  </>
                )}
                <th scope="col">Over-receipt reason</th>
              </tr>
            </thead>
            <tbody>
              {r.lines.map((l) => (
                <tr key={l.receiptLineId}>
                  <th scope="row">{variantName(l)}</th>
                  <td className="num">{formatQuantity(l.quantity)}</td>
                  <td className="num">{formatUnitCost(l.unitCost)}</td>
                  <td className="num">{formatMoney(l.amount)}</td>
                  {charged && (
                    <>
                      <td className="num">{formatMoney(text(l.shares.reduce((sum, x) => plus(sum, decimal(x.amount)), ZERO)))}</td>
                      <td className="num">{formatUnitCost(l.landedUnitCost)}</td>
                    </>
                  )}
                  <td>{l.overReceiptReason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl className="totals">
          <dt>Lines’ amount</dt>
          <dd>{formatMoney(r.totalAmount)}</dd>
          <dt>Discount %</dt>
          <dd>{formatQuantity(r.discountPercentage)}%</dd>
          <dt>Discount amount</dt>
          <dd>{formatMoney(r.discountAmount)}</dd>
          <dt>Tax</dt>
          <dd>{formatQuantity(r.taxPercentage)}%</dd>
          <dt className="grand">Grand total</dt>
          <dd className="grand">{formatMoney(r.grandTotal)}</dd>
        </dl>
      </section>
      {charged && <Charges receipt={r} />}
      {canReceive && !r.reversesReceiptId && !r.reversedByReceiptId && <AddCharge receipt={r} onAdded={setAdded} />}
      {canReceive && !r.reversesReceiptId && !r.reversedByReceiptId && <Reverse receipt={r} />}
    </div>
  );
}

/** The receipt's charges: on it when posted, or added later (a freight bill), each with how it was spread. */
function Charges({ receipt }: { receipt: Receipt }) {
  return (
    <section aria-labelledby="gr-charges">
      <h2 id="gr-charges">Charges</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="The receipt’s charges">
        <table>
          <caption className="visually-hidden">The charges of {receipt.receiptNumber}</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Description</th>
              <th scope="col">Spread</th>
              <th scope="col">Added</th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {receipt.charges.map((c) => (
              <tr key={c.chargeId}>
                <th scope="row">{KIND_LABELS[c.kind]}</th>
                <td>{c.description ?? ''}</td>
                <td>{SPREAD_LABELS[c.spread]}</td>
                <td>{c.addedLater ? `later: bill ${c.billNumber ?? 'without a number'} of ${formatDay(c.chargedOn)}` : 'with the receipt'}</td>
                <td className="num">{formatMoney(c.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Reversing the receipt, saying why; then the reversing receipt is shown. */
function Reverse({ receipt }: { receipt: Receipt }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const navigate = useNavigate();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const made = await api<Receipt>('POST', `/api/goods-receipts/${receipt.receiptId}/reverse`, { reason });
      // The reversing receipt's page, saying what happened.
      navigate(`/goods-receipts/${made.receiptId}`, { state: { reversed: receipt.receiptNumber } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="gr-reverse">
      <h2 id="gr-reverse">Reverse</h2>
      {!open ? (
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          Reverse this receipt…
        </button>
      ) : (
        <form className="reason-form" onSubmit={submit} noValidate aria-label="Reverse this receipt">
          <p>
            A new receipt takes every line of {receipt.receiptNumber} back out of stock, at the cost it came in at (with its charges), and off its order:{' '}
            {receipt.lines.map((l) => `${formatQuantity(l.quantity)} × ${l.item} · ${l.color} · ${l.size}`).join(', ')}, worth {formatMoney(receipt.grandTotal)}{' '}
            with tax.
          </p>
          <label htmlFor="gr-reason">Reason</label>
          <textarea id="gr-reason" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} {...invalidAt(error, 'reason')} />
          <ProblemAt error={error} path="reason" label="Reason" />
          <ProblemElsewhere error={error} shown={(err) => isAt(err, 'reason')} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Reversing…' : 'Reverse receipt'}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)} disabled={busy}>
              Keep it
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
