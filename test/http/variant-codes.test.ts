import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { recordMovement } from '../../src/app/items/stock.ts';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const outcome = (r: { statusCode: number; body: string }) => (r.statusCode >= 400 ? `${r.statusCode} ${json(r).error.code}` : String(r.statusCode));

for (const backend of backends) {
  describe(`variant codes and barcodes over HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    before(async () => {
      api = await testApi(backend);
    });
    after(async () => {
      await api?.close();
    });

    const item = async (name: string) => {
      const r = await api.call('POST', '/api/items', { as: 'planner', body: { name } });
      assert.equal(r.statusCode, 201, r.body);
      return json(r).itemId as number;
    };
    const variant = async (itemId: number, body: Record<string, unknown>) => {
      const r = await api.call('POST', `/api/items/${itemId}/variants`, { as: 'planner', body });
      assert.equal(r.statusCode, 201, r.body);
      return json(r);
    };
    const search = async (q: string) =>
      (json(await api.call('GET', `/api/items?q=${encodeURIComponent(q)}`, { as: 'viewer' })).items as { itemId: number; name: string }[]).map((i) => i.name);
    const lookup = async (q: string) => json(await api.call('GET', `/api/variants?q=${encodeURIComponent(q)}`, { as: 'viewer' }));

    test('a code and a barcode are stored trimmed, shown on the variant, and changed or cleared (empty or null) by PATCH', async () => {
      const itemId = await item('Codes Frame');
      const v = await variant(itemId, { color: 'Red', size: '54', code: '  CF-RED-54 ', barcode: ' 4006381333931 ' });
      assert.equal(v.code, 'CF-RED-54');
      assert.equal(v.barcode, '4006381333931');
      const read = json(await api.call('GET', `/api/variants/${v.variantId}`, { as: 'viewer' }));
      assert.deepEqual([read.code, read.barcode], ['CF-RED-54', '4006381333931']);
      const renamed = await api.call('PATCH', `/api/variants/${v.variantId}`, { as: 'planner', body: { code: 'cf-red-54b' } });
      assert.equal(outcome(renamed), '200');
      assert.deepEqual([json(renamed).code, json(renamed).barcode], ['cf-red-54b', '4006381333931'], 'a field left out stays');
      const cleared = await api.call('PATCH', `/api/variants/${v.variantId}`, { as: 'planner', body: { code: '', barcode: null } });
      assert.deepEqual([json(cleared).code, json(cleared).barcode], [null, null]);
      const none = await variant(itemId, { color: 'Blue', size: '54' });
      assert.deepEqual([none.code, none.barcode], [null, null], 'both are optional');
    });

    test('a code is unique whatever its case: the clash is 409 CODE_TAKEN naming the variant that has it, and nothing is written', async () => {
      const a = await item('Clash Seat');
      const b = await item('Clash Saddle');
      const held = await variant(a, { color: 'Black', size: 'M', code: 'SEAT-BLK', barcode: '5012345678900' });
      const clash = await api.call('POST', `/api/items/${b}/variants`, { as: 'planner', body: { color: 'Black', size: 'M', code: 'seat-blk' } });
      assert.equal(outcome(clash), '409 CODE_TAKEN');
      const err = json(clash).error;
      assert.equal(err.details.variantId, held.variantId);
      assert.equal(err.details.field, 'code');
      assert.match(err.message, new RegExp(`The code "seat-blk" is taken by variant ${held.variantId} \\(Clash Seat, Black, M: "SEAT-BLK"\\)`));
      assert.equal((json(await api.call('GET', `/api/items/${b}/variants`, { as: 'viewer' })) as unknown[]).length, 0, 'no variant was made');
      const barcode = await api.call('POST', `/api/items/${b}/variants`, { as: 'planner', body: { color: 'Black', size: 'M', barcode: '5012345678900' } });
      assert.equal(outcome(barcode), '409 BARCODE_TAKEN');
      assert.equal(json(barcode).error.details.variantId, held.variantId);
      const other = await variant(b, { color: 'Black', size: 'M', code: 'SADDLE-BLK' });
      const patch = await api.call('PATCH', `/api/variants/${other.variantId}`, { as: 'planner', body: { code: 'Seat-Blk' } });
      assert.equal(outcome(patch), '409 CODE_TAKEN');
      const same = await api.call('PATCH', `/api/variants/${held.variantId}`, { as: 'planner', body: { code: 'seat-blk' } });
      assert.equal(outcome(same), '200', 'a variant may change the case of its own code');
    });

    test('a deleted variant frees its code; restoring it while another holds the code is 409 CODE_TAKEN', async () => {
      const a = await item('Freed Hub');
      const gone = await variant(a, { color: 'Silver', size: '32h', code: 'HUB-32' });
      assert.equal(outcome(await api.call('DELETE', `/api/variants/${gone.variantId}`, { as: 'planner' })), '200');
      const taker = await variant(a, { color: 'Black', size: '32h', code: 'hub-32' });
      const restore = await api.call('POST', `/api/variants/${gone.variantId}/restore`, { as: 'planner' });
      assert.equal(outcome(restore), '409 CODE_TAKEN');
      assert.equal(json(restore).error.details.variantId, taker.variantId);
    });

    test('a code or barcode with a space inside, or too long, is 400 INVALID_INPUT naming the field in words', async () => {
      const a = await item('Bad Code Spoke');
      const spaced = await api.call('POST', `/api/items/${a}/variants`, { as: 'planner', body: { color: 'Grey', size: '2mm', code: 'SP 2' } });
      assert.equal(outcome(spaced), '400 INVALID_INPUT');
      assert.equal(json(spaced).error.details.field, 'code');
      assert.match(json(spaced).error.message, /The code "SP 2" has a space or an invisible character inside/);
      const long = await api.call('POST', `/api/items/${a}/variants`, { as: 'planner', body: { color: 'Grey', size: '2mm', barcode: '1'.repeat(65) } });
      assert.equal(outcome(long), '400 INVALID_INPUT');
      // The limits are the request's own (the API document states them): refused before the app, in the same words.
      assert.equal(json(long).error.details.fields[0].field, 'barcode');
      assert.match(json(long).error.message, /^barcode: .*at most 64 characters/);
      const longCode = await api.call('POST', `/api/items/${a}/variants`, { as: 'planner', body: { color: 'Grey', size: '2mm', code: 'C'.repeat(41) } });
      assert.match(json(longCode).error.message, /^code: .*at most 40 characters/);
      assert.equal(
        outcome(await api.call('POST', `/api/items/${a}/variants`, { as: 'planner', body: { color: 'Grey', size: '2mm', code: 'C'.repeat(40) } })),
        '201',
      );
    });

    test('the item search finds an item by its variant’s exact code (any case), its barcode and a code’s start, the exact one first', async () => {
      const rim = await item('Zebra Rim');
      await variant(rim, { color: 'Black', size: '700c', code: 'RIM-700', barcode: '8712345678906' });
      const rim2 = await item('Alpha Rim Wide');
      await variant(rim2, { color: 'Black', size: '700c', code: 'RIM-7001' });
      assert.deepEqual(await search('rim-700'), ['Zebra Rim', 'Alpha Rim Wide'], 'the exact code first, then by name the code that starts with it');
      assert.deepEqual(await search('RIM-7001'), ['Alpha Rim Wide']);
      assert.deepEqual(await search('8712345678906'), ['Zebra Rim']);
      assert.deepEqual(await search('871234567890'), [], 'a barcode is found whole, not by its start');
      assert.deepEqual(await search('rim-70'), ['Alpha Rim Wide', 'Zebra Rim'], 'a code’s start finds both, by name');
      assert.deepEqual(await search('zebra rim-700'), ['Zebra Rim'], 'a code word and a name word together');
      assert.deepEqual(await search('im-700'), [], 'a code is found by its start, not its middle');
    });

    test('the items list shows each item’s stock per unit and its codes', async () => {
      const chain = await item('Summary Chain');
      const a = await variant(chain, { color: 'Silver', size: '110', unit: 'pcs', code: 'CH-B' });
      const b = await variant(chain, { color: 'Gold', size: '110', unit: 'pcs', code: 'CH-A' });
      const c = await variant(chain, { color: 'Silver', size: 'roll', unit: 'm' });
      for (const [v, q] of [
        [a, '3'],
        [b, '4.5'],
        [c, '12.25'],
      ] as const)
        await recordMovement(api.db, { variantId: v.variantId, type: 'receipt', quantity: q }, { userId: null, via: 'cli' });
      const listed = json(await api.call('GET', '/api/items?q=summary%20chain', { as: 'viewer' })).items[0];
      assert.deepEqual(listed.stock, [
        { unit: 'm', quantity: '12.250' },
        { unit: 'pcs', quantity: '7.500' },
      ]);
      assert.deepEqual([listed.codes, listed.moreCodes], [['CH-A', 'CH-B'], 0]);
      const bare = await item('Summary Bare');
      const listedBare = json(await api.call('GET', '/api/items?q=summary%20bare', { as: 'viewer' })).items[0];
      assert.equal(listedBare.itemId, bare);
      assert.deepEqual([listedBare.stock, listedBare.codes, listedBare.moreCodes], [[], [], 0]);
    });

    test('the variant lookup finds a variant by code, barcode, item name and colour, the exact one first and marked', async () => {
      const tube = await item('Lookup Tube');
      const red = await variant(tube, { color: 'Red', size: '26', code: 'TUBE-26R', barcode: '4000000000017' });
      const blue = await variant(tube, { color: 'Blue', size: '26', code: 'TUBE-26' });
      const byCode = await lookup('tube-26');
      assert.deepEqual(
        byCode.variants.map((v: any) => [v.variantId, v.exact]),
        [
          [blue.variantId, true],
          [red.variantId, false],
        ],
      );
      const byBarcode = await lookup('4000000000017');
      assert.deepEqual(
        byBarcode.variants.map((v: any) => [v.variantId, v.exact, v.item]),
        [[red.variantId, true, 'Lookup Tube']],
      );
      const byName = await lookup('lookup tube red');
      assert.deepEqual(
        byName.variants.map((v: any) => v.variantId),
        [red.variantId],
        'a colour’s name picks the variant',
      );
      assert.deepEqual((await lookup('nothing-has-this')).variants, []);
      const paged = json(await api.call('GET', '/api/variants?q=lookup%20tube&limit=1', { as: 'viewer' }));
      assert.equal(paged.variants.length, 1);
      assert.equal(paged.more, true);
      const tooMany = await api.call('GET', '/api/variants?q=tube&limit=51', { as: 'viewer' });
      assert.equal(outcome(tooMany), '400 INVALID_INPUT');
      const empty = await api.call('GET', '/api/variants?q=', { as: 'viewer' });
      assert.equal(outcome(empty), '400 INVALID_INPUT');
    });
  });
}
