import { readDay, writeDay } from '../../settings/days.ts';
import type { FieldError, RowContext } from './kind.ts';

/**
 * Reads the cells of one row into typed values, gathering an error per bad field rather than
 * stopping at the first, so a person fixes a row once. The limits are the API's (the route
 * schemas under src/http/routes/) and the columns' own.
 */
export class RowReader {
  private readonly cells: Readonly<Record<string, string>>;
  private readonly context: RowContext;
  readonly errors: FieldError[] = [];

  constructor(cells: Readonly<Record<string, string>>, context: RowContext) {
    this.cells = cells;
    this.context = context;
  }

  private fail(field: string, message: string): null {
    this.errors.push({ field, message });
    return null;
  }

  /**
   * Trimmed text, null when empty; an error when longer than `max` characters, holding a NUL
   * (a binary file) or, unless `multiline`, a line break (a name never has one: a quote left
   * open in the file swallows the lines after it).
   */
  text(field: string, max: number, multiline = false): string | null {
    const v = (this.cells[field] ?? '').trim();
    if (v === '') return null;
    if (v.includes('\0')) return this.fail(field, 'holds a NUL character: is this a text file?');
    if (!multiline && /[\r\n]/.test(v)) return this.fail(field, 'holds a line break: is a quote in the file left open?');
    if ([...v].length > max) return this.fail(field, `is ${[...v].length} characters long: at most ${max}`);
    return v;
  }

  /** Like text, and an error when empty. */
  required(field: string, max: number, label: string): string | null {
    const v = this.text(field, max);
    if (v === null && !this.errors.some((e) => e.field === field)) return this.fail(field, `${label} is required`);
    return v;
  }

  /** A decimal ≥ 0 with at most `digits` before the point and `scale` after, as a string ("12.5"); null when empty. */
  decimal(field: string, digits: number, scale: number, what = 'a number'): string | null {
    const v = this.text(field, 40);
    if (v === null) return null;
    const m = new RegExp(`^\\d{1,${digits}}(\\.\\d{1,${scale}})?$`).exec(v);
    if (!m) return this.fail(field, `"${v}" is not ${what} ≥ 0 with at most ${digits} digits before the point and ${scale} after`);
    return v;
  }

  /**
   * A day that exists, written in the installation's date format or as YYYY-MM-DD, answered as
   * YYYY-MM-DD; null when empty. "30 February does not exist" when it is written well but does not.
   */
  day(field: string): string | null {
    const v = this.text(field, 40);
    if (v === null) return null;
    const read = readDay(v, this.context.dateFormat);
    return 'day' in read ? read.day : this.fail(field, read.problem);
  }

  /** The currency of an amount whose row names none: the installation's. */
  get currency(): string {
    return this.context.currency;
  }

  /** A day (YYYY-MM-DD) as the installation writes it, for a message. */
  shown(day: string): string {
    return writeDay(day, this.context.dateFormat);
  }

  /** yes/no, true/false, 1/0, y/n, active/inactive; null when empty. */
  flag(field: string): boolean | null {
    const v = this.text(field, 20)?.toLowerCase();
    if (v === undefined || v === null) return null;
    if (['yes', 'y', 'true', '1', 'active'].includes(v)) return true;
    if (['no', 'n', 'false', '0', 'inactive'].includes(v)) return false;
    return this.fail(field, `"${v}" is not yes or no`);
  }

  /** A text that must match `pattern`; null when empty. */
  matching(field: string, max: number, pattern: RegExp, expected: string): string | null {
    const v = this.text(field, max);
    if (v === null) return null;
    if (!pattern.test(v)) return this.fail(field, `"${v}" is not ${expected}`);
    return v;
  }

  error(field: string | null, message: string): void {
    this.errors.push({ field, message });
  }

  /** The value when no field failed, else the errors. */
  result<T>(value: T): { value: T } | { errors: FieldError[] } {
    return this.errors.length > 0 ? { errors: this.errors } : { value };
  }
}
