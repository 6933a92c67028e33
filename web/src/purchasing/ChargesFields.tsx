import type { Dispatch, SetStateAction } from 'react';
import { formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import { ZERO, plus, text } from '../lots/decimal.ts';
import { ChargeTermsFields } from './ChargeTermsFields.tsx';
import { emptyCharge, landedUnitCosts, sharesOf } from './landed.ts';
import type { ChargeDraft, SpreadLine } from './landed.ts';
import { ProblemAt } from './problems.tsx';

/** A line of the receipt's form as the charges see it: its name, and its quantity and unit cost as typed. */
export interface ChargedLine extends SpreadLine {
  key: number | string;
  name: string;
}

/** Whether an API error is about a charge (shown by ChargesFields next to its field). */
export const isChargePath = (path: string | undefined) => path !== undefined && /^charges(\/|$)/.test(path);

/**
 * The charges of a receipt's form (freight, duty, other), each with its kind, amount, how it
 * is spread and, by hand, each line's share; then each line's landed unit cost as the receipt
 * will post it (worked out as the API spreads, before anything is sent).
 */
export function ChargesFields({
  charges,
  setCharges,
  lines,
  error,
}: {
  charges: readonly ChargeDraft[];
  setCharges: Dispatch<SetStateAction<ChargeDraft[]>>;
  lines: readonly ChargedLine[];
  error: unknown;
}) {
  const change = (key: number, patch: Partial<ChargeDraft>) => setCharges((cs) => cs.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  const landed = landedUnitCosts(charges, lines);
  const spread = charges.map((c) => sharesOf(c, lines));
  return (
    <section aria-labelledby="gr-charges">
      <h2 id="gr-charges">Charges</h2>
      <p className="caption">
        Freight, duty and other charges on the bill, spread onto the lines by quantity, by value or by hand: each line goes into stock at its landed unit cost.
      </p>
      <ProblemAt error={error} path="charges" label="Charges" />
      {charges.map((c, i) => {
        return (
          <fieldset key={c.key} className="card">
            <legend>Charge {i + 1}</legend>
            <ChargeTermsFields
              charge={c}
              onChange={(patch) => change(c.key, patch)}
              error={error}
              id={`gr-charge-${c.key}`}
              at={(f) => `charges/${i}/${f}`}
              shareLabels={lines.map((l, j) => `Share of line ${j + 1}${l.name ? ` (${l.name})` : ''}`)}
            />
            <button type="button" className="secondary" onClick={() => setCharges((cs) => cs.filter((x) => x.key !== c.key))}>
              Remove charge {i + 1}
            </button>
          </fieldset>
        );
      })}
      <div className="actions spaced">
        <button type="button" className="secondary" onClick={() => setCharges((cs) => [...cs, emptyCharge()])}>
          Add a charge
        </button>
      </div>
      {charges.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Landed unit costs">
          <table>
            <caption>Landed unit costs, before posting</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit cost
                </th>
                <th scope="col" className="num">
                  Charges
                </th>
                <th scope="col" className="num">
                  Landed unit cost
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l, j) => {
                const carried = spread.every((s) => s !== null) ? text(spread.reduce((sum, s) => plus(sum, s![j]!), ZERO)) : null;
                return (
                  <tr key={l.key}>
                    <th scope="row">
                      Line {j + 1}
                      {l.name ? `: ${l.name}` : ''}
                    </th>
                    <td className="num">{l.quantity.trim() ? formatQuantity(l.quantity.trim()) : '—'}</td>
                    <td className="num">{/^\d+(\.\d+)?$/.test(l.unitCost.trim()) ? formatUnitCost(l.unitCost.trim()) : '—'}</td>
                    <td className="num">{carried === null ? '—' : formatMoney(carried)}</td>
                    <td className="num">{landed[j] === null ? '—' : formatUnitCost(landed[j]!)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
