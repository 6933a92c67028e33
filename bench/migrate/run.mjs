#!/usr/bin/env node
// Side-by-side benchmark of migration tools on one corpus (see corpus.mjs).
//
//   node bench/migrate/run.mjs [--runs N] [--only psql,mtc,...] [--help]
//
// Env: BENCH_RUNS (default 12), BENCH_DATABASE_URL (use that server instead of a
// throwaway cluster; needs CREATEDB: databases mtc_bench_<tool> are dropped and
// recreated on it), BENCH_MTC_BIN (another mtc entry point than bin/mtc.cjs, e.g. a
// build kept elsewhere; still run from the repo root).
//
// For each tool: a fresh apply (database dropped and recreated first) and a no-op
// rerun (everything already applied), N runs each, taken in rotation across tools
// after one untimed warm-up round that also checks each tool works. Whole-process
// wall time around a child-process spawn; the median is reported. After every fresh
// apply the schema is checked (tables, indexes, views, triggers, backfilled rows),
// so a tool that silently did nothing cannot look fast. A tool that fails is
// reported as failed and the others carry on.
//
// Plain Node ESM, no dependencies. Writes bench/.work/results.json.

import '../lib/node24.mjs';
import { existsSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, release, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './corpus.mjs';
import { PGBIN, SERVER_SETTINGS, median, runner, startServer, tail, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
const peers = join(repo, 'bench', '.peers');
const corpusDir = join(work, 'corpus');
const ALL_TOOLS = ['psql', 'mtc', 'dbmate', 'dbmate-npm', 'node-pg-migrate', 'sqitch'];

// ---------------------------------------------------------------- arguments
function usage(code) {
  console.log(`usage: node bench/migrate/run.mjs [--runs N] [--only ${ALL_TOOLS.join(',')}]
  --runs N     timed runs per tool and scenario (default: BENCH_RUNS or 12)
  --only LIST  comma-separated subset of tools
env: BENCH_RUNS, BENCH_DATABASE_URL (an existing server; else a throwaway PostgreSQL 15 cluster),
     BENCH_MTC_BIN (mtc entry point, default bin/mtc.cjs)`);
  process.exit(code);
}
const args = process.argv.slice(2);
let runs = Number(process.env.BENCH_RUNS ?? 12);
let only = ALL_TOOLS;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
  if (a === '--help' || a === '-h') usage(0);
  else if (a.startsWith('--runs')) runs = Number(val());
  else if (a.startsWith('--only'))
    only = val()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else {
    console.error(`unknown argument: ${a}`);
    usage(2);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}
for (const t of only)
  if (!ALL_TOOLS.includes(t)) {
    console.error(`unknown tool: ${t} (known: ${ALL_TOOLS.join(', ')})`);
    process.exit(2);
  }

// ---------------------------------------------------------------- helpers
const log = (...a) => console.log(...a);

// Environment for every tool: NODE_EXTRA_CA_CERTS costs each Node process ~40 ms of
// CA parsing on this machine; libpq/node-postgres variables could redirect a tool.
const { env: toolEnv, removed: removedEnv } = toolEnvironment();
// The figures are without mtc's lint cache (issue 20): every fresh apply lints anew. The
// variable rather than --no-lint-cache, so that BENCH_MTC_BIN may be a build from before it.
toolEnv.MTC_LINT_CACHE = '0';
const { run, mustRun, timed } = runner(toolEnv, repo, 300_000);

// ---------------------------------------------------------------- corpus
mkdirSync(work, { recursive: true });
const manifest = writeCorpus(corpusDir);
const c = manifest.counts;
log(
  `corpus: ${c.migrations} migrations, ${c.tables} tables, ${c.indexes} indexes, ${c.triggers} triggers, ${c.views} views, ` +
    `${c.doBlocks} DO block, ${c.backfillRows}-row backfill (${corpusDir})`,
);

// ---------------------------------------------------------------- peers
const need = (t) => only.includes(t);
const skipped = {}; // tool -> reason
const paths = {
  dbmateGo: join(peers, 'node_modules', '@dbmate', 'linux-x64', 'bin', 'dbmate'),
  dbmateNpm: join(peers, 'node_modules', 'dbmate', 'dist', 'cli.js'),
  npm: join(peers, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js'),
};
if (need('dbmate') || need('dbmate-npm') || need('node-pg-migrate')) {
  const have = existsSync(paths.dbmateGo) && existsSync(paths.dbmateNpm) && existsSync(paths.npm) && existsSync(join(peers, 'node_modules', 'pg'));
  if (!have) {
    log('installing peers: npm install --no-save --prefix bench/.peers dbmate node-pg-migrate pg');
    mkdirSync(peers, { recursive: true });
    const r = run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', peers, 'dbmate', 'node-pg-migrate', 'pg'], {
      env: process.env,
      timeout: 600_000,
    });
    if (r.status !== 0) log(`  npm install failed:\n${tail(r.stderr, 10)}`);
  }
  if (!existsSync(paths.dbmateGo)) skipped.dbmate = 'dbmate Go binary not installed (npm install failed?)';
  if (!existsSync(paths.dbmateNpm)) skipped['dbmate-npm'] = 'dbmate npm package not installed';
  if (!existsSync(paths.npm)) skipped['node-pg-migrate'] = 'node-pg-migrate not installed';
}
if (need('sqitch')) {
  const ok = () => run('sqitch', ['--version']).status === 0 && run('perl', ['-MDBD::Pg', '-e', '1']).status === 0;
  if (!ok()) {
    log('installing sqitch: apt-get install -y sqitch libdbd-pg-perl');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = run('apt-get', ['install', '-y', 'sqitch', 'libdbd-pg-perl'], { env, timeout: 600_000 });
    if (r.status !== 0) {
      run('apt-get', ['update'], { env, timeout: 600_000 });
      r = run('apt-get', ['install', '-y', 'sqitch', 'libdbd-pg-perl'], { env, timeout: 600_000 });
    }
    if (!ok()) {
      skipped.sqitch = `sqitch could not be installed with apt-get (${tail(r.stderr || r.error?.message, 2)})`;
      log(`  ${skipped.sqitch}; skipping sqitch`);
    }
  }
}

// ---------------------------------------------------------------- server
const server = await startServer({ run, mustRun }, { prefix: 'mtc-bench-pg-', extraSettings: [] }).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
const adminUrl = server.adminUrl;
log(`server: ${server.description}`);
if (!process.env.BENCH_DATABASE_URL) log('        (fsync=off flatters tools that commit once per migration: keep it in mind when reading the table)');
const psql = join(PGBIN, 'psql');
const serverVersion = mustRun(psql, ['-X', '-At', '-d', adminUrl, '-c', 'show server_version']).trim();
const dbUrl = (tool) => {
  const u = new URL(adminUrl);
  u.pathname = `/mtc_bench_${tool.replace(/-/g, '_')}`;
  return u.toString();
};
const withParam = (url, k, v) => {
  const u = new URL(url);
  u.searchParams.set(k, v);
  return u.toString();
};
const sqitchTarget = (url) => {
  const u = new URL(url);
  u.protocol = 'pg:';
  u.search = '';
  return `db:${u.toString()}`;
};

function recreate(tool) {
  const db = `mtc_bench_${tool.replace(/-/g, '_')}`;
  mustRun(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', adminUrl, '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, '-c', `CREATE DATABASE ${db}`]);
}

