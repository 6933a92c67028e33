// bench/purchasing: receiving goods and stock value as of a day (issue 19), through the app
// layer, beside the floor, one SQL statement doing the same reads and writes, in the same run:
// - a goods receipt of 500 lines against a sent purchase order of 500 lines, and 500 lines on
//   its own (createGoodsReceipt, src/app/purchasing/receipts.ts): the floor is one statement
//   that inserts the receipt and its lines, raises the order lines' received quantity, inserts
//   the 500 ledger rows with their cost and value and moves the 500 variants' stock and
//   stock_value (and, against an order, sets the order's status);
// - stock value on a day by variant, item and category, and the total (stockValue,
//   src/app/items/value.ts), over 100,000 variants with 1,000,000 ledger rows: the floor is one
//   statement reading the same ledger rows up to the day and the variants and items they group by.
// On a PostgreSQL server (a throwaway cluster, or BENCH_DATABASE_URL: a database
// mtc_bench_purchasing is made on it) and on PGlite (in memory), one after the other.
// Usage: node bench/purchasing/run.mjs [--backend postgres|pglite|both] [--variants N]
//        [--ledger N] [--lines N] [--runs N] [--only value|receipts] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PGBIN, median, runner, toolEnvironment } from '../lib/harness.mjs';
import { migratedDatabase } from './database.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    variants: { type: 'string', default: '100000' },
    ledger: { type: 'string', default: '1000000' },
    lines: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const VARIANTS = Number(values.variants);
const LEDGER = Number(values.ledger);
const LINES = Number(values.lines);
const RUNS = Number(values.runs);
const BACKENDS = values.backend === 'both' ? ['postgres', 'pglite'] : [values.backend];
if (!BACKENDS.every((b) => b === 'postgres' || b === 'pglite')) throw new Error(`--backend must be postgres, pglite or both, not ${values.backend}`);
/** --only value or --only receipts: time just those cases (the load is the same). */
const ONLY = values.only;
if (ONLY !== undefined && ONLY !== 'value' && ONLY !== 'receipts') throw new Error(`--only must be value or receipts, not ${ONLY}`);
if (VARIANTS % 5 !== 0 || LEDGER % VARIANTS !== 0 || LEDGER / VARIANTS < 2)
  throw new Error('--variants must be a multiple of 5 and --ledger at least 2 × and a multiple of it');
if ((RUNS + 1) * 4 * LINES > VARIANTS * 0.98) throw new Error('(--runs + 1) × 4 × --lines must stay under --variants: each receipt takes variants of its own');
const PER_VARIANT = LEDGER / VARIANTS;
/** The day stock is valued on: 100 days ago, so that the ledger's last rows (36 days ago and since) are after it. */
const AS_OF_DAYS_AGO = 100;

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 1_800_000);
const log = (m) => process.stderr.write(`${m}\n`);
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);

const { createGoodsReceipt } = await src('app/purchasing/receipts.ts');
const { stockValue, stockValueTotal } = await src('app/items/value.ts');
const { CLI_ACTOR } = await src('app/audit/actor.ts');

/**
 * The catalogue and the ledger: VARIANTS/5 items in 50 categories, 5 sizes each, 5 suppliers;
 * per variant PER_VARIANT ledger rows from 360 days ago to 36 days ago (a first receipt of 100,
 * then issues and receipts of 10 in turn, all at the variant's own cost), so stock and
 * stock_value are the sums of the ledger. One variant in 100 has no cost: its rows have no
 * value (stock from before MTC kept costs), counted apart by stockValue.
 */
