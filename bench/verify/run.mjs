#!/usr/bin/env node
// How `mtc verify` scales with schema size, side by side with `pg_dump --schema-only`.
//
//   node bench/verify/run.mjs [--runs N] [--sizes 100,1000,5000] [--budget SECONDS] [--phases] [--help]
//
// Env: BENCH_RUNS (default 5), BENCH_DATABASE_URL (use that server instead of a throwaway
// PostgreSQL 15 cluster; needs CREATEDB: databases mtc_verify_<size> are dropped and
// recreated on it), BENCH_MTC_BIN (another mtc entry point than bin/mtc.cjs), BENCH_MTC_BIN_BASE
// (a second build, say main's, copied out of the tree: its verify runs in the same rotation as
// 'verify (base)', for an A/B on a loaded machine).
//
// For each size: one database holding a generated schema (tables with numeric, timestamptz
// and text columns, a primary key, 1-2 indexes, a foreign key to an earlier table, and an
// updated_at trigger on every 10th table sharing one plpgsql function), its snapshot written
// once with `mtc schema dump`, then N rounds, tools in rotation, after one untimed warm-up
// round that also checks each works:
//   pg_dump      pg_dump --schema-only -f /dev/null (the floor: reads the live catalog)
//   mtc verify   mtc verify --snapshot FILE, must exit 0 (the database matches its snapshot);
//                a repeat run, answered from the verification it keeps while the catalog is unchanged
//   verify (full) the same, with that kept verification removed first (untimed): verify as
//                after a change to the catalog (live inspection, the cached snapshot model, compare)
//   mtc dump     mtc schema dump -o /dev/null (the live-database inspection alone, the part
//                of verify comparable to pg_dump; verify also loads the snapshot into PGlite)
// If the warm-up round of a size shows that N rounds would take more than --budget seconds
// (default 600), that size gets fewer rounds, and the report says so.
// Whole-process wall time around a child-process spawn; the median is reported. Next to it, CPU
// time, which other work on the machine inflates far less: the process's user + system time
// (/usr/bin/time) and the server's (the throwaway cluster's processes, ended backends included:
// bench/lib/harness.mjs clusterCpuMs; not measured on BENCH_DATABASE_URL). The ratio against
// pg_dump is reported for both, CPU as process + server.
// --phases: after the rounds of each size, one untimed run of bench/verify/phases.mjs (on
// src/ as it is), which times verify's stages: live inspection, PGlite start, the
// snapshot's load, PGlite inspection, comparison.
//
// Plain Node ESM, no dependencies. Writes bench/.work/verify-results.json.

import '../lib/node24.mjs';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, release, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGBIN, SERVER_SETTINGS, median, runner, startServer, tail, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');

// ---------------------------------------------------------------- arguments
function usage(code) {
  console.log(`usage: node bench/verify/run.mjs [--runs N] [--sizes 100,1000,5000] [--budget SECONDS]
  --runs N        timed rounds per size (default: BENCH_RUNS or 5)
  --sizes LIST    table counts (default 100,1000,5000)
  --budget S      seconds of timed rounds allowed per size; fewer rounds if exceeded (default 600)
  --phases        also time verify's stages once per size (bench/verify/phases.mjs, on src/)
env: BENCH_RUNS, BENCH_DATABASE_URL (an existing server; else a throwaway PostgreSQL 15 cluster),
     BENCH_MTC_BIN (mtc entry point, default bin/mtc.cjs)`);
  process.exit(code);
}
const args = process.argv.slice(2);
let runs = Number(process.env.BENCH_RUNS ?? 5);
let sizes = [100, 1000, 5000];
let budget = 600;
let phases = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
  if (a === '--help' || a === '-h') usage(0);
  else if (a.startsWith('--runs')) runs = Number(val());
  else if (a.startsWith('--sizes')) sizes = val().split(',').map(Number);
  else if (a.startsWith('--budget')) budget = Number(val());
  else if (a === '--phases') phases = true;
  else {
    console.error(`unknown argument: ${a}`);
    usage(2);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}
if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 2)) {
  console.error('--sizes: integers >= 2');
  process.exit(2);
}
if (!(budget > 0)) {
  console.error('--budget must be positive');
  process.exit(2);
}

// ---------------------------------------------------------------- helpers
const log = (...a) => console.log(...a);
const { env: toolEnv, removed: removedEnv } = toolEnvironment();
const { run, mustRun, timed } = runner(toolEnv, repo, 900_000);

