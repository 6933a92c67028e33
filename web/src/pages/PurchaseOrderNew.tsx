import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import '../forms.css';
import { LineCards } from '../purchasing/LineCards.tsx';
import { OrderLineFields, emptyLine, lineBody } from '../purchasing/OrderLineFields.tsx';
import type { LineDraft } from '../purchasing/OrderLineFields.tsx';
import { ProblemAt, ProblemElsewhere, invalidAt, isAt, pathOf, refusal } from '../purchasing/problems.tsx';
import '../purchasing/purchasing.css';
import type { Order } from '../purchasing/shapes.ts';
import { SupplierSelect } from '../purchasing/SupplierSelect.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { today } from '../days.ts';
import { DayInput } from '../DayInput.tsx';
import { useSettings } from '../settings.tsx';

/** The fields of the order the form shows next to themselves. */
const HEADER_FIELDS = ['supplierId', 'orderDate', 'expectedOn', 'currency', 'notes'];

/**
 * A new purchase order to a supplier, made a draft with its lines in one go: each line's
 * variant found by its item, its quantity, and a unit price left empty to take the supplier's
 * rate on the order's date. The API's refusal is shown next to the field it names; its
 * warnings (a quantity below the minimum order) on the order's page, once made.
 */
export default function PurchaseOrderNew() {
  usePageTitle('New purchase order');
  const canOrder = useCan('purchasing.order');
  const navigate = useNavigate();
  const [supplierId, setSupplierId] = useState('');
  const [orderDate, setOrderDate] = useState(today());
  const [expectedOn, setExpectedOn] = useState('');
  const { settings } = useSettings();
  const [currency, setCurrency] = useState(settings.currency);
  const [notes, setNotes] = useState('');
  const [lines, setLines] = useState<LineDraft[]>(() => [emptyLine()]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const change = (key: number, patch: Partial<LineDraft>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    // What the API cannot name in words: a supplier or a variant not chosen yet.
    const missing = !supplierId
      ? refusal('supplierId', 'choose the supplier the order goes to')
      : lines.findIndex((l) => l.variantId === undefined) >= 0
        ? refusal(`lines/${lines.findIndex((l) => l.variantId === undefined)}/variantId`, 'find the item and choose its variant')
        : undefined;
    if (missing) return setError(missing);
    setBusy(true);
    try {
      const made = await api<Order>('POST', '/api/purchase-orders', {
        supplierId: Number(supplierId),
        ...(orderDate ? { orderDate } : {}),
        ...(expectedOn ? { expectedOn } : {}),
        ...(currency.trim() ? { currency: currency.trim() } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        lines: lines.map(lineBody),
      });
      navigate(`/purchase-orders/${made.purchaseOrderId}`, { state: { created: made.poNumber } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  if (!canOrder) {
    return (
      <div className="purchasing-page">
        <p className="crumbs">
          <Link to="/purchase-orders">Purchase orders</Link>
        </p>
        <h1>New purchase order</h1>
        <p className="empty">Your role may not place orders: ask someone who buys for the business.</p>
      </div>
    );
  }

  const shownByField = (err: unknown) =>
    HEADER_FIELDS.some((f) => isAt(err, f)) || /^lines\/\d+\/(variantId|quantity|unitPrice|taxRate|discountRate)$/.test(pathOf(err) ?? '');
  return (
    <div className="purchasing-page">
      <p className="crumbs">
        <Link to="/purchase-orders">Purchase orders</Link>
      </p>
      <h1>New purchase order</h1>
      <form onSubmit={submit} noValidate>
        <section className="card" aria-labelledby="po-head">
          <h2 id="po-head">Order</h2>
          <div className="form-grid">
            <div>
              <label htmlFor="po-supplier">Supplier</label>
              <SupplierSelect id="po-supplier" value={supplierId} onChange={setSupplierId} emptyLabel="Choose a supplier" invalid={isAt(error, 'supplierId')} />
              <ProblemAt error={error} path="supplierId" label="Supplier" />
            </div>
            <div>
              <label htmlFor="po-date">Order date</label>
              <DayInput id="po-date" value={orderDate} onChange={(v) => setOrderDate(v)} {...invalidAt(error, 'orderDate')} />
              <ProblemAt error={error} path="orderDate" label="Order date" />
            </div>
            <div>
              <label htmlFor="po-expected">Expected on (optional)</label>
              <DayInput id="po-expected" value={expectedOn} onChange={(v) => setExpectedOn(v)} {...invalidAt(error, 'expectedOn')} />
              <ProblemAt error={error} path="expectedOn" label="Expected on" />
            </div>
            <div>
              <label htmlFor="po-currency">Currency</label>
              <input
                id="po-currency"
                value={currency}
                maxLength={3}
                autoCapitalize="characters"
                onChange={(e) => setCurrency(e.target.value.toUpperCase())}
                {...invalidAt(error, 'currency')}
              />
              <ProblemAt error={error} path="currency" label="Currency" />
            </div>
            <div className="wide">
              <label htmlFor="po-notes">Notes (optional)</label>
              <textarea id="po-notes" rows={2} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} {...invalidAt(error, 'notes')} />
              <ProblemAt error={error} path="notes" label="Notes" />
            </div>
          </div>
        </section>
        <LineCards
          lines={lines}
          setLines={setLines}
          empty={emptyLine}
          fields={(line, i) => (
            <OrderLineFields idPrefix={`line-${line.key}`} line={line} onChange={(patch) => change(line.key, patch)} error={error} path={`lines/${i}`} />
          )}
        />
        <ProblemElsewhere error={error} shown={shownByField} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create draft order'}
          </button>
          <Link to="/purchase-orders">Cancel</Link>
        </div>
      </form>
    </div>
  );
}
