/**
 * Errors of the schema engine. Each has a stable `code` a caller can match on,
 * and a `category` that the command line turns into an exit code:
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

/** Where in a file something is; line and column count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Formats a position as `file:line:col`, the form editors and terminals link. */
export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
