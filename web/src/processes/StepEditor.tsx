// One step of the process editor: its variant lines, substitute groups and cost items, each
// changed in place in the draft (the parent saves). Rows are memoised: typing a quantity
// redraws that row and the step's figures, not the other rows.
import { memo, useCallback, useState } from 'react';
import type { Dispatch, ReactNode } from 'react';
import { formatMoney } from '../format.ts';
import { VariantFinder } from '../items/VariantFinder.tsx';
import type { FoundVariant } from '../shapes.ts';
import { money, parseScaled } from './cost.ts';
import type { GroupCost, Rates, StepCost, UnitCost } from './cost.ts';
import type { EditorAction } from './editor-state.ts';
import { COST_QUANTITY, MONEY, USAGE_QUANTITY, newKey } from './model.ts';
import type { DraftCostItem, DraftGroup, DraftLine, DraftStep, VariantLabel } from './model.ts';

const variantName = (v: VariantLabel) => `${v.item} ${[v.color, v.size].filter((x) => x && x !== 'General' && x !== 'Plain').join(' ')}`.trim();
const paise = (cents: bigint) => formatMoney(money(cents * 10_000n));
const show = (micro: bigint) => formatMoney(money(micro));

/** What a line's unit cost reads: worst–best, "fetching…", or the unpriced flag. */
function UnitCostText({ unit }: { unit: UnitCost | undefined }) {
  if (unit === undefined) return <span className="caption">fetching rate…</span>;
  if (unit.worst === null || unit.best === null)
    return (
      <span className="unpriced">
        <span aria-hidden="true">⚠ </span>Unpriced: no active rate
      </span>
    );
  return <>{unit.worst === unit.best ? paise(unit.worst) : `${paise(unit.best)} – ${paise(unit.worst)}`}</>;
}

interface LineRowProps {
  stepKey: string;
  groupKey: string | null;
  line: DraftLine;
  unit: UnitCost | undefined;
  /** In a group: this alternative decides the worst / best case. */
  decides?: string;
  onQuantity: (stepKey: string, groupKey: string | null, lineKey: string, quantity: string) => void;
  /** Absent for a reader: no Remove button. */
  onRemove?: (stepKey: string, groupKey: string | null, lineKey: string) => void;
}

const LineRow = memo(function LineRow({ stepKey, groupKey, line, unit, decides, onQuantity, onRemove }: LineRowProps) {
  const name = variantName(line.variant);
  const valid = USAGE_QUANTITY.test(line.quantity.trim());
  const id = `${line.key}-q`;
  const q = valid ? parseScaled(line.quantity, 4) : null;
  const priced = unit && unit.worst !== null && unit.best !== null;
  return (
    <tr>
      <th scope="row">
        {name}
        <span className="caption"> · {line.variant.unit}</span>
        {line.variant.deleted && <span className="badge">deleted variant</span>}
        {decides && <span className="badge decides">{decides}</span>}
      </th>
      <td>
        <input
          id={id}
          className="qty"
          value={line.quantity}
          onChange={(e) => onQuantity(stepKey, groupKey, line.key, e.target.value)}
          inputMode="decimal"
          aria-label={`Quantity of ${name}`}
          aria-invalid={!valid}
          aria-describedby={valid ? undefined : `${id}-err`}
          autoComplete="off"
        />
        {!valid && (
          <div className="field-error" id={`${id}-err`}>
            Above zero, at most 4 decimals
          </div>
        )}
      </td>
      <td className="num">
        <UnitCostText unit={unit} />
      </td>
      <td className="num">{priced && q !== null ? show(unit.worst! * q) : '—'}</td>
      <td className="num">{priced && q !== null ? show(unit.best! * q) : '—'}</td>
      <td>
        {onRemove && (
          <button type="button" className="secondary small" onClick={() => onRemove(stepKey, groupKey, line.key)} aria-label={`Remove ${name}`}>
            Remove
          </button>
        )}
      </td>
    </tr>
  );
});

/**
 * A description in a table row: a text area as wide as its column allows that grows a line at
 * a time as the text wraps, so a description is read whole, never cut at the input's edge.
 */
