import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatMoney } from '../format.ts';
import { FormActions } from '../forms.tsx';
import { Pager } from '../Pager.tsx';
import type { Subprocess } from '../processes/model.ts';
import { MONEY } from '../processes/model.ts';
import { ActionError } from '../processes/ui.tsx';
import '../processes/processes.css';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;
const LABELS = { name: 'Name', category: 'Category', estimatedTimeMinutes: 'Time (minutes)', labourCost: 'Labour cost', description: 'Description' };

interface Fields {
  name: string;
  category: string;
  estimatedTimeMinutes: string;
  labourCost: string;
  description: string;
}
const EMPTY: Fields = { name: '', category: '', estimatedTimeMinutes: '0', labourCost: '0', description: '' };
const fieldsOf = (s: Subprocess): Fields => ({
  name: s.name,
  category: s.category ?? '',
  estimatedTimeMinutes: String(s.estimatedTimeMinutes),
  labourCost: s.labourCost,
  description: s.description ?? '',
});

/** The form of a subprocess, new or changed: checks what the browser can, then the API has the last word. */
function SubprocessForm({
  id,
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
}: {
  id: string;
  initial: Fields;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
}) {
  const [f, setF] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const set = (k: keyof Fields) => (e: { target: { value: string } }) => setF((prev) => ({ ...prev, [k]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const minutes = f.estimatedTimeMinutes.trim() === '' ? 0 : Number(f.estimatedTimeMinutes);
    if (f.name.trim() === '') return setError(new Error('Name: give the subprocess a name, e.g. “Frame Painting”.'));
    if (!Number.isInteger(minutes) || minutes < 0) return setError(new Error('Time (minutes): enter a whole number of minutes, 0 or more.'));
    if (!MONEY.test(f.labourCost.trim() || '0')) return setError(new Error('Labour cost: enter an amount such as 120 or 120.50.'));
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        name: f.name.trim(),
        category: f.category.trim() || null,
        estimatedTimeMinutes: minutes,
        labourCost: f.labourCost.trim() || '0',
        description: f.description.trim() || null,
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sp-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={f.name} onChange={set('name')} maxLength={200} required autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-category`}>Category</label>
        <input id={`${id}-category`} value={f.category} onChange={set('category')} maxLength={100} autoComplete="off" />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-minutes`}>Time (minutes)</label>
        <input id={`${id}-minutes`} value={f.estimatedTimeMinutes} onChange={set('estimatedTimeMinutes')} inputMode="numeric" />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-labour`}>Labour cost</label>
        <input id={`${id}-labour`} value={f.labourCost} onChange={set('labourCost')} inputMode="decimal" aria-describedby={`${id}-labour-hint`} />
      </div>
      <div className="field wide">
        <label htmlFor={`${id}-description`}>Description</label>
        <input id={`${id}-description`} value={f.description} onChange={set('description')} maxLength={10_000} autoComplete="off" />
      </div>
      <p className="caption wide" id={`${id}-labour-hint`}>
        The labour cost is proposed as a labour cost item when the subprocess is added to a process.
      </p>
      {error !== undefined && (
        <div className="wide">
          <ActionError error={error} labels={LABELS} />
        </div>
      )}
      <FormActions busy={busy} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} lockCancelWhileBusy wide />
    </form>
  );
}

/** One subprocess's row: its figures, and for a caller who may write processes Edit / Delete (Delete asks first, in the row). */
function Row({ s, canWrite, onEdit, onDeleted }: { s: Subprocess; canWrite: boolean; onEdit: () => void; onDeleted: (name: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  async function remove() {
    setBusy(true);
    setError(undefined);
    try {
      await api('DELETE', `/api/subprocesses/${s.subprocessId}`);
      onDeleted(s.name);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <tr>
      <th scope="row">
        {s.name}
        {s.description && <div className="caption">{s.description}</div>}
      </th>
      <td>{s.category ?? '—'}</td>
      <td className="num">{s.estimatedTimeMinutes} min</td>
      <td className="num">{formatMoney(s.labourCost)}</td>
      <td className="num">{s.processCount > 0 ? <Link to={`/processes?subprocessId=${s.subprocessId}`}>{s.processCount}</Link> : 0}</td>
      {canWrite && (
        <td>
          {confirming ? (
            <div className="row-actions" role="group" aria-label={`Delete ${s.name}?`}>
              <span>
                Delete “{s.name}”?
                {s.processCount > 0
                  ? ` ${s.processCount} process${s.processCount === 1 ? '' : 'es'} use it: their steps stay, but it can no longer be added.`
                  : ''}
              </span>
              <button type="button" onClick={remove} disabled={busy}>
                {busy ? 'Deleting…' : 'Delete it'}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
                Keep it
              </button>
            </div>
          ) : (
            <div className="row-actions">
              <button type="button" className="secondary" onClick={onEdit} aria-label={`Edit ${s.name}`}>
                Edit
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Delete ${s.name}`}>
                Delete
              </button>
            </div>
          )}
          {error !== undefined && <ActionError error={error} />}
        </td>
      )}
    </tr>
  );
}

