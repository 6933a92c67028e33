// bench/costing: worst/best-case costing (src/app/costing) on a throwaway PostgreSQL with
// 2,000 processes of 500 lines and 50 substitute groups (3 alternatives each) over a pool of
// variants with 5 suppliers each: the time to cost one process and to recost all 2,000 after
// a rate change, beside the floor, a single scan of the same rows (the lines and
// alternatives of those processes joined to every rate of their variants) in the same run.
// With --breaks N (default 2), every rate has N price breaks (from 2, from 4, … units, each
// 1% cheaper), so costing looks up the break each line's run reaches; --breaks 0 is the data
// of before price breaks. CPU time is the database cluster's, beside the wall time.
// Usage: node bench/costing/run.mjs [--processes N] [--variants N] [--runs N] [--breaks N] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PGBIN, median, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '2000' },
    variants: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    breaks: { type: 'string', default: '2' },
    json: { type: 'boolean' },
  },
});
const PROCESSES = Number(values.processes);
const VARIANTS = Number(values.variants);
const RUNS = Number(values.runs);
const BREAKS = Number(values.breaks);
// The shape of one process: 10 steps of 50 lines and 5 groups (3 alternatives) each = 500
// lines and 50 groups; 2 cost items per step, 1 additional cost; 5 suppliers per variant.
const STEPS = 10;
const LINES_PER_STEP = 50;
const GROUPS_PER_STEP = 5;
const ALTERNATIVES = 3;
const SUPPLIERS = 5;

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 1_800_000);
const log = (m) => process.stderr.write(`${m}\n`);
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);

const server = await startServer({ run, mustRun }, { prefix: 'mtc-costing-pg-', extraSettings: ['shared_buffers=512MB'] });
log(`server: ${server.description}`);
const url = new URL(server.adminUrl);
url.pathname = '/mtc_costing';
const psql = (text) => mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-c', text]).trim();
mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-d', server.adminUrl, '-c', 'DROP DATABASE IF EXISTS mtc_costing', '-c', 'CREATE DATABASE mtc_costing']);

const { openDatabase } = await src('db/open.ts');
const { loadMigrations } = await src('schema/migrations/source.ts');
const { planMigrations } = await src('schema/migrations/plan.ts');
const { migrate } = await src('schema/migrations/migrate.ts');
const { splitStatements } = await src('schema/lint/index.ts');
const { costProcess, costProcesses } = await src('app/costing/costing.ts');

const db = await openDatabase(url.toString());
const migrated = await migrate(db, planMigrations(await loadMigrations(join(repo, 'migrations'))), { splitStatements });
if (migrated.failure) throw new Error(`migrate failed: ${migrated.failure.message}`);

