// `npm start` on an existing embedded database, against its floor, side by side in one run:
//   - floor: a Node process that only opens PGlite on that directory, answers one query and
//     closes it (bench/cli/pglite-open.mjs), with V8's default WebAssembly tiering, timed
//     until it says it is done (its exit may wait for V8's background compiling);
//   - npm start: `node scripts/start.mjs` (what `npm start` runs, without npm's own launcher),
//     timed until its server answers GET /health, then stopped with SIGTERM; once as it ships
//     and once with MTC_WASM_OPTIMISE=0 (src/db/wasm.ts: no optimising compiler for PGlite's
//     WebAssembly, not even in mtc serve).
// The database is made once (migrated and seeded by a first npm start, in a copy of what npm
// start needs). Each is a whole process: wall time, and the process's CPU time (user and
// system, all threads: /proc/PID/stat when /health answers; the floor's own at its end).
// In rotation after one untimed round, medians of --runs (default 7).
//
//   node bench/cli/npm-start.mjs [--runs N] [--json]
import '../lib/node24.mjs';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, toolEnvironment } from '../lib/harness.mjs';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 7;
const json = args.includes('--json');
const log = (s) => (json ? process.stderr : process.stdout).write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'mtc-bench-npm-start-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const part of ['bin', 'dist', 'migrations', 'db', 'scripts', 'package.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
const { env } = toolEnvironment();
const base = { ...env, LOG_LEVEL: 'warn' };

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const ticks = 100; // USER_HZ on Linux
const cpuOf = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
};

/** One `node scripts/start.mjs`: ms until /health answers 200, and its CPU ms by then. */
async function npmStart(extraEnv) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: dir,
    env: { ...base, ...extraEnv, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let result;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${err}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      result = { ms: performance.now() - t0, cpuMs: cpuOf(child.pid) };
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`npm start stopped with ${code}:\n${err}`);
  return result;
}

/**
 * The floor: open PGlite on the directory, one query, close; timed until it says so (not its
 * exit, where V8 may still finish optimising PGlite's WebAssembly in the background).
 */
async function floor() {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bench', 'cli', 'pglite-open.mjs'), join(dir, '.mtc', 'pgdata')], {
    env: base,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const said = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ ms: performance.now() - t0, cpuMs: JSON.parse(out).cpuMs });
    });
  });
  const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));
  if (code !== 0) throw new Error(`the PGlite open failed (${code})`);
  return said;
}

log('making the database: a first npm start (migrate, seed, first admin) …');
await npmStart({});
const ways = [
  { name: 'PGlite open on the directory (floor)', run: floor },
  { name: 'npm start (node scripts/start.mjs) to /health', run: () => npmStart({}) },
  { name: 'npm start, MTC_WASM_OPTIMISE=0', run: () => npmStart({ MTC_WASM_OPTIMISE: '0' }) },
];
const samples = ways.map(() => []);
const load0 = loadavg();
for (let round = 0; round <= runs; round++) {
  for (const [i, w] of ways.entries()) {
    const s = await w.run();
    if (round > 0) samples[i].push(s);
  }
}
const load1 = loadavg();
const floorMs = median(samples[0].map((s) => s.ms));
const floorCpu = median(samples[0].map((s) => s.cpuMs));
const rows = ways.map((w, i) => {
  const ms = median(samples[i].map((s) => s.ms));
  const cpuMs = median(samples[i].map((s) => s.cpuMs));
  return {
    way: w.name,
    wall_ms: Math.round(ms),
    x_floor: Number((ms / floorMs).toFixed(2)),
    cpu_ms: Math.round(cpuMs),
    cpu_x_floor: Number((cpuMs / floorCpu).toFixed(2)),
  };
});
const loads = `load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after`;
if (json) process.stdout.write(`${JSON.stringify({ runs, loads, rows }, null, 2)}\n`);
else {
  log(`\nnpm start on an existing embedded database: medians of ${runs}; ${loads}`);
  log(`${'way'.padEnd(48)} ${'wall ms'.padStart(8)} ${'× floor'.padStart(8)} ${'cpu ms'.padStart(8)} ${'× floor'.padStart(8)}`);
  for (const r of rows)
    log(
      `${r.way.padEnd(48)} ${String(r.wall_ms).padStart(8)} ${r.x_floor.toFixed(2).padStart(8)} ${String(r.cpu_ms).padStart(8)} ${r.cpu_x_floor.toFixed(2).padStart(8)}`,
    );
}