// What a complete fresh apply leaves behind; compared after every fresh run.
const expected = { tables: c.tables, indexes: c.indexes, views: c.views, triggers: c.triggers, rows: c.backfillRows };
const arr = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::name[]`;
const verifySql = `
SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY (${arr(manifest.tables)})) AS tables,
       (SELECT count(*) FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace
         WHERE n.nspname = 'public' AND i.relkind = 'i' AND i.relname = ANY (${arr(manifest.indexes)})) AS indexes,
       (SELECT count(*) FROM pg_views WHERE schemaname = 'public' AND viewname = ANY (${arr(manifest.views)})) AS views,
       (SELECT count(*) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace
         WHERE n.nspname = 'public' AND NOT t.tgisinternal) AS triggers,
       CASE WHEN to_regclass('public.item_variant') IS NULL THEN -1
            ELSE (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM public.item_variant', false, true, '')))[1]::text::int
       END AS rows`;
function verify(tool) {
  const out = mustRun(psql, ['-X', '-At', '-F', ' ', '-d', dbUrl(tool), '-c', verifySql])
    .trim()
    .split(' ')
    .map(Number);
  const got = { tables: out[0], indexes: out[1], views: out[2], triggers: out[3], rows: out[4] };
  const bad = Object.keys(expected).filter((k) => got[k] !== expected[k]);
  return bad.length ? `schema incomplete after apply: ${bad.map((k) => `${k} ${got[k]}/${expected[k]}`).join(', ')}` : null;
}

// ---------------------------------------------------------------- tools
const node = process.execPath;
const mtcBin = process.env.BENCH_MTC_BIN ? resolve(process.env.BENCH_MTC_BIN) : 'bin/mtc.cjs';
const tools = {
  psql: {
    label: 'psql -1 -f all.sql (floor)',
    fresh: (url) => [psql, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', join(corpusDir, 'all.sql')]],
    noop: (url) => [psql, ['-X', '-q', '-d', url, '-c', 'select 1']],
    noopNote: 'connect only',
  },
  mtc: {
    label: 'mtc',
    fresh: (url) => [node, [mtcBin, 'migrate', '--database', url, '--migrations', join(corpusDir, 'mtc', 'migrations')], { cwd: repo }],
  },
  dbmate: {
    label: 'dbmate (Go binary)',
    fresh: (url) => [
      paths.dbmateGo,
      ['--url', withParam(url, 'sslmode', 'disable'), '--migrations-dir', join(corpusDir, 'dbmate', 'db', 'migrations'), '--no-dump-schema', 'migrate'],
    ],
  },
  'dbmate-npm': {
    label: 'dbmate (npm launcher)',
    fresh: (url) => [
      node,
      [
        paths.dbmateNpm,
        '--url',
        withParam(url, 'sslmode', 'disable'),
        '--migrations-dir',
        join(corpusDir, 'dbmate', 'db', 'migrations'),
        '--no-dump-schema',
        'migrate',
      ],
    ],
  },
  'node-pg-migrate': {
    label: 'node-pg-migrate',
    fresh: (url) => [node, [paths.npm, 'up', '-m', 'migrations'], { cwd: join(corpusDir, 'node-pg-migrate'), env: { ...toolEnv, DATABASE_URL: url } }],
  },
  sqitch: {
    label: 'sqitch',
    // --client: the real psql, not Debian's /usr/bin/psql (a Perl pg_wrapper that adds
    // ~35 ms to each of sqitch's ~68 psql forks, about 3 s in all)
    fresh: (url) => ['sqitch', ['deploy', '--client', psql, '--target', sqitchTarget(url)], { cwd: join(corpusDir, 'sqitch') }],
  },
};
for (const t of Object.values(tools)) t.noop ??= t.fresh;

function version(tool) {
  const first = (r) => (r.status === 0 ? ((r.stdout || r.stderr).match(/\d+\.\d+(\.\d+)?/) ?? [null])[0] : null);
  try {
    switch (tool) {
      case 'psql':
        return first(run(psql, ['--version']));
      case 'mtc':
        return JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
      case 'dbmate':
      case 'dbmate-npm':
        return first(run(paths.dbmateGo, ['--version']));
      case 'node-pg-migrate':
        return JSON.parse(readFileSync(join(peers, 'node_modules', 'node-pg-migrate', 'package.json'), 'utf8')).version;
      case 'sqitch':
        return first(run('sqitch', ['--version']));
    }
  } catch {
    return null;
  }
  return null;
}

const selected = only.filter((t) => !skipped[t]);
const state = Object.fromEntries(only.map((t) => [t, { fresh: [], noop: [], failure: skipped[t] ?? null, version: skipped[t] ? null : version(t) }]));

function once(tool, record) {
  const st = state[tool];
  const url = dbUrl(tool);
  recreate(tool);
  const [fc, fa, fo] = tools[tool].fresh(url);
  const f = timed(fc, fa, fo);
  if (!f.ok) return `fresh apply failed (${f.r.error?.message ?? `exit ${f.r.status}`}): ${tail(f.r.stderr || f.r.stdout, 4)}`;
  const bad = verify(tool);
  if (bad) return bad;
  const [nc, na, no] = tools[tool].noop(url);
  const n = timed(nc, na, no);
  if (!n.ok) return `no-op rerun failed (${n.r.error?.message ?? `exit ${n.r.status}`}): ${tail(n.r.stderr || n.r.stdout, 4)}`;
  const bad2 = verify(tool);
  if (bad2) return `after no-op rerun: ${bad2}`;
  if (record) {
    st.fresh.push(f.s);
    st.noop.push(n.s);
  }
  return null;
}

log(
  `environment for every tool: ${removedEnv.length ? `${removedEnv.join(', ')} unset` : 'nothing unset'}` +
    ` (NODE_EXTRA_CA_CERTS costs each Node process ~40 ms of CA parsing here)`,
);
if (mtcBin !== 'bin/mtc.cjs' && need('mtc')) log(`mtc: ${mtcBin} (BENCH_MTC_BIN)`);
log(`PostgreSQL ${serverVersion}; node ${process.version}; ${cpus().length} CPUs; ${runs} timed runs per tool, after one warm-up round`);
for (const t of only) if (skipped[t]) log(`  ${t}: skipped: ${skipped[t]}`);

const loadBefore = loadavg();
if (loadBefore[0] > cpus().length * 0.5) {
  log(
    `WARNING: load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs: other work is running, timings will be inflated and noisy`,
  );
}

// warm-up: untimed, and the check that each tool works at all
let live = [];
for (const t of selected) {
  process.stdout.write(`warm-up ${t} ... `);
  const err = once(t, false);
  if (err) {
    state[t].failure = err;
    log(`FAILED\n    ${err.replace(/\n/g, '\n    ')}`);
  } else {
    live.push(t);
    log('ok');
  }
}
for (let i = 0; i < runs; i++) {
  process.stdout.write(`\rrun ${i + 1}/${runs}`);
  const order = live.map((_, k) => live[(k + i) % live.length]);
  for (const t of order) {
    const err = once(t, true);
    if (err) {
      state[t].failure = `run ${i + 1}: ${err}`;
      log(`\n  ${t} failed in run ${i + 1}: ${err}`);
      live = live.filter((x) => x !== t);
    }
  }
}
process.stdout.write('\n');

// ---------------------------------------------------------------- report
const res = {};
for (const t of only) {
  const st = state[t];
  const stat = (xs) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs } : null);
  res[t] = {
    label: tools[t].label,
    version: st.version,
    status: skipped[t] ? 'skipped' : st.failure ? 'failed' : 'ok',
    failure: st.failure,
    fresh: st.failure ? null : stat(st.fresh),
    noop: st.failure ? null : stat(st.noop),
  };
}
const floor = res.psql?.fresh?.median;
const mtcNoop = res.mtc?.noop?.median;
const fmt = (x) => (x == null ? '—' : x.toFixed(3));
const ratio = (x, y) => (x == null || y == null ? '—' : (x / y).toFixed(2));
const rows = [['tool', 'version', 'fresh median (s)', '× floor', 'no-op median (s)', '× mtc']];
for (const t of only) {
  const r = res[t];
  if (r.status !== 'ok') {
    rows.push([r.label, r.version ?? '', r.status.toUpperCase(), '', r.status.toUpperCase(), '']);
    continue;
  }
  rows.push([
    r.label,
    r.version ?? '',
    fmt(r.fresh.median),
    ratio(r.fresh.median, floor),
    fmt(r.noop.median) + (tools[t].noopNote ? ` (${tools[t].noopNote})` : ''),
    ratio(r.noop.median, mtcNoop),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
log('');
rows.forEach((r, k) => {
  log(r.map((cell, i) => (i >= 2 ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i]))).join('  '));
  if (k === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
});
log('');
for (const t of only) if (res[t].status !== 'ok') log(`${t}: ${res[t].failure.split('\n')[0].slice(0, 300)}`);
const settings = process.env.BENCH_DATABASE_URL ? 'as configured on BENCH_DATABASE_URL' : SERVER_SETTINGS.join(' ');
log(`whole-process wall time, median of ${runs}; server ${serverVersion} on 127.0.0.1 with ${settings}; NODE_EXTRA_CA_CERTS unset for every tool.`);
if (mtcNoop == null) log('× mtc: n/a (mtc has no result)');
const loadAfter = loadavg();
log(`load average before/after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} (1 min) on ${cpus().length} CPUs`);

const out = join(work, 'results.json');
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, kernel: release(), node: process.version },
      server: { version: serverVersion, settings, own_cluster: !process.env.BENCH_DATABASE_URL },
      load_average: { before: loadBefore, after: loadAfter },
      mtc_bin: mtcBin,
      runs,
      warmup_rounds: 1,
      env_unset: removedEnv,
      corpus: manifest.counts,
      tools: res,
    },
    null,
    2,
  )}\n`,
);
log(`results: ${out}`);
// the throwaway cluster stops when the process exits (bench/lib/harness.mjs)
process.exit(Object.values(res).some((r) => r.status === 'failed') ? 1 : 0);
