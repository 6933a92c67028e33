import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { DayInput } from '../DayInput.tsx';
import { formatUnitCost } from '../format.ts';
import { variantName } from '../items/variants.ts';
import { ChargeTermsFields } from './ChargeTermsFields.tsx';
import { chargesBody, emptyCharge, landedUnitCosts } from './landed.ts';
import type { ChargeDraft } from './landed.ts';
import { ProblemAt, ProblemElsewhere, invalidAt, pathOf } from './problems.tsx';
import type { Receipt } from './shapes.ts';
import { today } from '../days.ts';

const SHOWN = /^(kind|amount|spread|description|billNumber|chargedOn|lines)(\/|$)/;

/**
 * A charge that came after the receipt was posted (a freight bill), added as its own entry:
 * its kind, amount, how it is spread (by hand, each line's share), the bill's number and day.
 * Each line's landed unit cost with it is shown before it is added; once added it is not changed.
 */
export function AddCharge({ receipt, onAdded }: { receipt: Receipt; onAdded: (r: Receipt) => void }) {
  const [open, setOpen] = useState(false);
  const [charge, setCharge] = useState<ChargeDraft>(emptyCharge);
  const [billNumber, setBillNumber] = useState('');
  const [chargedOn, setChargedOn] = useState(today);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const change = (patch: Partial<ChargeDraft>) => setCharge((c) => ({ ...c, ...patch }));
  // Each line weighs by its price (spread by value), and the new charge adds to its landed unit cost so far.
  const lines = receipt.lines.map((l) => ({ quantity: l.quantity, unitCost: l.unitCost, carried: l.landedUnitCost }));
  const landed = landedUnitCosts([charge], lines);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const [body] = chargesBody([charge]);
    try {
      const after = await api<Receipt>('POST', `/api/goods-receipts/${receipt.receiptId}/charges`, {
        ...body,
        ...(body!.spread === 'manual'
          ? { lines: (body!.lines ?? []).map((s) => ({ receiptLineId: receipt.lines[s.line]!.receiptLineId, amount: s.amount })) }
          : {}),
        ...(billNumber.trim() ? { billNumber: billNumber.trim() } : {}),
        ...(chargedOn ? { chargedOn } : {}),
      });
      onAdded(after);
      setOpen(false);
      setCharge(emptyCharge());
      setBillNumber('');
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  }

  return (
    <section aria-labelledby="gr-add-charge">
      <h2 id="gr-add-charge">Add a charge</h2>
      {!open ? (
        <>
          <p className="caption">A freight bill or duty that came after the goods: it is spread onto the lines, and what was used since carries its share.</p>
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            Add a charge…
          </button>
        </>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Add a charge">
          <ChargeTermsFields
            charge={charge}
            onChange={change}
            error={error}
            id="ch"
            at={(f) => f}
            shareLabels={receipt.lines.map((l) => `Share of ${variantName(l)}`)}
            extra={
              <>
                <div>
                  <label htmlFor="ch-bill">Bill number (optional)</label>
                  <input
                    id="ch-bill"
                    maxLength={255}
                    autoComplete="off"
                    value={billNumber}
                    onChange={(e) => setBillNumber(e.target.value)}
                    {...invalidAt(error, 'billNumber')}
                  />
                  <ProblemAt error={error} path="billNumber" label="Bill number" />
                </div>
                <div>
                  <label htmlFor="ch-day">Bill’s day</label>
                  <DayInput id="ch-day" value={chargedOn} onChange={(v) => setChargedOn(v)} {...invalidAt(error, 'chargedOn')} />
                  <ProblemAt error={error} path="chargedOn" label="Bill’s day" />
                </div>
              </>
            }
          />
          <ul className="plain" aria-label="Landed unit costs with this charge">
            {receipt.lines.map((l, j) => (
              <li key={l.receiptLineId}>
                {variantName(l)}: {formatUnitCost(l.landedUnitCost)} → {landed[j] === null ? '…' : formatUnitCost(landed[j]!)}
              </li>
            ))}
          </ul>
          <ProblemElsewhere error={error} shown={(err) => SHOWN.test(pathOf(err) ?? '')} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Adding…' : 'Add the charge'}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
