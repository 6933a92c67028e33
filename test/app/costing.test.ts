// Worst- and best-case costing (issue 6, point 2), on PGlite and on the server: cases
// computed by hand in the comments, and property tests against an exact oracle written here
// in BigInt arithmetic over seeded random processes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CostingError, costProcess, costProcesses, listProcessCosts } from '../../src/app/costing/costing.ts';
import type { ProcessCost } from '../../src/app/costing/costing.ts';
import type { Database, Queryable } from '../../src/db/types.ts';
import { random as seeded } from '../helpers/random.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { insertProcess, insertRate, insertVariant } from '../helpers/processes.ts';
import type { LineSpec, ProcessSpec, RateSpec, StepSpec } from '../helpers/processes.ts';
import { migrateProject } from '../helpers/migrated.ts';

/** The day every case costs at, so that "expired" and "future" do not depend on the calendar. */
const AT = '2025-06-15';

/** A Queryable that counts the statements it passes on to the database. */
function counting(db: Queryable): Queryable & { count: number } {
  const c = {
    count: 0,
    query: (sql: string, params?: readonly unknown[]) => {
      c.count++;
      return db.query(sql, params);
    },
    exec: (sql: string) => {
      c.count++;
      return db.exec(sql);
    },
  };
  return c as Queryable & { count: number };
}

// ---------------------------------------------------------------------------------------
// An exact oracle: decimals as BigInt at scale 6 (a rate has 2 places, a line quantity 4).

