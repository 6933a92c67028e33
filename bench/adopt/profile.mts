// Where `mtc adopt`'s time goes, on the sources (src/, as it is: Node 24 strips its types): the same work as
// src/cli/commands/adopt.ts (plan, snapshot model through PGlite, mapping, adopt), with every
// statement sent to the server timed. Adopts for real (it commits) unless --dry-run.
//
//   node bench/adopt/profile.mts --database postgres://... [--dry-run]
//
// Prints one line of JSON: `stages` (seconds: modules, plan, snapshot model, then adopt's own
// progress phases), `statements` (every statement of 5 ms or more: seconds, phase, kind,
// rows, its first 200 characters), and `totals` per kind of statement (catalog inspection,
// data, DDL, other) and phase.
import '../lib/node24.mjs';
import { CATALOG_QUERIES } from '../../src/schema/catalog/queries.ts';
import type { Database, QueryResult, Session } from '../../src/db/types.ts';

const t00 = performance.now();
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const url = arg('--database');
const dryRun = process.argv.includes('--dry-run');
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('usage: node bench/adopt/profile.mts --database postgres://... [--dry-run]');
  process.exit(2);
}

const { openDatabase } = await import('../../src/db/open.ts');
const { loadMigrations } = await import('../../src/schema/migrations/source.ts');
const { planMigrations } = await import('../../src/schema/migrations/plan.ts');
const { loadSnapshotModel } = await import('../../src/cli/snapshot.ts');
const { loadConfig } = await import('../../src/cli/config.ts');
const { legacyMapping } = await import('../../src/app/legacy/mapping.ts');
const { adopt } = await import('../../src/schema/adopt/adopt.ts');

const stages: [string, number][] = [];
let last = t00;
const stamp = (label: string) => {
  const now = performance.now();
  stages.push([label, (now - last) / 1000]);
  last = now;
};
stamp('modules (src/, types stripped)');

const plan = planMigrations(await loadMigrations('migrations'));
const config = await loadConfig();
stamp('read and plan the migrations, config');
const ctx = { snapshot: 'db/schema.sql', isTTY: false, json: true } as Parameters<typeof loadSnapshotModel>[0];
const target = await loadSnapshotModel(ctx);
stamp('snapshot model (db/schema.sql through PGlite)');

// Every statement timed, labelled with the phase adopt last announced.
const catalogLabels = new Map<string, string>(Object.entries(CATALOG_QUERIES).map(([k, v]) => [v as string, k]));
interface Sample {
  s: number;
  phase: string;
  kind: string;
  rows: number;
  sql: string;
}
const samples: Sample[] = [];
let phase = 'connect, lock, read the ledger';
const kindOf = (sql: string): string => {
  if (
    catalogLabels.has(sql) ||
    (/pg_catalog\.(pg_class|pg_attribute|pg_namespace|pg_constraint|pg_index|current_setting|set_config)|to_regclass/.test(sql) &&
      !/^\s*(INSERT|UPDATE|DELETE|ALTER|CREATE|DROP)/i.test(sql))
  )
    return 'catalog';
  if (/^\s*(?:WITH\b[\s\S]*?\)\s*)?(INSERT|UPDATE|DELETE)\b/i.test(sql)) return 'data change';
  if (/^\s*(ALTER|CREATE|DROP|COMMENT)\b/i.test(sql)) return 'DDL';
  if (/^\s*SELECT\b/i.test(sql)) return 'data read';
  return 'other';
};
function timedSession(s: Session): Session {
  const record = (sql: string, t0: number, rows: number) =>
    samples.push({
      s: (performance.now() - t0) / 1000,
      phase,
      kind: kindOf(sql),
      rows,
      sql: catalogLabels.get(sql) ?? sql.replace(/\s+/g, ' ').trim().slice(0, 200),
    });
  return {
    pid: s.pid,
    keepsState: s.keepsState,
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const t0 = performance.now();
      const r = await s.query<R>(sql, params);
      record(sql, t0, r.rowCount);
      return r;
    },
    async exec(sql: string): Promise<void> {
      const t0 = performance.now();
      await s.exec(sql);
      record(sql, t0, 0);
    },
  };
}

const db = await openDatabase(url);
const timed: Database = {
  kind: db.kind,
  concurrent: db.concurrent,
  location: db.location,
  query: (sql, params) => db.query(sql, params),
  exec: (sql) => db.exec(sql),
  transaction: (fn) => db.transaction(fn),
  session: (fn) => db.session((s) => fn(timedSession(s))),
  close: () => db.close(),
};
stamp('connect');
const phaseStart = new Map<string, number>();
let phaseT = performance.now();
const onProgress = (m: string) => {
  const now = performance.now();
  phaseStart.set(phase, (phaseStart.get(phase) ?? 0) + (now - phaseT) / 1000);
  phase = m;
  phaseT = now;
};
try {
  const result = await adopt(timed, plan, { target, mapping: legacyMapping({ currency: 'INR' }), dryRun, unmanaged: config.unmanaged, onProgress });
  onProgress('end');
  for (const [p, s] of phaseStart) stages.push([`adopt: ${p}`, s]);
  last = performance.now();
  await db.close();
  stamp('close');
  const totals: Record<string, { n: number; s: number }> = {};
  for (const x of samples) {
    for (const key of [`kind: ${x.kind}`, `phase: ${x.phase}`]) {
      const t = (totals[key] ??= { n: 0, s: 0 });
      t.n++;
      t.s += x.s;
    }
  }
  console.log(
    JSON.stringify({
      dry_run: dryRun,
      actions: result.actions.length,
      adopted: result.adopted.length,
      total_s: (performance.now() - t00) / 1000,
      stages,
      totals,
      statements: samples.filter((x) => x.s >= 0.005).sort((a, b) => b.s - a.s),
    }),
  );
} catch (err) {
  await db.close().catch(() => {});
  throw err;
}
