import { useState } from 'react';
import { api } from '../api.ts';
import { ErrorAlert } from '../feedback.tsx';
import { ConfirmButton } from '../ConfirmButton.tsx';
import type { ImportJobDetail, JobAction } from './shapes.ts';

/**
 * The moves the signed-in user may make on a job, exactly as the API offers them (`job.actions`):
 * one button each, labelled by the API; a move with a `confirm` sentence asks it first, a move
 * that needs a reason asks for one. `disabled` holds a move back for a reason of the page (a
 * start while its preview shows the file cannot be imported). Nothing shows when there is none.
 */
export function JobActions({
  job,
  onChange,
  disabled,
}: {
  job: ImportJobDetail;
  onChange: (job: ImportJobDetail) => void;
  disabled?: (action: JobAction) => boolean;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [reason, setReason] = useState('');
  if (job.actions.length === 0) return null;

  const make = async (a: JobAction) => {
    setBusy(a.action);
    setFailure(undefined);
    try {
      onChange(await api<ImportJobDetail>('POST', `/api/imports/${job.id}/${a.action}`, a.needsReason ? { reason } : undefined));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };
  const asksReason = job.actions.some((a) => a.needsReason);

  return (
    <>
      {failure !== undefined && <ErrorAlert error={failure} />}
      <div className="import-actions">
        {asksReason && (
          <label>
            Reason <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          </label>
        )}
        {job.actions.map((a) => {
          const off = busy !== null || disabled?.(a) === true || (a.needsReason && reason.trim() === '');
          return a.confirm !== null ? (
            <ConfirmButton
              key={a.action}
              label={a.label}
              question={inNumbers(a.confirm, a, job)}
              confirmLabel={`Yes, ${a.label.charAt(0).toLowerCase()}${a.label.slice(1)}`}
              busyLabel="Working…"
              keepLabel="No, go back"
              disabled={off}
              onConfirm={() => make(a)}
            />
          ) : (
            <button key={a.action} type="button" disabled={off} onClick={() => void make(a)}>
              {busy === a.action ? 'Working…' : a.label}
            </button>
          );
        })}
      </div>
    </>
  );
}

/**
 * The API's sentence to confirm `a`, with what cancelling leaves undone in numbers: how many
 * of the file's rows are imported already and how many are left unprocessed.
 */
function inNumbers(confirm: string, a: JobAction, job: ImportJobDetail): string {
  if (a.to !== 'cancelled') return confirm;
  if (job.totalRows === 0) return `${confirm} Nothing of the file has been imported yet.`;
  const left = Math.max(job.totalRows - job.processedRows, 0);
  return `${confirm} ${job.processedRows} of its ${job.totalRows} rows are processed; ${left} ${left === 1 ? 'row is' : 'rows are'} left unprocessed.`;
}
