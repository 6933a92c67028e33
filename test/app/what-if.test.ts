// What a rate change does to the margins before it is saved (issue 22, points 4 and 6): the
// what-if of rate changes and of a rates file's preview, target margins, and the margin watch,
// on PGlite and on the server, with a case computed by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { costProcess } from '../../src/app/costing/costing.ts';
import { MAX_PROPOSALS, rateWhatIf } from '../../src/app/costing/what-if.ts';
import type { RateProposal } from '../../src/app/costing/what-if.ts';
import { marginWatch } from '../../src/app/costing/watch.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { previewImport } from '../../src/app/imports/preview.ts';
import { updateProcess } from '../../src/app/processes/processes.ts';
import { changeSettings, getSettings } from '../../src/app/settings/settings.ts';
import { getRate, updateRate } from '../../src/app/suppliers/rates.ts';
import { MtcError } from '../../src/errors.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant, supplierId } from '../helpers/processes.ts';
import { insertShirtCase } from '../helpers/margins.ts';
import type { ShirtCase } from '../helpers/margins.ts';
import { migrateProject } from '../helpers/migrated.ts';

/**
 * The case, by hand: the shirt of test/helpers/margins.ts (590.00 a run of 10, unit 59.00,
 * margin 41.00) with a target of 40; and
 * Cap: sales price 10.00, lot 1, default target (15): Button × 4 → 0.50 × 4 = 2.00; margin 80.00.
 * Scarf: uses neither (Wool 3.00 × 2 = 6.00 of 9.00): no change moves it.
 */
interface World extends ShirtCase {
  cap: number;
  scarf: number;
}

