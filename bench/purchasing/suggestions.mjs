// bench/purchasing/suggestions: reading the reorder suggestions (src/app/purchasing/suggestions.ts,
// reorderSuggestions) over many variants, the statement as it is now (lead times, lots split at
// each rate's lead time, minimum order then packs, the price at the break reached) side by side
// with the statement it replaced (every open lot counted, one lateral rate probe per variant
// short, max(shortfall, minimum)), the latter read from git (the merge base with main, or
// --before REF) into bench/.work so both run on one database in one run.
// The data: --variants variants (threshold 10, stock variant % 20), each sold by two of three
// suppliers (lead times 0, 7 and 21 days; every other rate with a lead time of its own of 14
// days, packs of 1, 6 or 12, minimums of 1 or 25; one rate of each variant with breaks from 50
// and from 200); 200 active processes of 10 lines each and 1,000 lots in planning of 1 to 20
// units, a fifth with no planned start, the others spread over the next 60 days.
// Usage: node bench/purchasing/suggestions.mjs [--backend postgres|pglite|both] [--variants N] [--runs N] [--before REF] [--json]
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { execFileSync } from 'node:child_process';
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
    variants: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    before: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const VARIANTS = Number(values.variants);
const RUNS = Number(values.runs);
const BACKENDS = values.backend === 'both' ? ['postgres', 'pglite'] : [values.backend];
if (!BACKENDS.every((b) => b === 'postgres' || b === 'pglite')) throw new Error(`--backend must be postgres, pglite or both, not ${values.backend}`);
if (!(VARIANTS >= 2000)) throw new Error('--variants must be 2,000 or more (200 processes of 10 lines)');

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 600_000);
const log = (m) => process.stderr.write(`${m}\n`);

// The statement before: its file from git, its relative imports pointed at src/ as it is.
const beforeRef = values.before ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { cwd: repo, encoding: 'utf8' }).trim();
const beforeSource = execFileSync('git', ['show', `${beforeRef}:src/app/purchasing/suggestions.ts`], { cwd: repo, encoding: 'utf8' }).replace(
  /from '(\.\.?\/[^']+)'/g,
  (_, rel) => `from '${pathToFileURL(join(repo, 'src', 'app', 'purchasing', rel)).href}'`,
);
const beforeFile = join(work, 'suggestions-before.ts');
writeFileSync(beforeFile, beforeSource);
const before = await import(pathToFileURL(beforeFile).href);
const after = await import(pathToFileURL(join(repo, 'src', 'app', 'purchasing', 'suggestions.ts')).href);

const LOAD = `
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) VALUES ('One');
INSERT INTO public.item_master (name, category) SELECT 'Item ' || g, 'Parts' FROM generate_series(1, ${VARIANTS}) g;
INSERT INTO public.item_variant (item_id, color_id, size_id, reorder_threshold, stock)
  SELECT item_id, 1, 1, 10, item_id % 20 FROM public.item_master ORDER BY item_id;
INSERT INTO public.suppliers (firm_name, lead_time_days) VALUES ('Supplier 1', 0), ('Supplier 2', 7), ('Supplier 3', 21);
INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, minimum_order_quantity, pack_size, lead_time_days, effective_from)
  SELECT (variant_id + k) % 3 + 1, variant_id, 1 + ((variant_id * (k + 3)) % 997) / 100.0, 'INR',
         CASE WHEN variant_id % 2 = 0 THEN 25 ELSE 1 END, (ARRAY[1, 6, 12])[(variant_id + k) % 3 + 1],
         CASE WHEN k = 1 THEN 14 END, '2020-01-01'
    FROM public.item_variant, generate_series(0, 1) k;
INSERT INTO public.variant_supplier_price_breaks (rate_id, min_quantity, cost_per_unit)
  SELECT id, m, round(cost_per_unit * f, 2) FROM public.variant_supplier_pricing, (VALUES (50, 0.9), (200, 0.8)) b(m, f)
   WHERE (id + variant_id) % 2 = 0;
INSERT INTO public.subprocesses (name) VALUES ('Step');
INSERT INTO public.processes (name, status) SELECT 'Process ' || g, 'active' FROM generate_series(1, 200) g;
INSERT INTO public.process_subprocesses (process_id, subprocess_id, sequence_order) SELECT id, 1, 1 FROM public.processes;
INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity)
  SELECT ps.id, ((ps.process_id * 97 + j * ${Math.floor(VARIANTS / 10)}) % ${VARIANTS}) + 1, 1 + j % 3
    FROM public.process_subprocesses ps, generate_series(0, 9) j;
INSERT INTO public.production_lots (process_id, quantity, status, planned_start)
  SELECT g % 200 + 1, g % 20 + 1, 'planning', CASE WHEN g % 5 = 0 THEN NULL ELSE CURRENT_DATE + g % 60 END FROM generate_series(1, 1000) g;
ANALYZE;`;

const round = (ms) => Math.round(ms);

async function benchBackend(kind) {
  const { db, description, serverCpu } = await migratedDatabase(kind, {
    name: 'mtc_bench_suggestions',
    runner: { run, mustRun },
    prefix: 'mtc-suggestions-pg-',
  });
  log(`${kind}: ${description}`);
  await db.exec(LOAD);
  const cases = { before: () => before.reorderSuggestions(db), after: () => after.reorderSuggestions(db) };
  const results = {};
  const lines = {};
  for (let r = 0; r <= RUNS; r++) {
    // Alternated, so both see the same machine's load.
    for (const [name, fn] of Object.entries(cases)) {
      const cpu0 = process.cpuUsage();
      const server0 = serverCpu();
      const t0 = performance.now();
      const s = await fn();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000 + (serverCpu() - server0);
      lines[name] = s.suppliers.reduce((n, g) => n + g.lineCount, 0) + s.withoutSupplier.length;
      results[name] ??= { wall: [], cpu: [] };
      if (r > 0) {
        results[name].wall.push(ms);
        results[name].cpu.push(cpuMs);
      }
    }
  }
  const summary = {};
  for (const [name, { wall, cpu }] of Object.entries(results)) {
    summary[name] = { medianMs: round(median(wall)), cpuMs: round(median(cpu)), runs: wall.map(round), lines: lines[name] };
    log(
      `${kind}: ${name}: ${lines[name]} lines in ${summary[name].medianMs} ms wall, ${summary[name].cpuMs} ms CPU (median of ${RUNS}: ${summary[name].runs.join(', ')})`,
    );
  }
  const ratio = Math.round((summary.after.medianMs / summary.before.medianMs) * 100) / 100;
  log(`${kind}: after ÷ before = ${ratio} (wall), ${Math.round((summary.after.cpuMs / summary.before.cpuMs) * 100) / 100} (CPU)`);
  const server = (await db.query('SHOW server_version')).rows[0].server_version;
  await db.close();
  return { backend: kind, server, description, results: summary, ratio };
}

const results = {
  variants: VARIANTS,
  runs: RUNS,
  before: beforeRef,
  node: process.version,
  cpus: availableParallelism(),
  loadBefore: loadavg().map((x) => Math.round(x * 10) / 10),
  backends: [],
};
for (const b of BACKENDS) results.backends.push(await benchBackend(b));
results.loadAfter = loadavg().map((x) => Math.round(x * 10) / 10);
log(`load ${results.loadBefore.join(' ')} before, ${results.loadAfter.join(' ')} after`);
writeFileSync(join(work, 'suggestions-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