// ---------------------------------------------------------------- server
const server = await startServer({ run, mustRun }, { prefix: 'mtc-verify-pg-', extraSettings: ['max_locks_per_transaction=1024'] }).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
const adminUrl = server.adminUrl;
log(`server: ${server.description}`);
const psql = join(PGBIN, 'psql');
const pgDump = join(PGBIN, 'pg_dump');
const serverVersion = mustRun(psql, ['-X', '-At', '-d', adminUrl, '-c', 'show server_version']).trim();
const pgDumpVersion = (mustRun(pgDump, ['--version']).match(/\d+\.\d+/) ?? [''])[0];
const dbUrl = (n) => {
  const u = new URL(adminUrl);
  u.pathname = `/mtc_verify_${n}`;
  return u.toString();
};

// ---------------------------------------------------------------- schema
// Table t_i: identity primary key, a foreign key to an earlier table (i > 1), numeric,
// timestamptz and text columns, an index on the foreign key and on every other table a
// second one; every 10th table a BEFORE UPDATE trigger calling the shared touch function.
function schemaSql(n) {
  const out = [
    `CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;`,
  ];
  const counts = { tables: n, indexes: 0, foreignKeys: 0, triggers: 0, functions: 1 };
  for (let i = 1; i <= n; i++) {
    const t = `t_${i}`;
    const parent = i > 1 ? 1 + ((i * 7919) % (i - 1)) : null; // a deterministic earlier table
    out.push(`CREATE TABLE ${t} (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ${parent ? `parent_id bigint NOT NULL REFERENCES t_${parent} (id) ON DELETE CASCADE,\n  ` : ''}code text NOT NULL,
  label text,
  amount numeric(12,2) NOT NULL DEFAULT 0,
  ratio numeric,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`);
    counts.indexes++; // primary key
    if (parent) {
      counts.foreignKeys++;
      out.push(`CREATE INDEX ${t}_parent_id_idx ON ${t} (parent_id);`);
      counts.indexes++;
    }
    if (i % 2 === 0 || !parent) {
      out.push(`CREATE UNIQUE INDEX ${t}_code_key ON ${t} (code, created_at);`);
      counts.indexes++;
    }
    if (i % 10 === 0) {
      out.push(`CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION touch_updated_at();`);
      counts.triggers++;
    }
  }
  return { sql: `${out.join('\n')}\n`, counts };
}

function createDatabase(n) {
  const db = `mtc_verify_${n}`;
  mustRun(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', adminUrl, '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, '-c', `CREATE DATABASE ${db}`]);
  const { sql, counts } = schemaSql(n);
  const file = join(work, `verify-schema-${n}.sql`);
  writeFileSync(file, sql);
  const t0 = Date.now();
  mustRun(psql, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(n), '-f', file]);
  mustRun(psql, ['-X', '-q', '-d', dbUrl(n), '-c', 'ANALYZE']);
  rmSync(file);
  return { counts, createSeconds: (Date.now() - t0) / 1000 };
}