/** The subprocess library: searched and a page at a time; add, change and delete subprocesses (with process.write). */
export default function Subprocesses() {
  usePageTitle('Subprocesses');
  const canWrite = useCan('process.write');
  const { q, page, typed, setTyped, setPage } = useSearchPage();
  const loaded = useApi<{ total: number; subprocesses: Subprocess[] }>(`/api/subprocesses${query({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  const pages = pageCount(loaded.data?.total ?? 0, PAGE_SIZE);
  const [editing, setEditing] = useState<Subprocess | null>(null);
  const [done, setDone] = useState('');
  const [formKey, setFormKey] = useState(0);

  return (
    <>
      <h1>Subprocesses</h1>
      <p className="caption">The library of steps a process is built from. A process’s steps are added from here in the process editor.</p>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {!canWrite ? null : editing ? (
        <section className="card" key={`edit-${editing.subprocessId}`}>
          <h2>Edit “{editing.name}”</h2>
          <SubprocessForm
            id="edit"
            initial={fieldsOf(editing)}
            submitLabel="Save changes"
            busyLabel="Saving…"
            onCancel={() => setEditing(null)}
            onSubmit={async (body) => {
              const saved = await api<Subprocess>('PATCH', `/api/subprocesses/${editing.subprocessId}`, body);
              setEditing(null);
              setDone(`Saved “${saved.name}”.`);
              loaded.reload();
            }}
          />
        </section>
      ) : (
        <section className="card">
          <h2>Add a subprocess</h2>
          <SubprocessForm
            key={formKey}
            id="new"
            initial={EMPTY}
            submitLabel="Add subprocess"
            busyLabel="Adding…"
            onSubmit={async (body) => {
              const made = await api<Subprocess>('POST', '/api/subprocesses', body);
              setDone(`Added “${made.name}” to the library.`);
              setFormKey((k) => k + 1);
              loaded.reload();
            }}
          />
        </section>
      )}
      <section>
        <h2>Library</h2>
        <div className="toolbar">
          <label htmlFor="subprocess-search">Search subprocesses</label>
          <input
            id="subprocess-search"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="part of the name"
            autoComplete="off"
          />
        </div>
        {loaded.error !== undefined ? (
          <ErrorAlert error={loaded.error} />
        ) : !loaded.data ? (
          <Loading />
        ) : loaded.data.subprocesses.length === 0 ? (
          <p className="empty">
            {q
              ? `No subprocess matches “${q}”. `
              : page > 1
                ? 'This page is past the last subprocess. '
                : canWrite
                  ? 'The library is empty: add a subprocess above.'
                  : 'The library is empty.'}
            {(q || page > 1) && <Link to="/subprocesses">Show all subprocesses</Link>}
          </p>
        ) : (
          <>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Category</th>
                    <th scope="col" className="num">
                      Time
                    </th>
                    <th scope="col" className="num">
                      Labour cost
                    </th>
                    <th scope="col" className="num">
                      Processes
                    </th>
                    {canWrite && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {loaded.data.subprocesses.map((s) => (
                    <Row
                      key={s.subprocessId}
                      s={s}
                      canWrite={canWrite}
                      onEdit={() => {
                        setDone('');
                        setEditing(s);
                      }}
                      onDeleted={(name) => {
                        setDone(`Deleted “${name}” from the library.`);
                        loaded.reload();
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pages={pages} total={loaded.data.total} noun={['subprocess', 'subprocesses']} onPage={setPage} />
          </>
        )}
      </section>
    </>
  );
}
