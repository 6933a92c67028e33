// What every form of the app shares: an action that says it is running,
// that it worked, or the API's refusal, each field's sentence shown beside the field.
import { useCallback, useId, useState } from 'react';
import { ApiError } from './api.ts';
import type { FieldProblem } from './api.ts';

/** The form field a path names: its first part after the request part ("body/lines/2/quantity" → "lines"). */
const formField = (path: string) => path.replace(/^(body|querystring|params)\//, '').split('/')[0];

/** The field an API error named ("body/email" → "email"), if it named one. */
export function errorField(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  return formField(error.field);
}

/** What the API said of one form field: the sentences of every problem it named under it. */
export function fieldProblems(error: unknown, field: string): FieldProblem[] {
  return error instanceof ApiError ? error.fields.filter((f) => formField(f.path) === field) : [];
}

/** An action a button starts: busy while it runs, then its success message or its error. */
export interface Action {
  /** Unique on the page: the ids of the field sentences (FieldMessage) are made from it. */
  id: string;
  busy: boolean;
  error: unknown;
  done: string;
  /** Runs `work`; `success` (or what it makes of the result) is shown when it resolves. Resolves to whether it worked. */
  run<T>(work: () => Promise<T>, success: string | ((result: T) => string)): Promise<boolean>;
  clear(): void;
}

export function useAction(): Action {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');
  const run = useCallback(async <T,>(work: () => Promise<T>, success: string | ((result: T) => string)) => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      const result = await work();
      setDone(typeof success === 'string' ? success : success(result));
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(undefined);
    setDone('');
  }, []);
  return { id, busy, error, done, run, clear };
}

/**
 * The outcome of an action: the API's refusal in an alert, or the success in a status. A refusal
 * that names fields lists each by its label with its sentence (each is also beside its field,
 * FieldMessage); one that names none shows the API's message.
 */
export function Outcome({ action, labels = {} }: { action: Action; labels?: Record<string, string> }) {
  if (action.error !== undefined) {
    const err = action.error;
    const fields = err instanceof ApiError ? err.fields : [];
    const label = (f: FieldProblem) => {
      const top = formField(f.path) ?? '';
      return f.field === top ? (labels[top] ?? top) : `${labels[top] ?? top} (${f.field})`;
    };
    if (fields.length > 0)
      return (
        <div className="alert" role="alert">
          {fields.map((f) => (
            <p key={f.path}>
              <strong>{label(f)}: </strong>
              {f.message}
            </p>
          ))}
        </div>
      );
    const message = err instanceof Error ? err.message : 'Something went wrong: try again.';
    return (
      <p className="alert" role="alert">
        {message}
      </p>
    );
  }
  return (
    <p className="done" role="status">
      {action.done}
    </p>
  );
}

const upperFirst = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

const messageId = (action: Action, field: string) => `${action.id}-${field}-problem`;

/** What the API said is wrong with `field`, beside it: each sentence, or nothing while the field is fine. */
export function FieldMessage({ action, field }: { action: Action; field: string }) {
  const problems = fieldProblems(action.error, field);
  if (problems.length === 0) return null;
  return (
    <p className="field-problem" id={messageId(action, field)}>
      {upperFirst(problems.map((p) => (problems.length > 1 || p.field !== field ? `${p.field}: ${p.message}` : p.message)).join('; '))}
    </p>
  );
}

/**
 * A form's buttons: submit (saying it is busy while the action runs) and, when the form can be
 * closed, a secondary button that closes it (`cancelLabel`, "Cancel" unless told). With
 * `lockCancelWhileBusy` the form cannot be closed while it is saving.
 */
export function FormActions({
  busy,
  submitLabel,
  busyLabel,
  onCancel,
  cancelLabel = 'Cancel',
  lockCancelWhileBusy = false,
  wide = false,
}: {
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel?: () => void;
  cancelLabel?: string;
  lockCancelWhileBusy?: boolean;
  /** Across the whole width of a form grid. */
  wide?: boolean;
}) {
  return (
    <div className={wide ? 'actions wide' : 'actions'}>
      <button type="submit" disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="secondary" onClick={onCancel} disabled={lockCancelWhileBusy ? busy : undefined}>
          {cancelLabel}
        </button>
      )}
    </div>
  );
}

/**
 * The props that mark an input invalid when the action's error named its field, and point to
 * its sentence (FieldMessage); `describedBy`, the input's own description (a hint), is kept.
 */
export function invalidIf(action: Action, field: string, describedBy?: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  if (fieldProblems(action.error, field).length === 0) return describedBy ? { 'aria-describedby': describedBy } : {};
  return { 'aria-invalid': true, 'aria-describedby': [describedBy, messageId(action, field)].filter(Boolean).join(' ') };
}

/** A form's text as the API takes it: trimmed, and null when empty (to clear an optional field). */
export function orNull(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t;
}