log(
  `loading ${PROCESSES} processes × (${STEPS * LINES_PER_STEP} lines + ${STEPS * GROUPS_PER_STEP} groups × ${ALTERNATIVES}) over ${VARIANTS} variants × ${SUPPLIERS} suppliers`,
);
const t0 = performance.now();
// Ids start at 1 in the fresh database; variant picks are spread by multiplying with primes.
psql(`
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) VALUES ('One size');
INSERT INTO public.item_master (name) SELECT 'Item ' || g FROM generate_series(1, ${VARIANTS}) g;
INSERT INTO public.item_variant (item_id, color_id, size_id) SELECT item_id, 1, 1 FROM public.item_master ORDER BY item_id;
INSERT INTO public.suppliers (firm_name) SELECT 'Supplier ' || s FROM generate_series(1, ${SUPPLIERS}) s;
INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, effective_from)
  SELECT s, v.variant_id, (100 + (v.variant_id::bigint * 37 + s * 101) % 9900) / 100.0, 'INR', CURRENT_DATE - 365
    FROM public.item_variant v CROSS JOIN generate_series(1, ${SUPPLIERS}) s;
INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit)
  SELECT r.id, 2 * b, round(r.cost_per_unit * (1 - b / 100.0), 2) FROM public.variant_supplier_pricing r CROSS JOIN generate_series(1, ${BREAKS}) b;
INSERT INTO public.subprocesses (name) SELECT 'Step ' || s FROM generate_series(1, ${STEPS}) s;
INSERT INTO public.processes (name, status, sales_price) SELECT 'Process ' || g, 'active', 250000 FROM generate_series(1, ${PROCESSES}) g;
INSERT INTO public.process_subprocesses (process_id, subprocess_id, sequence_order)
  SELECT p.id, s, s FROM public.processes p CROSS JOIN generate_series(1, ${STEPS}) s ORDER BY p.id, s;
INSERT INTO public.substitute_groups (process_subprocess_id, group_name)
  SELECT ps.id, 'Group ' || g FROM public.process_subprocesses ps CROSS JOIN generate_series(1, ${GROUPS_PER_STEP}) g ORDER BY ps.id, g;
INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity)
  SELECT ps.id, 1 + (ps.id::bigint * 7919 + l * 104729) % ${VARIANTS}, 1 + (l % 7) * 0.25
    FROM public.process_subprocesses ps CROSS JOIN generate_series(1, ${LINES_PER_STEP}) l ORDER BY ps.id, l;
INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity, substitute_group_id)
  SELECT g.process_subprocess_id, 1 + (g.id::bigint * 15485863 + a * 32452843) % ${VARIANTS}, a * 0.5, g.id
    FROM public.substitute_groups g CROSS JOIN generate_series(1, ${ALTERNATIVES}) a ORDER BY g.id, a;
INSERT INTO public.cost_items (process_subprocess_id, cost_type, quantity, rate)
  SELECT ps.id, t, 1.5, 120 FROM public.process_subprocesses ps CROSS JOIN unnest(ARRAY['labour', 'overhead']) t;
INSERT INTO public.additional_costs (process_id, cost_type, amount) SELECT id, 'other', 250 FROM public.processes;`);
psql('VACUUM (FREEZE, ANALYZE)');
const loadS = (performance.now() - t0) / 1000;
const count = (table) => Number(psql(`SELECT count(*) FROM public.${table}`));
const rows = Object.fromEntries(
  ['processes', 'process_subprocesses', 'substitute_groups', 'variant_usage', 'cost_items', 'variant_supplier_pricing', 'variant_supplier_price_breaks'].map(
    (t) => [t, count(t)],
  ),
);
log(`loaded in ${loadS.toFixed(1)} s: ${JSON.stringify(rows)}`);

const ids = (await db.query('SELECT id FROM public.processes ORDER BY id')).rows.map((r) => r.id);
/** Wall time and the database cluster's CPU time of one call. */
const time = async (fn) => {
  const cpu = server.cpuMs();
  const s = performance.now();
  const value = await fn();
  return { ms: performance.now() - s, cpuMs: server.cpuMs() - cpu, value };
};
/** The floor: one scan of the rows costing reads, every line and alternative of the processes joined to every rate of its variant. */
const FLOOR = `SELECT count(*), sum(vu.quantity * r.cost_per_unit)::text AS s
  FROM public.process_subprocesses ps
  JOIN public.variant_usage vu ON vu.process_subprocess_id = ps.id
  JOIN public.variant_supplier_pricing r ON r.variant_id = vu.variant_id
 WHERE ps.process_id = ANY($1::int[])`;
const floorRows = async (some) => Number((await db.query(FLOOR, [some])).rows[0].count);

// Untimed warm-up: every table and index in shared buffers, plans cached by nothing (no prepared statements).
await costProcesses(db, ids);
await db.query(FLOOR, [ids]);

// One process: different processes in turn, median of RUNS × 5.
const one = { cost: [], floor: [], costCpu: [], floorCpu: [] };
for (let i = 0; i < RUNS * 5; i++) {
  const id = ids[(i * 389) % ids.length];
  const c = await time(() => costProcess(db, id));
  if (!c.value || c.value.subprocesses.length !== STEPS) throw new Error(`process ${id}: no cost or wrong shape`);
  one.cost.push(c.ms);
  one.costCpu.push(c.cpuMs);
  const f = await time(() => db.query(FLOOR, [[id]]));
  one.floor.push(f.ms);
  one.floorCpu.push(f.cpuMs);
}
const oneFloorRows = await floorRows([ids[0]]);

