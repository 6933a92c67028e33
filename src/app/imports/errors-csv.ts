// A job's rejected rows as a CSV file people open in a spreadsheet.
import type { Queryable } from '../../db/types.ts';
import { importErrorsInOrder } from './jobs.ts';

/**
 * One CSV cell, quoted when it must be, and guarded against formula injection: a cell a
 * spreadsheet would run (starting with =, +, -, @, or a tab or carriage return that hides one)
 * gets an apostrophe in front, which spreadsheets show as text. The engine reads such a cell
 * back without the apostrophe, so an exported file imports as the original.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // Apostrophes already in front count too: '=x goes out as ''=x, and comes back as '=x.
  if (/^'*[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV lines (CRLF, as RFC 4180 and spreadsheets have them) of the given cells. */
export const csvLine = (cells: readonly (string | number | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * The errors of job `jobId` as CSV text, piece by piece: a BOM (so that spreadsheets read it as
 * UTF-8), a header, and one line per problem in row order. Streams: pages of 1,000 are read by
 * key, so memory stays flat however many rows were rejected.
 */
export async function* errorsCsv(q: Queryable, jobId: number): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(['row', 'field', 'message', 'raw_row'])}`;
  let lines: string[] = [];
  for await (const e of importErrorsInOrder(q, jobId)) {
    lines.push(csvLine([e.rowNumber, e.field, e.message, e.rawRow]));
    if (lines.length >= 500) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}
