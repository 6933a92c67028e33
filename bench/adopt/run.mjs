#!/usr/bin/env node
// How long `mtc adopt` takes to take over the legacy database, side by side with the
// physical floor of touching every row once: a dump and restore of the same database.
//
//   node bench/adopt/run.mjs [--runs N] [--scales 1,100] [--budget SECONDS] [--profile] [--json]
//
// Env: BENCH_RUNS (default 3), BENCH_DATABASE_URL (use that server instead of a throwaway
// PostgreSQL 15 cluster; needs superuser for the loader and CREATEDB: databases
// mtc_adopt_<scale>* are dropped and recreated on it), BENCH_MTC_BIN (another mtc entry point
// than the copy of dist/mtc.cjs made for the run).
//
// For each scale: a template database (mtc_adopt_<scale>) holding the legacy fixture
// (test/fixtures/legacy/), its rows times the scale, loaded once by bench/adopt/load-legacy.mts
// (the test helpers' loader and scaling) and then VACUUM (FREEZE, ANALYZE)d.
// Then N rounds; in each, fresh copies of the template (CREATE DATABASE … TEMPLATE …
// STRATEGY FILE_COPY, then CHECKPOINT, untimed) and, in rotation, timed as whole processes:
//   adopt          mtc adopt --json on its own copy (commits)
//   dump+restore   pg_dump -Fc COPY | pg_restore --exit-on-error -d EMPTY: the floor, every row
//                  read and written once, every index and constraint built once
//   dry-run        mtc adopt --dry-run --json on its own copy (does it all, rolls back)
//   adopt (no cache)  at the first scale only: mtc adopt with MTC_NO_CACHE=1, i.e. the
//                  snapshot's model made through PGlite as on a first run (a fixed cost)
// and after them, for context, `mtc verify` on the adopted copy. A CHECKPOINT (untimed) comes
// before every timed process, so none pays for writing out the previous one's pages.
// Checked in every round, so that a broken run cannot produce a fast number: adopt and
// dry-run exit 0 and report every migration adopted; the adopted copies hold the ledger and
// the template's item_variant row count, the dry-run copy no ledger; verify on the adopted
// copy exits 0; the restored copy has the template's row count in every table.
// mtc is the built CLI (dist/mtc.cjs), copied to bench/.work/adopt-mtc/ for the run.
// Wall time of each process (median reported); peak RSS of mtc (and of pg_dump/pg_restore)
// from /usr/bin/time -f %M, i.e. getrusage's ru_maxrss; the server backend's memory sampled
// every 100 ms from /proc (VmHWM, which counts the shared buffers it touched, and the
// largest RssAnon seen, its private memory) when the server runs on this machine.
// One untimed warm-up round at the first scale only (node, PGlite's cached template, the
// binaries); at larger scales the template's load leaves it in the page cache. If a round
// shows that N rounds would take more than --budget seconds (default 1800) at a scale, that
// scale gets fewer, and the report says so.
// --profile: after the rounds of each scale, one untimed adopt through bench/adopt/profile.mts
// (src/ as it is) on a fresh copy, timing each statement.
// --json: the results as JSON on stdout (the log goes to stderr). Always written to
// bench/.work/adopt-results.json.
//
// Plain Node ESM; the .mts helpers beside it run on Node 24, which strips their types.

import '../lib/node24.mjs';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGBIN, SERVER_SETTINGS, median, runner, startServer, tail, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');

