// Items, suppliers and rates exported to CSV import back as they were: into an empty MTC (every
// row accounted for), and into the same one as a no-op. Formulas are guarded in the file and
// unguarded on import, so hostile cells come back byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemo } from '../../../src/app/demo/seed.ts';
import { createItemIn } from '../../../src/app/items/items.ts';
import { createVariantIn, deleteVariant } from '../../../src/app/items/variants.ts';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { exportCsv, exportItemsCsv } from '../../../src/app/imports/export.ts';
import { createRateIn } from '../../../src/app/suppliers/rates.ts';
import { createSupplier, createSupplierIn } from '../../../src/app/suppliers/suppliers.ts';
import type { Database } from '../../../src/db/types.ts';
import { backends } from '../../helpers/backends.ts';
import { catalogState, jobState, migratedDatabase } from '../../helpers/imports.ts';

async function text(pieces: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const piece of pieces) all += piece;
  return all;
}

/** The CRLF-separated lines of a CSV file after its header (one per row, but for a cell holding a CRLF). */
const dataLines = (csv: string) => csv.split('\r\n').slice(1, -1);

/** Imports `csv` as `kind` and runs the job to its end; its counters. */
async function importCsv(db: Database, kind: string, csv: string) {
  const { jobId } = await createImportJob(db, { kind, fileName: `${kind}.csv`, bytes: Buffer.from(csv) }, CLI_ACTOR);
  await runImport(db, jobId);
  return jobState(db, jobId);
}

/** Every supplier; with `stamps`, when each was last written (an import that changes nothing leaves it). */
async function suppliersState(db: Database, stamps = false) {
  return (
    await db.query<Record<string, unknown>>(
      `SELECT firm_name, address, gstin, email, phone${stamps ? ', updated_at::text AS updated' : ''} FROM public.suppliers ORDER BY firm_name`,
    )
  ).rows;
}

/** Every rate by the names of its supplier and variant (its item's description too, so a rate on the wrong twin shows). */
async function ratesState(db: Database, stamps = false) {
  return (
    await db.query<Record<string, unknown>>(
      `SELECT s.firm_name AS supplier, i.name AS item, m.model_name AS model, va.variation_name AS variation, i.description, c.color_name AS color, z.size_name AS size,
              p.cost_per_unit::text AS cost, p.currency::text AS currency, p.minimum_order_quantity::text AS moq,
              to_char(p.effective_from, 'YYYY-MM-DD') AS "from", to_char(p.effective_to, 'YYYY-MM-DD') AS "to", p.is_active AS active
              ${stamps ? ', p.id, p.updated_at::text AS updated' : ''}
         FROM public.variant_supplier_pricing p JOIN public.suppliers s ON s.supplier_id = p.supplier_id
         JOIN public.item_variant v ON v.variant_id = p.variant_id JOIN public.item_master i ON i.item_id = v.item_id
         LEFT JOIN public.model_master m ON m.model_id = i.model_id LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
         JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master z ON z.size_id = v.size_id
        ORDER BY 1, 2, 3, 4, 5, 6, 7, "from", active, cost`,
    )
  ).rows;
}

/** The catalogue without the ledger's history (an import writes one opening where the demo has many movements). */
const withoutHistory = (rows: Record<string, unknown>[]) => rows.map(({ movements: _m, ...r }) => r);

const HOSTILE = {
  firmName: '=HYPERLINK("http://evil.example","x")',
  address: '-1 "Main" Street,\nBlock @B\r\nPune',
  gstin: '27AAPFU0939F1ZV',
  email: 'orders@evil.example',
  phone: '+91 98765 43210',
};

