/** What the lint reports. */

export type Severity = 'error' | 'warning';

/** One finding of the lint, at a file position. */
export interface LintFinding {
  readonly severity: Severity;
  /** Stable UPPER_SNAKE code, e.g. `UNDECLARED_DEPENDENCY`. */
  readonly code: string;
  /** What is wrong, where, and what to do. */
  readonly message: string;
  /** The migration's path as the user sees it. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in code points. */
  readonly column: number;
  /** The relation (or type, function) concerned, schema-qualified, e.g. `public.orders`. */
  readonly relation?: string;
  /** Another file the finding is about, e.g. the migration that creates the relation. */
  readonly relatedFile?: string;
  /** How to fix it, when the message alone does not say. */
  readonly hint?: string;
}

/** A finding a migration acknowledges with `-- mtc:allow CODE: reason` on the lines before its statement. */
export interface AcknowledgedFinding extends LintFinding {
  /** The reason the migration gives. */
  readonly reason: string;
  /** 1-based line of the `-- mtc:allow` comment. */
  readonly allowLine: number;
}

/** A finding as a check produces it: placed by file index; the lint turns that into line and column. */
export interface Problem {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly fileIndex: number;
  readonly relation?: string;
  readonly relatedFile?: string;
  readonly hint?: string;
}
