import type { Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { indexOfCodePoint, lineColumnAt } from '../text-position.ts';
import type { MigrationSource } from './source.ts';

/** Where in its file a migration failed, with PostgreSQL's own words. */
export interface MigrationFailure {
  id: string;
  file: string;
  line: number;
  column: number;
  /** The failing statement's first line, trimmed, for context. */
  statement: string | undefined;
  sqlstate: string;
  message: string;
  detail: string | undefined;
  hint: string | undefined;
}

/** A statement's text and where it starts in its file (string indices). */
export interface StatementSpan {
  text: string;
  start: number;
}

/**
 * The file position of an error PostgreSQL raised while running `sent`, a script in which
 * the migration's text starts at string index `offset`.
 * Returns undefined when the error carries no position inside the migration's text.
 */
export function positionInFile(m: MigrationSource, sent: string, offset: number, err: DatabaseError): number | undefined {
  if (err.position === undefined) return undefined;
  const idx = indexOfCodePoint(sent, err.position - 1) - offset;
  return idx >= 0 && idx <= m.text.length ? idx : undefined;
}

/**
 * Refines a failure inside one statement: PostgreSQL's `position` when it has one, else the
 * line PL/pgSQL names in `where` (a DO block or function body), else the statement's start.
 */
export function positionInStatement(stmt: StatementSpan, err: DatabaseError): number {
  if (err.position !== undefined) return stmt.start + indexOfCodePoint(stmt.text, err.position - 1);
  const inner = /(?:inline_code_block|function [^\s]+) line (\d+)/.exec(err.where ?? '');
  if (inner) {
    const bodyStart = bodyOpening(stmt.text);
    if (bodyStart !== undefined) {
      const lines = stmt.text.slice(bodyStart).split(/\r\n?|\n/);
      const n = Number(inner[1]) - 1;
      let idx = bodyStart;
      for (let i = 0; i < n && i < lines.length; i++) idx += (lines[i]?.length ?? 0) + 1;
      // the first non-blank character of that line
      const rest = stmt.text.slice(idx);
      const lead = /^[ \t]*/.exec(rest)?.[0].length ?? 0;
      return stmt.start + idx + (n === 0 ? 0 : lead);
    }
  }
  const lead = /^\s*/.exec(stmt.text)?.[0].length ?? 0;
  return stmt.start + lead;
}

/** Index of the quote that opens a DO or function body (PL/pgSQL counts its lines from there). */
function bodyOpening(text: string): number | undefined {
  const m = /\b(?:DO|AS)\s+(?:LANGUAGE\s+\w+\s+)?(\$[A-Za-z_0-9]*\$|')/i.exec(text);
  return m ? m.index + m[0].length - (m[1]?.length ?? 0) : undefined;
}

/**
 * Finds which statement of a transactional migration fails, by running its statements one
 * at a time and undoing them all afterwards: in a transaction that is rolled back, or, when
 * a transaction is already open, under a savepoint rolled back to. Used only after the
 * migration failed with no position, so nothing it does remains.
 */
export async function replayToFindFailure(
  q: Queryable,
  statements: readonly StatementSpan[],
  inTransaction: boolean,
): Promise<{ stmt: StatementSpan; err: DatabaseError } | undefined> {
  await q.exec(inTransaction ? 'SAVEPOINT mtc_locate' : 'BEGIN');
  try {
    for (const stmt of statements) {
      try {
        await q.exec(stmt.text);
      } catch (err) {
        if (err instanceof DatabaseError) return { stmt, err };
        throw err;
      }
    }
    return undefined;
  } finally {
    await q.exec(inTransaction ? 'ROLLBACK TO SAVEPOINT mtc_locate; RELEASE SAVEPOINT mtc_locate' : 'ROLLBACK').catch(() => {});
  }
}

/** Builds the failure record for an error at string index `idx` of migration `m`. */
export function failureAt(m: MigrationSource, idx: number | undefined, err: DatabaseError): MigrationFailure {
  const at = idx ?? /^(?:\s*(?:--[^\n]*\n))*\s*/.exec(m.text)?.[0].length ?? 0;
  const { line, column } = lineColumnAt(m.text, at);
  const lineText = m.text.split(/\r\n?|\n/)[line - 1]?.trim();
  return {
    id: m.id,
    file: m.path,
    line,
    column,
    statement: lineText,
    sqlstate: err.code,
    message: err.message,
    detail: err.detail,
    hint: err.hint,
  };
}
