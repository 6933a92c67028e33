// The items import and export carry a variant's Code and Barcode: imported, updated and kept
// when a cell is empty; a code given twice in one file (whatever its case), one another
// variant holds, or one with a space inside refuses its row, naming the row or the variant;
// exported back as they are.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { exportItemsCsv } from '../../../src/app/imports/export.ts';
import type { Database } from '../../../src/db/types.ts';
import { backends } from '../../helpers/backends.ts';
import { jobErrors, jobState, migratedDatabase } from '../../helpers/imports.ts';

async function importCsv(db: Database, csv: string) {
  const { jobId } = await createImportJob(db, { kind: 'items', fileName: 'items.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
  await runImport(db, jobId);
  return { state: await jobState(db, jobId), errors: await jobErrors(db, jobId) };
}

const marks = async (db: Database) =>
  (
    await db.query<{ name: string; color: string; size: string; code: string | null; barcode: string | null }>(
      `SELECT i.name, c.color_name AS color, s.size_name AS size, v.code, v.barcode FROM public.item_variant v
         JOIN public.item_master i ON i.item_id = v.item_id JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master s ON s.size_id = v.size_id
        ORDER BY i.name, c.color_name, s.size_name`,
    )
  ).rows.map((r) => `${r.name}/${r.color}/${r.size}: ${r.code ?? '-'} ${r.barcode ?? '-'}`);

for (const backend of backends) {
  describe(`codes and barcodes in the items import and export on ${backend.name}`, { skip: backend.skip }, () => {
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    before(async () => {
      t = await migratedDatabase(backend);
    });
    after(async () => {
      await t?.close();
    });

    test('codes and barcodes are imported; a code twice in the file (any case), or with a space, refuses the row naming the row; the rest are written', async () => {
      const { state, errors } = await importCsv(
        t.db,
        [
          'Item,Color,Size,Stock,Code,Barcode',
          'Bell,Red,S,5,BELL-RD-S,8901234567890',
          'Bell,Blue,S,5,bell-rd-s,',
          'Bell,Green,S,5,BELL GR S,',
          'Horn,Black,M,1,HORN-BK-M,8901234567890',
          'Horn,White,M,1,,',
          'Horn,Grey,,1,HORN-GY,',
        ].join('\n'),
      );
      assert.deepEqual(
        errors.map((e) => [e.row, e.field, e.message]),
        [
          [3, 'code', 'Code "bell-rd-s" is given on row 2 too: a code belongs to one variant'],
          [4, 'code', 'Code "BELL GR S" has a space or an invisible character inside: write it without (letters, digits and signs such as - / .)'],
          [5, 'barcode', 'Barcode "8901234567890" is given on row 2 too: a barcode belongs to one variant'],
          [7, 'size', 'Size is required with a Color: a variant is a colour and a size'],
        ],
      );
      assert.equal(state.success, 2);
      assert.deepEqual(await marks(t.db), ['Bell/Red/S: BELL-RD-S 8901234567890', 'Horn/White/M: - -']);
    });

    test('a second file: an empty cell keeps the code, a new one replaces it, one another variant holds refuses the row naming that variant', async () => {
      const { errors } = await importCsv(
        t.db,
        ['Item,Color,Size,Code,Barcode', 'Bell,Red,S,,', 'Horn,White,M,HORN-WH-M,', 'Horn,Black,M,Bell-Rd-S,'].join('\n'),
      );
      const held = (await t.db.query<{ id: number }>("SELECT variant_id AS id FROM public.item_variant WHERE code = 'BELL-RD-S'")).rows[0]!.id;
      assert.deepEqual(
        errors.map((e) => [e.row, e.field, e.message]),
        [[4, 'code', `Code "Bell-Rd-S" is taken by variant ${held} (Bell, Red, S): give this one another`]],
      );
      assert.deepEqual(await marks(t.db), ['Bell/Red/S: BELL-RD-S 8901234567890', 'Horn/White/M: HORN-WH-M -']);
    });

    test('the export has Code and Barcode columns, and imports back as a no-op', async () => {
      let csv = '';
      for await (const piece of exportItemsCsv(t.db)) csv += piece;
      const lines = csv.split('\r\n');
      assert.match(lines[0]!, /,Code,Barcode$/);
      assert.ok(
        lines.some((l) => l.endsWith(',BELL-RD-S,8901234567890')),
        csv,
      );
      const before = await marks(t.db);
      const { errors } = await importCsv(t.db, csv);
      assert.deepEqual(errors, []);
      assert.deepEqual(await marks(t.db), before);
    });
  });
}
