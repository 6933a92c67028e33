import { ImportError } from '../errors.ts';
import { CsvReader } from './csv.ts';
import type { CsvRecord } from './csv.ts';
import { textDecoder } from './detect.ts';
import type { SourceOptions } from './detect.ts';
import { xlsxRows } from './xlsx/host.ts';
import type { XlsxReading } from './xlsx/limits.ts';

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
  /** The file's bytes from its start, each time it is called (an XLSX file is read twice). */
  chunks: () => AsyncIterable<Buffer>;
  /** How an XLSX file is read: its limits and the reading thread's heap (default: xlsx/limits.ts). */
  xlsx?: XlsxReading;
  /** The file's SHA-256, when known: an XLSX file already checked against the limits is not checked again. */
  sha256?: string;
}

/** A row with no text in any cell is not a row (spreadsheets leave such rows at the end). */
function blank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/** The rows of a file, header first, blank rows left out. Streams: one chunk and one batch of records in memory. */
export async function* openRows(source: RowSource): AsyncGenerator<SourceRow> {
  if (source.format === 'xlsx') {
    for await (const row of xlsxRows(source.chunks, source.options.sheet, source.xlsx, source.sha256)) {
      if (!blank(row.cells)) yield { rowNumber: row.rowNumber, cells: row.cells, raw: csvText(row.cells) };
    }
    return;
  }
  // UTF-8 goes to the reader as stored (its parser reads bytes; an invalid byte becomes
  // U+FFFD as the decoder would make it); any other encoding is decoded first.
  const utf8 = source.options.encoding === 'utf-8';
  const decoder = textDecoder(source.options.encoding);
  const reader = new CsvReader(source.options.delimiter);
  // The first bytes are held until there are four: enough to know an .xls or a BOM.
  let head: Buffer | null = Buffer.alloc(0);
  const opening = (bytes: Buffer): Buffer => {
    if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
      throw new ImportError('IMPORT_UNREADABLE', 'the file is an old binary Excel workbook (.xls): save it as .xlsx or CSV and import that', 'state');
    }
    return utf8 ? withoutBom(bytes) : bytes;
  };
  const read = (bytes: Buffer) => (utf8 ? reader.pushBytes(bytes) : reader.push(decoder.write(bytes)));
  for await (let chunk of source.chunks()) {
    if (head) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4) continue;
      chunk = opening(head);
      head = null;
    }
    for (const r of read(chunk)) if (r.error || !blank(r.cells)) yield sourceRow(r);
  }
  const rest = head && head.length > 0 ? read(opening(head)) : [];
  const tail = utf8 ? rest : [...rest, ...reader.push(decoder.end())];
  for (const r of [...tail, ...reader.end()]) if (r.error || !blank(r.cells)) yield sourceRow(r);
}

const sourceRow = (r: CsvRecord): SourceRow => ({ rowNumber: r.line, cells: r.cells, raw: r.raw, ...(r.error ? { error: r.error } : {}) });

/** A UTF-8 byte order mark is no part of the text (the decoder drops it the same way). */
function withoutBom(chunk: Buffer): Buffer {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
}

/** Cells as one CSV line (for showing a worksheet row where a raw row is wanted). */
function csvText(cells: string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
}
