// An opening balance at a cost (what the demo seed values its opening stock with), on PGlite
// and on the server: the opening enters the ledger with its value, and the average cost starts
// there; a unit cost on any other movement, or one that is no amount, is refused with nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { createItem } from '../../src/app/items/items.ts';
import { recordMovement } from '../../src/app/items/stock.ts';
import { createVariant } from '../../src/app/items/variants.ts';
import type { Database } from '../../src/db/types.ts';
import { MtcError } from '../../src/errors.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';

for (const backend of backends) {
  describe(`an opening balance at a cost on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    let n = 0;
    const variant = async () => {
      const item = await createItem(db, { name: `Crank ${++n}` }, CLI_ACTOR);
      return (await createVariant(db, item.itemId, { color: 'Black', size: 'General' }, CLI_ACTOR))!.variantId;
    };
    const state = async (variantId: number) =>
      (
        await db.query<{ stock: string; value: string | null; rows: string }>(
          `SELECT trim_scale(v.stock)::text AS stock, trim_scale(v.stock_value)::text AS value,
                  (SELECT count(*)::text FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id) AS rows
             FROM public.item_variant v WHERE v.variant_id = $1`,
          [variantId],
        )
      ).rows[0]!;

    test('an opening with a unit cost is valued at it: the ledger row carries the cost and value, and the variant its stock value', async () => {
      const v = await variant();
      const moved = await recordMovement(db, { variantId: v, type: 'opening', quantity: '12.5', unitCost: '40.1234' }, CLI_ACTOR);
      assert.deepEqual([moved?.entry.unitCost, moved?.entry.value], ['40.1234', '501.5425']);
      assert.deepEqual(await state(v), { stock: '12.5', value: '501.5425', rows: '1' });
      // what goes out later leaves at that average
      const issued = await recordMovement(db, { variantId: v, type: 'issue', quantity: '2.5' }, CLI_ACTOR);
      assert.deepEqual([issued?.entry.unitCost, issued?.entry.value], ['40.1234', '-100.3085']);
    });

    test('an opening without a unit cost has no value, as before', async () => {
      const v = await variant();
      const moved = await recordMovement(db, { variantId: v, type: 'opening', quantity: '3' }, CLI_ACTOR);
      assert.deepEqual([moved?.entry.unitCost, moved?.entry.value], [null, null]);
      assert.deepEqual(await state(v), { stock: '3', value: null, rows: '1' });
    });

    test('a unit cost on a receipt, an issue or an adjustment, or one that is no amount, is INVALID_MOVEMENT naming unitCost, and nothing is written', async () => {
      const v = await variant();
      const refused = async (m: Parameters<typeof recordMovement>[1], message: RegExp) => {
        await assert.rejects(
          recordMovement(db, m, CLI_ACTOR),
          (err: unknown) =>
            err instanceof MtcError &&
            err.code === 'INVALID_MOVEMENT' &&
            err.category === 'usage' &&
            (err.details as { field?: string }).field === 'unitCost' &&
            message.test(err.message),
        );
        assert.deepEqual(await state(v), { stock: '0', value: null, rows: '0' });
      };
      await refused({ variantId: v, type: 'receipt', quantity: '5', unitCost: '10' }, /^unitCost: is for an opening balance only/);
      await refused({ variantId: v, type: 'adjustment', quantity: '5', reason: 'found', unitCost: '10' }, /opening balance only/);
      await refused({ variantId: v, type: 'opening', quantity: '5', unitCost: '-1' }, /^unitCost: write an amount of 0 or more/);
      await refused({ variantId: v, type: 'opening', quantity: '5', unitCost: '1.23456' }, /^unitCost: write an amount of 0 or more with up to 4 decimals/);
    });
  });
}
