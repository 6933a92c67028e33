// Where `mtc verify`'s time goes, stage by stage, on the sources (src/, as it is: Node 24 strips its types):
//
//   node bench/verify/phases.mjs --database URL --snapshot FILE
//
// Mirrors src/cli/commands/verify.ts: live inspection, PGlite start from the cached
// template, the snapshot's exec, inspection of PGlite, comparison. Prints seconds per
// stage and, for both inspections, per catalog query.

import '../lib/node24.mjs';
import { readFile } from 'node:fs/promises';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const url = arg('--database');
const file = arg('--snapshot');
if (!url || !file) {
  console.error('usage: node bench/verify/phases.mjs --database URL --snapshot FILE');
  process.exit(2);
}

const t = [];
let last = performance.now();
const stamp = (label) => {
  const now = performance.now();
  t.push([label, (now - last) / 1000]);
  last = now;
};

const { openDatabase } = await import('../../src/db/open.ts');
const { inspect } = await import('../../src/schema/catalog/inspect.ts');
const { compareModels } = await import('../../src/schema/catalog/compare.ts');
const { openScratchDatabase } = await import('../../src/db/scratch.ts');
const { CATALOG_QUERIES, INSPECT_QUERIES } = await import('../../src/schema/catalog/queries.ts');
const labels = new Map([...Object.entries(CATALOG_QUERIES).map(([k, v]) => [v, k]), ...INSPECT_QUERIES.map((s) => [s.sql, s.kinds.join('+')])]);
stamp('load modules');

// per-query timings of an inspection
function timedQueryable(db, sink) {
  return {
    async query(sql, params) {
      const t0 = performance.now();
      const r = await db.query(sql, params);
      const key = labels.get(sql) ?? sql.replace(/\s+/g, ' ').slice(0, 30);
      sink.push([key, (performance.now() - t0) / 1000]);
      return r;
    },
    exec: (sql) => db.exec(sql),
  };
}
const liveQ = [];
const scratchQ = [];
const snapshot = await readFile(file, 'utf8');
const live = await openDatabase(url);
stamp('live: connect');
const actual = await inspect(timedQueryable(live, liveQ));
stamp('live: inspect');
await live.close();
let scratch = await openScratchDatabase();
stamp('PGlite: start from cached template');
try {
  await scratch.exec(snapshot);
  stamp(`PGlite: exec snapshot (${(snapshot.length / 1024).toFixed(0)} KiB)`);
} catch (err) {
  // As verify fails. What-if, to see the rest: a fresh PGlite from the same template with a
  // larger lock table (max_locks_per_transaction=8192; the snapshot loads in one implicit
  // transaction, which locks every relation it creates).
  stamp(`PGlite: exec snapshot FAILED: ${String(err.message ?? err).split('\n')[0]}`);
  await scratch.close();
  const { PGlite } = await import('@electric-sql/pglite');
  const { homedir } = await import('node:os');
  const dir = `${process.env.XDG_CACHE_HOME || `${homedir()}/.cache`}/mtc`;
  const { readdirSync } = await import('node:fs');
  const tpl = readdirSync(dir).find((f) => /^pglite-.*\.tar\.gz$/.test(f));
  const pg = await PGlite.create({
    loadDataDir: new Blob([await readFile(`${dir}/${tpl}`)]),
    parsers: { 20: (v) => v, 1700: (v) => v, 1082: (v) => v },
    startParams: [...PGlite.defaultStartParams, '-c', 'max_locks_per_transaction=8192'],
  });
  scratch = {
    query: async (sql, p) => {
      const r = await pg.query(sql, p ?? []);
      return { rows: r.rows, rowCount: r.rows.length };
    },
    exec: (sql) => pg.exec(sql),
    close: () => pg.close(),
  };
  stamp('PGlite: start again with max_locks_per_transaction=8192 (what-if)');
  await scratch.exec(snapshot);
  stamp(`PGlite: exec snapshot (${(snapshot.length / 1024).toFixed(0)} KiB) (what-if)`);
}
const expected = await inspect(timedQueryable(scratch, scratchQ));
stamp('PGlite: inspect');
await scratch.close();
stamp('PGlite: close');
const findings = compareModels(expected, actual, {});
stamp(`compare (${findings.length} findings)`);

const total = t.reduce((s, [, x]) => s + x, 0);
for (const [label, s] of t) console.log(`${s.toFixed(3).padStart(8)} s  ${label}`);
console.log(`${total.toFixed(3).padStart(8)} s  total (excluding node start)`);
const byQuery = (xs) =>
  xs
    .filter(([, s]) => s >= 0.01)
    .map(([k, s]) => `${k} ${s.toFixed(2)}`)
    .join(', ');
console.log(`live queries >= 10 ms: ${byQuery(liveQ)}`);
console.log(`PGlite queries >= 10 ms: ${byQuery(scratchQ)}`);
