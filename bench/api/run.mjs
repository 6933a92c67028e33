// bench/api: throughput and p99 latency of the API's item search and variant list with
// 20,000 items and 100,000 variants, under 50 concurrent connections (autocannon), beside a
// bare Fastify route answering the same bytes on the same machine in the same run (the
// ceiling). Usage: node bench/api/run.mjs [--seconds S] [--connections N] [--json]
import '../lib/node24.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { PGBIN, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, json: { type: 'boolean' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const { env } = toolEnvironment();
const { run, mustRun } = runner(env, repo);
const log = (m) => process.stderr.write(`${m}\n`);

const server = await startServer({ run, mustRun }, { prefix: 'mtc-api-pg-' });
log(`server: ${server.description}`);
const url = new URL(server.adminUrl);
url.pathname = '/mtc_api';
const psql = (text) => mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-c', text]).trim();
mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-d', server.adminUrl, '-c', 'CREATE DATABASE mtc_api']);
mustRun(process.execPath, ['bin/mtc.cjs', 'migrate', '--database', url.toString()]);

log('loading 20,000 items and 100,000 variants');
psql(`
INSERT INTO public.model_master (model_name) SELECT 'Model ' || g FROM generate_series(1, 50) g;
INSERT INTO public.variation_master (variation_name) SELECT 'Variation ' || g FROM generate_series(1, 20) g;
INSERT INTO public.color_master (color_name) SELECT 'Colour ' || g FROM generate_series(1, 10) g;
INSERT INTO public.size_master (size_name) SELECT 'Size ' || g FROM generate_series(1, 10) g;
INSERT INTO public.item_master (name, description, category, model_id, variation_id)
  SELECT (ARRAY['Frame','Fork','Wheel','Tyre','Saddle','Pédale','Chain','Brake','Handlebar','Mudguard'])[1 + g % 10] || ' ' || g,
         'Item ' || g, 'Category ' || (g % 12), 1 + g % 50, 1 + g % 20
    FROM generate_series(1, 20000) g;
INSERT INTO public.item_variant (item_id, color_id, size_id, unit, stock, reorder_threshold)
  SELECT i.item_id, 1 + (v % 10), 1 + (v / 10) % 10, 'pcs', (i.item_id * 7 + v) % 200, 20
    FROM public.item_master i CROSS JOIN generate_series(0, 4) v;
ANALYZE;`);
log(`rows: ${psql('SELECT count(*) FROM public.item_master')} items, ${psql('SELECT count(*) FROM public.item_variant')} variants`);

const out = mustRun(process.execPath, [
  'bin/mtc.cjs',
  'user',
  'add',
  '--role',
  'admin',
  '--email',
  'bench@example.com',
  '--database',
  url.toString(),
  '--json',
]);
const password = JSON.parse(out).password;

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
  body: JSON.stringify({ email: 'bench@example.com', password }),
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

const cases = [
  { name: 'item search', path: '/api/items?q=fram&limit=50' },
  { name: 'variant list', path: '/api/items/12345/variants' },
];
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
  const real = await measure(api.address);
  const ceiling = await measure(bare.address);
  bare.child.kill();
  const row = {
    case: c.name,
    bytes: Buffer.byteLength(body),
    aloneMs: Math.round(alone),
    api: { rps: real.requests.average, p99: real.latency.p99, errors: real.errors + real.non2xx },
    bare: { rps: ceiling.requests.average, p99: ceiling.latency.p99, errors: ceiling.errors + ceiling.non2xx },
  };
  row.ratio = row.api.rps / row.bare.rps;
  results.push(row);
  log(
    `${c.name}: one request alone ${row.aloneMs} ms; api ${row.api.rps.toFixed(0)} req/s p99 ${row.api.p99} ms; bare ${row.bare.rps.toFixed(0)} req/s p99 ${row.bare.p99} ms; ratio ${row.ratio.toFixed(3)}`,
  );
}
api.child.kill('SIGTERM');
const meta = {
  date: new Date().toISOString(),
  cpus: availableParallelism(),
  memGiB: Math.round(totalmem() / 2 ** 30),
  connections,
  seconds,
  node: process.version,
};
writeFileSync(join(work, 'api-results.json'), JSON.stringify({ meta, results }, null, 2));
if (values.json) console.log(JSON.stringify({ meta, results }, null, 2));
else {
  console.log(`\ncase          bytes  alone ms   api req/s  api p99 ms  bare req/s  bare p99 ms  api/bare`);
  for (const r of results)
    console.log(
      `${r.case.padEnd(12)} ${String(r.bytes).padStart(6)}  ${String(r.aloneMs).padStart(8)}  ${r.api.rps.toFixed(0).padStart(10)}  ${String(r.api.p99).padStart(10)}  ${r.bare.rps.toFixed(0).padStart(10)}  ${String(r.bare.p99).padStart(11)}  ${r.ratio.toFixed(3).padStart(8)}`,
    );
  console.log(`${connections} connections, ${seconds} s each, ${meta.cpus} CPUs; errors: ${results.map((r) => r.api.errors + r.bare.errors).join(', ')}`);
}
process.exit(0);