// ---------------------------------------------------------------- arguments
function usage(code) {
  console.log(`usage: node bench/adopt/run.mjs [--runs N] [--scales 1,100] [--budget SECONDS] [--profile] [--json]
  --runs N        timed rounds per scale (default: BENCH_RUNS or 3)
  --scales LIST   row multipliers of the legacy fixture (default 1,100; 100 ≈ 812,000 rows)
  --budget S      seconds of timed rounds allowed per scale; fewer rounds if exceeded (default 1800)
  --profile       also one untimed adopt per scale with every statement timed (src/ as it is)
  --json          print the results as JSON on stdout (the log goes to stderr)
env: BENCH_RUNS, BENCH_DATABASE_URL (an existing server; else a throwaway PostgreSQL 15 cluster),
     BENCH_MTC_BIN (mtc entry point; default a copy of dist/mtc.cjs made for the run)`);
  process.exit(code);
}
const args = process.argv.slice(2);
let runs = Number(process.env.BENCH_RUNS ?? 3);
let scales = [1, 100];
let budget = 1800;
let profile = false;
let jsonOut = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
  if (a === '--help' || a === '-h') usage(0);
  else if (a.startsWith('--runs')) runs = Number(val());
  else if (a.startsWith('--scales')) scales = String(val()).split(',').map(Number);
  else if (a.startsWith('--budget')) budget = Number(val());
  else if (a === '--profile') profile = true;
  else if (a === '--json') jsonOut = true;
  else {
    console.error(`unknown argument: ${a}`);
    usage(2);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}
if (!scales.length || scales.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('--scales: whole numbers >= 1');
  process.exit(2);
}
if (!(budget > 0)) {
  console.error('--budget must be positive');
  process.exit(2);
}

// ---------------------------------------------------------------- helpers
const log = (...a) => (jsonOut ? console.error(...a) : console.log(...a));
const progress = (s) => (jsonOut ? process.stderr : process.stdout).write(s);
const { env: toolEnv, removed: removedEnv } = toolEnvironment();
const { run, mustRun } = runner(toolEnv, repo, 3_600_000);
const TIME = '/usr/bin/time';
if (run(TIME, ['-f', '%M', 'true']).status !== 0) {
  console.error(`${TIME} is needed (GNU time, for peak RSS): apt-get install time`);
  process.exit(1);
}

// ---------------------------------------------------------------- server
const server = await startServer({ run, mustRun }, { prefix: 'mtc-adopt-pg-' }).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
const adminUrl = server.adminUrl;
log(`server: ${server.description}`);
const psql = join(PGBIN, 'psql');
const pgDump = join(PGBIN, 'pg_dump');
const pgRestore = join(PGBIN, 'pg_restore');
const dbUrl = (name) => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const sql = (url, text) => mustRun(psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', text]).trim();
const admin = (text) => sql(adminUrl, text);
const serverVersion = admin('show server_version');
const jit = `jit=${admin('show jit')}${existsSync(join(PGBIN, '..', 'lib', 'llvmjit.so')) ? ' (llvmjit.so installed)' : ' (no llvmjit.so)'}`;
const serverSettings = Object.fromEntries(
  admin(
    `select string_agg(name || '=' || setting || coalesce(unit, ''), ',' order by name) from pg_settings where name in ('shared_buffers','work_mem','maintenance_work_mem','max_wal_size','jit','fsync','synchronous_commit','full_page_writes')`,
  )
    .split(',')
    .map((kv) => kv.split('=')),
);
const pgDumpVersion = (mustRun(pgDump, ['--version']).match(/\d+\.\d+/) ?? [''])[0];
const localServer = ['localhost', '127.0.0.1', '::1', '[::1]'].includes(new URL(adminUrl).hostname);

// Exact row counts of every table in public, as "name count" lines, and their sum.
const COUNT_SQL = `SELECT coalesce(string_agg(c.relname || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text, E'\\n' ORDER BY c.relname), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`;
function tableCounts(url) {
  const text = sql(url, COUNT_SQL);
  const rows = text ? text.split('\n').map((l) => l.split(' ')) : [];
  return { text, total: rows.reduce((s, [, n]) => s + Number(n), 0), byTable: Object.fromEntries(rows.map(([t, n]) => [t, Number(n)])) };
}

// ---------------------------------------------------------------- measuring a process
// Backends of `db` found in /proc by their process title ("postgres: USER DB HOST(PORT) …").
function backendMemory(db, seen) {
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return;
  }
  for (const pid of names) {
    if (!/^\d+$/.test(pid)) continue;
    let mine = seen.pids.get(pid);
    if (mine === undefined) {
      try {
        mine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres: ') && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(' ')[2] === db;
      } catch {
        mine = false;
      }
      seen.pids.set(pid, mine);
    }
    if (!mine) continue;
    try {
      const st = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (k) => Number((st.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) ?? [0, 0])[1]);
      seen.hwm = Math.max(seen.hwm, kb('VmHWM'));
      seen.anon = Math.max(seen.anon, kb('RssAnon'));
    } catch {
      /* it exited */
    }
  }
}

