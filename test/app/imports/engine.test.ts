// The import engine end to end on both backends: rows written or rejected one by one with
// their reasons, natural keys, stock as a target level, a missing column, resumption after a
// stop and cancellation between batches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { previewImport } from '../../../src/app/imports/preview.ts';
import { changeSettings } from '../../../src/app/settings/settings.ts';
import type { Database } from '../../../src/db/types.ts';
import { backends } from '../../helpers/backends.ts';
import { catalogState, jobErrors, jobState, migratedDatabase } from '../../helpers/imports.ts';

const ITEMS = `Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold
Frame,Roadster,Classic,Steel frame,Frames,Black,M,10,pcs,2
Frame,Roadster,Classic,Steel frame,Frames,Black,L,5,pcs,2
Frame,Roadster,Classic,,Frames,Red,M,ten,pcs,2
Wheel,,,,,Black,,3,,
Saddle,,,Leather saddle,Seats,,,,,
Chain,,,,,Silver,One,7.5,m,1
`;

/** The frames of ITEMS without their stock: importing them again adds nothing and moves no stock. */
const FRAMES = `Item,Model,Variation,Description,Category,Color,Size
Frame,Roadster,Classic,Steel frame,Frames,Black,M
Frame,Roadster,Classic,Steel frame,Frames,Black,L
`;
/** Two items of one name told apart by their Description, each with a Black M variant, without stock. */
const GRIPS = 'Item,Description,Color,Size\nGrip,Foam,Black,M\nGrip,Rubber,Black,M\n';

async function importText(db: Database, text: string, kind = 'items', extra: Partial<Parameters<typeof createImportJob>[1]> = {}) {
  const { jobId } = await createImportJob(db, { kind, fileName: `${kind}.csv`, bytes: Buffer.from(text), ...extra }, CLI_ACTOR);
  const { status } = await runImport(db, jobId);
  return { jobId, status, state: await jobState(db, jobId), errors: await jobErrors(db, jobId) };
}

