// `mtc seed --demo`: what a newcomer relies on after seeding, on PGlite and on a server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { costProcesses } from '../../src/app/costing/costing.ts';
import { DEMO_TABLES, DemoNotEmptyError, seedDemo } from '../../src/app/demo/seed.ts';
import type { DemoTable } from '../../src/app/demo/seed.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { migrated } from '../helpers/api.ts';

interface SeedJson {
  seeded: boolean;
  counts: Record<DemoTable, number>;
  lots: { lotNumber: string; process: string; status: string; quantity: number }[];
  belowReorderThreshold: number;
  stockValue: string;
}

/** Opens the test database, runs `fn`, closes it (a PGlite directory admits one process at a time). */
async function withDb<T>(db: TestDatabase, fn: (conn: Database) => Promise<T>): Promise<T> {
  const conn = await db.open();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** Every MTC table's rows as sorted JSON text, with the `ignore`d columns left out. */
async function tableContents(conn: Database, ignore: readonly string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of DEMO_TABLES) {
    const r = await conn.query<{ row: string }>(`SELECT (to_jsonb(t) - $1::text[])::text AS row FROM public.${table} t`, [ignore]);
    out[table] = r.rows.map((x) => x.row).sort();
  }
  return out;
}

/** Columns that hold the time of the run (lot, order and receipt numbers carry the date; entered_at, when a back-dated receipt was entered). */
const RUN_TIME_COLUMNS = [
  'created_at',
  'entered_at',
  'updated_at',
  'started_at',
  'completed_at',
  'sent_at',
  'closed_at',
  'lot_number',
  'po_number',
  'receipt_number',
];