const timeDir = mkdtempSync(join(tmpdir(), 'mtc-adopt-bench-'));
process.on('exit', () => rmSync(timeDir, { recursive: true, force: true }));
let timeFileN = 0;
/**
 * Runs `cmd argv` under /usr/bin/time (whole-process wall time measured here, peak RSS from
 * time's %M); samples the memory of `backendOf`'s server backends meanwhile.
 */
function measure(cmd, argv, { backendOf, env = toolEnv } = {}) {
  const timeFile = join(timeDir, `t${++timeFileN}`);
  return new Promise((resolvePromise) => {
    const seen = { pids: new Map(), hwm: 0, anon: 0 };
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M', '-o', timeFile, cmd, ...argv], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const sampler = backendOf && localServer ? setInterval(() => backendMemory(backendOf, seen), 100) : null;
    child.on('close', (code, signal) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (sampler) clearInterval(sampler);
      let rssKb = null;
      try {
        rssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      } catch {
        /* none */
      }
      resolvePromise({
        s,
        ok: code === 0,
        code,
        signal,
        stdout,
        stderr,
        rssMb: rssKb ? rssKb / 1024 : null,
        backend: sampler ? { hwmMb: seen.hwm / 1024, anonMb: seen.anon / 1024 } : null,
      });
    });
  });
}

// ---------------------------------------------------------------- the databases
const node = process.execPath;
// The built CLI is copied for the run's duration (with package.json, for --version): others
// rebuild dist/ in this tree, and a rebuild between two rounds would mix two versions. The
// copy resolves its dependencies from the project's node_modules, as dist/mtc.cjs does, and
// carries the same source hash, so it shares the snapshot-model cache key.
const distFile = join(repo, 'dist', 'mtc.cjs');
let mtcBin;
let mtcBuild = null;
if (process.env.BENCH_MTC_BIN) mtcBin = resolve(process.env.BENCH_MTC_BIN);
else {
  if (!existsSync(distFile)) {
    console.error('dist/mtc.cjs is missing: npm run build');
    process.exit(1);
  }
  const newer = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs > statSync(distFile).mtimeMs)
      .map((e) => join(e.parentPath ?? e.path, e.name));
  const stale = newer(join(repo, 'src'));
  if (stale.length)
    log(
      `WARNING: dist/mtc.cjs is older than ${stale.length} file(s) under src/ (${stale
        .slice(0, 3)
        .map((f) => f.slice(repo.length + 1))
        .join(', ')}): run npm run build`,
    );
  const frozen = join(work, 'adopt-mtc');
  mkdirSync(join(frozen, 'dist'), { recursive: true });
  copyFileSync(distFile, join(frozen, 'dist', 'mtc.cjs'));
  copyFileSync(join(repo, 'package.json'), join(frozen, 'package.json'));
  mtcBin = join(frozen, 'dist', 'mtc.cjs');
  const head = run('git', ['rev-parse', '--short', 'HEAD']);
  mtcBuild = {
    sha256: createHash('sha256').update(readFileSync(mtcBin)).digest('hex').slice(0, 16),
    built: new Date(statSync(distFile).mtimeMs).toISOString(),
    git_head: head.status === 0 ? head.stdout.trim() : null,
  };
}
const mtcVersion = mustRun(node, [mtcBin, '--version']).trim();
const migrations = readdirSync(join(repo, 'migrations')).filter((f) => f.endsWith('.sql')).length;
const tplName = (scale) => `mtc_adopt_${scale}`;