for (const backend of backends) {
  describe(`exporting items, suppliers and rates on ${backend.name}`, { skip: backend.skip }, () => {
    let a: Awaited<ReturnType<typeof migratedDatabase>>;
    let b: Awaited<ReturnType<typeof migratedDatabase>>;
    let items: string;
    let suppliers: string;
    let rates: string;
    /** The source catalogue: the demo, with hostile cells, twins and rates of every kind. */
    const fill = async (db: Database) => {
      await seedDemo(db);
      await db.transaction(async (tx) => {
        const formula = await createItemIn(tx, { name: '=HYPERLINK("http://evil.example","x")', category: '@risk', description: '+1 tricky' }, CLI_ACTOR);
        const red = await createVariantIn(tx, formula.itemId, { color: '-red', size: 'M' }, CLI_ACTOR);
        // Two items that differ only in their description are two items.
        await createItemIn(tx, { name: 'Twin', description: 'left' }, CLI_ACTOR);
        await createItemIn(tx, { name: 'Twin', description: 'right' }, CLI_ACTOR);
        const hostile = await createSupplierIn(tx, HOSTILE, CLI_ACTOR);
        await createSupplierIn(tx, { firmName: '@Acme "Best", Ltd' }, CLI_ACTOR);
        const terms = { currency: 'USD', minimumOrderQuantity: '2.5', effectiveTo: null, isActive: true };
        await createRateIn(
          tx,
          { supplierId: hostile.supplierId, variantId: red!.variantId, costPerUnit: '12.30', effectiveFrom: '2026-01-01', ...terms },
          CLI_ACTOR,
        );
        await createRateIn(
          tx,
          {
            supplierId: hostile.supplierId,
            variantId: red!.variantId,
            costPerUnit: '11.00',
            effectiveFrom: '2025-01-01',
            ...terms,
            effectiveTo: '2025-12-31',
          },
          CLI_ACTOR,
        );
        await createRateIn(
          tx,
          {
            supplierId: hostile.supplierId,
            variantId: red!.variantId,
            costPerUnit: '9.99',
            effectiveFrom: '2025-06-01',
            ...terms,
            isActive: false,
          },
          CLI_ACTOR,
        );
      });
    };
    before(async () => {
      a = await migratedDatabase(backend);
      b = await migratedDatabase(backend);
      await fill(a.db);
      items = await text(exportItemsCsv(a.db));
      suppliers = await text(exportCsv(a.db, 'suppliers'));
      rates = await text(exportCsv(a.db, 'supplier-rates'));
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    test('items: cells a spreadsheet would run are guarded with an apostrophe', () => {
      const line = items.split('\r\n').find((l) => l.includes('HYPERLINK'))!;
      assert.equal(line, `"'=HYPERLINK(""http://evil.example"",""x"")",,,'+1 tricky,'@risk,'-red,M,0.000,pcs,0.000,,`);
      assert.ok(items.startsWith('\uFEFFItem,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold,Code,Barcode\r\n'));
    });

    test('items: the file imports into an empty MTC as the same catalogue, every row accounted for', async () => {
      const rows = items.split('\r\n').length - 2;
      assert.deepEqual(await importCsv(b.db, 'items', items), { status: 'completed', message: null, total: rows, processed: rows, success: rows, failure: 0 });
      assert.deepEqual(withoutHistory(await catalogState(b.db)), withoutHistory(await catalogState(a.db)));
      // The demo's codes and barcodes come across with their variants.
      const marks = async (db: Database) =>
        (await db.query('SELECT code, barcode FROM public.item_variant WHERE deleted_at IS NULL AND code IS NOT NULL ORDER BY code')).rows;
      const shipped = await marks(a.db);
      assert.ok(shipped.length > 100);
      assert.deepEqual(await marks(b.db), shipped);
    });

    test('items: imported into the MTC it came from, it changes nothing', async () => {
      const before = await catalogState(a.db);
      assert.equal((await importCsv(a.db, 'items', items)).status, 'completed');
      assert.deepEqual(await catalogState(a.db), before);
    });

    test('suppliers: the import’s own columns, every supplier, hostile cells guarded and quoted', async () => {
      assert.ok(suppliers.startsWith('\uFEFFFirm Name,Address,GSTIN,Email,Phone\r\n'));
      // The hostile address holds a CRLF inside its quotes, which splits its row in two here.
      assert.equal(dataLines(suppliers).length, (await suppliersState(a.db)).length + 1);
      assert.ok(
        suppliers.includes(
          `\r\n"'=HYPERLINK(""http://evil.example"",""x"")","'-1 ""Main"" Street,\nBlock @B\r\nPune",27AAPFU0939F1ZV,orders@evil.example,'+91 98765 43210\r\n`,
        ),
        suppliers,
      );
      assert.ok(suppliers.includes(`\r\n"'@Acme ""Best"", Ltd",,,,\r\n`));
      assert.doesNotMatch(suppliers, /(^|,|\r\n)"?[=+@-]/, 'no cell starts with a formula');
    });

    test('suppliers: the file imports into an empty MTC as the same suppliers, hostile cells byte for byte', async () => {
      const rows = (await suppliersState(a.db)).length;
      assert.deepEqual(await importCsv(b.db, 'suppliers', suppliers), {
        status: 'completed',
        message: null,
        total: rows,
        processed: rows,
        success: rows,
        failure: 0,
      });
      assert.deepEqual(await suppliersState(b.db), await suppliersState(a.db));
      const back = (
        await b.db.query<Record<string, string>>(`SELECT firm_name AS "firmName", address, gstin, email, phone FROM public.suppliers WHERE firm_name LIKE '=%'`)
      ).rows;
      assert.deepEqual(back, [HOSTILE]);
      // Made in the same order, they export as the same file.
      assert.equal(await text(exportCsv(b.db, 'suppliers')), suppliers);
    });

    test('suppliers: imported into the MTC it came from, nothing is written', async () => {
      const before = await suppliersState(a.db, true);
      const rows = before.length;
      assert.deepEqual(await importCsv(a.db, 'suppliers', suppliers), {
        status: 'completed',
        message: null,
        total: rows,
        processed: rows,
        success: rows,
        failure: 0,
      });
      assert.deepEqual(await suppliersState(a.db, true), before);
    });

    test('rates: every rate, active or not, with its own period, in the import’s own columns', async () => {
      assert.ok(
        rates.startsWith(
          '\uFEFFSupplier,Item,Model,Variation,Description,Color,Size,Cost,Currency,MOQ,Effective From,Effective To,Active,Price Breaks,Lead Time (days),Pack Size\r\n',
        ),
      );
      assert.equal(dataLines(rates).length, (await ratesState(a.db)).length);
      const hostile = dataLines(rates).filter((l) => l.includes('HYPERLINK'));
      const item = `"'=HYPERLINK(""http://evil.example"",""x"")",,,'+1 tricky,'-red,M`;
      assert.deepEqual(hostile, [
        `"'=HYPERLINK(""http://evil.example"",""x"")",${item},12.30,USD,2.500,01/01/2026,,yes,,,1.000`,
        `"'=HYPERLINK(""http://evil.example"",""x"")",${item},11.00,USD,2.500,01/01/2025,31/12/2025,yes,,,1.000`,
        `"'=HYPERLINK(""http://evil.example"",""x"")",${item},9.99,USD,2.500,01/06/2025,,no,,,1.000`,
      ]);
      assert.ok(
        dataLines(rates).some((l) => l.includes(',no,') && !l.includes('HYPERLINK')),
        'the demo’s withdrawn quotes are exported too',
      );
    });

    test('rates: the file imports into an empty MTC (after its items and suppliers) as the same rates', async () => {
      // the items and suppliers first, as the tests above import them (again, when they ran: a no-op)
      for (const [kind, file] of [
        ['items', items],
        ['suppliers', suppliers],
      ] as const)
        assert.equal((await importCsv(b.db, kind, file)).status, 'completed', kind);
      const rows = dataLines(rates).length;
      assert.deepEqual(await importCsv(b.db, 'rates', rates), { status: 'completed', message: null, total: rows, processed: rows, success: rows, failure: 0 });
      assert.deepEqual(await ratesState(b.db), await ratesState(a.db));
      assert.deepEqual([...dataLines(await text(exportCsv(b.db, 'rates')))].sort(), [...dataLines(rates)].sort());
    });

    test('rates: imported into the MTC it came from, nothing is written', async () => {
      const before = await ratesState(a.db, true);
      const rows = dataLines(rates).length;
      assert.deepEqual(await importCsv(a.db, 'rates', rates), { status: 'completed', message: null, total: rows, processed: rows, success: rows, failure: 0 });
      assert.deepEqual(await ratesState(a.db, true), before);
    });

    test('rates no row can name are left out, so the file still imports as a no-op; twins told apart by their description are not', async (t) => {
      // it adds to its source: a source of its own, so the other tests' stays as they read it
      const a = await migratedDatabase(backend);
      t.after(() => a.close());
      await fill(a.db);
      const before = dataLines(rates);
      const goneId = await a.db.transaction(async (tx) => {
        const supplierId = (await tx.query<{ id: number }>(`SELECT supplier_id AS id FROM public.suppliers WHERE firm_name LIKE '=%'`)).rows[0]!.id;
        // A withdrawn quote with the same start as the active rate: the import's key finds the active one.
        const variantId = (await tx.query<{ id: number }>(`SELECT variant_id AS id FROM public.variant_supplier_pricing WHERE cost_per_unit = 12.30`)).rows[0]!
          .id;
        await createRateIn(
          tx,
          {
            supplierId,
            variantId,
            costPerUnit: '1.00',
            currency: 'USD',
            minimumOrderQuantity: '1',
            effectiveFrom: '2026-01-01',
            effectiveTo: null,
            isActive: false,
          },
          CLI_ACTOR,
        );
        // A rate on the second Twin: its Description names it.
        const twins = (await tx.query<{ id: number }>(`SELECT item_id AS id FROM public.item_master WHERE name = 'Twin' ORDER BY item_id`)).rows;
        await createVariantIn(tx, twins[0]!.id, { color: 'Black', size: 'M' }, CLI_ACTOR);
        const right = await createVariantIn(tx, twins[1]!.id, { color: 'Black', size: 'M' }, CLI_ACTOR);
        await createRateIn(
          tx,
          {
            supplierId,
            variantId: right!.variantId,
            costPerUnit: '2.00',
            currency: 'USD',
            minimumOrderQuantity: '1',
            effectiveFrom: '2026-01-01',
            effectiveTo: null,
            isActive: true,
          },
          CLI_ACTOR,
        );
        // A rate on a third Twin without a description: an empty Description names all three.
        const plain = await createItemIn(tx, { name: 'Twin' }, CLI_ACTOR);
        const plainBlack = await createVariantIn(tx, plain.itemId, { color: 'Black', size: 'M' }, CLI_ACTOR);
        await createRateIn(
          tx,
          {
            supplierId,
            variantId: plainBlack!.variantId,
            costPerUnit: '4.00',
            currency: 'USD',
            minimumOrderQuantity: '1',
            effectiveFrom: '2026-01-01',
            effectiveTo: null,
            isActive: true,
          },
          CLI_ACTOR,
        );
        // A rate of a deleted variant.
        const gone = await createVariantIn(tx, twins[1]!.id, { color: 'Black', size: 'L' }, CLI_ACTOR);
        await createRateIn(
          tx,
          {
            supplierId,
            variantId: gone!.variantId,
            costPerUnit: '3.00',
            currency: 'USD',
            minimumOrderQuantity: '1',
            effectiveFrom: '2026-01-01',
            effectiveTo: null,
            isActive: true,
          },
          CLI_ACTOR,
        );
        return gone!.variantId;
      });
      await deleteVariant(a.db, goneId, CLI_ACTOR);
      const again = await text(exportCsv(a.db, 'rates'));
      assert.deepEqual(dataLines(again), [
        ...before,
        `"'=HYPERLINK(""http://evil.example"",""x"")",Twin,,,right,Black,M,2.00,USD,1.000,01/01/2026,,yes,,,1.000`,
      ]);
      const state = await ratesState(a.db, true);
      assert.equal((await importCsv(a.db, 'rates', again)).failure, 0);
      assert.deepEqual(await ratesState(a.db, true), state);

      // The items file names that third Twin by an empty Description, which names all three: its row is rejected, naming them.
      const items = await text(exportItemsCsv(a.db));
      const { jobId } = await createImportJob(a.db, { kind: 'items', fileName: 'items.csv', bytes: Buffer.from(items) }, CLI_ACTOR);
      await runImport(a.db, jobId);
      const errors = (await a.db.query<{ message: string }>('SELECT message FROM public.import_job_errors WHERE import_job_id = $1', [jobId])).rows;
      assert.equal(errors.length, 1);
      assert.match(
        errors[0]!.message,
        /^"Twin" \(no model, no variation\) names 3 items: #\d+ \("left"\), #\d+ \("right"\), #\d+ \(no description\)\. Give the Description of the one meant/,
      );
    });

    test('a value that already starts with an apostrophe before a formula keeps it: guarded once more, unguarded once', async () => {
      const c = await migratedDatabase(backend);
      try {
        for (const firmName of ["'=already guarded", "''+twice", "'plain quote"]) await createSupplier(c.db, { firmName }, CLI_ACTOR);
        const csv = await text(exportCsv(c.db, 'suppliers'));
        const names = dataLines(csv).map((l) => l.split(',')[0]);
        assert.deepEqual(names.sort(), ["'''+twice", "''=already guarded", "'plain quote"].sort());
        const state = await suppliersState(c.db, true);
        const job = await importCsv(c.db, 'suppliers', csv);
        assert.equal(job.failure, 0);
        assert.deepEqual(await suppliersState(c.db, true), state, 'the same suppliers, untouched: none made from an unguarded name');
      } finally {
        await c.close();
      }
    });

    test('an unknown kind is a usage error naming the kinds, before anything is read', () => {
      assert.throws(
        () => exportCsv(a.db, 'widgets'),
        (e: { code?: string; category?: string; message: string }) =>
          e.code === 'IMPORT_UNKNOWN_KIND' && e.category === 'usage' && /unknown import kind "widgets": use items, suppliers, rates/.test(e.message),
      );
    });
  });
}