test('mtc seed without --demo is a usage error: exit 2, saying what is available', async () => {
  const r = await mtc(['seed', '--database', 'memory://']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--demo/);
  const help = await mtc(['seed', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: mtc seed --demo \[--if-empty\]/);
});

for (const backend of backends) {
  describe(`mtc seed --demo on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let seeded: SeedJson;
    // One connection to the seeded database for the checks, closed whenever mtc runs on it:
    // a PGlite directory admits one process at a time, and opening it costs seconds.
    let open: Database | undefined;
    const conn = async () => (open ??= await db.open());
    const release = async () => {
      const c = open;
      open = undefined;
      await c?.close();
    };
    const run = async (target: TestDatabase, ...args: string[]) => {
      if (target === db) await release();
      return mtc([...args, '--database', target.url]);
    };

    before(async () => {
      db = await backend.create();
      const migrated = await run(db, 'migrate');
      assert.equal(migrated.code, 0, migrated.stderr);
      const r = await run(db, 'seed', '--demo', '--json');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      seeded = JSON.parse(r.stdout) as SeedJson;
    });
    after(async () => {
      await release();
      await db?.drop();
    });

    test('fills the migrated database: the schema still verifies, and the counts reported are the rows in the tables', async () => {
      assert.equal(seeded.seeded, true);
      const verify = await run(db, 'verify');
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const rows = await tableContents(await conn());
      for (const table of DEMO_TABLES) assert.equal(seeded.counts[table], rows[table]?.length, table);
      assert.equal(seeded.counts.users, 4);
      assert.ok(seeded.counts.item_master >= 20, `${seeded.counts.item_master} items`);
      assert.ok(seeded.counts.item_variant >= 100, `${seeded.counts.item_variant} variants`);
      assert.equal(seeded.counts.suppliers, 5);
      assert.equal(seeded.counts.processes, 3);
      assert.equal(seeded.counts.production_lots, 4);
      assert.equal(seeded.counts.import_jobs, 0);
    });

    test('the users are one per role, @example.com, without passwords', async () => {
      const users = (
        await (await conn()).query<{ role: string; email: string; password_hash: string | null }>('SELECT role, email, password_hash FROM users ORDER BY role')
      ).rows;
      assert.deepEqual(
        users.map((u) => u.role),
        ['admin', 'operator', 'planner', 'viewer'],
      );
      for (const u of users) {
        assert.match(u.email, /@example\.com$/);
        assert.equal(u.password_hash, null);
      }
    });

    test("every variant's stock is the sum of its stock ledger: one opening row each bought variant (none for what the processes make), production rows only for the completed lot", async () => {
      const c = await conn();
      const off = await c.query(`
        SELECT v.variant_id, v.stock, sum(t.quantity) AS ledger
        FROM item_variant v LEFT JOIN inventory_transactions t USING (variant_id)
        GROUP BY v.variant_id, v.stock HAVING v.stock IS DISTINCT FROM coalesce(sum(t.quantity), 0)`);
      assert.deepEqual(off.rows, []);
      const openings = await c.query<{ n: string }>(`
        SELECT count(*) AS n FROM item_variant v
        WHERE (SELECT count(*) FROM inventory_transactions t WHERE t.variant_id = v.variant_id AND t.transaction_type = 'opening')
           <> CASE WHEN EXISTS (SELECT 1 FROM processes p WHERE p.output_variant_id = v.variant_id) THEN 0 ELSE 1 END`);
      assert.equal(openings.rows[0]?.n, '0');
      const production = await c.query<{ status: string; n: string; positive: string }>(`
        SELECT l.status, count(*) AS n, count(*) FILTER (WHERE t.quantity >= 0) AS positive
        FROM inventory_transactions t JOIN production_lots l ON l.id = t.production_lot_id
        WHERE t.transaction_type = 'production' GROUP BY l.status`);
      assert.equal(production.rows.length, 1, JSON.stringify(production.rows));
      assert.equal(production.rows[0]?.status, 'completed');
      assert.equal(production.rows[0]?.positive, '0');
      const stock = await c.query<{ negative: string; below: string }>(
        'SELECT count(*) FILTER (WHERE stock < 0) AS negative, count(*) FILTER (WHERE stock < reorder_threshold) AS below FROM item_variant',
      );
      assert.equal(stock.rows[0]?.negative, '0');
      assert.equal(Number(stock.rows[0]?.below), seeded.belowReorderThreshold);
      assert.ok(seeded.belowReorderThreshold >= 3 && seeded.belowReorderThreshold <= 15, `${seeded.belowReorderThreshold} below the threshold`);
    });

    test('the subprocesses and processes are written by their module: each in the audit trail via seed, every process activated by a transition', async () => {
      const c = await conn();
      const r = await c.query<{ entity: string; action: string; via: string; n: string }>(
        `SELECT entity, action, via, count(*) AS n FROM audit_events WHERE entity IN ('process', 'subprocess') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      assert.deepEqual(
        r.rows.map((e) => `${e.entity} ${e.action} ${e.via} ${e.n}`),
        [
          `process create seed ${seeded.counts.processes}`,
          `process transition seed ${seeded.counts.processes}`,
          `subprocess create seed ${seeded.counts.subprocesses}`,
        ],
      );
      const active = await c.query<{ n: string }>(`SELECT count(*) AS n FROM processes WHERE status = 'active'`);
      assert.equal(Number(active.rows[0]!.n), seeded.counts.processes);
    });

    test('every process has a usual lot size of a real run, at which it makes a profit: its fixed per-run costs shared, not charged to one bicycle', async () => {
      const c = await conn();
      const ids = (await c.query<{ id: number }>('SELECT id FROM processes ORDER BY id')).rows.map((r) => r.id);
      const usual = await costProcesses(c, ids);
      const single = await costProcesses(c, ids, { quantity: 1 });
      assert.equal(usual.size, 3);
      for (const [id, cost] of usual) {
        const one = single.get(id)!;
        assert.ok(cost.quantity >= 20 && cost.quantity <= 100, `${cost.name}: a usual lot of ${cost.quantity}`);
        assert.ok(Number(cost.margin!.worst) > 0, `${cost.name}: a margin of ${cost.margin!.worst} % at worst in a run of ${cost.quantity}`);
        assert.ok(Number(one.margin!.worst) < 0, `${cost.name}: one bicycle alone carries the whole fixed cost (${one.margin!.worst} %)`);
      }
    });

    test('every process has 3 or 4 ordered steps, labour and overhead, an additional cost, a sales price, and substitute groups of 2 or more alternatives', async () => {
      const c = await conn();
      const groups = await c.query<{ id: number; n: string }>(
        'SELECT g.id, count(u.id) AS n FROM substitute_groups g LEFT JOIN variant_usage u ON u.substitute_group_id = g.id GROUP BY g.id',
      );
      assert.ok(groups.rows.length >= 6);
      for (const g of groups.rows) assert.ok(Number(g.n) >= 2, `group ${g.id} has ${g.n} alternatives`);
      const mismatched = await c.query(`
        SELECT u.id FROM variant_usage u JOIN substitute_groups g ON g.id = u.substitute_group_id
        WHERE g.process_subprocess_id <> u.process_subprocess_id`);
      assert.deepEqual(mismatched.rows, [], 'an alternative sits in another step than its group');
      const processes = await c.query<{
        name: string;
        steps: number[];
        groups: string;
        labour: string;
        overhead: string;
        additional: string;
        sales_price: string | null;
      }>(`
        SELECT p.name, p.sales_price,
          (SELECT array_agg(ps.sequence_order ORDER BY ps.sequence_order) FROM process_subprocesses ps WHERE ps.process_id = p.id) AS steps,
          (SELECT count(*) FROM substitute_groups g JOIN process_subprocesses ps ON ps.id = g.process_subprocess_id WHERE ps.process_id = p.id) AS groups,
          (SELECT count(*) FROM cost_items ci JOIN process_subprocesses ps ON ps.id = ci.process_subprocess_id WHERE ps.process_id = p.id AND ci.cost_type = 'labour') AS labour,
          (SELECT count(*) FROM cost_items ci JOIN process_subprocesses ps ON ps.id = ci.process_subprocess_id WHERE ps.process_id = p.id AND ci.cost_type = 'overhead') AS overhead,
          (SELECT count(*) FROM additional_costs a WHERE a.process_id = p.id) AS additional
        FROM processes p ORDER BY p.name`);
      assert.equal(processes.rows.length, 3);
      for (const p of processes.rows) {
        assert.ok(p.steps.length >= 3 && p.steps.length <= 4, `${p.name}: ${p.steps.length} steps`);
        assert.deepEqual(
          p.steps,
          p.steps.map((_, i) => i + 1),
          `${p.name}: steps in order`,
        );
        assert.ok(Number(p.groups) >= 1, `${p.name}: no substitute group`);
        assert.ok(Number(p.labour) >= 1 && Number(p.overhead) >= 1 && Number(p.additional) >= 1, `${p.name}: costs`);
        assert.ok(p.sales_price !== null && Number(p.sales_price) > 0, `${p.name}: sales price`);
      }
      const library = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM subprocesses s WHERE (SELECT count(DISTINCT ps.process_id) FROM process_subprocesses ps WHERE ps.subprocess_id = s.id) >= 2',
      );
      assert.ok(Number(library.rows[0]?.n) >= 2, 'the subprocess library is not reused across processes');
    });

    test('every lot has exactly one selection per substitute group of its process, chosen from that group; the lots are planning, ready, in progress and completed', async () => {
      assert.deepEqual(seeded.lots.map((l) => l.status).sort(), ['completed', 'in_progress', 'planning', 'ready']);
      const c = await conn();
      // Each (lot, group of its process) pair with how many selections it has.
      const pairs = await c.query<{ lot_id: number; group_id: number; n: string }>(`
        SELECT l.id AS lot_id, g.id AS group_id, count(s.id) AS n
        FROM production_lots l
        JOIN process_subprocesses ps ON ps.process_id = l.process_id
        JOIN substitute_groups g ON g.process_subprocess_id = ps.id
        LEFT JOIN production_lot_selections s ON s.lot_id = l.id AND s.substitute_group_id = g.id
        GROUP BY l.id, g.id`);
      assert.ok(pairs.rows.length >= 8);
      for (const p of pairs.rows) assert.equal(p.n, '1', `lot ${p.lot_id}, group ${p.group_id}`);
      const stray = await c.query(`
        SELECT s.id FROM production_lot_selections s
        JOIN production_lots l ON l.id = s.lot_id
        JOIN substitute_groups g ON g.id = s.substitute_group_id
        JOIN process_subprocesses ps ON ps.id = g.process_subprocess_id
        WHERE ps.process_id <> l.process_id
           OR NOT EXISTS (SELECT 1 FROM variant_usage u WHERE u.substitute_group_id = s.substitute_group_id AND u.variant_id = s.variant_id)`);
      assert.deepEqual(stray.rows, [], 'a selection of another process, or of a variant outside its group');
      const selections = await c.query<{ n: string }>('SELECT count(*) AS n FROM production_lot_selections');
      assert.equal(Number(selections.rows[0]?.n), pairs.rows.length);
    });

    test('the lots follow the lot rules: an estimate frozen at creation, one event per status they passed through, and the completed lot with its actual cost and consumption', async () => {
      const c = await conn();
      const lots = await c.query<{
        id: number;
        status: string;
        worst: string | null;
        ranged: boolean;
        estimate: { total: { worst: string } } | null;
        actual_cost: string | null;
        variance_ok: boolean | null;
        events: string[];
        consumed: string | null;
      }>(`
        SELECT l.id, l.status, l.worst_case_estimated_cost::text AS worst, l.estimate,
               0 < l.best_case_estimated_cost AND l.best_case_estimated_cost <= l.worst_case_estimated_cost AS ranged,
               l.actual_cost::text AS actual_cost, l.cost_variance = l.actual_cost - l.worst_case_estimated_cost AS variance_ok,
               (SELECT array_agg(e.to_status ORDER BY e.created_at, e.id) FROM production_lot_events e WHERE e.lot_id = l.id) AS events,
               (SELECT sum(t.quantity)::text FROM inventory_transactions t WHERE t.production_lot_id = l.id) AS consumed
        FROM production_lots l ORDER BY l.id`);
      const path: Record<string, string[]> = {
        planning: ['planning'],
        ready: ['planning', 'ready'],
        in_progress: ['planning', 'ready', 'in_progress'],
        completed: ['planning', 'ready', 'in_progress', 'completed'],
      };
      for (const l of lots.rows) {
        assert.equal(l.ranged, true, `lot ${l.id}: 0 < best ≤ worst estimate`);
        assert.equal(l.estimate?.total.worst, l.worst, `lot ${l.id}: the breakdown is the estimate's`);
        assert.deepEqual(l.events, path[l.status], `lot ${l.id}`);
        if (l.status === 'completed') {
          assert.match(l.actual_cost ?? '', /^[1-9]\d*\.\d{2}$/);
          assert.equal(l.variance_ok, true, 'variance = actual − worst estimate');
          assert.match(l.consumed ?? '', /^-\d/, 'it consumed stock');
        } else {
          assert.deepEqual([l.actual_cost, l.consumed], [null, null], `lot ${l.id}`);
        }
      }
    });

    test('the lots are in the audit trail via seed: each made by the planner, each move by the planner (ready) or the operator (start, complete), as its history says', async () => {
      const c = await conn();
      const lots = await c.query<{ id: number; status: string; moves: number }>(
        `SELECT l.id, l.status, (SELECT count(*)::int FROM production_lot_events e WHERE e.lot_id = l.id AND e.from_status IS NOT NULL) AS moves
           FROM production_lots l ORDER BY l.id`,
      );
      assert.equal(lots.rows.length, 4);
      const roles = new Map((await c.query<{ user_id: number; role: string }>('SELECT user_id, role FROM users')).rows.map((u) => [u.user_id, u.role]));
      for (const lot of lots.rows) {
        const events = (
          await c.query<{ action: string; via: string; user_id: number | null; before: { status: string } | null; after: { status: string } }>(
            `SELECT action, via, user_id, before, after FROM audit_events WHERE entity = 'production_lot' AND entity_id = $1 ORDER BY id`,
            [String(lot.id)],
          )
        ).rows;
        assert.equal(events.length, 1 + lot.moves, `lot ${lot.id}: its creation and each of its ${lot.moves} moves`);
        assert.ok(
          events.every((e) => e.via === 'seed'),
          `lot ${lot.id}: via seed`,
        );
        assert.deepEqual(
          events.map((e) => [e.action, roles.get(e.user_id!), e.before?.status ?? null, e.after.status]),
          [
            ['create', 'planner', null, 'planning'],
            ['transition', 'planner', 'planning', 'ready'],
            ['transition', 'operator', 'ready', 'in_progress'],
            ['transition', 'operator', 'in_progress', 'completed'],
          ].slice(0, 1 + lot.moves),
          `lot ${lot.id}`,
        );
        assert.equal(events.at(-1)!.after.status, lot.status);
      }
    });

    test('the variants processes use have several rates (some inactive, some expired), the others one, what the processes make none; all in INR', async () => {
      const c = await conn();
      const r = await c.query<{ kind: string; min: number; max: number; variants: string }>(`
        SELECT CASE WHEN EXISTS (SELECT 1 FROM processes p WHERE p.output_variant_id = v.variant_id) THEN 'made'
                    WHEN EXISTS (SELECT 1 FROM variant_usage u WHERE u.variant_id = v.variant_id) THEN 'used' ELSE 'other' END AS kind,
               min(n)::int AS min, max(n)::int AS max, count(*) AS variants
        FROM item_variant v
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM variant_supplier_pricing p WHERE p.variant_id = v.variant_id) AS rates
        GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(
        r.rows.map((x) => [x.kind, x.min, x.max]),
        [
          ['made', 0, 0],
          ['other', 1, 1],
          ['used', 2, 3],
        ],
      );
      const kinds = await c.query<{ inactive: string; expired: string; currencies: string[] }>(`
        SELECT count(*) FILTER (WHERE NOT is_active) AS inactive,
               count(*) FILTER (WHERE effective_to < CURRENT_DATE) AS expired,
               array_agg(DISTINCT currency::text) AS currencies
        FROM variant_supplier_pricing`);
      assert.ok(Number(kinds.rows[0]?.inactive) > 0, 'no inactive rate');
      assert.ok(Number(kinds.rows[0]?.expired) > 0, 'no expired rate');
      assert.deepEqual(kinds.rows[0]?.currencies, ['INR']);
    });

    test('purchasing: an order in every status, made and sent by the planner at the supplier rates, received bill by bill by the operator, and a receipt without an order', async () => {
      const c = await conn();
      const orders = await c.query<{ id: number; status: string; lines: number; priced: boolean; role: string; receipts: string[] }>(`
        SELECT o.id, o.status, (SELECT count(*)::int FROM purchase_order_lines l WHERE l.po_id = o.id) AS lines,
               (SELECT bool_and(l.unit_price = (SELECT p.cost_per_unit FROM variant_supplier_pricing p
                                                  WHERE p.supplier_id = o.supplier_id AND p.variant_id = l.variant_id AND p.is_active
                                                    AND p.effective_from <= o.order_date AND (p.effective_to IS NULL OR p.effective_to >= o.order_date)))
                  FROM purchase_order_lines l WHERE l.po_id = o.id) AS priced,
               u.role, coalesce((SELECT array_agg(r.bill_number ORDER BY r.id) FROM goods_receipts r WHERE r.po_id = o.id), '{}') AS receipts
          FROM purchase_orders o JOIN users u ON u.user_id = o.created_by ORDER BY o.order_date, o.id`);
      assert.deepEqual(orders.rows.map((o) => o.status).sort(), ['cancelled', 'closed', 'draft', 'partially_received', 'received', 'sent']);
      for (const o of orders.rows) {
        assert.ok(o.lines >= 1, `order ${o.id} has lines`);
        assert.equal(o.priced, true, `order ${o.id}: every line at the supplier's rate of the order's day`);
        assert.equal(o.role, 'planner');
        const received = ['partially_received', 'received', 'closed'].includes(o.status);
        assert.equal(o.receipts.length > 0, received, `order ${o.id} (${o.status}): ${o.receipts.join(', ')}`);
      }
      assert.deepEqual(
        orders.rows.map((o) => o.id),
        [...orders.rows.map((o) => o.id)].sort((a, b) => a - b),
        'numbered in the order they were placed',
      );
      const receipts = await c.query<{ po: number | null; bill: string | null; tax: string; discounted: boolean; role: string; via: string }>(`
        SELECT r.po_id AS po, r.bill_number AS bill, r.tax_percentage::text AS tax, (r.discount_percentage > 0 OR r.discount_amount > 0) AS discounted,
               u.role, (SELECT e.via FROM audit_events e WHERE e.entity = 'goods_receipt' AND e.entity_id = r.id::text) AS via
          FROM goods_receipts r JOIN users u ON u.user_id = r.created_by ORDER BY r.id`);
      assert.ok(receipts.rows.length >= 4);
      for (const r of receipts.rows) {
        assert.match(r.bill ?? '', /\S/, 'every receipt has its bill number');
        assert.ok(Number(r.tax) > 0, 'and its tax');
        assert.equal(r.role, 'operator');
        assert.equal(r.via, 'seed');
      }
      assert.equal(receipts.rows.filter((r) => r.po === null).length, 1, 'one receipt on its own');
      assert.ok(receipts.rows.filter((r) => r.discounted).length >= 2, 'receipts with a discount');
      const ledger = await c.query<{ off: string }>(`
        SELECT count(*) AS off FROM goods_receipt_lines l JOIN goods_receipts r ON r.id = l.receipt_id
         WHERE NOT EXISTS (SELECT 1 FROM inventory_transactions t WHERE t.reference_type = 'goods_receipt' AND t.reference_id = r.id
                              AND t.variant_id = l.variant_id AND t.quantity = l.quantity AND t.unit_cost = l.unit_cost
                              AND t.created_at::date = r.received_on)`);
      assert.equal(ledger.rows[0]?.off, '0', 'every receipt line is in the ledger at its cost, on the day it was received');
    });

    test('the stock has a value: every variant with stock is valued, the total is the sum of the ledger; the completed lot put its bicycles into stock at its actual cost', async () => {
      const c = await conn();
      const v = await c.query<{ unvalued: string; total: string; ledger: string }>(`
        SELECT count(*) FILTER (WHERE stock <> 0 AND stock_value IS NULL) AS unvalued, trim_scale(sum(stock_value))::text AS total,
               (SELECT trim_scale(sum(value))::text FROM inventory_transactions) AS ledger
          FROM item_variant`);
      assert.equal(v.rows[0]?.unvalued, '0');
      assert.equal(v.rows[0]?.total, seeded.stockValue);
      assert.equal(v.rows[0]?.ledger, seeded.stockValue);
      assert.ok(Number(seeded.stockValue) > 1_000_000, seeded.stockValue);
      const outputs = await c.query<{ status: string; actual: string; quantity: string; unitCost: string; stock: string; value: string; made: string }>(`
        SELECT l.status, l.actual_cost::text AS actual, trim_scale(l.output_quantity)::text AS quantity, trim_scale(l.output_unit_cost)::text AS "unitCost",
               trim_scale(v.stock)::text AS stock, trim_scale(v.stock_value)::text AS value, i.name AS made
          FROM production_lots l JOIN processes p ON p.id = l.process_id
          JOIN item_variant v ON v.variant_id = p.output_variant_id JOIN item_master i ON i.item_id = v.item_id
         WHERE l.status = 'completed'`);
      assert.equal(outputs.rows.length, 1);
      const lot = outputs.rows[0]!;
      assert.equal(lot.made, 'Sparrow 12 Kids Bicycle');
      assert.equal(lot.quantity, '50');
      assert.equal(lot.stock, '50', 'the bicycles it made are in stock');
      assert.equal(Math.abs(Number(lot.value) - Number(lot.actual)) < 0.0001, true, `worth the lot's actual cost: ${lot.value} vs ${lot.actual}`);
      assert.equal(Math.abs(Number(lot.unitCost) * 50 - Number(lot.actual)) < 0.0001, true, `${lot.unitCost} × 50 vs ${lot.actual}`);
      const processes = await c.query<{ n: string }>('SELECT count(*) AS n FROM processes WHERE output_variant_id IS NULL');
      assert.equal(processes.rows[0]?.n, '0', 'every process names what it makes');
    });

    test('a second seed fails with exit 1, naming a table that holds rows, and changes nothing', async () => {
      const before = await tableContents(await conn());
      const r = await run(db, 'seed', '--demo');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /already holds data \(rows in users\b/);
      assert.match(r.stderr, /--if-empty/);
      const json = await run(db, 'seed', '--demo', '--json');
      assert.equal(json.code, 1);
      const err = JSON.parse(json.stdout) as { error: { code: string; details: { tables: string[] } } };
      assert.equal(err.error.code, 'DEMO_NOT_EMPTY');
      assert.ok(err.error.details.tables.includes('item_variant'));
      assert.deepEqual(await tableContents(await conn()), before);
    });

    test('--if-empty on a seeded database exits 0 with one line and changes nothing', async () => {
      const before = await tableContents(await conn());
      const r = await run(db, 'seed', '--demo', '--if-empty');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').length, 1, r.stdout);
      assert.match(r.stdout, /^Nothing seeded: the database already holds data/);
      assert.deepEqual(await tableContents(await conn()), before);
    });

    test('an unmigrated database is refused (exit 1, SCHEMA_NOT_MIGRATED, run mtc migrate); once migrated it gets the very same data', async () => {
      const fresh = await backend.create();
      try {
        const r = await run(fresh, 'seed', '--demo', '--if-empty', '--json');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
        assert.equal(err.code, 'SCHEMA_NOT_MIGRATED');
        assert.match(err.message, /has no MTC tables; run mtc migrate first/);

        assert.equal((await run(fresh, 'migrate')).code, 0);
        const again = await run(fresh, 'seed', '--demo');
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /^Seeded the demo data: 4 users, \d+ items, \d+ variants/);
        assert.match(again.stdout, /\nTry: mtc /);
        const theirs = await withDb(fresh, (c) => tableContents(c, RUN_TIME_COLUMNS));
        assert.deepEqual(theirs, await tableContents(await conn(), RUN_TIME_COLUMNS));
      } finally {
        await fresh.drop();
      }
    });

    test('a database with rows in one table only is refused, naming just that table, and nothing is added', async () => {
      const other = await backend.create();
      try {
        await withDb(other, async (c) => {
          await migrated(c);
          await c.exec("INSERT INTO suppliers (firm_name) VALUES ('Existing Supplier')");
          await assert.rejects(
            seedDemo(c),
            (err: unknown) => err instanceof DemoNotEmptyError && err.code === 'DEMO_NOT_EMPTY' && err.tables.join() === 'suppliers',
          );
          const rows = await tableContents(c);
          assert.deepEqual(
            Object.entries(rows)
              .filter(([, v]) => v.length > 0)
              .map(([t, v]) => [t, v.length]),
            [['suppliers', 1]],
          );
        });
      } finally {
        await other.drop();
      }
    });

    test('two seeds at once: one fills the database, the other waits and is then refused', {
      skip: backend.name === 'pglite' ? 'PGlite is one session: concurrency is proven on the server' : false,
    }, async () => {
      const target = await backend.create();
      try {
        await withDb(target, migrated);
        const results = await Promise.all([run(target, 'seed', '--demo', '--json'), run(target, 'seed', '--demo', '--json')]);
        assert.deepEqual(results.map((r) => r.code).sort(), [0, 1], results.map((r) => r.stdout + r.stderr).join('\n'));
        const refused = results.find((r) => r.code === 1);
        assert.equal((JSON.parse(refused?.stdout ?? '{}') as { error?: { code: string } }).error?.code, 'DEMO_NOT_EMPTY');
        const counts = await withDb(target, async (c) => (await c.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0]?.n);
        assert.equal(counts, '4');
      } finally {
        await target.drop();
      }
    });
  });
}
