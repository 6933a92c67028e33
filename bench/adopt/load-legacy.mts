// Loads the legacy fixture (test/fixtures/legacy/) into an empty database, its rows times
// --scale, with the test helpers' loader and scaling (test/helpers/legacy.ts), so that the
// benchmark and the tests scale the same way:
//
//   node bench/adopt/load-legacy.mts --database postgres://... [--scale N]
//
// Then VACUUM (FREEZE, ANALYZE): the database is at rest, as an old application's would be
// (hint bits set, statistics gathered), so that no copy of it pays for that later.
// Prints one line of JSON: the seconds each stage took.
import '../lib/node24.mjs';
import { openDatabase } from '../../src/db/open.ts';
import { loadLegacyData, loadLegacySchema } from '../../test/helpers/legacy.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const url = arg('--database');
const scale = Number(arg('--scale') ?? '1');
if (!url || !/^postgres(ql)?:\/\//.test(url) || !Number.isInteger(scale) || scale < 1) {
  console.error('usage: node bench/adopt/load-legacy.mts --database postgres://... [--scale N]');
  process.exit(2);
}

const t0 = performance.now();
const db = await openDatabase(url);
try {
  await loadLegacySchema(db);
  const t1 = performance.now();
  await loadLegacyData(db, { scale });
  const t2 = performance.now();
  await db.exec('VACUUM (FREEZE, ANALYZE)');
  const t3 = performance.now();
  console.log(JSON.stringify({ schema_s: (t1 - t0) / 1000, data_s: (t2 - t1) / 1000, vacuum_s: (t3 - t2) / 1000 }));
} finally {
  await db.close();
}
