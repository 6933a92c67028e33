import { useId } from 'react';
import { Link } from 'react-router';
import { formatCount, formatDuration, formatRate, formatSeconds } from './format.ts';
import type { ImportKindInfo } from './kinds.ts';
import type { ImportJobDetail } from './shapes.ts';

/**
 * A started job's progress: a bar of the rows processed out of the file's rows (indeterminate
 * until they are counted), the counters, the rate and the time left; once it has ended, what
 * came of it. `kinds`: the import kinds the page loaded (undefined while they load).
 */
export function JobProgress({ job, kinds }: { job: ImportJobDetail; kinds: readonly ImportKindInfo[] | undefined }) {
  const id = useId();
  const ended = job.ended;
  const counted = job.totalRows > 0;
  const queued = job.status === 'pending';
  const kind = kinds?.find((k) => k.name === job.kind);

  return (
    <>
      <div className="import-progress">
        <label htmlFor={`${id}-bar`}>Rows processed</label>
        {counted || ended ? (
          <progress id={`${id}-bar`} max={Math.max(job.totalRows, 1)} value={counted ? job.processedRows : 0} aria-describedby={`${id}-counters`}>
            {formatCount(job.processedRows)} of {formatCount(job.totalRows)}
          </progress>
        ) : (
          <progress id={`${id}-bar`} aria-describedby={`${id}-counters`}>
            {queued ? 'Waiting for a server' : 'Counting rows'}
          </progress>
        )}
      </div>
      <dl className="facts counters" id={`${id}-counters`}>
        <div>
          <dt>Processed</dt>
          <dd>
            {formatCount(job.processedRows)} of {counted ? formatCount(job.totalRows) : ended ? '0' : 'rows being counted'}
            {counted && ` (${Math.floor((job.processedRows / job.totalRows) * 100)}%)`}
          </dd>
        </div>
        <div>
          <dt>Imported</dt>
          <dd>{formatCount(job.successCount)}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd>{formatCount(job.failureCount)}</dd>
        </div>
        <div>
          <dt>Rows per second</dt>
          <dd>{job.rowsPerSecond === null ? '—' : formatRate(job.rowsPerSecond)}</dd>
        </div>
        {!ended && (
          <div>
            <dt>Time left</dt>
            <dd>{job.etaSeconds === null ? '—' : `about ${formatSeconds(job.etaSeconds)}`}</dd>
          </div>
        )}
      </dl>
      {!ended && (
        <p className="caption" role="status">
          {queued ? 'Queued: a server takes it up in a moment.' : 'Running: this page follows it every second; you can leave it and come back.'}
        </p>
      )}
      {ended && (
        <div className={job.status === 'failed' ? 'alert import-summary' : 'import-summary'} role={job.status === 'failed' ? 'alert' : 'status'}>
          <p>
            <strong>{job.statusLabel}</strong>
            {job.startedAt && job.finishedAt ? ` in ${formatDuration(job.startedAt, job.finishedAt)}` : ''}: {formatCount(job.successCount)} of{' '}
            {formatCount(job.totalRows)} rows imported, {formatCount(job.failureCount)} rejected
            {job.status === 'cancelled' && job.processedRows < job.totalRows ? `, ${formatCount(job.totalRows - job.processedRows)} not read` : ''}.
            {/* A failure or cancellation says why; "n of m rows rejected" would only repeat the counters. */}
            {job.message && (job.status === 'failed' || job.status === 'cancelled')
              ? ` ${job.message.charAt(0).toUpperCase()}${job.message.slice(1)}${/[.!?]$/.test(job.message) ? '' : '.'}`
              : ''}
          </p>
          {job.status === 'cancelled' && job.processedRows < job.totalRows && (
            <p>To finish it, import the same file again: the rows imported already are updated, never duplicated.</p>
          )}
          {kind && job.successCount > 0 && (
            <p>
              <Link to={kind.listPath}>See the {kind.listPath === '/items' ? 'items' : 'suppliers'}</Link>
              {job.failureCount > 0 ? '; correct the rejected rows below and import them again.' : '.'}
            </p>
          )}
        </div>
      )}
    </>
  );
}