const SCALE = 6;
function fixed(text: string, scale = SCALE): bigint {
  const negative = text.startsWith('-');
  const [whole, frac = ''] = text.replace(/^-/, '').split('.');
  const v = BigInt(whole! + frac.padEnd(scale, '0').slice(0, scale));
  return negative ? -v : v;
}
/** Rounds a scale-6 value to 2 places, half away from zero (PostgreSQL's round), as text. */
function money(v: bigint): string {
  const negative = v < 0n;
  const a = negative ? -v : v;
  const cents = (a + 5000n) / 10000n;
  const s = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${s}` : s;
}

interface Oracle {
  worst: bigint;
  best: bigint;
  unpriced: number[];
  steps: { worst: bigint; best: bigint; groups: { worst: bigint; best: bigint }[] }[];
}

function inEffect(r: RateSpec, at: string): boolean {
  return (r.active ?? true) && (r.from ?? '0000-00-00') <= at && (r.to == null || r.to >= at);
}

function oracle(spec: ProcessSpec, rates: Map<number, RateSpec[]>, at: string, chosen: (groupName: string) => number | undefined): Oracle {
  const unit = (variantId: number) => {
    const costs = (rates.get(variantId) ?? []).filter((r) => inEffect(r, at)).map((r) => fixed(r.cost, 2));
    if (costs.length === 0) return null;
    return { worst: costs.reduce((a, b) => (b > a ? b : a)), best: costs.reduce((a, b) => (b < a ? b : a)) };
  };
  const unpriced = new Set<number>();
  const line = (l: LineSpec) => {
    const u = unit(l.variantId);
    if (!u) {
      unpriced.add(l.variantId);
      return null;
    }
    const q = fixed(l.quantity, 4);
    return { worst: u.worst * q, best: u.best * q };
  };
  const steps = spec.steps.map((step) => {
    let worst = 0n;
    let best = 0n;
    for (const l of step.lines ?? []) {
      const c = line(l);
      if (c) [worst, best] = [worst + c.worst, best + c.best];
    }
    const groups = (step.groups ?? []).map((g) => {
      const pick = chosen(g.name);
      const costs = g.alternatives.filter((a) => pick === undefined || a.variantId === pick).flatMap((a) => line(a) ?? []);
      if (costs.length === 0) return { worst: 0n, best: 0n };
      return { worst: costs.map((c) => c.worst).reduce((a, b) => (b > a ? b : a)), best: costs.map((c) => c.best).reduce((a, b) => (b < a ? b : a)) };
    });
    for (const g of groups) [worst, best] = [worst + g.worst, best + g.best];
    for (const c of step.costItems ?? []) {
      const amount = fixed(c.quantity, 3) * fixed(c.rate, 2) * 10n;
      [worst, best] = [worst + amount, best + amount];
    }
    return { worst, best, groups };
  });
  const extra = (spec.additionalCosts ?? []).reduce((s, a) => s + fixed(a.amount), 0n);
  return {
    worst: steps.reduce((s, x) => s + x.worst, extra),
    best: steps.reduce((s, x) => s + x.best, extra),
    unpriced: [...unpriced].sort((a, b) => a - b),
    steps,
  };
}

/** The shared seeded generator, with decimals for money and quantities. */
function random(seed: number) {
  const { next, int, pick } = seeded(seed);
  const decimal = (maxWhole: number, places: number, positive = true) => {
    for (;;) {
      const s = `${int(0, maxWhole)}.${String(int(0, 10 ** places - 1)).padStart(places, '0')}`;
      if (!positive || fixed(s) > 0n) return s;
    }
  };
  return { next, int, pick, decimal };
}

// ---------------------------------------------------------------------------------------

async function migratedDatabase(t: TestDatabase): Promise<Database> {
  const db = await t.open();
  await migrateProject(db);
  return db;
}

for (const backend of backends) {
  describe(`costing on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    let n = 0;
    const items = new Map<number, string>();
    /** A variant whose rates are given as [supplier, cost] pairs, all active and open-ended. */
    const variant = async (name: string, ...rates: (readonly [string, string] | RateSpec)[]) => {
      const item = `${name} ${++n}`;
      const id = await insertVariant(db, item, { color: 'Indigo', size: 'XL' });
      items.set(id, item);
      for (const r of rates) await insertRate(db, id, Array.isArray(r) ? { supplier: r[0], cost: r[1], from: '2025-01-01' } : (r as RateSpec));
      return id;
    };
    const cost = async (processId: number, options: { selections?: Map<number, number>; at?: string } = {}): Promise<ProcessCost> => {
      const c = await costProcess(db, processId, { at: AT, ...options });
      assert.ok(c, `process ${processId} has a cost`);
      return c;
    };

    before(async () => {
      t = await backend.create();
      db = await migratedDatabase(t);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('a substitute group costs its dearest line, which need not be the alternative with the dearest unit', async () => {
      // A: rates 10 and 2 → unit worst 10, best 2. B: rates 4 and 3 → worst 4, best 3.
      // Group "Fabric": A × 1 or B × 3.
      //   worst: A 10 × 1 = 10, B 4 × 3 = 12 → 12 (B, although A's unit is dearer)
      //   best:  A  2 × 1 =  2, B 3 × 3 =  9 →  2 (A)
      const a = await variant('Alt A', ['S1', '10.00'], ['S2', '2.00']);
      const b = await variant('Alt B', ['S1', '4.00'], ['S3', '3.00']);
      const p = await insertProcess(db, {
        name: `group ${++n}`,
        steps: [
          {
            groups: [
              {
                name: 'Fabric',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: b, quantity: '3' },
                ],
              },
            ],
          },
        ],
      });
      const c = await cost(p.processId);
      assert.deepEqual(c.total, { worst: '12.00', best: '2.00' });
      const step = c.subprocesses[0]!;
      assert.deepEqual(step.groups, { worst: '12.00', best: '2.00' });
      assert.deepEqual(step.lines, { worst: '0.00', best: '0.00' });
      assert.deepEqual(step.groupDetail, [
        { groupId: p.groupIds.get('Fabric'), name: 'Fabric', worstVariantId: b, bestVariantId: a, worst: '12.00', best: '2.00' },
      ]);
      assert.equal(c.complete, true);
      assert.deepEqual(c.unpriced, []);
    });

    test('only active rates in effect on the day count: expired, future and inactive ones do not, and both ends of a period are inside it', async () => {
      // Rates of C (at 2025-06-15):
      //   S1  5.00 from 2025-01-01, open            → counts
      //   S2  6.00 2025-01-01 … 2025-06-15          → counts (ends on the day)
      //   S3 50.00 2024-01-01 … 2025-06-14          → expired
      //   S4 70.00 from 2025-06-16                  → future
      //   S5 90.00 from 2025-01-01, inactive        → never
      //   S6  4.00 from 2025-06-15                  → counts (starts on the day)
      // Line C × 2.5: worst 6 × 2.5 = 15.00, best 4 × 2.5 = 10.00.
      const c = await variant(
        'Dated',
        { supplier: 'S1', cost: '5.00', from: '2025-01-01' },
        { supplier: 'S2', cost: '6.00', from: '2025-01-01', to: '2025-06-15' },
        { supplier: 'S3', cost: '50.00', from: '2024-01-01', to: '2025-06-14' },
        { supplier: 'S4', cost: '70.00', from: '2025-06-16' },
        { supplier: 'S5', cost: '90.00', from: '2025-01-01', active: false },
        { supplier: 'S6', cost: '4.00', from: '2025-06-15' },
      );
      const p = await insertProcess(db, { name: `dated ${++n}`, steps: [{ lines: [{ variantId: c, quantity: '2.5' }] }] });
      assert.deepEqual((await cost(p.processId)).total, { worst: '15.00', best: '10.00' });
      // A day later: S1 5, S4 70, S6 4 → worst 70 × 2.5 = 175.00, best 4 × 2.5 = 10.00.
      assert.deepEqual((await cost(p.processId, { at: '2025-06-16' })).total, { worst: '175.00', best: '10.00' });
      // A year earlier only S3 (50.00) is in effect: 125.00 both ways.
      assert.deepEqual((await cost(p.processId, { at: '2024-06-01' })).total, { worst: '125.00', best: '125.00' });
      // Before any rate: unpriced, nothing counted.
      const early = await cost(p.processId, { at: '2023-01-01' });
      assert.deepEqual(early.total, { worst: '0.00', best: '0.00' });
      assert.equal(early.complete, false);
    });

    test('with several suppliers, the worst case takes the highest rate and the best case the lowest', async () => {
      // Five suppliers: 7.25, 9.10, 8.00, 7.00, 8.99 → unit worst 9.10, best 7.00.
      // Line × 3: worst 27.30, best 21.00.
      const v = await variant('Five', ['F1', '7.25'], ['F2', '9.10'], ['F3', '8.00'], ['F4', '7.00'], ['F5', '8.99']);
      const p = await insertProcess(db, { name: `five ${++n}`, steps: [{ lines: [{ variantId: v, quantity: '3' }] }] });
      const c = await cost(p.processId);
      assert.deepEqual(c.total, { worst: '27.30', best: '21.00' });
      assert.deepEqual(c.subprocesses[0]!.lines, { worst: '27.30', best: '21.00' });
    });

    test('an unpriced variant is listed and makes the result incomplete; its lines add nothing, never a known 0', async () => {
      // P: 3.00 (priced). D: no rate at all. E: only an inactive rate. F: unpriced too.
      // Step 1: lines P × 2 = 6.00 and D × 5 (unpriced).
      // Step 2: group "G": E × 1 (unpriced) or P × 1 = 3.00 → 3.00 both ways (a lower bound);
      //         group "H": F × 1 only (unpriced) → 0.00, no deciding variant.
      // Total: 9.00 both ways, complete false, unpriced D, E, F (once each, by variant id).
      const pv = await variant('Priced', ['S1', '3.00']);
      const d = await variant('No rate');
      const e = await variant('Inactive only', { supplier: 'S1', cost: '8.00', from: '2025-01-01', active: false });
      const f = await variant('Unpriced alt');
      const p = await insertProcess(db, {
        name: `unpriced ${++n}`,
        steps: [
          {
            lines: [
              { variantId: pv, quantity: '2' },
              { variantId: d, quantity: '5' },
            ],
          },
          {
            lines: [{ variantId: d, quantity: '1' }],
            groups: [
              {
                name: 'G',
                alternatives: [
                  { variantId: e, quantity: '1' },
                  { variantId: pv, quantity: '1' },
                ],
              },
              { name: 'H', alternatives: [{ variantId: f, quantity: '1' }] },
            ],
          },
        ],
      });
      const c = await cost(p.processId);
      assert.equal(c.complete, false);
      assert.deepEqual(
        c.unpriced,
        [d, e, f].map((variantId) => ({ variantId, item: items.get(variantId), color: 'Indigo', size: 'XL' })),
      );
      assert.deepEqual(c.total, { worst: '9.00', best: '9.00' });
      assert.deepEqual(c.subprocesses[0]!.lines, { worst: '6.00', best: '6.00' });
      const h = c.subprocesses[1]!.groupDetail.find((g) => g.name === 'H')!;
      assert.deepEqual(h, { groupId: p.groupIds.get('H'), name: 'H', worstVariantId: null, bestVariantId: null, worst: '0.00', best: '0.00' });
      // Once D, E and F get rates, the same process is complete and dearer.
      await insertRate(db, d, { supplier: 'S1', cost: '1.00', from: '2025-01-01' });
      await insertRate(db, e, { supplier: 'S2', cost: '4.00', from: '2025-01-01' });
      await insertRate(db, f, { supplier: 'S1', cost: '0.50', from: '2025-01-01' });
      // Step 1: 6 + 5 × 1 = 11. Step 2: 1 + G max(4, 3) = 4 / min 3 + H 0.50 → worst 5.50, best 4.50.
      const again = await cost(p.processId);
      assert.equal(again.complete, true);
      assert.deepEqual(again.total, { worst: '16.50', best: '15.50' });
    });

    test('a step adds its cost items (quantity × rate) and a process its additional costs; profit and margin follow the sales price', async () => {
      // V: 12.00 / 10.00. Step "Cut": V × 2 → 24.00 / 20.00; labour 1.5 × 200.00 = 300.00;
      // overhead 0.25 × 40.00 = 10.00 → 334.00 / 330.00. Step "Sew": labour 2 × 150.00 = 300.00.
      // Additional: tooling 45.50 once per run + freight 4.50 per unit.
      // One unit: worst 334 + 300 + 4.50 + 45.50 = 684.00, best 330 + 300 + 4.50 + 45.50 = 680.00.
      // Sales price 1000.00: profit worst 316.00, best 320.00; margin 31.60 %, 32.00 %.
      const v = await variant('Cloth', ['S1', '12.00'], ['S2', '10.00']);
      const p = await insertProcess(db, {
        name: `items ${++n}`,
        salesPrice: '1000.00',
        steps: [
          {
            subprocess: 'Cut',
            lines: [{ variantId: v, quantity: '2' }],
            costItems: [
              { type: 'labour', quantity: '1.5', rate: '200.00' },
              { type: 'overhead', quantity: '0.25', rate: '40.00' },
            ],
          },
          { subprocess: 'Sew', customName: 'Sew the seams', costItems: [{ type: 'labour', quantity: '2', rate: '150.00' }] },
        ],
        additionalCosts: [
          { type: 'tooling', amount: '45.50' },
          { type: 'freight', amount: '4.50', perUnit: true },
        ],
      });
      const c = await cost(p.processId);
      assert.equal(c.quantity, 1);
      assert.deepEqual(c.total, { worst: '684.00', best: '680.00' });
      assert.deepEqual(c.unit, c.total);
      assert.deepEqual([c.additionalCosts, c.fixedCosts], ['4.50', '45.50']);
      assert.equal(c.salesPrice, '1000.00');
      assert.deepEqual(c.profit, { worst: '316.00', best: '320.00' });
      assert.deepEqual(c.margin, { worst: '31.60', best: '32.00' });
      assert.deepEqual(
        c.subprocesses.map((s) => ({ id: s.processSubprocessId, order: s.sequenceOrder, name: s.name, costItems: s.costItems, total: s.total })),
        [
          { id: p.stepIds[0], order: 1, name: 'Cut', costItems: '310.00', total: { worst: '334.00', best: '330.00' } },
          { id: p.stepIds[1], order: 2, name: 'Sew the seams', costItems: '300.00', total: { worst: '300.00', best: '300.00' } },
        ],
      );
      // Priced above cost the other way: sales price 600.00 → profit −84.00 / −80.00, margin −14.00 / −13.33 (−80/600 = −13.333…).
      await db.query('UPDATE public.processes SET sales_price = 600 WHERE id = $1', [p.processId]);
      const loss = await cost(p.processId);
      assert.deepEqual(loss.profit, { worst: '-84.00', best: '-80.00' });
      assert.deepEqual(loss.margin, { worst: '-14.00', best: '-13.33' });
      // Ten units: (634 + 4.50) × 10 + 45.50 = 6430.50 at worst, (630 + 4.50) × 10 + 45.50 = 6390.50 at best;
      // a unit's share 643.05 / 639.05; against 10 × 1000.00: profit 3569.50 / 3609.50, margin 35.695 → 35.70 %, 36.095 → 36.10 %.
      await db.query('UPDATE public.processes SET sales_price = 1000 WHERE id = $1', [p.processId]);
      const ten = (await costProcess(db, p.processId, { at: AT, quantity: 10 }))!;
      assert.deepEqual([ten.quantity, ten.total, ten.unit], [10, { worst: '6430.50', best: '6390.50' }, { worst: '643.05', best: '639.05' }]);
      assert.deepEqual(
        [ten.profit, ten.margin],
        [
          { worst: '3569.50', best: '3609.50' },
          { worst: '35.70', best: '36.10' },
        ],
      );
      assert.deepEqual(ten.subprocesses, c.subprocesses, 'steps are per unit');
      await assert.rejects(costProcess(db, p.processId, { quantity: 0 }), (e: Error & { code?: string }) => e.code === 'INVALID_QUANTITY');
    });

    test('without a sales price profit and margin are null; at a price of 0 the profit is the loss and the margin null', async () => {
      // V × 1 at 5.00: total 5.00.
      const v = await variant('Cheap', ['S1', '5.00']);
      const p = await insertProcess(db, { name: `unpriced sale ${++n}`, steps: [{ lines: [{ variantId: v, quantity: '1' }] }] });
      const c = await cost(p.processId);
      assert.equal(c.salesPrice, null);
      assert.equal(c.profit, null);
      assert.equal(c.margin, null);
      await db.query('UPDATE public.processes SET sales_price = 0 WHERE id = $1', [p.processId]);
      const free = await cost(p.processId);
      assert.deepEqual(free.profit, { worst: '-5.00', best: '-5.00' });
      assert.equal(free.margin, null);
    });

    test('sums are of exact unrounded values, rounded once when presented', async () => {
      // Three lines of U (1.00) × 0.005 = 0.015 in all → presented 0.02 (each rounded first would give 0.03);
      // plus lines of 0.1 and 0.2 at 1.00 → 0.315 → 0.32 (no binary float: 0.1 + 0.2 is 0.3 exactly).
      // Best rate 0.99: 0.015 × 0.99 = 0.01485, 0.3 × 0.99 = 0.297 → 0.31185 → 0.31.
      const u = await variant('Fine', ['S1', '1.00'], ['S2', '0.99']);
      const p = await insertProcess(db, {
        name: `exact ${++n}`,
        steps: [{ lines: ['0.005', '0.005', '0.005', '0.1', '0.2'].map((quantity) => ({ variantId: u, quantity })) }],
      });
      assert.deepEqual((await cost(p.processId)).total, { worst: '0.32', best: '0.31' });
    });

    test('selections cost only the chosen alternative of a group, worst and best alike; others are costed in full', async () => {
      // Group "Fabric": A (10 / 2) × 1 or B (4 / 3) × 3 → unselected worst 12 (B), best 2 (A).
      // Group "Thread": T1 (1.00) × 1 or T2 (2.00) × 1 → 2.00 / 1.00.
      // Choosing A: Fabric 10 / 2; Thread unselected 2 / 1 → total 12.00 / 3.00.
      // Choosing B and T1: Fabric 12 / 9, Thread 1 / 1 → 13.00 / 10.00.
      const a = await variant('Sel A', ['S1', '10.00'], ['S2', '2.00']);
      const b = await variant('Sel B', ['S1', '4.00'], ['S3', '3.00']);
      const t1 = await variant('Thread 1', ['S1', '1.00']);
      const t2 = await variant('Thread 2', ['S1', '2.00']);
      const p = await insertProcess(db, {
        name: `selections ${++n}`,
        steps: [
          {
            groups: [
              {
                name: 'Fabric',
                alternatives: [
                  { variantId: a, quantity: '1' },
                  { variantId: b, quantity: '3' },
                ],
              },
              {
                name: 'Thread',
                alternatives: [
                  { variantId: t1, quantity: '1' },
                  { variantId: t2, quantity: '1' },
                ],
              },
            ],
          },
        ],
      });
      const fabric = p.groupIds.get('Fabric')!;
      const thread = p.groupIds.get('Thread')!;
      assert.deepEqual((await cost(p.processId)).total, { worst: '14.00', best: '3.00' });
      const withA = await cost(p.processId, { selections: new Map([[fabric, a]]) });
      assert.deepEqual(withA.total, { worst: '12.00', best: '3.00' });
      assert.deepEqual(withA.subprocesses[0]!.groupDetail[0], {
        groupId: fabric,
        name: 'Fabric',
        worstVariantId: a,
        bestVariantId: a,
        worst: '10.00',
        best: '2.00',
      });
      const both = await cost(p.processId, {
        selections: new Map([
          [fabric, b],
          [thread, t1],
        ]),
      });
      assert.deepEqual(both.total, { worst: '13.00', best: '10.00' });
      // A selection of a group elsewhere (another process's) changes nothing here.
      assert.deepEqual((await cost(p.processId, { selections: new Map([[2147483000, a]]) })).total, { worst: '14.00', best: '3.00' });
      // A chosen variant that is not among the group's alternatives is refused.
      await assert.rejects(costProcess(db, p.processId, { selections: new Map([[fabric, t1]]) }), (err: unknown) => {
        assert.ok(err instanceof CostingError);
        assert.equal(err.code, 'INVALID_SELECTION');
        assert.equal(err.category, 'usage');
        assert.deepEqual(err.details.selections, [{ groupId: fabric, variantId: t1 }]);
        return true;
      });
      // A selection of an unpriced alternative leaves the group unpriced: incomplete, not 0 known.
      const u = await variant('Sel unpriced');
      await db.query('INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity, substitute_group_id) VALUES ($1, $2, 1, $3)', [
        p.stepIds[0],
        u,
        thread,
      ]);
      assert.equal((await cost(p.processId)).complete, false);
      const chosenPriced = await cost(p.processId, { selections: new Map([[thread, t2]]) });
      assert.equal(chosenPriced.complete, true, 'an unpriced alternative that was not chosen does not matter');
      const chosenUnpriced = await cost(p.processId, { selections: new Map([[thread, u]]) });
      assert.equal(chosenUnpriced.complete, false);
      assert.deepEqual(
        chosenUnpriced.unpriced.map((x) => x.variantId),
        [u],
      );
    });

    test('deleted substitute groups are ignored; a deleted or unknown process has no cost; a process without steps costs its additional costs', async () => {
      // Line V (2.00) × 1 = 2.00; group "Old" (deleted) W (100.00) × 1 → ignored. Total 2.00.
      const v = await variant('Kept', ['S1', '2.00']);
      const w = await variant('In deleted group', ['S1', '100.00']);
      const p = await insertProcess(db, {
        name: `deleted group ${++n}`,
        steps: [{ lines: [{ variantId: v, quantity: '1' }], groups: [{ name: 'Old', alternatives: [{ variantId: w, quantity: '1' }] }] }],
      });
      assert.deepEqual((await cost(p.processId)).total, { worst: '102.00', best: '102.00' });
      await db.query('UPDATE public.substitute_groups SET deleted_at = now() WHERE id = $1', [p.groupIds.get('Old')]);
      const c = await cost(p.processId);
      assert.deepEqual(c.total, { worst: '2.00', best: '2.00' });
      assert.deepEqual(c.subprocesses[0]!.groupDetail, []);

      const empty = await insertProcess(db, { name: `empty ${++n}`, status: 'draft', steps: [], additionalCosts: [{ type: 'setup', amount: '7.25' }] });
      const e = await cost(empty.processId);
      assert.deepEqual(
        { total: e.total, status: e.status, subprocesses: e.subprocesses, complete: e.complete },
        { total: { worst: '7.25', best: '7.25' }, status: 'draft', subprocesses: [], complete: true },
      );

      await db.query('UPDATE public.processes SET deleted_at = now() WHERE id = $1', [p.processId]);
      assert.equal(await costProcess(db, p.processId, { at: AT }), null);
      assert.equal(await costProcess(db, 2147483000), null);
    });

    test('a rate change shows in the very next costing', async () => {
      // V × 4 at 2.50 = 10.00; the rate becomes 3.00 → 12.00; deactivated → unpriced.
      const v = await insertVariant(db, `Changing ${++n}`);
      const rate = await insertRate(db, v, { supplier: 'S1', cost: '2.50' });
      const p = await insertProcess(db, { name: `change ${n}`, steps: [{ lines: [{ variantId: v, quantity: '4' }] }] });
      assert.equal((await costProcess(db, p.processId))!.total.worst, '10.00');
      await db.query('UPDATE public.variant_supplier_pricing SET cost_per_unit = 3 WHERE id = $1', [rate]);
      assert.equal((await costProcess(db, p.processId))!.total.worst, '12.00');
      await db.query('UPDATE public.variant_supplier_pricing SET is_active = false WHERE id = $1', [rate]);
      assert.equal((await costProcess(db, p.processId))!.complete, false);
    });

    test('an `at` that is not a real day is refused before any query', async () => {
      for (const at of ['2025-02-30', '15/06/2025', '2025-6-1', '']) {
        const q = counting(db);
        await assert.rejects(
          costProcess(q, 1, { at }),
          (err: unknown) => err instanceof CostingError && err.code === 'INVALID_DATE' && err.category === 'usage',
        );
        assert.equal(q.count, 0);
      }
    });

    test('many processes cost in one query, however many processes, steps and lines', async () => {
      const v = await variant('Shared', ['S1', '1.00'], ['S2', '0.50']);
      const ids: number[] = [];
      const groups: number[] = [];
      for (let i = 0; i < 12; i++) {
        const steps: StepSpec[] = Array.from({ length: 1 + (i % 3) }, (_, s) => ({
          lines: Array.from({ length: 1 + i }, () => ({ variantId: v, quantity: String(s + 1) })),
          groups: [
            {
              name: `g${i}-${s}`,
              alternatives: [
                { variantId: v, quantity: '1' },
                { variantId: v, quantity: '2' },
              ],
            },
          ],
        }));
        const made = await insertProcess(db, { name: `many ${++n}`, steps });
        ids.push(made.processId);
        groups.push(...made.groupIds.values());
      }
      const one = counting(db);
      await costProcesses(one, ids.slice(0, 1), { at: AT });
      const all = counting(db);
      const costs = await costProcesses(all, [...ids, 2147483000], { at: AT, selections: new Map(groups.map((g) => [g, v])) });
      assert.equal(one.count, 1);
      assert.equal(all.count, 1);
      assert.deepEqual(
        [...costs.keys()].sort((a, b) => a - b),
        ids,
      );
      // Process i, step s: (1 + i) lines × (s + 1) × 1.00, group worst 2 × 1.00, best 1 × 0.50.
      for (const [i, id] of ids.entries()) {
        let worst = 0;
        let best = 0;
        for (let s = 0; s < 1 + (i % 3); s++) {
          worst += (1 + i) * (s + 1) + 2;
          best += (1 + i) * (s + 1) * 0.5 + 0.5;
        }
        assert.deepEqual(costs.get(id)!.total, { worst: worst.toFixed(2), best: best.toFixed(2) }, `process ${i}`);
      }
    });

    test('the overview lists live processes of a status, a page at a time, with their totals', async () => {
      const v = await variant('Overview', ['S1', '3.00']);
      const tag = `ov${++n}`;
      const made: number[] = [];
      for (const [i, status] of (['active', 'active', 'draft', 'active'] as const).entries()) {
        made.push(
          (await insertProcess(db, { name: `${tag} ${i}`, status, salesPrice: '10.00', steps: [{ lines: [{ variantId: v, quantity: String(i + 1) }] }] }))
            .processId,
        );
      }
      await db.query('UPDATE public.processes SET deleted_at = now() WHERE id = $1', [made[3]]);
      const q = counting(db);
      const all = await listProcessCosts(q, { status: 'active', limit: 500, offset: 0, at: AT });
      assert.equal(q.count, 2);
      const mine = all.processes.filter((x) => x.name.startsWith(`${tag} `));
      // "ov 0" × 1 → 3.00, profit 7.00, margin 70.00; "ov 1" × 2 → 6.00, profit 4.00, margin 40.00.
      assert.deepEqual(
        mine.map((x) => [x.name, x.total.worst, x.profit?.worst, x.margin?.worst]),
        [
          [`${tag} 0`, '3.00', '7.00', '70.00'],
          [`${tag} 1`, '6.00', '4.00', '40.00'],
        ],
      );
      assert.equal(all.total, all.processes.length);
      assert.ok(!('subprocesses' in mine[0]!));
      const page = await listProcessCosts(db, { status: 'active', limit: 1, offset: 1, at: AT });
      assert.equal(page.total, all.total);
      assert.deepEqual(
        page.processes.map((x) => x.processId),
        [all.processes[1]!.processId],
      );
      const beyond = await listProcessCosts(db, { status: 'active', limit: 10, offset: 100000 });
      assert.deepEqual(beyond, { total: all.total, processes: [] });
    });

    test('property: on 50 random processes the costs equal an exact oracle, worst ≥ best, and any selection lies between them', async () => {
      const rng = random(20250615);
      const days = ['2024-01-01', '2025-06-14', '2025-06-15', '2025-06-16'];
      const rates = new Map<number, RateSpec[]>();
      const pool: number[] = [];
      for (let i = 0; i < 20; i++) {
        const id = await insertVariant(db, `Random ${++n}`);
        const specs: RateSpec[] = [];
        for (let k = rng.int(0, 4); k > 0; k--) {
          const from = rng.pick(days);
          const to = rng.pick([null, ...days.filter((d) => d >= from)]);
          const spec: RateSpec = { supplier: `R${k}`, cost: rng.decimal(99, 2, false), from, to, active: rng.next() < 0.8 };
          await insertRate(db, id, spec);
          specs.push(spec);
        }
        rates.set(id, specs);
        pool.push(id);
      }
      const line = (): LineSpec => ({ variantId: rng.pick(pool), quantity: rng.decimal(20, rng.int(0, 4) || 1) });
      for (let p = 0; p < 50; p++) {
        const spec: ProcessSpec = {
          name: `random process ${++n}`,
          salesPrice: rng.next() < 0.5 ? rng.decimal(5000, 2, false) : null,
          steps: Array.from({ length: rng.int(0, 3) }, () => ({
            lines: Array.from({ length: rng.int(0, 4) }, line),
            groups: Array.from({ length: rng.int(0, 3) }, (_, g) => ({
              name: `G${g}-${rng.int(0, 1e9)}`,
              alternatives: Array.from({ length: rng.int(1, 4) }, line),
            })),
            costItems: Array.from({ length: rng.int(0, 2) }, () => ({
              type: rng.pick(['labour', 'overhead', 'packing']),
              quantity: rng.decimal(10, 3, false),
              rate: rng.decimal(500, 2, false),
            })),
          })),
          additionalCosts: Array.from({ length: rng.int(0, 2) }, () => ({ type: 'other', amount: rng.decimal(300, 2, false) })),
        };
        const made = await insertProcess(db, spec);
        const got = await cost(made.processId);
        const want = oracle(spec, rates, AT, () => undefined);
        const where = `random process ${p}: ${JSON.stringify(spec)}`;
        assert.deepEqual(got.total, { worst: money(want.worst), best: money(want.best) }, where);
        assert.deepEqual(
          got.unpriced.map((u) => u.variantId),
          want.unpriced,
          where,
        );
        assert.equal(got.complete, want.unpriced.length === 0, where);
        assert.deepEqual(
          got.subprocesses.map((s) => [s.total, s.groupDetail.map((g) => ({ worst: g.worst, best: g.best }))]),
          want.steps.map((s) => [{ worst: money(s.worst), best: money(s.best) }, s.groups.map((g) => ({ worst: money(g.worst), best: money(g.best) }))]),
          where,
        );
        assert.ok(want.worst >= want.best && fixed(got.total.worst) >= fixed(got.total.best), where);
        for (const s of got.subprocesses) assert.ok(fixed(s.total.worst) >= fixed(s.total.best), where);
        // Any one choice per group: the selected cost lies between the best and the worst case
        // (when the choice is fully priced: an unpriced alternative adds nothing, by design).
        const choice = new Map<string, number>();
        const selections = new Map<number, number>();
        for (const step of spec.steps)
          for (const g of step.groups ?? []) {
            const v = rng.pick(g.alternatives).variantId;
            choice.set(g.name, v);
            selections.set(made.groupIds.get(g.name)!, v);
          }
        const selected = await cost(made.processId, { selections });
        const wantSelected = oracle(spec, rates, AT, (name) => choice.get(name));
        assert.deepEqual(selected.total, { worst: money(wantSelected.worst), best: money(wantSelected.best) }, where);
        for (const figure of selected.complete ? [fixed(selected.total.worst), fixed(selected.total.best)] : []) {
          assert.ok(
            figure <= fixed(got.total.worst) && figure >= fixed(got.total.best),
            `${where}: selected ${JSON.stringify(selected.total)} outside ${JSON.stringify(got.total)}`,
          );
        }
      }
    });
  });
}
