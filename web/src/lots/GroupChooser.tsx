import { formatMoney, formatQuantity } from '../format.ts';
import { compare, decimal, minus, round, text, times } from './decimal.ts';
import type { Choices } from './needs.ts';
import type { ProcessGroup, SupplierComparison, VariantStock } from './types.ts';

export interface GroupWithStep extends ProcessGroup {
  step: string;
}

/** A lot's cost of one alternative: its highest and lowest current rate × what the lot uses of it. */
function altCost(rates: SupplierComparison | undefined, perUnit: string, quantity: number): string {
  if (!rates?.highest || !rates.lowest) return 'no current rate';
  const used = times(decimal(perUnit), decimal(quantity));
  const worst = text(round(times(decimal(rates.highest.costPerUnit), used), 2));
  const best = text(round(times(decimal(rates.lowest.costPerUnit), used), 2));
  const currency = rates.highest.currency;
  return worst === best ? formatMoney(worst, currency) : `${formatMoney(best, currency)} to ${formatMoney(worst, currency)}`;
}

/**
 * A fieldset per substitute group, a radio per alternative: what it is, what the lot uses of
 * it against the stock on hand (a shortfall said in words) and its cost for the lot at the
 * lowest and highest current rates.
 */
export function GroupChooser({
  groups,
  quantity,
  choices,
  onChoose,
  stock,
  rates,
  disabled = false,
}: {
  groups: readonly GroupWithStep[];
  quantity: number;
  choices: Choices;
  onChoose: (groupId: number, variantId: number) => void;
  stock: ReadonlyMap<number, VariantStock>;
  rates: ReadonlyMap<number, SupplierComparison>;
  disabled?: boolean;
}) {
  return (
    <div className="groups">
      {groups.map((g) => (
        <fieldset key={g.groupId} className="group">
          <legend>
            {g.name} <span className="step-name">({g.step})</span>
          </legend>
          {g.description && <p className="caption">{g.description}</p>}
          {choices[g.groupId] === undefined && <p className="still-to-choose">Still to choose: pick one of these {g.alternatives.length}.</p>}
          <ul className="alternatives">
            {g.alternatives.map((alt) => {
              const id = `alt-${g.groupId}-${alt.variantId}`;
              const needed = round(times(decimal(alt.quantity), decimal(quantity)), 3);
              const onHand = stock.get(alt.variantId);
              const short = onHand && compare(decimal(onHand.stock), needed) < 0;
              return (
                <li key={alt.variantId} className={choices[g.groupId] === alt.variantId ? 'chosen' : undefined}>
                  <input
                    type="radio"
                    id={id}
                    name={`group-${g.groupId}`}
                    checked={choices[g.groupId] === alt.variantId}
                    onChange={() => onChoose(g.groupId, alt.variantId)}
                    disabled={disabled}
                    aria-describedby={`${id}-facts`}
                  />
                  <label htmlFor={id}>
                    {alt.item} · {alt.color} · {alt.size}
                  </label>
                  <span id={`${id}-facts`} className="alt-facts">
                    <span>
                      Needs {formatQuantity(text(needed))} {alt.unit} ({formatQuantity(alt.quantity)} a unit)
                    </span>
                    <span className={short ? 'over' : undefined}>
                      {onHand
                        ? `${formatQuantity(onHand.stock)} ${onHand.unit} in stock${short ? `: short by ${formatQuantity(text(minus(needed, decimal(onHand.stock))))} ${alt.unit}` : ''}`
                        : 'stock unknown'}
                    </span>
                    <span>Cost for the lot: {altCost(rates.get(alt.variantId), alt.quantity, quantity)}</span>
                  </span>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}
