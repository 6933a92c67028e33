// `node scripts/test-alone.mjs <file>...`: finds the tests that pass only because of the tests
// before them in their file. It runs each file whole once, then each of its tests alone, in a
// process of its own (node's --test-name-pattern with the test's full name, anchored: the
// describe blocks around it and their before/after hooks still run, the other tests do not),
// and lists the tests that pass in the file but fail alone. A test here is one declared in a
// describe or at the top of the file; its subtests (t.test) run with it.
//
//   --name <regex>  only the tests whose full name matches, in the file's run as alone (e.g.
//                   --name 'on postgres': the describe blocks of one backend, for half the time)
//   --json          one JSON document on stdout (progress still goes to stderr)
//
// Exit code: 0 when every test passes alone, 1 when one fails alone or a file fails whole,
// 2 for bad arguments. Run it on the Node that runs MTC (node_modules/.bin/node), with
// MTC_TEST_DATABASE_URL set for the PostgreSQL tests (without it they are skipped), after
// scripts/build.mjs and test/helpers/prepare-template.ts, as for any test. One process at a
// time: a file of n tests costs n + 1 runs of it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from 'node:test';

const USAGE = 'usage: node scripts/test-alone.mjs [--json] [--name <regex>] <test file>...';
const args = process.argv.slice(2);
const files = [];
let json = false;
let only;
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
  } else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (!existsSync(a)) usage(`${a}: no such file`);
  else files.push(a);
}
if (files.length === 0) usage('name at least one test file');
if (!process.env.MTC_TEST_DATABASE_URL) progress('test-alone: MTC_TEST_DATABASE_URL is not set: the tests on PostgreSQL are skipped');

const report = { files: [], dependent: [] };
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
  };
  report.files.push(entry);
  if (whole.fileError) progress(`test-alone: ${file}: the file failed outside its tests: ${whole.fileError}`);
  const passing = tests.filter((t) => t.result === 'pass');
  progress(
    `test-alone: ${file}: ${tests.length} tests, ${passing.length} pass in the file${entry.failedInFile.length ? `, ${entry.failedInFile.length} fail in it (not run alone)` : ''}`,
  );
  for (const [i, t] of passing.entries()) {
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
  progress(`test-alone: ${file}: done in ${seconds(started)}`);
}

const broken = report.files.filter((f) => f.fileError || f.failedInFile.length > 0);
if (json) console.log(JSON.stringify(report, null, 2));
else {
  const total = report.files.reduce((s, f) => s + f.alone.length, 0);
  console.log(`\ntest-alone: ${total} tests run alone in ${report.files.length} files; ${report.dependent.length} fail alone but pass in their file`);
  for (const d of report.dependent) console.log(`  ${d.file}:${d.line}  ${d.name}\n      ${d.error}`);
  for (const f of broken)
    console.log(`  ${f.file}: fails in the file itself (${f.fileError ?? f.failedInFile.map((t) => `${t.name}: ${t.error}`).join('; ')}): fix that first`);
}
process.exitCode = report.dependent.length > 0 || broken.length > 0 ? 1 : 0;

/**
 * Runs `file` in a process of its own (only the tests whose full name matches `pattern`, if
 * given) and returns each test's full name, line and result. The full name is what
 * --test-name-pattern matches: the names of the describe blocks around the test and its own,
 * joined by spaces.
 */
async function runFile(file, pattern) {
  const stream = run({ files: [resolve(file)], ...(pattern ? { testNamePatterns: [pattern] } : {}) });
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
