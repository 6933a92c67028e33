// Issue 20 point 1's reports and stock lists, answered in-process by a checkout's own code
// against a database, each timed alone (the least of --runs, wall clock, and the process's
// CPU time): the floor under what bench/api/run.mjs measures through HTTP. Its stdout is the
// answers as JSON, so two checkouts' answers can be compared byte for byte, e.g. main on the
// unmigrated data set and this branch on a migrated copy of it:
//   node bench/api/answers.mjs --root /path/to/main --database URL_OLD > old.json
//   node bench/api/answers.mjs --root . --database URL_NEW > new.json && cmp old.json new.json
import './../lib/node24.mjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { root: { type: 'string', default: '.' }, database: { type: 'string' }, runs: { type: 'string', default: '3' } } });
if (!values.database) {
  process.stderr.write('bench/api/answers.mjs: --database URL is required (a database bench/api/generate.mjs filled)\n');
  process.exit(2);
}
const from = (path) => import(pathToFileURL(resolve(values.root, path)).href);
const { openDatabase } = await from('src/db/index.ts');
const { lowStock } = await from('src/app/items/stock.ts');
const { stockValue } = await from('src/app/items/value.ts');
const { listLots } = await from('src/app/lots/lots.ts');
const { lotsByStatus, mostUsedVariants, stockNeededByOpenLots } = await from('src/app/lots/reports.ts');
const db = await openDatabase(values.database);
// The same requests as bench/api/run.mjs's, with the API's defaults.
const cases = [
  ['lots search', () => listLots(db, { q: 'order 12', limit: 50, offset: 0 })],
  ['stock low', () => lowStock(db, { limit: 50, offset: 0 })],
  ['stock value', () => stockValue(db, { by: 'variant', limit: 50, offset: 0 })],
  ['report lots by status', () => lotsByStatus(db, { from: '2026-01-01', to: '2026-12-31', period: 'month' })],
  ['report variant usage', () => mostUsedVariants(db, { limit: 20 })],
  ['report stock needs', () => stockNeededByOpenLots(db)],
];
const answers = {};
for (const [name, answer] of cases) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    answers[name] = await answer();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  process.stderr.write(
    `${name}: ${Math.min(...wall).toFixed(1)} ms (runs: ${wall.map((t) => t.toFixed(0)).join(', ')}), this process's CPU ${Math.min(...cpu).toFixed(1)} ms\n`,
  );
}
await db.close();
process.stdout.write(`${JSON.stringify(answers)}\n`);