for (const backend of backends) {
  describe(`the import engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    before(async () => {
      t = await migratedDatabase(backend);
    });
    after(() => t?.close());

    test('writes the good rows, rejects the bad ones with row, field and reason, and accounts for every row', async (ctx) => {
      // on a database of its own: what it counts (only opening rows in the ledger) is what an import into an empty one writes
      const own = await migratedDatabase(backend);
      ctx.after(() => own.close());
      const r = await importText(own.db, ITEMS);
      assert.equal(r.status, 'completed_with_errors');
      assert.deepEqual({ ...r.state, message: null }, { status: 'completed_with_errors', message: null, total: 6, processed: 6, success: 4, failure: 2 });
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field]),
        [
          [4, 'stock'],
          [5, 'size'],
        ],
      );
      assert.match(r.errors[0]!.message, /"ten" is not a stock level/);
      assert.equal(r.errors[0]!.raw, 'Frame,Roadster,Classic,,Frames,Red,M,ten,pcs,2');
      const state = await catalogState(own.db);
      const frame = state.filter((s) => s.name === 'Frame');
      assert.deepEqual(
        frame.map((f) => [f.color, f.size, f.stock, f.ledger, f.threshold, f.description]),
        [
          ['Black', 'L', '5.000', '5.000', '2.000', 'Steel frame'],
          ['Black', 'M', '10.000', '10.000', '2.000', 'Steel frame'],
        ],
      );
      assert.deepEqual(
        state.find((s) => s.name === 'Saddle'),
        {
          name: 'Saddle',
          model: null,
          variation: null,
          description: 'Leather saddle',
          category: 'Seats',
          color: null,
          size: null,
          unit: null,
          stock: null,
          threshold: null,
          ledger: '0',
          movements: 0,
        },
      );
      const types = (await own.db.query<{ type: string }>(`SELECT DISTINCT transaction_type AS type FROM public.inventory_transactions`)).rows.map(
        (x) => x.type,
      );
      assert.deepEqual(types, ['opening']);
    });

    test('importing the same file again updates instead of duplicating, and counts stock once', async () => {
      await importText(t.db, ITEMS);
      const before = await catalogState(t.db);
      const r = await importText(t.db, ITEMS);
      assert.equal(r.state.success, 4);
      assert.deepEqual(await catalogState(t.db), before);
    });

    test('stock is a target: an adjustment by the difference with the import as reason, nothing when equal', async () => {
      await importText(t.db, ITEMS); // the frames' opening stock (nothing when the tests before imported it)
      const r = await importText(t.db, 'item,model,variation,colour,size,qty\nFRAME,roadster,CLASSIC,black,m,12\nframe,Roadster,Classic,Black,L,5\n');
      assert.equal(r.status, 'completed');
      const m = (
        await t.db.query<{ size: string; type: string; quantity: string; notes: string }>(
          `SELECT s.size_name AS size, t.transaction_type AS type, t.quantity::text AS quantity, t.notes FROM public.inventory_transactions t
             JOIN public.item_variant v ON v.variant_id = t.variant_id JOIN public.size_master s ON s.size_id = v.size_id JOIN public.item_master i ON i.item_id = v.item_id
            WHERE i.name = 'Frame' ORDER BY t.id`,
        )
      ).rows;
      assert.deepEqual(
        m.map((x) => [x.size, x.type, x.quantity]),
        [
          ['M', 'opening', '10.000'],
          ['L', 'opening', '5.000'],
          ['M', 'adjustment', '2.000'],
        ],
      );
      assert.match(m[2]!.notes, new RegExp(`import job ${r.jobId} of items.csv, row 2`));
      const frames = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.item_master WHERE lower(name) = 'frame'`)).rows[0]!.n;
      assert.equal(frames, 1, 'names, models and variations match whatever their case');
    });

    test('a required column missing fails the job before any row is written, naming it', async () => {
      const items = (await catalogState(t.db)).length;
      const r = await importText(t.db, 'Item,Colour,Stock\nGear,Red,5\n');
      assert.equal(r.status, 'failed');
      assert.match(r.state.message!, /the header has no "Size" column/);
      assert.equal(r.state.processed, 0);
      assert.equal((await catalogState(t.db)).length, items);
    });

    test('a header row that cannot be read fails the job saying why, and the preview says so too', async () => {
      const text = '"Item,Color,Size\nFrame,Black,M\n';
      const r = await importText(t.db, text);
      assert.equal(r.status, 'failed');
      assert.equal(r.state.processed, 0);
      assert.match(
        r.state.message!,
        /^the header row cannot be read, so nothing was imported: a quote opened in field 1 is never closed on line 1 \(nor anywhere after it\)/,
      );
      const preview = await previewImport(t.db, { kind: 'items', fileName: 'items.csv', bytes: Buffer.from(text) });
      assert.equal(preview.problem, r.state.message);
    });

    test('an empty file fails; a header alone completes with no rows', async () => {
      assert.equal((await importText(t.db, '')).state.message, 'the file is empty: there is no header row');
      assert.deepEqual((await importText(t.db, 'Item,Color,Size\r\n')).state, {
        status: 'completed',
        message: null,
        total: 0,
        processed: 0,
        success: 0,
        failure: 0,
      });
    });

    test('two rows of one variant in a file are applied in order, as one by one', async () => {
      const r = await importText(t.db, 'Item,Color,Size,Stock,Unit\nBell,Silver,One,4,pcs\nBell,Silver,One,6,\nBell,Silver,One,,box\n');
      assert.equal(r.state.success, 3);
      const bell = (await catalogState(t.db)).filter((s) => s.name === 'Bell');
      assert.deepEqual(
        bell.map((b) => [b.stock, b.ledger, b.movements, b.unit]),
        [['6.000', '6.000', 2, 'box']],
      );
    });

    test('a row the database refuses for a rule the kind does not know costs only itself', async () => {
      await t.db.exec(`ALTER TABLE public.item_master ADD CONSTRAINT test_no_forbidden CHECK (name <> 'Forbidden')`);
      try {
        const r = await importText(t.db, 'Item,Color,Size,Stock\nAllowed 1,Grey,M,1\nForbidden,Grey,M,1\nAllowed 2,Grey,M,2\n');
        assert.deepEqual({ success: r.state.success, failure: r.state.failure }, { success: 2, failure: 1 });
        assert.deepEqual(
          r.errors.map((e) => [e.row, e.field]),
          [[3, null]],
        );
        assert.match(r.errors[0]!.message, /the database refused the row: .*test_no_forbidden/);
        const made = (await t.db.query<{ name: string }>(`SELECT name FROM public.item_master WHERE name LIKE 'Allowed %' OR name = 'Forbidden' ORDER BY name`))
          .rows;
        assert.deepEqual(
          made.map((m) => m.name),
          ['Allowed 1', 'Allowed 2'],
        );
      } finally {
        await t.db.exec('ALTER TABLE public.item_master DROP CONSTRAINT test_no_forbidden');
      }
    });

    test('suppliers and rates: natural keys, references that must exist, the overlap rule', async () => {
      await importText(t.db, FRAMES);
      const s = await importText(
        t.db,
        'Firm Name,GSTIN,Email,Phone\nAcme Cycles,27aapfu0939f1zv,sales@acme.example,+91 22 1234\nBolt & Co,BAD,nope,12\n',
        'suppliers',
      );
      assert.deepEqual(
        s.errors.map((e) => [e.row, e.field]),
        [
          [3, 'gstin'],
          [3, 'email'],
          [3, 'phone'],
        ],
      );
      assert.equal(s.state.failure, 1);
      const again = await importText(t.db, 'supplier name,address\nACME CYCLES,Mumbai\n', 'suppliers');
      assert.equal(again.state.success, 1);
      const acme = (
        await t.db.query<{ firm: string; address: string; gstin: string }>(
          `SELECT firm_name AS firm, address, gstin FROM public.suppliers WHERE lower(firm_name) LIKE 'acme%'`,
        )
      ).rows;
      assert.deepEqual(acme, [{ firm: 'Acme Cycles', address: 'Mumbai', gstin: '27AAPFU0939F1ZV' }]);

      const rates = `Supplier,Item,Model,Variation,Color,Size,Cost,Currency,MOQ,Effective From,Effective To
Acme Cycles,Frame,Roadster,Classic,Black,M,1200.50,INR,1,2026-01-01,2026-06-30
acme cycles,Frame,Roadster,Classic,Black,M,1300,INR,,2026-07-01,
Acme Cycles,Frame,Roadster,Classic,Black,M,999,INR,,2026-03-01,
Nobody,Frame,Roadster,Classic,Black,M,1,INR,,2026-01-01,
Acme Cycles,Frame,,,Black,M,1,INR,,2026-01-01,
Acme Cycles,Frame,Roadster,Classic,Black,L,12.345,inr,0,2026-02-30,
`;
      const r = await importText(t.db, rates, 'rates');
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field]),
        [
          [4, 'from'],
          [5, 'supplier'],
          [6, 'item'],
          [7, 'cost'],
          [7, 'from'],
          [7, 'moq'],
        ],
      );
      // The days in the message are written as the installation writes them (DD/MM/YYYY by default), as the file may.
      assert.match(r.errors[0]!.message, /overlaps 01\/03\/2026 to open-ended/);
      const again2 = await importText(t.db, rates.split('\n').slice(0, 3).join('\n').replace('1200.50', '1250'), 'rates');
      assert.equal(again2.state.success, 2);
      const stored = (
        await t.db.query<{ cost: string; from: string; to: string | null }>(
          `SELECT cost_per_unit::text AS cost, to_char(effective_from, 'YYYY-MM-DD') AS "from", to_char(effective_to, 'YYYY-MM-DD') AS "to" FROM public.variant_supplier_pricing p
            JOIN public.item_variant v USING (variant_id) JOIN public.item_master i USING (item_id) JOIN public.suppliers s USING (supplier_id)
           WHERE i.name = 'Frame' AND s.firm_name = 'Acme Cycles' ORDER BY effective_from`,
        )
      ).rows;
      assert.deepEqual(stored, [
        { cost: '1250.00', from: '2026-01-01', to: '2026-06-30' },
        { cost: '1300.00', from: '2026-07-01', to: null },
      ]);
    });

    test('rates: days in the configured format (DD/MM/YYYY, then MM/DD/YYYY) and as ISO; a day that does not exist says so, by row and column', async () => {
      await importText(t.db, FRAMES);
      await importText(t.db, 'Firm Name\nDate Works\n', 'suppliers');
      const head = 'Supplier,Item,Model,Variation,Color,Size,Cost,Currency,MOQ,Effective From,Effective To\n';
      const row = (from: string, to = '') => `Date Works,Frame,Roadster,Classic,Black,L,10,INR,,${from},${to}\n`;
      const r = await importText(
        t.db,
        head +
          row('01/03/2026', '31/03/2026') +
          row('30/02/2026') +
          row('2026-02-30') +
          row('2026-04-01', '2026-04-30') +
          row('March 5 2026') +
          row('01/05/2026', '15/04/2026') +
          row('29/02/2027') +
          row('13/13/2026'),
        'rates',
      );
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field, e.message]),
        [
          [3, 'from', '30 February does not exist: February has 28 days'],
          [4, 'from', '30 February does not exist: February has 28 days'],
          [6, 'from', '"March 5 2026" is not a day: write it DD/MM/YYYY (as 05/11/2026) or YYYY-MM-DD (as 2026-11-05)'],
          [7, 'to', 'Effective To 15/04/2026 is before Effective From 01/05/2026'],
          [8, 'from', '29 February 2027 does not exist: 2027 is not a leap year'],
          [9, 'from', '"13/13/2026" names month 13: a month is 1 to 12 (written DD/MM/YYYY (as 05/11/2026) or YYYY-MM-DD (as 2026-11-05))'],
        ],
      );
      assert.equal(r.state.success, 2);
      await changeSettings(t.db, { dateFormat: 'MM/DD/YYYY' }, CLI_ACTOR);
      try {
        const us = await importText(t.db, head + row('05/01/2026', '05/31/2026') + row('31/05/2026'), 'rates');
        assert.deepEqual(
          us.errors.map((e) => [e.row, e.field, e.message]),
          [[3, 'from', '"31/05/2026" names month 31: a month is 1 to 12 (written MM/DD/YYYY (as 11/05/2026) or YYYY-MM-DD (as 2026-11-05))']],
        );
      } finally {
        await changeSettings(t.db, { dateFormat: 'DD/MM/YYYY' }, CLI_ACTOR);
      }
      const stored = (
        await t.db.query<{ from: string; to: string | null }>(
          `SELECT to_char(effective_from, 'YYYY-MM-DD') AS "from", to_char(effective_to, 'YYYY-MM-DD') AS "to" FROM public.variant_supplier_pricing p
             JOIN public.suppliers s USING (supplier_id) WHERE s.firm_name = 'Date Works' ORDER BY effective_from`,
        )
      ).rows;
      assert.deepEqual(stored, [
        { from: '2026-03-01', to: '2026-03-31' },
        { from: '2026-04-01', to: '2026-04-30' },
        { from: '2026-05-01', to: '2026-05-31' },
      ]);
    });

    test('an empty Description names the item by name, model and variation, as a file without that column does: no second item', async () => {
      const first = await importText(t.db, 'Item,Model,Variation,Description,Color,Size,Stock\nHub,Disc,Front,Alloy hub,Black,M,4\n');
      assert.equal(first.status, 'completed');
      const again = await importText(
        t.db,
        'Item,Model,Variation,Description,Color,Size,Stock,Threshold\nhub,DISC,front,,Black,M,6,2\nHub,Disc,Front,,Black,L,1,\n',
      );
      assert.equal(again.status, 'completed');
      const hubs = (await catalogState(t.db)).filter((s) => String(s.name).toLowerCase() === 'hub');
      assert.deepEqual(
        hubs.map((h) => [h.description, h.size, h.stock, h.threshold]),
        [
          ['Alloy hub', 'L', '1.000', '0.000'],
          ['Alloy hub', 'M', '6.000', '2.000'],
        ],
        'one item, its description kept, its variant updated and a new one made',
      );
      const noColumn = await importText(t.db, 'Item,Model,Variation,Color,Size,Stock\nHub,Disc,Front,Black,M,7\n');
      assert.equal(noColumn.status, 'completed');
      assert.equal((await catalogState(t.db)).filter((s) => s.name === 'Hub' && s.size === 'M')[0]!.stock, '7.000');
    });

    test('a row that names more than one item (no Description, or one two items share) is rejected naming them, and writes nothing', async () => {
      const made = await importText(t.db, 'Item,Description,Color,Size,Stock\nGrip,Foam,Black,M,1\nGrip,Rubber,Black,M,2\nGrip,,,,\n');
      assert.deepEqual(
        { success: made.state.success, failure: made.state.failure },
        { success: 2, failure: 1 },
        'the third row cannot tell the two grips apart',
      );
      const ids = (await t.db.query<{ id: number }>(`SELECT item_id AS id FROM public.item_master WHERE name = 'Grip' ORDER BY item_id`)).rows.map((r) => r.id);
      assert.equal(ids.length, 2);
      const before = await catalogState(t.db);
      for (const [name, text] of [
        ['GRIP', 'Item,Description,Color,Size,Stock\nGRIP,,Black,M,9\n'],
        ['grip', 'Item,Color,Size,Stock\ngrip,Black,M,9\n'],
      ] as const) {
        const r = await importText(t.db, text);
        assert.deepEqual({ success: r.state.success, failure: r.state.failure }, { success: 0, failure: 1 }, text);
        assert.deepEqual(
          r.errors.map((e) => [e.row, e.field]),
          [[2, 'description']],
        );
        assert.equal(
          r.errors[0]!.message,
          `"${name}" (no model, no variation) names 2 items: #${ids[0]} ("Foam"), #${ids[1]} ("Rubber"). Give the Description of the one meant, or one of its own for another item (add a Description column if the file has none): a row without one names an item by its name, model and variation alone`,
        );
      }
      assert.deepEqual(await catalogState(t.db), before, 'nothing written');
      const named = await importText(t.db, 'Item,Description,Color,Size,Stock\nGrip,Rubber,Black,M,5\n');
      assert.equal(named.status, 'completed');
      assert.deepEqual(
        (await catalogState(t.db)).filter((s) => s.name === 'Grip').map((g) => [g.description, g.stock]),
        [
          ['Foam', '1.000'],
          ['Rubber', '5.000'],
        ],
      );
    });

    test('rates: an item named by name, model and variation that is more than one is rejected naming them; a Description says which', async () => {
      await importText(t.db, GRIPS);
      await importText(t.db, 'Firm Name\nAcme Cycles\n', 'suppliers');
      const ids = (await t.db.query<{ id: number }>(`SELECT item_id AS id FROM public.item_master WHERE name = 'Grip' ORDER BY item_id`)).rows.map((r) => r.id);
      const r = await importText(t.db, 'Supplier,Item,Color,Size,Cost,Effective From\nAcme Cycles,Grip,Black,M,10,2026-01-01\n', 'rates');
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field, e.message]),
        [
          [
            2,
            'description',
            `"Grip" (no model, no variation) in colour "Black" and size "M" is a variant of 2 items: #${ids[0]} ("Foam"), #${ids[1]} ("Rubber"). Give the Description of the one meant, or one of its own for another item (add a Description column if the file has none): a row without one names an item by its name, model and variation alone`,
          ],
        ],
      );
      const named = await importText(
        t.db,
        'Supplier,Item,Description,Color,Size,Cost,Effective From\nAcme Cycles,Grip,Rubber,Black,M,10,2026-01-01\nAcme Cycles,Grip,,Black,M,11,2026-01-01\n',
        'rates',
      );
      assert.deepEqual(
        named.errors.map((e) => [e.row, e.field]),
        [[3, 'description']],
        'an empty Description is as none',
      );
      const rates = (
        await t.db.query<{ description: string; cost: string }>(
          `SELECT i.description, p.cost_per_unit::text AS cost FROM public.variant_supplier_pricing p JOIN public.item_variant v ON v.variant_id = p.variant_id
           JOIN public.item_master i ON i.item_id = v.item_id JOIN public.suppliers s ON s.supplier_id = p.supplier_id WHERE i.name = 'Grip' AND s.firm_name = 'Acme Cycles'`,
        )
      ).rows;
      assert.deepEqual(rates, [{ description: 'Rubber', cost: '10.00' }]);
    });

    test('rates: an empty Effective From is as none: the rate in effect today is updated, never a second one made', async () => {
      const count = async () =>
        (
          await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM public.variant_supplier_pricing p JOIN public.suppliers s USING (supplier_id) WHERE s.firm_name = 'Bolt Works'`,
          )
        ).rows[0]!.n;
      await importText(t.db, GRIPS);
      await importText(t.db, 'Firm Name\nBolt Works\n', 'suppliers');
      const made = await importText(t.db, 'Supplier,Item,Description,Color,Size,Cost\nBolt Works,Grip,Rubber,Black,M,5\n', 'rates');
      assert.equal(made.status, 'completed');
      const empty = await importText(t.db, 'Supplier,Item,Description,Color,Size,Cost,Effective From\nBolt Works,Grip,Rubber,Black,M,6,\n', 'rates');
      assert.equal(empty.status, 'completed');
      assert.equal(await count(), 1);
      const cost = (
        await t.db.query<{ cost: string }>(
          `SELECT cost_per_unit::text AS cost FROM public.variant_supplier_pricing p JOIN public.suppliers s USING (supplier_id) WHERE s.firm_name = 'Bolt Works'`,
        )
      ).rows[0]!.cost;
      assert.equal(cost, '6.00');
    });

    test('variants: an empty Color and Size make no variant of an existing item, and one without the other is rejected', async () => {
      await importText(t.db, 'Item,Description,Color,Size,Stock\nGrip,Foam,Black,M,1\n');
      const r = await importText(t.db, 'Item,Description,Color,Size,Stock\nGrip,Foam,,,\nGrip,Foam,Black,,3\nGrip,Foam,,M,3\n');
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field]),
        [
          [3, 'size'],
          [4, 'color'],
        ],
      );
      assert.deepEqual(
        (await catalogState(t.db)).filter((s) => s.name === 'Grip' && s.description === 'Foam').map((g) => [g.color, g.size, g.stock]),
        [['Black', 'M', '1.000']],
      );
    });

    test('suppliers: an empty Firm Name is rejected and makes no supplier', async () => {
      const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.suppliers')).rows[0]!.n;
      const r = await importText(t.db, 'Firm Name,Address\n,Nowhere\n  ,Somewhere\n', 'suppliers');
      assert.deepEqual(
        r.errors.map((e) => [e.row, e.field, e.message]),
        [
          [2, 'firmName', 'Firm Name is required'],
          [3, 'firmName', 'Firm Name is required'],
        ],
      );
      assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.suppliers')).rows[0]!.n, before);
    });

    test('a run stopped between batches resumes after its last committed row, writing no row twice', async () => {
      const lines = ['Item,Color,Size,Stock'];
      for (let i = 1; i <= 250; i++) lines.push(i % 50 === 0 ? `Part ${i},Grey,S,bad` : `Part ${i},Grey,S,${i}`);
      const text = `${lines.join('\n')}\n`;
      const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: 'parts.csv', bytes: Buffer.from(text) }, CLI_ACTOR);
      const stop = new AbortController();
      let batches = 0;
      const first = await runImport(t.db, jobId, { batchRows: 40, signal: stop.signal, onProgress: () => ++batches === 2 && stop.abort() });
      assert.equal(first.status, 'running');
      assert.equal((await jobState(t.db, jobId)).processed, 80);
      const second = await runImport(t.db, jobId, { batchRows: 40 });
      assert.equal(second.status, 'completed_with_errors');
      assert.deepEqual(await jobState(t.db, jobId), {
        status: 'completed_with_errors',
        message: '5 of 250 rows rejected',
        total: 250,
        processed: 250,
        success: 245,
        failure: 5,
      });
      assert.deepEqual(
        (await jobErrors(t.db, jobId)).map((e) => e.row),
        [51, 101, 151, 201, 251],
      );
      const parts = (await catalogState(t.db)).filter((s) => String(s.name).startsWith('Part '));
      assert.equal(parts.length, 245);
      assert.ok(parts.every((p) => p.movements === 1 && p.stock === p.ledger));

      // The same file imported without a stop leaves the same state.
      const fresh = await migratedDatabase(backend);
      try {
        await importText(fresh.db, text);
        const norm = (rows: Record<string, unknown>[]) => rows.filter((s) => String(s.name).startsWith('Part '));
        assert.deepEqual(norm(await catalogState(fresh.db)), parts);
      } finally {
        await fresh.close();
      }
    });

    test('a job cancelled while it runs stops after the batch in flight and writes nothing more', async () => {
      const lines = ['Item,Color,Size'];
      for (let i = 1; i <= 100; i++) lines.push(`Spoke ${i},Steel,${i}`);
      const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: 'spokes.csv', bytes: Buffer.from(lines.join('\n')) }, CLI_ACTOR);
      const r = await runImport(t.db, jobId, {
        batchRows: 30,
        onProgress: () => void t.db.query(`UPDATE public.import_jobs SET status = 'cancelled' WHERE id = $1`, [jobId]),
      });
      assert.equal(r.status, 'cancelled');
      const state = await jobState(t.db, jobId);
      assert.ok(state.processed < 100 && state.processed % 30 === 0, `stopped at a batch end (${state.processed})`);
      const written = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.item_master WHERE name LIKE 'Spoke %'`)).rows[0]!.n;
      assert.equal(written, state.processed);
    });
  });
}
