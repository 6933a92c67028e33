// The XML scanner behind the XLSX limits: what it counts, what it refuses, and that where a
// chunk ends changes nothing (a part arrives from zlib in pieces of any size).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PartScanner, partRole } from '../../../src/app/imports/formats/xlsx/scan.ts';
import type { WorkbookCounts } from '../../../src/app/imports/formats/xlsx/scan.ts';
import { xlsxReading } from '../../../src/app/imports/formats/xlsx/limits.ts';
import type { XlsxLimits } from '../../../src/app/imports/formats/xlsx/limits.ts';
import { SHEET_HEAD, SHEET_TAIL, STRINGS_HEAD, STRINGS_TAIL, rowXml } from '../../helpers/xlsx-files.ts';

const small = (over: Partial<XlsxLimits> = {}): XlsxLimits => xlsxReading({ limits: { cellBytes: 1000, ...over } }).limits;

/** Scans `xml` as part `path`, cut into pieces of `piece` bytes: the counts, or the refusal's code and message. */
function scan(path: string, xml: string, limits: XlsxLimits, piece: number): { counts: WorkbookCounts } | { code: string; message: string } {
  const bytes = Buffer.from(xml);
  const counts: WorkbookCounts = { unpacked: 0, strings: 0, cells: 0 };
  const scanner = new PartScanner(path, limits, counts);
  try {
    for (let i = 0; i < bytes.length; i += piece) scanner.push(bytes.subarray(i, i + piece));
    scanner.end();
    return { counts };
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
}

/** The same outcome whatever the pieces: whole, byte by byte, and in pieces of 7 and 4096. */
function scanned(path: string, xml: string, limits: XlsxLimits): ReturnType<typeof scan> {
  const whole = scan(path, xml, limits, Buffer.byteLength(xml) + 1);
  for (const piece of [1, 7, 4096]) assert.deepEqual(scan(path, xml, limits, piece), whole, `in pieces of ${piece}`);
  return whole;
}

const sheet = (rows: string) => SHEET_HEAD + rows + SHEET_TAIL;
const SHEET = 'xl/worksheets/sheet1.xml';
const STRINGS = 'xl/sharedStrings.xml';

describe('the XLSX scanner', () => {
  test('reads a part’s role from its path as exceljs does', () => {
    assert.deepEqual(
      [
        'xl/sharedStrings.xml',
        'xl/worksheets/sheet12.xml',
        'xl/workbook.xml',
        'xl/styles.xml',
        'xl/_rels/workbook.xml.rels',
        'xl/worksheets/_rels/sheet1.xml.rels',
        'xl/media/image1.png',
      ].map(partRole),
      ['strings', 'sheet', 'model', 'model', 'model', 'other', 'other'],
    );
  });

  test('counts cells, rows and shared strings by their tags, not tags that begin alike', () => {
    const xml = sheet(
      `<cols><col min="1" max="2" width="9"/></cols>${rowXml(1, ['Item', 'Stock'])}${rowXml(3, ['Frame', 12])}<rowBreaks count="0"/><c r="Z9"/>`,
    );
    assert.deepEqual(scanned(SHEET, xml, small()), { counts: { unpacked: Buffer.byteLength(xml), strings: 0, cells: 5 } });
    const strings = `${STRINGS_HEAD}<si><t>a</t></si><si><r><t>b</t></r></si><sig/><si/>${STRINGS_TAIL}`;
    assert.deepEqual(scanned(STRINGS, strings, small()), { counts: { unpacked: Buffer.byteLength(strings), strings: 3, cells: 0 } });
  });

  test('refuses the row past the limit, the cell past the limit, the string past the limit', () => {
    const rows = sheet([1, 2, 3].map((n) => rowXml(n, [n])).join(''));
    assert.equal((scanned(SHEET, rows, small({ rowsPerSheet: 2 })) as { code: string }).code, 'IMPORT_XLSX_TOO_MANY_ROWS');
    assert.deepEqual(scanned(SHEET, rows, small({ rowsPerSheet: 3 })), { counts: { unpacked: Buffer.byteLength(rows), strings: 0, cells: 3 } });
    assert.equal((scanned(SHEET, rows, small({ cells: 2 })) as { code: string }).code, 'IMPORT_XLSX_TOO_MANY_CELLS');
    const strings = `${STRINGS_HEAD}${'<si><t>x</t></si>'.repeat(4)}${STRINGS_TAIL}`;
    assert.equal((scanned(STRINGS, strings, small({ sharedStrings: 3 })) as { code: string }).code, 'IMPORT_XLSX_TOO_MANY_STRINGS');
    assert.equal((scanned(STRINGS, strings, small({ sharedStringBytes: 100 })) as { code: string }).code, 'IMPORT_XLSX_STRINGS_TOO_LARGE');
    const styles = `<styleSheet>${'<xf/>'.repeat(100)}</styleSheet>`;
    assert.deepEqual(scanned('xl/styles.xml', styles, small({ partBytes: 400 })), {
      code: 'IMPORT_XLSX_PART_TOO_LARGE',
      message: `the workbook's xl/styles.xml unpacks to more than 400 bytes, and it is read whole: no spreadsheet program writes one that large; save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that`,
    });
  });

  test('a long cell is refused as it grows, whether one text or many pieces of text, naming its row', () => {
    const one = sheet(`${rowXml(1, ['Item'])}<row r="4"><c r="A4" t="inlineStr"><is><t>${'y'.repeat(1001)}</t></is></c></row>`);
    assert.deepEqual(scanned(SHEET, one, small()), {
      code: 'IMPORT_XLSX_CELL_TOO_LONG',
      message: `a cell in row 4 of worksheet 1 (${SHEET}) takes more than 1,000 bytes (Excel's own cells hold at most 32,767 characters): shorten it, or save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that`,
    });
    // Text nodes between tags, each short: exceljs joins them into the one cell.
    const pieces = sheet(`<row r="9"><c r="A9" t="inlineStr"><is><t>${'yy<b/>'.repeat(200)}</t></is></c></row>`);
    assert.match((scanned(SHEET, pieces, small()) as { message: string }).message, /^a cell in row 9 of worksheet 1/);
    const string = `${STRINGS_HEAD}<si><t>a</t></si>${`<si>${'<r><t>zz</t></r>'.repeat(100)}</si>`}${STRINGS_TAIL}`;
    assert.match(
      (scanned(STRINGS, string, small()) as { message: string }).message,
      /^shared string 2 of the workbook's shared strings \(xl\/sharedStrings\.xml\) takes more than 1,000 bytes/,
    );
  });

  test('rows without cells are not one long cell: every row begins afresh', () => {
    const styled = sheet(
      `${rowXml(1, ['Item'])}${Array.from({ length: 200 }, (_, i) => `<row r="${i + 2}" ht="20" customHeight="1"/>`).join('')}${rowXml(300, ['x'])}`,
    );
    assert.equal('counts' in scanned(SHEET, styled, small()), true);
    // What follows the rows (merged cells, formatting) is no cell either.
    const tail = `${SHEET_HEAD}${rowXml(1, ['Item'])}</sheetData><mergeCells>${'<mergeCell ref="A1:B2"/>'.repeat(100)}</mergeCells></worksheet>`;
    assert.equal('counts' in scanned(SHEET, tail, small()), true);
  });

  test('a comment or CDATA section is one token to its end, with or without a < inside; a document type is refused', () => {
    const fine = sheet(`<!-- a <c> in a comment --><row r="1"><c r="A1"><v>1</v></c></row><![CDATA[ <c><c> ]]>`);
    assert.deepEqual(
      scanned(SHEET, fine, small()),
      { counts: { unpacked: Buffer.byteLength(fine), strings: 0, cells: 4 } },
      'tags inside are counted: more, never fewer',
    );
    const cdata = `${SHEET_HEAD}<row r="1"><c r="A1"><v>1</v></c></row></sheetData><![CDATA[${'<a>'.repeat(400)}]]></worksheet>`;
    assert.match((scanned(SHEET, cdata, small()) as { message: string }).message, /^a comment or CDATA section of worksheet 1 .* takes more than 1,000 bytes/);
    const comment = `${STRINGS_HEAD}<!--${'<x'.repeat(600)}-->${STRINGS_TAIL}`;
    assert.equal((scanned(STRINGS, comment, small()) as { code: string }).code, 'IMPORT_XLSX_CELL_TOO_LONG');
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${STRINGS_HEAD}${STRINGS_TAIL}`;
    assert.deepEqual(scanned(STRINGS, doctype, small()), {
      code: 'IMPORT_UNREADABLE',
      message: `the workbook's ${STRINGS} declares a document type, which no spreadsheet program writes: open the file in a spreadsheet program and save it again, or save the sheet as CSV and import that`,
    });
  });

  test('a long text outside any cell, or a long tag, is refused too; other parts are only counted', () => {
    const attribute = sheet(`<row r="1" x="${'q'.repeat(1200)}"><c r="A1"><v>1</v></c></row>`);
    assert.equal((scanned(SHEET, attribute, small()) as { code: string }).code, 'IMPORT_XLSX_CELL_TOO_LONG');
    const workbook = `<workbook><definedNames><definedName name="x">${'A'.repeat(1200)}</definedName></definedNames></workbook>`;
    assert.equal((scanned('xl/workbook.xml', workbook, small()) as { code: string }).code, 'IMPORT_XLSX_CELL_TOO_LONG');
    const image = 'x'.repeat(5000);
    assert.deepEqual(scanned('xl/media/image1.png', image, small()), { counts: { unpacked: 5000, strings: 0, cells: 0 } });
  });

  test('all parts together count towards the unpacked size', () => {
    const limits = small({ unpackedBytes: 9000 });
    const counts: WorkbookCounts = { unpacked: 0, strings: 0, cells: 0 };
    new PartScanner('docProps/app.xml', limits, counts).push(Buffer.alloc(5000, 0x61));
    const second = new PartScanner('xl/media/image1.png', limits, counts);
    assert.throws(() => second.push(Buffer.alloc(5000, 0x61)), { code: 'IMPORT_XLSX_TOO_LARGE' });
  });
});
