// What every benchmark here needs: running tools with a clean environment, timing whole
// processes, medians, and a throwaway PostgreSQL cluster on 127.0.0.1 (as the postgres
// user when run as root), stopped and removed when the process exits.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PGBIN = process.env.BENCH_PGBIN ?? '/usr/lib/postgresql/15/bin';
export const SERVER_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

/** The environment every tool runs with: no NODE_EXTRA_CA_CERTS (~40 ms per Node process here), no PG* or DATABASE_URL. */
export function toolEnvironment() {
  const env = { ...process.env };
  const removed = [];
  for (const k of Object.keys(env)) {
    if (k === 'NODE_EXTRA_CA_CERTS' || k === 'DATABASE_URL' || /^PG[A-Z]+$/.test(k) || k === 'NODE_OPTIONS') {
      removed.push(k);
      delete env[k];
    }
  }
  return { env, removed };
}

export const tail = (s, n) =>
  String(s ?? '')
    .trim()
    .split('\n')
    .slice(-n)
    .join('\n');
export const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

/** run / mustRun / timed with a fixed environment and working directory. */
export function runner(env, cwd, defaultTimeout = 300_000) {
  const run = (cmd, argv, opts = {}) =>
    spawnSync(cmd, argv, {
      encoding: 'utf8',
      env: opts.env ?? env,
      cwd: opts.cwd ?? cwd,
      timeout: opts.timeout ?? defaultTimeout,
      maxBuffer: 64 << 20,
      input: opts.input,
    });
  const mustRun = (cmd, argv, opts) => {
    const r = run(cmd, argv, opts);
    if (r.status !== 0)
      throw new Error(`${cmd} ${argv.join(' ').slice(0, 200)} failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail(r.stderr || r.stdout, 20)}`);
    return r.stdout;
  };
  const timed = (cmd, argv, opts) => {
    const t0 = process.hrtime.bigint();
    const r = run(cmd, argv, opts);
    return { s: Number(process.hrtime.bigint() - t0) / 1e9, ok: r.status === 0 && !r.error, r };
  };
  return { run, mustRun, timed };
}

const freePort = () =>
  new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });

/**
 * A server to measure on: BENCH_DATABASE_URL if set, else a throwaway cluster with
 * SERVER_SETTINGS plus `extraSettings`. Returns its admin URL and a description for the log.
 */
export async function startServer({ run, mustRun }, { prefix, extraSettings = [] }) {
  if (process.env.BENCH_DATABASE_URL) return { adminUrl: process.env.BENCH_DATABASE_URL, description: 'BENCH_DATABASE_URL (settings as that server has them)' };
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const root = process.getuid?.() === 0;
  const asPostgres = (cmd, argv) => (root ? run('runuser', ['-u', 'postgres', '--', cmd, ...argv], { cwd: dir }) : run(cmd, argv, { cwd: dir }));
  if (root) {
    const id = (flag) => Number(mustRun('id', [flag, 'postgres']).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    asPostgres(join(PGBIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(sig, () => {
      stop();
      process.exit(130);
    });
  const port = await freePort();
  let r = asPostgres(join(PGBIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (r.status !== 0) throw new Error(`initdb failed:\n${tail(r.stderr || r.error?.message, 20)}`);
  const settings = [...SERVER_SETTINGS, ...extraSettings];
  const opts = ['-c listen_addresses=127.0.0.1', `-p ${port}`, `-c unix_socket_directories=${dir}`, ...settings.map((s) => `-c ${s}`)].join(' ');
  r = asPostgres(join(PGBIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-o', opts, 'start']);
  if (r.status !== 0) {
    throw new Error(
      `pg_ctl start failed:\n${tail(r.stderr || r.stdout, 10)}\n${existsSync(join(dir, 'server.log')) ? tail(readFileSync(join(dir, 'server.log'), 'utf8'), 10) : ''}`,
    );
  }
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    description: `throwaway cluster on 127.0.0.1:${port}, data in ${dir}, with ${settings.join(' ')}`,
    /** The CPU time (ms) the cluster's processes have used so far: the postmaster and its children (Linux). */
    cpuMs: () => clusterCpuMs(Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])),
    /** Waits (up to `ms`) until no client's backend is left: an ended connection's CPU time then counts in clusterCpuMs (Linux). */
    clientsGone: (ms = 2000) => clientsGone(Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]), ms),
  };
}

/**
 * The CPU time in ms (on a CPU, from /proc/PID/schedstat) of process `pid` and its children:
 * for a PostgreSQL cluster, the postmaster and every backend, so a statement's work is counted
 * whichever backend ran it and however loaded the machine was. Backends that have exited
 * count too (the postmaster's reaped children, `cutime + cstime`, to a clock tick: 10 ms), so
 * a whole client process's server work is the difference of two readings around it.
 */
export function clusterCpuMs(pid) {
  const onCpu = (p) => {
    try {
      return Number(readFileSync(`/proc/${p}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return 0; // gone meanwhile
    }
  };
  // the children it has reaped (backends of connections that have ended): cutime + cstime, in clock ticks
  let ms = onCpu(pid) + reapedMs(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) ms += onCpu(entry);
    } catch {
      // gone meanwhile
    }
  }
  return ms;
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl, name) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** psql on `db` with ON_ERROR_STOP, through `mustRun`. */
export const psqlRunner =
  (mustRun) =>
  (db, ...args) =>
    mustRun(join(PGBIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, ...args]);

/** CPU time in ms of the children `pid` has waited for (fields cutime and cstime of /proc/PID/stat; USER_HZ is 100 on Linux). */
function reapedMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}

/** Waits up to `ms` until process `pid` (a postmaster) has no child serving a client over TCP (a title naming `host(port)`) nor any ended and not reaped. */
function clientsGone(pid, ms) {
  const until = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let clients = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(ppid) !== pid) continue;
        // a client's backend, or any child ended and not yet reaped (its CPU time not yet the postmaster's)
        if (state === 'Z' || /\d\(\d+\)/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) clients++;
      } catch {
        // gone meanwhile
      }
    }
    if (clients === 0 || Date.now() > until) return clients === 0;
    Atomics.wait(pause, 0, 0, 20);
  }
}
