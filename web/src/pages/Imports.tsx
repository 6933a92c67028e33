import { useEffect } from 'react';
import { Link } from 'react-router';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime } from '../format.ts';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';
import { formatCount } from '../imports/format.ts';
import { kindLabel, useImportKinds } from '../imports/kinds.ts';
import { isActive } from '../imports/shapes.ts';
import type { ImportJobDetail, ImportStatusInfo } from '../imports/shapes.ts';
import { UploadForm } from '../imports/UploadForm.tsx';
import '../imports/imports.css';

const PAGE_SIZE = 20;
/** How often the list is read again while a job on it runs. */
const REFRESH_MS = 2000;

/**
 * Imports: the upload of a file to import (for those who may run imports), and the jobs,
 * newest first, by status and kind, a page at a time; the address keeps the filters and page.
 */
export default function Imports() {
  usePageTitle('Imports');
  const { kinds } = useImportKinds();
  const canRun = useCan('imports.run');
  const statuses = useApi<{ statuses: ImportStatusInfo[] }>('/api/imports/statuses').data?.statuses;
  const { q, typed, setTyped, page, setPage, filter, setFilter } = useSearchPage();
  const status = filter('status');
  const kind = filter('kind');
  const loaded = useApi<{ total: number; jobs: ImportJobDetail[] }>(
    `/api/imports${query({ q, status, kind, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
  );
  const running = loaded.data?.jobs.some(isActive) ?? false;
  const { reload } = loaded;
  // While a job on the page runs, its counters move: read the page again every few seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  const filtered = q !== '' || status !== '' || kind !== '';

  return (
    <>
      <h1>Imports</h1>
      <section aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload a file</h2>
        {canRun ? (
          <UploadForm kinds={kinds} />
        ) : (
          <p className="empty">Importing needs the permission to run imports: ask an administrator. You can follow the imports below.</p>
        )}
      </section>
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">Imports so far</h2>
        <div className="toolbar">
          <label htmlFor="import-search">Search imports</label>
          <input
            id="import-search"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="file name or message"
            autoComplete="off"
          />
          <label htmlFor="import-status">Status</label>
          <select id="import-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {(statuses ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
          <label htmlFor="import-kind">Kind</label>
          <select id="import-kind" value={kind} onChange={(e) => setFilter('kind', e.target.value)}>
            <option value="">Any kind</option>
            {(kinds ?? []).map((k) => (
              <option key={k.name} value={k.name}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        {loaded.error !== undefined ? (
          <ErrorAlert error={loaded.error} />
        ) : !loaded.data ? (
          <Loading />
        ) : loaded.data.jobs.length === 0 ? (
          <p className="empty">
            {filtered
              ? 'No import matches these filters. '
              : page > 1
                ? 'This page is past the last import. '
                : canRun
                  ? 'No imports yet: upload a file above to import it.'
                  : 'No imports yet.'}
            {(filtered || page > 1) && <Link to="/imports">Show all imports</Link>}
          </p>
        ) : (
          <>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Import</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Rows
                    </th>
                    <th scope="col" className="num">
                      Imported
                    </th>
                    <th scope="col" className="num">
                      Rejected
                    </th>
                    <th scope="col">Uploaded</th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.data.jobs.map((job) => (
                    <tr key={job.id}>
                      <td>
                        <Link to={`/imports/${job.id}`}>
                          {job.id}: {job.fileName ?? 'file'}
                        </Link>
                      </td>
                      <td>{kindLabel(kinds, job.kind)}</td>
                      <td>
                        <span className={`badge import-status status-${job.status}`}>{job.statusLabel}</span>
                      </td>
                      <td className="num">{job.totalRows > 0 ? `${formatCount(job.processedRows)} of ${formatCount(job.totalRows)}` : '—'}</td>
                      <td className="num">{formatCount(job.successCount)}</td>
                      <td className="num">{formatCount(job.failureCount)}</td>
                      <td>{formatDateTime(job.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pages={pageCount(loaded.data.total, PAGE_SIZE)} total={loaded.data.total} noun={['import', 'imports']} onPage={setPage} />
          </>
        )}
      </section>
    </>
  );
}
