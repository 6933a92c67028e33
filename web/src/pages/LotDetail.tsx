import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, api } from '../api.ts';
import { DayInput } from '../DayInput.tsx';
import { BarChart } from '../Chart.tsx';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { MoveButtons } from '../MoveButtons.tsx';
import { formatDateTime, formatDay, formatMoney, formatQuantity, formatStatus, formatUnitCost } from '../format.ts';
import { compare, decimal, text, times } from '../lots/decimal.ts';
import { FieldError } from '../lots/FieldError.tsx';
import { GroupChooser } from '../lots/GroupChooser.tsx';
import { useVariantFacts } from '../lots/facts.ts';
import { groupsOf } from '../lots/needs.ts';
import { confirmInNumbers } from '../lots/confirm.ts';
import { StatusBadge } from '../lots/StatusBadge.tsx';
import { StockTable } from '../lots/StockTable.tsx';
import type { Lot, LotAction, ProcessTree, StockCheck, StockNeed } from '../lots/types.ts';
import '../lots/lots.css';
import { useCan, useSession } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { useNotice } from '../useNotice.ts';

/**
 * The day a lot is planned to start, changed while it is planning or ready by a user who may
 * plan lots (empty: as soon as possible); the API's refusal is shown naming the field.
 */
function PlannedStart({ lot, onChanged }: { lot: Lot; onChanged: (message: string) => void }) {
  const editable = useCan('lot.plan') && lot.selectionsEditable;
  const [typed, setTyped] = useState({ day: lot.plannedStart ?? '', valid: true });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!editable) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!typed.valid) {
      setError(new ApiError(400, 'INVALID_PLANNED_START', 'write a day, or nothing for as soon as possible', 'body/plannedStart'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api<Lot>('PUT', `/api/lots/${lot.lotId}/planned-start`, { plannedStart: typed.day || null });
      onChanged(saved.plannedStart ? `Planned to start on ${formatDay(saved.plannedStart)}.` : 'Planned to start as soon as possible.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="planned-start" onSubmit={(e) => void save(e)} noValidate aria-label="Planned start">
      <label htmlFor="lot-planned-start">Planned start</label>
      <DayInput
        id="lot-planned-start"
        value={typed.day}
        onChange={(day, valid) => setTyped({ day, valid })}
        aria-describedby="lot-planned-start-hint"
        aria-invalid={error !== undefined ? true : undefined}
      />
      <button type="submit" className="secondary" disabled={busy}>
        {busy ? 'Saving…' : 'Save planned start'}
      </button>
      <p id="lot-planned-start-hint" className="caption">
        From today to two years ahead; empty for as soon as possible. Purchase suggestions buy for the lot once its day falls within a supplier’s lead time.
      </p>
      {error !== undefined && <FieldError error={error} />}
    </form>
  );
}

/**
 * One production lot: what it makes, its status and the moves the API offers the user now
 * (`actions`), its substitute choices (changeable while the API says `selectionsEditable`),
 * the stock check, the estimate against the actual cost, and its history.
 */
export default function LotDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const created = (location.state as { created?: string } | null)?.created;
  const lot = useApi<Lot>(`/api/lots/${encodeURIComponent(id)}`);
  const final = lot.data?.final ?? true;
  const check = useApi<StockCheck>(lot.data && !final ? `/api/lots/${encodeURIComponent(id)}/stock-check` : null);
  // The process names what the lot makes: asked for when the lot may record its output, or has.
  const wantsOutput = lot.data !== undefined && (lot.data.outputQuantity !== null || lot.data.actions.some((a) => a.recordsOutput));
  const process = useApi<ProcessTree>(wantsOutput && lot.data ? `/api/processes/${lot.data.processId}` : null);
  const { notice, ref: noticeRef, say } = useNotice(created ? `Lot ${created} created, in planning.` : null);
  usePageTitle(lot.data ? `Lot ${lot.data.lotNumber}` : 'Lot');

  const changed = (message: string) => {
    say(message);
    lot.reload();
    check.reload();
  };

  if (lot.error !== undefined) {
    return (
      <div className="lots-page">
        <p className="crumbs">
          <Link to="/lots">Lots</Link>
        </p>
        <h1>Lot</h1>
        <ErrorAlert error={lot.error} />
        <p>
          <Link to="/lots">Back to the lots</Link>
        </p>
      </div>
    );
  }
  if (!lot.data) return <Loading />;
  const l = lot.data;

  return (
    <div className="lots-page">
      <p className="crumbs">
        <Link to="/lots">Lots</Link>
      </p>
      <h1>Lot {l.lotNumber}</h1>
      <dl className="facts">
        <div>
          <dt>Process</dt>
          <dd>
            <Link to={`/processes/${l.processId}`}>{l.process}</Link>
          </dd>
        </div>
        <div>
          <dt>Quantity</dt>
          <dd>{formatQuantity(String(l.quantity))}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={l.status} />
          </dd>
        </div>
        <div>
          <dt>Planned start</dt>
          <dd>{l.plannedStart ? formatDay(l.plannedStart) : 'as soon as possible'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(l.createdAt)}</dd>
        </div>
        {l.startedAt && (
          <div>
            <dt>Started</dt>
            <dd>{formatDateTime(l.startedAt)}</dd>
          </div>
        )}
        {l.completedAt && (
          <div>
            <dt>Completed</dt>
            <dd>{formatDateTime(l.completedAt)}</dd>
          </div>
        )}
        {l.outputQuantity !== null && (
          <div>
            <dt>Put into stock</dt>
            <dd>
              {formatQuantity(l.outputQuantity)} {process.data?.output ? `${process.data.output.unit} of ${outputName(process.data.output)}` : ''}
              {l.outputUnitCost !== null && ` at ${formatUnitCost(l.outputUnitCost)} each`}
            </dd>
          </div>
        )}
      </dl>
      {l.outputReason && <p>Yielded other than planned because: {l.outputReason}</p>}
      {l.notes && <p className="description">Notes: {l.notes}</p>}
      {l.statusReason && l.statusReason !== l.outputReason && (
        <p>
          {formatStatus(l.status)} because: {l.statusReason}
        </p>
      )}
      {notice && (
        <p className="success" role="status" ref={noticeRef} tabIndex={-1}>
          {notice}
        </p>
      )}

      <PlannedStart lot={l} onChanged={changed} />
      <StatusActions lot={l} process={process.data} needs={check.data?.needs} onChanged={changed} />
      <Selections lot={l} onChanged={changed} />

      <section>
        <h2>Stock check</h2>
        {l.actual ? (
          <p className="caption">Stock was consumed when this lot was completed: the items’ stock ledgers show each movement.</p>
        ) : final ? (
          <p className="caption">This lot is {formatStatus(l.status).toLowerCase()}: it takes nothing from stock.</p>
        ) : check.error !== undefined ? (
          <ErrorAlert error={check.error} />
        ) : !check.data ? (
          <Loading />
        ) : (
          <StockTable needs={check.data.needs} unselected={check.data.unselectedGroups} caption={`What lot ${l.lotNumber} needs from stock`} />
        )}
      </section>

      <Costs lot={l} />

      <section>
        <h2>History</h2>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Status changes of lot {l.lotNumber}, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {l.events.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.from ? `${formatStatus(e.from)} → ${formatStatus(e.to)}` : `Created (${formatStatus(e.to).toLowerCase()})`}</td>
                  <td>{e.user ?? '—'}</td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/**
 * The moves the API offers the user on this lot, as buttons: a move that needs a reason asks
 * for it, and one that cannot be undone shows its sentence to confirm, before it is made.
 */
function StatusActions({
  lot,
  process,
  needs,
  onChanged,
}: {
  lot: Lot;
  process: ProcessTree | undefined;
  /** What the lot takes from stock (its stock check), said when completing it is confirmed. */
  needs: readonly StockNeed[] | undefined;
  onChanged: (message: string) => void;
}) {
  const { user } = useSession();
  const [output, setOutput] = useState<string | null>(null);
  const [why, setWhy] = useState('');
  const status = formatStatus(lot.status).toLowerCase();
  // What the lot is to yield: the process's output per unit × the lot's quantity, exact.
  const planned = process?.output ? trimmed(text(times(decimal(process.outputQuantity), decimal(lot.quantity)))) : null;
  const given = output ?? planned ?? '';
  const differs = planned !== null && OUTPUT.test(given.trim()) && compare(decimal(given.trim()), decimal(planned)) !== 0;

  /** The move's body: a reason when it needs one; the output (and why it is not the planned one) when it records it. */
  const bodyOf = (a: LotAction, reason: string) =>
    a.needsReason
      ? { reason }
      : a.recordsOutput && planned !== null
        ? { outputQuantity: given.trim(), ...(differs && why.trim() !== '' ? { reason: why } : {}) }
        : undefined;

  /** What a move that records the output asks, inside its form: the quantity (the planned one to start with) and, when it is another, why. */
  const outputFields = (a: LotAction) => {
    if (!a.recordsOutput) return null;
    if (!process) return <Loading />;
    if (!process.output || planned === null) return <p className="caption">{process.name} names no output: completing the lot puts nothing into stock.</p>;
    return (
      <>
        <div className="output-form">
          <label htmlFor="lot-output">
            Output: {outputName(process.output)} ({process.output.unit})
          </label>
          <input
            id="lot-output"
            inputMode="decimal"
            value={given}
            onChange={(e) => setOutput(e.target.value)}
            aria-describedby="lot-output-help"
            aria-invalid={!OUTPUT.test(given.trim()) || undefined}
            autoComplete="off"
          />
          <p id="lot-output-help" className="caption">
            Planned: {formatQuantity(planned)} ({formatQuantity(process.outputQuantity)} a unit × {lot.quantity}). It goes into stock at the lot’s actual cost.
          </p>
        </div>
        {differs && (
          <>
            <label htmlFor="lot-output-reason">Why it yielded other than planned</label>
            <textarea
              id="lot-output-reason"
              rows={2}
              maxLength={2000}
              value={why}
              onChange={(e) => setWhy(e.target.value)}
              aria-describedby="lot-output-reason-help"
              required
            />
            <p id="lot-output-reason-help" className="caption">
              A yield loss (or gain) is kept with the lot.
            </p>
          </>
        )}
      </>
    );
  };

  return (
    <section>
      <h2>Status</h2>
      {lot.final ? (
        <p className="caption">This lot is {status}, which is final: nothing more can happen to it.</p>
      ) : lot.actions.length === 0 ? (
        <p className="caption">
          This lot is {status}: your role ({user?.role}) may not move it on from here.
        </p>
      ) : (
        <MoveButtons
          moves={lot.actions.map((a) => ({ ...a, confirm: confirmInNumbers(a, lot, needs) }))}
          idPrefix="lot"
          reasonHelp="Why: it is kept in the lot’s history."
          fields={outputFields}
          onMove={async (a: LotAction, reason) => {
            const after = await api<Lot>('POST', `/api/lots/${lot.lotId}/${a.action}`, bodyOf(a, reason));
            setOutput(null);
            setWhy('');
            onChanged(
              `Lot ${lot.lotNumber} is ${formatStatus(after.status).toLowerCase()} now.${
                after.outputQuantity !== null && process?.output
                  ? ` ${formatQuantity(after.outputQuantity)} ${process.output.unit} of ${outputName(process.output)} went into stock${after.outputUnitCost !== null ? ` at ${formatUnitCost(after.outputUnitCost)} each` : ''}.`
                  : ''
              }`,
            );
          }}
        />
      )}
    </section>
  );
}

/** What a lot's output is called: its item, colour and size. */
function outputName(o: { item: string; color: string; size: string }): string {
  return `${o.item} · ${o.color} · ${o.size}`;
}

/** A decimal string without the zeros after its point that say nothing ("12.000" → "12", "2.50" → "2.5"). */
function trimmed(t: string): string {
  return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
}

/** An output quantity as the API takes it: 0 or more, at most 3 decimals. */
const OUTPUT = /^\d{1,9}(\.\d{1,3})?$/;

/** The lot's substitute choices and the groups still to choose; changeable while the API says so, by a user with lot.plan. */
function Selections({ lot, onChanged }: { lot: Lot; onChanged: (message: string) => void }) {
  const editable = useCan('lot.plan') && lot.selectionsEditable;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<number, number>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const tree = useApi<ProcessTree>(editing ? `/api/processes/${lot.processId}` : null);
  const groups = tree.data ? groupsOf(tree.data) : [];
  const facts = useVariantFacts(
    editing ? groups.flatMap((g) => g.alternatives.map((a) => a.variantId)) : [],
    editing ? groups.flatMap((g) => g.alternatives.map((a) => a.variantId)) : [],
  );
  const current = Object.fromEntries(lot.selections.map((s) => [s.groupId, s.variantId]));
  const total = lot.selections.length + lot.unselectedGroups.length;

  /** What a change of choices did to the lot's status (a ready lot goes back to planning). */
  const moved = (after: Lot) => (after.status === lot.status ? '' : ` The lot is back in ${formatStatus(after.status).toLowerCase()}.`);

  const startEditing = () => {
    setDraft(current);
    setFailure(undefined);
    setEditing(true);
  };

  async function save() {
    const changes = Object.entries(draft)
      .filter(([groupId, variantId]) => current[Number(groupId)] !== variantId)
      .map(([groupId, variantId]) => ({ groupId: Number(groupId), variantId }));
    if (changes.length === 0) {
      setEditing(false);
      return;
    }
    setSaving('save');
    setFailure(undefined);
    try {
      const after = await api<Lot>('PUT', `/api/lots/${lot.lotId}/selections`, { selections: changes });
      setEditing(false);
      onChanged(`Substitutes saved.${moved(after)}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(null);
    }
  }

  async function clear(groupId: number, name: string) {
    setSaving(`clear-${groupId}`);
    setFailure(undefined);
    try {
      const after = await api<Lot>('DELETE', `/api/lots/${lot.lotId}/selections/${groupId}`);
      onChanged(`The choice for ${name} was cleared.${moved(after)}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(null);
    }
  }

  return (
    <section>
      <h2>Substitutes</h2>
      {total === 0 ? (
        <p className="caption">{lot.process} has no substitute groups: there is nothing to choose.</p>
      ) : (
        <>
          {lot.unselectedGroups.length > 0 && (
            <p className="still-to-choose">
              Still to choose: {lot.unselectedGroups.map((g) => `${g.name} (${g.step})`).join(', ')}. The lot cannot be marked ready until each group has a
              choice.
            </p>
          )}
          {lot.selections.length > 0 && !editing && (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">The variant chosen for each substitute group</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Step</th>
                    <th scope="col">Chosen variant</th>
                    <th scope="col" className="num">
                      A unit uses
                    </th>
                    {editable && <th scope="col">Change</th>}
                  </tr>
                </thead>
                <tbody>
                  {lot.selections.map((s) => (
                    <tr key={s.groupId}>
                      <th scope="row">{s.group}</th>
                      <td>{s.step}</td>
                      <td>
                        {s.item} · {s.color} · {s.size}
                      </td>
                      <td className="num">{formatQuantity(s.quantity)}</td>
                      {editable && (
                        <td>
                          <button
                            type="button"
                            className="secondary"
                            disabled={saving !== null}
                            onClick={() => void clear(s.groupId, s.group)}
                            aria-label={`Clear the choice for ${s.group}`}
                          >
                            {saving === `clear-${s.groupId}` ? 'Clearing…' : 'Clear'}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {editable && !editing && (
            <p>
              <button type="button" onClick={startEditing}>
                Change substitutes
              </button>
              <span className="caption"> A ready lot whose choices change goes back to planning, to be marked ready again.</span>
            </p>
          )}
          {!lot.selectionsEditable && <p className="caption">The choices are fixed once a lot is {formatStatus(lot.status).toLowerCase()}.</p>}
          {editing &&
            (tree.error !== undefined ? (
              <ErrorAlert error={tree.error} />
            ) : !tree.data || facts.loading ? (
              <Loading />
            ) : facts.error !== undefined ? (
              <ErrorAlert error={facts.error} />
            ) : (
              <>
                <GroupChooser
                  groups={groups}
                  quantity={lot.quantity}
                  choices={draft}
                  onChoose={(groupId, variantId) => setDraft((d) => ({ ...d, [groupId]: variantId }))}
                  stock={facts.stock}
                  rates={facts.rates}
                  disabled={saving !== null}
                />
                <div className="wizard-buttons">
                  <button type="button" onClick={() => void save()} disabled={saving !== null}>
                    {saving === 'save' ? 'Saving…' : 'Save substitutes'}
                  </button>
                  <button type="button" className="secondary" onClick={() => setEditing(false)} disabled={saving !== null}>
                    Discard changes
                  </button>
                </div>
              </>
            ))}
        </>
      )}
      {failure !== undefined && <FieldError error={failure} />}
    </section>
  );
}

/** The estimate frozen at creation (worst and best case) against the actual cost taken at completion, and the variance. */
function Costs({ lot }: { lot: Lot }) {
  const worst = lot.worstCaseEstimatedCost;
  const best = lot.bestCaseEstimatedCost;
  const variance = lot.costVariance;
  const money = (n: number) => formatMoney(n.toFixed(2));
  const bars = [
    ...(worst ? [{ label: 'Worst-case estimate', values: [Number(worst)] }] : []),
    ...(best ? [{ label: 'Best-case estimate', values: [Number(best)] }] : []),
    ...(lot.actualCost ? [{ label: 'Actual cost', values: [Number(lot.actualCost)] }] : []),
  ];
  return (
    <section>
      <h2>Costs</h2>
      <dl className="facts costs">
        <div>
          <dt>Estimate, worst case</dt>
          <dd>{worst ? formatMoney(worst) : '—'}</dd>
        </div>
        <div>
          <dt>Estimate, best case</dt>
          <dd>{best ? formatMoney(best) : '—'}</dd>
        </div>
        <div>
          <dt>Actual cost</dt>
          <dd>{lot.actualCost ? formatMoney(lot.actualCost) : lot.final ? '—' : 'known once completed'}</dd>
        </div>
        <div>
          <dt>Variance (actual − worst case)</dt>
          <dd>
            {variance === null
              ? 'known once completed'
              : variance.startsWith('-')
                ? `${formatMoney(variance)}, under the worst-case estimate`
                : /^0*(\.0*)?$/.test(variance)
                  ? `${formatMoney(variance)}, exactly the worst-case estimate`
                  : `+${formatMoney(variance)}, over the worst-case estimate`}
          </dd>
        </div>
      </dl>
      {lot.estimate && !lot.estimate.complete && (
        <p className="caption">
          The estimate is a lower bound: {lot.estimate.unpriced.map((u) => `${u.item} (${u.color}, ${u.size})`).join(', ')} had no current rate when the lot was
          created.
        </p>
      )}
      {lot.actual?.valuation && (
        <p className="caption">
          The actual cost is what the lot consumed, at the stock’s average cost ({formatMoney(lot.actual.valuation.materials)}), plus its labour and other costs
          ({formatMoney(lot.actual.valuation.conversion)}).
          {!lot.actual.valuation.complete && ' It is a lower bound: some of the stock it consumed had no cost yet.'}
        </p>
      )}
      {lot.actual && !lot.actual.valuation && !lot.actual.complete && (
        <p className="caption">The actual cost is a lower bound: some variants had no current rate at completion.</p>
      )}
      {lot.estimate && (
        <p className="caption">
          Estimated at the rates of {formatDay(lot.estimate.ratesAt)}
          {lot.actual && !lot.actual.valuation ? `; the actual cost at the rates of ${formatDay(lot.actual.ratesAt)}` : ''}.
        </p>
      )}
      {lot.actualCost && <BarChart label="Estimate against actual cost" series={['Cost']} bars={bars} format={money} />}
    </section>
  );
}
