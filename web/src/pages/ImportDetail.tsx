import { Link, useParams } from 'react-router';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime } from '../format.ts';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { ErrorsTable } from '../imports/ErrorsTable.tsx';
import { formatBytes } from '../imports/format.ts';
import { JobActions } from '../imports/JobActions.tsx';
import { JobProgress } from '../imports/JobProgress.tsx';
import { kindLabel, useImportKinds } from '../imports/kinds.ts';
import { PreviewTable } from '../imports/PreviewTable.tsx';
import { isWaiting } from '../imports/shapes.ts';
import type { ImportJobDetail, ImportPreview } from '../imports/shapes.ts';
import { useImportJob } from '../imports/useImportJob.ts';
import '../imports/imports.css';

const PREVIEW_ROWS = 20;

/**
 * One import job: a waiting job's preview; a running job's live progress (read every second);
 * at the end what came of it; and the rejected rows, a page at a time and as a CSV download.
 * The buttons (start, cancel) are the moves the API says the user may make on the job now.
 */
export default function ImportDetail() {
  const { id = '' } = useParams();
  const { job, error, update } = useImportJob(id);
  const { kinds } = useImportKinds();
  // Previewing a file is part of running imports: the API lets only those who may run them.
  const canPreview = useCan('imports.run');
  usePageTitle(job ? `Import ${job.id}` : 'Import');

  if (!job) {
    return (
      <>
        <p className="crumbs">
          <Link to="/imports">Imports</Link>
        </p>
        <h1>Import</h1>
        {error !== undefined ? (
          <>
            <ErrorAlert error={error} />
            <p>
              <Link to="/imports">Back to the imports</Link>
            </p>
          </>
        ) : (
          <Loading />
        )}
      </>
    );
  }

  const waiting = isWaiting(job);
  const ended = job.ended;
  // A job cancelled before it started has no progress to show.
  const started = !waiting && !(job.status === 'cancelled' && job.startedAt === null);
  return (
    <>
      <p className="crumbs">
        <Link to="/imports">Imports</Link>
      </p>
      <h1>
        Import {job.id}
        {job.fileName ? `: ${job.fileName}` : ''}
      </h1>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge import-status status-${job.status}`}>{job.statusLabel}</span>
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{kindLabel(kinds, job.kind)}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd>
            {job.fileName ?? '—'}
            {job.format ? ` (${job.format.toUpperCase()}${job.sizeBytes !== null ? `, ${formatBytes(job.sizeBytes)}` : ''})` : ''}
          </dd>
        </div>
        <div>
          <dt>Uploaded</dt>
          <dd>{formatDateTime(job.createdAt)}</dd>
        </div>
        {job.finishedAt && (
          <div>
            <dt>Finished</dt>
            <dd>{formatDateTime(job.finishedAt)}</dd>
          </div>
        )}
      </dl>
      {error !== undefined && <ErrorAlert error={error} />}
      {waiting && <Waiting job={job} canPreview={canPreview} onChange={update} />}
      {job.status === 'cancelled' && !started && (
        <p className="import-summary" role="status">
          Cancelled before it started: nothing was imported.
          {canPreview && (
            <>
              {' '}
              <Link to="/imports">Upload a file</Link>
            </>
          )}
        </p>
      )}
      {started && (
        <section aria-labelledby="progress-heading">
          <h2 id="progress-heading">Progress</h2>
          <JobProgress job={job} kinds={kinds} />
          {!ended && <JobActions job={job} onChange={update} />}
        </section>
      )}
      {started && (
        <section aria-labelledby="errors-heading">
          <h2 id="errors-heading">Rejected rows</h2>
          <ErrorsTable jobId={job.id} failures={job.failureCount} ended={ended} />
        </section>
      )}
    </>
  );
}

/** A job waiting to be started: its preview, and the moves the user may make (start, cancel). */
function Waiting({ job, canPreview, onChange }: { job: ImportJobDetail; canPreview: boolean; onChange: (job: ImportJobDetail) => void }) {
  const preview = useApi<ImportPreview>(canPreview ? `/api/imports/${job.id}/preview?rows=${PREVIEW_ROWS}` : null);
  // A start waits for the preview, and is held back when it shows the file cannot be imported.
  const importable = preview.data !== undefined && preview.data.problem === null;

  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      {!canPreview ? (
        <p className="empty">This file waits for someone who may run imports to preview and start it.</p>
      ) : preview.error !== undefined ? (
        <ErrorAlert error={preview.error} />
      ) : !preview.data ? (
        <Loading />
      ) : (
        <PreviewTable preview={preview.data} />
      )}
      {preview.data?.problem && (
        <p>
          Correct the file and <Link to="/imports">upload it again</Link>, or cancel this import.
        </p>
      )}
      <JobActions job={job} onChange={onChange} disabled={(a) => a.action === 'start' && !importable} />
    </section>
  );
}
