// A hostile XLSX file fails its own reading, never the process: each limit refuses the
// workbook that passes it, with its own code, as the parts are inflated (whatever the zip
// declares); a workbook that gets past the limits and still takes too much memory kills only
// its reading thread; and the thread is gone, its temporary files with it, however the
// reading ends.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { threadFailure, xlsxRows } from '../../../src/app/imports/formats/xlsx/host.ts';
import type { SheetRow } from '../../../src/app/imports/formats/xlsx/host.ts';
import { xlsxReading } from '../../../src/app/imports/formats/xlsx/limits.ts';
import type { XlsxReading } from '../../../src/app/imports/formats/xlsx/limits.ts';
import {
  HOSTILE_CODES,
  SHEET_HEAD,
  SHEET_TAIL,
  STRINGS_HEAD,
  STRINGS_TAIL,
  hostile,
  itemsWorkbook,
  repeated,
  rowXml,
  workbook,
} from '../../helpers/xlsx-files.ts';

/** The file in pieces of 64 KiB, each call from its start; `reads` counts the pieces handed out. */
function file(bytes: Buffer, reads = { pieces: 0 }): () => AsyncIterable<Buffer> {
  return async function* () {
    for (let i = 0; i < bytes.length; i += 65536) {
      reads.pieces++;
      yield bytes.subarray(i, i + 65536);
    }
  };
}

async function read(bytes: Buffer, reading?: XlsxReading, sheet?: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of xlsxRows(file(bytes), sheet, reading)) rows.push(row);
  return rows;
}

