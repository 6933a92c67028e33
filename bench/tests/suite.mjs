// The whole test suite as CI runs it, at two commits one after the other in one run: a fresh
// clone of each, then its `.ci/run` (npm ci, then npm test on both backends), timed by phase:
// npm ci, the steps before the tests (install check, throwaway PostgreSQL, type-checks, builds,
// templates: what npm test prints as "ready for the tests in"), the tests (node's test
// runner's duration), and the whole. The ratio HEAD/BASE is the figure (issue 17: at most 0.5).
// The slowest files of each run are listed from node_modules/.cache/mtc/test-times.txt where
// the commit writes it, and any failed test; each run's whole output is kept in the temporary
// directory (mtc-bench-suite-base.log, mtc-bench-suite-head.log).
//
//   node bench/tests/suite.mjs [--base COMMIT] [--head COMMIT] [--json]
//
// BASE defaults to 42ef7be (the suite when issue 17 was filed), HEAD to HEAD. Each run takes
// the machine's two cores for 10–20 minutes: run it on a quiet machine.
import '../lib/node24.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const json = args.includes('--json');
const commits = { base: option('--base', '42ef7be'), head: option('--head', 'HEAD') };

/** Runs `.ci/run` in a fresh clone of `commit`; its phases in seconds and its test counts. */
async function ciRun(label, commit) {
  const dir = mkdtempSync(join(tmpdir(), `mtc-bench-suite-${label}-`));
  try {
    const clone = spawnSync('git', ['clone', '--quiet', root, dir], { stdio: 'inherit' });
    if (clone.status !== 0) throw new Error(`git clone failed for ${commit}`);
    spawnSync('git', ['-C', dir, 'checkout', '--quiet', commit], { stdio: 'inherit' });
    const sha = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    const env = { ...process.env };
    delete env.MTC_TEST_DATABASE_URL; // each run starts its own throwaway PostgreSQL, as CI's does
    const started = performance.now();
    const marks = {};
    let output = '';
    const child = spawn('./.ci/run', [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen = (d) => {
      const text = d.toString();
      output += text;
      const at = (performance.now() - started) / 1000;
      if (marks.npmCiDone === undefined && /npm test: Node\.js|^> mtc@[\d.]+ test/m.test(text)) marks.npmCiDone = at;
      if (!json) process.stderr.write(`\r\x1b[K${label} ${sha}: ${Math.round(at)} s, ${(output.match(/^\s*✔/gm) ?? []).length} passed`);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    const code = await new Promise((resolve) => child.on('close', resolve));
    const total = (performance.now() - started) / 1000;
    if (!json) process.stderr.write('\n');
    const field = (name) => Number(new RegExp(`^ℹ ${name} (\\d+(?:\\.\\d+)?)`, 'm').exec(output)?.[1] ?? NaN);
    const ready = /ready for the tests in ([\d.]+) s: (.*)$/m.exec(output);
    const times = join(dir, 'node_modules/.cache/mtc/test-times.txt');
    const log = join(tmpdir(), `mtc-bench-suite-${label}.log`);
    writeFileSync(log, output);
    return {
      label,
      commit: sha,
      exit: code,
      npmCi: marks.npmCiDone ?? NaN,
      setUp: ready ? Number(ready[1]) : NaN,
      setUpSteps: ready?.[2] ?? null,
      tests: field('duration_ms') / 1000,
      total,
      counts: { tests: field('tests'), pass: field('pass'), fail: field('fail'), skipped: field('skipped') },
      log,
      failed: [...new Set(output.match(/^\s*✖ .*$/gm) ?? [])].map((l) => l.trim()).filter((l) => l !== '✖ failing tests:'),
      slowest: existsSync(times) ? readFileSync(times, 'utf8').split('\n').slice(0, 9).join('\n') : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0];
const runs = [];
for (const [label, commit] of Object.entries(commits)) runs.push(await ciRun(label, commit));
const [base, head] = runs;
const result = { loadBefore, loadAfter: loadavg()[0], runs, ratio: { tests: head.tests / base.tests, total: head.total / base.total } };
if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const s = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} s` : '–');
  console.log(`load ${loadBefore.toFixed(1)} → ${result.loadAfter.toFixed(1)}`);
  console.log('| run | commit | exit | npm ci | before the tests | tests | whole .ci/run | tests (pass/fail/skipped) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of runs)
    console.log(
      `| ${r.label} | ${r.commit} | ${r.exit} | ${s(r.npmCi)} | ${s(r.setUp)} | ${s(r.tests)} | ${s(r.total)} | ${r.counts.tests} (${r.counts.pass}/${r.counts.fail}/${r.counts.skipped}) |`,
    );
  console.log(`head/base: tests ${result.ratio.tests.toFixed(2)}, whole run ${result.ratio.total.toFixed(2)}`);
  for (const r of runs) if (r.failed.length > 0) console.log(`${r.label}: failed (whole output in ${r.log}):\n  ${r.failed.join('\n  ')}`);
  for (const r of runs) if (r.setUpSteps) console.log(`${r.label}: before the tests: ${r.setUpSteps}`);
  for (const r of runs) if (r.slowest) console.log(`${r.label}: slowest files\n${r.slowest}`);
}
