// `npm test`: type-check (the server, and the web app against the API's OpenAPI types), build the CLI and the web app,
// prepare a PGlite template once, then run every test file with node's test runner (each
// database test on PGlite, and on the PostgreSQL server named by MTC_TEST_DATABASE_URL when
// there is one).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
delete process.env.NODE_EXTRA_CA_CERTS; // no TLS in tests; saves every child node process ~40 ms

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { stdio: 'inherit' });
// The web app's types are checked against the API's, generated from its OpenAPI document.
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/api-types.ts'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web/tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', 'test/helpers/prepare-template.ts'], { stdio: 'inherit' });

function find(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'fixtures' || n.startsWith('.') ? [] : find(p);
    return n.endsWith('.test.ts') ? [p] : [];
  });
}
const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
if (!process.env.MTC_TEST_DATABASE_URL) {
  console.log('note: MTC_TEST_DATABASE_URL is not set, so tests on a PostgreSQL server are skipped (.ci/run starts one)');
}
const concurrency = String(Math.max(2, availableParallelism()));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