function buildTemplate(scale) {
  const tpl = tplName(scale);
  admin(`DROP DATABASE IF EXISTS ${tpl} WITH (FORCE)`);
  admin(`CREATE DATABASE ${tpl} TEMPLATE template0`);
  const t0 = Date.now();
  const out = mustRun(node, [join(here, 'load-legacy.mts'), '--database', dbUrl(tpl), '--scale', String(scale)]);
  const seconds = (Date.now() - t0) / 1000;
  const stages = JSON.parse(out.trim().split('\n').pop());
  const counts = tableCounts(dbUrl(tpl));
  const bytes = Number(admin(`SELECT pg_database_size('${tpl}')`));
  return { seconds, stages, counts, bytes };
}

function copies(scale, kinds) {
  const tpl = tplName(scale);
  const names = {};
  for (const k of kinds) {
    const name = `${tpl}_${k}`;
    names[k] = name;
    admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    admin(k === 'dst' ? `CREATE DATABASE ${name} TEMPLATE template0` : `CREATE DATABASE ${name} TEMPLATE ${tpl} STRATEGY FILE_COPY`);
  }
  return names;
}
const dropAll = (names) => {
  for (const n of Object.values(names)) admin(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
};

// ---------------------------------------------------------------- one round
// 'adopt (no cache)' is mtc adopt with MTC_NO_CACHE=1: the snapshot's model made again
// through PGlite, as on a machine where this snapshot and build never ran (adopt is usually
// run once). It is a fixed cost, the same at every scale, so it is timed at the first scale only.
const BASE_TOOLS = ['adopt', 'dump+restore', 'dry-run'];
const COLD = 'adopt (no cache)';
const parseJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};
const failure = (what, r) => `${what} failed (${r.signal ? `signal ${r.signal}` : `exit ${r.code}`}):\n${tail(r.stderr || r.stdout, 30)}`;
const COPY_OF = { adopt: 'adopt', 'dry-run': 'dry', 'dump+restore': 'src', [COLD]: 'cold' };

async function adoptOn(db, { dryRun = false, env } = {}) {
  const what = `mtc adopt${dryRun ? ' --dry-run' : ''}${env ? ' (MTC_NO_CACHE=1)' : ''}`;
  const r = await measure(node, [mtcBin, 'adopt', ...(dryRun ? ['--dry-run'] : []), '--database', dbUrl(db), '--json'], { backendOf: db, env });
  if (!r.ok) throw new Error(failure(what, r));
  const j = parseJson(r.stdout);
  if (!j || j.dryRun !== dryRun || j.adopted?.length !== migrations)
    throw new Error(`${what} exited 0 but did not report ${migrations} migrations ${dryRun ? 'to adopt' : 'adopted'}:\n${tail(r.stdout, 10)}`);
  const ledger = sql(dbUrl(db), "SELECT to_regclass('public.mtc_schema_history') IS NOT NULL");
  if (ledger !== (dryRun ? 'f' : 't')) throw new Error(dryRun ? `${what} left a ledger behind` : `${what} reported success but left no ledger`);
  return { s: r.s, rssMb: r.rssMb, backend: r.backend, actions: j.actions.length, archived: j.archived, report: j };
}

