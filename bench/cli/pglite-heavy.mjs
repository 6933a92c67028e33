// Whether `mtc serve` on the embedded database should keep V8's optimising compiler for PGlite
// (src/db/wasm.ts): heavy queries on PGlite with V8's default WebAssembly tiering against
// Liftoff only (MTC_WASM_OPTIMISE=0), in rotation, each a whole process of its own:
// PGlite in memory, 300,000 rows of 32 characters loaded, then --queries rounds of a sort of
// every row and a grouping with ordered aggregates (the shape of a report or a costing over a
// big table). Reported: the load, and the median of the last half of the rounds (the steady
// state, after V8 has recompiled what it will), medians over --runs.
//
//   node bench/cli/pglite-heavy.mjs [--runs N] [--queries N] [--json]
import '../lib/node24.mjs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { median } from '../lib/harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => Number(args[args.indexOf(name) + 1] ?? 0) || fallback;
const runs = option('--runs', 5);
const queries = option('--queries', 10);
const json = args.includes('--json');

if (process.env.PGLITE_HEAVY_CHILD) {
  const { compileWasmQuickly } = await import('../../src/db/wasm.ts');
  compileWasmQuickly();
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const t0 = performance.now();
  await db.exec('CREATE TABLE t AS SELECT g, md5(g::text) AS s FROM generate_series(1, 300000) g');
  const load = performance.now() - t0;
  const rounds = [];
  for (let i = 0; i < queries; i++) {
    const a = performance.now();
    await db.query('SELECT count(*), sum(length(s)), max(s) FROM (SELECT s FROM t ORDER BY s) x');
    await db.query("SELECT g % 1000 AS k, count(*), string_agg(s, ',' ORDER BY s) FROM t GROUP BY 1 ORDER BY 1 LIMIT 5");
    rounds.push(performance.now() - a);
  }
  await db.close();
  process.stdout.write(`${JSON.stringify({ load, steady: median(rounds.slice(Math.floor(queries / 2))) })}\n`);
  process.exit(0);
}

const modes = { 'V8 default (what mtc serve keeps)': { MTC_WASM_OPTIMISE: '1' }, 'Liftoff only (MTC_WASM_OPTIMISE=0)': { MTC_WASM_OPTIMISE: '0' } };
const results = Object.fromEntries(Object.keys(modes).map((m) => [m, { load: [], steady: [] }]));
const before = loadavg()[0];
for (let r = 0; r < runs; r++) {
  for (const [mode, extra] of Object.entries(modes)) {
    const out = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--queries', String(queries)], {
      env: { ...process.env, ...extra, PGLITE_HEAVY_CHILD: '1' },
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(`${mode} failed:\n${out.stderr}`);
    const { load, steady } = JSON.parse(out.stdout);
    results[mode].load.push(load);
    results[mode].steady.push(steady);
  }
}
const summary = Object.entries(results).map(([mode, r]) => ({ mode, loadMs: Math.round(median(r.load)), steadyMs: Math.round(median(r.steady)) }));
const base = summary[0].steadyMs;
for (const s of summary) s.ratio = Number((s.steadyMs / base).toFixed(2));
const load = `${before.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`;
if (json) process.stdout.write(`${JSON.stringify({ runs, queries, load, summary }, null, 2)}\n`);
else {
  console.log(`PGlite heavy queries, ${runs} runs of ${queries} rounds, load average ${load}`);
  console.log('mode                                   load 300k rows (ms)  steady round (ms)  / default');
  for (const s of summary)
    console.log(`${s.mode.padEnd(38)} ${String(s.loadMs).padStart(19)}  ${String(s.steadyMs).padStart(17)}  ${s.ratio.toFixed(2).padStart(9)}`);
}
