import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatMoney } from '../format.ts';
import { FormActions } from '../forms.tsx';
import { Pager } from '../Pager.tsx';
import type { ApiProcess, ProcessSummary } from '../processes/model.ts';
import { MONEY } from '../processes/model.ts';
import { ActionError, StatusBadge, useProcessStatuses } from '../processes/ui.tsx';
import { useCan } from '../session.tsx';
import '../processes/processes.css';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;
const LABELS = { name: 'Name', processClass: 'Class', salesPrice: 'Sales price', description: 'Description' };

/** "New process": a name (and class, sales price) makes a draft, and its editor opens. */
function NewProcess() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [processClass, setProcessClass] = useState('');
  const [salesPrice, setSalesPrice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === '') return setError(new Error('Name: give the process a name, e.g. “Sparrow 12 Kids Bicycle”.'));
    if (salesPrice.trim() !== '' && !MONEY.test(salesPrice.trim()))
      return setError(new Error('Sales price: enter an amount such as 4500 or 4500.50, or leave it empty.'));
    setBusy(true);
    setError(undefined);
    try {
      const made = await api<ApiProcess>('POST', '/api/processes', {
        name: name.trim(),
        ...(processClass.trim() ? { processClass: processClass.trim() } : {}),
        ...(salesPrice.trim() ? { salesPrice: salesPrice.trim() } : {}),
      });
      navigate(`/processes/${made.processId}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <section className="card">
      <h2>New process</h2>
      <form className="sp-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="new-process-name">Name</label>
          <input id="new-process-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="new-process-class">Class</label>
          <input id="new-process-class" value={processClass} onChange={(e) => setProcessClass(e.target.value)} maxLength={50} autoComplete="off" />
        </div>
        <div className="field narrow">
          <label htmlFor="new-process-price">Sales price</label>
          <input id="new-process-price" value={salesPrice} onChange={(e) => setSalesPrice(e.target.value)} inputMode="decimal" autoComplete="off" />
        </div>
        <FormActions busy={busy} submitLabel="Create draft" busyLabel="Creating…" />
        <p className="caption wide">A new process starts as a draft; its editor opens to add its steps.</p>
        {error !== undefined && (
          <div className="wide">
            <ActionError error={error} labels={LABELS} />
          </div>
        )}
      </form>
    </section>
  );
}

/** One process's row, with Copy for a caller who may write processes (asks for the copy's name in the row, then opens the copy). */
function Row({ p, canWrite }: { p: ProcessSummary; canWrite: boolean }) {
  const navigate = useNavigate();
  const [copying, setCopying] = useState(false);
  const [name, setName] = useState(`${p.name} (copy)`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  async function copy(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const made = await api<ApiProcess>('POST', `/api/processes/${p.processId}/copy`, { name: name.trim() });
      navigate(`/processes/${made.processId}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  const id = `copy-${p.processId}`;
  return (
    <tr>
      <th scope="row">
        <Link to={`/processes/${p.processId}`}>{p.name}</Link>
        {p.description && <div className="caption">{p.description}</div>}
      </th>
      <td>{p.processClass ?? '—'}</td>
      <td>
        <StatusBadge status={p.status} />
      </td>
      <td className="num">{p.stepCount}</td>
      <td className="num">{p.salesPrice === null ? '—' : formatMoney(p.salesPrice)}</td>
      <td>{formatDateTime(p.updatedAt)}</td>
      {canWrite && (
        <td>
          {copying ? (
            <form className="row-actions" onSubmit={copy}>
              <label htmlFor={id}>Name of the copy</label>
              <input id={id} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="off" />
              <button type="submit" disabled={busy}>
                {busy ? 'Copying…' : 'Copy'}
              </button>
              <button type="button" className="secondary" onClick={() => setCopying(false)} disabled={busy}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" className="secondary" onClick={() => setCopying(true)} aria-label={`Copy ${p.name}`}>
              Copy
            </button>
          )}
          {error !== undefined && <ActionError error={error} labels={{ name: 'Name of the copy' }} />}
        </td>
      )}
    </tr>
  );
}

/** The processes: searched, filtered by status (the API's list), a page at a time; a new one opens in its editor. */
export default function Processes() {
  usePageTitle('Processes');
  const canWrite = useCan('process.write');
  const statuses = useProcessStatuses();
  const { q, page, typed, setTyped, setPage, filter, setFilter } = useSearchPage();
  const status = filter('status');
  const subprocessId = filter('subprocessId');
  const loaded = useApi<{ total: number; processes: ProcessSummary[] }>(
    `/api/processes${query({ q, status, subprocessId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );
  const pages = pageCount(loaded.data?.total ?? 0, PAGE_SIZE);
  const filtered = q || status || subprocessId || page > 1;

  return (
    <>
      <h1>Processes</h1>
      {canWrite && <NewProcess />}
      <section>
        <h2>All processes</h2>
        <div className="toolbar">
          <label htmlFor="process-search">Search processes</label>
          <input id="process-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="part of the name" autoComplete="off" />
          <label htmlFor="process-status">Status</label>
          <select id="process-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any</option>
            {statuses?.map((x) => (
              <option key={x.status} value={x.status}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        {subprocessId && (
          <p className="caption">
            Showing the processes with a step of subprocess {subprocessId}.{' '}
            <button type="button" className="link" onClick={() => setFilter('subprocessId', '')}>
              Show every process
            </button>
          </p>
        )}
        {loaded.error !== undefined ? (
          <ErrorAlert error={loaded.error} />
        ) : !loaded.data ? (
          <Loading />
        ) : loaded.data.processes.length === 0 ? (
          <p className="empty">
            {filtered ? 'No process matches. ' : canWrite ? 'No processes yet: create one above.' : 'No processes yet.'}
            {filtered && <Link to="/processes">Show all processes</Link>}
          </p>
        ) : (
          <>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Class</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Steps
                    </th>
                    <th scope="col" className="num">
                      Sales price
                    </th>
                    <th scope="col">Updated</th>
                    {canWrite && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {loaded.data.processes.map((p) => (
                    <Row key={p.processId} p={p} canWrite={canWrite} />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pages={pages} total={loaded.data.total} noun={['process', 'processes']} onPage={setPage} />
          </>
        )}
      </section>
    </>
  );
}
