// bench/ledger: a back-dated receipt under 100,000 later entries of one variant (issue 22,
// point 3), through the app layer (postStock with `at`: src/app/items/back-dating.ts and
// migration 0039's ledger_replay), beside the floors, in the same run:
// - the floor that writes: one UPDATE rewriting the value of the same later rows (the ledger
//   totals' trigger runs for it as for the replay's);
// - the floor that reads: one SELECT reading the same rows in the ledger's order (the running
//   stock, a window over (created_at, id)).
// The variant M: a receipt of 60,000 (100 days ago), then 100,000 entries a minute apart, in
// tens: 3 receipts of 10 (at costs that vary), 5 issues of 5, 2 consumptions of 5 by completed
// lots (20,000 lots, each making 2 of one of 10 finished variants, one of which is issued after
// it): the replay values M's 100,000 rows again, costs the 20,000 lots again and replays the 10
// finished variants (40,000 rows). Also timed: ledger_replay of M alone (the one pass over the
// same rows, without the lots). Each case is run in a transaction rolled back, so each run
// starts from the same ledger; the first back-dated receipt (committed) values the loaded rows.
// On a PostgreSQL server (a throwaway cluster, or BENCH_DATABASE_URL: a database
// mtc_bench_ledger is made on it) and on PGlite (in memory), one after the other.
// Usage: node bench/ledger/run.mjs [--backend postgres|pglite|both] [--entries N] [--runs N] [--json]
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, runner, toolEnvironment } from '../lib/harness.mjs';
import { migratedDatabase } from '../purchasing/database.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    entries: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean' },
  },
});
const ENTRIES = Number(values.entries);
const RUNS = Number(values.runs);
const BACKENDS = values.backend === 'both' ? ['postgres', 'pglite'] : [values.backend];
if (!BACKENDS.every((b) => b === 'postgres' || b === 'pglite')) throw new Error(`--backend must be postgres, pglite or both, not ${values.backend}`);
if (ENTRIES % 10 !== 0 || ENTRIES < 10) throw new Error('--entries must be a multiple of 10');
const LOTS = ENTRIES / 5;

const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo, 1_800_000);
const log = (m) => process.stderr.write(`${m}\n`);
const src = (p) => import(pathToFileURL(join(repo, 'src', p)).href);
const { postStock } = await src('app/items/stock.ts');

/**
 * M (variant 1) and the 10 finished variants (2–11); a process; the lots; M's ledger and the
 * finished variants' (outputs and issues), with no values yet: the first back-dated receipt
 * values them all. T0 is 100 days ago; entry k (1..ENTRIES) is at T0 + k minutes. The ledger
 * totals' insert trigger is off while they are loaded, and they are summed once after (its
 * check of the lots new to a variant, planned on an empty ledger, walked it once per lot).
 */
