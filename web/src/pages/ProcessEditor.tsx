import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Dispatch } from 'react';
import { Link, useBlocker, useParams } from 'react-router';
import { api, query } from '../api.ts';
import { BarChart } from '../Chart.tsx';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatMoney, formatStatus, formatTime } from '../format.ts';
import { useCan } from '../session.tsx';
import { costDraft, money, perUnitAt, toNumber } from '../processes/cost.ts';
import { useSettings } from '../settings.tsx';
import { MONEY, OUTPUT_QUANTITY, TARGET_MARGIN, fieldsBody, newKey, newStep, problemsOf, runSizeOf, structureBody } from '../processes/model.ts';
import type { ApiProcess, DraftAdditionalCost, ProcessAction, Subprocess, VariantLabel } from '../processes/model.ts';
import { variantName } from '../items/variants.ts';
import type { Variant } from '../shapes.ts';
import { VariantPicker } from '../suppliers/VariantPicker.tsx';
import '../forms.css';
import { editorReducer, initialEditorState, isDirty } from '../processes/editor-state.ts';
import type { EditorAction } from '../processes/editor-state.ts';
import { useRates } from '../processes/rates.ts';
import { CostSummary, RunSizeField } from '../processes/CostSummary.tsx';
import { GrowingText, StepCard } from '../processes/StepEditor.tsx';
import { ActionError, StatusBadge, useCostTypes, useProcessStatuses } from '../processes/ui.tsx';
import '../processes/processes.css';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

const LABELS = {
  name: 'Name',
  description: 'Description',
  processClass: 'Class',
  salesPrice: 'Sales price',
  outputVariantId: 'Output variant',
  outputQuantity: 'Output per unit',
  lotSize: 'Usual lot size',
  targetMargin: 'Target margin',
  steps: 'Steps',
  additionalCosts: 'Additional costs',
};
const show = (micro: bigint) => formatMoney(money(micro));

/**
 * Warns before leaving with unsaved changes: closing or reloading the tab (the browser asks),
 * or leaving the page in the app by a link or the Back button (the router holds the move
 * until the user says yes).
 */
function useLeaveWarning(dirty: boolean) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm('This process has unsaved changes. Leave without saving them?')) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = 'This process has unsaved changes.';
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [dirty]);
}

/**
 * What the process makes (its output variant: completing a lot puts it into stock at the lot's
 * cost) and how much of it one unit of the process yields. The variant is found by searching
 * items; "No output" clears it.
 */
function OutputFields({
  variant,
  quantity,
  dispatch,
  readOnly,
}: {
  variant: VariantLabel | null;
  quantity: string;
  dispatch: Dispatch<EditorAction>;
  readOnly: boolean;
}) {
  const [choosing, setChoosing] = useState(false);
  const [picked, setPicked] = useState<number | undefined>(undefined);
  const [problem, setProblem] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const use = async () => {
    if (picked === undefined) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const v = await api<Variant>('GET', `/api/variants/${picked}`);
      dispatch({ type: 'setOutputVariant', variant: { variantId: v.variantId, item: v.item, color: v.color, size: v.size, unit: v.unit } });
      setChoosing(false);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div className="field wide output-field" role="group" aria-labelledby="process-output-label">
        <span className="label" id="process-output-label">
          Output
        </span>
        <p className="output-now">
          {variant ? (
            <>
              <strong>{variantName(variant)}</strong> ({variant.unit}){variant.deleted && <span className="badge status-cancelled">deleted</span>}: a completed
              lot puts it into stock at the lot’s cost.
            </>
          ) : (
            'None: completing a lot puts nothing into stock.'
          )}
        </p>
        {!readOnly && !choosing && (
          <div className="row-actions">
            <button type="button" className="secondary" onClick={() => (setPicked(undefined), setChoosing(true))}>
              {variant ? 'Change the output…' : 'Choose the output…'}
            </button>
            {variant && (
              <button type="button" className="secondary" onClick={() => dispatch({ type: 'setOutputVariant', variant: null })}>
                No output
              </button>
            )}
          </div>
        )}
        {!readOnly && choosing && (
          <div className="output-picker">
            <VariantPicker idPrefix="process-output" value={picked} onChange={setPicked} />
            <div className="row-actions">
              <button type="button" onClick={() => void use()} disabled={picked === undefined || busy}>
                {busy ? 'Fetching…' : 'Use this variant'}
              </button>
              <button type="button" className="secondary" onClick={() => setChoosing(false)}>
                Keep it as it is
              </button>
            </div>
            {problem !== undefined && <ActionError error={problem} />}
          </div>
        )}
      </div>
      <div className="field narrow">
        <label htmlFor="process-output-quantity">Output per unit</label>
        <input
          id="process-output-quantity"
          value={quantity}
          onChange={(e) => dispatch({ type: 'setField', field: 'outputQuantity', value: e.target.value })}
          inputMode="decimal"
          aria-describedby="process-output-quantity-help"
          aria-invalid={!OUTPUT_QUANTITY.test(quantity.trim())}
          autoComplete="off"
        />
        <p className="hint" id="process-output-quantity-help">
          How much of the output one unit of the process yields.
        </p>
      </div>
    </>
  );
}

