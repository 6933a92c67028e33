// bench/what-if: the what-if of rate changes (src/app/costing/what-if.ts) on a throwaway
// PostgreSQL: N processes of 100 lines over a pool of variants with 5 suppliers each (100,000
// rates by default), every process also using one common variant. Two cases: one change of the
// common variant's dearest rate (every process moves), and the most a request takes (100
// changes of random variants). Each beside its floor in the same run: the two costings of the
// same processes the what-if has to make (costProcesses twice), so the ratio is what the
// what-if adds (the writes, the savepoint, finding the written variants, the rollback).
// Wall time and the cluster's CPU time (server side) per case; the load average is printed.
// Usage: node bench/what-if/run.mjs [--processes N] [--variants N] [--runs N] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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
    processes: { type: 'string', default: '500' },
    variants: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '7' },
    json: { type: 'boolean' },
  },
});
const PROCESSES = Number(values.processes);
const VARIANTS = Number(values.variants);
const RUNS = Number(values.runs);
const LINES = 100;
const SUPPLIERS = 5;

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 1_800_000);
const log = (m) => process.stderr.write(`${m}\n`);
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);

const server = await startServer({ run, mustRun }, { prefix: 'mtc-what-if-pg-', extraSettings: ['shared_buffers=256MB'] });
log(`server: ${server.description}`);
const url = new URL(server.adminUrl);
url.pathname = '/mtc_what_if';
const psql = (text) => mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-c', text]).trim();
mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-d', server.adminUrl, '-c', 'DROP DATABASE IF EXISTS mtc_what_if', '-c', 'CREATE DATABASE mtc_what_if']);

const { openDatabase } = await src('db/open.ts');
const { loadMigrations } = await src('schema/migrations/source.ts');
const { planMigrations } = await src('schema/migrations/plan.ts');
const { migrate } = await src('schema/migrations/migrate.ts');
const { splitStatements } = await src('schema/lint/index.ts');
const { costProcesses } = await src('app/costing/costing.ts');
const { rateWhatIf, MAX_PROPOSALS } = await src('app/costing/what-if.ts');
const { CLI_ACTOR } = await src('app/audit/actor.ts');

const db = await openDatabase(url.toString());
const migrated = await migrate(db, planMigrations(await loadMigrations(join(repo, 'migrations'))), { splitStatements });
if (migrated.failure) throw new Error(`migrate failed: ${migrated.failure.message}`);

log(`loading ${PROCESSES} processes × ${LINES} lines over ${VARIANTS} variants × ${SUPPLIERS} suppliers`);
psql(`
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) VALUES ('One size');
INSERT INTO public.item_master (name) SELECT 'Item ' || g FROM generate_series(1, ${VARIANTS}) g;
INSERT INTO public.item_variant (item_id, color_id, size_id) SELECT item_id, 1, 1 FROM public.item_master ORDER BY item_id;
INSERT INTO public.suppliers (firm_name) SELECT 'Supplier ' || s FROM generate_series(1, ${SUPPLIERS}) s;
INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, effective_from)
  SELECT s, v.variant_id, (100 + (v.variant_id::bigint * 37 + s * 101) % 9900) / 100.0, 'INR', CURRENT_DATE - 365
    FROM public.item_variant v CROSS JOIN generate_series(1, ${SUPPLIERS}) s;
INSERT INTO public.subprocesses (name) VALUES ('Make');
INSERT INTO public.processes (name, status, sales_price, lot_size) SELECT 'Process ' || g, 'active', 25000, 10 FROM generate_series(1, ${PROCESSES}) g;
INSERT INTO public.process_subprocesses (process_id, subprocess_id, sequence_order) SELECT id, 1, 1 FROM public.processes ORDER BY id;
INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity)
  SELECT ps.id, 2 + (ps.id::bigint * 7919 + l * 104729) % (${VARIANTS} - 1), 1 + (l % 7) * 0.25
    FROM public.process_subprocesses ps CROSS JOIN generate_series(1, ${LINES - 1}) l ORDER BY ps.id, l;
-- The common variant (1): in every process.
INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity) SELECT id, 1, 2 FROM public.process_subprocesses;
INSERT INTO public.cost_items (process_subprocess_id, cost_type, quantity, rate) SELECT id, 'labour', 1, 500 FROM public.process_subprocesses;`);
psql('VACUUM (FREEZE, ANALYZE)');
const rates = Number(psql('SELECT count(*) FROM public.variant_supplier_pricing'));

const ids = (await db.query('SELECT id FROM public.processes ORDER BY id')).rows.map((r) => r.id);
const dearest = (
  await db.query('SELECT id, cost_per_unit::text AS cost FROM public.variant_supplier_pricing WHERE variant_id = 1 ORDER BY cost_per_unit DESC LIMIT 1')
).rows[0];
/** Processes using any of `variants`, as the what-if finds them. */
const using = async (variants) =>
  (
    await db.query(
      'SELECT DISTINCT ps.process_id AS id FROM public.variant_usage vu JOIN public.process_subprocesses ps ON ps.id = vu.process_subprocess_id WHERE vu.variant_id = ANY($1::int[]) ORDER BY 1',
      [variants],
    )
  ).rows.map((r) => r.id);

