// `node scripts/test-alone.mjs <file>...`: finds the tests that pass only because of the tests
// before them in their file. It runs each file whole once, then each of its tests alone, in a
// process of its own (node's --test-name-pattern with the test's full name, anchored: the
// describe blocks around it and their before/after hooks still run, the other tests do not),
// and lists the tests that pass in the file but fail alone. A test here is one declared in a
// describe or at the top of the file; its subtests (t.test) run with it. Running alone finds a
// test that needs what a test before it made; a test broken by what a test before it left
// (a count that takes in another test's rows) shows when the file runs in another order:
// --shuffle.
//
//   --name <regex>  only the tests whose full name matches, in the file's run as alone (e.g.
//                   --name 'on postgres': the describe blocks of one backend, for half the time)
//   --shuffle <n>   also run the whole file n times in random orders (node's --test-randomize),
//                   and list the tests that fail in one, with the seed that repeats it
//   --seed <n>      the first shuffled run's seed (the next ones n + 1, n + 2…), to repeat runs
//   --no-alone      only the shuffled runs
//   --static        run nothing: list the variables declared outside the tests that one test
//                   writes and another reads (scripts/test-alone-static.mjs), a first pass
//   --json          one JSON document on stdout (progress still goes to stderr)
//
// Exit code: 0 when every test passes alone (and shuffled), 1 when one fails alone or in a
// shuffled order, or a file fails whole, 2 for bad arguments. Run it on the Node that runs MTC (node_modules/.bin/node), with
// MTC_TEST_DATABASE_URL set for the PostgreSQL tests (without it they are skipped), after
// scripts/build.mjs and test/helpers/prepare-template.ts, as for any test. One process at a
// time: a file of n tests costs n + 1 runs of it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from 'node:test';

// Started from a test (test/scripts/test-alone.test.ts), this process would pass that on to the
// files it runs, which would then report to a runner that is not there.
delete process.env.NODE_TEST_CONTEXT;

const USAGE = 'usage: node scripts/test-alone.mjs [--json] [--name <regex>] [--shuffle <n> [--seed <n>]] [--no-alone] [--static] <test file>...';
const args = process.argv.slice(2);
const files = [];
let json = false;
let only;
let shuffles = 0;
let firstSeed;
let runAlone = true;
let staticOnly = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--json') json = true;
  else if (a === '--name') {
    const source = args[++i];
    if (source === undefined) usage('--name needs a regular expression');
    try {
      only = new RegExp(source);
    } catch (err) {
      usage(`--name: ${err.message}`);
    }
  } else if (a === '--shuffle') {
    shuffles = Number(args[++i]);
    if (!Number.isInteger(shuffles) || shuffles < 1) usage('--shuffle needs a number of runs, 1 or more');
  } else if (a === '--seed') {
    firstSeed = Number(args[++i]);
    if (!Number.isInteger(firstSeed) || firstSeed < 0) usage('--seed needs a whole number, 0 or more');
  } else if (a === '--no-alone') runAlone = false;
  else if (a === '--static') staticOnly = true;
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (!existsSync(a)) usage(`${a}: no such file`);
  else files.push(a);
}
if (files.length === 0) usage('name at least one test file');
if (!runAlone && shuffles === 0) usage('--no-alone leaves nothing to run without --shuffle <n>');
if (staticOnly) {
  const { sharedState } = await import('./test-alone-static.mjs'); // TypeScript's parser, loaded only for this
  const found = files.flatMap((file) => sharedState(file).map((v) => ({ file, ...v })));
  if (json) console.log(JSON.stringify({ shared: found }, null, 2));
  else {
    console.log(`test-alone --static: ${files.length} files; ${found.length} variables one test writes and another reads`);
    for (const v of found)
      console.log(
        `  ${v.file}:${v.line}  ${v.name}\n      written by ${v.writtenBy.map((t) => `${t.line} ${t.name}`).join('; ')}\n      read by ${v.readBy.map((t) => `${t.line} ${t.name}`).join('; ')}`,
      );
  }
  process.exit(found.length > 0 ? 1 : 0);
}
if (!process.env.MTC_TEST_DATABASE_URL) progress('test-alone: MTC_TEST_DATABASE_URL is not set: the tests on PostgreSQL are skipped');