export function GrowingText({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  return <textarea className="grow" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} rows={1} autoComplete="off" />;
}

function LinesTable({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="lines">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Quantity</th>
            <th scope="col" className="num">
              Unit cost
            </th>
            <th scope="col" className="num">
              Worst
            </th>
            <th scope="col" className="num">
              Best
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Finds a variant in one box (name, code or barcode: VariantFinder); adds it as a line or to a group. */
function VariantPicker({ step, onAdd }: { step: DraftStep; onAdd: (target: string, variant: VariantLabel, quantity: string) => void }) {
  const [variant, setVariant] = useState<FoundVariant | undefined>(undefined);
  const [quantity, setQuantity] = useState('1');
  const [target, setTarget] = useState('lines');
  const [problem, setProblem] = useState('');
  // A new finder after each add: its text empties for the next variant.
  const [round, setRound] = useState(0);
  const id = `${step.key}-pick`;
  const targetValue = target === 'lines' || step.groups.some((g) => g.key === target) ? target : 'lines';

  function add() {
    const v = variant;
    if (!v) return setProblem('Find a variant by its name, code or barcode and choose it first.');
    if (!USAGE_QUANTITY.test(quantity.trim())) return setProblem('Quantity: enter an amount above zero with at most 4 decimals, e.g. 1 or 2.5.');
    setProblem('');
    onAdd(targetValue, { variantId: v.variantId, item: v.item, color: v.color, size: v.size, unit: v.unit }, quantity.trim());
    setVariant(undefined);
    setRound((r) => r + 1);
  }

  return (
    <fieldset className="picker">
      <legend>Add a variant</legend>
      <div className="field">
        <VariantFinder key={round} id={`${id}-variant`} onPick={setVariant} />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-qty`}>Quantity</label>
        <input id={`${id}-qty`} value={quantity} onChange={(e) => setQuantity(e.target.value)} inputMode="decimal" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>Add to</label>
        <select id={`${id}-to`} value={targetValue} onChange={(e) => setTarget(e.target.value)}>
          <option value="lines">Variant lines</option>
          {step.groups.map((g) => (
            <option key={g.key} value={g.key}>
              Substitute group “{g.name}”
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        <button type="button" onClick={add}>
          Add variant
        </button>
      </div>
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

function NewGroup({ step, onAdd }: { step: DraftStep; onAdd: (name: string) => void }) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState('');
  const id = `${step.key}-newgroup`;
  return (
    <div className="inline-form">
      <div className="field">
        <label htmlFor={id}>New substitute group</label>
        <input id={id} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Saddle" maxLength={255} autoComplete="off" />
      </div>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          if (name.trim() === '') return setProblem('Name the group first, e.g. “Saddle”.');
          if (step.groups.some((g) => g.name.trim().toLowerCase() === name.trim().toLowerCase()))
            return setProblem(`This step has a group “${name.trim()}” already.`);
          setProblem('');
          onAdd(name.trim());
          setName('');
        }}
      >
        Add group
      </button>
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function CostItems({
  step,
  costTypes,
  dispatch,
  readOnly,
}: {
  step: DraftStep;
  costTypes: readonly string[] | undefined;
  dispatch: Dispatch<EditorAction>;
  readOnly: boolean;
}) {
  const set = (key: string, change: Partial<DraftCostItem>) => dispatch({ type: 'setCostItem', stepKey: step.key, key, change });
  return (
    <>
      {step.costItems.length === 0 ? (
        <p className="empty">No cost items: add labour, overhead or another cost of this step.</p>
      ) : (
        <div className="table-scroll">
          <table className="lines">
            <caption className="visually-hidden">Cost items of {step.customName || step.subprocessName}</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Quantity</th>
                <th scope="col">Unit</th>
                <th scope="col">Rate</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {step.costItems.map((c, i) => {
                const okQ = COST_QUANTITY.test(c.quantity.trim());
                const okR = MONEY.test(c.rate.trim());
                const n = `cost item ${i + 1}`;
                let amount = '—';
                if (okQ && okR) {
                  const [qw = '0', qf = ''] = c.quantity.trim().split('.');
                  const [rw = '0', rf = ''] = c.rate.trim().split('.');
                  amount = show(BigInt(qw + qf.padEnd(3, '0')) * BigInt(rw + rf.padEnd(2, '0')) * 10n);
                }
                return (
                  <tr key={c.key}>
                    <td>
                      <select value={c.costType} onChange={(e) => set(c.key, { costType: e.target.value })} aria-label={`Type of ${n}`}>
                        {(costTypes?.includes(c.costType) ? costTypes : [c.costType, ...(costTypes ?? [])]).map((t) => (
                          <option key={t} value={t}>
                            {t}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <GrowingText value={c.description} onChange={(description) => set(c.key, { description })} label={`Description of ${n}`} />
                    </td>
                    <td>
                      <input
                        className="qty"
                        value={c.quantity}
                        onChange={(e) => set(c.key, { quantity: e.target.value })}
                        aria-label={`Quantity of ${n}`}
                        aria-invalid={!okQ}
                        inputMode="decimal"
                      />
                    </td>
                    <td>
                      <input
                        className="unit"
                        value={c.unit}
                        onChange={(e) => set(c.key, { unit: e.target.value })}
                        aria-label={`Unit of ${n}`}
                        maxLength={20}
                      />
                    </td>
                    <td>
                      <input
                        className="qty"
                        value={c.rate}
                        onChange={(e) => set(c.key, { rate: e.target.value })}
                        aria-label={`Rate of ${n}`}
                        aria-invalid={!okR}
                        inputMode="decimal"
                      />
                    </td>
                    <td className="num">{amount}</td>
                    <td>
                      {!readOnly && (
                        <button
                          type="button"
                          className="secondary small"
                          onClick={() => dispatch({ type: 'removeCostItem', stepKey: step.key, key: c.key })}
                          aria-label={`Remove ${n}`}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!readOnly && (
        <button type="button" className="secondary" onClick={() => dispatch({ type: 'addCostItem', stepKey: step.key, key: newKey('c') })}>
          Add cost item
        </button>
      )}
    </>
  );
}

export interface StepCardProps {
  step: DraftStep;
  index: number;
  count: number;
  cost: StepCost;
  rates: Rates;
  expanded: boolean;
  /** The editor's reducer: every change to the step is one of its actions. */
  dispatch: Dispatch<EditorAction>;
  /** Moves the step (the editor keeps the focus on the button pressed). */
  onMove: (stepKey: string, by: number) => void;
  onDragStart: (stepKey: string) => void;
  onDropOn: (stepKey: string) => void;
  /** Shown, not changed (a caller without process.write, a deleted process): details open and close, nothing else. */
  readOnly: boolean;
  /** The kinds of cost item, as the API serves them (undefined while they load). */
  costTypes: readonly string[] | undefined;
}

/** The step card under a point of the screen (where a dragged step is dropped). */
function dropTarget(x: number, y: number): HTMLLIElement | null {
  return document.elementFromPoint(x, y)?.closest<HTMLLIElement>('li.step') ?? null;
}

/** One step as a card of the ordered list: its figures, moves, and (expanded) what it uses. */
export const StepCard = memo(function StepCard({
  step,
  index,
  count,
  cost,
  rates,
  expanded,
  dispatch,
  onMove,
  onDragStart,
  onDropOn,
  readOnly,
  costTypes,
}: StepCardProps) {
  const name = step.customName.trim() || step.subprocessName;
  // Stable across renders, so a row whose line did not change is not redrawn.
  const onQuantity = useCallback(
    (stepKey: string, groupKey: string | null, lineKey: string, quantity: string) =>
      dispatch({ type: 'setLineQuantity', stepKey, groupKey, lineKey, quantity }),
    [dispatch],
  );
  const onRemoveLine = useCallback(
    (stepKey: string, groupKey: string | null, lineKey: string) => dispatch({ type: 'removeLine', stepKey, groupKey, lineKey }),
    [dispatch],
  );
  const detailOf = (g: DraftGroup): GroupCost | undefined => cost.groupDetail.find((d) => d.key === g.key);
  const id = step.key;
  const unpriced = cost.unpriced.size;
  const lineCount = step.lines.length + step.groups.reduce((n, g) => n + g.alternatives.length, 0);

  return (
    <li className={expanded ? 'step open' : 'step'} data-step={step.key}>
      <div className="step-head">
        {!readOnly && (
          <span
            className="drag-handle"
            onPointerDown={(e) => {
              if (e.button !== 0) return;
              e.preventDefault();
              e.currentTarget.setPointerCapture(e.pointerId);
              onDragStart(step.key);
            }}
            onPointerMove={(e) => {
              if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
              const target = dropTarget(e.clientX, e.clientY);
              for (const li of document.querySelectorAll('li.step.drop-over')) if (li !== target) li.classList.remove('drop-over');
              target?.classList.add('drop-over');
            }}
            onPointerUp={(e) => {
              if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
              e.currentTarget.releasePointerCapture(e.pointerId);
              const target = dropTarget(e.clientX, e.clientY);
              for (const li of document.querySelectorAll('li.step.drop-over')) li.classList.remove('drop-over');
              if (target?.dataset.step) onDropOn(target.dataset.step);
            }}
            onPointerCancel={() => {
              for (const li of document.querySelectorAll('li.step.drop-over')) li.classList.remove('drop-over');
            }}
            title="Drag to reorder (or use Move up / Move down)"
            data-testid={`drag-${index + 1}`}
            aria-hidden="true"
          >
            ⠿
          </span>
        )}
        <h3 id={`${id}-title`}>
          <span className="step-number">{index + 1}.</span> {name}
          {step.customName.trim() && <span className="caption"> ({step.subprocessName})</span>}
          {step.subprocessDeleted && <span className="badge">deleted from the library</span>}
        </h3>
        <p className="step-figures">
          <span data-figure="lines">
            {lineCount} line{lineCount === 1 ? '' : 's'}
          </span>
          <span>
            Worst <strong>{show(cost.total.worst)}</strong>
          </span>
          <span>
            Best <strong>{show(cost.total.best)}</strong>
          </span>
          {unpriced > 0 && (
            <span className="unpriced">
              ⚠ {unpriced} unpriced variant{unpriced === 1 ? '' : 's'}
            </span>
          )}
          {cost.pending > 0 && <span className="caption">fetching rates…</span>}
        </p>
        <div className="step-actions">
          <button
            type="button"
            className="secondary small"
            onClick={() => dispatch({ type: 'toggleStep', stepKey: step.key })}
            aria-expanded={expanded}
            aria-controls={`${id}-body`}
          >
            {expanded ? 'Hide details' : 'Show details'}
            <span className="visually-hidden"> of {name}</span>
          </button>
          {!readOnly && (
            <button
              type="button"
              className="secondary small"
              id={`${id}-up`}
              onClick={() => onMove(step.key, -1)}
              disabled={index === 0}
              aria-label={`Move up: ${name}`}
            >
              Move up
            </button>
          )}
          {!readOnly && (
            <button
              type="button"
              className="secondary small"
              id={`${id}-down`}
              onClick={() => onMove(step.key, 1)}
              disabled={index === count - 1}
              aria-label={`Move down: ${name}`}
            >
              Move down
            </button>
          )}
          {!readOnly && (
            <button
              type="button"
              className="secondary small danger"
              onClick={() => dispatch({ type: 'removeStep', stepKey: step.key })}
              aria-label={`Remove step ${name}`}
            >
              Remove step
            </button>
          )}
        </div>
      </div>
      {expanded && (
        <fieldset className="plain step-body" id={`${id}-body`} disabled={readOnly}>
          <div className="step-fields">
            <div className="field wide">
              <label htmlFor={`${id}-custom`}>Name in this process</label>
              <input
                id={`${id}-custom`}
                value={step.customName}
                placeholder={step.subprocessName}
                onChange={(e) => dispatch({ type: 'setStepText', stepKey: step.key, field: 'customName', value: e.target.value })}
                maxLength={200}
                autoComplete="off"
              />
            </div>
            <div className="field wide">
              <label htmlFor={`${id}-notes`}>Notes</label>
              <input
                id={`${id}-notes`}
                value={step.notes}
                onChange={(e) => dispatch({ type: 'setStepText', stepKey: step.key, field: 'notes', value: e.target.value })}
                autoComplete="off"
              />
            </div>
          </div>

          <h4>Variant lines</h4>
          {step.lines.length === 0 ? (
            <p className="empty">{readOnly ? 'No variant lines.' : 'No variant lines: add one below.'}</p>
          ) : (
            <LinesTable caption={`Variant lines of ${name}`}>
              {step.lines.map((l) => (
                <LineRow
                  key={l.key}
                  stepKey={step.key}
                  groupKey={null}
                  line={l}
                  unit={rates.get(l.variant.variantId)}
                  onQuantity={onQuantity}
                  onRemove={readOnly ? undefined : onRemoveLine}
                />
              ))}
            </LinesTable>
          )}

          <h4>Substitute groups</h4>
          <p className="caption">Alternatives of which any one serves: the worst case counts the dearest, the best case the cheapest.</p>
          {step.groups.map((g) => {
            const d = detailOf(g);
            const gid = `${g.key}-name`;
            return (
              <div className="group" key={g.key}>
                <div className="group-head">
                  <div className="field group-name">
                    <label htmlFor={gid}>Group name</label>
                    <input
                      id={gid}
                      value={g.name}
                      onChange={(e) => dispatch({ type: 'renameGroup', stepKey: step.key, groupKey: g.key, name: e.target.value })}
                      maxLength={255}
                      autoComplete="off"
                    />
                  </div>
                  <p className="step-figures">
                    <span>
                      Worst <strong>{d ? show(d.worst) : '—'}</strong>
                    </span>
                    <span>
                      Best <strong>{d ? show(d.best) : '—'}</strong>
                    </span>
                  </p>
                  {!readOnly && (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => dispatch({ type: 'removeGroup', stepKey: step.key, groupKey: g.key })}
                      aria-label={`Remove group ${g.name}`}
                    >
                      Remove group
                    </button>
                  )}
                </div>
                {g.alternatives.length === 0 ? (
                  <p className="empty">No alternatives yet: add variants to this group with “Add to” below.</p>
                ) : (
                  <>
                    {g.alternatives.length === 1 && <p className="caption">Only one alternative: add another, or make it a plain line.</p>}
                    <LinesTable caption={`Alternatives of group ${g.name}`}>
                      {g.alternatives.map((l) => (
                        <LineRow
                          key={l.key}
                          stepKey={step.key}
                          groupKey={g.key}
                          line={l}
                          unit={rates.get(l.variant.variantId)}
                          decides={
                            d && g.alternatives.length > 1
                              ? d.worstVariantId === l.variant.variantId && d.bestVariantId === l.variant.variantId
                                ? 'worst and best case'
                                : d.worstVariantId === l.variant.variantId
                                  ? 'worst case'
                                  : d.bestVariantId === l.variant.variantId
                                    ? 'best case'
                                    : undefined
                              : undefined
                          }
                          onQuantity={onQuantity}
                          onRemove={readOnly ? undefined : onRemoveLine}
                        />
                      ))}
                    </LinesTable>
                  </>
                )}
              </div>
            );
          })}
          {!readOnly && (
            <>
              <NewGroup step={step} onAdd={(name) => dispatch({ type: 'addGroup', stepKey: step.key, key: newKey('g'), name })} />
              <VariantPicker
                step={step}
                onAdd={(target, variant, quantity) => dispatch({ type: 'addLine', stepKey: step.key, target, line: { key: newKey('l'), variant, quantity } })}
              />
            </>
          )}

          <h4>Cost items</h4>
          <CostItems step={step} costTypes={costTypes} dispatch={dispatch} readOnly={readOnly} />
        </fieldset>
      )}
    </li>
  );
});
