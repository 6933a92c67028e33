// The process editor's Cost section: the run it costs (the usual lot size, or a run size
// typed, never saved) and one unit's cost, profit and margin in that run, as
// GET /api/processes/:id/cost?quantity=N figures them.
import { formatMoney } from '../format.ts';
import { centsText, money, perUnitAt } from './cost.ts';
import type { ProcessCost } from './cost.ts';
import { MAX_LOT_SIZE, MONEY, runSizeOf } from './model.ts';

const show = (micro: bigint) => formatMoney(money(micro));

/**
 * The run the editor costs: the process's usual lot size, or another typed here to see what a
 * run of that size would cost (never saved). `typed` is null while it follows the usual lot size.
 */
export function RunSizeField({ typed, usual, onChange }: { typed: string | null; usual: number | null; onChange: (typed: string | null) => void }) {
  const value = typed ?? (usual === null ? '' : String(usual));
  const valid = runSizeOf(value) !== null;
  return (
    <div className="run-size">
      <div className="field narrow">
        <label htmlFor="process-run-size">Run size</label>
        <input
          id="process-run-size"
          data-view-only
          className="count"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          inputMode="numeric"
          aria-describedby="process-run-size-help"
          aria-invalid={!valid}
          autoComplete="off"
        />
      </div>
      <p className="hint" id="process-run-size-help">
        {valid
          ? `Units in the run costed below: fixed per-run costs are shared over them. ${usual === null ? '' : `The usual lot size is ${usual.toLocaleString('en')} (under Details); a run size typed here is not saved.`}`
          : `Enter a whole number of units from 1 to ${MAX_LOT_SIZE.toLocaleString('en')}: the figures below are for the usual lot size until then.`}
      </p>
      {typed !== null && usual !== null && runSizeOf(typed) !== usual && (
        <button type="button" className="secondary small" onClick={() => onChange(null)}>
          Back to the usual lot size ({usual.toLocaleString('en')})
        </button>
      )}
    </div>
  );
}

/**
 * The figures the editor shows as it is edited: one unit's cost and profit in a run of
 * `cost.runSize`, whether the worst-case margin reaches the target (`target`: percent, as
 * typed or the settings' default; `ownTarget`: typed), what is unpriced.
 */
export function CostSummary({ cost, salesPrice, target, ownTarget }: { cost: ProcessCost; salesPrice: string; target: string; ownTarget: boolean }) {
  const hasPrice = salesPrice.trim() !== '' && MONEY.test(salesPrice.trim());
  const at = perUnitAt(cost.runSize);
  return (
    <div aria-live="polite" aria-atomic="false">
      <dl className="facts cost-facts">
        <div>
          <dt>Worst case, {at}</dt>
          <dd data-figure="worst">{show(cost.total.worst)}</dd>
        </div>
        <div>
          <dt>Best case, {at}</dt>
          <dd data-figure="best">{show(cost.total.best)}</dd>
        </div>
        <div>
          <dt>Sales price</dt>
          <dd>{hasPrice ? formatMoney(salesPrice.trim()) : 'none set'}</dd>
        </div>
        {cost.profit && (
          <>
            <div>
              <dt>Profit, worst case, {at}</dt>
              <dd className={cost.profit.worst < 0n ? 'over' : 'under'} data-figure="profit-worst">
                {show(cost.profit.worst)}
                {cost.margin && (
                  <>
                    {' ('}
                    <span data-figure="margin-worst">{centsText(cost.margin.worst)}</span>%)
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>Profit, best case, {at}</dt>
              <dd className={cost.profit.best < 0n ? 'over' : 'under'} data-figure="profit-best">
                {show(cost.profit.best)}
                {cost.margin && (
                  <>
                    {' ('}
                    <span data-figure="margin-best">{centsText(cost.margin.best)}</span>%)
                  </>
                )}
              </dd>
            </div>
          </>
        )}
      </dl>
      {(cost.additionalCosts > 0n || cost.fixedCosts > 0n) && (
        <p className="caption">
          Includes additional costs of {show(cost.additionalCosts)} per unit and {show(cost.fixedCosts)} fixed per run, shared over the run of{' '}
          {cost.runSize.toLocaleString('en')}.
        </p>
      )}
      {cost.margin && (
        <p className="caption" data-figure="target">
          Target margin {target}%{ownTarget ? '' : ' (the default)'}: the worst case is{' '}
          {cost.margin.worst < BigInt(Math.round(Number(target) * 100)) ? <strong className="over">below it</strong> : 'at or above it'}.
        </p>
      )}
      {!hasPrice && <p className="caption">Set a sales price under Details to see the profit.</p>}
      {cost.pending > 0 && (
        <p className="caption">
          Fetching the rates of {cost.pending} line{cost.pending === 1 ? '' : 's'}: the figures will change.
        </p>
      )}
      {cost.unpriced.length > 0 && (
        <div className="unpriced-box" role="note">
          <p>
            <strong>⚠ Incomplete:</strong> {cost.unpriced.length === 1 ? 'this variant has' : 'these variants have'} no active supplier rate, so{' '}
            {cost.unpriced.length === 1 ? 'it adds' : 'they add'} nothing and the figures are lower bounds. Add a rate on the supplier’s page.
          </p>
          <ul>
            {cost.unpriced.map((v) => (
              <li key={v.variantId}>
                {v.item} · {v.color} · {v.size}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
