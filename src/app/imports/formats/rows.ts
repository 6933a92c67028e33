import { ImportError } from '../errors.ts';
import { CsvReader } from './csv.ts';
import { textDecoder } from './detect.ts';
import type { SourceOptions } from './detect.ts';
import { xlsxRows } from './xlsx.ts';

/**
 * One row of a source file, the header included: where it is (the line a CSV record starts
 * on, the row of a worksheet), its cells, its text for error reports, and why it could not
 * be read when it could not.
 */
export interface SourceRow {
  rowNumber: number;
  cells: string[];
  raw: string;
  error?: string;
}

export interface RowSource {
  format: 'csv' | 'xlsx';
  options: SourceOptions;
  chunks: AsyncIterable<Buffer>;
}

/** A row with no text in any cell is not a row (spreadsheets leave such rows at the end). */
function blank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/** The rows of a file, header first, blank rows left out. Streams: one chunk and one batch of records in memory. */
export async function* openRows(source: RowSource): AsyncGenerator<SourceRow> {
  if (source.format === 'xlsx') {
    for await (const row of xlsxRows(source.chunks, source.options.sheet)) {
      if (!blank(row.cells)) yield { rowNumber: row.rowNumber, cells: row.cells, raw: csvText(row.cells) };
    }
    return;
  }
  const decoder = textDecoder(source.options.encoding);
  const reader = new CsvReader(source.options.delimiter);
  let first = true;
  for await (const chunk of source.chunks) {
    if (first) {
      first = false;
      if (chunk.length >= 4 && chunk.readUInt32BE(0) === 0xd0cf11e0) {
        throw new ImportError('IMPORT_UNREADABLE', 'the file is an old binary Excel workbook (.xls): save it as .xlsx or CSV and import that', 'state');
      }
    }
    for (const r of reader.push(decoder.write(chunk))) if (r.error || !blank(r.cells)) yield { rowNumber: r.line, cells: r.cells, raw: r.raw, ...(r.error ? { error: r.error } : {}) };
  }
  const tail = decoder.end();
  for (const r of [...reader.push(tail), ...reader.end()]) if (r.error || !blank(r.cells)) yield { rowNumber: r.line, cells: r.cells, raw: r.raw, ...(r.error ? { error: r.error } : {}) };
}

/** Cells as one CSV line (for showing a worksheet row where a raw row is wanted). */
function csvText(cells: string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
}