/** Adds a library subprocess as a new last step: search the library, choose, add. */
function AddStep({ onAdd }: { onAdd: (s: Subprocess) => void }) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState('');
  const [problem, setProblem] = useState('');
  const library = useApi<{ total: number; subprocesses: Subprocess[] }>(`/api/subprocesses${query({ q: search.trim(), limit: 50 })}`);
  const list = library.data?.subprocesses ?? [];
  return (
    <fieldset className="picker">
      <legend>Add a step from the library</legend>
      <div className="field">
        <label htmlFor="library-search">Search the library</label>
        <input id="library-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="part of the name" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor="library-choice">Subprocess</label>
        <select id="library-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">
            {library.loading
              ? 'Loading…'
              : list.length === 0
                ? 'None matches'
                : `Choose (${list.length}${library.data && library.data.total > list.length ? ` of ${library.data.total}` : ''})`}
          </option>
          {list.map((s) => (
            <option key={s.subprocessId} value={s.subprocessId}>
              {s.name}
              {s.category ? ` · ${s.category}` : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            const s = list.find((x) => String(x.subprocessId) === chosen);
            if (!s) return setProblem('Choose a subprocess from the library first.');
            setProblem('');
            onAdd(s);
            setChosen('');
          }}
        >
          Add step
        </button>
        <Link to="/subprocesses">Manage the library</Link>
      </div>
      {library.error !== undefined && <ErrorAlert error={library.error} />}
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

function AdditionalCosts({ costs, dispatch, readOnly }: { costs: DraftAdditionalCost[]; dispatch: Dispatch<EditorAction>; readOnly: boolean }) {
  const set = (key: string, change: Partial<DraftAdditionalCost>) => dispatch({ type: 'setAdditionalCost', key, change });
  return (
    <>
      {costs.length === 0 ? (
        <p className="empty">{readOnly ? 'No additional costs.' : 'No additional costs (tooling, setup, freight…): add one if the process has them.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="lines">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Amount</th>
                <th scope="col">Fixed per run</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {costs.map((a, i) => {
                const n = `additional cost ${i + 1}`;
                return (
                  <tr key={a.key}>
                    <td>
                      <input
                        value={a.costType}
                        onChange={(e) => set(a.key, { costType: e.target.value })}
                        aria-label={`Type of ${n}`}
                        maxLength={50}
                        autoComplete="off"
                      />
                    </td>
                    <td>
                      <GrowingText value={a.description} onChange={(description) => set(a.key, { description })} label={`Description of ${n}`} />
                    </td>
                    <td>
                      <input
                        className="qty"
                        value={a.amount}
                        onChange={(e) => set(a.key, { amount: e.target.value })}
                        aria-label={`Amount of ${n}`}
                        aria-invalid={!MONEY.test(a.amount.trim())}
                        inputMode="decimal"
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        checked={a.isFixed}
                        onChange={(e) => set(a.key, { isFixed: e.target.checked })}
                        aria-label={`${n} is fixed per run`}
                      />
                    </td>
                    <td>
                      {!readOnly && (
                        <button
                          type="button"
                          className="secondary small"
                          onClick={() => dispatch({ type: 'removeAdditionalCost', key: a.key })}
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
        <button type="button" className="secondary" onClick={() => dispatch({ type: 'addAdditionalCost', key: newKey('a') })}>
          Add additional cost
        </button>
      )}
    </>
  );
}

/**
 * The process editor: its details, its ordered steps and what each uses, with the worst and
 * best cost recomputed in the browser on every edit (rates fetched once per variant), saved
 * with one explicit Save: the details (PATCH) then the structure (PUT …/structure, one
 * transaction). Status changes apply at once, on the saved process: the buttons are the moves
 * the API offers the caller (`actions`). A caller without process.write, or a deleted
 * process, is shown the process read-only.
 */
export default function ProcessEditorPage() {
  const { id } = useParams();
  // Another process (a copy just made, a link) starts a fresh editor: no state carries over.
  return <ProcessEditor key={id} id={id ?? ''} />;
}

function ProcessEditor({ id }: { id: string }) {
  const { settings } = useSettings();
  const loaded = useApi<ApiProcess>(`/api/processes/${id}`);
  const statuses = useProcessStatuses();
  const costTypes = useCostTypes();
  const canWrite = useCan('process.write');
  const [state, dispatch] = useReducer(editorReducer, initialEditorState);
  /** A run size typed in the Cost section (not saved); null: the usual lot size. */
  const [runTyped, setRunTyped] = useState<string | null>(null);
  const { saved, draft, expanded, saving, saveError, problems, notice, statusBusy, statusError, announce } = state;
  const focusAfter = useRef<string | null>(null);
  const dragged = useRef<string | null>(null);

  usePageTitle(saved ? saved.name : 'Process');

  // The process as loaded becomes the draft (once; later answers come from saving).
  useEffect(() => {
    if (loaded.data) dispatch({ type: 'loaded', process: loaded.data });
  }, [loaded.data]);

  const dirty = isDirty(state);
  useLeaveWarning(dirty);

  const variantIds = useMemo(
    () => (draft ? draft.steps.flatMap((s) => [...s.lines, ...s.groups.flatMap((g) => g.alternatives)].map((l) => l.variant.variantId)) : []),
    [draft],
  );
  const { rates, error: ratesError } = useRates(variantIds);
  // The run costed: the size typed, else the usual lot size as edited, else as saved.
  const usualLotSize = draft ? (runSizeOf(draft.fields.lotSize) ?? saved?.lotSize ?? 1) : 1;
  const runSize = (runTyped !== null ? runSizeOf(runTyped) : null) ?? usualLotSize;
  const cost = useMemo(() => (draft ? costDraft(draft, rates, runSize) : null), [draft, rates, runSize]);

  const onMove = useCallback((stepKey: string, by: number) => {
    focusAfter.current = `${stepKey}-${by < 0 ? 'up' : 'down'}`;
    dispatch({ type: 'moveStep', stepKey, by });
  }, []);
  // After a move, focus stays on the button pressed (or its twin when that one is now disabled).
  useEffect(() => {
    const wanted = focusAfter.current;
    if (!wanted) return;
    focusAfter.current = null;
    const button = document.getElementById(wanted) as HTMLButtonElement | null;
    const twin = document.getElementById(
      wanted.endsWith('-up') ? wanted.replace(/-up$/, '-down') : wanted.replace(/-down$/, '-up'),
    ) as HTMLButtonElement | null;
    (button && !button.disabled ? button : twin)?.focus();
  }, [draft?.steps]);
  const onDragStart = useCallback((stepKey: string) => {
    dragged.current = stepKey;
  }, []);
  const onDropOn = useCallback((targetKey: string) => {
    const from = dragged.current;
    dragged.current = null;
    if (from) dispatch({ type: 'dropStep', stepKey: from, onto: targetKey });
  }, []);

  if (loaded.error !== undefined && !saved) {
    return (
      <>
        <p className="crumbs">
          <Link to="/processes">Processes</Link>
        </p>
        <h1>Process</h1>
        <ErrorAlert error={loaded.error} />
      </>
    );
  }
  if (!saved || !draft || !cost) return <Loading />;

  const deleted = saved.deletedAt !== null;
  const readOnly = deleted || !canWrite;
  const statusInfo = statuses?.find((x) => x.status === saved.status);

  async function save() {
    if (!draft || !saved) return;
    const found = problemsOf(draft);
    dispatch({ type: 'saveStarted', problems: found });
    if (found.length > 0) return;
    const sent = draft;
    let fieldsSaved = false;
    try {
      if (state.fieldsDirty) {
        const after = await api<ApiProcess>('PATCH', `/api/processes/${saved.processId}`, fieldsBody(sent.fields));
        fieldsSaved = true;
        dispatch({ type: 'fieldsSaved', process: after, sent });
      }
      if (state.structureDirty) {
        const after = await api<ApiProcess>('PUT', `/api/processes/${saved.processId}/structure`, structureBody(sent));
        dispatch({ type: 'structureSaved', process: after, sent });
      }
      dispatch({ type: 'saveDone', at: formatTime() });
    } catch (error) {
      dispatch({ type: 'saveFailed', error, fieldsSaved });
    }
  }

  async function move(a: ProcessAction) {
    if (!saved) return;
    if (a.confirm !== null && !window.confirm(a.confirm)) return;
    dispatch({ type: 'statusStarted', action: a.action });
    try {
      const after = await api<ApiProcess>('POST', `/api/processes/${saved.processId}/${a.action}`);
      const label = statuses?.find((x) => x.status === after.status)?.label ?? formatStatus(after.status);
      dispatch({ type: 'statusChanged', process: after, label });
    } catch (error) {
      dispatch({ type: 'statusFailed', error });
    }
  }

  const lineCount = variantIds.length;
  const bars = draft.steps.map((s, i) => ({
    key: s.key,
    label: `${i + 1}. ${s.customName.trim() || s.subprocessName}`,
    values: [toNumber(cost.steps[i]!.total.worst), toNumber(cost.steps[i]!.total.best)],
  }));

  return (
    <>
      <p className="crumbs">
        <Link to="/processes">Processes</Link>
      </p>
      <h1>
        {saved.name} <StatusBadge status={saved.status} />
      </h1>
      {deleted && (
        <p className="alert" role="alert">
          This process is deleted: it can be read and copied, not changed.
        </p>
      )}
      {!deleted && !canWrite && <p className="notice">You may read this process; your role does not change processes.</p>}

      {!readOnly && (
        <div className="savebar" role="region" aria-label="Saving">
          <p className="save-state" role="status">
            {saving ? 'Saving…' : dirty ? <strong>Unsaved changes</strong> : notice || 'All changes saved.'}
          </p>
          <button type="button" onClick={save} disabled={saving || !dirty}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="secondary" onClick={() => dispatch({ type: 'discard' })} disabled={saving || !dirty}>
            Discard changes
          </button>
          <p className="savebar-total" aria-hidden="true">
            Worst <strong>{show(cost.total.worst)}</strong> · Best <strong>{show(cost.total.best)}</strong> {perUnitAt(cost.runSize)}
          </p>
        </div>
      )}
      {problems.length > 0 && (
        <div className="alert" role="alert">
          <p>Put these right, then save again:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {saveError && <ActionError error={saveError.error} labels={LABELS} prefix={saveError.prefix} />}
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>

      <section>
        <h2>Details</h2>
        <fieldset className="plain" disabled={readOnly}>
          <div className="sp-form">
            <div className="field wide">
              <label htmlFor="process-name">Name</label>
              <input
                id="process-name"
                value={draft.fields.name}
                onChange={(e) => dispatch({ type: 'setField', field: 'name', value: e.target.value })}
                maxLength={200}
                autoComplete="off"
              />
            </div>
            <div className="field">
              <label htmlFor="process-class">Class</label>
              <input
                id="process-class"
                value={draft.fields.processClass}
                onChange={(e) => dispatch({ type: 'setField', field: 'processClass', value: e.target.value })}
                maxLength={50}
                autoComplete="off"
              />
            </div>
            <div className="field narrow">
              <label htmlFor="process-price">Sales price</label>
              <input
                id="process-price"
                value={draft.fields.salesPrice}
                onChange={(e) => dispatch({ type: 'setField', field: 'salesPrice', value: e.target.value })}
                inputMode="decimal"
                aria-invalid={draft.fields.salesPrice.trim() !== '' && !MONEY.test(draft.fields.salesPrice.trim())}
                autoComplete="off"
              />
            </div>
            <OutputFields variant={draft.fields.outputVariant} quantity={draft.fields.outputQuantity} dispatch={dispatch} readOnly={readOnly} />
            <div className="field narrow">
              <label htmlFor="process-lot-size">Usual lot size</label>
              <input
                id="process-lot-size"
                className="count"
                value={draft.fields.lotSize}
                onChange={(e) => dispatch({ type: 'setField', field: 'lotSize', value: e.target.value })}
                inputMode="numeric"
                aria-describedby="process-lot-size-help"
                aria-invalid={runSizeOf(draft.fields.lotSize) === null}
                autoComplete="off"
              />
              <p className="hint" id="process-lot-size-help">
                How many units a run usually makes: the margins are for a run of this size.
              </p>
            </div>
            <div className="field narrow">
              <label htmlFor="process-target-margin">Target margin (%)</label>
              <input
                id="process-target-margin"
                className="count"
                value={draft.fields.targetMargin}
                onChange={(e) => dispatch({ type: 'setField', field: 'targetMargin', value: e.target.value })}
                inputMode="decimal"
                placeholder={settings.targetMargin.replace(/\.00$/, '')}
                aria-describedby="process-target-margin-help"
                aria-invalid={draft.fields.targetMargin.trim() !== '' && !TARGET_MARGIN.test(draft.fields.targetMargin.trim())}
                autoComplete="off"
              />
              <p className="hint" id="process-target-margin-help">
                The worst-case margin it aims at; empty: the default ({settings.targetMargin}%, in Settings).
              </p>
            </div>
            <div className="field wide">
              <label htmlFor="process-description">Description</label>
              <textarea
                id="process-description"
                value={draft.fields.description}
                onChange={(e) => dispatch({ type: 'setField', field: 'description', value: e.target.value })}
                rows={2}
              />
            </div>
          </div>
        </fieldset>
      </section>

      <section>
        <h2>Status</h2>
        <p>
          This process is <StatusBadge status={saved.status} />. {statusInfo?.description}
        </p>
        {saved.actions.length > 0 && (
          <div className="row-actions">
            {saved.actions.map((a) => (
              <button key={a.action} type="button" className="secondary" onClick={() => move(a)} disabled={statusBusy !== null || dirty}>
                {statusBusy === a.action ? 'Changing…' : a.label}
              </button>
            ))}
          </div>
        )}
        {dirty && saved.actions.length > 0 && <p className="caption">Save or discard your changes first: a status applies to the saved process.</p>}
        {statusError !== undefined && <ActionError error={statusError} />}
      </section>

      <section>
        <h2>Cost</h2>
        <p className="caption">
          One unit’s share of a run, at today’s active supplier rates: worst case at each variant’s highest rate and each group’s dearest alternative, best case
          at the lowest. Updated as you edit.
        </p>
        <RunSizeField typed={runTyped} usual={runSizeOf(draft.fields.lotSize) ?? saved.lotSize} onChange={setRunTyped} />
        {ratesError !== undefined && <ActionError error={ratesError} prefix="The rates could not be fetched, so the figures are incomplete:" />}
        <CostSummary
          cost={cost}
          salesPrice={draft.fields.salesPrice}
          target={TARGET_MARGIN.test(draft.fields.targetMargin.trim()) ? draft.fields.targetMargin.trim() : settings.targetMargin}
          ownTarget={TARGET_MARGIN.test(draft.fields.targetMargin.trim())}
        />
        {draft.steps.length > 0 && (
          <BarChart
            label="Costs by subprocess"
            series={['Worst case', 'Best case']}
            bars={bars}
            format={(n) => formatMoney(n.toFixed(2))}
            note="Per unit (whatever the run size), each step’s lines, groups and cost items."
          />
        )}
      </section>

      <section>
        <h2>Steps</h2>
        {draft.steps.length === 0 ? (
          <p className="empty">{readOnly ? 'No steps.' : 'No steps yet: add the first from the library below.'}</p>
        ) : (
          <>
            <div className="steps-bar">
              <p className="caption">
                {readOnly
                  ? 'In the order they are done; open a step to see what it uses.'
                  : 'In the order they are done; open a step to change what it uses. Reorder with Move up / Move down, or drag a step by its handle.'}
              </p>
              <div className="row-actions">
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => dispatch({ type: 'setAllSteps', open: true })}
                  disabled={draft.steps.every((s) => expanded.has(s.key))}
                >
                  Expand all
                </button>
                <button type="button" className="secondary small" onClick={() => dispatch({ type: 'setAllSteps', open: false })} disabled={expanded.size === 0}>
                  Collapse all
                </button>
              </div>
            </div>
            <ol className={lineCount > 100 ? 'steps big' : 'steps'}>
              {draft.steps.map((s, i) => (
                <StepCard
                  key={s.key}
                  step={s}
                  index={i}
                  count={draft.steps.length}
                  cost={cost.steps[i]!}
                  rates={rates}
                  expanded={expanded.has(s.key)}
                  dispatch={dispatch}
                  onMove={onMove}
                  onDragStart={onDragStart}
                  onDropOn={onDropOn}
                  readOnly={readOnly}
                  costTypes={costTypes}
                />
              ))}
            </ol>
          </>
        )}
        {!readOnly && <AddStep onAdd={(s) => dispatch({ type: 'addStep', step: newStep(s) })} />}
      </section>

      <section>
        <h2>Additional costs</h2>
        <p className="caption">Costs of the whole process: per unit, or fixed per run (tooling, a setup).</p>
        <fieldset className="plain" disabled={readOnly}>
          <AdditionalCosts costs={draft.additionalCosts} dispatch={dispatch} readOnly={readOnly} />
        </fieldset>
      </section>
    </>
  );
}