const LOAD = `
INSERT INTO public.color_master (color_name) VALUES ('Natural');
INSERT INTO public.size_master (size_name) VALUES ('One');
INSERT INTO public.item_master (name) SELECT CASE WHEN g = 1 THEN 'Tube' ELSE 'Frame ' || g END FROM generate_series(1, 11) g;
INSERT INTO public.item_variant (item_id, color_id, size_id) SELECT item_id, 1, 1 FROM public.item_master ORDER BY item_id;
INSERT INTO public.processes (name, output_variant_id, output_quantity) VALUES ('Weld frame', 2, 2);
CREATE TEMPORARY TABLE bench_t0 AS SELECT date_trunc('day', now()) - interval '100 days' AS t0;
CREATE TEMPORARY TABLE bench_rows AS
  SELECT k, k % 10 AS kind, CASE WHEN k % 10 IN (8, 9) THEN (k / 10) * 2 + (k % 10) - 7 END AS lot
    FROM generate_series(1, ${ENTRIES}) k;
INSERT INTO public.production_lots (id, lot_number, process_id, quantity, status, worst_case_estimated_cost, actual_cost, cost_variance, actual, output_quantity, output_unit_cost, completed_at)
  SELECT r.lot, 'LOT-' || r.lot, 1, 1, 'completed', 100, 0, -100,
         '{"valuation": {"materials": "0", "conversion": "10", "total": "0.00", "complete": true, "uncosted": []}}'::jsonb, 2, 0, now()
    FROM bench_rows r WHERE r.lot IS NOT NULL;
SELECT setval('public.production_lots_id_seq', ${LOTS} + 1);
ALTER TABLE public.inventory_transactions DISABLE TRIGGER inventory_transactions_totals_insert;
INSERT INTO public.inventory_transactions (variant_id, production_lot_id, transaction_type, quantity, unit, unit_cost, created_at)
  SELECT 1, NULL, 'receipt', 60000, 'pcs', 5, t0 FROM bench_t0;
INSERT INTO public.inventory_transactions (variant_id, production_lot_id, transaction_type, quantity, unit, unit_cost, created_at)
  SELECT x.variant_id, x.lot, x.type, x.quantity, 'pcs', x.unit_cost, x.at FROM (
    SELECT 1 AS variant_id, r.lot, CASE WHEN r.kind < 3 THEN 'receipt' WHEN r.kind < 8 THEN 'issue' ELSE 'production' END AS type,
           CASE WHEN r.kind < 3 THEN 10 ELSE -5 END AS quantity, CASE WHEN r.kind < 3 THEN 4 + (r.k % 7) END AS unit_cost,
           t0 + make_interval(mins => r.k) AS at, r.k, 0 AS n
      FROM bench_rows r, bench_t0
    UNION ALL
    SELECT 2 + r.lot % 10, r.lot, 'output', 2, 0, t0 + make_interval(mins => r.k, secs => 1), r.k, 1 FROM bench_rows r, bench_t0 WHERE r.lot IS NOT NULL
    UNION ALL
    SELECT 2 + r.lot % 10, NULL, 'issue', -1, NULL, t0 + make_interval(mins => r.k, secs => 2), r.k, 2 FROM bench_rows r, bench_t0 WHERE r.lot IS NOT NULL
  ) x ORDER BY x.k, x.n;
ALTER TABLE public.inventory_transactions ENABLE TRIGGER inventory_transactions_totals_insert;
SELECT public.ledger_totals_recount(array(SELECT generate_series(1, 11)));
DROP TABLE bench_rows;`;

