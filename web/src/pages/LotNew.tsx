import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { DayInput } from '../DayInput.tsx';
import { formatDay, formatMoney, formatQuantity } from '../format.ts';
import { GroupChooser } from '../lots/GroupChooser.tsx';
import { useVariantFacts } from '../lots/facts.ts';
import { groupsOf, lotNeeds, variantsOf } from '../lots/needs.ts';
import { StockTable } from '../lots/StockTable.tsx';
import { FieldError, fieldLabel } from '../lots/FieldError.tsx';
import type { Lot, ProcessCost, ProcessSummary, ProcessTree } from '../lots/types.ts';
import '../lots/lots.css';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';

type Step = 1 | 2 | 3 | 4;
const STEPS: Record<Step, string> = { 1: 'Process', 2: 'Quantity', 3: 'Substitutes', 4: 'Stock check' };
const PROCESS_PAGE_SIZE = 10;

/** An error the API (or the wizard) gave, and the step it belongs to. */
interface StepError {
  step: Step;
  error: unknown;
}

/** Which step an API error belongs to: the field it names, else its code. */
function stepOf(error: unknown): Step {
  if (!(error instanceof ApiError)) return 4;
  const field = error.field ?? '';
  if (
    /quantity|notes|plannedStart/.test(field) ||
    error.code === 'INVALID_PLANNED_START' ||
    error.code === 'LOT_COST_TOO_LARGE' ||
    error.code === 'INVALID_QUANTITY'
  )
    return 2;
  if (/selections/.test(field) || error.code === 'SELECTION_INVALID') return 3;
  if (/processId/.test(field) || ['PROCESS_NOT_ACTIVE', 'PROCESS_DELETED', 'PROCESS_HAS_NO_STEPS', 'NOT_FOUND'].includes(error.code)) return 1;
  return 4;
}

/**
 * Making a lot, in four steps: the process, the quantity (and notes; the API gives the lot
 * number), a variant for each substitute group with each alternative's stock and cost, and a
 * stock check of what the lot would need. Back and Next keep what was entered; an error the
 * API gives on creating is shown at the step it belongs to, naming the field.
 */
/** The wizard for a user whose role may plan lots; anyone else reads why not. */
export default function LotNew() {
  const canPlan = useCan('lot.plan');
  usePageTitle('New lot');
  if (!canPlan) {
    return (
      <>
        <p className="crumbs">
          <Link to="/lots">Lots</Link>
        </p>
        <h1>New lot</h1>
        <p className="empty">Your role may not plan lots: ask a planner. You can follow the lots on the list.</p>
      </>
    );
  }
  return <LotWizard />;
}