// All processes after a rate change: each round raises one rate of a variant used by the
// first process, then recosts everything (one costProcesses call) and checks that the first
// process's worst case moved.
const all = { cost: [], floor: [], costCpu: [], floorCpu: [] };
let before = (await costProcess(db, ids[0])).total.worst;
const usedVariant = (
  await db.query(
    'SELECT vu.variant_id FROM public.variant_usage vu JOIN public.process_subprocesses ps ON ps.id = vu.process_subprocess_id WHERE ps.process_id = $1 AND vu.substitute_group_id IS NULL LIMIT 1',
    [ids[0]],
  )
).rows[0].variant_id;
for (let i = 0; i < RUNS; i++) {
  await db.query(`UPDATE public.variant_supplier_pricing SET cost_per_unit = cost_per_unit + 1000 WHERE variant_id = $1 AND supplier_id = 1`, [usedVariant]);
  await db.query(
    `UPDATE public.variant_supplier_price_breaks SET cost_per_unit = cost_per_unit + 1000
      WHERE rate_id IN (SELECT id FROM public.variant_supplier_pricing WHERE variant_id = $1 AND supplier_id = 1)`,
    [usedVariant],
  );
  const c = await time(() => costProcesses(db, ids));
  if (c.value.size !== ids.length) throw new Error(`costed ${c.value.size} of ${ids.length}`);
  const after = c.value.get(ids[0]).total.worst;
  if (after === before) throw new Error(`rate change not reflected: ${before} → ${after}`);
  before = after;
  all.cost.push(c.ms);
  all.costCpu.push(c.cpuMs);
  const f = await time(() => db.query(FLOOR, [ids]));
  all.floor.push(f.ms);
  all.floorCpu.push(f.cpuMs);
}
const allFloorRows = await floorRows(ids);
const sample = await costProcess(db, ids[0]);
await db.close();

const summarise = (m, floorRowCount) => {
  const cost = median(m.cost);
  const floor = median(m.floor);
  return {
    costMs: Math.round(cost * 10) / 10,
    floorMs: Math.round(floor * 10) / 10,
    ratio: Math.round((cost / floor) * 100) / 100,
    costCpuMs: Math.round(median(m.costCpu) * 10) / 10,
    floorCpuMs: Math.round(median(m.floorCpu) * 10) / 10,
    floorRows: floorRowCount,
    costRuns: m.cost.map(Math.round),
    floorRuns: m.floor.map(Math.round),
  };
};
const results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    server: psql('SHOW server_version'),
    cpus: availableParallelism(),
    memGiB: Math.round(totalmem() / 2 ** 30),
    load: loadavg()[0].toFixed(2),
    runs: RUNS,
    loadSeconds: Math.round(loadS),
  },
  shape: {
    processes: PROCESSES,
    variants: VARIANTS,
    suppliersPerVariant: SUPPLIERS,
    breaksPerRate: BREAKS,
    steps: STEPS,
    linesPerProcess: STEPS * LINES_PER_STEP,
    groupsPerProcess: STEPS * GROUPS_PER_STEP,
    alternatives: ALTERNATIVES,
    rows,
  },
  one: summarise(one, oneFloorRows),
  all: summarise(all, allFloorRows),
  sampleTotal: sample.total,
};
writeFileSync(join(work, 'costing-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`\ncase                     cost ms   floor ms   cost/floor   floor rows   cost CPU ms   floor CPU ms`);
  for (const [name, r] of [
    ['one process', results.one],
    [`all ${PROCESSES} after a rate change`, results.all],
  ]) {
    console.log(
      `${name.padEnd(24)} ${String(r.costMs).padStart(8)}  ${String(r.floorMs).padStart(9)}  ${String(r.ratio).padStart(11)}  ${String(r.floorRows).padStart(11)}  ${String(r.costCpuMs).padStart(12)}  ${String(r.floorCpuMs).padStart(13)}`,
    );
  }
  console.log(
    `median of ${RUNS * 5} (one) and ${RUNS} (all) runs; ${BREAKS} breaks a rate; ${results.meta.cpus} CPUs, load ${results.meta.load}; PostgreSQL ${results.meta.server}`,
  );
}
process.exit(0);
