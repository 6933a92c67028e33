import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const fieldPaths = (r: { body: string }) => (json(r).error.details.fields as { path: string }[]).map((f) => f.path);

/** A variant made with SQL (the items API is another piece of work): its id. */
async function makeVariant(api: TestApi, name: string): Promise<number> {
  const color = await api.db.query<{ id: number }>('INSERT INTO public.color_master (color_name) VALUES ($1) RETURNING color_id AS id', [`${name} black`]);
  const size = await api.db.query<{ id: number }>('INSERT INTO public.size_master (size_name) VALUES ($1) RETURNING size_id AS id', [`${name} M`]);
  const model = await api.db.query<{ id: number }>('INSERT INTO public.model_master (model_name) VALUES ($1) RETURNING model_id AS id', [`${name} model`]);
  const item = await api.db.query<{ id: number }>('INSERT INTO public.item_master (name, model_id) VALUES ($1, $2) RETURNING item_id AS id', [
    name,
    model.rows[0]!.id,
  ]);
  const v = await api.db.query<{ id: number }>('INSERT INTO public.item_variant (item_id, color_id, size_id) VALUES ($1, $2, $3) RETURNING variant_id AS id', [
    item.rows[0]!.id,
    color.rows[0]!.id,
    size.rows[0]!.id,
  ]);
  return v.rows[0]!.id;
}