describe('XLSX files past the limits', () => {
  // The reading threads' temporary directories go here, to be seen gone.
  const temp = mkdtempSync(join(tmpdir(), 'mtc-xlsx-test-'));
  const outer = process.env.TMPDIR;
  before(() => {
    process.env.TMPDIR = temp;
  });
  after(() => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(temp, { recursive: true, force: true });
  });
  const noTemporaryFiles = () => assert.deepEqual(readdirSync(temp), [], 'the reading thread’s temporary directory is gone');

  test('an ordinary workbook reads as before, and leaves nothing behind', async () => {
    const rows = await read(
      itemsWorkbook([
        ['Item', 'Stock'],
        ['Frame', 12],
        ['Wheel, front', 'lots'],
      ]),
    );
    assert.deepEqual(rows, [
      { rowNumber: 1, cells: ['Item', 'Stock'] },
      { rowNumber: 2, cells: ['Frame', '12'] },
      { rowNumber: 3, cells: ['Wheel, front', 'lots'] },
    ]);
    noTemporaryFiles();
  });

  // Under the default limits: each is refused within a second or so, its memory never grown.
  for (const name of ['sharedStrings', 'manyStrings', 'manyRows', 'hugeCell'] as const) {
    test(`${name}: refused with ${HOSTILE_CODES[name]} under the default limits`, async () => {
      await assert.rejects(read(hostile[name]()), { code: HOSTILE_CODES[name] });
      noTemporaryFiles();
    });
  }

  test('the 2.7 GB shared strings say what passed which limit and what to do', async () => {
    await assert.rejects(read(hostile.sharedStrings()), {
      code: 'IMPORT_XLSX_STRINGS_TOO_LARGE',
      message:
        "the workbook's texts (its shared strings, kept in memory while it is read) take more than 128 MiB: save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that, or split it into several workbooks",
    });
  });

  // Scaled down (the cells and the unpacked size take seconds to reach at the defaults: the server's test does that).
  test('too many cells, and a part that inflates past the unpacked limit though it declares 1 KB, are refused', async () => {
    await assert.rejects(read(hostile.manyCells(), xlsxReading({ limits: { cells: 1_000_000 } })), {
      code: 'IMPORT_XLSX_TOO_MANY_CELLS',
      message: /more than 1,000,000 cells/,
    });
    await assert.rejects(read(hostile.deflate(), xlsxReading({ limits: { unpackedBytes: 64 * 1024 * 1024 } })), {
      code: 'IMPORT_XLSX_TOO_LARGE',
      message: /^the workbook unpacks to more than 64 MiB \(counted as its parts are inflated, whatever sizes the zip declares\)/,
    });
    noTemporaryFiles();
  });

  test('a zip of more parts than the limit is refused before they pile up', async () => {
    const extra = Array.from({ length: 30 }, (_, i) => ({ name: `xl/media/image${i}.png`, data: 'x' }));
    await assert.rejects(read(workbook({ sheet: SHEET_HEAD + rowXml(1, ['Item']) + SHEET_TAIL, extra }), xlsxReading({ limits: { parts: 20 } })), {
      code: 'IMPORT_XLSX_TOO_MANY_PARTS',
      message:
        'the workbook is made of more than 20 parts (sheets, drawings, images and the files that describe them): delete the sheets the import does not need, or save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that',
    });
  });

  test('a workbook within the limits that still takes more memory than the thread may have fails with IMPORT_XLSX_OUT_OF_MEMORY, and the process goes on', async () => {
    const texts = Array.from({ length: 60_000 }, (_, i) => `<si><t>${i} ${'z'.repeat(1000)}</t></si>`).join('');
    const wide = workbook({
      sheet: `${SHEET_HEAD + rowXml(1, ['Item'])}<row r="2"><c r="A2" t="s"><v>7</v></c></row>${SHEET_TAIL}`,
      strings: STRINGS_HEAD + texts + STRINGS_TAIL,
    });
    const tight = xlsxReading({ heapMb: 32 });
    assert.equal((await read(itemsWorkbook([['Item'], ['Frame']]), tight)).length, 2, 'a small workbook reads within that heap');
    await assert.rejects(read(wide, tight), {
      code: 'IMPORT_XLSX_OUT_OF_MEMORY',
      message:
        'reading the workbook took more than the 32 MB of memory an import may use, though it is within the limits on size, texts and cells: save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that, or split the workbook',
    });
    noTemporaryFiles();
  });

  test('a reading thread that dies of anything else fails the reading with IMPORT_XLSX_READER_FAILED, saying what it died of', () => {
    const failure = threadFailure(new Error('Cannot read properties of undefined'), 1024);
    assert.equal(failure.code, 'IMPORT_XLSX_READER_FAILED');
    assert.equal(
      failure.message,
      "the workbook's reader stopped unexpectedly (Cannot read properties of undefined): save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that",
    );
    assert.equal(threadFailure(null, 1024).message.startsWith("the workbook's reader stopped unexpectedly: "), true, 'a thread that exits without a word');
  });

  test('a broken workbook is unreadable, saying how: not a zip, cut short, a part that does not inflate', async () => {
    await assert.rejects(read(Buffer.from('Item,Stock\nFrame,2\n')), {
      code: 'IMPORT_UNREADABLE',
      message: 'the file is not a readable XLSX workbook: it does not start as a zip file does',
    });
    const whole = itemsWorkbook([['Item'], ['Frame']]);
    await assert.rejects(read(whole.subarray(0, whole.length - 200)), { code: 'IMPORT_UNREADABLE', message: /cut short/ });
    const { deflated, size } = repeated('<worksheet><sheetData>', 'x', 10, '</sheetData></worksheet>');
    const garbled = Buffer.from(deflated);
    garbled.fill(0xff, 2, 12);
    await assert.rejects(read(workbook({ sheet: { deflated: garbled, size } })), { code: 'IMPORT_UNREADABLE', message: /a part of it does not inflate/ });
    noTemporaryFiles();
  });

  test('the stored file failing to be read fails the reading with that error, as it is (a lost connection is no fault of the file)', async () => {
    const bytes = itemsWorkbook([['Item'], ['Frame']]);
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
    const failing = async function* () {
      yield bytes.subarray(0, 100);
      throw lost;
    };
    await assert.rejects(
      (async () => {
        for await (const _row of xlsxRows(failing, undefined));
      })(),
      (err) => err === lost,
    );
    noTemporaryFiles();
  });

  test('a file this process has seen pass the limits (by its SHA-256) is not checked again under the same limits', async () => {
    const bytes = itemsWorkbook([
      ['Item', 'Stock'],
      ['Frame', 12],
    ]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const perPass = Math.ceil(bytes.length / 65536);
    const readWith = async (reading: XlsxReading) => {
      const reads = { pieces: 0 };
      const rows: SheetRow[] = [];
      for await (const row of xlsxRows(file(bytes, reads), undefined, reading, sha256)) rows.push(row);
      return { pieces: reads.pieces, rows: rows.length };
    };
    assert.deepEqual(await readWith(xlsxReading()), { pieces: 2 * perPass, rows: 2 }, 'checked, then read');
    assert.deepEqual(await readWith(xlsxReading()), { pieces: perPass, rows: 2 }, 'read only');
    assert.deepEqual(await readWith(xlsxReading({ limits: { cells: 1000 } })), { pieces: 2 * perPass, rows: 2 }, 'other limits: checked again');
  });

  test('a slow reader gets every row, in order: the thread waits for room and for the file at once without losing either', async () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>0</v></c><c r="B${i + 2}"><v>${i}</v></c></row>`).join(
      '',
    );
    const bytes = workbook({
      sheet: SHEET_HEAD + rowXml(1, ['Item', 'Stock']) + cells + SHEET_TAIL,
      strings: `${STRINGS_HEAD}<si><t>Frame</t></si>${STRINGS_TAIL}`,
      stringsFirst: true,
    });
    let expected = 1;
    for await (const row of xlsxRows(file(bytes), undefined)) {
      assert.equal(row.rowNumber, expected++);
      if (row.rowNumber % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(expected, 10_002);
  });

  test('rows are read only as fast as they are taken: a reader that stops early stops the thread, which read little of the file', async () => {
    // The shared strings first, as exceljs writes them: then the sheet is read as it streams
    // (after them, exceljs keeps it in a temporary file until they come). Text that does not
    // compress, so that the file is many pieces.
    const noise = randomBytes(50_000 * 100).toString('hex');
    const cells = Array.from(
      { length: 50_000 },
      (_, i) =>
        `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>0</v></c><c r="B${i + 2}" t="inlineStr"><is><t>${noise.slice(i * 200, i * 200 + 200)}</t></is></c></row>`,
    ).join('');
    const bytes = workbook({
      sheet: SHEET_HEAD + rowXml(1, ['Item', 'Notes']) + cells + SHEET_TAIL,
      strings: `${STRINGS_HEAD}<si><t>Frame</t></si>${STRINGS_TAIL}`,
      stringsFirst: true,
    });
    const reads = { pieces: 0 };
    const taken: SheetRow[] = [];
    for await (const row of xlsxRows(file(bytes, reads), undefined)) {
      taken.push(row);
      if (taken.length === 10) break;
    }
    const perPass = Math.ceil(bytes.length / 65536);
    assert.ok(reads.pieces - perPass < perPass / 2, `${reads.pieces} pieces read of ${perPass} a pass: the thread read on regardless`);
    noTemporaryFiles();
  });
});
