import { MtcError } from '../../errors.ts';

/** SQL that PostgreSQL's parser rejects; `line` and `column` are 1-based and count in the whole file. */
export class SqlSyntaxError extends MtcError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, where: { file?: string; line: number; column: number }) {
    const at = `${where.file === undefined ? '' : `${where.file}:`}${where.line}:${where.column}`;
    super('SQL_SYNTAX', `${at}: ${message}`, 'state', { ...where, reason: message });
    this.name = 'SqlSyntaxError';
    this.line = where.line;
    this.column = where.column;
  }
}

/** The cursor position (0-based code points) of a libpg-query syntax error, if the error has one. */
export function cursorPositionOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('sqlDetails' in err)) return undefined;
  const details = (err as { sqlDetails?: { cursorPosition?: unknown } }).sqlDetails;
  return typeof details?.cursorPosition === 'number' ? details.cursorPosition : undefined;
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
