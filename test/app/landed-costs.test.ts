// Landed costs (issue 22, point 2), on PGlite and on the server: freight, duty and other
// charges on a receipt, spread by quantity, by value or by hand, into each line's landed unit
// cost and the moving average; reversals at landed cost; charges added later (a freight bill)
// as landed_cost rows of the ledger placed at the receipt. Every figure is computed by hand in
// the comments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { recordMovement } from '../../src/app/items/stock.ts';
import { exportGoodsReceiptsCsv, exportReceiptChargesCsv } from '../../src/app/purchasing/export.ts';
import { addReceiptCharge } from '../../src/app/purchasing/later-charges.ts';
import { createGoodsReceipt, getGoodsReceipt, reverseGoodsReceipt } from '../../src/app/purchasing/receipts.ts';
import type { ReceiptInput } from '../../src/app/purchasing/receipts.ts';
import { MtcError } from '../../src/errors.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertVariant, supplierId } from '../helpers/processes.ts';

const ACTOR: Actor = { userId: null, via: 'cli' };

/** The error `fn` throws, which must be one of MTC's with `code`. */
async function refused(fn: () => Promise<unknown>, code: string): Promise<MtcError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof MtcError, `expected an error of MTC's, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but it was accepted`);
}

for (const backend of backends) {
  describe(`landed costs on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let supplier: number;

    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
      supplier = await supplierId(db, 'Carrier and parts');
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    let n = 0;
    const variant = () => insertVariant(db, `Landed part ${++n}`);
    /** A receipt on its own of the supplier, with `lines` as [variant, quantity, unit cost]. */
    const receive = (lines: [number, string, string][], more: Partial<ReceiptInput> = {}) =>
      createGoodsReceipt(
        db,
        { supplierId: supplier, lines: lines.map(([variantId, quantity, unitCost]) => ({ variantId, quantity, unitCost })), ...more },
        ACTOR,
      );
    const stock = async (id: number) =>
      (
        await db.query<{ stock: string; value: string | null }>(
          'SELECT trim_scale(stock)::text AS stock, trim_scale(stock_value)::text AS value FROM public.item_variant WHERE variant_id = $1',
          [id],
        )
      ).rows[0]!;
    const ledger = async (id: number) =>
      (
        await db.query<{ type: string; quantity: string; unitCost: string | null; value: string | null }>(
          `SELECT transaction_type AS type, trim_scale(quantity)::text AS quantity, trim_scale(unit_cost)::text AS "unitCost", trim_scale(value)::text AS value
             FROM public.inventory_transactions WHERE variant_id = $1 ORDER BY created_at, id`,
          [id],
        )
      ).rows;
    const figures = (r: { lines: { unitCost: string; shares: { amount: string }[]; landedUnitCost: string }[] }) =>
      r.lines.map((l) => [l.unitCost, l.shares.map((s) => s.amount), l.landedUnitCost]);

    test('freight spread by quantity: each line takes its share of the quantity, and goes into stock at its landed unit cost', async () => {
      const [a, b] = [await variant(), await variant()];
      // 10 + 30 = 40 units; freight 100: A 100 × 10/40 = 25, B 75
      // landed: A 5 + 25/10 = 7.5; B 2 + 75/30 = 4.5
      const r = await receive(
        [
          [a, '10', '5'],
          [b, '30', '2'],
        ],
        { charges: [{ kind: 'freight', description: 'Truck from Pune', amount: '100', spread: 'quantity' }] },
      );
      assert.deepEqual(figures(r), [
        ['5', ['25'], '7.5'],
        ['2', ['75'], '4.5'],
      ]);
      assert.deepEqual(
        r.charges.map((c) => [c.kind, c.description, c.amount, c.spread, c.addedLater]),
        [['freight', 'Truck from Pune', '100', 'quantity', false]],
      );
      assert.equal(r.lines[0]!.shares[0]!.chargeId, r.charges[0]!.chargeId);
      // the ledger's receipt rows are at the landed unit cost: 10 × 7.5 = 75, 30 × 4.5 = 135
      assert.deepEqual(await ledger(a), [{ type: 'receipt', quantity: '10', unitCost: '7.5', value: '75' }]);
      assert.deepEqual(await stock(b), { stock: '30', value: '135' });
      // the receipt read back says the same
      assert.deepEqual(figures((await getGoodsReceipt(db, r.receiptId))!), figures(r));
    });

    test('duty spread by value: each line takes its share of quantity × unit cost, to 4 decimals, the last line what is left', async () => {
      const [a, b] = [await variant(), await variant()];
      // values 10 × 5 = 50 and 30 × 2 = 60, 110 in all; duty 100: A 100 × 50/110 = 45.4545(45…) → 45.4545, B 100 − 45.4545 = 54.5455
      // landed: A 5 + 45.4545/10 = 9.54545; B 2 + 54.5455/30 = 3.81818333… (to 20 decimals)
      const r = await receive(
        [
          [a, '10', '5'],
          [b, '30', '2'],
        ],
        { charges: [{ kind: 'duty', amount: '100', spread: 'value' }] },
      );
      assert.deepEqual(figures(r), [
        ['5', ['45.4545'], '9.54545'],
        ['2', ['54.5455'], '3.81818333333333333333'],
      ]);
      assert.deepEqual(await stock(a), { stock: '10', value: '95.4545' });
    });

    test('the remainder rule: 100 over three equal lines is 33.3333, 33.3333 and 33.3334, adding up to the charge exactly', async () => {
      const vs = [await variant(), await variant(), await variant()];
      const r = await receive(
        vs.map((v) => [v, '1', '1'] as [number, string, string]),
        { charges: [{ kind: 'other', amount: '100', spread: 'quantity' }] },
      );
      assert.deepEqual(
        r.lines.map((l) => l.shares[0]!.amount),
        ['33.3333', '33.3333', '33.3334'],
      );
      assert.deepEqual(
        r.lines.map((l) => l.landedUnitCost),
        ['34.3333', '34.3333', '34.3334'],
      );
      // two charges on one receipt: each line carries both; the last line with a weight takes the rest (a line of unit cost 0 weighs nothing by value)
      const [x, y, z] = [await variant(), await variant(), await variant()];
      const two = await receive(
        [
          [x, '2', '3'],
          [y, '1', '3'],
          [z, '4', '0'],
        ],
        {
          charges: [
            { kind: 'freight', amount: '10', spread: 'quantity' },
            { kind: 'duty', amount: '1', spread: 'value' },
          ],
        },
      );
      // freight 10 over 7 units: 2.8571(42…) → 2.8571, 1.4286(71…) → 1.4286, z the rest 5.7143
      // duty 1 by value 6 and 3 (z weighs 0): x 0.6667, y (the last with a weight) 0.3333, z 0
      assert.deepEqual(
        two.lines.map((l) => l.shares.map((s) => s.amount)),
        [
          ['2.8571', '0.6667'],
          ['1.4286', '0.3333'],
          ['5.7143', '0'],
        ],
      );
      // x 3 + 3.5238/2 = 4.7619; y 3 + 1.7619 = 4.7619; z 0 + 5.7143/4 = 1.428575
      assert.deepEqual(
        two.lines.map((l) => l.landedUnitCost),
        ['4.7619', '4.7619', '1.428575'],
      );
    });

    test('spread by hand: the shares given, which must add up to the charge exactly; what is wrong is said in words', async () => {
      const [a, b] = [await variant(), await variant()];
      const lines: [number, string, string][] = [
        [a, '10', '5'],
        [b, '30', '2'],
      ];
      // A 5 + 30/10 = 8; B 2 + 70/30 = 4.333… (to 20 decimals)
      const r = await receive(lines, {
        charges: [
          {
            kind: 'freight',
            amount: '100',
            spread: 'manual',
            lines: [
              { line: 1, amount: '70' },
              { line: 0, amount: '30' },
            ],
          },
        ],
      });
      assert.deepEqual(figures(r), [
        ['5', ['30'], '8'],
        ['2', ['70'], '4.33333333333333333333'],
      ]);
      // a line not named takes none
      const one = await receive(lines, { charges: [{ kind: 'other', amount: '12', spread: 'manual', lines: [{ line: 0, amount: '12' }] }] });
      assert.deepEqual(figures(one), [
        ['5', ['12'], '6.2'],
        ['2', ['0'], '2'],
      ]);
      const manual = (shares: { line: number; amount: string }[]) => ({
        charges: [{ kind: 'freight' as const, amount: '100', spread: 'manual' as const, lines: shares }],
      });
      const short = await refused(
        () =>
          receive(
            lines,
            manual([
              { line: 0, amount: '30' },
              { line: 1, amount: '60' },
            ]),
          ),
        'CHARGE_SHARES_DIFFER',
      );
      assert.equal(short.message, 'charges/0/lines: the shares add up to 90, not the charge’s 100: 10 is not spread; make them add up to the charge exactly');
      const over = await refused(
        () =>
          receive(
            lines,
            manual([
              { line: 0, amount: '30.005' },
              { line: 1, amount: '70' },
            ]),
          ),
        'CHARGE_SHARES_DIFFER',
      );
      assert.match(over.message, /add up to 100\.005, not the charge’s 100: 0\.005 too much is spread/);
      const twice = await refused(
        () =>
          receive(
            lines,
            manual([
              { line: 0, amount: '30' },
              { line: 0, amount: '70' },
            ]),
          ),
        'INVALID_CHARGE',
      );
      assert.equal(twice.message, 'charges/0/lines/1: names line 1 of the receipt again: give each line’s share once');
      const nowhere = await refused(() => receive(lines, manual([{ line: 2, amount: '100' }])), 'INVALID_CHARGE');
      assert.equal(nowhere.message, "charges/0/lines/0: names no line of the receipt: write a line's position, from 0 to 1");
      const none = await refused(() => receive(lines, manual([])), 'INVALID_CHARGE');
      assert.match(none.message, /^charges\/0\/lines: list each line’s share/);
      // nothing was received by the refused receipts
      assert.deepEqual(await stock(a), { stock: '20', value: '142' });
    });

    test('a charge’s faults are refused in words, naming the field, and nothing is received', async () => {
      const a = await variant();
      const lines: [number, string, string][] = [[a, '4', '0']];
      const cases: [object, string, string][] = [
        [{ kind: 'postage', amount: '1', spread: 'quantity' }, 'INVALID_CHARGE', 'charges/0/kind: write freight, duty or other'],
        [{ kind: 'freight', amount: '1', spread: 'weight' }, 'INVALID_CHARGE', 'charges/0/spread: write quantity, value or manual'],
        [{ kind: 'freight', amount: '0', spread: 'quantity' }, 'INVALID_CHARGE', 'charges/0/amount: write an amount above 0'],
        [{ kind: 'freight', amount: '-5', spread: 'quantity' }, 'INVALID_CHARGE', 'charges/0/amount: write an amount above 0'],
        [
          { kind: 'freight', amount: '5', spread: 'quantity', lines: [{ line: 0, amount: '5' }] },
          'INVALID_CHARGE',
          'charges/0/lines: are for a charge spread by hand',
        ],
        [{ kind: 'duty', amount: '5', spread: 'value' }, 'INVALID_CHARGE', 'charges/0/spread: the lines have no value to spread by'],
      ];
      for (const [charge, code, message] of cases) {
        const err = await refused(() => receive(lines, { charges: [charge as never] }), code);
        assert.ok(err.message.startsWith(message), `${err.message} starts with ${message}`);
      }
      const many = await refused(
        () => receive(lines, { charges: Array.from({ length: 21 }, () => ({ kind: 'other' as const, amount: '1', spread: 'quantity' as const })) }),
        'INVALID_CHARGE',
      );
      assert.equal(many.message, 'charges: has 21 charges: a receipt carries at most 20; add the rest as one charge');
      assert.deepEqual(await stock(a), { stock: '0', value: null });
    });

    test('the moving average includes the charges: stock of 10 at 6 and 10 received at 5 with 20 of freight average 6.5', async () => {
      const a = await variant();
      await recordMovement(db, { variantId: a, type: 'opening', quantity: '10', unitCost: '6' }, ACTOR);
      // landed 5 + 20/10 = 7: value 60 + 70 = 130 for 20 units, 6.5 each
      await receive([[a, '10', '5']], { charges: [{ kind: 'freight', amount: '20', spread: 'quantity' }] });
      assert.deepEqual(await stock(a), { stock: '20', value: '130' });
      // 4 issued go out at the average: 4 × 6.5 = 26
      const issued = await recordMovement(db, { variantId: a, type: 'issue', quantity: '4' }, ACTOR);
      assert.deepEqual([issued!.entry.unitCost, issued!.entry.value], ['6.5', '-26']);
    });

    test('a reversal takes the goods out at their landed cost, and carries the charges back negated; the audit event keeps the shares', async () => {
      const a = await variant();
      await recordMovement(db, { variantId: a, type: 'opening', quantity: '10', unitCost: '6' }, ACTOR);
      const r = await receive([[a, '10', '5']], { charges: [{ kind: 'freight', amount: '20', spread: 'quantity' }] });
      const back = await reverseGoodsReceipt(db, r.receiptId, 'wrong parts', ACTOR);
      // out 10 at 7 = 70: back to 10 at 6, 60
      assert.deepEqual(await stock(a), { stock: '10', value: '60' });
      assert.deepEqual((await ledger(a)).at(-1), { type: 'receipt', quantity: '-10', unitCost: '7', value: '-70' });
      assert.deepEqual(figures(back), [['5', ['-20'], '7']]);
      assert.deepEqual(
        back.charges.map((c) => [c.kind, c.amount, c.spread]),
        [['freight', '-20', 'quantity']],
      );
      const kept = (
        await db.query<{ after: { lines: { shares?: unknown; landedUnitCost?: string }[]; charges: { amount: string }[] } }>(
          `SELECT after FROM public.audit_events WHERE entity = 'goods_receipt' AND entity_id = $1`,
          [String(r.receiptId)],
        )
      ).rows[0]!.after;
      assert.deepEqual(kept.lines[0]!.shares, [{ chargeId: r.charges[0]!.chargeId, amount: '20' }]);
      assert.equal(kept.lines[0]!.landedUnitCost, '7');
      assert.deepEqual(
        kept.charges.map((c) => c.amount),
        ['20'],
      );
    });

    test('a freight bill added later is its own entry: a charge added later with its shares, and a landed_cost row per line at the receipt', async () => {
      const [a, b] = [await variant(), await variant()];
      const r = await receive([
        [a, '10', '5'],
        [b, '30', '2'],
      ]);
      const later = await addReceiptCharge(
        db,
        r.receiptId,
        { kind: 'freight', amount: '40', spread: 'quantity', billNumber: 'FB-77', chargedOn: '2026-11-20', description: 'Truck' },
        ACTOR,
      );
      // 40 over 40 units: A 10, B 30; landed A 5 + 10/10 = 6, B 2 + 30/30 = 3
      assert.deepEqual(figures(later), [
        ['5', ['10'], '6'],
        ['2', ['30'], '3'],
      ]);
      assert.deepEqual(
        later.charges.map((c) => [c.kind, c.amount, c.addedLater, c.billNumber, c.chargedOn]),
        [['freight', '40', true, 'FB-77', '2026-11-20']],
      );
      // the receipt itself is as it was
      assert.equal(later.totalAmount, r.totalAmount);
      const audit = (
        await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.audit_events WHERE entity = 'goods_receipt_charge' AND entity_id = $1`, [
          String(later.charges[0]!.chargeId),
        ])
      ).rows[0]!.n;
      assert.equal(audit, '1');
      // waits for the ledger's value-only rows (helper B's postStock `value` and `at`):
      // A's value 50 + 10 = 60; B's 60 + 30 = 90
      const row = (await ledger(a)).at(-1)!;
      assert.deepEqual([row.type, row.quantity, row.value], ['landed_cost', '0', '10']);
      assert.deepEqual(await stock(a), { stock: '10', value: '60' });
      assert.deepEqual(await stock(b), { stock: '30', value: '90' });
      // a reversal now takes A out at 6 and B at 3
      await reverseGoodsReceipt(db, r.receiptId, 'all back', ACTOR);
      assert.deepEqual(await stock(a), { stock: '0', value: '0' });
      assert.deepEqual(await stock(b), { stock: '0', value: '0' });
    });

    test('a freight bill added after goods were consumed: the issue since is replayed at the new average, so it carries its share', async () => {
      const a = await variant();
      const r = await receive([[a, '10', '5']]);
      // 4 issued at 5: 20 out, 6 left worth 30
      await recordMovement(db, { variantId: a, type: 'issue', quantity: '4' }, ACTOR);
      assert.deepEqual(await stock(a), { stock: '6', value: '30' });
      // freight 30 placed at the receipt: 10 at 8 = 80; the issue replayed takes 4 × 8 = 32; 6 left worth 48
      await addReceiptCharge(db, r.receiptId, { kind: 'freight', amount: '30', spread: 'quantity' }, ACTOR);
      assert.deepEqual(
        (await ledger(a)).map((e) => [e.type, e.value]),
        [
          ['receipt', '50'],
          ['landed_cost', '30'],
          ['issue', '-32'],
        ],
      );
      assert.deepEqual(await stock(a), { stock: '6', value: '48' });
    });

    test('a charge added later by hand names lines by receiptLineId; a reversed receipt and a reversal take no charge, in words', async () => {
      const [a, b] = [await variant(), await variant()];
      const r = await receive([
        [a, '10', '5'],
        [b, '30', '2'],
      ]);
      const [la, lb] = r.lines.map((l) => l.receiptLineId);
      const byHand = await addReceiptCharge(
        db,
        r.receiptId,
        {
          kind: 'duty',
          amount: '9',
          spread: 'manual',
          lines: [
            { receiptLineId: la!, amount: '4' },
            { receiptLineId: lb!, amount: '5' },
          ],
        },
        ACTOR,
      );
      assert.deepEqual(
        byHand.lines.map((l) => l.shares.map((s) => s.amount)),
        [['4'], ['5']],
      );
      const stranger = await refused(
        () => addReceiptCharge(db, r.receiptId, { kind: 'duty', amount: '9', spread: 'manual', lines: [{ receiptLineId: 999999, amount: '9' }] }, ACTOR),
        'INVALID_CHARGE',
      );
      assert.equal(stranger.message, `lines/0: receiptLineId: is not a line of receipt ${r.receiptNumber}`);
      const day = await refused(
        () => addReceiptCharge(db, r.receiptId, { kind: 'duty', amount: '9', spread: 'quantity', chargedOn: '20/11/2026' }, ACTOR),
        'INVALID_CHARGE',
      );
      assert.equal(day.message, 'chargedOn: write a day as YYYY-MM-DD, such as 2026-11-05');
      await refused(() => addReceiptCharge(db, 999999, { kind: 'duty', amount: '9', spread: 'quantity' }, ACTOR), 'NOT_FOUND');
      const back = await reverseGoodsReceipt(db, r.receiptId, 'returned', ACTOR);
      // the reversal carried the charge back: A out at 5 + 4/10, B at 2 + 5/30
      assert.deepEqual(
        back.charges.map((c) => c.amount),
        ['-9'],
      );
      const reversed = await refused(() => addReceiptCharge(db, r.receiptId, { kind: 'freight', amount: '1', spread: 'quantity' }, ACTOR), 'RECEIPT_REVERSED');
      assert.equal(
        reversed.message,
        `receipt ${r.receiptNumber} has been reversed: its goods went back, so a charge is not spread onto them; record the charge elsewhere`,
      );
      const reversal = await refused(
        () => addReceiptCharge(db, back.receiptId, { kind: 'freight', amount: '1', spread: 'quantity' }, ACTOR),
        'RECEIPT_REVERSED',
      );
      assert.equal(reversal.message, `receipt ${back.receiptNumber} is a reversal: a charge belongs on the receipt that brought the goods in`);
    });

    test('the exports write each line’s charges and landed unit cost, and each charge’s share of each line', async () => {
      const [a, b] = [await variant(), await variant()];
      const r = await receive(
        [
          [a, '10', '5'],
          [b, '30', '2'],
        ],
        { receivedOn: '2026-11-05', charges: [{ kind: 'freight', description: 'Truck', amount: '100', spread: 'quantity' }] },
      );
      const text = async (csv: AsyncGenerator<string>) => {
        let out = '';
        for await (const piece of csv) out += piece;
        return out.split('\r\n');
      };
      const receipts = await text(exportGoodsReceiptsCsv(db));
      assert.ok(receipts[0]!.endsWith(',Amount (INR),Over-receipt Reason,Charges (INR),Landed Unit Cost (INR)'), receipts[0]);
      assert.deepEqual(
        receipts.filter((row) => row.startsWith(`${r.receiptNumber},`)).map((row) => row.split(',').slice(-5)),
        [
          ['5', '50', '', '25', '7.5'],
          ['2', '60', '', '75', '4.5'],
        ],
      );
      const charges = await text(exportReceiptChargesCsv(db));
      assert.equal(
        charges[0],
        '\uFEFFReceipt Number,Supplier,Received On,Kind,Description,Spread,Added Later,Bill Number,Charged On,Charge Amount (INR),Line,Item,Color,Size,Quantity,Unit Cost (INR),Share (INR),Landed Unit Cost (INR)',
      );
      assert.deepEqual(
        charges.filter((row) => row.startsWith(`${r.receiptNumber},`)),
        [
          `${r.receiptNumber},Carrier and parts,05/11/2026,freight,Truck,quantity,no,,05/11/2026,100,1,Landed part ${n - 1},Natural,One size,10,5,25,7.5`,
          `${r.receiptNumber},Carrier and parts,05/11/2026,freight,Truck,quantity,no,,05/11/2026,100,2,Landed part ${n},Natural,One size,30,2,75,4.5`,
        ],
      );
    });

    test('a charge added later and a reversal of one receipt racing: the reversal carries the charge back, or the charge is refused; never one without the other', {
      skip: backend.name === 'pglite' && 'PGlite has one connection: nothing races there',
    }, async () => {
      const a = await variant();
      const receipts = [];
      for (let i = 0; i < 6; i++) receipts.push(await receive([[a, '2', '5']]));
      const results = await Promise.allSettled(
        receipts.flatMap((r) => [
          addReceiptCharge(db, r.receiptId, { kind: 'freight', amount: '4', spread: 'quantity' }, ACTOR),
          reverseGoodsReceipt(db, r.receiptId, 'raced', ACTOR),
        ]),
      );
      receipts.forEach((r, i) => {
        const [charge, back] = [results[2 * i]!, results[2 * i + 1]!];
        assert.equal(back.status, 'fulfilled', `the reversal of ${r.receiptNumber}: ${String((back as PromiseRejectedResult).reason)}`);
        const carried = (back as PromiseFulfilledResult<Awaited<ReturnType<typeof reverseGoodsReceipt>>>).value.charges.map((c) => c.amount);
        if (charge.status === 'fulfilled') assert.deepEqual(carried, ['-4'], `${r.receiptNumber}: the charge came first, so the reversal carries it back`);
        else {
          assert.equal((charge.reason as MtcError).code, 'RECEIPT_REVERSED', String(charge.reason));
          assert.deepEqual(carried, [], `${r.receiptNumber}: the reversal came first`);
        }
      });
      assert.equal((await stock(a)).stock, '0');
    });
  });
}