const LOAD = `
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) SELECT 'Size ' || s FROM generate_series(1, 5) s;
INSERT INTO public.item_master (name, category) SELECT 'Item ' || g, 'Category ' || (g % 50) FROM generate_series(1, ${VARIANTS / 5}) g;
INSERT INTO public.item_variant (item_id, color_id, size_id)
  SELECT i.item_id, 1, s.size_id FROM public.item_master i CROSS JOIN public.size_master s ORDER BY i.item_id, s.size_id;
INSERT INTO public.suppliers (firm_name) SELECT 'Supplier ' || s FROM generate_series(1, 5) s;
CREATE TEMPORARY TABLE bench_rows AS
  SELECT v.variant_id, k, (100 + (v.variant_id::bigint * 37) % 9900) / 100.0 AS cost, v.variant_id % 100 = 0 AS uncosted,
         CASE WHEN k = 0 THEN 100 WHEN k % 2 = 1 THEN -10 ELSE 10 END AS quantity
    FROM public.item_variant v CROSS JOIN generate_series(0, ${PER_VARIANT - 1}) k;
INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, value, created_at)
  SELECT variant_id, CASE WHEN k = 0 AND uncosted THEN 'opening' WHEN quantity < 0 THEN 'issue' ELSE 'receipt' END, quantity, 'pcs',
         CASE WHEN NOT uncosted THEN cost END, CASE WHEN NOT uncosted THEN quantity * cost END,
         now() - make_interval(days => 360 - (324 * k) / ${PER_VARIANT - 1}) + make_interval(secs => variant_id % 86400)
    FROM bench_rows ORDER BY 7, variant_id;
UPDATE public.item_variant v SET stock = t.stock, stock_value = t.value
  FROM (SELECT variant_id, sum(quantity) AS stock, CASE WHEN bool_and(NOT uncosted) THEN sum(quantity * cost) END AS value FROM bench_rows GROUP BY variant_id) t
 WHERE t.variant_id = v.variant_id;
DROP TABLE bench_rows;`;

/** A sent purchase order of LINES lines, 10 of each at the variant's cost, over the variants given; its id and line ids. */
async function sentOrder(db, variants) {
  const po = (await db.query(`INSERT INTO public.purchase_orders (supplier_id, status, sent_at) VALUES (1, 'sent', now()) RETURNING id`)).rows[0].id;
  const lines = await db.query(
    `INSERT INTO public.purchase_order_lines (po_id, line_no, variant_id, quantity, unit_price)
     SELECT $1, n, v, 10, (100 + (v::bigint * 37) % 9900) / 100.0 FROM unnest($2::int[]) WITH ORDINALITY AS x(v, n) ORDER BY n RETURNING id`,
    [po, variants],
  );
  return { po, lineIds: lines.rows.map((r) => r.id).sort((a, b) => a - b) };
}

/**
 * The floor of a receipt: one statement doing its reads and writes. $1 the order (or null),
 * $2 the supplier, $3 the order lines received (or nulls), $4 the variants, $5 the quantities,
 * $6 the unit costs (or nulls: the order line's price less its discount).
 */
const RECEIPT_FLOOR = `
WITH x AS (SELECT * FROM unnest($3::int[], $4::int[], $5::numeric[], $6::numeric[]) WITH ORDINALITY AS x(po_line_id, variant_id, quantity, unit_cost, n)),
     p AS (SELECT x.n, x.po_line_id, coalesce(l.variant_id, x.variant_id) AS variant_id, x.quantity,
                  coalesce(x.unit_cost, l.unit_price * (1 - l.discount_rate / 100)) AS unit_cost
             FROM x LEFT JOIN public.purchase_order_lines l ON l.id = x.po_line_id AND l.po_id = $1),
     r AS (INSERT INTO public.goods_receipts (supplier_id, po_id, total_amount, grand_total)
           SELECT $2, $1, sum(p.quantity * p.unit_cost), sum(p.quantity * p.unit_cost) FROM p RETURNING id),
     rl AS (INSERT INTO public.goods_receipt_lines (receipt_id, po_line_id, variant_id, quantity, unit_cost)
            SELECT r.id, p.po_line_id, p.variant_id, p.quantity, p.unit_cost FROM r, p ORDER BY p.n),
     ol AS (UPDATE public.purchase_order_lines l SET received_quantity = l.received_quantity + p.quantity FROM p
             WHERE l.id = p.po_line_id AND l.id = ANY($3::int[])),
     os AS (UPDATE public.purchase_orders o SET status = 'received' WHERE o.id = $1),
     v AS (SELECT p.*, iv.unit, iv.stock, iv.stock_value
             FROM p CROSS JOIN LATERAL (SELECT iv.unit, iv.stock, iv.stock_value FROM public.item_variant iv WHERE iv.variant_id = p.variant_id OFFSET 0) iv),
     led AS (INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, value, reference_type, reference_id)
             SELECT v.variant_id, 'receipt', v.quantity, v.unit, v.unit_cost, v.quantity * v.unit_cost, 'goods_receipt', r.id FROM v, r ORDER BY v.n),
     sv AS (UPDATE public.item_variant iv SET stock = v.stock + v.quantity, stock_value = coalesce(v.stock_value, v.stock * v.unit_cost) + v.quantity * v.unit_cost
              FROM v WHERE iv.variant_id = v.variant_id AND iv.variant_id = ANY(ARRAY(SELECT variant_id FROM p)))
SELECT id FROM r`;

