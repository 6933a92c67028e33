import type { Dispatch, SetStateAction } from 'react';
import { formatMoney, formatQuantity, formatUnitCost } from '../format.ts';
import { ZERO, plus, text } from '../lots/decimal.ts';
import { CHARGE_KINDS, CHARGE_SPREADS, KIND_LABELS, SPREAD_LABELS, emptyCharge, landedUnitCosts, sharesOf, unspread } from './landed.ts';
import type { ChargeDraft, ChargeKind, ChargeSpread, SpreadLine } from './landed.ts';
import { ProblemAt, invalidAt } from './problems.tsx';

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
        const at = (f: string) => `charges/${i}/${f}`;
        const id = `gr-charge-${c.key}`;
        const left = c.spread === 'manual' ? unspread(c, lines.length) : null;
        return (
          <fieldset key={c.key} className="card">
            <legend>Charge {i + 1}</legend>
            <div className="form-grid">
              <div>
                <label htmlFor={`${id}-kind`}>Kind</label>
                <select
                  id={`${id}-kind`}
                  value={c.kind}
                  onChange={(e) => change(c.key, { kind: e.target.value as ChargeKind })}
                  {...invalidAt(error, at('kind'))}
                >
                  {CHARGE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
                <ProblemAt error={error} path={at('kind')} label="Kind" />
              </div>
              <div>
                <label htmlFor={`${id}-amount`}>Amount</label>
                <input
                  id={`${id}-amount`}
                  inputMode="decimal"
                  value={c.amount}
                  onChange={(e) => change(c.key, { amount: e.target.value })}
                  {...invalidAt(error, at('amount'))}
                />
                <ProblemAt error={error} path={at('amount')} label="Amount" />
              </div>
              <div>
                <label htmlFor={`${id}-spread`}>Spread</label>
                <select
                  id={`${id}-spread`}
                  value={c.spread}
                  onChange={(e) => change(c.key, { spread: e.target.value as ChargeSpread })}
                  {...invalidAt(error, at('spread'))}
                >
                  {CHARGE_SPREADS.map((s) => (
                    <option key={s} value={s}>
                      {SPREAD_LABELS[s]}
                    </option>
                  ))}
                </select>
                <ProblemAt error={error} path={at('spread')} label="Spread" />
              </div>
              <div>
                <label htmlFor={`${id}-description`}>Description (optional)</label>
                <input
                  id={`${id}-description`}
                  maxLength={500}
                  value={c.description}
                  onChange={(e) => change(c.key, { description: e.target.value })}
                  {...invalidAt(error, at('description'))}
                />
                <ProblemAt error={error} path={at('description')} label="Description" />
              </div>
              {c.spread === 'manual' &&
                lines.map((l, j) => (
                  <div key={l.key}>
                    <label htmlFor={`${id}-share-${j}`}>
                      Share of line {j + 1}
                      {l.name ? ` (${l.name})` : ''}
                    </label>
                    <input
                      id={`${id}-share-${j}`}
                      inputMode="decimal"
                      value={c.shares[j] ?? ''}
                      onChange={(e) => change(c.key, { shares: lines.map((_, k) => (k === j ? e.target.value : (c.shares[k] ?? ''))) })}
                      {...invalidAt(error, at(`lines/${j}`))}
                    />
                  </div>
                ))}
            </div>
            {left !== null && !/^-?0(\.0*)?$/.test(left) && (
              <p className="hint" role="status">
                {left.startsWith('-')
                  ? `The shares are ${formatMoney(left.slice(1))} more than the charge.`
                  : `${formatMoney(left)} of the charge is not spread yet.`}
              </p>
            )}
            <ProblemAt error={error} path={at('lines')} label="Shares" />
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
