// `npm test`: install what the tests need from Debian when it is missing (or stop at once,
// naming the command to run), start a throwaway PostgreSQL unless MTC_TEST_DATABASE_URL names
// a server (scripts/test-setup.ts), type-check (the server, and the web app against the API's
// OpenAPI types), build the CLI and the web app, prepare a PGlite template once, then run
// every test file with node's test runner (each database test on PGlite and on the
// PostgreSQL server). Everything runs on the Node that runs MTC (bin/node-runtime.cjs), which
// runs the TypeScript sources as they are, by stripping their types.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { globSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, constants } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
if (createRequire(import.meta.url)('../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'npm test')) await new Promise(() => {});
console.log(`npm test: Node.js ${process.version} (${process.execPath})`);
delete process.env.NODE_EXTRA_CA_CERTS; // no TLS in tests; saves every child node process ~40 ms
// Every test file is a node process of its own, and most load the same modules (PGlite,
// Fastify, the sources): V8's compile cache, shared by all of them, saves each ~0.3 s of CPU
// after the first (NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for bin/mtc.cjs).
process.env.NODE_COMPILE_CACHE ??= `${root}node_modules/.cache/mtc/compile`;

// Imported only now: the Node that started this file may be too old to strip its types.
const { atEnd, installNeeds, startServerForRun } = await import('./test-setup.ts');
const postgresBin = await installNeeds();

// The steps before the tests, two at a time (they are independent but for the web app's
// type-check, which needs the API's types first), and the throwaway PostgreSQL starting
// beside them; any failure stops here with its output (and stops the other steps).
const run = promisify(execFile);
const steps = new AbortController();
atEnd(() => steps.abort());
const began = performance.now();
const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const phases = [];
// TypeScript 7, the native compiler (the `typescript-native` alias), checks the types: 4 times
// faster than TypeScript 5's tsc, which stays only as openapi-typescript's (it builds the API's
// types with TypeScript 5's JavaScript API, which 7 does not have).
const TSC = 'node_modules/typescript-native/bin/tsc';
const step = (args) => {
  const from = performance.now();
  return run(process.execPath, args, { maxBuffer: 64 << 20, signal: steps.signal }).then(
    ({ stdout, stderr }) => {
      process.stdout.write(stdout + stderr);
      phases.push(`${args[0].replace(/^.*\//, '')} ${args.includes('web/tsconfig.json') ? '(web) ' : ''}${seconds(from)}`);
    },
    (err) => {
      process.stdout.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
      console.error(`npm test: ${args.join(' ')} failed`);
      process.exit(1);
    },
  );
};
await Promise.all([
  step([TSC, '--noEmit', '-p', 'tsconfig.json']),
  // The formatter and linter (Biome; biome.json): a file not formatted, or a lint error, fails here.
  step(['node_modules/@biomejs/biome/bin/biome', 'ci', '--diagnostic-level=error', '--colors=off', '.']),
  // The web app's types are checked against the API's, generated from its OpenAPI document.
  step(['scripts/api-types.ts']).then(() => step([TSC, '--noEmit', '-p', 'web/tsconfig.json'])),
  step(['scripts/build.mjs']).then(() => step(['test/helpers/prepare-template.ts'])),
  postgresBin && startServerForRun(postgresBin).then(() => phases.push(`PostgreSQL ${seconds(began)}`)),
]);
// How long each step before the tests took (they overlap; docs/BENCHMARKS.md, "npm test"), and each test file after them: node_modules/.cache/mtc/test-times.txt.
console.log(`npm test: ready for the tests in ${seconds(began)}: ${phases.join(', ')}`);

const only = process.argv.slice(2);
// The longest files first, so that none is left running alone at the end while the other
// lane idles: in the order of the last run's times when this checkout has them
// (node_modules/.cache/mtc/test-times.txt), else these, measured on 2 cores (the browser
// tests run longest, mostly waiting on pages, so they overlap the CPU-bound files).
const LONGEST = [
  'test/web/browser.test.ts',
  'test/schema/adopt/adopt.test.ts',
  'test/http/hostile-input.test.ts',
  'test/http/lots.test.ts',
  'test/cli/start.test.ts',
  'test/cli/adopt.test.ts',
  'test/cli/serve-imports-crash.test.ts',
  'test/cli/import-terminal.test.ts',
];
const lastTimes = new Map();
try {
  for (const m of readFileSync('node_modules/.cache/mtc/test-times.txt', 'utf8').matchAll(/^\s*([\d.]+) s\s+\d+ tests\s+(\S+)$/gm))
    lastTimes.set(m[2], Number(m[1]));
} catch {
  // no earlier run here
}
const rank = (f) =>
  lastTimes.size > 0
    ? -(lastTimes.get(f) ?? lastTimes.get(f.replace('browser.test.ts', 'harness.ts')) ?? 0)
    : LONGEST.includes(f)
      ? LONGEST.indexOf(f) - LONGEST.length
      : 0;
const files =
  only.length > 0
    ? only
    : globSync('test/**/*.test.ts', { exclude: (p) => /(^|\/)(fixtures|\.[^/]*)$/.test(p) }).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
// As many files at a time as there are cores, and at least two (measured on 2 cores: a third
// file at a time made the whole run 8% slower, not faster).
// MTC_TEST_CONCURRENCY=N chooses another number.
const concurrency = String(Number(process.env.MTC_TEST_CONCURRENCY) || Math.max(2, availableParallelism()));
// Not spawnSync: a signal to this process is passed on to the runner, and this process ends
// when the runner has (the server stopped only then); a second signal ends it at once.
// Beside the spec reporter, scripts/test-times.mjs writes how long each file took.
mkdirSync('node_modules/.cache/mtc', { recursive: true });
const reporters = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/test-times.mjs',
  '--test-reporter-destination=node_modules/.cache/mtc/test-times.txt',
];
const runner = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...reporters, ...files], { stdio: 'inherit' });
atEnd((signal) => {
  if (runner.exitCode !== null || runner.signalCode !== null) return false;
  runner.kill(signal ?? 'SIGTERM');
  return signal !== null;
});
runner.on('exit', (code, signal) => process.exit(code ?? 128 + constants.signals[signal]));