async function round(scale, tpl, order) {
  const db = copies(scale, [...order.map((t) => COPY_OF[t]), 'dst']);
  const out = {};
  try {
    for (const tool of order) {
      admin('CHECKPOINT');
      if (tool === 'adopt') out.adopt = await adoptOn(db.adopt);
      else if (tool === COLD) out[COLD] = await adoptOn(db.cold, { env: { ...toolEnv, MTC_NO_CACHE: '1' } });
      else if (tool === 'dry-run') out['dry-run'] = await adoptOn(db.dry, { dryRun: true });
      else {
        const r = await measure(
          'bash',
          ['-o', 'pipefail', '-c', `"$1" -Fc -d "$2" | "$3" --exit-on-error -d "$4"`, 'bench', pgDump, dbUrl(db.src), pgRestore, dbUrl(db.dst)],
          { backendOf: db.dst },
        );
        if (!r.ok) throw new Error(failure('pg_dump | pg_restore', r));
        out['dump+restore'] = { s: r.s, rssMb: r.rssMb, backend: r.backend };
      }
    }
    for (const t of ['dry-run', COLD]) if (out[t]) delete out[t].report;
    // checks, and verify for context
    admin('CHECKPOINT');
    const v = await measure(node, [mtcBin, 'verify', '--database', dbUrl(db.adopt)]);
    if (!v.ok) throw new Error(failure('mtc verify after adopt', v));
    out.verify = { s: v.s, rssMb: v.rssMb };
    for (const k of ['adopt', ...(out[COLD] ? ['cold'] : [])]) {
      const variants = Number(sql(dbUrl(db[k]), 'SELECT count(*) FROM public.item_variant'));
      if (variants !== tpl.counts.byTable.item_variant)
        throw new Error(`after adopt (${k}) item_variant holds ${variants} rows, the template ${tpl.counts.byTable.item_variant}`);
    }
    const restored = tableCounts(dbUrl(db.dst));
    if (restored.text !== tpl.counts.text)
      throw new Error(`the restored copy's row counts differ from the template's:\n${restored.text}\n---\n${tpl.counts.text}`);
  } finally {
    dropAll(db);
  }
  return out;
}

// ---------------------------------------------------------------- run
mkdirSync(work, { recursive: true });
log(`environment for every process: ${removedEnv.length ? `${removedEnv.join(', ')} unset` : 'nothing unset'}`);
log(
  `PostgreSQL ${serverVersion} (pg_dump ${pgDumpVersion}); node ${process.version}; ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; scales ${scales.join(', ')}; ` +
    `${runs} timed rounds per scale; budget ${budget} s of timed rounds per scale`,
);
log(
  `server settings: ${Object.entries(serverSettings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`,
);
const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
log(`/proc/loadavg before: ${loadBefore}`);
if (loadavg()[0] > cpus().length * 0.5)
  log(`WARNING: load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs: other work is running, timings will be inflated and noisy`);