// ---------------------------------------------------------------- tools
const node = process.execPath;
const mtcBin = process.env.BENCH_MTC_BIN ? resolve(process.env.BENCH_MTC_BIN) : 'bin/mtc.cjs';
const snapshot = (n) => join(work, `verify-snapshot-${n}.sql`);
const baseBin = process.env.BENCH_MTC_BIN_BASE ? resolve(process.env.BENCH_MTC_BIN_BASE) : null;
const TOOLS = ['pg_dump', 'mtc verify', 'verify (full)', 'mtc dump', ...(baseBin ? ['verify (base)'] : [])];
const cmds = {
  pg_dump: (n) => [pgDump, ['--schema-only', '-d', dbUrl(n), '-f', '/dev/null']],
  'mtc verify': (n) => [node, [mtcBin, 'verify', '--database', dbUrl(n), '--snapshot', snapshot(n)]],
  'mtc dump': (n) => [node, [mtcBin, 'schema', 'dump', '--database', dbUrl(n), '-o', '/dev/null']],
  'verify (full)': (n) => [node, [mtcBin, 'verify', '--database', dbUrl(n), '--snapshot', snapshot(n)]],
  'verify (base)': (n) => [node, [baseBin, 'verify', '--database', dbUrl(n), '--snapshot', snapshot(n)]],
};
// 'verify (full)' is verify as after any change to the catalog: without the verification it
// keeps per database (removed before each run, untimed), so it inspects and compares. MTC's
// cache is the benchmark's own, started with the PGlite template of the user's if there is one.
const userCache = join(toolEnv.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtc');
toolEnv.XDG_CACHE_HOME = join(work, 'verify-cache');
const mtcCache = join(toolEnv.XDG_CACHE_HOME, 'mtc');
mkdirSync(mtcCache, { recursive: true });
for (const f of existsSync(userCache) ? readdirSync(userCache) : [])
  if (f.startsWith('pglite-') && !existsSync(join(mtcCache, f))) copyFileSync(join(userCache, f), join(mtcCache, f));
const forgetVerifications = () => {
  for (const f of existsSync(mtcCache) ? readdirSync(mtcCache) : []) if (f.startsWith('verify-')) rmSync(join(mtcCache, f), { force: true });
};
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const timeFile = join(work, `verify-time-${process.pid}.txt`);
function once(tool, n) {
  const [c, a] = cmds[tool](n);
  if (tool === 'verify (full)') forgetVerifications();
  const s0 = server.cpuMs?.();
  const t = gnuTime ? timed(gnuTime, ['-f', '%U %S', '-o', timeFile, c, ...a]) : timed(c, a);
  // the backend of the run's connection has ended and been reaped: its CPU time counts here, not in the next run
  server.clientsGone?.();
  const serverMs = s0 === undefined ? null : server.cpuMs() - s0;
  if (!t.ok) return { err: `${tool} failed (${t.r.error?.message ?? `exit ${t.r.status}`}): ${tail(t.r.stderr || t.r.stdout, 8)}` };
  const [user, system] = gnuTime ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number) : [Number.NaN, Number.NaN];
  return { s: t.s, cpu: gnuTime ? user + system : null, server: serverMs === null ? null : serverMs / 1000 };
}

// ---------------------------------------------------------------- run
mkdirSync(work, { recursive: true });
log(`environment for every process: ${removedEnv.length ? `${removedEnv.join(', ')} unset` : 'nothing unset'}`);
log(
  `PostgreSQL ${serverVersion} (pg_dump ${pgDumpVersion}); node ${process.version}; ${cpus().length} CPUs; sizes ${sizes.join(', ')}; ` +
    `${runs} timed rounds per size after one warm-up round; budget ${budget} s of timed rounds per size`,
);
const loadBefore = loadavg();
if (loadBefore[0] > cpus().length * 0.5) {
  log(
    `WARNING: load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs: other work is running, timings will be inflated and noisy`,
  );
}

