#!/usr/bin/env node
// Where a run of `mtc migrate` spends its time, phase by phase, on bench/migrate's corpus
// (corpus.mjs): a fresh apply (database dropped and recreated first) and a no-op rerun.
// mtc runs with MTC_STAGES=1 and MTC_LINT_CACHE=0 (figures without the lint cache) and prints
// a stamp as each phase ends (src/stages.ts): the wall time since its process started and
// the CPU time it has used. Each phase's share is the difference from the stamp before; the
// first, `cli-loaded`, counts from the process's start (Node's own start and the bundle's
// load). Medians over --runs (default 9), after one untimed warm-up of each.
//
//   node bench/migrate/phases.mjs [--runs N]
//
// Env: BENCH_DATABASE_URL (a server with CREATEDB instead of a throwaway cluster),
// BENCH_MTC_BIN (another mtc entry point than bin/mtc.cjs).
import '../lib/node24.mjs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { writeCorpus } from './corpus.mjs';
import { PGBIN, databaseUrl, median, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 9;
const corpusDir = join(repo, 'bench', '.work', 'corpus');
writeCorpus(corpusDir);
const { env } = toolEnvironment();
const { run, mustRun } = runner({ ...env, MTC_STAGES: '1', MTC_LINT_CACHE: '0' }, repo);
const server = await startServer({ run, mustRun }, { prefix: 'mtc-stages-pg-' });
const url = databaseUrl(server.adminUrl, 'mtc_bench_stages');
const mtcBin = process.env.BENCH_MTC_BIN ? resolve(process.env.BENCH_MTC_BIN) : 'bin/mtc.cjs';
const migrate = ['migrate', '--database', url, '--migrations', join(corpusDir, 'mtc', 'migrations')];
const recreate = () =>
  mustRun(join(PGBIN, 'psql'), [
    '-X',
    '-q',
    '-d',
    server.adminUrl,
    '-c',
    'DROP DATABASE IF EXISTS mtc_bench_stages WITH (FORCE)',
    '-c',
    'CREATE DATABASE mtc_bench_stages',
  ]);

/** One run: each stage's [name, wall ms, cpu ms] as the process printed them, in order. */
function stamps() {
  const r = run(process.execPath, [mtcBin, ...migrate]);
  if (r.status !== 0) throw new Error(`mtc migrate failed (exit ${r.status}):\n${r.stderr}`);
  return [...r.stderr.matchAll(/^mtc stage (\S+) wall=([\d.]+) cpu=([\d.]+)$/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
}

const samples = { fresh: [], noop: [] };
recreate();
stamps();
stamps(); // warm-up: one of each
for (let i = 0; i < runs; i++) {
  recreate();
  samples.fresh.push(stamps());
  samples.noop.push(stamps());
}
console.log(
  `mtc migrate by phase: ${runs} runs, medians in ms; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [scenario, runsOf] of Object.entries(samples)) {
  console.log(`\n${scenario === 'fresh' ? 'fresh apply' : 'no-op rerun'}:`);
  console.log(`  ${'phase (ends at)'.padEnd(24)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)}`);
  const names = runsOf[0].map(([n]) => n);
  for (const [i, name] of names.entries()) {
    const part = (k) => median(runsOf.map((s) => s[i][k] - (i > 0 ? s[i - 1][k] : 0)));
    console.log(`  ${name.padEnd(24)} ${part(1).toFixed(1).padStart(8)} ${part(2).toFixed(1).padStart(8)}`);
  }
  const last = names.length - 1;
  console.log(
    `  ${'total'.padEnd(24)} ${median(runsOf.map((s) => s[last][1]))
      .toFixed(1)
      .padStart(8)} ${median(runsOf.map((s) => s[last][2]))
      .toFixed(1)
      .padStart(8)}`,
  );
}
