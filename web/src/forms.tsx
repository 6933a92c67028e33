// What every form of the app shares: an action that says it is running,
// that it worked, or the API's refusal with the field it named.
import { useCallback, useState } from 'react';
import { ApiError } from './api.ts';

/** The field an API error named ("body/email" → "email"), if it named one. */
export function errorField(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  return error.field.replace(/^body\//, '').split('/')[0];
}

/** An action a button starts: busy while it runs, then its success message or its error. */
export interface Action {
  busy: boolean;
  error: unknown;
  done: string;
  /** Runs `work`; `success` (or what it makes of the result) is shown when it resolves. Resolves to whether it worked. */
  run<T>(work: () => Promise<T>, success: string | ((result: T) => string)): Promise<boolean>;
  clear(): void;
}

export function useAction(): Action {
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
  return { busy, error, done, run, clear };
}

/** The outcome of an action: the API's message in an alert (naming the field, by its label, when the API named one), or the success in a status. */
export function Outcome({ action, labels = {} }: { action: Action; labels?: Record<string, string> }) {
  if (action.error !== undefined) {
    const err = action.error;
    const message = err instanceof Error ? err.message : 'Something went wrong: try again.';
    const field = errorField(err);
    return (
      <p className="alert" role="alert">
        {field && <strong>{labels[field] ?? field}: </strong>}
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

/** The props that mark an input invalid when the action's error named its field. */
export function invalidIf(action: Action, field: string): { 'aria-invalid'?: true } {
  return errorField(action.error) === field ? { 'aria-invalid': true } : {};
}

/** A form's text as the API takes it: trimmed, and null when empty (to clear an optional field). */
export function orNull(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t;
}