const results = {};
for (const n of sizes) {
  const r = { tables: n, runs: 0, reduced: false, tools: {} };
  results[n] = r;
  process.stdout.write(`\n[${n} tables] creating database ... `);
  const db = createDatabase(n);
  Object.assign(r, { counts: db.counts, create_seconds: db.createSeconds });
  log(`${db.createSeconds.toFixed(1)} s (${db.counts.indexes} indexes, ${db.counts.foreignKeys} foreign keys, ${db.counts.triggers} triggers)`);
  const t0 = Date.now();
  const d = run(node, [mtcBin, 'schema', 'dump', '--database', dbUrl(n), '-o', snapshot(n)]);
  if (d.status !== 0) {
    r.failure = `mtc schema dump failed: ${tail(d.stderr || d.stdout)}`;
    log(r.failure);
    continue;
  }
  r.snapshot_bytes = statSync(snapshot(n)).size;
  log(`  snapshot: ${(r.snapshot_bytes / 1024).toFixed(0)} KiB in ${((Date.now() - t0) / 1000).toFixed(2)} s (${snapshot(n)})`);
  const st = Object.fromEntries(TOOLS.map((t) => [t, { samples: [], cpu: [], server: [], failure: null, warmup: null }]));
  // warm-up: untimed (also the first PGlite start, which caches its template in ~/.cache/mtc)
  let live = [];
  const w0 = Date.now();
  for (const t of TOOLS) {
    const o = once(t, n);
    if (o.err) {
      st[t].failure = `warm-up: ${o.err}`;
      log(`  warm-up ${t}: FAILED\n    ${o.err.replace(/\n/g, '\n    ')}`);
    } else {
      st[t].warmup = o.s;
      live.push(t);
      log(`  warm-up ${t}: ok, ${o.s.toFixed(2)} s`);
    }
  }
  const round = (Date.now() - w0) / 1000;
  let k = runs;
  if (round * runs > budget) {
    k = Math.max(1, Math.floor(budget / round));
    r.reduced = true;
    log(`  a round takes ~${round.toFixed(0)} s: ${k} rounds instead of ${runs} (budget ${budget} s)`);
  }
  r.runs = k;
  for (let i = 0; i < k; i++) {
    process.stdout.write(`\r  round ${i + 1}/${k}`);
    const order = live.map((_, j) => live[(j + i) % live.length]);
    for (const t of order) {
      const o = once(t, n);
      if (o.err) {
        st[t].failure = `round ${i + 1}: ${o.err}`;
        log(`\n  ${t} failed in round ${i + 1}: ${o.err}`);
        live = live.filter((x) => x !== t);
      } else {
        st[t].samples.push(o.s);
        st[t].cpu.push(o.cpu);
        st[t].server.push(o.server);
      }
    }
  }
  process.stdout.write('\n');
  for (const t of TOOLS) {
    const s = st[t];
    r.tools[t] = s.failure
      ? { status: 'failed', failure: s.failure }
      : {
          status: 'ok',
          median: median(s.samples),
          min: Math.min(...s.samples),
          max: Math.max(...s.samples),
          warmup: s.warmup,
          samples: s.samples,
          ...(s.cpu.every((x) => x !== null) ? { cpu_median: median(s.cpu), cpu_samples: s.cpu } : {}),
          ...(s.server.every((x) => x !== null) ? { server_median: median(s.server), server_samples: s.server } : {}),
          ...(s.cpu.every((x) => x !== null) && s.server.every((x) => x !== null) ? { total_cpu_median: median(s.cpu.map((c, i) => c + s.server[i])) } : {}),
        };
  }
  if (phases) {
    const p = run(node, [join(here, 'phases.mjs'), '--database', dbUrl(n), '--snapshot', snapshot(n)]);
    r.phases = p.status === 0 ? p.stdout.replace(/\s+$/, '') : `phases.mjs failed (exit ${p.status}): ${tail(p.stderr || p.stdout, 8)}`;
    log(`  verify's stages (one run, on src/):\n    ${r.phases.replace(/\n/g, '\n    ')}`);
  }
  const m = (t) => (r.tools[t].median == null ? 'FAILED' : `${r.tools[t].median.toFixed(3)} s`);
  log(`  medians: ${TOOLS.map((t) => `${t} ${m(t)}`).join(', ')}`);
  const c = (t) => {
    const x = r.tools[t];
    return x.cpu_median == null ? '—' : `${x.cpu_median.toFixed(2)} + ${x.server_median?.toFixed(2) ?? '?'} = ${x.total_cpu_median?.toFixed(2) ?? '?'} s`;
  };
  log(`  CPU (process + server = total, medians): ${TOOLS.map((t) => `${t} ${c(t)}`).join('; ')}`);
}