const report = { files: [], dependent: [], shuffled: [] };
for (const file of files) {
  const started = performance.now();
  progress(`test-alone: ${file}: the whole file…`);
  const whole = await runFile(file, only);
  const tests = whole.tests.filter((t) => !only || only.test(t.name));
  const entry = {
    file,
    tests: tests.length,
    failedInFile: tests.filter((t) => t.result === 'fail').map(({ name, line, error }) => ({ name, line, error })),
    fileError: whole.fileError,
    alone: [],
    shuffled: [],
  };
  report.files.push(entry);
  if (whole.fileError) progress(`test-alone: ${file}: the file failed outside its tests: ${whole.fileError}`);
  const passing = tests.filter((t) => t.result === 'pass');
  if (tests.length === 0 && !whole.fileError) progress(`test-alone: ${file}: no test${only ? ` whose full name matches ${only}` : ''}`);
  progress(
    `test-alone: ${file}: ${tests.length} tests, ${passing.length} pass in the file${entry.failedInFile.length ? `, ${entry.failedInFile.length} fail in it (not run alone)` : ''}`,
  );
  for (const [i, t] of (runAlone ? passing : []).entries()) {
    const from = performance.now();
    const alone = await runFile(file, new RegExp(`^${RegExp.escape(t.name)}$`));
    const mine = alone.tests.filter((a) => a.name === t.name);
    const failed = mine.find((a) => a.result === 'fail');
    const result = mine.length === 0 ? 'not run' : failed ? 'fail' : mine.every((a) => a.result === 'skip') ? 'skip' : 'pass';
    const error = failed?.error ?? (mine.length === 0 ? (alone.fileError ?? 'the pattern matched no test') : undefined);
    const row = { name: t.name, line: t.line, result, ...(error ? { error } : {}), ...(mine.length > 1 ? { sameName: mine.length } : {}) };
    entry.alone.push(row);
    if (result === 'fail' || result === 'not run') report.dependent.push({ file, ...row });
    progress(
      `  [${i + 1}/${passing.length}] ${result.padEnd(7)} ${t.name} (${seconds(from)})${mine.length > 1 ? ` [${mine.length} tests share this name: run together]` : ''}${error ? `\n            ${error}` : ''}`,
    );
  }
  for (let n = 1; n <= shuffles; n++) {
    const from = performance.now();
    const seed = firstSeed === undefined ? Math.floor(Math.random() * 2 ** 31) : firstSeed + n - 1;
    const shuffled = await runFile(file, only, seed);
    const failing = shuffled.tests.filter((t) => t.result === 'fail' && passing.some((p) => p.name === t.name));
    const row = {
      seed,
      failing: failing.map(({ name, line, error }) => ({ name, line, error })),
      ...(shuffled.fileError ? { fileError: shuffled.fileError } : {}),
    };
    entry.shuffled.push(row);
    if (failing.length > 0 || shuffled.fileError) report.shuffled.push({ file, ...row });
    progress(
      `  [shuffled ${n}/${shuffles}] seed ${seed}: ${failing.length === 0 && !shuffled.fileError ? 'pass' : `${failing.length} fail`} (${seconds(from)})`,
    );
    for (const t of failing) progress(`            ${t.name}\n              ${t.error}`);
    if (shuffled.fileError) progress(`            the file: ${shuffled.fileError}`);
  }
  progress(`test-alone: ${file}: done in ${seconds(started)}`);
}

