// bench/api's item searches and lists one at a time, in this process (no HTTP): for each, the
// median and fastest of 20 calls of findItems after 3 warm-ups, this process's CPU time per
// call (node: the pg client, building the SQL) and the database round trips per call. The
// machine's other work counts in the wall times, not in the round trips.
// Usage: node bench/api/search-alone.mts postgres://…/database   (one bench/api/generate.mjs filled)
import '../lib/node24.mjs';
import { findItems } from '../../src/app/items/items.ts';
import type { ItemFilter } from '../../src/app/items/items.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Queryable } from '../../src/db/types.ts';

const db = await openDatabase(process.argv[2] ?? '');
let trips = 0;
const counted = <Q extends Queryable>(q: Q): Q => ({ ...q, query: (sql: string, params?: readonly unknown[]) => (trips++, q.query(sql, params)) });
const counting = {
  ...counted(db),
  // BEGIN and COMMIT are a round trip each.
  transaction: <T,>(fn: (tx: Queryable) => Promise<T>) => ((trips += 2), db.transaction((tx) => fn(counted(tx)))),
} as typeof db;
const cases: [string, Partial<ItemFilter>][] = [
  ['item search q=frame', { q: 'frame' }],
  ['item search, 2 words', { q: 'frame part123' }],
  ['item search, rare word', { q: '123456' }],
  ['item list', {}],
  ['item list, page 100', { offset: 4950 }],
  // Migration 0034's codes and barcodes (bench/api/generate.mjs gives none: see docs/BENCHMARKS.md for how they were set).
  ['item search, exact code', { q: 'SKU-0123456' }],
  ['item search, barcode', { q: '4000000123456' }],
  ['item search, code start', { q: 'sku-012345' }],
];
for (const [name, f] of cases) {
  const filter = { limit: 50, offset: 0, ...f };
  for (let k = 0; k < 3; k++) await findItems(counting, filter);
  const times: number[] = [];
  trips = 0;
  const cpu = process.cpuUsage();
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    await findItems(counting, filter);
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(24)} median ${times[10]!.toFixed(1).padStart(6)} ms  fastest ${times[0]!.toFixed(1).padStart(6)} ms  node CPU ${((used.user + used.system) / 20_000).toFixed(2)} ms  round trips ${trips / 20}`,
  );
}
await db.close();
