/**
 * The error every layer throws (the bottom of the tree: it imports nothing, and `src/db`,
 * the schema engine, the app, the API and the command line all import it). Each has a
 * stable `code` a caller can match on, and a `category` that the command line turns into an
 * exit code and the API into a status:
 * `state` (1: the database or the files are not as they should be),
 * `usage` (2: a usage or configuration error), `connection` (3: could not connect or lock).
 */
export type ErrorCategory = 'state' | 'usage' | 'connection';

export class MtcError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, category: ErrorCategory = 'state', details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MtcError';
    this.code = code;
    this.category = category;
    this.details = details;
  }
}
