import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api.ts';
import { formatBytes } from './format.ts';
import type { ImportKindInfo } from './kinds.ts';
import { UPLOAD_LIMIT_BYTES, uploadImport } from './upload.ts';

const DELIMITERS = [
  { value: '', label: 'Detect' },
  { value: 'comma', label: 'Comma (,)' },
  { value: 'semicolon', label: 'Semicolon (;)' },
  { value: 'tab', label: 'Tab' },
  { value: 'pipe', label: 'Pipe (|)' },
];
const ENCODINGS = [
  { value: '', label: 'Detect' },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'windows-1252', label: 'Windows-1252' },
];

/** A refusal as the form shows it: the API's message, and for a file type it does not read, what to choose instead. */
function describe(error: unknown, file: File): { message: string; field?: string } {
  if (error instanceof ApiError) {
    if (error.status === 415)
      return { message: `${file.name} is not a file the import reads (the server says: ${error.message}): choose a CSV or XLSX file.`, field: 'file' };
    if (error.status === 413) return { message: error.message, field: 'file' };
    const field = error.field?.split('/').pop() ?? (typeof error.details.field === 'string' ? error.details.field : undefined);
    return field === undefined ? { message: error.message } : { message: error.message, field };
  }
  return { message: error instanceof Error ? error.message : 'The upload failed: try again.' };
}

/**
 * The upload of a file to import: its kind (with the columns it reads and the current data
 * as a CSV of that kind), the file, how to read it, and whether to start at once. The job
 * made waits to be previewed, on its own page, unless "start at once" was ticked. `kinds`: the
 * import kinds the page loaded (undefined while they load).
 */
export function UploadForm({ kinds }: { kinds: readonly ImportKindInfo[] | undefined }) {
  const navigate = useNavigate();
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [picked, setKind] = useState<string | null>(null);
  const [delimiter, setDelimiter] = useState('');
  const [encoding, setEncoding] = useState('');
  const [start, setStart] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [problem, setProblem] = useState<{ message: string; field?: string } | null>(null);
  // the first kind until one is picked
  const chosen = kinds?.find((k) => k.name === picked) ?? kinds?.[0];
  const kind = chosen?.name ?? '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setProblem({ message: 'Choose the file to import (CSV or XLSX) first.', field: 'file' });
      fileInput.current?.focus();
      return;
    }
    if (file.size > UPLOAD_LIMIT_BYTES) {
      setProblem({
        message: `${file.name} is ${formatBytes(file.size)}: the largest file the web app takes is ${formatBytes(UPLOAD_LIMIT_BYTES)}. Import it with mtc import FILE on the server, or split it.`,
        field: 'file',
      });
      return;
    }
    setProblem(null);
    setSent(0);
    try {
      const job = await uploadImport({ kind, file, start, ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}) }, setSent);
      navigate(`/imports/${job.id}`);
    } catch (error) {
      setProblem(describe(error, file));
      setSent(null);
    }
  };

  const busy = sent !== null;
  const fileId = `${ids}-file`;
  const errorId = `${ids}-error`;
  const fileInvalid = problem?.field === 'file';
  return (
    <form className="card import-upload" onSubmit={(e) => void submit(e)} noValidate aria-describedby={problem ? errorId : undefined}>
      <div className="import-field">
        <label htmlFor={`${ids}-kind`}>What the file holds</label>
        <select id={`${ids}-kind`} value={kind} onChange={(e) => setKind(e.target.value)} disabled={busy} aria-invalid={problem?.field === 'kind' || undefined}>
          {(kinds ?? []).map((k) => (
            <option key={k.name} value={k.name}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      <div className="import-kind-help" aria-live="polite">
        {chosen && (
          <>
            <p>
              <strong>Columns:</strong> {chosen.required.join(', ')} (required); {chosen.optional.join(', ')}. {chosen.about} Headers match whatever their case;
              an empty cell leaves the stored value as it is.
            </p>
            <p>
              <a href={`/api/exports/${chosen.name}.csv`} download={`${chosen.name}.csv`}>
                Download the current {chosen.label.toLowerCase()} as CSV
              </a>{' '}
              — in the columns this import reads, to edit and upload back.
            </p>
          </>
        )}
      </div>
      <div className="import-field">
        <label htmlFor={fileId}>File (CSV or XLSX, at most 200 MB)</label>
        <input
          id={fileId}
          ref={fileInput}
          type="file"
          accept=".csv,.tsv,.txt,.xlsx,text/csv,text/plain,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={busy}
          aria-invalid={fileInvalid || undefined}
          aria-describedby={fileInvalid ? errorId : undefined}
          onChange={() => setProblem(null)}
        />
      </div>
      <details className="import-reading">
        <summary>How to read the file (detected unless you say)</summary>
        <div className="import-reading-fields">
          <div className="import-field">
            <label htmlFor={`${ids}-delimiter`}>Delimiter</label>
            <select id={`${ids}-delimiter`} value={delimiter} onChange={(e) => setDelimiter(e.target.value)} disabled={busy}>
              {DELIMITERS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div className="import-field">
            <label htmlFor={`${ids}-encoding`}>Encoding</label>
            <select id={`${ids}-encoding`} value={encoding} onChange={(e) => setEncoding(e.target.value)} disabled={busy}>
              {ENCODINGS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </details>
      <div className="import-check">
        <input id={`${ids}-start`} type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} disabled={busy} />
        <label htmlFor={`${ids}-start`}>Start at once, without a preview</label>
      </div>
      {problem && (
        <p className="alert" role="alert" id={errorId}>
          {problem.message}
        </p>
      )}
      <div className="import-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Uploading…' : start ? 'Upload and start' : 'Upload and preview'}
        </button>
        {busy && (
          <>
            <label htmlFor={`${ids}-sent`} className="visually-hidden">
              Upload progress
            </label>
            <progress id={`${ids}-sent`} max={1} value={sent}>
              {Math.round(sent * 100)}%
            </progress>
            <span>{Math.round(sent * 100)}% sent</span>
          </>
        )}
      </div>
    </form>
  );
}