for (const backend of backends) {
  describe(`what-if of rate changes on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let n = 0;

    /** A fresh copy of the case (its own names), so each test starts from the hand-computed figures. */
    async function world(): Promise<World> {
      const k = ++n;
      const shirt = await insertShirtCase(db, ` ${k}`, '40');
      const wool = await insertVariant(db, `Wool ${k}`);
      await insertRate(db, wool, { supplier: shirt.s1, cost: '3.00' });
      const cap = await insertProcess(db, { name: `Cap ${k}`, salesPrice: '10.00', steps: [{ lines: [{ variantId: shirt.button, quantity: '4' }] }] });
      const scarf = await insertProcess(db, { name: `Scarf ${k}`, salesPrice: '9.00', steps: [{ lines: [{ variantId: wool, quantity: '2' }] }] });
      return { ...shirt, cap: cap.processId, scarf: scarf.processId };
    }

    before(async () => {
      t = await backend.create();
      db = await t.open();
      await migrateProject(db);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('costing names each process’s target (its own, else the default) and whether its worst case is below it', async () => {
      const w = await world();
      const shirt = (await costProcess(db, w.shirt))!;
      assert.deepEqual([shirt.total.worst, shirt.unit.worst, shirt.margin?.worst], ['590.00', '59.00', '41.00']);
      assert.deepEqual([shirt.targetMargin, shirt.ownTarget, shirt.belowTarget], ['40.00', true, false]);
      const cap = (await costProcess(db, w.cap))!;
      assert.deepEqual([cap.margin?.worst, cap.targetMargin, cap.ownTarget, cap.belowTarget], ['80.00', '15.00', false, false]);
      // 41.00 is below a target of 41.01, not below one of 41.00.
      await updateProcess(db, w.shirt, { targetMargin: '41.01' }, CLI_ACTOR);
      assert.equal((await costProcess(db, w.shirt))!.belowTarget, true);
      await updateProcess(db, w.shirt, { targetMargin: '41' }, CLI_ACTOR);
      assert.equal((await costProcess(db, w.shirt))!.belowTarget, false);
      // null: back to the default, which the settings change.
      await updateProcess(db, w.shirt, { targetMargin: null }, CLI_ACTOR);
      assert.deepEqual([(await costProcess(db, w.shirt))!.targetMargin, (await costProcess(db, w.shirt))!.ownTarget], ['15.00', false]);
      const was = (await getSettings(db)).targetMargin;
      try {
        await changeSettings(db, { targetMargin: '85' }, CLI_ACTOR);
        assert.equal((await getSettings(db)).targetMargin, '85.00');
        const capNow = (await costProcess(db, w.cap))!;
        assert.deepEqual([capNow.targetMargin, capNow.belowTarget], ['85.00', true]);
      } finally {
        await changeSettings(db, { targetMargin: was }, CLI_ACTOR);
      }
    });

    test('a target margin that is no percentage is refused in words, naming the field', async () => {
      const w = await world();
      for (const bad of ['100', '-1', 'abc', '12.345', '']) {
        await assert.rejects(updateProcess(db, w.shirt, { targetMargin: bad }, CLI_ACTOR), (err: MtcError) => {
          assert.equal(err.code, 'INVALID_INPUT');
          assert.match(err.message, /target margin is a percentage from 0 to 99\.99/);
          return true;
        });
        await assert.rejects(changeSettings(db, { targetMargin: bad }, CLI_ACTOR), (err: MtcError) => {
          assert.equal(err.code, 'SETTING_INVALID');
          assert.equal(err.details.field, 'targetMargin');
          assert.match(err.message, /write one from 0 to 99\.99/);
          return true;
        });
      }
    });

    test('a dearer thread takes the shirt below its target; nothing is saved', async () => {
      const w = await world();
      // Thread 2.00 → 2.50: unit 2.50 × 5 + 4.00 + 40.00 = 56.50; run 565.00 + 50.00 = 615.00 (unit 61.50);
      // profit 1,000.00 − 615.00 = 385.00; margin 38.50 < 40.
      const events = async () =>
        (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.audit_events WHERE entity = 'supplier_rate'`)).rows[0]!.n;
      const eventsBefore = await events();
      const r = await rateWhatIf(db, [{ rateId: w.threadRate, costPerUnit: '2.50' }], CLI_ACTOR);
      assert.deepEqual(r.variantIds, [w.thread]);
      assert.equal(r.processesCosted, 1);
      assert.deepEqual(r.processes, [
        {
          processId: w.shirt,
          name: `Shirt ${n}`,
          status: 'active',
          quantity: 10,
          targetMargin: '40.00',
          before: { total: '590.00', unit: '59.00', margin: '41.00', complete: true, belowTarget: false },
          after: { total: '615.00', unit: '61.50', margin: '38.50', complete: true, belowTarget: true },
          crossed: 'below',
        },
      ]);
      assert.deepEqual([r.fellBelow, r.roseAbove], [1, 0]);
      assert.equal((await getRate(db, w.threadRate))!.costPerUnit, '2.00');
      assert.equal(await events(), eventsBefore);
      assert.equal((await costProcess(db, w.shirt))!.total.worst, '590.00');
    });

    test('several changes at once: each process they move, once, the one falling below first', async () => {
      const w = await world();
      // Thread → 2.50 and S1's button rate deactivated (the button's worst is then S2's 0.40):
      //   Shirt: 12.50 + 0.40 × 8 + 40.00 = 55.70; run 557.00 + 50.00 = 607.00; margin 39.30 (below 40)
      //   Cap:   0.40 × 4 = 1.60; margin (10.00 − 1.60) / 10.00 = 84.00
      const r = await rateWhatIf(
        db,
        [
          { rateId: w.threadRate, costPerUnit: '2.50' },
          { rateId: w.buttonS1, isActive: false },
        ],
        CLI_ACTOR,
      );
      assert.deepEqual(
        r.variantIds,
        [w.thread, w.button].sort((a, b) => a - b),
      );
      assert.deepEqual(
        r.processes.map((p) => [p.processId, p.before.total, p.after.total, p.before.margin, p.after.margin, p.crossed]),
        [
          [w.shirt, '590.00', '607.00', '41.00', '39.30', 'below'],
          [w.cap, '2.00', '1.60', '80.00', '84.00', null],
        ],
      );
      assert.equal((await getRate(db, w.buttonS1))!.isActive, true);
    });

    test('a new rate that starts later is judged on the day it starts', async () => {
      const w = await world();
      // A third supplier's thread at 3.00 from 2030-01-01: on that day the thread's worst is 3.00;
      // Shirt 15.00 + 4.00 + 40.00 = 59.00; run 640.00; margin 36.00.
      const s3 = await supplierId(db, `Supplier three ${n}`);
      const later: RateProposal = {
        supplierId: s3,
        variantId: w.thread,
        costPerUnit: '3.00',
        currency: 'INR',
        minimumOrderQuantity: '1',
        effectiveFrom: '2030-01-01',
        effectiveTo: null,
        isActive: true,
      };
      const r = await rateWhatIf(db, [later], CLI_ACTOR);
      assert.equal(r.asOf, '2030-01-01');
      assert.deepEqual(
        r.processes.map((p) => [p.processId, p.after.total, p.after.margin, p.crossed]),
        [[w.shirt, '640.00', '36.00', 'below']],
      );
      // Asked about today, the same rate moves nothing.
      const today = await rateWhatIf(db, [later], CLI_ACTOR, {
        at: (await db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d,
      });
      assert.deepEqual(today.processes, []);
    });

    test('a cheaper thread brings a process back above its target', async () => {
      const w = await world();
      await updateProcess(db, w.shirt, { targetMargin: '42' }, CLI_ACTOR);
      // Thread → 1.50: 7.50 + 4.00 + 40.00 = 51.50; run 565.00; margin 43.50 ≥ 42.
      const r = await rateWhatIf(db, [{ rateId: w.threadRate, costPerUnit: '1.50' }], CLI_ACTOR);
      assert.deepEqual(
        r.processes.map((p) => [p.before.margin, p.before.belowTarget, p.after.margin, p.crossed]),
        [['41.00', true, '43.50', 'above']],
      );
      assert.deepEqual([r.fellBelow, r.roseAbove], [0, 1]);
    });

    test('a change saving would refuse is answered with saving’s refusal, naming its place in the list; too many or none are refused in words', async () => {
      const w = await world();
      await assert.rejects(rateWhatIf(db, [], CLI_ACTOR), { code: 'WHAT_IF_EMPTY', message: 'changes: give at least one rate change to try' });
      const many: RateProposal[] = Array.from({ length: MAX_PROPOSALS + 1 }, () => ({ rateId: w.threadRate, costPerUnit: '2.10' }));
      await assert.rejects(rateWhatIf(db, many, CLI_ACTOR), (err: MtcError) => {
        assert.equal(err.code, 'WHAT_IF_TOO_LARGE');
        assert.match(err.message, /^changes: try at most 100 rate changes at a time, not 101: split them/);
        return true;
      });
      const missing = await rateWhatIf(db, [{ rateId: w.threadRate, costPerUnit: '2.10' }, { rateId: 2147483000 }], CLI_ACTOR);
      assert.deepEqual(missing.refused, { code: 'NOT_FOUND', message: 'changes[1] (rate 2147483000): no rate 2147483000', index: 1 });
      assert.deepEqual([missing.processes, missing.processesCosted], [[], 0], 'nothing is costed when saving would be refused');
      const period = await rateWhatIf(db, [{ rateId: w.threadRate, effectiveTo: '2000-01-01' }], CLI_ACTOR);
      assert.equal(period.refused?.code, 'INVALID_PERIOD');
      assert.match(period.refused!.message, /^changes\[0\] \(rate \d+\): effectiveTo 2000-01-01 is before effectiveFrom/);
      const s1 = await supplierId(db, w.s1);
      const overlap = (
        await rateWhatIf(
          db,
          [
            {
              supplierId: s1,
              variantId: w.thread,
              costPerUnit: '9.00',
              currency: 'INR',
              minimumOrderQuantity: '1',
              effectiveFrom: '2020-01-01',
              effectiveTo: null,
              isActive: true,
            },
          ],
          CLI_ACTOR,
        )
      ).refused;
      assert.equal(overlap?.code, 'RATE_OVERLAP');
      assert.match(
        overlap!.message,
        new RegExp(`^changes\\[0\\] \\(a new rate of supplier ${s1} for variant ${w.thread}\\): supplier ${s1} has an active rate`),
      );
      await assert.rejects(rateWhatIf(db, [{ rateId: w.threadRate, costPerUnit: '2.10' }], CLI_ACTOR, { at: '2026-02-30' }), { code: 'INVALID_DATE' });
      // Nothing of any refused try stays.
      assert.equal((await getRate(db, w.threadRate))!.costPerUnit, '2.00');
    });

    test('a rates file’s preview shows the margins the whole file moves, importing nothing', async () => {
      const w = await world();
      // Row 2 raises the thread to 2.50 (the shirt as above: 615.00, 38.50, below 40); row 3 is refused (no such supplier).
      const csv = `Supplier,Item,Color,Size,Cost\n${w.s1},Thread ${n},Natural,One size,2.50\nNobody,Thread ${n},Natural,One size,1.00\n`;
      const p = await previewImport(db, { kind: 'rates', fileName: 'rates.csv', bytes: Buffer.from(csv) }, { rows: 1 });
      assert.equal(p.rows.length, 1, 'the preview shows the rows asked for');
      assert.equal(p.rows[0]!.outcome, 'rate updated');
      assert.ok(p.margins);
      assert.deepEqual([p.margins.rowsRead, p.margins.wholeFile], [2, true]);
      assert.deepEqual(
        p.margins.processes.map((m) => [m.processId, m.before.total, m.after.total, m.after.margin, m.crossed]),
        [[w.shirt, '590.00', '615.00', '38.50', 'below']],
      );
      assert.equal((await getRate(db, w.threadRate))!.costPerUnit, '2.00');
      const items = await previewImport(db, { kind: 'suppliers', fileName: 's.csv', bytes: Buffer.from('Firm Name\nAcme\n') });
      assert.equal(items.margins, null, 'a kind that changes no cost has no margins');
    });

    test('the margin watch lists the processes below target at today’s rates, with the rate changes that put them there', async () => {
      const w = await world();
      // Saved through MTC (audited): thread 2.00 → 2.50 takes the shirt to 38.50 < 40.
      await updateRate(db, w.threadRate, { costPerUnit: '2.50' }, CLI_ACTOR);
      // An import-like rewrite without an event, and a rate that started in the window.
      await db.query('UPDATE public.variant_supplier_pricing SET cost_per_unit = 0.55 WHERE id = $1', [w.buttonS1]);
      const day = async (offset: number) => (await db.query<{ d: string }>(`SELECT to_char(CURRENT_DATE + $1::int, 'YYYY-MM-DD') AS d`, [offset])).rows[0]!.d;
      await insertRate(db, w.thread, { supplier: `Supplier three ${n}`, cost: '1.00', from: '2000-01-01', to: await day(-4) });
      const started = await insertRate(db, w.thread, { supplier: `Supplier three ${n}`, cost: '2.20', from: await day(-3) });
      // Shirt now: 2.50 × 5 + 0.55 × 8 + 40.00 = 12.50 + 4.40 + 40.00 = 56.90; run 619.00; margin 38.10.
      const watch = await marginWatch(db, { days: 30 });
      const shirt = watch.processes.find((p) => p.processId === w.shirt);
      assert.ok(shirt, 'the shirt is watched');
      assert.deepEqual([shirt.margin, shirt.targetMargin, shirt.total], ['38.10', '40.00', '619.00']);
      const byHow = Object.fromEntries(shirt.changes.map((c) => [`${c.how} ${c.rateId}`, [c.previousCost, c.costPerUnit]]));
      assert.deepEqual(byHow[`edited ${w.threadRate}`], ['2.00', '2.50']);
      assert.deepEqual(byHow[`imported ${w.buttonS1}`], [null, '0.55']);
      assert.deepEqual(byHow[`started ${started}`], ['1.00', '2.20']);
      assert.ok(!watch.processes.some((p) => p.processId === w.cap || p.processId === w.scarf), 'processes at or above target are not watched');
      await assert.rejects(marginWatch(db, { days: 0 }), { code: 'INVALID_DAYS' });
      await assert.rejects(marginWatch(db, { days: 366 }), (err: MtcError) => /a whole number from 1 to 365, not 366/.test(err.message));
    });
  });
}
