import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime, formatStatus } from '../format.ts';
import { useSession } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { ConfirmButton } from '../imports/ConfirmButton.tsx';
import { ErrorsTable } from '../imports/ErrorsTable.tsx';
import { formatBytes } from '../imports/format.ts';
import { JobProgress } from '../imports/JobProgress.tsx';
import { kindLabel, useImportKinds } from '../imports/kinds.ts';
import { PreviewTable } from '../imports/PreviewTable.tsx';
import { hasEnded } from '../imports/shapes.ts';
import type { ImportJobDetail, ImportPreview } from '../imports/shapes.ts';
import { useImportJob } from '../imports/useImportJob.ts';
import '../imports/imports.css';

const PREVIEW_ROWS = 20;

/**
 * One import job: a waiting job's preview with Start and Cancel; a running job's live
 * progress (read every second) with Cancel; at the end what came of it; and the rejected rows,
 * a page at a time and as a CSV download.
 */
export default function ImportDetail() {
  const { id = '' } = useParams();
  const { job, error, update } = useImportJob(id);
  const { kinds } = useImportKinds();
  const { user } = useSession();
  const canRun = user?.role === 'admin' || user?.role === 'planner';
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

  const waiting = job.status === 'pending' && job.awaitingStart;
  const ended = hasEnded(job);
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
            <span className={`badge import-status status-${job.status}`}>{waiting ? 'Waiting for a start' : formatStatus(job.status)}</span>
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
      {waiting && <Waiting job={job} canRun={canRun} onChange={update} />}
      {job.status === 'cancelled' && !started && (
        <p className="import-summary" role="status">
          Cancelled before it started: nothing was imported. <Link to="/imports">Upload a file</Link>
        </p>
      )}
      {started && (
        <section aria-labelledby="progress-heading">
          <h2 id="progress-heading">Progress</h2>
          <JobProgress job={job} kinds={kinds} />
          {!ended && canRun && <JobActions job={job} onChange={update} />}
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

/** A job waiting to be started: its preview, and Start or Cancel. */
function Waiting({ job, canRun, onChange }: { job: ImportJobDetail; canRun: boolean; onChange: (job: ImportJobDetail) => void }) {
  const preview = useApi<ImportPreview>(canRun ? `/api/imports/${job.id}/preview?rows=${PREVIEW_ROWS}` : null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  const start = async () => {
    setStarting(true);
    setFailure(undefined);
    try {
      onChange(await api<ImportJobDetail>('POST', `/api/imports/${job.id}/start`));
    } catch (error) {
      setFailure(error);
      setStarting(false);
    }
  };
  const cancel = async () => {
    setFailure(undefined);
    try {
      onChange(await api<ImportJobDetail>('POST', `/api/imports/${job.id}/cancel`, { reason: 'not started after its preview' }));
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      {!canRun ? (
        <p className="empty">This file waits for someone with the admin or planner role to preview and start it.</p>
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
      {failure !== undefined && <ErrorAlert error={failure} />}
      {canRun && (
        <div className="import-actions">
          <button type="button" onClick={() => void start()} disabled={starting || !preview.data || preview.data.problem !== null}>
            {starting ? 'Starting…' : 'Start import'}
          </button>
          <ConfirmButton
            label="Cancel"
            question="Cancel this import? The file will not be imported."
            confirmLabel="Yes, cancel the import"
            busyLabel="Cancelling…"
            keepLabel="No, keep it"
            onConfirm={cancel}
          />
        </div>
      )}
    </section>
  );
}

/** Cancel for a job that runs or is queued, after asking. */
function JobActions({ job, onChange }: { job: ImportJobDetail; onChange: (job: ImportJobDetail) => void }) {
  const [failure, setFailure] = useState<unknown>(undefined);
  const cancel = async () => {
    setFailure(undefined);
    try {
      onChange(await api<ImportJobDetail>('POST', `/api/imports/${job.id}/cancel`, { reason: 'stopped from its page in the web app' }));
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <>
      {failure !== undefined && <ErrorAlert error={failure} />}
      <div className="import-actions">
        <ConfirmButton
          label="Cancel import"
          question="Stop this import? Rows already imported stay; the rest are not read."
          confirmLabel="Yes, stop it"
          busyLabel="Cancelling…"
          keepLabel="No, let it run"
          onConfirm={cancel}
        />
      </div>
    </>
  );
}
