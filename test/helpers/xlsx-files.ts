// XLSX files made byte by byte, for the reader's limits: an ordinary workbook's parts, and
// hostile ones (a part that inflates to gigabytes, millions of shared strings or rows, one
// enormous cell), each a few megabytes at most on disk. A zip is written here by hand
// because a bomb must lie about itself: a part's declared size is whatever the test says,
// and its compressed bytes are a repeated deflate block (a full flush ends each copy on a
// byte boundary with the compressor's history reset, so copies can be concatenated).
import { crc32, constants, deflateRawSync } from 'node:zlib';

/** One part of a zip: its bytes (deflated here), or bytes already deflated with what to declare. */
export type ZipPart = { name: string; data: string | Buffer } | { name: string; deflated: Buffer; size: number; crc?: number };

/** A zip file of `parts`, in order, each deflated, with a central directory. */
export function zip(parts: ZipPart[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    let body: Buffer;
    let size: number;
    let crc: number;
    if ('data' in part) {
      const raw = Buffer.from(part.data);
      body = deflateRawSync(raw);
      size = raw.length;
      crc = crc32(raw);
    } else {
      body = part.deflated;
      size = part.size;
      crc = part.crc ?? 0;
    }
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names are UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    header.writeUInt16LE(name.length, 26);
    local.push(header, name, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += header.length + name.length + body.length;
  }
  const dirBytes = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dirBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

/**
 * `head`, then `unit` repeated `times`, then `tail`, as raw deflate data of a few kilobytes
 * per hundred megabytes: each piece is compressed once and its copies concatenated.
 */
export function repeated(head: string, unit: string | Buffer, times: number, tail: string): { deflated: Buffer; size: number } {
  const flushed = (b: Buffer) => deflateRawSync(b, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const u = Buffer.from(unit);
  const block = flushed(u);
  const copies: Buffer[] = [flushed(Buffer.from(head))];
  for (let i = 0; i < times; i++) copies.push(block);
  copies.push(deflateRawSync(Buffer.from(tail)));
  return { deflated: Buffer.concat(copies), size: Buffer.byteLength(head) + u.length * times + Buffer.byteLength(tail) };
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Items" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;

export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';
export const STRINGS_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`;
export const STRINGS_TAIL = '</sst>';

/** A cell's XML: a number, or text written inline. */
function cellXml(ref: string, value: string | number): string {
  if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
  const text = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  return `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
}

/** A worksheet row's XML (row numbers from 1). */
export function rowXml(rowNumber: number, cells: (string | number)[]): string {
  return `<row r="${rowNumber}">${cells.map((v, i) => cellXml(`${String.fromCharCode(65 + i)}${rowNumber}`, v)).join('')}</row>`;
}

/** A part's bytes as text, or deflated already with the size to declare. */
type PartBytes = string | { deflated: Buffer; size: number };

/**
 * A workbook with one sheet, "Items", in the order Excel writes its parts (the worksheet
 * before the shared strings; `stringsFirst` the other way round, as exceljs writes them).
 * `sheet` and `strings` are those parts (text, or deflated data); `extra` parts follow.
 */
export function workbook(parts: { sheet: PartBytes; strings?: PartBytes; extra?: ZipPart[]; stringsFirst?: boolean }): Buffer {
  const as = (name: string, p: PartBytes): ZipPart => (typeof p === 'string' ? { name, data: p } : { name, ...p });
  const sheet = [as('xl/worksheets/sheet1.xml', parts.sheet)];
  const strings = parts.strings !== undefined ? [as('xl/sharedStrings.xml', parts.strings)] : [];
  return zip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: '_rels/.rels', data: ROOT_RELS },
    { name: 'xl/workbook.xml', data: WORKBOOK },
    { name: 'xl/_rels/workbook.xml.rels', data: WORKBOOK_RELS },
    ...(parts.stringsFirst ? [...strings, ...sheet] : [...sheet, ...strings]),
    ...(parts.extra ?? []),
  ]);
}

/** An ordinary items workbook of `rows` rows (header first), its text written inline. */
export function itemsWorkbook(rows: (string | number)[][]): Buffer {
  return workbook({ sheet: SHEET_HEAD + rows.map((r, i) => rowXml(i + 1, r)).join('') + SHEET_TAIL });
}

const HEADER_ROW = rowXml(1, ['Item', 'Colour', 'Size', 'Stock']);
const ONE_ROW =
  SHEET_HEAD +
  HEADER_ROW +
  '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>Red</t></is></c><c r="C2" t="inlineStr"><is><t>M</t></is></c><c r="D2"><v>1</v></c></row>' +
  SHEET_TAIL;

/**
 * Hostile workbooks, a few megabytes each, and the refusal each must meet under the default
 * limits. Each has an items header, so that nothing but its size can fail it.
 */
export const hostile = {
  /** Like the file that took servers down: 6.6 MB whose shared strings expand to 2.7 GB. */
  sharedStrings: () => workbook({ sheet: ONE_ROW, strings: repeated(STRINGS_HEAD, `<si><t>${'x'.repeat(1000)}</t></si>`.repeat(1040), 2600, STRINGS_TAIL) }),
  /** Five million different texts, each short: 90 MB of shared strings. */
  manyStrings: () => workbook({ sheet: ONE_ROW, strings: repeated(STRINGS_HEAD, '<si><t>x</t></si>'.repeat(10_000), 500, STRINGS_TAIL) }),
  /** Five million rows in one sheet. */
  manyRows: () => workbook({ sheet: repeated(SHEET_HEAD + HEADER_ROW, '<row r="9"><c r="A9"><v>1</v></c></row>'.repeat(10_000), 500, SHEET_TAIL) }),
  /** Forty million empty cells in a thousand rows: 430 MB, within the unpacked limit. */
  manyCells: () => workbook({ sheet: repeated(SHEET_HEAD + HEADER_ROW, `<row r="9">${'<c r="A9"/>'.repeat(40_000)}</row>`, 1000, SHEET_TAIL) }),
  /** One cell of 100 MB. */
  hugeCell: () =>
    workbook({
      sheet: repeated(`${SHEET_HEAD + HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>`, 'y'.repeat(1 << 20), 100, `</t></is></c></row>${SHEET_TAIL}`),
    }),
  /** A part no one reads that inflates to 2.2 GB, declaring 1 KB. */
  deflate: () => workbook({ sheet: ONE_ROW, extra: [{ name: 'docProps/custom.xml', ...repeated('', Buffer.alloc(1 << 20, 0x61), 2100, ''), size: 1024 }] }),
} as const;

/** The code of the refusal each hostile workbook meets. */
export const HOSTILE_CODES: Record<keyof typeof hostile, string> = {
  sharedStrings: 'IMPORT_XLSX_STRINGS_TOO_LARGE',
  manyStrings: 'IMPORT_XLSX_TOO_MANY_STRINGS',
  manyRows: 'IMPORT_XLSX_TOO_MANY_ROWS',
  manyCells: 'IMPORT_XLSX_TOO_MANY_CELLS',
  hugeCell: 'IMPORT_XLSX_CELL_TOO_LONG',
  deflate: 'IMPORT_XLSX_TOO_LARGE',
};