const broken = report.files.filter((f) => f.fileError || f.failedInFile.length > 0);
if (json) console.log(JSON.stringify(report, null, 2));
else {
  const total = report.files.reduce((s, f) => s + f.alone.length, 0);
  console.log(`\ntest-alone: ${total} tests run alone in ${report.files.length} files; ${report.dependent.length} fail alone but pass in their file`);
  for (const d of report.dependent) console.log(`  ${d.file}:${d.line}  ${d.name}\n      ${d.error}`);
  if (shuffles > 0) {
    console.log(`test-alone: ${report.files.length * shuffles} shuffled runs; ${report.shuffled.length} with a test that fails in that order`);
    for (const r of report.shuffled) {
      console.log(`  ${r.file}, seed ${r.seed} (node --test --test-randomize --test-random-seed=${r.seed} ${r.file}):`);
      for (const t of r.failing) console.log(`    ${t.line}  ${t.name}\n        ${t.error}`);
      if (r.fileError) console.log(`    the file: ${r.fileError}`);
    }
  }
  for (const f of broken)
    console.log(`  ${f.file}: fails in the file itself (${f.fileError ?? f.failedInFile.map((t) => `${t.name}: ${t.error}`).join('; ')}): fix that first`);
}
process.exitCode = report.dependent.length > 0 || report.shuffled.length > 0 || broken.length > 0 ? 1 : 0;

/**
 * Runs `file` in a process of its own (only the tests whose full name matches `pattern`, if
 * given; in a random order when given a `seed`) and returns each test's full name, line and result. The full name is what
 * --test-name-pattern matches: the names of the describe blocks around the test and its own,
 * joined by spaces.
 */
async function runFile(file, pattern, seed) {
  const stream = run({
    files: [resolve(file)],
    ...(pattern ? { testNamePatterns: [pattern] } : {}),
    ...(seed === undefined ? {} : { randomize: true, randomSeed: seed }),
  });
  const target = resolve(file);
  const stack = []; // the test started at each nesting level
  const nodes = [];
  let fileError;
  for await (const event of stream) {
    const { type, data } = event;
    if (type === 'test:start') {
      const node = { name: data.name, line: data.line, parent: stack[data.nesting - 1], result: undefined, kind: undefined, error: undefined };
      stack[data.nesting] = node;
      stack.length = data.nesting + 1;
      nodes.push(node);
    } else if (type === 'test:pass' || type === 'test:fail') {
      const node = stack[data.nesting];
      if (!node || node.name !== data.name) {
        // an event for the file itself (it failed to load, or failed after its tests)
        if (type === 'test:fail' && data.file === target) fileError = firstLine(data.details.error, target);
        continue;
      }
      node.kind = data.details.type ?? 'test';
      node.result = data.skip || data.todo ? 'skip' : type === 'test:pass' ? 'pass' : 'fail';
      if (type === 'test:fail') node.error = firstLine(data.details.error, target);
    }
  }
  const fullName = (n) => (n.parent ? `${fullName(n.parent)} ${n.name}` : n.name);
  const inSuites = (n) => !n.parent || (n.parent.kind === 'suite' && inSuites(n.parent));
  // a suite that fails (its before hook threw) fails the tests in it too; one that fails
  // after them (its after hook threw) is the file's failure
  for (const n of nodes)
    if (n.kind === 'suite' && n.result === 'fail' && !nodes.some((c) => c.parent === n && c.result === 'fail')) fileError ??= `${fullName(n)}: ${n.error}`;
  return {
    tests: nodes.filter((n) => n.kind === 'test' && inSuites(n)).map((n) => ({ name: fullName(n), line: n.line, result: n.result, error: n.error })),
    fileError,
  };
}

/** The first line of what a test threw, with its cause when the runner wrapped it, and where in `file` it was thrown. */
function firstLine(error, file) {
  if (!error) return 'failed';
  const inner = error.cause && typeof error.cause === 'object' && 'message' in error.cause ? error.cause : error;
  const line = String(inner.message ?? inner)
    .split('\n')[0]
    .slice(0, 300);
  const at = String(inner.stack ?? '')
    .split('\n')
    .map((l) => /\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/.exec(l))
    .find((m) => m && m[1] === file);
  return at ? `${line} (line ${at[2]})` : line;
}

function seconds(from) {
  return `${((performance.now() - from) / 1000).toFixed(1)} s`;
}

function progress(line) {
  process.stderr.write(`${line}\n`);
}

function usage(message) {
  console.error(`test-alone: ${message}\n${USAGE}`);
  process.exit(2);
}
