// Items exported to CSV import back as they were: into an empty MTC (every row accounted
// for), and into the same one as a no-op. Formulas are guarded in the file and unguarded on import.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemo } from '../../../src/app/demo/seed.ts';
import { createItem } from '../../../src/app/items/items.ts';
import { createVariant } from '../../../src/app/items/variants.ts';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { exportItemsCsv } from '../../../src/app/imports/export.ts';
import type { Database } from '../../../src/db/types.ts';
import { backends } from '../../helpers/backends.ts';
import { catalogState, jobState, migratedDatabase } from '../../helpers/imports.ts';

async function exported(db: Database): Promise<string> {
  let text = '';
  for await (const piece of exportItemsCsv(db)) text += piece;
  return text;
}

/** The catalogue without the ledger's history (an import writes one opening where the demo has many movements). */
const withoutHistory = (rows: Record<string, unknown>[]) => rows.map(({ movements: _m, ...r }) => r);

for (const backend of backends) {
  describe(`exporting items on ${backend.name}`, { skip: backend.skip }, () => {
    let a: Awaited<ReturnType<typeof migratedDatabase>>;
    let b: Awaited<ReturnType<typeof migratedDatabase>>;
    let csv: string;
    before(async () => {
      a = await migratedDatabase(backend);
      b = await migratedDatabase(backend);
      await seedDemo(a.db);
      await a.db.transaction(async (tx) => {
        const formula = await createItem(tx, { name: '=HYPERLINK("http://evil.example","x")', category: '@risk', description: '+1 tricky' });
        await createVariant(tx, formula.itemId, { color: '-red', size: 'M' });
        // Two items that differ only in their description are two items.
        await createItem(tx, { name: 'Twin', description: 'left' });
        await createItem(tx, { name: 'Twin', description: 'right' });
      });
      csv = await exported(a.db);
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    test('cells a spreadsheet would run are guarded with an apostrophe', () => {
      const line = csv.split('\r\n').find((l) => l.includes('HYPERLINK'))!;
      assert.equal(line, `"'=HYPERLINK(""http://evil.example"",""x"")",,,'+1 tricky,'@risk,'-red,M,0.000,pcs,0.000`);
      assert.ok(csv.startsWith('\uFEFFItem,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold\r\n'));
    });

    test('the file imports into an empty MTC as the same catalogue, every row accounted for', async () => {
      const rows = csv.split('\r\n').length - 2;
      const { jobId } = await createImportJob(b.db, { kind: 'items', fileName: 'export.csv', bytes: Buffer.from(csv), userId: null });
      assert.equal((await runImport(b.db, jobId)).status, 'completed');
      assert.deepEqual(await jobState(b.db, jobId), { status: 'completed', message: null, total: rows, processed: rows, success: rows, failure: 0 });
      assert.deepEqual(withoutHistory(await catalogState(b.db)), withoutHistory(await catalogState(a.db)));
    });

    test('imported into the MTC it came from, it changes nothing', async () => {
      const before = await catalogState(a.db);
      const { jobId } = await createImportJob(a.db, { kind: 'items', fileName: 'export.csv', bytes: Buffer.from(csv), userId: null });
      assert.equal((await runImport(a.db, jobId)).status, 'completed');
      assert.deepEqual(await catalogState(a.db), before);
    });
  });
}
