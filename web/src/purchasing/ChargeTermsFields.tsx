import type { ReactNode } from 'react';
import { formatMoney } from '../format.ts';
import { CHARGE_KINDS, CHARGE_SPREADS, KIND_LABELS, SPREAD_LABELS, unspread } from './landed.ts';
import type { ChargeDraft, ChargeKind, ChargeSpread } from './landed.ts';
import { ProblemAt, invalidAt } from './problems.tsx';

/**
 * The fields of one charge: its kind, amount, spread and description (then `extra`, a charge
 * added later's bill), and by hand each line's share (labelled `shareLabels`, one per line),
 * saying how much is not spread yet; each with the API's refusal next to it (`at` gives a
 * field's path in the API's errors).
 */
export function ChargeTermsFields({
  charge: c,
  onChange,
  error,
  id,
  at,
  shareLabels,
  extra,
}: {
  charge: ChargeDraft;
  onChange: (patch: Partial<ChargeDraft>) => void;
  error: unknown;
  id: string;
  at: (field: string) => string;
  shareLabels: readonly string[];
  extra?: ReactNode;
}) {
  const left = c.spread === 'manual' ? unspread(c, shareLabels.length) : null;
  const choice = <T extends string>(field: 'kind' | 'spread', label: string, values: readonly T[], labels: Readonly<Record<T, string>>) => (
    <div>
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <select id={`${id}-${field}`} value={c[field]} onChange={(e) => onChange({ [field]: e.target.value })} {...invalidAt(error, at(field))}>
        {values.map((v) => (
          <option key={v} value={v}>
            {labels[v]}
          </option>
        ))}
      </select>
      <ProblemAt error={error} path={at(field)} label={label} />
    </div>
  );
  return (
    <>
      <div className="form-grid">
        {choice<ChargeKind>('kind', 'Kind', CHARGE_KINDS, KIND_LABELS)}
        <div>
          <label htmlFor={`${id}-amount`}>Amount</label>
          <input
            id={`${id}-amount`}
            inputMode="decimal"
            value={c.amount}
            onChange={(e) => onChange({ amount: e.target.value })}
            {...invalidAt(error, at('amount'))}
          />
          <ProblemAt error={error} path={at('amount')} label="Amount" />
        </div>
        {choice<ChargeSpread>('spread', 'Spread', CHARGE_SPREADS, SPREAD_LABELS)}
        <div>
          <label htmlFor={`${id}-description`}>Description (optional)</label>
          <input
            id={`${id}-description`}
            maxLength={500}
            value={c.description}
            onChange={(e) => onChange({ description: e.target.value })}
            {...invalidAt(error, at('description'))}
          />
          <ProblemAt error={error} path={at('description')} label="Description" />
        </div>
        {extra}
        {c.spread === 'manual' &&
          shareLabels.map((label, j) => (
            <div key={`${j}-${label}`}>
              <label htmlFor={`${id}-share-${j}`}>{label}</label>
              <input
                id={`${id}-share-${j}`}
                inputMode="decimal"
                value={c.shares[j] ?? ''}
                onChange={(e) => onChange({ shares: shareLabels.map((_, k) => (k === j ? e.target.value : (c.shares[k] ?? ''))) })}
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
    </>
  );
}