/** The floor of stock value on a day: the ledger rows up to the day summed per variant, grouped by `key` over the variants and items. */
const valueFloor = (key) => `
SELECT count(*)::int AS rows, sum(g.value)::text AS value FROM (
  SELECT ${key} AS key, sum(pv.stock) AS stock, sum(pv.value) AS value
    FROM (SELECT t.variant_id, sum(t.quantity) AS stock, sum(t.value) AS value
            FROM public.inventory_transactions t
           WHERE t.created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC' GROUP BY t.variant_id) pv
    JOIN public.item_variant v ON v.variant_id = pv.variant_id
    JOIN public.item_master i ON i.item_id = v.item_id
   GROUP BY 1) g`;
const TOTAL_FLOOR = `SELECT count(DISTINCT t.variant_id)::int AS rows, sum(t.value)::text AS value FROM public.inventory_transactions t
  WHERE t.created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;

/**
 * CPU time (ms) used so far by what does the work: this process (the app's code, node-postgres,
 * or PGlite itself) and, on a throwaway server, the cluster's processes. Beside the wall time,
 * it says how much work each side did however loaded the machine was (a loaded machine stretches
 * the wall time of the side with more round trips the most).
 */
let serverCpu = () => 0;
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const time = async (fn) => {
  const server0 = serverCpu();
  const client0 = cpuNow();
  const s = performance.now();
  const value = await fn();
  const ms = performance.now() - s;
  const client = cpuNow() - client0;
  return { ms, cpu: client + serverCpu() - server0, value };
};
const summarise = (m) => {
  const app = median(m.app);
  const floor = median(m.floor);
  return {
    appMs: Math.round(app * 10) / 10,
    floorMs: Math.round(floor * 10) / 10,
    ratio: Math.round((app / floor) * 100) / 100,
    appRuns: m.app.map((x) => Math.round(x * 10) / 10),
    floorRuns: m.floor.map((x) => Math.round(x * 10) / 10),
  };
};

async function benchBackend(kind) {
  const opened = await migratedDatabase(kind, {
    name: 'mtc_bench_purchasing',
    runner: { run, mustRun },
    prefix: 'mtc-purchasing-pg-',
    extraSettings: ['shared_buffers=512MB'],
  });
  const { db, description } = opened;
  serverCpu = opened.serverCpu;
  log(`${kind}: ${description}`);
  log(`${kind}: loading ${VARIANTS} variants and ${LEDGER} ledger rows`);
  const t0 = performance.now();
  await db.exec(LOAD);
  // Vacuumed until the ledger's pages are all visible (a first VACUUM right after the load left
  // some not, and every stock-value read of them then went to the table as well as the index).
  for (let i = 0; i < 3; i++) {
    await db.exec('VACUUM (FREEZE, ANALYZE)');
    const vm = (await db.query(`SELECT relallvisible >= relpages AS done FROM pg_class WHERE oid = 'public.inventory_transactions'::regclass`)).rows[0];
    if (vm.done) break;
  }
  const loadS = (performance.now() - t0) / 1000;
  const server = (await db.query('SHOW server_version')).rows[0].server_version;
  log(`${kind}: loaded in ${loadS.toFixed(1)} s`);

  // Stock value on a day: untimed warm-up of each, then RUNS rounds of app and floor in turn.
  const asOf = (await db.query(`SELECT to_char(CURRENT_DATE - ${AS_OF_DAYS_AGO}, 'YYYY-MM-DD') AS d`)).rows[0].d;
  const cases = {
    variant: { app: () => stockValue(db, { asOf, by: 'variant', limit: 50, offset: 0 }), floor: valueFloor('v.variant_id') },
    item: { app: () => stockValue(db, { asOf, by: 'item', limit: 50, offset: 0 }), floor: valueFloor('i.item_id') },
    category: { app: () => stockValue(db, { asOf, by: 'category', limit: 50, offset: 0 }), floor: valueFloor("coalesce(i.category, '')") },
    // the total alone (GET /api/stock/value/total): stockValueTotal, in the grouped answer's shape for the checks below
    total: {
      app: async () => {
        const t = await stockValueTotal(db, { asOf });
        return { total: t, count: t.variants };
      },
      floor: TOTAL_FLOOR,
    },
  };
  const value = {};
  for (const [name, c] of Object.entries(ONLY === 'receipts' ? {} : cases)) {
    const m = { app: [], floor: [] };
    const cpu = { app: [], floor: [] };
    const first = await c.app();
    const floor = (await db.query(c.floor, [asOf])).rows[0];
    // every grouping's total is the ledger's value up to the day (rows without a cost have none)
    const ledger = (await db.query(TOTAL_FLOOR, [asOf])).rows[0].value;
    if (Number(first.total.value) !== Number(ledger) || Number(floor.value) !== Number(ledger))
      throw new Error(`${name}: stockValue's total ${first.total.value} and the floor's ${floor.value} are not the ledger's ${ledger}`);
    for (let i = 0; i < RUNS; i++) {
      const a = await time(c.app);
      const f = await time(() => db.query(c.floor, [asOf]));
      m.app.push(a.ms);
      m.floor.push(f.ms);
      cpu.app.push(a.cpu);
      cpu.floor.push(f.cpu);
    }
    value[name] = { ...summarise(m), cpu: summarise(cpu), rows: first.count, floorRows: floor.rows, total: first.total };
    log(`${kind}: stock value by ${name}: ${JSON.stringify(value[name])}`);
  }

  if (ONLY === 'value') {
    await db.close();
    return { server, description, loadSeconds: Math.round(loadS), value, receipts: null };
  }
  // Receipts: each round takes fresh variants (so each app receipt and floor receipt moves the
  // same kind of rows), the app first in even rounds, the floor first in odd ones.
  let next = 0;
  const variantsFor = () => {
    const vs = [];
    // not the variants without a cost: their first receipt adds a revaluation row
    while (vs.length < LINES) {
      const v = 1 + ((next++ * 197) % VARIANTS);
      if (v % 100 !== 0) vs.push(v);
    }
    return vs;
  };
  const cost = (v) => String((100 + ((v * 37) % 9900)) / 100);
  const receipt = { order: { app: [], floor: [] }, alone: { app: [], floor: [] } };
  const receiptCpu = { order: { app: [], floor: [] }, alone: { app: [], floor: [] } };
  const ledgerBefore = Number((await db.query('SELECT count(*) AS n FROM public.inventory_transactions')).rows[0].n);
  for (let i = 0; i <= RUNS; i++) {
    const warm = i === 0;
    const steps = {
      order: {
        app: async () => {
          const { po, lineIds } = await sentOrder(db, variantsFor());
          const t = await time(() =>
            createGoodsReceipt(db, { purchaseOrderId: po, lines: lineIds.map((id) => ({ poLineId: id, quantity: '10' })) }, CLI_ACTOR),
          );
          if (t.value.lines.length !== LINES) throw new Error('the receipt has the wrong number of lines');
          return t;
        },
        floor: async () => {
          const { po, lineIds } = await sentOrder(db, variantsFor());
          const nulls = lineIds.map(() => null);
          return time(() => db.query(RECEIPT_FLOOR, [po, 1, lineIds, nulls, lineIds.map(() => '10'), nulls]));
        },
      },
      alone: {
        app: async () => {
          const vs = variantsFor();
          const t = await time(() =>
            createGoodsReceipt(db, { supplierId: 2, lines: vs.map((v) => ({ variantId: v, quantity: '10', unitCost: cost(v) })) }, CLI_ACTOR),
          );
          if (t.value.lines.length !== LINES) throw new Error('the receipt has the wrong number of lines');
          return t;
        },
        floor: async () => {
          const vs = variantsFor();
          const nulls = vs.map(() => null);
          return time(() => db.query(RECEIPT_FLOOR, [null, 2, nulls, vs, vs.map(() => '10'), vs.map(cost)]));
        },
      },
    };
    for (const [name, s] of Object.entries(steps)) {
      const order = i % 2 === 0 ? ['app', 'floor'] : ['floor', 'app'];
      for (const which of order) {
        const t = await s[which]();
        if (!warm) {
          receipt[name][which].push(t.ms);
          receiptCpu[name][which].push(t.cpu);
        }
      }
    }
  }
  const ledgerAfter = Number((await db.query('SELECT count(*) AS n FROM public.inventory_transactions')).rows[0].n);
  if (ledgerAfter - ledgerBefore !== (RUNS + 1) * 4 * LINES)
    throw new Error(`the receipts wrote ${ledgerAfter - ledgerBefore} ledger rows, not ${(RUNS + 1) * 4 * LINES}`);
  const receipts = {
    order: { ...summarise(receipt.order), cpu: summarise(receiptCpu.order) },
    alone: { ...summarise(receipt.alone), cpu: summarise(receiptCpu.alone) },
  };
  log(`${kind}: receipts: ${JSON.stringify(receipts)}`);
  await db.close();
  return { server, description, loadSeconds: Math.round(loadS), value, receipts };
}

