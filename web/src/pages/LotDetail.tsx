import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../api.ts';
import { BarChart } from '../Chart.tsx';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatMoney, formatQuantity, formatStatus } from '../format.ts';
import { FieldError } from '../lots/FieldError.tsx';
import { GroupChooser } from '../lots/GroupChooser.tsx';
import { useVariantFacts } from '../lots/facts.ts';
import { groupsOf } from '../lots/needs.ts';
import { canPlan, canRun } from '../lots/roles.ts';
import { StatusBadge } from '../lots/StatusBadge.tsx';
import { StockTable } from '../lots/StockTable.tsx';
import type { Lot, LotStatus, ProcessTree, StockCheck } from '../lots/types.ts';
import '../lots/lots.css';
import { useSession } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';

type Action = 'ready' | 'start' | 'complete' | 'fail' | 'cancel';

/** The moves a person makes, as the API's transition table (src/app/lots/status.ts) allows them, and who may make them. */
const ACTIONS: readonly {
  action: Action;
  from: readonly LotStatus[];
  plan: boolean;
  label: string;
  running: string;
  done: string;
  reason?: { label: string; submit: string };
}[] = [
  { action: 'ready', from: ['planning'], plan: true, label: 'Mark ready', running: 'Marking ready…', done: 'marked ready' },
  { action: 'start', from: ['ready'], plan: false, label: 'Start', running: 'Starting…', done: 'started' },
  {
    action: 'complete',
    from: ['in_progress'],
    plan: false,
    label: 'Complete',
    running: 'Completing…',
    done: 'completed: its stock was consumed and its actual cost recorded',
  },
  {
    action: 'fail',
    from: ['in_progress'],
    plan: false,
    label: 'Fail…',
    running: 'Marking failed…',
    done: 'marked failed',
    reason: { label: 'Why did this lot fail?', submit: 'Mark failed' },
  },
  {
    action: 'cancel',
    from: ['planning', 'ready', 'in_progress'],
    plan: true,
    label: 'Cancel lot…',
    running: 'Cancelling…',
    done: 'cancelled',
    reason: { label: 'Why cancel this lot?', submit: 'Cancel the lot' },
  },
];
const FINAL: readonly LotStatus[] = ['completed', 'failed', 'cancelled'];
const EDITABLE: readonly LotStatus[] = ['planning', 'ready'];

/**
 * One production lot: what it makes, its status and the moves its status allows, its
 * substitute choices (changeable while planning or ready), the stock check, the estimate
 * against the actual cost, and its history.
 */