const results = {};
let failed = false;
for (const [si, scale] of scales.entries()) {
  const r = { scale, runs: 0, reduced: false, rounds: [] };
  results[scale] = r;
  try {
    progress(`\n[scale ${scale}] loading the template ${tplName(scale)} ... `);
    const tpl = buildTemplate(scale);
    Object.assign(r, {
      rows: tpl.counts.total,
      item_variant: tpl.counts.byTable.item_variant,
      template_load_seconds: tpl.seconds,
      template_stages: tpl.stages,
      template_bytes: tpl.bytes,
    });
    log(
      `${tpl.seconds.toFixed(1)} s; ${tpl.counts.total.toLocaleString('en-US')} rows (item_variant ${tpl.counts.byTable.item_variant.toLocaleString('en-US')}), ${(tpl.bytes / 2 ** 20).toFixed(0)} MiB`,
    );
    const tools = si === 0 ? [...BASE_TOOLS, COLD] : BASE_TOOLS;
    const summary = (o) =>
      [...tools, 'verify'].map((t) => `${t} ${o[t].s.toFixed(2)} s${o[t].rssMb && t !== 'dump+restore' ? ` (${o[t].rssMb.toFixed(0)} MB)` : ''}`).join(', ');
    if (si === 0) {
      const t0 = Date.now();
      const w = await round(scale, tpl, tools);
      log(`  warm-up round (untimed): ${((Date.now() - t0) / 1000).toFixed(1)} s; ${summary(w)}`);
    }
    let k = runs;
    for (let i = 0; i < k; i++) {
      const order = tools.map((_, j) => tools[(j + i) % tools.length]);
      const t0 = Date.now();
      const o = await round(scale, tpl, order);
      const took = (Date.now() - t0) / 1000;
      r.rounds.push({ order, ...o });
      log(`  round ${i + 1}/${k}: ${took.toFixed(1)} s; ${summary(o)}`);
      if (i === 0 && took * runs > budget && runs > 1) {
        k = Math.max(1, Math.floor(budget / took));
        if (k < runs) {
          r.reduced = true;
          log(`  a round takes ~${took.toFixed(0)} s: ${k} rounds instead of ${runs} (budget ${budget} s)`);
        }
      }
    }
    r.runs = r.rounds.length;
    const med = (tool, f = (x) => x.s) => median(r.rounds.map((x) => f(x[tool])));
    r.median = {
      adopt: med('adopt'),
      'dump+restore': med('dump+restore'),
      'dry-run': med('dry-run'),
      verify: med('verify'),
      [COLD]: si === 0 ? med(COLD) : null,
      adopt_rss_mb: Math.max(...r.rounds.map((x) => x.adopt.rssMb)),
      adopt_no_cache_rss_mb: si === 0 ? Math.max(...r.rounds.map((x) => x[COLD].rssMb)) : null,
      dry_run_rss_mb: Math.max(...r.rounds.map((x) => x['dry-run'].rssMb)),
      verify_rss_mb: Math.max(...r.rounds.map((x) => x.verify.rssMb)),
      dump_restore_rss_mb: Math.max(...r.rounds.map((x) => x['dump+restore'].rssMb)),
      adopt_backend_anon_mb: localServer ? Math.max(...r.rounds.map((x) => x.adopt.backend.anonMb)) : null,
      adopt_backend_hwm_mb: localServer ? Math.max(...r.rounds.map((x) => x.adopt.backend.hwmMb)) : null,
      restore_backend_anon_mb: localServer ? Math.max(...r.rounds.map((x) => x['dump+restore'].backend.anonMb)) : null,
    };
    r.adopt_actions = r.rounds[0].adopt.actions;
    r.adopt_report = r.rounds[0].adopt.report;
    for (const x of r.rounds) delete x.adopt.report;
    if (profile) {
      const db = copies(scale, ['profile']);
      try {
        admin('CHECKPOINT');
        const p = run(node, [join(here, 'profile.mts'), '--database', dbUrl(db.profile)]);
        if (p.status !== 0) throw new Error(failure('profile.mts', { code: p.status, signal: p.signal, stderr: p.stderr, stdout: p.stdout }));
        r.profile = JSON.parse(p.stdout.trim().split('\n').pop());
        log(`  profile (one adopt through src/, ${r.profile.total_s.toFixed(2)} s in-process):`);
        for (const [label, s] of r.profile.stages) log(`    ${s.toFixed(3).padStart(8)} s  ${label}`);
        for (const [key, t] of Object.entries(r.profile.totals).sort((a, b) => b[1].s - a[1].s))
          log(`    ${t.s.toFixed(3).padStart(8)} s  ${key} (${t.n} statements)`);
        const patterns = {};
        for (const x of r.profile.statements) {
          const key = `${x.kind}: ${x.sql
            .replace(/\d+/g, 'N')
            .replace(/N(, N)+/g, 'N…')
            .slice(0, 100)}`;
          const g = (patterns[key] ??= { n: 0, s: 0 });
          g.n++;
          g.s += x.s;
        }
        r.profile.patterns = Object.entries(patterns)
          .sort((a, b) => b[1].s - a[1].s)
          .slice(0, 20)
          .map(([sqlPattern, g]) => ({ pattern: sqlPattern, ...g }));
        log('    statements of 5 ms or more, by shape:');
        for (const g of r.profile.patterns.slice(0, 12)) log(`    ${g.s.toFixed(3).padStart(8)} s  ${String(g.n).padStart(5)} × ${g.pattern}`);
        log('    slowest statements:');
        for (const x of r.profile.statements.slice(0, 15)) log(`    ${x.s.toFixed(3).padStart(8)} s  [${x.kind}, ${x.rows} rows] ${x.sql.slice(0, 140)}`);
      } finally {
        dropAll(db);
      }
    }
  } catch (err) {
    failed = true;
    r.failure = String(err.message ?? err);
    log(`\n  FAILED at scale ${scale}:\n    ${r.failure.replace(/\n/g, '\n    ')}`);
  }
}

