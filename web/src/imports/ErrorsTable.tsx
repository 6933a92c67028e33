import { useEffect, useRef } from 'react';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { Pager } from '../Pager.tsx';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';
import type { RowError } from './shapes.ts';

const PAGE_SIZE = 20;

/**
 * A job's rejected rows, one line per problem (row, field, message, the row as read), a page at
 * a time, and the whole list as a CSV download. Read again as more rows are rejected
 * (`failures` changes while the job runs).
 */
export function ErrorsTable({ jobId, failures, ended }: { jobId: number; failures: number; ended: boolean }) {
  // The page and a search (?q=: a field, message or value in the row) are kept in the address.
  const { q, typed, setTyped, page, setPage } = useSearchPage();
  const loaded = useApi<{ total: number; errors: RowError[] }>(`/api/imports/${jobId}/errors${query({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
  const { reload } = loaded;
  const seen = useRef({ failures, ended });
  useEffect(() => {
    if (seen.current.failures === failures && seen.current.ended === ended) return;
    seen.current = { failures, ended };
    reload();
  }, [failures, ended, reload]);
  // A reload keeps the rows shown until the new ones come (useApi), so a running job's table does not flicker.
  const data = loaded.data;

  if (loaded.error !== undefined) return <ErrorAlert error={loaded.error} />;
  if (!data) return <Loading />;
  if (data.total === 0 && !q && failures === 0) return <p className="empty">{ended ? 'No row was rejected.' : 'No row rejected so far.'}</p>;
  return (
    <>
      <div className="toolbar">
        <label htmlFor="row-error-search">Search rejected rows</label>
        <input
          id="row-error-search"
          type="search"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="field, message or a value in the row"
          autoComplete="off"
        />
      </div>
      {data.total === 0 ? <p className="empty">No rejected row matches “{q}”.</p> : <ErrorRows jobId={jobId} data={data} page={page} setPage={setPage} />}
    </>
  );
}

function ErrorRows({
  jobId,
  data,
  page,
  setPage,
}: {
  jobId: number;
  data: { total: number; errors: RowError[] };
  page: number;
  setPage: (page: number) => void;
}) {
  return (
    <>
      <p>
        <a href={`/api/imports/${jobId}/errors.csv`} download={`import-${jobId}-errors.csv`}>
          Download errors (CSV)
        </a>{' '}
        <span className="caption">— every rejected row with its problem and the row as read, to correct in a spreadsheet.</span>
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Rejected rows">
        <table className="row-errors-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Field</th>
              <th scope="col">Message</th>
              <th scope="col">The row as read</th>
            </tr>
          </thead>
          <tbody>
            {data.errors.map((e, i) => (
              <tr key={`${e.rowNumber}-${i}`}>
                <td className="num">{e.rowNumber}</td>
                <td>{e.field ?? '(the row)'}</td>
                <td>{e.message}</td>
                <td>
                  <code className="import-raw-row">{e.rawRow ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pageCount(data.total, PAGE_SIZE)} total={data.total} noun={['problem', 'problems']} onPage={setPage} />
    </>
  );
}
