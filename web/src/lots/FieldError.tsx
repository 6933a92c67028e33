import { ApiError, refusalMessage } from '../api.ts';

const LABELS: Record<string, string> = {
  quantity: 'Quantity',
  notes: 'Notes',
  plannedStart: 'Planned start',
  selections: 'Substitutes',
  processId: 'Process',
  reason: 'Reason',
  to: 'Created to',
  from: 'Created from',
};

/** The form field an API error names ("body/quantity" → "Quantity"), or undefined. */
export function fieldLabel(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  const name = error.field.split('/')[1] ?? '';
  return LABELS[name] ?? name;
}

/** An error in role=alert: the field it is about first, when the API named one, then the API's message (it says what to do). */
export function FieldError({ error }: { error: unknown }) {
  const label = fieldLabel(error);
  const message = refusalMessage(error);
  return (
    <p className="alert" role="alert">
      {label && <strong>{label}: </strong>}
      {message}
    </p>
  );
}
