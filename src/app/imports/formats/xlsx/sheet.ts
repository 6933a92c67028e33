// The second pass over a workbook, in the reading thread once the guard has passed it:
// exceljs reads the wanted sheet's rows as a stream.
import { Readable } from 'node:stream';
import { ImportError } from '../../errors.ts';

/** One row of a worksheet: its number in the sheet and its cells as text. */
export interface SheetRow {
  rowNumber: number;
  cells: string[];
}

interface SheetReader {
  id: number | string;
  [Symbol.asyncIterator](): AsyncIterator<{ number: number; values: unknown[] | Record<string, unknown> }>;
}
interface WorkbookReader {
  model?: { sheets?: { name: string; rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  [Symbol.asyncIterator](): AsyncIterator<SheetReader>;
}

/**
 * The rows of one worksheet of an XLSX file (the first, or the one named `sheet`), read as a
 * stream with exceljs's WorkbookReader, so memory holds the shared strings and one row, not
 * the workbook. Cells become text the way a person reads them: numbers as written, dates as
 * YYYY-MM-DD, formulas as their last result, rich text as its plain text.
 */
export async function* sheetRows(chunks: AsyncIterable<Buffer>, sheet: string | undefined): AsyncGenerator<SheetRow> {
  const exceljs = (await import('exceljs')).default;
  const reader = new exceljs.stream.xlsx.WorkbookReader(flowingZip(chunks), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReader;
  let wanted: string | null = null;
  let found = false;
  try {
    for await (const ws of reader) {
      wanted ??= sheetFile(reader, sheet);
      if (found || String(ws.id) !== wanted) {
        // exceljs must read every sheet through to reach the next one
        for await (const _row of ws);
        continue;
      }
      found = true;
      for await (const row of ws) {
        const values = Array.isArray(row.values) ? row.values : [];
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
        yield { rowNumber: row.number, cells };
      }
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('IMPORT_UNREADABLE', `the file is not a readable XLSX workbook: ${(err as Error).message}`, 'state');
  }
  if (!found && sheet !== undefined)
    throw new ImportError('IMPORT_UNREADABLE', `the workbook has no worksheet "${sheet}" (it has: ${sheetNames(reader).join(', ') || 'none'})`, 'state');
}

/**
 * The stream exceljs reads the workbook from. exceljs pipes it into unzipper's parser, and
 * pauses the parser while it reads a part; unzipper says it has ended as soon as it has read
 * the zip's last bytes, not once its parts have been taken, and exceljs then drops the parts
 * still waiting: now and then the workbook's last parts were lost (its list of sheets: "no
 * worksheet"; its shared strings: texts read as "[object Object]"). The parser is kept
 * flowing instead, so that each part reaches exceljs's own queue as it comes. (Each part's
 * bytes still wait to be read; the parts that can wait at once are bounded by the limit on
 * their number, limits.ts.)
 */
function flowingZip(chunks: AsyncIterable<Buffer>): Readable {
  const stream = Readable.from(chunks, { highWaterMark: 1 });
  const pipe = stream.pipe.bind(stream);
  stream.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
    (destination as unknown as Readable).pause = function (this: Readable) {
      return this;
    };
    return pipe(destination, options);
  };
  return stream;
}

function sheetNames(reader: WorkbookReader): string[] {
  return (reader.model?.sheets ?? []).map((s) => s.name);
}

/** The number N of xl/worksheets/sheetN.xml that holds the wanted sheet (the first by default). */
function sheetFile(reader: WorkbookReader, sheet: string | undefined): string {
  const sheets = reader.model?.sheets ?? [];
  const target = sheet === undefined ? sheets[0] : (sheets.find((s) => s.name === sheet) ?? sheets.find((s) => s.name.toLowerCase() === sheet.toLowerCase()));
  if (!target) {
    if (sheet === undefined) return '1';
    throw new ImportError('IMPORT_UNREADABLE', `the workbook has no worksheet "${sheet}" (it has: ${sheetNames(reader).join(', ') || 'none'})`, 'state');
  }
  const rel = (reader.workbookRels ?? []).find((r) => r.Id === target.rId);
  const m = rel ? /sheet(\d+)\.xml$/.exec(rel.Target) : null;
  return m ? m[1]! : '1';
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown; formula?: unknown; sharedFormula?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('formula' in o || 'sharedFormula' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error !== undefined) return String(o.error);
  }
  return String(v);
}
