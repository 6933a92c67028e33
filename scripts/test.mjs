// `npm test`: type-check (the server, and the web app against the API's OpenAPI types), build the CLI and the web app,
// prepare a PGlite template once, then run every test file with node's test runner (each
// database test on PGlite, and on the PostgreSQL server named by MTC_TEST_DATABASE_URL when
// there is one). Everything runs on the Node that runs MTC (bin/node-runtime.cjs), which
// runs the TypeScript sources as they are, by stripping their types.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { globSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
if (createRequire(import.meta.url)('../bin/node-runtime.cjs').relaunchOnSupportedNode(root, 'npm test')) await new Promise(() => {});
console.log(`npm test: Node.js ${process.version} (${process.execPath})`);
delete process.env.NODE_EXTRA_CA_CERTS; // no TLS in tests; saves every child node process ~40 ms

// The steps before the tests, two at a time (they are independent but for the web app's
// type-check, which needs the API's types first); any failure stops here with its output.
const run = promisify(execFile);
const step = (args) =>
  run(process.execPath, args, { maxBuffer: 64 << 20 }).then(
    ({ stdout, stderr }) => process.stdout.write(stdout + stderr),
    (err) => {
      process.stdout.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
      console.error(`npm test: ${args.join(' ')} failed`);
      process.exit(1);
    },
  );
await Promise.all([
  step(['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']),
  // The web app's types are checked against the API's, generated from its OpenAPI document.
  step(['scripts/api-types.ts']).then(() => step(['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web/tsconfig.json'])),
  step(['scripts/build.mjs']).then(() => step(['test/helpers/prepare-template.ts'])),
]);

const only = process.argv.slice(2);
// The browser tests first: their file runs longest (over three minutes) while mostly waiting
// on pages, so started first it overlaps the CPU-bound files instead of running alone at the end.
const FIRST = ['test/web/browser.test.ts'];
const files = only.length > 0 ? only : globSync('test/**/*.test.ts', { exclude: (p) => /(^|\/)(fixtures|\.[^/]*)$/.test(p) }).sort((a, b) => Number(FIRST.includes(b)) - Number(FIRST.includes(a)) || (a < b ? -1 : 1));
if (!process.env.MTC_TEST_DATABASE_URL) {
  console.log('note: MTC_TEST_DATABASE_URL is not set, so tests on a PostgreSQL server are skipped (.ci/run starts one)');
}
// As many files at a time as there are cores, and at least two (measured on 2 cores: a third
// file at a time made the whole run 8% slower, not faster).
const concurrency = String(Math.max(2, availableParallelism()));
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
