import { MtcError } from '../../errors.ts';

/**
 * A refused change to processes or the subprocess library: `NOT_FOUND` (404), `usage` errors
 * (400, such as `INVALID_INPUT` with `details.fields`) and `state` errors (409, such as
 * `PROCESS_NAME_TAKEN`, `PROCESS_DELETED`, `PROCESS_EMPTY`, `STEP_IN_USE`).
 */
export class ProcessError extends MtcError {}

/** One bad field of a request: its path (`body/steps/2/lines/0/quantity`) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** 400 INVALID_INPUT naming each bad field, the shape schema validation gives too. */
export function invalidInput(fields: FieldProblem[]): ProcessError {
  return new ProcessError('INVALID_INPUT', `invalid input: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, 'usage', { fields });
}

/** NOT_FOUND (404): `details` name what was looked for. */
export const notFound = (what: string, details: Record<string, unknown>, message?: string) =>
  new ProcessError('NOT_FOUND', message ?? `no ${what} ${Object.values(details).join(' ')}`, 'state', details);
