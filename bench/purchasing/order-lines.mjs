// bench/purchasing/order-lines: turning many lines into draft purchase orders through the app
// layer (src/app/purchasing/orders.ts, createPurchaseOrderIn), the step that made 63,000
// suggested lines take 183 s when each line was its own INSERT. Two cases, each --lines lines
// in orders of 500 (MAX_ORDER_LINES):
// - suggestions: createOrdersFromSuggestions of every variant short of stock (--lines
//   variants, threshold 10, none in stock, each sold by one of 5 suppliers at a rate with a
//   minimum order of 25), the one action of the Suggestions page;
// - orders at the rate: createPurchaseOrder of 500 lines at a time with no unit price, so
//   every line's price is the supplier's rate in effect (and half are below its minimum).
// The orders are deleted after each round. On a PostgreSQL server (a throwaway cluster, or
// BENCH_DATABASE_URL: a database mtc_bench_order_lines is made on it) and on PGlite (in memory).
// Usage: node bench/purchasing/order-lines.mjs [--backend postgres|pglite|both] [--lines N] [--runs N] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, runner, toolEnvironment } from '../lib/harness.mjs';
import { migratedDatabase } from './database.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    lines: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean' },
  },
});
const LINES = Number(values.lines);
const RUNS = Number(values.runs);
const BACKENDS = values.backend === 'both' ? ['postgres', 'pglite'] : [values.backend];
if (!BACKENDS.every((b) => b === 'postgres' || b === 'pglite')) throw new Error(`--backend must be postgres, pglite or both, not ${values.backend}`);
if (!(LINES >= 2500 && LINES % 2500 === 0)) throw new Error('--lines must be a multiple of 2,500 (five suppliers, each with whole orders of 500 lines)');

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 600_000);
const log = (m) => process.stderr.write(`${m}\n`);
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);

const { MAX_ORDER_LINES, createPurchaseOrder } = await src('app/purchasing/orders.ts');
const { createOrdersFromSuggestions } = await src('app/purchasing/suggestions.ts');
const { CLI_ACTOR } = await src('app/audit/actor.ts');

/** LINES variants short of stock (threshold 10, none held), variant v sold by supplier v % 5 + 1 at a rate with a minimum order of 25. */
const LOAD = `
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) VALUES ('One');
INSERT INTO public.item_master (name, category) SELECT 'Item ' || g, 'Parts' FROM generate_series(1, ${LINES}) g;
INSERT INTO public.item_variant (item_id, color_id, size_id, reorder_threshold) SELECT item_id, 1, 1, 10 FROM public.item_master ORDER BY item_id;
INSERT INTO public.suppliers (firm_name) SELECT 'Supplier ' || s FROM generate_series(1, 5) s;
INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, minimum_order_quantity, effective_from)
  SELECT variant_id % 5 + 1, variant_id, 1 + (variant_id % 997) / 100.0, 'INR', 25, '2020-01-01' FROM public.item_variant;
ANALYZE;`;

const time = async (fn) => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};
const round = (ms) => Math.round(ms);

async function benchBackend(kind) {
  const { db, description } = await migratedDatabase(kind, { name: 'mtc_bench_order_lines', runner: { run, mustRun }, prefix: 'mtc-order-lines-pg-' });
  log(`${kind}: ${description}`);
  await db.exec(LOAD);
  const variants = (await db.query('SELECT variant_id AS id, variant_id % 5 + 1 AS supplier FROM public.item_variant ORDER BY variant_id')).rows;
  const clear = () => db.exec('DELETE FROM public.purchase_orders');
  const lineCount = async () => Number((await db.query('SELECT count(*)::int AS n FROM public.purchase_order_lines')).rows[0].n);

  const cases = {
    suggestions: async () => {
      const made = await createOrdersFromSuggestions(db, {}, CLI_ACTOR);
      if (made.length !== LINES / MAX_ORDER_LINES) throw new Error(`suggestions made ${made.length} orders, not ${LINES / MAX_ORDER_LINES}`);
    },
    'orders at the rate': async () => {
      for (let s = 1; s <= 5; s++) {
        const mine = variants.filter((v) => v.supplier === s);
        for (let at = 0; at < mine.length; at += MAX_ORDER_LINES)
          await createPurchaseOrder(
            db,
            { supplierId: s, lines: mine.slice(at, at + MAX_ORDER_LINES).map((v, i) => ({ variantId: v.id, quantity: i % 2 ? '30' : '10' })) },
            CLI_ACTOR,
          );
      }
    },
  };
  const results = {};
  for (const [name, fn] of Object.entries(cases)) {
    const runs = [];
    for (let r = 0; r <= RUNS; r++) {
      const ms = await time(fn);
      const n = await lineCount();
      if (n !== LINES) throw new Error(`${name}: ${n} order lines, not ${LINES}`);
      await clear();
      if (r > 0) runs.push(ms); // the first round warms up, untimed
    }
    results[name] = { medianMs: round(median(runs)), runs: runs.map(round), perLineMs: Math.round((median(runs) / LINES) * 1000) / 1000 };
    log(`${kind}: ${name}: ${LINES} lines in ${results[name].medianMs} ms (median of ${RUNS}: ${results[name].runs.join(', ')})`);
  }
  const server = (await db.query('SHOW server_version')).rows[0].server_version;
  await db.close();
  return { backend: kind, server, description, results };
}

const results = {
  lines: LINES,
  runs: RUNS,
  node: process.version,
  cpus: availableParallelism(),
  load: loadavg().map((x) => Math.round(x * 10) / 10),
  backends: [],
};
for (const b of BACKENDS) results.backends.push(await benchBackend(b));
writeFileSync(join(work, 'order-lines-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