/** The database's today plus `days`, as YYYY-MM-DD. */
async function day(api: TestApi, days = 0): Promise<string> {
  return (await api.db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE + $1::int, 'YYYY-MM-DD') AS d`, [days])).rows[0]!.d;
}

async function audit(api: TestApi, entity: string, id: number): Promise<{ action: string; before: any; after: any }[]> {
  const r = await api.call('GET', `/api/audit?entity=${entity}&entityId=${id}`, { as: 'admin' });
  assert.equal(r.statusCode, 200, r.body);
  return json(r).events;
}

for (const backend of backends) {
  describe(`suppliers and rates over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    const supplier = async (firmName: string, extra: Record<string, unknown> = {}): Promise<number> => {
      const r = await api.call('POST', '/api/suppliers', { as: 'planner', body: { firmName, ...extra } });
      assert.equal(r.statusCode, 201, r.body);
      return json(r).supplierId as number;
    };
    const rate = async (body: Record<string, unknown>, as: 'admin' | 'planner' = 'planner') => api.call('POST', '/api/rates', { as, body });
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    test('a supplier is created, read, changed and deleted, each change audited with the values before and after', async () => {
      const made = await api.call('POST', '/api/suppliers', {
        as: 'admin',
        body: {
          firmName: 'Sharma Textiles',
          address: '12 Mill Road, Surat',
          gstin: '24AAPFU0939F1ZV',
          email: 'sales@sharma.example',
          phone: '+91 261 555 0101',
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      const s = json(made);
      assert.equal(s.firmName, 'Sharma Textiles');
      assert.equal(s.gstin, '24AAPFU0939F1ZV');
      assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(json(await api.call('GET', `/api/suppliers/${s.supplierId}`, { as: 'viewer' })), s);

      const changed = await api.call('PATCH', `/api/suppliers/${s.supplierId}`, { as: 'planner', body: { phone: null, address: '14 Mill Road, Surat' } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).phone, null);
      assert.equal(json(changed).address, '14 Mill Road, Surat');
      assert.equal(json(changed).firmName, 'Sharma Textiles');

      assert.equal((await api.call('DELETE', `/api/suppliers/${s.supplierId}`, { as: 'planner' })).statusCode, 204);
      assert.equal((await api.call('GET', `/api/suppliers/${s.supplierId}`, { as: 'viewer' })).statusCode, 404);

      const events = await audit(api, 'supplier', s.supplierId);
      assert.deepEqual(
        events.map((e) => e.action),
        ['delete', 'update', 'create'],
      );
      assert.equal(events[2]!.before, null);
      assert.equal(events[2]!.after.firmName, 'Sharma Textiles');
      assert.equal(events[1]!.before.phone, '+91 261 555 0101');
      assert.equal(events[1]!.after.phone, null);
      assert.equal(events[0]!.before.address, '14 Mill Road, Surat');
      assert.equal(events[0]!.after, null);
    });

    test('unknown suppliers are 404 for read, change and delete', async () => {
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { phone: '123' }],
        ['DELETE', undefined],
      ] as const) {
        const r = await api.call(method, '/api/suppliers/999999', { as: 'admin', ...(body ? { body } : {}) });
        assert.equal(r.statusCode, 404, `${method} ${r.body}`);
        assert.equal(json(r).error.code, 'NOT_FOUND');
      }
    });

    test('a firm name is taken whatever its case: 409 SUPPLIER_NAME_TAKEN on create and on rename', async () => {
      await supplier('Apex Trims');
      const other = await supplier('Bolt Buttons');
      const dup = await api.call('POST', '/api/suppliers', { as: 'planner', body: { firmName: 'APEX trims' } });
      assert.equal(dup.statusCode, 409);
      assert.equal(json(dup).error.code, 'SUPPLIER_NAME_TAKEN');
      const rename = await api.call('PATCH', `/api/suppliers/${other}`, { as: 'planner', body: { firmName: 'Apex Trims' } });
      assert.equal(rename.statusCode, 409);
      assert.equal(json(rename).error.code, 'SUPPLIER_NAME_TAKEN');
      const same = await api.call('PATCH', `/api/suppliers/${other}`, { as: 'planner', body: { firmName: 'Bolt Buttons' } });
      assert.equal(same.statusCode, 200, 'keeping its own name is no clash');
    });

    test('invalid supplier input is 400 with the path of each bad field', async () => {
      const bad = await api.call('POST', '/api/suppliers', {
        as: 'planner',
        body: { firmName: '  ', gstin: 'not-a-gstin', email: 'nope', phone: 'call me', colour: 'red' },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(json(bad).error.code, 'INVALID_INPUT');
      for (const p of ['body/firmName', 'body/gstin', 'body/email', 'body/phone', 'body/colour'])
        assert.ok(fieldPaths(bad).includes(p), `${p} not in ${fieldPaths(bad).join(', ')}`);
      const missing = await api.call('POST', '/api/suppliers', { as: 'planner', body: {} });
      assert.deepEqual(fieldPaths(missing), ['body/firmName']);
      const empty = await api.call('PATCH', '/api/suppliers/1', { as: 'planner', body: {} });
      assert.equal(empty.statusCode, 400);
      const badId = await api.call('GET', '/api/suppliers/abc', { as: 'viewer' });
      assert.equal(badId.statusCode, 400);
      assert.ok(fieldPaths(badId).includes('params/id'));
    });

    test('the list searches firm names case-insensitively and in part, a page at a time with the total', async () => {
      for (const n of ['Kiran Fabrics', 'kiranmala Dyes', 'Royal Kirana Threads', 'Zenith Zips']) await supplier(n);
      const all = json(await api.call('GET', '/api/suppliers?search=KIRAN', { as: 'operator' }));
      assert.equal(all.total, 3);
      assert.deepEqual(
        all.suppliers.map((s: { firmName: string }) => s.firmName),
        ['Kiran Fabrics', 'kiranmala Dyes', 'Royal Kirana Threads'],
      );
      const page = json(await api.call('GET', '/api/suppliers?search=kiran&limit=2&offset=2', { as: 'viewer' }));
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.suppliers.map((s: { firmName: string }) => s.firmName),
        ['Royal Kirana Threads'],
      );
      // (after "kiran": another test makes a supplier with a % in its name)
      assert.equal(json(await api.call('GET', '/api/suppliers?search=kiran%25', { as: 'viewer' })).total, 0, 'a % is a character, not a wildcard');
      const everyone = json(await api.call('GET', '/api/suppliers', { as: 'viewer' }));
      assert.ok(everyone.total >= 4 && everyone.suppliers.length === everyone.total);
      assert.equal((await api.call('GET', '/api/suppliers?limit=0', { as: 'viewer' })).statusCode, 400);
    });

    test('viewers and operators read suppliers and rates but may not write them (403)', async () => {
      const id = await supplier('Readonly Cottons');
      const v = await makeVariant(api, 'readonly shirt');
      const r = json(await rate({ supplierId: id, variantId: v, costPerUnit: '10.00', currency: 'INR', effectiveFrom: '2024-01-01' }));
      for (const role of ['viewer', 'operator'] as const) {
        for (const [method, url, body] of [
          ['POST', '/api/suppliers', { firmName: 'Sneaky' }],
          ['PATCH', `/api/suppliers/${id}`, { phone: '1234' }],
          ['DELETE', `/api/suppliers/${id}`, undefined],
          ['POST', '/api/rates', { supplierId: id, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2030-01-01' }],
          ['PATCH', `/api/rates/${r.rateId}`, { costPerUnit: '0.01' }],
          ['POST', `/api/rates/${r.rateId}/deactivate`, undefined],
        ] as const) {
          const res = await api.call(method, url, { as: role, ...(body ? { body } : {}) });
          assert.equal(res.statusCode, 403, `${role} ${method} ${url}`);
          assert.equal(json(res).error.code, 'FORBIDDEN');
        }
        for (const url of [
          `/api/suppliers/${id}`,
          `/api/suppliers/${id}/rates`,
          `/api/rates/${r.rateId}`,
          `/api/variants/${v}/rates`,
          `/api/variants/${v}/supplier-comparison`,
        ]) {
          assert.equal((await api.call('GET', url, { as: role })).statusCode, 200, `${role} GET ${url}`);
        }
      }
      assert.equal(json(await api.call('GET', `/api/rates/${r.rateId}`, { as: 'viewer' })).costPerUnit, '10.00', 'nothing changed');
    });

    test('a rate is created with money and quantities as decimal strings, defaults filled in, and audited', async () => {
      const s = await supplier('Decimal Laces');
      const v = await makeVariant(api, 'decimal kurta');
      const made = await rate({ supplierId: s, variantId: v, costPerUnit: '12.5', currency: 'INR', effectiveFrom: '2024-04-01' }, 'admin');
      assert.equal(made.statusCode, 201, made.body);
      const r = json(made);
      assert.deepEqual(
        { ...r, rateId: 0, createdAt: '', updatedAt: '' },
        {
          rateId: 0,
          supplierId: s,
          firmName: 'Decimal Laces',
          variantId: v,
          costPerUnit: '12.50',
          currency: 'INR',
          minimumOrderQuantity: '1.000',
          effectiveFrom: '2024-04-01',
          effectiveTo: null,
          isActive: true,
          breaks: [],
          leadTimeDays: null,
          packSize: '1.000',
          createdAt: '',
          updatedAt: '',
        },
      );
      assert.deepEqual(json(await api.call('GET', `/api/rates/${r.rateId}`, { as: 'viewer' })), r);
      const big = json(
        await rate({
          supplierId: s,
          variantId: v,
          costPerUnit: '9999999999.99',
          currency: 'USD',
          minimumOrderQuantity: '0.005',
          effectiveFrom: '2020-01-01',
          effectiveTo: '2020-12-31',
        }),
      );
      assert.equal(big.costPerUnit, '9999999999.99', 'no float rounding');
      assert.equal(big.minimumOrderQuantity, '0.005');
      const events = await audit(api, 'supplier_rate', r.rateId);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.action, 'create');
      assert.equal(events[0]!.after.costPerUnit, '12.50');
    });

    test('a rate for an unknown supplier, variant or deleted variant is 404; an unknown rate is 404 to read, change and deactivate', async () => {
      const s = await supplier('Ghost Threads');
      const v = await makeVariant(api, 'ghost tee');
      const noSupplier = await rate({ supplierId: 999999, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2024-01-01' });
      assert.equal(noSupplier.statusCode, 404);
      assert.match(json(noSupplier).error.message, /no supplier 999999/);
      const noVariant = await rate({ supplierId: s, variantId: 999999, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2024-01-01' });
      assert.equal(noVariant.statusCode, 404);
      assert.match(json(noVariant).error.message, /no variant 999999/);
      await api.db.query('UPDATE public.item_variant SET deleted_at = now() WHERE variant_id = $1', [v]);
      assert.equal((await rate({ supplierId: s, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2024-01-01' })).statusCode, 404);
      assert.equal((await api.call('GET', '/api/rates/999999', { as: 'viewer' })).statusCode, 404);
      assert.equal((await api.call('PATCH', '/api/rates/999999', { as: 'planner', body: { costPerUnit: '2.00' } })).statusCode, 404);
      assert.equal((await api.call('POST', '/api/rates/999999/deactivate', { as: 'planner' })).statusCode, 404);
      assert.equal((await api.call('GET', '/api/variants/999999/rates', { as: 'viewer' })).statusCode, 404);
      assert.equal((await api.call('GET', '/api/suppliers/999999/rates', { as: 'viewer' })).statusCode, 404);
      assert.equal((await api.call('GET', '/api/variants/999999/supplier-comparison', { as: 'viewer' })).statusCode, 404);
    });

    test('a rate’s breaks, lead time and pack size over HTTP: set, replaced, and refused in words naming the field', async () => {
      const s = await supplier('Breaking Bolts', { leadTimeDays: 9 });
      assert.equal(json(await api.call('GET', `/api/suppliers/${s}`, { as: 'viewer' })).leadTimeDays, 9);
      const v = await makeVariant(api, 'break shirt');
      const base = { supplierId: s, variantId: v, costPerUnit: '10.00', currency: 'INR', effectiveFrom: '2024-01-01' };
      const made = await rate({ ...base, breaks: [{ fromQuantity: '100', costPerUnit: '9.50' }], leadTimeDays: 20, packSize: '12' });
      assert.equal(made.statusCode, 201, made.body);
      assert.deepEqual((({ breaks, leadTimeDays, packSize }) => ({ breaks, leadTimeDays, packSize }))(json(made)), {
        breaks: [{ fromQuantity: '100.000', costPerUnit: '9.50' }],
        leadTimeDays: 20,
        packSize: '12.000',
      });
      const id = json(made).rateId;
      const replaced = await api.call('PATCH', `/api/rates/${id}`, {
        as: 'planner',
        body: { breaks: [{ fromQuantity: '50', costPerUnit: '9.75' }], leadTimeDays: null },
      });
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.deepEqual(json(replaced).breaks, [{ fromQuantity: '50.000', costPerUnit: '9.75' }]);
      assert.equal(json(replaced).leadTimeDays, null);
      // The module's rules, in words.
      const fromOne = await api.call('PATCH', `/api/rates/${id}`, { as: 'planner', body: { breaks: [{ fromQuantity: '1', costPerUnit: '9.00' }] } });
      assert.equal(fromOne.statusCode, 400);
      assert.equal(json(fromOne).error.code, 'INVALID_BREAKS');
      assert.equal(json(fromOne).error.message, "breaks: write each break from more than 1 unit (the rate's own cost is its price from 1 unit), not from 1");
      const twice = await api.call('PATCH', `/api/rates/${id}`, {
        as: 'planner',
        body: {
          breaks: [
            { fromQuantity: '100', costPerUnit: '9.00' },
            { fromQuantity: '100.000', costPerUnit: '8.00' },
          ],
        },
      });
      assert.equal(json(twice).error.message, 'breaks: write each quantity once: two breaks are from 100.000');
      // The schema's: a negative cost, a break without its cost, more than 20, a lead time past 730 days, a pack of 0.
      const negative = await rate({ ...base, effectiveFrom: '2030-01-01', breaks: [{ fromQuantity: '100', costPerUnit: '-1.00' }] });
      assert.deepEqual(fieldPaths(negative), ['body/breaks/0/costPerUnit']);
      assert.deepEqual(fieldPaths(await rate({ ...base, effectiveFrom: '2030-01-01', breaks: [{ fromQuantity: '100' }] })), ['body/breaks/0/costPerUnit']);
      const many = Array.from({ length: 21 }, (_, i) => ({ fromQuantity: String(2 + i), costPerUnit: '1.00' }));
      assert.deepEqual(fieldPaths(await rate({ ...base, effectiveFrom: '2030-01-01', breaks: many })), ['body/breaks']);
      assert.deepEqual(fieldPaths(await rate({ ...base, effectiveFrom: '2030-01-01', leadTimeDays: 731 })), ['body/leadTimeDays']);
      assert.deepEqual(fieldPaths(await rate({ ...base, effectiveFrom: '2030-01-01', packSize: '0' })), ['body/packSize']);
      assert.deepEqual(fieldPaths(await api.call('PATCH', `/api/suppliers/${s}`, { as: 'planner', body: { leadTimeDays: -1 } })), ['body/leadTimeDays']);
      assert.deepEqual(
        json(await api.call('GET', `/api/rates/${id}`, { as: 'viewer' })).breaks,
        [{ fromQuantity: '50.000', costPerUnit: '9.75' }],
        'refusals change nothing',
      );
    });

    test('invalid rate input is 400 with field paths: floats beyond cents, negative money, lower-case currency, zero quantity, impossible dates, a period ending before it starts', async () => {
      const s = await supplier('Strict Zippers');
      const v = await makeVariant(api, 'strict jacket');
      const bad = await rate({
        supplierId: 0,
        variantId: 'x',
        costPerUnit: '12.345',
        currency: 'inr',
        minimumOrderQuantity: '0',
        effectiveFrom: '2024-02-30',
        effectiveTo: 'soon',
        extra: true,
      });
      assert.equal(bad.statusCode, 400);
      for (const p of [
        'body/supplierId',
        'body/variantId',
        'body/costPerUnit',
        'body/currency',
        'body/minimumOrderQuantity',
        'body/effectiveFrom',
        'body/effectiveTo',
        'body/extra',
      ]) {
        assert.ok(fieldPaths(bad).includes(p), `${p} not in ${fieldPaths(bad).join(', ')}`);
      }
      for (const costPerUnit of ['-1.00', '1e3', '', '12345678901.00']) {
        const r = await rate({ supplierId: s, variantId: v, costPerUnit, currency: 'INR', effectiveFrom: '2024-01-01' });
        assert.deepEqual(fieldPaths(r), ['body/costPerUnit'], costPerUnit);
      }
      assert.deepEqual(fieldPaths(await rate({ supplierId: s, variantId: v, currency: 'INR' })).sort(), ['body/costPerUnit', 'body/effectiveFrom']);
      const backwards = await rate({
        supplierId: s,
        variantId: v,
        costPerUnit: '1.00',
        currency: 'INR',
        effectiveFrom: '2024-06-01',
        effectiveTo: '2024-05-31',
      });
      assert.equal(backwards.statusCode, 400);
      assert.equal(json(backwards).error.code, 'INVALID_PERIOD');
      assert.equal(json(backwards).error.details.field, 'effectiveTo');
      const ok = json(
        await rate({ supplierId: s, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2024-06-01', effectiveTo: '2024-06-01' }),
      );
      assert.equal(ok.effectiveTo, '2024-06-01', 'a one-day period is fine');
      const patch = await api.call('PATCH', `/api/rates/${ok.rateId}`, { as: 'planner', body: { effectiveFrom: '2024-06-02' } });
      assert.equal(patch.statusCode, 400, 'moving the start past the stored end is caught too');
      assert.equal(json(patch).error.code, 'INVALID_PERIOD');
      const patchBad = await api.call('PATCH', `/api/rates/${ok.rateId}`, { as: 'planner', body: { supplierId: s, currency: 'EURO' } });
      assert.deepEqual(fieldPaths(patchBad).sort(), ['body/currency', 'body/supplierId']);
      assert.equal((await api.call('PATCH', `/api/rates/${ok.rateId}`, { as: 'planner', body: {} })).statusCode, 400);
    });

    test('money sent as a JSON number is stored exactly when the column can hold what was written, and refused (400 naming the field) when it cannot, never rounded', async () => {
      const s = await supplier('Number Buttons');
      const v = await makeVariant(api, 'number shirt');
      /** A rate from raw JSON text, so that a number reaches the server exactly as written. */
      const raw = (costPerUnit: string, effectiveFrom: string, extra = '') =>
        api.call('POST', '/api/rates', {
          as: 'planner',
          headers: { 'content-type': 'application/json' },
          body: `{"supplierId": ${s}, "variantId": ${v}, "costPerUnit": ${costPerUnit}, "currency": "INR", "effectiveFrom": "${effectiveFrom}", "effectiveTo": "${effectiveFrom}"${extra}}`,
        });
      const rates = async () => (json(await api.call('GET', `/api/variants/${v}/rates`, { as: 'viewer' })) as unknown as unknown[]).length;
      let day = 0;
      const next = () => `2023-01-${String((day += 1)).padStart(2, '0')}`;
      for (const [sent, stored] of [
        ['12.5', '12.50'],
        ['12.50', '12.50'],
        ['0.1', '0.10'],
        ['7', '7.00'],
        ['1e1', '10.00'],
        ['1.25E1', '12.50'],
        ['-0', '0.00'],
        ['12.5e-1', '1.25'],
        ['9999999999.99', '9999999999.99'],
      ]) {
        const r = await raw(sent!, next());
        assert.equal(r.statusCode, 201, `${sent}: ${r.body}`);
        assert.equal(json(r).costPerUnit, stored, sent);
        assert.equal(json(await api.call('GET', `/api/rates/${json(r).rateId}`, { as: 'viewer' })).costPerUnit, stored, `${sent} read back`);
      }
      const kept = await rates();
      for (const sent of ['0.30000000000000004', '12.3400000000000001', '12.345', '1e21', '1e400', '1e-7', '99999999999.99', '-0.01']) {
        const r = await raw(sent, next());
        assert.equal(r.statusCode, 400, `${sent}: ${r.body}`);
        assert.deepEqual(fieldPaths(r), ['body/costPerUnit'], sent);
      }
      const quantity = await raw('"1.00"', next(), ', "minimumOrderQuantity": 2.0000000000000001');
      assert.deepEqual(fieldPaths(quantity), ['body/minimumOrderQuantity'], 'a quantity a double cannot hold as written is refused too');
      assert.equal(await rates(), kept, 'a refused rate stores nothing');
      const made = json(await raw('2.5', next(), ', "minimumOrderQuantity": 2.5'));
      assert.equal(made.minimumOrderQuantity, '2.500');
      const changed = await api.call('PATCH', `/api/rates/${made.rateId}`, {
        as: 'planner',
        headers: { 'content-type': 'application/json' },
        body: '{"costPerUnit": 3.1}',
      });
      assert.equal(json(changed).costPerUnit, '3.10', changed.body);
      const rounded = await api.call('PATCH', `/api/rates/${made.rateId}`, {
        as: 'planner',
        headers: { 'content-type': 'application/json' },
        body: '{"costPerUnit": 3.1000000000000000001}',
      });
      assert.deepEqual(fieldPaths(rounded), ['body/costPerUnit']);
      assert.equal(json(await api.call('GET', `/api/rates/${made.rateId}`, { as: 'viewer' })).costPerUnit, '3.10');
      const proto = await api.call('POST', '/api/rates', {
        as: 'planner',
        headers: { 'content-type': 'application/json' },
        body: '{"__proto__": {"isActive": false}, "costPerUnit": 1}',
      });
      assert.equal(proto.statusCode, 400, 'a prototype key is still refused');
    });

    test('an empty string is not null: it never clears an optional field, it is refused naming the field', async () => {
      const s = await supplier('Empty Strings', { phone: '+91 22 5550 1234', email: 'orders@empty.example', gstin: '27AAPFU0939F1ZV' });
      for (const field of ['phone', 'email', 'gstin']) {
        const r = await api.call('PATCH', `/api/suppliers/${s}`, { as: 'planner', body: { [field]: '' } });
        assert.deepEqual([...new Set(fieldPaths(r))], [`body/${field}`], r.body);
      }
      const kept = json(await api.call('GET', `/api/suppliers/${s}`, { as: 'viewer' }));
      assert.deepEqual([kept.phone, kept.email, kept.gstin], ['+91 22 5550 1234', 'orders@empty.example', '27AAPFU0939F1ZV']);
      assert.equal(json(await api.call('PATCH', `/api/suppliers/${s}`, { as: 'planner', body: { address: '' } })).address, '', 'an address may be empty text');
      assert.equal(json(await api.call('PATCH', `/api/suppliers/${s}`, { as: 'planner', body: { phone: null } })).phone, null, 'null clears');
      const v = await makeVariant(api, 'empty vest');
      const r = json(await rate({ supplierId: s, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2024-01-01', effectiveTo: '2024-01-31' }));
      const open = await api.call('PATCH', `/api/rates/${r.rateId}`, { as: 'planner', body: { effectiveTo: '' } });
      assert.deepEqual(fieldPaths(open), ['body/effectiveTo'], 'an empty end is not an open end');
      assert.equal(json(await api.call('GET', `/api/rates/${r.rateId}`, { as: 'viewer' })).effectiveTo, '2024-01-31');
      assert.deepEqual(
        fieldPaths(await rate({ supplierId: s, variantId: v, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2025-01-01', effectiveTo: '' })),
        ['body/effectiveTo'],
      );
    });

    test('the supplier search takes %, _ and \\ as plain characters', async () => {
      for (const n of ['50% Off Fabrics', 'Under_score Laces', 'Slash\\Dyes']) await supplier(n);
      const names = async (search: string) => {
        const r = json(await api.call('GET', `/api/suppliers?search=${encodeURIComponent(search)}&limit=500`, { as: 'viewer' }));
        assert.equal(r.total, r.suppliers.length);
        return (r.suppliers as { firmName: string }[]).map((x) => x.firmName);
      };
      assert.deepEqual(await names('%'), ['50% Off Fabrics']);
      assert.deepEqual(await names('_'), ['Under_score Laces']);
      assert.deepEqual(await names('\\'), ['Slash\\Dyes']);
      assert.deepEqual(await names('%_'), []);
      assert.deepEqual(await names("' OR '1'='1"), []);
    });

    test('active periods of one supplier and variant may not overlap (409 RATE_OVERLAP); other suppliers, inactive rates and adjacent periods may', async () => {
      const s = await supplier('Overlap Buttons');
      const other = await supplier('Overlap Rivets');
      const v = await makeVariant(api, 'overlap jeans');
      const base = { supplierId: s, variantId: v, currency: 'INR' };
      const first = json(await rate({ ...base, costPerUnit: '5.00', effectiveFrom: '2024-01-01', effectiveTo: '2024-06-30' }));
      const clash = await rate({ ...base, costPerUnit: '6.00', effectiveFrom: '2024-06-30' });
      assert.equal(clash.statusCode, 409);
      assert.equal(json(clash).error.code, 'RATE_OVERLAP');
      assert.equal(json(clash).error.details.conflictingRateId, first.rateId);
      const openEnded = json(await rate({ ...base, costPerUnit: '6.00', effectiveFrom: '2024-07-01' }));
      assert.equal(openEnded.isActive, true, 'the next day is no overlap');
      assert.equal(
        (await rate({ ...base, costPerUnit: '7.00', effectiveFrom: '2030-01-01' })).statusCode,
        409,
        'an open-ended period overlaps everything after it',
      );
      assert.equal(
        (await rate({ ...base, supplierId: other, costPerUnit: '7.00', effectiveFrom: '2024-01-01' })).statusCode,
        201,
        'another supplier is another price list',
      );
      const inactive = json(await rate({ ...base, costPerUnit: '7.00', effectiveFrom: '2024-03-01', isActive: false }));
      assert.equal(inactive.isActive, false, 'an inactive rate overlaps nothing');
      const reactivate = await api.call('PATCH', `/api/rates/${inactive.rateId}`, { as: 'planner', body: { isActive: true } });
      assert.equal(reactivate.statusCode, 409);
      const stretch = await api.call('PATCH', `/api/rates/${first.rateId}`, { as: 'planner', body: { effectiveTo: null } });
      assert.equal(stretch.statusCode, 409, 'stretching a period into the next is an overlap too');
      assert.equal(
        (await api.call('PATCH', `/api/rates/${first.rateId}`, { as: 'planner', body: { costPerUnit: '5.25' } })).statusCode,
        200,
        'a rate does not overlap itself',
      );
    });

    test('a rate is changed and deactivated, each audited with before and after; deactivating twice records once', async () => {
      const s = await supplier('Audit Elastics');
      const v = await makeVariant(api, 'audit shorts');
      const r = json(await rate({ supplierId: s, variantId: v, costPerUnit: '3.10', currency: 'INR', effectiveFrom: '2024-01-01' }));
      const changed = await api.call('PATCH', `/api/rates/${r.rateId}`, {
        as: 'admin',
        body: { costPerUnit: '3.25', minimumOrderQuantity: '50', effectiveTo: '2024-12-31' },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json(changed).costPerUnit, '3.25');
      assert.equal(json(changed).minimumOrderQuantity, '50.000');
      assert.equal(json(changed).effectiveTo, '2024-12-31');
      assert.equal(json(changed).currency, 'INR', 'fields not sent stay');
      const off = await api.call('POST', `/api/rates/${r.rateId}/deactivate`, { as: 'planner' });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal(json(off).isActive, false);
      assert.equal((await api.call('POST', `/api/rates/${r.rateId}/deactivate`, { as: 'planner' })).statusCode, 200);
      const events = await audit(api, 'supplier_rate', r.rateId);
      assert.deepEqual(
        events.map((e) => e.action),
        ['update', 'update', 'create'],
      );
      assert.equal(events[1]!.before.costPerUnit, '3.10');
      assert.equal(events[1]!.after.costPerUnit, '3.25');
      assert.equal(events[0]!.before.isActive, true);
      assert.equal(events[0]!.after.isActive, false);
    });

    test('a variant’s rate history lists every rate, active or not, newest effective date first; a supplier’s too', async () => {
      const a = await supplier('History Alpha');
      const b = await supplier('History Beta');
      const v = await makeVariant(api, 'history saree');
      const other = await makeVariant(api, 'history dupatta');
      const ids: number[] = [];
      for (const [supplierId, effectiveFrom, effectiveTo, isActive] of [
        [a, '2022-01-01', '2022-12-31', true],
        [a, '2024-01-01', null, true],
        [b, '2023-05-01', null, false],
        [b, '2023-01-01', '2023-04-30', true],
      ] as const) {
        ids.push(json(await rate({ supplierId, variantId: v, costPerUnit: '10.00', currency: 'INR', effectiveFrom, effectiveTo, isActive })).rateId);
      }
      await rate({ supplierId: a, variantId: other, costPerUnit: '1.00', currency: 'INR', effectiveFrom: '2025-01-01' });
      const history = json(await api.call('GET', `/api/variants/${v}/rates`, { as: 'viewer' })) as unknown as {
        rateId: number;
        effectiveFrom: string;
        firmName: string;
      }[];
      assert.deepEqual(
        history.map((h) => h.effectiveFrom),
        ['2024-01-01', '2023-05-01', '2023-01-01', '2022-01-01'],
      );
      assert.deepEqual(
        history.map((h) => h.rateId),
        [ids[1], ids[2], ids[3], ids[0]],
      );
      assert.equal(history[1]!.firmName, 'History Beta');
      const ofA = json(await api.call('GET', `/api/suppliers/${a}/rates`, { as: 'viewer' })) as unknown as { variantId: number }[];
      assert.deepEqual(
        ofA.map((r) => r.variantId),
        [other, v, v],
      );
      const fresh = await makeVariant(api, 'history nothing');
      assert.deepEqual(json(await api.call('GET', `/api/variants/${fresh}/rates`, { as: 'viewer' })), []);
    });

    test('the comparison takes each supplier’s active rate in effect today, names the highest and lowest, and leaves out expired, future and inactive rates', async () => {
      const v = await makeVariant(api, 'compare polo');
      const [cheap, dear, middle, expired, future, inactive, replaced] = [
        await supplier('Cmp Cheap'),
        await supplier('Cmp Dear'),
        await supplier('Cmp Middle'),
        await supplier('Cmp Expired'),
        await supplier('Cmp Future'),
        await supplier('Cmp Inactive'),
        await supplier('Cmp Replaced'),
      ];
      const today = await day(api);
      const add = async (supplierId: number, costPerUnit: string, from: number, to: number | null, isActive = true) => {
        const r = await rate({
          supplierId,
          variantId: v,
          costPerUnit,
          currency: 'INR',
          effectiveFrom: await day(api, from),
          effectiveTo: to === null ? null : await day(api, to),
          isActive,
        });
        assert.equal(r.statusCode, 201, r.body);
        return json(r).rateId as number;
      };
      const cheapRate = await add(cheap, '8.75', -30, null);
      const dearRate = await add(dear, '120.00', 0, 0); // in effect exactly today: both ends inclusive
      const middleRate = await add(middle, '99.99', -365, 30);
      await add(expired, '500.00', -60, -1);
      await add(future, '900.00', 1, null);
      await add(inactive, '700.00', -10, null, false);
      await add(replaced, '1000.00', -100, -11);
      const replacedNow = await add(replaced, '50.00', -10, null);
      await add(cheap, '0.50', -400, -31); // the cheap supplier's old, expired price

      const cmp = json(await api.call('GET', `/api/variants/${v}/supplier-comparison`, { as: 'operator' }));
      assert.equal(cmp.asOf, today);
      assert.equal(cmp.variantId, v);
      assert.deepEqual(
        cmp.rates.map((r: { rateId: number; costPerUnit: string }) => [r.rateId, r.costPerUnit]),
        [
          [cheapRate, '8.75'],
          [replacedNow, '50.00'],
          [middleRate, '99.99'],
          [dearRate, '120.00'],
        ],
      );
      assert.equal(cmp.highest.rateId, dearRate, '120.00 beats 99.99 as a number, not as text');
      assert.equal(cmp.highest.supplierId, dear);
      assert.equal(cmp.lowest.rateId, cheapRate);
      assert.deepEqual(cmp.currencies, ['INR']);

      const tomorrow = json(await api.call('GET', `/api/variants/${v}/supplier-comparison?asOf=${await day(api, 1)}`, { as: 'viewer' }));
      assert.equal(tomorrow.highest.supplierId, future, 'on another day other rates apply');
      assert.ok(!tomorrow.rates.some((r: { supplierId: number }) => r.supplierId === dear));
    });

    test('the comparison names no highest or lowest without rates or across currencies, and breaks cost ties by supplier', async () => {
      const v = await makeVariant(api, 'compare cap');
      const empty = json(await api.call('GET', `/api/variants/${v}/supplier-comparison?asOf=2024-06-01`, { as: 'viewer' }));
      assert.deepEqual(empty, { variantId: v, asOf: '2024-06-01', rates: [], highest: null, lowest: null, currencies: [] });
      const x = await supplier('Tie First');
      const y = await supplier('Tie Second');
      await rate({ supplierId: y, variantId: v, costPerUnit: '4.00', currency: 'INR', effectiveFrom: '2024-01-01' });
      await rate({ supplierId: x, variantId: v, costPerUnit: '4.00', currency: 'INR', effectiveFrom: '2024-01-01' });
      const tie = json(await api.call('GET', `/api/variants/${v}/supplier-comparison?asOf=2024-06-01`, { as: 'viewer' }));
      assert.equal(tie.highest.supplierId, x);
      assert.equal(tie.lowest.supplierId, x);
      const z = await supplier('Tie Dollar');
      await rate({ supplierId: z, variantId: v, costPerUnit: '1.00', currency: 'USD', effectiveFrom: '2024-01-01' });
      const mixed = json(await api.call('GET', `/api/variants/${v}/supplier-comparison?asOf=2024-06-01`, { as: 'viewer' }));
      assert.equal(mixed.rates.length, 3);
      assert.deepEqual(mixed.currencies, ['INR', 'USD']);
      assert.equal(mixed.highest, null);
      assert.equal(mixed.lowest, null);
      assert.equal((await api.call('GET', `/api/variants/${v}/supplier-comparison?asOf=yesterday`, { as: 'viewer' })).statusCode, 400);
    });

    test('a supplier with rates, even inactive ones, is not deleted: 409 SUPPLIER_HAS_RATES, and nothing changes', async () => {
      const s = await supplier('Kept Supplier');
      const v = await makeVariant(api, 'kept scarf');
      const r = json(await rate({ supplierId: s, variantId: v, costPerUnit: '2.00', currency: 'INR', effectiveFrom: '2024-01-01' }));
      await api.call('POST', `/api/rates/${r.rateId}/deactivate`, { as: 'planner' });
      const refused = await api.call('DELETE', `/api/suppliers/${s}`, { as: 'admin' });
      assert.equal(refused.statusCode, 409);
      assert.equal(json(refused).error.code, 'SUPPLIER_HAS_RATES');
      assert.deepEqual(json(refused).error.details, { supplierId: s, rates: 1, activeRates: 0 });
      assert.equal((await api.call('GET', `/api/rates/${r.rateId}`, { as: 'viewer' })).statusCode, 200);
      assert.deepEqual(
        (await audit(api, 'supplier', s)).map((e) => e.action),
        ['create'],
      );
    });
  });
}