export default function LotDetail() {
  const { id = '' } = useParams();
  const location = useLocation();
  const created = (location.state as { created?: string } | null)?.created;
  const lot = useApi<Lot>(`/api/lots/${encodeURIComponent(id)}`);
  const final = lot.data ? FINAL.includes(lot.data.status) : true;
  const check = useApi<StockCheck>(lot.data && !final ? `/api/lots/${encodeURIComponent(id)}/stock-check` : null);
  const [notice, setNotice] = useState<string | null>(created ? `Lot ${created} created, in planning.` : null);
  usePageTitle(lot.data ? `Lot ${lot.data.lotNumber}` : 'Lot');
  // After a change the button that made it may be gone: focus goes to what happened.
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (changes > 0) noticeRef.current?.focus();
  }, [changes]);

  const changed = (message: string) => {
    setNotice(message);
    setChanges((n) => n + 1);
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
      </dl>
      {l.notes && <p className="description">Notes: {l.notes}</p>}
      {l.statusReason && (l.status === 'failed' || l.status === 'cancelled') && (
        <p>
          {formatStatus(l.status)} because: {l.statusReason}
        </p>
      )}
      {notice && (
        <p className="success" role="status" ref={noticeRef} tabIndex={-1}>
          {notice}
        </p>
      )}

      <StatusActions lot={l} onChanged={changed} />
      <Selections lot={l} onChanged={changed} />

      <section>
        <h2>Stock check</h2>
        {l.status === 'completed' ? (
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

/** The transitions the lot's status allows and the user may make, as buttons; fail and cancel ask why first. */
function StatusActions({ lot, onChanged }: { lot: Lot; onChanged: (message: string) => void }) {
  const { user } = useSession();
  const [running, setRunning] = useState<Action | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(undefined);
  const allowed = ACTIONS.filter((a) => a.from.includes(lot.status));
  const mine = allowed.filter((a) => (a.plan ? canPlan(user) : canRun(user)));
  const asked = ACTIONS.find((a) => a.action === asking);

  async function run(action: Action, body?: { reason: string }) {
    setRunning(action);
    setFailure(undefined);
    try {
      await api<Lot>('POST', `/api/lots/${lot.lotId}/${action}`, body);
      setAsking(null);
      setReason('');
      onChanged(`Lot ${lot.lotNumber} ${ACTIONS.find((a) => a.action === action)!.done}.`);
    } catch (error) {
      setFailure(error);
    } finally {
      setRunning(null);
    }
  }

  const submitReason = (e: FormEvent) => {
    e.preventDefault();
    if (asking) void run(asking, { reason });
  };

  return (
    <section>
      <h2>Status</h2>
      {allowed.length === 0 ? (
        <p className="caption">This lot is {formatStatus(lot.status).toLowerCase()}, which is final: nothing more can happen to it.</p>
      ) : mine.length === 0 ? (
        <p className="caption">
          This lot can be {allowed.map((a) => a.done.split(':')[0]).join(' or ')}, but your role ({user?.role}) may not do that.
        </p>
      ) : (
        <div className="lot-actions">
          {mine.map((a) => (
            <button
              key={a.action}
              type="button"
              className={a.reason ? 'secondary' : undefined}
              disabled={running !== null}
              aria-expanded={a.reason ? asking === a.action : undefined}
              onClick={() => {
                setFailure(undefined);
                if (a.reason) setAsking(asking === a.action ? null : a.action);
                else void run(a.action);
              }}
            >
              {running === a.action ? a.running : a.label}
            </button>
          ))}
        </div>
      )}
      {asked?.reason && (
        <form className="reason-form" onSubmit={submitReason} noValidate>
          <label htmlFor="lot-reason">{asked.reason.label}</label>
          <textarea id="lot-reason" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} required />
          <div className="wizard-buttons">
            <button type="submit" disabled={running !== null}>
              {running === asked.action ? asked.running : asked.reason.submit}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(null)} disabled={running !== null}>
              Keep it as it is
            </button>
          </div>
        </form>
      )}
      {failure !== undefined && <FieldError error={failure} />}
    </section>
  );
}

/** The lot's substitute choices and the groups still to choose; changeable while planning or ready. */
function Selections({ lot, onChanged }: { lot: Lot; onChanged: (message: string) => void }) {
  const { user } = useSession();
  const editable = EDITABLE.includes(lot.status) && canPlan(user);
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
      onChanged(`Substitutes saved.${lot.status === 'ready' && after.status === 'planning' ? ' The lot is back in planning: mark it ready again.' : ''}`);
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
      onChanged(`The choice for ${name} was cleared.${lot.status === 'ready' && after.status === 'planning' ? ' The lot is back in planning.' : ''}`);
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
              {lot.status === 'ready' && <span className="caption"> Changing a choice returns a ready lot to planning.</span>}
            </p>
          )}
          {!EDITABLE.includes(lot.status) && (
            <p className="caption">
              The choices are fixed once a lot is {lot.status === 'in_progress' ? 'in progress' : formatStatus(lot.status).toLowerCase()}.
            </p>
          )}
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
                {lot.status === 'ready' && <p className="caption">Saving a changed choice returns this ready lot to planning: mark it ready again after.</p>}
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
          <dd>{lot.actualCost ? formatMoney(lot.actualCost) : lot.status === 'completed' ? '—' : 'known once completed'}</dd>
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
      {lot.actual && !lot.actual.complete && <p className="caption">The actual cost is a lower bound: some variants had no current rate at completion.</p>}
      {lot.estimate && (
        <p className="caption">
          Estimated at the rates of {lot.estimate.ratesAt}
          {lot.actual ? `; the actual cost at the rates of ${lot.actual.ratesAt}` : ''}.
        </p>
      )}
      {lot.actualCost && <BarChart label="Estimate against actual cost" series={['Cost']} bars={bars} format={money} />}
    </section>
  );
}
