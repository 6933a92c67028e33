// XLSX files: read as a stream, cells as a person reads them, the sheet chosen by name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { previewImport } from '../../../src/app/imports/preview.ts';
import { hostile } from '../../helpers/xlsx-files.ts';
import { backends } from '../../helpers/backends.ts';
import { catalogState, jobErrors, jobState, migratedDatabase } from '../../helpers/imports.ts';

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const notes = wb.addWorksheet('Notes');
  notes.addRow(['not', 'this', 'one']);
  const ws = wb.addWorksheet('Stock list');
  ws.addRow(['Item', 'Model', 'Colour', 'Size', 'Stock', 'Reorder Level', 'Description']);
  ws.addRow(['Frame', 'Roadster', 'Black', 'M', 12, 2.5, { richText: [{ text: 'Steel ' }, { text: 'lugged', font: { bold: true } }] }]);
  ws.addRow(['Frame', 'Roadster', 'Black', 'L', { formula: '2*3', result: 6 }, 0, 'Steel lugged']);
  ws.addRow([]);
  ws.addRow(['Frame', 'Roadster', 'Black', 'S', 'lots', 0, 'Steel lugged']);
  ws.addRow(['Wheel', null, 'Black', 700, 4, 1, null]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const backend of backends) {
  describe(`XLSX imports on ${backend.name}`, { skip: backend.skip }, () => {
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    before(async () => {
      t = await migratedDatabase(backend);
    });
    after(() => t?.close());

    test('reads the named sheet: numbers, formulas by their result, rich text as text, sheet row numbers', async () => {
      const { jobId } = await createImportJob(
        t.db,
        {
          kind: 'items',
          fileName: 'stock.xlsx',
          bytes: await workbook(),
          options: { sheet: 'Stock list' },
        },
        CLI_ACTOR,
      );
      assert.equal((await runImport(t.db, jobId)).status, 'completed_with_errors');
      assert.deepEqual(await jobState(t.db, jobId), {
        status: 'completed_with_errors',
        message: '1 of 4 rows rejected',
        total: 4,
        processed: 4,
        success: 3,
        failure: 1,
      });
      assert.deepEqual(
        (await jobErrors(t.db, jobId)).map((e) => [e.row, e.field, e.raw]),
        [[5, 'stock', 'Frame,Roadster,Black,S,lots,0,Steel lugged']],
      );
      const state = await catalogState(t.db);
      assert.deepEqual(
        state.map((s) => [s.name, s.size, s.stock, s.threshold, s.description]),
        [
          ['Frame', 'L', '6.000', '0.000', 'Steel lugged'],
          ['Frame', 'M', '12.000', '2.500', 'Steel lugged'],
          ['Wheel', '700', '4.000', '1.000', null],
        ],
      );
    });

    test('an unknown sheet, or a zip that is no workbook, fails the job saying so', async () => {
      const { jobId } = await createImportJob(
        t.db,
        {
          kind: 'items',
          fileName: 'stock.xlsx',
          bytes: await workbook(),
          options: { sheet: 'Nope' },
        },
        CLI_ACTOR,
      );
      assert.equal((await runImport(t.db, jobId)).status, 'failed');
      assert.match((await jobState(t.db, jobId)).message!, /no worksheet "Nope" \(it has: Notes, Stock list\)/);
      const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
      const b = await createImportJob(t.db, { kind: 'items', fileName: 'broken.xlsx', bytes: broken }, CLI_ACTOR);
      assert.equal((await runImport(t.db, b.jobId)).status, 'failed');
      assert.match((await jobState(t.db, b.jobId)).message!, /not a readable XLSX workbook|empty/);
    });

    test('a hostile workbook fails its job with the limit it passed and what to do, imports nothing, and its preview says the same', async () => {
      const catalog = await catalogState(t.db);
      const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: 'bomb.xlsx', bytes: hostile.sharedStrings() }, CLI_ACTOR);
      assert.equal((await runImport(t.db, jobId)).status, 'failed');
      const message =
        "the workbook's texts (its shared strings, kept in memory while it is read) take more than 128 MiB: save the sheet to import as CSV (in Excel: File › Save As › CSV UTF-8) and import that, or split it into several workbooks";
      assert.deepEqual(await jobState(t.db, jobId), { status: 'failed', message, total: 0, processed: 0, success: 0, failure: 0 });
      assert.deepEqual(await catalogState(t.db), catalog);
      assert.equal((await previewImport(t.db, jobId)).problem, message);
    });
  });
}