function LotWizard() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [step, setStep] = useState<Step>(1);
  const [process, setProcess] = useState<ProcessSummary | null>(null);
  const [quantity, setQuantity] = useState('');
  const [notes, setNotes] = useState('');
  /** The planned start as the API takes it (YYYY-MM-DD, '' for as soon as possible), and whether what is typed is a day. */
  const [plannedStart, setPlannedStart] = useState({ day: '', valid: true });
  const [choices, setChoices] = useState<Record<number, number>>({});
  const [estimate, setEstimate] = useState<ProcessCost | null>(null);
  const [failure, setFailure] = useState<StepError | null>(null);
  const [busy, setBusy] = useState<'checking' | 'creating' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  // A link from a process (?process=ID) starts with it chosen.
  const preset = params.get('process');
  const presetProcess = useApi<ProcessSummary>(preset && /^\d+$/.test(preset) ? `/api/processes/${preset}` : null);
  useEffect(() => {
    const preset = presetProcess.data;
    if (preset?.status !== 'active') return;
    setProcess((p) => p ?? preset);
    setQuantity((q) => (q.trim() === '' ? String(preset.lotSize) : q));
  }, [presetProcess.data]);

  const tree = useApi<ProcessTree>(process ? `/api/processes/${process.processId}` : null);
  const groups = tree.data ? groupsOf(tree.data) : [];
  const wantFacts = step >= 3 && tree.data !== undefined;
  const facts = useVariantFacts(
    wantFacts && tree.data ? variantsOf(tree.data).map((v) => v.variantId) : [],
    wantFacts ? groups.flatMap((g) => g.alternatives.map((a) => a.variantId)) : [],
  );
  const units = Number.parseInt(quantity, 10);

  // Each step is announced by moving focus to its heading (not on the first render).
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [step]);

  const go = (to: Step) => {
    setFailure(null);
    setStep(to);
  };

  const chooseProcess = (p: ProcessSummary) => {
    if (p.processId !== process?.processId) {
      setChoices({});
      setEstimate(null);
    }
    setProcess(p);
    // A lot of the process's usual size, unless a quantity is typed already.
    setQuantity((q) => (q.trim() === '' || p.processId !== process?.processId ? String(p.lotSize) : q));
    setFailure(null);
  };

  /** Step 2's Next: the API costs the process for the quantity, which also checks it. */
  async function checkQuantity(e: FormEvent) {
    e.preventDefault();
    if (!process) return go(1);
    if (!/^\s*-?\d+\s*$/.test(quantity)) {
      setFailure({ step: 2, error: new ApiError(400, 'INVALID_INPUT', 'enter a whole number of units, 1 or more', 'body/quantity') });
      return;
    }
    if (!plannedStart.valid) {
      setFailure({ step: 2, error: new ApiError(400, 'INVALID_PLANNED_START', 'write a day, or nothing for as soon as possible', 'body/plannedStart') });
      return;
    }
    setBusy('checking');
    setFailure(null);
    try {
      setEstimate(await api<ProcessCost>('GET', `/api/processes/${process.processId}/cost${query({ quantity: quantity.trim() })}`));
      setStep(3);
    } catch (error) {
      setFailure({
        step: 2,
        error:
          error instanceof ApiError && error.field?.endsWith('quantity')
            ? new ApiError(error.status, error.code, error.message, 'body/quantity', error.details)
            : error,
      });
    } finally {
      setBusy(null);
    }
  }

  async function create() {
    if (!process) return go(1);
    setBusy('creating');
    setFailure(null);
    try {
      const lot = await api<Lot>('POST', '/api/lots', {
        processId: process.processId,
        quantity: units,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        ...(plannedStart.day ? { plannedStart: plannedStart.day } : {}),
        selections: Object.entries(choices).map(([groupId, variantId]) => ({ groupId: Number(groupId), variantId })),
      });
      navigate(`/lots/${lot.lotId}`, { state: { created: lot.lotNumber } });
    } catch (error) {
      const at = stepOf(error);
      setFailure({ step: at, error });
      setStep(at);
      setBusy(null);
    }
  }

  const failureHere = failure?.step === step ? failure.error : undefined;
  const stepHeading = (
    <h2 ref={heading} tabIndex={-1}>
      Step {step} of 4: {STEPS[step]}
    </h2>
  );

  return (
    <div className="lots-page">
      <p className="crumbs">
        <Link to="/lots">Lots</Link>
      </p>
      <h1>New lot</h1>
      <ol className="wizard-steps" aria-label="Steps">
        {([1, 2, 3, 4] as const).map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={s === step ? 'current' : s < step ? 'done' : undefined}>
            {s}. {STEPS[s]}
          </li>
        ))}
      </ol>

      {step === 1 && (
        <section className="card wizard-step">
          {stepHeading}
          <ProcessPicker chosen={process} onChoose={chooseProcess} />
          {failureHere !== undefined && <FieldError error={failureHere} />}
          <div className="wizard-buttons">
            <button
              type="button"
              onClick={() =>
                process ? go(2) : setFailure({ step: 1, error: new ApiError(400, 'INVALID_INPUT', 'choose the process this lot makes', 'body/processId') })
              }
            >
              Next: {STEPS[2]}
            </button>
          </div>
        </section>
      )}

      {step === 2 && process && (
        <section className="card wizard-step">
          {stepHeading}
          <p className="caption">
            Making <strong>{process.name}</strong>. The lot number (LOT-YYYYMMDD-NNNNNN) is given when the lot is created.
          </p>
          <form onSubmit={checkQuantity} noValidate className="wizard-form">
            <label htmlFor="lot-quantity">Quantity</label>
            <input
              id="lot-quantity"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              aria-invalid={failureHere !== undefined && fieldLabel(failureHere) === 'Quantity' ? true : undefined}
              aria-describedby="lot-quantity-hint"
              required
            />
            <p id="lot-quantity-hint" className="caption">
              How many units this lot makes: a whole number from 1 to 1,000,000 ({process.name} usually runs {formatQuantity(String(process.lotSize))}).
            </p>
            <label htmlFor="lot-planned-start">Planned start (optional)</label>
            <DayInput
              id="lot-planned-start"
              value={plannedStart.day}
              onChange={(day, valid) => setPlannedStart({ day, valid })}
              aria-invalid={failureHere !== undefined && fieldLabel(failureHere) === 'Planned start' ? true : undefined}
              aria-describedby="lot-planned-start-hint"
            />
            <p id="lot-planned-start-hint" className="caption">
              The day the lot should start, from today to two years ahead; empty for as soon as possible. Purchase suggestions buy for it once it falls within a
              supplier’s lead time.
            </p>
            <label htmlFor="lot-notes">Notes (optional)</label>
            <textarea id="lot-notes" rows={3} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
            {failureHere !== undefined && <FieldError error={failureHere} />}
            <div className="wizard-buttons">
              <button type="button" className="secondary" onClick={() => go(1)}>
                Back: {STEPS[1]}
              </button>
              <button type="submit" disabled={busy === 'checking'}>
                {busy === 'checking' ? 'Checking…' : `Next: ${STEPS[3]}`}
              </button>
            </div>
          </form>
        </section>
      )}

      {step === 3 && process && (
        <section className="card wizard-step">
          {stepHeading}
          {tree.error !== undefined ? (
            <ErrorAlert error={tree.error} />
          ) : !tree.data || facts.loading ? (
            <Loading />
          ) : facts.error !== undefined ? (
            <ErrorAlert error={facts.error} />
          ) : groups.length === 0 ? (
            <p className="empty">{process.name} has no substitute groups: there is nothing to choose. Go on to the stock check.</p>
          ) : (
            <>
              <p className="caption">
                Choose a variant for each substitute group of {process.name}, for {formatQuantity(String(units))} units. A group left unchosen can be chosen
                later, but the lot cannot be marked ready until every group has a choice.
              </p>
              <GroupChooser
                groups={groups}
                quantity={units}
                choices={choices}
                onChoose={(groupId, variantId) => setChoices((c) => ({ ...c, [groupId]: variantId }))}
                stock={facts.stock}
                rates={facts.rates}
              />
            </>
          )}
          {failureHere !== undefined && <FieldError error={failureHere} />}
          <div className="wizard-buttons">
            <button type="button" className="secondary" onClick={() => go(2)}>
              Back: {STEPS[2]}
            </button>
            <button type="button" onClick={() => go(4)} disabled={!tree.data}>
              Next: {STEPS[4]}
            </button>
          </div>
        </section>
      )}

      {step === 4 && process && tree.data && (
        <section className="card wizard-step">
          {stepHeading}
          <dl className="facts">
            <div>
              <dt>Process</dt>
              <dd>{process.name}</dd>
            </div>
            <div>
              <dt>Quantity</dt>
              <dd>{formatQuantity(String(units))}</dd>
            </div>
            <div>
              <dt>Planned start</dt>
              <dd>{plannedStart.day ? formatDay(plannedStart.day) : 'as soon as possible'}</dd>
            </div>
            {estimate && (
              <div>
                <dt>Estimated cost (worst / best)</dt>
                <dd>
                  {formatMoney(estimate.total.worst)} / {formatMoney(estimate.total.best)}
                  {!estimate.complete && ' (at least: some variants have no current rate)'}
                </dd>
              </div>
            )}
          </dl>
          {groups.length > 0 && (
            <ul className="chosen-list" aria-label="Chosen substitutes">
              {groups.map((g) => {
                const alt = g.alternatives.find((a) => a.variantId === choices[g.groupId]);
                return (
                  <li key={g.groupId}>
                    {g.name}: {alt ? `${alt.item} · ${alt.color} · ${alt.size}` : <strong>not chosen yet</strong>}
                  </li>
                );
              })}
            </ul>
          )}
          {facts.loading ? (
            <Loading />
          ) : facts.error !== undefined ? (
            <ErrorAlert error={facts.error} />
          ) : (
            <StockTable
              needs={lotNeeds(tree.data, units, choices, facts.stock)}
              unselected={groups.filter((g) => choices[g.groupId] === undefined).map((g) => ({ groupId: g.groupId, name: g.name, step: g.step }))}
              caption={`What ${formatQuantity(String(units))} of ${process.name} need from stock`}
            />
          )}
          <p className="caption">The lot is created in planning: nothing is taken from stock until it is completed.</p>
          {failureHere !== undefined && <FieldError error={failureHere} />}
          <div className="wizard-buttons">
            <button type="button" className="secondary" onClick={() => go(3)} disabled={busy === 'creating'}>
              Back: {STEPS[3]}
            </button>
            <button type="button" onClick={() => void create()} disabled={busy === 'creating'}>
              {busy === 'creating' ? 'Creating…' : 'Create lot'}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}

/** Step 1: the active processes, searched and a page at a time, one chosen with a radio. */
function ProcessPicker({ chosen, onChoose }: { chosen: ProcessSummary | null; onChoose: (p: ProcessSummary) => void }) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(typed.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const loaded = useApi<{ total: number; processes: ProcessSummary[] }>(
    `/api/processes${query({ status: 'active', q, limit: PROCESS_PAGE_SIZE, offset: (page - 1) * PROCESS_PAGE_SIZE })}`,
  );
  return (
    <>
      <div className="toolbar">
        <label htmlFor="process-search">Search active processes</label>
        <input id="process-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="part of the name" autoComplete="off" />
      </div>
      {chosen && (
        <p>
          Chosen: <strong>{chosen.name}</strong>
        </p>
      )}
      {loaded.error !== undefined ? (
        <ErrorAlert error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : loaded.data.processes.length === 0 ? (
        <p className="empty">
          {q ? `No active process matches “${q}”.` : 'There is no active process to make a lot of: activate one first.'}{' '}
          <Link to="/processes">Go to the processes</Link>
        </p>
      ) : (
        <>
          <fieldset className="process-choice">
            <legend>Process</legend>
            <ul className="alternatives">
              {loaded.data.processes.map((p) => (
                <li key={p.processId} className={chosen?.processId === p.processId ? 'chosen' : undefined}>
                  <input
                    type="radio"
                    id={`process-${p.processId}`}
                    name="process"
                    checked={chosen?.processId === p.processId}
                    onChange={() => onChoose(p)}
                    aria-describedby={`process-${p.processId}-facts`}
                  />
                  <label htmlFor={`process-${p.processId}`}>{p.name}</label>
                  <span id={`process-${p.processId}-facts`} className="alt-facts">
                    {[p.processClass, `${p.stepCount} ${p.stepCount === 1 ? 'step' : 'steps'}`, p.description].filter(Boolean).join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          </fieldset>
          <Pager
            page={page}
            pages={pageCount(loaded.data.total, PROCESS_PAGE_SIZE)}
            total={loaded.data.total}
            noun={['active process', 'active processes']}
            onPage={setPage}
          />
        </>
      )}
    </>
  );
}
