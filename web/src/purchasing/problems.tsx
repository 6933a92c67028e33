// Where an API refusal belongs on a purchasing form: next to the field it names
// ("body/lines/1/quantity" → the quantity of the second line), or under the form.
import { ApiError } from '../api.ts';

/** The field an API error names, without "body/" ("lines/1/quantity"), or undefined. */
export function pathOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const first = (error.details.fields as { path?: string }[] | undefined)?.[0]?.path ?? error.field;
  return first?.replace(/^body\/?/, '') || undefined;
}

/**
 * The line of a form's lines an API error is about: the one its field names (`lines/N/…`),
 * or, for a refusal about a line's state (409 OVER_RECEIPT), the line its details name.
 */
export function lineOf(error: unknown): number | undefined {
  const path = pathOf(error);
  const m = path ? /^lines\/(\d+)/.exec(path) : null;
  if (m) return Number(m[1]);
  if (error instanceof ApiError && typeof error.details.line === 'number') return error.details.line;
  return undefined;
}

/** What to say of an error: the field's own sentence when the API gave one (it says what to write), else its whole message. */
function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const field = (error.details.fields as { message?: string }[] | undefined)?.[0]?.message;
    return field ?? error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong: try again.';
}

/** Whether `error` is about the field at `path` (exactly, or a part of it: "lines/0" holds "lines/0/quantity"). */
export function isAt(error: unknown, path: string): boolean {
  const p = pathOf(error);
  return p !== undefined && (p === path || p.startsWith(`${path}/`));
}

/** The props that mark an input invalid when the error is about it. */
export function invalidAt(error: unknown, path: string): { 'aria-invalid'?: true } {
  return isAt(error, path) ? { 'aria-invalid': true } : {};
}

/** The error in an alert next to its field, when it is about `path`: the field's label, then what the API said. */
export function ProblemAt({ error, path, label }: { error: unknown; path: string; label: string }) {
  if (error === undefined || !isAt(error, path)) return null;
  return (
    <p className="alert field-alert" role="alert">
      <strong>{label}: </strong>
      {messageOf(error)}
    </p>
  );
}

/**
 * The error under the form when no field shows it (`shown` says which paths the form shows
 * next to their fields): the field it names, by its label when known, then the API's message.
 */
export function ProblemElsewhere({ error, shown, labels = {} }: { error: unknown; shown: (error: unknown) => boolean; labels?: Record<string, string> }) {
  if (error === undefined || shown(error)) return null;
  const path = pathOf(error);
  const label = path ? (labels[path] ?? path) : undefined;
  return (
    <p className="alert" role="alert">
      {label && <strong>{label}: </strong>}
      {error instanceof Error ? error.message : 'Something went wrong: try again.'}
    </p>
  );
}

/** A refusal about line `index` of a form that no field of the line shows (409 OVER_RECEIPT): next to the line, without the "lines/N:" it starts with. */
export function ProblemOnLine({ error, index, label }: { error: unknown; index: number; label: string }) {
  if (error === undefined || lineOf(error) !== index || pathOf(error) !== undefined) return null;
  const message = error instanceof Error ? error.message.replace(/^lines\/\d+:\s*/, '') : '';
  return (
    <p className="alert field-alert" role="alert">
      <strong>{label}: </strong>
      {message}
    </p>
  );
}

/** A refusal a form makes itself before asking the API (a choice not made yet), shaped as the API's so it shows next to its field. */
export function refusal(path: string, message: string): ApiError {
  return new ApiError(400, 'INVALID_INPUT', message, `body/${path}`, { fields: [{ path: `body/${path}`, message }] });
}
