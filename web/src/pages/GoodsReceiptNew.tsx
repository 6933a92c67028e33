import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import '../forms.css';
import { ChargesFields, isChargePath } from '../purchasing/ChargesFields.tsx';
import { chargesBody } from '../purchasing/landed.ts';
import type { ChargeDraft } from '../purchasing/landed.ts';
import { LineCards } from '../purchasing/LineCards.tsx';
import { ProblemAt, ProblemElsewhere, invalidAt, isAt, pathOf, refusal } from '../purchasing/problems.tsx';
import '../purchasing/purchasing.css';
import { HEADER_PATHS, ReceiptHeaderFields, emptyHeader, headerBody } from '../purchasing/ReceiptHeader.tsx';
import type { ReceiptHeaderDraft } from '../purchasing/ReceiptHeader.tsx';
import type { Receipt } from '../purchasing/shapes.ts';
import { SupplierSelect } from '../purchasing/SupplierSelect.tsx';
import { useCan } from '../session.tsx';
import { VariantPicker } from '../suppliers/VariantPicker.tsx';
import { usePageTitle } from '../title.ts';

interface Line {
  key: number;
  variantId: number | undefined;
  quantity: string;
  unitCost: string;
}

let nextKey = 1;
const emptyLine = (): Line => ({ key: nextKey++, variantId: undefined, quantity: '', unitCost: '' });

/**
 * Goods received on their own, against no order: the supplier, the bill, and each line's
 * variant, quantity and unit cost. Each line goes into stock at its cost; the API's refusal is
 * shown next to the field it names.
 */
export default function GoodsReceiptNew() {
  usePageTitle('New goods receipt');
  const canReceive = useCan('purchasing.receive');
  const navigate = useNavigate();
  const [supplierId, setSupplierId] = useState('');
  const [header, setHeader] = useState<ReceiptHeaderDraft>(emptyHeader);
  const [lines, setLines] = useState<Line[]>(() => [emptyLine()]);
  const [charges, setCharges] = useState<ChargeDraft[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const change = (key: number, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const unpicked = lines.findIndex((l) => l.variantId === undefined);
    if (!supplierId) return setError(refusal('supplierId', 'choose the supplier the goods came from'));
    if (unpicked >= 0) return setError(refusal(`lines/${unpicked}/variantId`, 'find the item and choose its variant'));
    setBusy(true);
    try {
      const made = await api<Receipt>('POST', '/api/goods-receipts', {
        supplierId: Number(supplierId),
        ...headerBody(header),
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity.trim(), unitCost: l.unitCost.trim() })),
        ...(charges.length > 0 ? { charges: chargesBody(charges) } : {}),
      });
      navigate(`/goods-receipts/${made.receiptId}`, { state: { created: made.receiptNumber, warnings: made.warnings.map((w) => w.message) } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const head = (
    <>
      <p className="crumbs">
        <Link to="/goods-receipts">Goods receipts</Link>
      </p>
      <h1>New goods receipt</h1>
    </>
  );
  if (!canReceive)
    return (
      <div className="purchasing-page">
        {head}
        <p className="empty">Your role may not receive goods.</p>
      </div>
    );
  const shownHere = (err: unknown) =>
    isAt(err, 'supplierId') ||
    HEADER_PATHS.some((p) => isAt(err, p)) ||
    /^lines\/\d+\/(variantId|quantity|unitCost)$/.test(pathOf(err) ?? '') ||
    isChargePath(pathOf(err));
  return (
    <div className="purchasing-page">
      {head}
      <p className="caption">Goods that came without an order. To receive against an order, open the order and use Receive goods: it knows what is open.</p>
      <form onSubmit={submit} noValidate>
        <section className="card" aria-labelledby="gr-head">
          <h2 id="gr-head">The bill</h2>
          <ReceiptHeaderFields
            header={header}
            onChange={(patch) => setHeader((h) => ({ ...h, ...patch }))}
            error={error}
            lead={
              <div>
                <label htmlFor="gr-supplier">Supplier</label>
                <SupplierSelect
                  id="gr-supplier"
                  value={supplierId}
                  onChange={setSupplierId}
                  emptyLabel="Choose a supplier"
                  invalid={isAt(error, 'supplierId')}
                />
                <ProblemAt error={error} path="supplierId" label="Supplier" />
              </div>
            }
          />
        </section>
        <LineCards
          lines={lines}
          setLines={setLines}
          empty={emptyLine}
          fields={(line, i) => {
            const at = (f: string) => `lines/${i}/${f}`;
            const id = `gr-line-${line.key}`;
            return (
              <div className="form-grid">
                <VariantPicker
                  idPrefix={id}
                  value={line.variantId}
                  onChange={(variantId) => change(line.key, { variantId })}
                  invalid={isAt(error, at('variantId'))}
                />
                <div className="wide">
                  <ProblemAt error={error} path={at('variantId')} label="Variant" />
                </div>
                <div>
                  <label htmlFor={`${id}-quantity`}>Quantity</label>
                  <input
                    id={`${id}-quantity`}
                    inputMode="decimal"
                    value={line.quantity}
                    onChange={(e) => change(line.key, { quantity: e.target.value })}
                    {...invalidAt(error, at('quantity'))}
                  />
                  <ProblemAt error={error} path={at('quantity')} label="Quantity" />
                </div>
                <div>
                  <label htmlFor={`${id}-cost`}>Unit cost</label>
                  <input
                    id={`${id}-cost`}
                    inputMode="decimal"
                    value={line.unitCost}
                    onChange={(e) => change(line.key, { unitCost: e.target.value })}
                    {...invalidAt(error, at('unitCost'))}
                  />
                  <ProblemAt error={error} path={at('unitCost')} label="Unit cost" />
                </div>
              </div>
            );
          }}
        />
        <ChargesFields
          charges={charges}
          setCharges={setCharges}
          lines={lines.map((l) => ({ key: l.key, name: '', quantity: l.quantity, unitCost: l.unitCost }))}
          error={error}
        />
        <ProblemElsewhere error={error} shown={shownHere} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Receiving…' : 'Receive goods'}
          </button>
          <Link to="/goods-receipts">Cancel</Link>
        </div>
      </form>
    </div>
  );
}