// ---------------------------------------------------------------- report
const med = (n, t) => results[n]?.tools?.[t]?.median ?? null;
const fmt = (x, d = 3) => (x == null ? '—' : x.toFixed(d));
const ratio = (x, y) => (x == null || y == null ? '—' : (x / y).toFixed(2));
// growth per 10× tables between consecutive sizes: (t2/t1)^(1/log10(n2/n1))
const growth = (i, t) => {
  if (i === 0) return '—';
  const [a, b] = [sizes[i - 1], sizes[i]];
  const [x, y] = [med(a, t), med(b, t)];
  return x == null || y == null ? '—' : `${((y / x) ** (1 / Math.log10(b / a))).toFixed(1)}×`;
};
const rows = [
  ['tables', 'runs', 'pg_dump (s)', 'mtc verify (s)', 'verify/pg_dump', 'mtc dump (s)', 'dump/pg_dump', 'pg_dump /10×', 'verify /10×', 'dump /10×'],
];
sizes.forEach((n, i) => {
  const r = results[n];
  rows.push([
    n.toLocaleString('en-US'),
    `${r.runs}${r.reduced ? '*' : ''}`,
    fmt(med(n, 'pg_dump')),
    fmt(med(n, 'mtc verify')),
    ratio(med(n, 'mtc verify'), med(n, 'pg_dump')),
    fmt(med(n, 'mtc dump')),
    ratio(med(n, 'mtc dump'), med(n, 'pg_dump')),
    growth(i, 'pg_dump'),
    growth(i, 'mtc verify'),
    growth(i, 'mtc dump'),
  ]);
});
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
log('');
rows.forEach((r, k) => {
  log(r.map((cell, i) => String(cell).padStart(widths[i])).join('  '));
  if (k === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
});
log('');
// CPU time: the process's user + system, plus the server's (the cluster's processes), medians
const cpuOf = (n, t) => results[n]?.tools?.[t]?.total_cpu_median ?? null;
if (sizes.some((n) => cpuOf(n, 'pg_dump') !== null)) {
  const part = (n, t, k) => fmt(results[n]?.tools?.[t]?.[k] ?? null, 2);
  const cpuRows = [
    [
      'tables',
      'pg_dump proc+server (s)',
      'verify proc+server (s)',
      'verify/pg_dump CPU',
      'full proc+server (s)',
      'full/pg_dump CPU',
      ...(baseBin ? ['base proc+server (s)', 'base/pg_dump CPU'] : []),
      'pg_dump CPU /10×',
      'verify CPU /10×',
    ],
  ];
  const cpuGrowth = (i, t) => {
    if (i === 0) return '—';
    const [x, y] = [cpuOf(sizes[i - 1], t), cpuOf(sizes[i], t)];
    return x == null || y == null ? '—' : `${((y / x) ** (1 / Math.log10(sizes[i] / sizes[i - 1]))).toFixed(1)}×`;
  };
  sizes.forEach((n, i) => {
    const both = (t) => `${part(n, t, 'cpu_median')} + ${part(n, t, 'server_median')} = ${fmt(cpuOf(n, t), 2)}`;
    cpuRows.push([
      n.toLocaleString('en-US'),
      both('pg_dump'),
      both('mtc verify'),
      ratio(cpuOf(n, 'mtc verify'), cpuOf(n, 'pg_dump')),
      both('verify (full)'),
      ratio(cpuOf(n, 'verify (full)'), cpuOf(n, 'pg_dump')),
      ...(baseBin ? [both('verify (base)'), ratio(cpuOf(n, 'verify (base)'), cpuOf(n, 'pg_dump'))] : []),
      cpuGrowth(i, 'pg_dump'),
      cpuGrowth(i, 'mtc verify'),
    ]);
  });
  const w = cpuRows[0].map((_, i) => Math.max(...cpuRows.map((r) => String(r[i]).length)));
  cpuRows.forEach((r, k) => {
    log(r.map((cell, i) => String(cell).padStart(w[i])).join('  '));
    if (k === 0) log(w.map((x) => '-'.repeat(x)).join('  '));
  });
  log("CPU: user + system time of the process (/usr/bin/time) + the cluster's (its processes, ended backends included), medians");
  log('');
}
if (sizes.some((n) => results[n].reduced)) log(`* fewer rounds than --runs ${runs}: a round would have exceeded the budget of ${budget} s`);
for (const n of sizes) {
  if (results[n].failure) log(`${n}: ${results[n].failure}`);
  for (const [t, v] of Object.entries(results[n].tools ?? {})) if (v.status !== 'ok') log(`${n} ${t}: ${v.failure.split('\n')[0].slice(0, 300)}`);
}
const settings = process.env.BENCH_DATABASE_URL ? 'as configured on BENCH_DATABASE_URL' : SERVER_SETTINGS.join(' ');
log(`whole-process wall time, median; growth per 10× tables = (t_big/t_small)^(1/log10(n_big/n_small)), linear ≈ 10×;`);
log(`server ${serverVersion} on 127.0.0.1 with ${settings}; NODE_EXTRA_CA_CERTS unset for every process.`);
const loadAfter = loadavg();
log(`load average before/after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} (1 min) on ${cpus().length} CPUs`);

const out = join(work, 'verify-results.json');
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, kernel: release(), node: process.version },
      server: { version: serverVersion, pg_dump: pgDumpVersion, settings, own_cluster: !process.env.BENCH_DATABASE_URL },
      load_average: { before: loadBefore, after: loadAfter },
      mtc_bin: mtcBin,
      runs,
      budget_seconds: budget,
      warmup_rounds: 1,
      env_unset: removedEnv,
      sizes: results,
    },
    null,
    2,
  )}\n`,
);
log(`results: ${out}`);
// the throwaway cluster stops when the process exits (bench/lib/harness.mjs)
process.exit(sizes.some((n) => results[n].failure || Object.values(results[n].tools).some((v) => v.status !== 'ok')) ? 1 : 0);