// ---------------------------------------------------------------- report
const loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
const fmt = (x, d = 3) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(d));
const rows = [
  [
    'scale',
    'rows',
    'runs',
    'adopt (s)',
    'dump+restore (s)',
    'adopt / d+r',
    'dry-run (s)',
    'verify (s)',
    'adopt, no cache (s)',
    'mtc peak RSS (MB)',
    'no cache (MB)',
    'backend private (MB)',
  ],
];
for (const scale of scales) {
  const r = results[scale];
  const m = r.median ?? {};
  rows.push([
    `${scale}×`,
    r.rows?.toLocaleString('en-US') ?? '—',
    `${r.runs}${r.reduced ? '*' : ''}`,
    fmt(m.adopt),
    fmt(m['dump+restore']),
    m.adopt ? (m.adopt / m['dump+restore']).toFixed(2) : '—',
    fmt(m['dry-run']),
    fmt(m.verify),
    fmt(m[COLD]),
    fmt(m.adopt_rss_mb, 0),
    fmt(m.adopt_no_cache_rss_mb, 0),
    fmt(m.adopt_backend_anon_mb, 0),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((x) => String(x[i]).length)));
log('');
rows.forEach((x, k) => {
  log(x.map((cell, i) => String(cell).padStart(widths[i])).join('  '));
  if (k === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
});
log('');
if (scales.some((n) => results[n].reduced)) log(`* fewer rounds than --runs ${runs}: they would have exceeded the budget of ${budget} s`);
for (const n of scales) if (results[n].failure) log(`scale ${n}: FAILED: ${results[n].failure.split('\n')[0]}`);
const settings = process.env.BENCH_DATABASE_URL ? 'as configured on BENCH_DATABASE_URL' : SERVER_SETTINGS.join(' ');
log(
  `${mtcVersion}${mtcBuild ? ` (dist/mtc.cjs built ${mtcBuild.built}, sha256 ${mtcBuild.sha256}, git HEAD at the run ${mtcBuild.git_head})` : ` (${mtcBin})`}`,
);
log('whole-process wall time, median; adopt with the snapshot model cached (after the warm-up); no cache = MTC_NO_CACHE=1 (PGlite loads the snapshot);');
log('mtc peak RSS = max over rounds of /usr/bin/time %M for mtc adopt;');
log("backend private = largest RssAnon of adopt's server backends, sampled every 100 ms;");
log(`server ${serverVersion} on 127.0.0.1 with ${settings}; NODE_EXTRA_CA_CERTS unset for every process.`);
log(`/proc/loadavg before: ${loadBefore}; after: ${loadAfter} (${cpus().length} CPUs)`);

const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: totalmem() / 2 ** 30, kernel: release(), node: process.version },
  server: { version: serverVersion, pg_dump: pgDumpVersion, settings: serverSettings, own_cluster: !process.env.BENCH_DATABASE_URL, jit },
  loadavg: { before: loadBefore, after: loadAfter },
  mtc_bin: mtcBin,
  mtc_version: mtcVersion,
  mtc_build: mtcBuild,
  runs,
  budget_seconds: budget,
  env_unset: removedEnv,
  migrations,
  scales: results,
};
const file = join(work, 'adopt-results.json');
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
log(`results: ${file}`);
// the throwaway cluster stops when the process exits (bench/lib/harness.mjs); with --json, once
// stdout has taken all of the report (an exit straight after a write to a pipe cuts it at 64 KiB)
if (jsonOut) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`, () => process.exit(failed ? 1 : 0));
else process.exit(failed ? 1 : 0);
