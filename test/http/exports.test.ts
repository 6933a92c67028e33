// GET /api/exports/{kind}.csv on PGlite and on the server: the download (headers, the same
// bytes as the export itself, streamed over many pages) and the refusals (401, 400).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportCsv } from '../../src/app/imports/export.ts';
import { createSupplier } from '../../src/app/suppliers/suppliers.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`exports over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
      await createSupplier(api.db, { firmName: '=cmd|"/C calc"!A0', address: '+1 Way,\n"Unit" 2', phone: '+91 22 1234 5678' }, CLI_ACTOR);
      // More suppliers than one page of the export holds, so the download spans pages.
      await api.db.query(`INSERT INTO public.suppliers (firm_name) SELECT 'Firm ' || lpad(n::text, 5, '0') FROM generate_series(1, 4100) AS n`);
    });
    after(async () => {
      await api?.close();
    });

    test('a viewer downloads the suppliers as a CSV attachment: the export’s bytes, every row, formulas guarded', async () => {
      const r = await api.call('GET', '/api/exports/suppliers.csv', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(r.headers['content-disposition'], 'attachment; filename="suppliers.csv"');
      let expected = '';
      for await (const piece of exportCsv(api.db, 'suppliers')) expected += piece;
      assert.equal(r.body, expected);
      const lines = r.body.split('\r\n');
      assert.equal(lines[0], '\uFEFFFirm Name,Address,GSTIN,Email,Phone');
      assert.equal(lines[1], `"'=cmd|""/C calc""!A0","'+1 Way,\n""Unit"" 2",,,'+91 22 1234 5678`);
      assert.equal(lines[2], 'Firm 00001,,,,');
      assert.equal(lines[4101], 'Firm 04100,,,,');
      assert.equal(lines.length, 4103, 'a header, 4,101 rows and the empty string after the last CRLF');
    });

    test('a kind is named as the import names it: an alias downloads under the canonical name', async () => {
      const r = await api.call('GET', '/api/exports/supplier-rates.csv', { as: 'operator' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-disposition'], 'attachment; filename="rates.csv"');
      assert.equal(
        r.body,
        '\uFEFFSupplier,Item,Model,Variation,Description,Color,Size,Cost,Currency,MOQ,Effective From,Effective To,Active,Price Breaks,Lead Time (days),Pack Size\r\n',
      );
      const items = await api.call('GET', '/api/exports/items.csv', { as: 'planner' });
      assert.equal(items.statusCode, 200, items.body);
      assert.equal(items.body, '\uFEFFItem,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold,Code,Barcode\r\n');
    });

    test('an unknown kind is 400 naming the kinds', async () => {
      const r = await api.call('GET', '/api/exports/widgets.csv', { as: 'admin' });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(json(r).error.code, 'IMPORT_UNKNOWN_KIND');
      assert.match(json(r).error.message, /unknown import kind "widgets": use items, suppliers, rates/);
    });

    test('an anonymous caller is refused with 401 (every role may read exports: imports.read)', async () => {
      const r = await api.call('GET', '/api/exports/suppliers.csv');
      assert.equal(r.statusCode, 401);
      assert.equal(json(r).error.code, 'UNAUTHENTICATED');
      assert.equal(api.app.routeTable.find((x) => x.url === '/api/exports/:kind.csv')?.permission, 'imports.read');
    });
  });
}