let serverCpu = () => 0;
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Runs `fn` in a transaction that is rolled back, timing `measured` (wall and CPU: this process and the server's). */
async function rolledBack(db, prepare, measured) {
  let t;
  await db
    .transaction(async (tx) => {
      const ready = await prepare(tx);
      const server0 = serverCpu();
      const client0 = cpuNow();
      const s = performance.now();
      const value = await measured(tx, ready);
      t = { ms: performance.now() - s, cpu: cpuNow() - client0 + serverCpu() - server0, value };
      throw new RolledBack();
    })
    .catch((e) => {
      if (!(e instanceof RolledBack)) throw e;
    });
  return t;
}
class RolledBack extends Error {}

const results = {
  meta: { entries: ENTRIES, lots: LOTS, runs: RUNS, cpus: availableParallelism(), loadBefore: loadavg().map((x) => x.toFixed(2)) },
  backends: {},
};
for (const kind of BACKENDS) {
  log(`\n== ${kind}`);
  const opened = await migratedDatabase(kind, { name: 'mtc_bench_ledger', runner: { run, mustRun }, prefix: 'mtc-bench-ledger-' });
  const { db } = opened;
  serverCpu = opened.serverCpu;
  let s = performance.now();
  for (const statement of LOAD.split(';\n').filter((x) => x.trim())) await db.query(statement);
  await db.query('ANALYZE public.inventory_transactions');
  const t0 = (await db.query(`SELECT to_char(date_trunc('day', now()) - interval '100 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS t0`)).rows[0].t0;
  const at = (secs) => new Date(Date.parse(t0) + secs * 1000).toISOString();
  log(`loaded ${ENTRIES} entries of M, ${LOTS} lots, ${LOTS * 2} rows of finished goods in ${Math.round(performance.now() - s)} ms (${opened.description})`);
  // The first back-dated receipt values everything loaded (committed).
  s = performance.now();
  await db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM public.item_variant WHERE variant_id = 1 FOR UPDATE');
    await postStock(tx, [{ variantId: 1, type: 'receipt', quantity: '100', unitCost: '6', at: at(20), notes: 'bench: settles the load', createdBy: null }]);
  });
  const settled = (
    await db.query(
      `SELECT trim_scale(v.stock)::text AS stock, trim_scale(v.stock_value)::text AS value, (SELECT count(*)::int FROM public.inventory_transactions t WHERE t.variant_id = 1) AS rows
         FROM public.item_variant v WHERE v.variant_id = 1`,
    )
  ).rows[0];
  log(`settled (first replay, committed) in ${Math.round(performance.now() - s)} ms: M ${settled.stock} for ${settled.value}, ${settled.rows} rows`);

  const later = `variant_id = 1 AND created_at > '${at(10)}'::timestamptz`;
  const cases = {
    // the app: a receipt of 100 @ 9 placed 10 s after T0, before all 100,000 entries
    app: () =>
      rolledBack(
        db,
        async (tx) => tx.query('SELECT 1 FROM public.item_variant WHERE variant_id = 1 FOR UPDATE'),
        (tx) =>
          postStock(tx, [{ variantId: 1, type: 'receipt', quantity: '100', unitCost: '9', at: at(10), notes: 'bench', createdBy: null }], { answer: false }),
      ),
    // the one pass alone: the row inserted first (not timed), then ledger_replay of M from it
    replayAlone: () =>
      rolledBack(
        db,
        async (tx) =>
          (
            await tx.query(
              `INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, created_at) VALUES (1, 'receipt', 100, 'pcs', 9, $1) RETURNING id::text AS id`,
              [at(10)],
            )
          ).rows[0].id,
        async (tx, id) => (await tx.query('SELECT rows_read, rows_changed FROM public.ledger_replay(1, $1::timestamptz, $2, false)', [at(10), id])).rows[0],
      ),
    update: () =>
      rolledBack(
        db,
        async () => null,
        async (tx) => (await tx.query(`UPDATE public.inventory_transactions SET value = value WHERE ${later}`)).rowCount,
      ),
    select: () =>
      rolledBack(
        db,
        async () => null,
        async (tx) =>
          (
            await tx.query(
              `SELECT count(*)::int AS n, min(s)::text AS low FROM (SELECT sum(quantity) OVER (ORDER BY created_at, id) AS s FROM public.inventory_transactions WHERE ${later}) x`,
            )
          ).rows[0],
      ),
  };
  const m = Object.fromEntries(Object.keys(cases).map((k) => [k, { ms: [], cpu: [], value: null }]));
  for (let r = 0; r < RUNS; r++) {
    for (const [name, fn] of Object.entries(cases)) {
      const t = await fn();
      m[name].ms.push(t.ms);
      m[name].cpu.push(t.cpu);
      m[name].value = t.value;
    }
    log(
      `run ${r + 1}: ${Object.entries(m)
        .map(([k, v]) => `${k} ${Math.round(v.ms.at(-1))} ms`)
        .join(', ')}`,
    );
  }
  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ms: Math.round(median(v.ms)), cpuMs: Math.round(median(v.cpu)), value: v.value }]));
  const ratio = (a, b) => Number((a / b).toFixed(2));
  results.backends[kind] = {
    description: opened.description,
    ...med,
    ratios: {
      appOverUpdate: ratio(med.app.ms, med.update.ms),
      appOverUpdateCpu: ratio(med.app.cpuMs, med.update.cpuMs),
      appOverSelect: ratio(med.app.ms, med.select.ms),
      replayAloneOverUpdate: ratio(med.replayAlone.ms, med.update.ms),
      replayAloneOverUpdateCpu: ratio(med.replayAlone.cpuMs, med.update.cpuMs),
    },
  };
  await db.close();
}
results.meta.loadAfter = loadavg().map((x) => x.toFixed(2));
writeFileSync(join(work, 'ledger-results.json'), JSON.stringify(results, null, 2));
if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log('\nbackend   case                                        ms   cpu ms');
  for (const [kind, r] of Object.entries(results.backends)) {
    for (const [name, label] of [
      ['app', 'back-dated receipt (postStock, lots, outputs)'],
      ['replayAlone', 'ledger_replay of M alone (one pass)'],
      ['update', 'floor: one UPDATE of the later rows'],
      ['select', 'floor: one SELECT of them in order'],
    ])
      console.log(`${kind.padEnd(9)} ${label.padEnd(44)} ${String(r[name].ms).padStart(6)}  ${String(r[name].cpuMs).padStart(6)}`);
    console.log(`${kind.padEnd(9)} ratios ${JSON.stringify(r.ratios)}`);
  }
  console.log(
    `medians of ${RUNS} runs; ${ENTRIES} later entries, ${LOTS} lots; ${results.meta.cpus} CPUs, load ${results.meta.loadBefore.join(' ')} → ${results.meta.loadAfter.join(' ')}`,
  );
}
