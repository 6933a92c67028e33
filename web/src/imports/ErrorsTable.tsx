import { useEffect, useRef, useState } from 'react';
import { query } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { Pager } from '../Pager.tsx';
import { useApi } from '../useApi.ts';
import { pageCount } from '../useSearchPage.ts';
import type { RowError } from './shapes.ts';

const PAGE_SIZE = 20;

/**
 * A job's rejected rows, one line per problem (row, field, message, the row as read), a page at
 * a time, and the whole list as a CSV download. Read again as more rows are rejected
 * (`failures` changes while the job runs).
 */
export function ErrorsTable({ jobId, failures, ended }: { jobId: number; failures: number; ended: boolean }) {
  const [page, setPage] = useState(1);
  const loaded = useApi<{ total: number; errors: RowError[] }>(`/api/imports/${jobId}/errors${query({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`);
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
  if (data.total === 0) return <p className="empty">{ended ? 'No row was rejected.' : 'No row rejected so far.'}</p>;
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
