// bench/api: throughput and p99 latency of the API's searches, lists and reports on a
// factory-sized database (bench/api/generate.mjs: 400,000 items, 1,000,000 variants,
// 5,000,000 ledger rows, 50,000 lots, 5,000 import jobs, 1,000,000 audit events by default),
// under 10 concurrent connections (autocannon), each beside a bare Fastify route answering the
// same bytes on the same machine in the same run (the ceiling).
// Usage: node bench/api/run.mjs [--seconds S] [--connections N] [--items N] [--variants-per-item K]
//   [--ledger N] [--lots N] [--imports N] [--audit N] [--only NAME,…] [--json]
// BENCH_API_DATABASE_URL: a database generate.mjs filled already (development: no set-up).
import '../lib/node24.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { PGBIN, runner, startServer, toolEnvironment } from '../lib/harness.mjs';
import { DEFAULT_SIZES, generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    items: { type: 'string' },
    'variants-per-item': { type: 'string' },
    ledger: { type: 'string' },
    lots: { type: 'string' },
    imports: { type: 'string' },
    audit: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo);
const log = (m) => process.stderr.write(`${m}\n`);

const sizes = { ...DEFAULT_SIZES };
for (const [flag, key] of [
  ['items', 'items'],
  ['variants-per-item', 'variantsPerItem'],
  ['ledger', 'ledger'],
  ['lots', 'lots'],
  ['imports', 'imports'],
  ['audit', 'audit'],
])
  if (values[flag] !== undefined) sizes[key] = Number(values[flag]);
let url;
if (process.env.BENCH_API_DATABASE_URL) {
  url = new URL(process.env.BENCH_API_DATABASE_URL);
  log(`database: ${url.pathname.slice(1)} as it is (BENCH_API_DATABASE_URL)`);
} else {
  const server = await startServer({ run, mustRun }, { prefix: 'mtc-api-pg-' });
  log(`server: ${server.description}`);
  url = new URL(server.adminUrl);
  url.pathname = '/mtc_api';
  mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-d', server.adminUrl, '-c', 'CREATE DATABASE mtc_api']);
  mustRun(process.execPath, ['bin/mtc.cjs', 'migrate', '--database', url.toString()]);
  generate(url.toString(), sizes, log);
}
const psql = (text) => mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-c', text]).trim();
const counted = psql(`SELECT (SELECT count(*) FROM public.item_master) || ' items, ' || (SELECT count(*) FROM public.item_variant) || ' variants, ' ||
  (SELECT count(*) FROM public.inventory_transactions) || ' ledger rows, ' || (SELECT count(*) FROM public.production_lots) || ' lots, ' ||
  (SELECT count(*) FROM public.import_jobs) || ' import jobs, ' || (SELECT count(*) FROM public.audit_events) || ' audit events'`);
log(`rows: ${counted}`);
const email = `bench-${process.pid}@example.com`;

const out = mustRun(process.execPath, ['bin/mtc.cjs', 'user', 'add', '--role', 'admin', '--email', email, '--database', url.toString(), '--json']);
const password = JSON.parse(out).password;

/** CPU time in ms of process `pid`, all its threads (the garbage collector's too): utime + stime of /proc/PID/stat, in ticks of 10 ms. */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Starts a process that prints "listening on URL" and resolves with that URL. */
function serve(argv, extraEnv = {}) {
  const child = spawn(process.execPath, argv, { cwd: repo, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolveUrl, reject) => {
    const seen = (d) => {
      text += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(text);
      if (m) resolveUrl({ child, address: m[1] });
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (c) => reject(new Error(`exited ${c}:\n${text}`)));
  });
}

