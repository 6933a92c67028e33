// scripts/test-alone.mjs on test files made for it (test/fixtures/test-alone/): it finds the
// test that needs what the test before it made, and, in a shuffled order, the test broken by
// what a test before it left; the tests that stand alone pass alone, whatever their names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/cli.ts';

const ORDER = 'test/fixtures/test-alone/order.mjs';
const CLEAN = 'test/fixtures/test-alone/clean.mjs';

interface Report {
  files: { file: string; tests: number; alone: { name: string; result: string }[]; shuffled: { seed: number; failing: { name: string }[] }[] }[];
  dependent: { file: string; name: string; line: number; error: string }[];
  shuffled: { file: string; seed: number; failing: { name: string }[] }[];
}

async function testAlone(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'test-alone.mjs'), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('names the test that fails alone, with its line and why; the others, subtests and names full of regex characters included, pass alone', async () => {
  const r = await testAlone('--json', ORDER);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.dependent.map((d) => [d.file, d.name, d.line, d.error]),
    [[ORDER, 'a block reads the row made before it', 14, 'the row the test before made (line 15)']],
  );
  assert.deepEqual(
    report.files[0]!.alone.map((t) => [t.name, t.result]),
    [
      ['a block makes a row', 'pass'],
      ['a block reads the row made before it', 'fail'],
      ['a block counts no rows left behind', 'pass'],
      ['a block leaves a row behind', 'pass'],
      ['a block inside (a) [b] {c} $x.* + ? | ^ stands alone (1) [2] $3.* +?|^', 'pass'],
      ['at the top, with subtests', 'pass'],
    ],
  );
  assert.match(r.stderr, /\[2\/6\] fail +a block reads the row made before it/, 'progress, test by test');
});

test('--shuffle names the seed of an order in which a test fails, and only that seed; --name keeps to the tests it matches', async () => {
  // seed 5 runs "leaves a row behind" before "counts no rows left behind", seed 6 does not (Node 24's shuffle)
  const r = await testAlone('--json', '--no-alone', '--shuffle', '2', '--seed', '5', '--name', '^a block (counts|leaves)', ORDER);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.dependent, []);
  assert.deepEqual(
    report.files[0]!.shuffled.map((s) => [s.seed, s.failing.map((f) => f.name)]),
    [
      [5, ['a block counts no rows left behind']],
      [6, []],
    ],
  );
  assert.equal(report.files[0]!.tests, 2);
  const text = await testAlone('--no-alone', '--shuffle', '1', '--seed', '5', '--name', '^a block (counts|leaves)', ORDER);
  assert.match(text.stdout, /seed 5 \(node --test --test-randomize --test-random-seed=5 test\/fixtures\/test-alone\/order\.mjs\)/, 'how to repeat it');
});

test('a file whose tests stand alone and in any order: exit 0 and a summary saying so', async () => {
  const r = await testAlone('--shuffle', '2', CLEAN);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 tests run alone in 1 files; 0 fail alone but pass in their file/);
  assert.match(r.stdout, /2 shuffled runs; 0 with a test that fails in that order/);
});

test('--static lists the variables one test writes and another reads, without running anything; counters and names of other blocks are not', async () => {
  const r = await testAlone('--static', '--json', ORDER, CLEAN);
  assert.equal(r.code, 1, r.stderr);
  const { shared } = JSON.parse(r.stdout) as {
    shared: { file: string; name: string; line: number; writtenBy: { line: number }[]; readBy: { line: number }[] }[];
  };
  assert.deepEqual(
    shared.map((v) => [v.file, v.name, v.line, v.writtenBy.map((t) => t.line), v.readBy.map((t) => t.line)]),
    [
      [ORDER, 'made', 7, [11], [14]],
      [ORDER, 'left', 8, [20], [17]],
    ],
  );
  const clean = await testAlone('--static', CLEAN);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /1 files; 0 variables one test writes and another reads/);
});

test('bad arguments exit 2 naming what is wrong', async () => {
  for (const [args, message] of [
    [[], /name at least one test file/],
    [['test/no-such.test.ts'], /test\/no-such\.test\.ts: no such file/],
    [['--shufle', '2', CLEAN], /unknown option --shufle/],
    [['--shuffle', '0', CLEAN], /--shuffle needs a number of runs, 1 or more/],
    [['--seed', '-1', CLEAN], /--seed needs a whole number/],
    [['--name', '(', CLEAN], /--name: Invalid regular expression/],
    [['--no-alone', CLEAN], /--no-alone leaves nothing to run without --shuffle/],
  ] as const) {
    const r = await testAlone(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /usage: node scripts\/test-alone\.mjs/);
  }
});
