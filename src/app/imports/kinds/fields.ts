import type { FieldError } from './kind.ts';

/**
 * Reads the cells of one row into typed values, gathering an error per bad field rather than
 * stopping at the first, so a person fixes a row once. The limits are the API's (the route
 * schemas under src/http/routes/) and the columns' own.
 */
export class RowReader {
  private readonly cells: Readonly<Record<string, string>>;
  readonly errors: FieldError[] = [];

  constructor(cells: Readonly<Record<string, string>>) {
    this.cells = cells;
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

  /** A day as YYYY-MM-DD that exists (not 2025-02-30); null when empty. */
  day(field: string): string | null {
    const v = this.text(field, 40);
    if (v === null) return null;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m) {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return v;
    }
    return this.fail(field, `"${v}" is not a day written YYYY-MM-DD`);
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