const measure = async (fn) => {
  const cpu0 = server.cpuMs?.() ?? 0;
  const s = performance.now();
  const value = await fn();
  return { ms: performance.now() - s, cpuMs: (server.cpuMs?.() ?? 0) - cpu0, value };
};

const cases = {};
const one = [{ rateId: dearest.id, costPerUnit: (Number(dearest.cost) + 50).toFixed(2) }];
const randomRates = (round) =>
  db
    .query(
      `SELECT DISTINCT ON (variant_id) id, cost_per_unit::text AS cost FROM public.variant_supplier_pricing
        WHERE variant_id IN (SELECT 2 + (g * 7919 + $1::int * 104729) % (${VARIANTS} - 1) FROM generate_series(1, ${MAX_PROPOSALS}) g) ORDER BY variant_id, id LIMIT ${MAX_PROPOSALS}`,
      [round],
    )
    .then((r) => r.rows.map((x) => ({ rateId: x.id, costPerUnit: (Number(x.cost) + 5).toFixed(2) })));

// Warm-up, untimed.
await rateWhatIf(db, one, CLI_ACTOR);
await costProcesses(db, ids);

for (const [name, proposals] of [
  ['one change, every process moves', async () => one],
  [`${MAX_PROPOSALS} changes of random variants`, randomRates],
]) {
  const m = { whatIf: [], floor: [], whatIfCpu: [], floorCpu: [], processes: 0, moved: 0 };
  for (let i = 0; i < RUNS; i++) {
    const changes = await proposals(i);
    const variants = (
      await db.query('SELECT DISTINCT variant_id FROM public.variant_supplier_pricing WHERE id = ANY($1::int[])', [changes.map((c) => c.rateId)])
    ).rows.map((r) => r.variant_id);
    const costed = await using(variants);
    const w = await measure(() => rateWhatIf(db, changes, CLI_ACTOR));
    // The same day as the what-if's (it costs on a day given as a value, today here).
    const f = await measure(async () => {
      await costProcesses(db, costed, { at: w.value.asOf });
      await costProcesses(db, costed, { at: w.value.asOf });
    });
    if (w.value.processesCosted !== costed.length) throw new Error(`the what-if costed ${w.value.processesCosted}, expected ${costed.length}`);
    m.whatIf.push(w.ms);
    m.whatIfCpu.push(w.cpuMs);
    m.floor.push(f.ms);
    m.floorCpu.push(f.cpuMs);
    m.processes = costed.length;
    m.moved = w.value.processes.length;
  }
  const r1 = (x) => Math.round(x * 10) / 10;
  cases[name] = {
    processesCosted: m.processes,
    moved: m.moved,
    whatIfMs: r1(median(m.whatIf)),
    floorMs: r1(median(m.floor)),
    ratio: Math.round((median(m.whatIf) / median(m.floor)) * 100) / 100,
    whatIfServerCpuMs: r1(median(m.whatIfCpu)),
    floorServerCpuMs: r1(median(m.floorCpu)),
    whatIfRuns: m.whatIf.map(Math.round),
    floorRuns: m.floor.map(Math.round),
  };
}
// Nothing of any what-if stays.
if ((await db.query('SELECT cost_per_unit::text AS c FROM public.variant_supplier_pricing WHERE id = $1', [dearest.id])).rows[0].c !== dearest.cost)
  throw new Error('a what-if left a change behind');
await db.close();

const results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    server: psql('SHOW server_version'),
    cpus: availableParallelism(),
    load: loadavg().map((x) => x.toFixed(2)),
    runs: RUNS,
  },
  shape: { processes: PROCESSES, linesPerProcess: LINES, variants: VARIANTS, rates },
  cases,
};
writeFileSync(join(work, 'what-if-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`\ncase                                  processes  what-if ms  floor ms  ratio  what-if CPU ms  floor CPU ms`);
  for (const [name, r] of Object.entries(cases))
    console.log(
      `${name.padEnd(38)} ${String(r.processesCosted).padStart(9)} ${String(r.whatIfMs).padStart(11)} ${String(r.floorMs).padStart(9)} ${String(r.ratio).padStart(6)} ${String(r.whatIfServerCpuMs).padStart(15)} ${String(r.floorServerCpuMs).padStart(13)}`,
    );
  console.log(`median of ${RUNS} runs; ${rates} rates; ${results.meta.cpus} CPUs, load ${results.meta.load.join(' ')}; PostgreSQL ${results.meta.server}`);
}
process.exit(0);