const results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    memGiB: Math.round(totalmem() / 2 ** 30),
    loadBefore: loadavg().map((x) => x.toFixed(2)),
    runs: RUNS,
  },
  shape: { variants: VARIANTS, ledgerRows: LEDGER, receiptLines: LINES, asOfDaysAgo: AS_OF_DAYS_AGO },
  backends: {},
};
for (const kind of BACKENDS) results.backends[kind] = await benchBackend(kind);
results.meta.loadAfter = loadavg().map((x) => x.toFixed(2));
writeFileSync(join(work, 'purchasing-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`\nbackend   case                                   app ms   floor ms   app/floor   app cpu  floor cpu  cpu ratio`);
  for (const [kind, b] of Object.entries(results.backends)) {
    const rows = [
      ...(b.receipts
        ? [
            [`receipt of ${LINES} lines against an order`, b.receipts.order],
            [`receipt of ${LINES} lines on its own`, b.receipts.alone],
          ]
        : []),
      ...Object.entries(b.value).map(([k, r]) => [k === 'total' ? 'stock value: the total' : `stock value by ${k}`, r]),
    ];
    for (const [name, r] of rows)
      console.log(
        `${kind.padEnd(9)} ${name.padEnd(38)} ${String(r.appMs).padStart(7)}  ${String(r.floorMs).padStart(9)}  ${String(r.ratio).padStart(10)}  ${String(r.cpu.appMs).padStart(8)}  ${String(r.cpu.floorMs).padStart(9)}  ${String(r.cpu.ratio).padStart(9)}`,
      );
  }
  console.log(
    `medians of ${RUNS} runs; ${VARIANTS} variants, ${LEDGER} ledger rows; ${results.meta.cpus} CPUs, load ${results.meta.loadBefore[0]} → ${results.meta.loadAfter[0]}; PostgreSQL ${Object.values(
      results.backends,
    )
      .map((b) => b.server)
      .join(' / ')}`,
  );
}
process.exit(0);
