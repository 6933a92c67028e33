// Price breaks (issue 22, point 1) on PGlite and on the server: a rate's breaks and terms as
// they are set and refused, costing at the break a run's quantity reaches (hand-computed in
// the comments), worst against best when two suppliers' breaks cross, a lot's estimate at its
// quantity, and the rates import and export with a Price Breaks column.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { costProcess, unitCosts } from '../../src/app/costing/costing.ts';
import { createImportJob, runImport } from '../../src/app/imports/engine.ts';
import { exportRatesCsv } from '../../src/app/imports/export.ts';
import { createLot } from '../../src/app/lots/lots.ts';
import { MAX_BREAKS, createRate, getRate, updateRate } from '../../src/app/suppliers/rates.ts';
import type { NewRate, Rate } from '../../src/app/suppliers/rates.ts';
import { createSupplier, updateSupplier } from '../../src/app/suppliers/suppliers.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { jobErrors } from '../helpers/imports.ts';
import { migrateProject } from '../helpers/migrated.ts';
import { insertProcess, insertVariant } from '../helpers/processes.ts';

const AT = '2025-06-15';

for (const backend of backends) {
  describe(`price breaks on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let n = 0;
    const supplier = async (name: string) => (await createSupplier(db, { firmName: `${name} ${++n}` }, CLI_ACTOR)).supplierId;
    const variant = async (name: string) => insertVariant(db, `${name} ${++n}`, { color: 'Indigo', size: 'XL' });
    const rate = (supplierId: number, variantId: number, costPerUnit: string, breaks: [string, string][] = [], more: Partial<NewRate> = {}) =>
      createRate(
        db,
        {
          supplierId,
          variantId,
          costPerUnit,
          currency: 'INR',
          minimumOrderQuantity: '1',
          effectiveFrom: '2025-01-01',
          effectiveTo: null,
          isActive: true,
          breaks: breaks.map(([fromQuantity, cost]) => ({ fromQuantity, costPerUnit: cost })),
          ...more,
        },
        CLI_ACTOR,
      );
    /** The refusal's code and message of a write that must fail. */
    const refusal = async (write: Promise<unknown>) => {
      try {
        await write;
      } catch (err) {
        const e = err as { code: string; message: string };
        return { code: e.code, message: e.message };
      }
      assert.fail('the write was not refused');
    };

    before(async () => {
      t = await backend.create();
      db = await t.open();
      await migrateProject(db);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('a rate keeps its breaks smallest first, its lead time and pack size; a change replaces the set of breaks', async () => {
      const s = await supplier('Keeper');
      const v = await variant('Spoke');
      const made = await rate(s, v, '10.00', [
        ['500', '9.00'],
        ['100', '9.5'],
      ]);
      assert.deepEqual(made.breaks, [
        { fromQuantity: '100.000', costPerUnit: '9.50' },
        { fromQuantity: '500.000', costPerUnit: '9.00' },
      ]);
      assert.equal(made.leadTimeDays, null); // the supplier's default
      assert.equal(made.packSize, '1.000');
      const changed = await updateRate(
        db,
        made.rateId,
        { breaks: [{ fromQuantity: '250', costPerUnit: '8.75' }], leadTimeDays: 12, packSize: '50' },
        CLI_ACTOR,
      );
      assert.deepEqual(changed.breaks, [{ fromQuantity: '250.000', costPerUnit: '8.75' }]);
      assert.equal(changed.leadTimeDays, 12);
      assert.equal(changed.packSize, '50.000');
      // A change that leaves out breaks keeps them; [] removes them.
      assert.deepEqual((await updateRate(db, made.rateId, { costPerUnit: '10.50' }, CLI_ACTOR)).breaks, changed.breaks);
      assert.deepEqual((await updateRate(db, made.rateId, { breaks: [] }, CLI_ACTOR)).breaks, []);
      const audit = await db.query<{ after: Rate }>(
        `SELECT after FROM public.audit_events WHERE entity = 'supplier_rate' AND entity_id = $1::text ORDER BY id DESC LIMIT 1`,
        [made.rateId],
      );
      assert.deepEqual(audit.rows[0]?.after.breaks, []);
    });

    test('breaks are refused in words naming the field: from 1 or less, one quantity twice, a negative cost, more than the bound', async () => {
      const s = await supplier('Refused');
      const v = await variant('Tube');
      const cases: [string, [string, string][], RegExp][] = [
        ['from 1', [['1', '9.00']], /^breaks: write each break from more than 1 unit \(the rate's own cost is its price from 1 unit\), not from 1$/],
        ['from 0.5', [['0.5', '9.00']], /not from 0\.5$/],
        [
          'twice',
          [
            ['100', '9.00'],
            ['100.0', '8.00'],
          ],
          /^breaks: write each quantity once: two breaks are from 100\.0$/,
        ],
        ['negative', [['100', '-1.00']], /^breaks: write a cost of 0 or more for the break from 100, not -1\.00$/],
        ['not a number', [['lots', '9.00']], /^breaks: write a break's quantity as a number such as 100 or 2\.5/],
        [
          'too many',
          Array.from({ length: MAX_BREAKS + 1 }, (_, i): [string, string] => [String(10 + i), '1.00']),
          /^breaks: write at most 20 breaks a rate, not 21$/,
        ],
      ];
      for (const [name, breaks, message] of cases) {
        const r = await refusal(rate(s, v, '10.00', breaks));
        assert.equal(r.code, 'INVALID_BREAKS', name);
        assert.match(r.message, message, name);
      }
      const none = await db.query('SELECT 1 FROM public.variant_supplier_pricing WHERE variant_id = $1', [v]);
      assert.equal(none.rowCount, 0, 'a refused rate writes nothing');
      const made = await rate(s, v, '10.00', [['100', '9.00']]);
      const r = await refusal(updateRate(db, made.rateId, { breaks: [{ fromQuantity: '1', costPerUnit: '1.00' }] }, CLI_ACTOR));
      assert.equal(r.code, 'INVALID_BREAKS');
      assert.deepEqual((await getRate(db, made.rateId))!.breaks, [{ fromQuantity: '100.000', costPerUnit: '9.00' }], 'a refused change keeps the breaks');
      assert.equal((await refusal(rate(s, await variant('Lead'), '1.00', [], { leadTimeDays: 731 }))).code, 'INVALID_LEAD_TIME');
      assert.equal((await refusal(rate(s, await variant('Pack'), '1.00', [], { packSize: '0' }))).code, 'INVALID_PACK_SIZE');
    });

    test('a supplier has a default lead time, 0 until set, refused outside 0 to 730 days', async () => {
      const made = await createSupplier(db, { firmName: `Lead ${++n}`, leadTimeDays: 14 }, CLI_ACTOR);
      assert.equal(made.leadTimeDays, 14);
      assert.equal((await createSupplier(db, { firmName: `Lead ${++n}` }, CLI_ACTOR)).leadTimeDays, 0);
      assert.equal((await updateSupplier(db, made.supplierId, { leadTimeDays: 30 }, CLI_ACTOR)).leadTimeDays, 30);
      const r = await refusal(updateSupplier(db, made.supplierId, { leadTimeDays: -1 }, CLI_ACTOR));
      assert.deepEqual(r, { code: 'INVALID_LEAD_TIME', message: 'leadTimeDays: write a whole number of days from 0 to 730, not -1' });
    });

    test('costing a run prices each variant at the break its quantity reaches: below, exactly at and above', async () => {
      // Rate: 10.00 from 1, 9.00 from 100, 8.00 from 500. The process uses the variant on two
      // plain lines of 2 and 3 (5 a unit, bought together): a run of 19 buys 95 (10.00),
      // of 20 exactly 100 (9.00), of 100 buys 500 (8.00).
      const s = await supplier('Breaks');
      const v = await variant('Wire');
      await rate(s, v, '10.00', [
        ['100', '9.00'],
        ['500', '8.00'],
      ]);
      const p = await insertProcess(db, {
        name: `Run ${++n}`,
        salesPrice: '100',
        steps: [{ lines: [{ variantId: v, quantity: '2' }] }, { lines: [{ variantId: v, quantity: '3' }] }],
      });
      const at = async (quantity: number) => (await costProcess(db, p.processId, { at: AT, quantity }))!;
      assert.deepEqual((await at(19)).total, { worst: '950.00', best: '950.00' }); // 95 × 10.00
      assert.deepEqual((await at(20)).total, { worst: '900.00', best: '900.00' }); // 100 × 9.00
      assert.deepEqual((await at(99)).total, { worst: '4455.00', best: '4455.00' }); // 495 × 9.00
      const hundred = await at(100);
      assert.deepEqual(hundred.total, { worst: '4000.00', best: '4000.00' }); // 500 × 8.00
      assert.deepEqual(hundred.unit, { worst: '40.00', best: '40.00' });
      assert.deepEqual(hundred.margin, { worst: '60.00', best: '60.00' }); // (10000 − 4000) / 10000
      // One step's lines are priced at the process's quantity, not the step's: 3 × 9.00 at a run of 20... × 20 units.
      assert.deepEqual(
        (await at(20)).subprocesses.map((x) => x.lines.worst),
        ['18.00', '27.00'],
      );
    });

    test('worst and best take the dearest and cheapest price at the quantity, when two suppliers’ breaks cross', async () => {
      // A: 10.00, from 100 7.00. B: 9.00, from 50 8.00. One line of 1 a unit:
      // run 10 → A 10.00, B 9.00: worst 100.00, best 90.00;
      // run 60 → A 10.00, B 8.00: worst 600.00, best 480.00;
      // run 100 → A 7.00, B 8.00: worst 800.00 (B), best 700.00 (A): the suppliers swap places.
      const v = await variant('Rim');
      await rate(await supplier('A'), v, '10.00', [['100', '7.00']]);
      await rate(await supplier('B'), v, '9.00', [['50', '8.00']]);
      const p = await insertProcess(db, { name: `Cross ${++n}`, steps: [{ lines: [{ variantId: v, quantity: '1' }] }] });
      const total = async (quantity: number) => (await costProcess(db, p.processId, { at: AT, quantity }))!.total;
      assert.deepEqual(await total(10), { worst: '100.00', best: '90.00' });
      assert.deepEqual(await total(60), { worst: '600.00', best: '480.00' });
      assert.deepEqual(await total(100), { worst: '800.00', best: '700.00' });
      // The unit costs the editor reads name the same prices from each break on.
      const unit = (await unitCosts(db, [v], AT)).costs[0]!;
      assert.deepEqual(unit, {
        variantId: v,
        worst: '10.00',
        best: '9.00',
        breaks: [
          { fromQuantity: '50.000', worst: '10.00', best: '8.00' },
          { fromQuantity: '100.000', worst: '8.00', best: '7.00' },
        ],
      });
    });

    test('a substitute alternative is priced at what the run buys of its variant were it chosen: its own quantity plus the plain lines', async () => {
      // Variant X: 5.00, from 30 4.00. A plain line of 1 X and a group of {2 X, 1 Y (4.50)}; run of 10:
      // plain X: 10 bought → 5.00 → 50.00; alternative X: (1 + 2) × 10 = 30 bought → 4.00 × 20 = 80.00;
      // alternative Y: 10 bought → 4.50 × 10 = 45.00. Worst 50 + 80 = 130.00, best 50 + 45 = 95.00.
      const s = await supplier('Alt');
      const x = await variant('X');
      const y = await variant('Y');
      await rate(s, x, '5.00', [['30', '4.00']]);
      await rate(s, y, '4.50');
      const p = await insertProcess(db, {
        name: `Alt ${++n}`,
        steps: [
          {
            lines: [{ variantId: x, quantity: '1' }],
            groups: [
              {
                name: 'g',
                alternatives: [
                  { variantId: x, quantity: '2' },
                  { variantId: y, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      const c = (await costProcess(db, p.processId, { at: AT, quantity: 10 }))!;
      assert.deepEqual(c.total, { worst: '130.00', best: '95.00' });
    });

    test('a lot’s estimate prices at the lot’s quantity', async () => {
      // 12.00, from 40 10.00; one line of 2 a unit. A lot of 15 buys 30 (12.00): 360.00; of 20 buys 40 (10.00): 400.00.
      const s = await supplier('Lot');
      const v = await variant('Seat');
      await rate(s, v, '12.00', [['40', '10.00']]);
      const p = await insertProcess(db, { name: `Lot ${++n}`, steps: [{ lines: [{ variantId: v, quantity: '2' }] }] });
      const small = await createLot(db, { processId: p.processId, quantity: 15 }, CLI_ACTOR, { at: AT });
      const big = await createLot(db, { processId: p.processId, quantity: 20 }, CLI_ACTOR, { at: AT });
      assert.equal(small.worstCaseEstimatedCost, '360.00');
      assert.equal(big.worstCaseEstimatedCost, '400.00');
      assert.equal(big.bestCaseEstimatedCost, '400.00');
    });

    test('the rates import reads Price Breaks, Lead Time and Pack Size, and names the row and field of each bad one', async () => {
      const s = await createSupplier(db, { firmName: `Importer ${++n}` }, CLI_ACTOR);
      const item = `Chain ${++n}`;
      await insertVariant(db, item, { color: 'Silver', size: 'One' });
      await insertVariant(db, item, { color: 'Gold', size: 'One' });
      const head = 'Supplier,Item,Color,Size,Cost,Effective From,Price Breaks,Lead Time (days),Pack Size\n';
      const row = (color: string, from: string, breaks: string, lead = '', pack = '') =>
        `${s.firmName},${item},${color},One,10.00,${from},${breaks},${lead},${pack}\n`;
      const text =
        head +
        row('Silver', '2025-01-01', '100:9.50; 500:9.00', '12', '25') + // row 2: good
        row('Gold', '2025-01-01', '') + // row 3: good, no breaks
        row('Silver', '2025-02-01', '100-9.50') + // row 4: not a pair
        row('Silver', '2025-03-01', '1:9.00') + // row 5: from 1
        row('Silver', '2025-04-01', '100:9.00; 100:8.00') + // row 6: twice
        row('Silver', '2025-05-01', '100:-1') + // row 7: negative
        row('Silver', '2025-06-01', '', '999') + // row 8: lead time
        row('Silver', '2025-07-01', '', '', '0'); // row 9: pack size
      const { jobId } = await createImportJob(db, { kind: 'rates', fileName: 'rates.csv', bytes: Buffer.from(text) }, CLI_ACTOR);
      await runImport(db, jobId);
      const errors = await jobErrors(db, jobId);
      assert.deepEqual(
        errors.map((e) => [e.row, e.field, e.message]),
        [
          [4, 'breaks', '"100-9.50" is not a break: write each as quantity:cost, separated by semicolons, e.g. 100:9.50; 500:9.00 (or none)'],
          [5, 'breaks', "write each break from more than 1 unit (the rate's own cost is its price from 1 unit), not from 1"],
          [6, 'breaks', 'write each quantity once: two breaks are from 100'],
          [7, 'breaks', 'write a cost of 0 or more for the break from 100, not -1'],
          [8, 'lead', `"999" is not a lead time: write a whole number of days from 0 to 730, or leave it empty for the supplier's default`],
          [9, 'pack', 'write a pack size more than 0, or leave it empty'],
        ],
      );
      const rates = await db.query<{ color: string; id: number }>(
        `SELECT c.color_name AS color, p.id FROM public.variant_supplier_pricing p JOIN public.item_variant v ON v.variant_id = p.variant_id
           JOIN public.color_master c ON c.color_id = v.color_id WHERE p.supplier_id = $1 ORDER BY c.color_name`,
        [s.supplierId],
      );
      const [gold, silver] = [await getRate(db, rates.rows[0]!.id), await getRate(db, rates.rows[1]!.id)];
      assert.deepEqual(silver!.breaks, [
        { fromQuantity: '100.000', costPerUnit: '9.50' },
        { fromQuantity: '500.000', costPerUnit: '9.00' },
      ]);
      assert.equal(silver!.leadTimeDays, 12);
      assert.equal(silver!.packSize, '25.000');
      assert.deepEqual(gold!.breaks, []);

      // The export writes the breaks as the import reads them; importing it again changes nothing,
      // and "none" removes a rate's breaks.
      let csv = '';
      for await (const chunk of exportRatesCsv(db)) csv += chunk;
      const line = csv.split('\n').find((l) => l.startsWith(s.firmName) && l.includes('Silver'))!;
      assert.match(line, /,100:9\.50; 500:9\.00,12,25\.000/);
      const again = await createImportJob(db, { kind: 'rates', fileName: 'again.csv', bytes: Buffer.from(`${csv.split('\n')[0]}\n${line}\n`) }, CLI_ACTOR);
      await runImport(db, again.jobId);
      const reread = (await getRate(db, silver!.rateId))!;
      assert.deepEqual(reread.breaks, silver!.breaks);
      assert.equal(reread.updatedAt, silver!.updatedAt, 'importing the export again leaves the rate as it was');
      const clear = await createImportJob(
        db,
        { kind: 'rates', fileName: 'none.csv', bytes: Buffer.from(head + row('Silver', '2025-01-01', 'none')) },
        CLI_ACTOR,
      );
      await runImport(db, clear.jobId);
      assert.deepEqual((await getRate(db, silver!.rateId))!.breaks, []);
      assert.equal((await getRate(db, silver!.rateId))!.leadTimeDays, 12, 'an empty Lead Time keeps it');
    });
  });
}