const api = await serve(['bin/mtc.cjs', 'serve', '--port', '0', '--database', url.toString()], { LOG_LEVEL: 'warn' });
const login = await fetch(`${api.address}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, password }),
});
const session = login.headers.get('set-cookie').split(';')[0];
const { csrfToken } = await login.json();
const tokenRes = await fetch(`${api.address}/api/tokens`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', cookie: session, 'x-csrf-token': csrfToken },
  body: JSON.stringify({ name: 'bench' }),
});
const { token } = await tokenRes.json();
const headers = { authorization: `Bearer ${token}` };

// Each endpoint a factory's people use to find things, at the depth they use it.
const cases = [
  { name: 'item search', path: '/api/items?q=frame&limit=50' },
  { name: 'item search, 2 words', path: '/api/items?q=frame%20part123&limit=50' },
  { name: 'item search, rare', path: '/api/items?q=123456&limit=50' },
  { name: 'item list', path: '/api/items?limit=50' },
  { name: 'item list, page 100', path: '/api/items?limit=50&offset=4950' },
  { name: 'variant list', path: '/api/items/123456/variants' },
  { name: 'ledger', path: '/api/variants/12345/ledger?limit=50' },
  { name: 'lots', path: '/api/lots?limit=50' },
  { name: 'lots search', path: '/api/lots?q=order%2012&limit=50' },
  { name: 'imports', path: '/api/imports?limit=50' },
  { name: 'audit', path: '/api/audit?limit=50' },
  { name: 'audit, one item', path: '/api/audit?entity=item&entityId=4321&limit=50' },
  { name: 'stock low', path: '/api/stock/low?limit=50' },
  { name: 'stock value', path: '/api/stock/value?limit=50' },
  { name: 'report lots by status', path: '/api/reports/lots-by-status?from=2026-01-01&to=2026-12-31&period=month' },
  { name: 'report cost variance', path: '/api/reports/cost-variance' },
  { name: 'report variant usage', path: '/api/reports/variant-usage' },
  { name: 'report stock needs', path: '/api/reports/stock-needs' },
].filter((c) => !values.only || values.only.split(',').some((o) => c.name.startsWith(o)));
const results = [];
for (const c of cases) {
  const t0 = performance.now();
  const sample = await fetch(`${api.address}${c.path}`, { headers });
  if (sample.status !== 200) throw new Error(`${c.name}: ${sample.status} ${await sample.text()}`);
  const body = await sample.text();
  const alone = performance.now() - t0;
  const bodyFile = join(work, `api-${c.name.replace(/\W+/g, '-')}.json`);
  writeFileSync(bodyFile, body);
  const bare = await serve([join(here, 'bare.mjs'), bodyFile, '0']);
  const measure = (address) => autocannon({ url: `${address}${c.path}`, connections, duration: seconds, headers, timeout: 60 });
  await autocannon({ url: `${api.address}${c.path}`, connections, duration: 2, headers }); // warm-up
  const cpu0 = processCpuMs(api.child.pid);
  const real = await measure(api.address);
  // The API server's own CPU time (node, not PostgreSQL) for each request it answered.
  const serverCpuMs = (processCpuMs(api.child.pid) - cpu0) / Math.max(1, real.requests.total);
  const ceiling = await measure(bare.address);
  bare.child.kill();
  const row = {
    case: c.name,
    bytes: Buffer.byteLength(body),
    aloneMs: Math.round(alone),
    api: { rps: real.requests.average, p99: real.latency.p99, errors: real.errors + real.non2xx, serverCpuMs },
    bare: { rps: ceiling.requests.average, p99: ceiling.latency.p99, errors: ceiling.errors + ceiling.non2xx },
  };
  row.ratio = row.api.rps / row.bare.rps;
  results.push(row);
  log(
    `${c.name}: one request alone ${row.aloneMs} ms; api ${row.api.rps.toFixed(0)} req/s p99 ${row.api.p99} ms, server CPU ${serverCpuMs.toFixed(2)} ms/req; bare ${row.bare.rps.toFixed(0)} req/s p99 ${row.bare.p99} ms; ratio ${row.ratio.toFixed(3)}`,
  );
}
api.child.kill('SIGTERM');
const meta = {
  date: new Date().toISOString(),
  rows: counted,
  cpus: availableParallelism(),
  memGiB: Math.round(totalmem() / 2 ** 30),
  connections,
  seconds,
  node: process.version,
};
writeFileSync(join(work, 'api-results.json'), JSON.stringify({ meta, results }, null, 2));
if (values.json) console.log(JSON.stringify({ meta, results }, null, 2));
else {
  console.log(`\n${'case'.padEnd(24)}  bytes  alone ms   api req/s  api p99 ms  cpu ms/req  bare req/s  bare p99 ms  api/bare`);
  for (const r of results)
    console.log(
      `${r.case.padEnd(24)} ${String(r.bytes).padStart(6)}  ${String(r.aloneMs).padStart(8)}  ${r.api.rps.toFixed(0).padStart(10)}  ${String(r.api.p99).padStart(10)}  ${r.api.serverCpuMs.toFixed(2).padStart(10)}  ${r.bare.rps.toFixed(0).padStart(10)}  ${String(r.bare.p99).padStart(11)}  ${r.ratio.toFixed(3).padStart(8)}`,
    );
  console.log(`${connections} connections, ${seconds} s each, ${meta.cpus} CPUs; errors: ${results.map((r) => r.api.errors + r.bare.errors).join(', ')}`);
}
process.exit(0);
