// The old application's items and variants, exported in its own columns, imported into an
// empty MTC: every row is imported or rejected with a reason, and what is imported is what
// the old database held.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { csvLine } from '../../../src/app/imports/errors-csv.ts';
import { backends } from '../../helpers/backends.ts';
import type { TestDatabase } from '../../helpers/backends.ts';
import { jobErrors, jobState, migratedDatabase } from '../../helpers/imports.ts';
import { legacyDatabase } from '../../helpers/legacy.ts';

/** The old system's item export: one row per live variant (an item without one: a row of its own). */
const LEGACY_EXPORT = `
SELECT i.name AS item, m.model_name AS model, va.variation_name AS variation, i.description, c.item_category_name AS category,
       co.color_name AS color, s.size_name AS size, v.opening_stock::text AS stock, v.unit, v.threshold::text AS threshold
  FROM public.item_master i
  LEFT JOIN public.model_master m ON m.model_id = i.model_id
  LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
  LEFT JOIN public.item_category_master c ON c.item_category_id = i.item_category_id
  LEFT JOIN public.item_variant v ON v.item_id = i.item_id AND v.deleted_at IS NULL
  LEFT JOIN public.color_master co ON co.color_id = v.color_id
  LEFT JOIN public.size_master s ON s.size_id = v.size_id
 WHERE i.deleted_at IS NULL
 ORDER BY i.item_id, v.variant_id`;

type Row = Record<'item' | 'model' | 'variation' | 'description' | 'category' | 'color' | 'size' | 'stock' | 'unit' | 'threshold', string | null>;

for (const backend of backends) {
  describe(`the legacy items imported on ${backend.name}`, { skip: backend.skip }, () => {
    let legacy: TestDatabase;
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    let rows: Row[];
    before(async () => {
      legacy = await legacyDatabase(backend, { data: true });
      const db = await legacy.open();
      try {
        rows = (await db.query<Row>(LEGACY_EXPORT)).rows;
      } finally {
        await db.close();
      }
      t = await migratedDatabase(backend);
    });
    after(async () => {
      await t?.close();
      await legacy?.drop();
    });

    test('every exported row is imported or rejected with its reason, and the stock is the old stock', async () => {
      const header = ['Item', 'Model', 'Variation', 'Description', 'Category', 'Color', 'Size', 'Stock', 'Unit', 'Threshold'];
      const lines = rows.map((r) => csvLine([r.item, r.model, r.variation, r.description, r.category, r.color, r.size, r.stock, r.unit, r.threshold]));
      const csv = csvLine(header) + lines.join('');
      // A row's number is the line it starts on: a description may hold line breaks.
      const rowNumbers: number[] = [];
      let line = 2;
      for (const l of lines) {
        rowNumbers.push(line);
        line += (l.match(/\r\n|\r|\n/g) ?? []).length;
      }
      const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: 'legacy-items.csv', bytes: Buffer.from(csv) }, CLI_ACTOR);
      await runImport(t.db, jobId);
      const state = await jobState(t.db, jobId);
      const errors = await jobErrors(t.db, jobId);
      assert.equal(state.total, rows.length);
      assert.equal(state.processed, rows.length);
      assert.equal(state.success + state.failure, rows.length);
      assert.equal(new Set(errors.map((e) => e.row)).size, state.failure);
      assert.ok(errors.length > 0, 'the legacy file has rows to reject');
      assert.ok(errors.every((e) => e.message.length > 0 && e.raw));
      // The rows imported: each variant once (names matched whatever their case), with the
      // stock of the last row that named it, as the rows would one by one.
      const rejected = new Set(errors.map((e) => e.row));
      const want = new Map<string, string>();
      rows.forEach((r, i) => {
        if (rejected.has(rowNumbers[i]!) || r.color === null) return;
        const key = [r.item, r.model, r.variation, r.description, r.color, r.size].map((x) => (x ?? '').trim().toLowerCase()).join('|');
        want.set(key, r.stock === null ? '0' : r.stock);
      });
      const got = (
        await t.db.query<{ key: string; stock: string }>(
          `SELECT lower(concat_ws('|', i.name, coalesce(m.model_name, ''), coalesce(va.variation_name, ''), coalesce(i.description, ''), c.color_name, s.size_name)) AS key,
                  trim_scale(v.stock)::text AS stock
             FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
             LEFT JOIN public.model_master m ON m.model_id = i.model_id LEFT JOIN public.variation_master va ON va.variation_id = i.variation_id
             JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master s ON s.size_id = v.size_id`,
        )
      ).rows;
      assert.equal(got.length, want.size);
      const differ = got.filter((g) => want.get(g.key) !== g.stock).map((g) => `${g.key}: ${g.stock} (file: ${want.get(g.key)})`);
      assert.deepEqual(differ, []);
      const ledger = (await t.db.query<{ n: string }>(`SELECT coalesce(sum(quantity), 0)::text AS n FROM public.inventory_transactions`)).rows[0]!.n;
      const stock = (await t.db.query<{ n: string }>(`SELECT coalesce(sum(stock), 0)::text AS n FROM public.item_variant`)).rows[0]!.n;
      assert.equal(ledger, stock, 'the ledger adds up to the stock');
      // What the old data holds that MTC refuses: variants whose colour or size row is gone,
      // negative stock, and the rows of an item without a description ("Handle Grip") that
      // shares its name, model and variation with two described ones: a row with no
      // Description names all of them, so it is rejected, naming them.
      assert.deepEqual([...new Set(errors.map((e) => e.field))].sort(), ['color', 'description', 'stock']);
      const unnamed = errors.filter((e) => e.field === 'description');
      assert.ok(
        unnamed.length > 0 &&
          unnamed.every((e) =>
            /^"Handle Grip" \(model "--", variation "--"\) names 2 items: #\d+ \("U-23"\), #\d+ \("Ring Type"\)\. Give the Description/.test(e.message),
          ),
      );
    });
  });
}
