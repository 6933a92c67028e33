// GET/PUT/PATCH /api/settings on PGlite and on the server: everyone signed in reads the
// currency and date format, only an admin changes them (audited, a no-op recording nothing),
// and a value not accepted is refused naming the field and listing what it takes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

for (const backend of backends) {
  describe(`settings over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    const auditRows = async () =>
      (
        await api.db.query<{ action: string; before: any; after: any; via: string }>(
          `SELECT action, before, after, via FROM public.audit_events WHERE entity = 'settings' ORDER BY id`,
        )
      ).rows;

    test('anyone signed in reads INR and DD/MM/YYYY by default, with the formats and currencies there are; no one else', async () => {
      const r = await api.call('GET', '/api/settings', { as: 'viewer' });
      assert.equal(r.statusCode, 200, r.body);
      const s = json(r);
      assert.equal(s.currency, 'INR');
      assert.equal(s.dateFormat, 'DD/MM/YYYY');
      assert.deepEqual(s.dateFormats, ['DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD']);
      assert.ok(s.currencies.includes('INR') && s.currencies.includes('USD') && s.currencies.includes('EUR'));
      assert.equal((await api.call('GET', '/api/settings')).statusCode, 401);
    });

    test('an admin changes them with PATCH (any case) and PUT, each change audited with before and after; the same again records nothing', async () => {
      const patched = await api.call('PATCH', '/api/settings', { as: 'admin', body: { currency: 'usd', dateFormat: 'mm/dd/yyyy' } });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(json(patched).currency, 'USD');
      assert.equal(json(patched).dateFormat, 'MM/DD/YYYY');
      assert.equal(json(await api.call('GET', '/api/settings', { as: 'operator' })).currency, 'USD');
      const again = await api.call('PATCH', '/api/settings', { as: 'admin', body: { currency: 'USD' } });
      assert.equal(again.statusCode, 200, again.body);
      const put = await api.call('PUT', '/api/settings', { as: 'admin', body: { currency: 'INR', dateFormat: 'YYYY-MM-DD' } });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(json(put).dateFormat, 'YYYY-MM-DD');
      const rows = await auditRows();
      assert.deepEqual(
        rows.map((e) => [e.action, e.via, e.before.currency, e.before.dateFormat, e.after.currency, e.after.dateFormat]),
        [
          ['update', 'http', 'INR', 'DD/MM/YYYY', 'USD', 'MM/DD/YYYY'],
          ['update', 'http', 'USD', 'MM/DD/YYYY', 'INR', 'YYYY-MM-DD'],
        ],
      );
      await api.call('PUT', '/api/settings', { as: 'admin', body: { currency: 'INR', dateFormat: 'DD/MM/YYYY' } });
    });

    test('only an admin changes them: a planner, an operator and a viewer get 403 and nothing changes', async () => {
      for (const role of ['planner', 'operator', 'viewer'] as const) {
        const r = await api.call('PATCH', '/api/settings', { as: role, body: { currency: 'EUR' } });
        assert.equal(r.statusCode, 403, `${role}: ${r.body}`);
      }
      assert.equal(json(await api.call('GET', '/api/settings', { as: 'admin' })).currency, 'INR');
    });

    test('a currency or date format not accepted is SETTING_INVALID naming the field and what it takes; nothing changes', async () => {
      const badCurrency = await api.call('PATCH', '/api/settings', { as: 'admin', body: { currency: 'RUPEES' } });
      assert.equal(badCurrency.statusCode, 400, badCurrency.body);
      const c = json(badCurrency).error;
      assert.equal(c.code, 'SETTING_INVALID');
      assert.equal(c.message, 'currency "RUPEES" is not an ISO 4217 currency code: write its three letters, such as INR, USD, EUR or GBP');
      assert.equal(c.details.field, 'currency');
      assert.ok(c.details.accepted.includes('INR'));
      const badFormat = await api.call('PATCH', '/api/settings', { as: 'admin', body: { dateFormat: 'D.M.YY' } });
      assert.equal(badFormat.statusCode, 400, badFormat.body);
      const f = json(badFormat).error;
      assert.equal(f.code, 'SETTING_INVALID');
      assert.equal(f.message, 'date format "D.M.YY" is not one MTC writes: choose DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD');
      assert.deepEqual(f.details, { field: 'dateFormat', accepted: ['DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD'] });
      // Both named at once: the first refused is the currency, and neither is written.
      const both = await api.call('PUT', '/api/settings', { as: 'admin', body: { currency: 'XQQ', dateFormat: 'MM/DD/YYYY' } });
      assert.equal(both.statusCode, 400, both.body);
      assert.equal(json(both).error.details.field, 'currency');
      const empty = await api.call('PATCH', '/api/settings', { as: 'admin', body: {} });
      assert.equal(empty.statusCode, 400, empty.body);
      const s = json(await api.call('GET', '/api/settings', { as: 'admin' }));
      assert.deepEqual([s.currency, s.dateFormat], ['INR', 'DD/MM/YYYY']);
    });
  });
}
