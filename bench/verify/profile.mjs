// Where `mtc verify`'s time goes on a live database, in CPU time and round trips (not wall
// time, which a loaded machine makes meaningless), on the sources (src/, as it is):
//
//   node bench/verify/profile.mjs --database URL [--repeat N]
//
// Per catalog query: the server's CPU time (the backend's, from /proc, when the server runs
// here; else EXPLAIN ANALYZE's time), the median of N, and the rows and bytes it answers. Then the client's CPU time
// (process.cpuUsage, user + system, median of N) for parsing the answers and building the
// model, and for comparing the model with a copy of itself (what verify does when the
// database matches its snapshot), and the number of statements `verifyDatabase` sends.
// --json prints the figures as JSON.

import '../lib/node24.mjs';
import { readFileSync } from 'node:fs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const url = arg('--database');
const repeat = Number(arg('--repeat') ?? 5);
if (!url || !(repeat >= 1)) {
  console.error('usage: node bench/verify/profile.mjs --database URL [--repeat N] [--json]');
  process.exit(2);
}

const { connectLean } = await import('../../src/db/lean.ts');
const { inspect, inspectRaw, buildModel } = await import('../../src/schema/catalog/inspect.ts');
const { compareModels } = await import('../../src/schema/catalog/compare.ts');
const { verifyDatabase } = await import('../../src/schema/catalog/verify.ts');
const { CATALOG_QUERIES, INSPECT_QUERIES } = await import('../../src/schema/catalog/queries.ts');

const db = await connectLean(url);
if (!db) {
  console.error('the lean client cannot connect to that address (TLS or a password file?)');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = (f) => async () => {
  const c0 = process.cpuUsage();
  const out = await f();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, out };
};

// the server's time per query: the backend's CPU time from /proc/PID/schedstat when the
// server runs on this machine and its processes are readable (as root, or as its user),
// else EXPLAIN ANALYZE's planning + execution time (wall time on the server)
const schedstat = `/proc/${db.pid}/schedstat`;
const backendCpu = () => {
  try {
    return Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
};
const serverClock = backendCpu() === null ? 'EXPLAIN ANALYZE planning + execution (server wall time)' : 'backend CPU time (/proc/PID/schedstat)';
const queries = [];
for (const [kind, sql] of Object.entries(CATALOG_QUERIES)) {
  const server = [];
  let data = '[]';
  for (let i = 0; i < repeat; i++) {
    const c0 = backendCpu();
    if (c0 !== null) {
      const r = await db.query(sql);
      server.push(backendCpu() - c0);
      data = r.rows[0]?.data ?? '[]';
    } else {
      const r = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
      const plan = JSON.parse(Object.values(r.rows[0])[0])[0];
      server.push(plan['Planning Time'] + plan['Execution Time']);
      if (i === 0) data = (await db.query(sql)).rows[0]?.data ?? '[]';
    }
  }
  queries.push({ kind, server_ms: median(server), rows: JSON.parse(data).length, bytes: Buffer.byteLength(data) });
}

// the statements inspect sends (the few kinds together, the large ones one each): their server time together
const inspectServer = [];
for (let i = 0; i < repeat; i++) {
  let sum = 0;
  for (const { sql } of INSPECT_QUERIES) {
    const c0 = backendCpu();
    if (c0 !== null) {
      await db.query(sql);
      sum += backendCpu() - c0;
    } else {
      const plan = JSON.parse(Object.values((await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`)).rows[0])[0])[0];
      sum += plan['Planning Time'] + plan['Execution Time'];
    }
  }
  inspectServer.push(sum);
}

// the client's CPU: the whole inspection, then its parts
const counting = (q, sink) => ({
  query: (sql, params) => {
    sink.n++;
    return q.query(sql, params);
  },
  exec: (sql) => {
    sink.n++;
    return q.exec(sql);
  },
});
const inspectCpu = [];
const buildCpu = [];
const compareCpu = [];
const verifyCpu = [];
let model;
const statements = { n: 0 };
for (let i = 0; i < repeat; i++) {
  const whole = await cpuMs(() => inspect(db))();
  inspectCpu.push(whole.ms);
  model = whole.out;
  const raw = await inspectRaw(db);
  const build = await cpuMs(() => buildModel(raw))();
  buildCpu.push(build.ms);
  const copy = structuredClone(model);
  const cmp = await cpuMs(() => compareModels(copy, model, {}))();
  compareCpu.push(cmp.ms);
  statements.n = 0;
  const v = await cpuMs(() => verifyDatabase(counting(db, statements), async () => copy, { ignore: [], unmanaged: [] }))();
  if (v.out.differences !== 0) throw new Error(`verify found ${v.out.differences} differences between a model and its copy`);
  verifyCpu.push(v.ms);
}
await db.close();

const out = {
  database: url.replace(/\/\/[^@]*@/, '//'),
  tables: model.tables.length,
  repeat,
  server_clock: serverClock,
  queries,
  server_ms_total: queries.reduce((s, q) => s + q.server_ms, 0),
  server_ms_inspect: median(inspectServer),
  inspect_statements: INSPECT_QUERIES.length + 2,
  client_cpu_ms: {
    inspect: median(inspectCpu),
    build_model: median(buildCpu),
    compare: median(compareCpu),
    verify: median(verifyCpu),
  },
  verify_statements: statements.n,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 2));
else {
  console.log(`${out.database}: ${out.tables} tables; medians of ${repeat}; server: ${serverClock}`);
  for (const q of queries)
    console.log(
      `  ${q.kind.padEnd(12)} server ${q.server_ms.toFixed(1).padStart(8)} ms  ${String(q.rows).padStart(6)} rows  ${(q.bytes / 1024).toFixed(0).padStart(6)} KiB`,
    );
  console.log(
    `  ${'all'.padEnd(12)} server ${out.server_ms_total.toFixed(1).padStart(8)} ms one statement each; as inspect sends them (${out.inspect_statements} statements): ${out.server_ms_inspect.toFixed(1)} ms`,
  );
  const c = out.client_cpu_ms;
  console.log(
    `  client CPU: inspect ${c.inspect.toFixed(1)} ms (of which building the model from parsed rows ${c.build_model.toFixed(1)} ms), compare ${c.compare.toFixed(1)} ms, verifyDatabase ${c.verify.toFixed(1)} ms`,
  );
  console.log(`  statements verifyDatabase sends: ${out.verify_statements}`);
}
