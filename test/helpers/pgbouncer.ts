// PgBouncer in front of the test server, as a deployment with several application servers
// puts one: Debian's pgbouncer (npm test installs it, scripts/test-setup.ts), started on a
// free port of 127.0.0.1 with a config and an auth file of its own in a temp directory, and
// stopped (its directory removed) by `stop()` or when the test process ends, however it ends.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGBOUNCER, atEnd, freePort, postgresUid } from '../../scripts/test-setup.ts';

/** A PgBouncer of the test's own. */
export interface Pooler {
  /** How it pools: each transaction on any server connection, or each client on one of its own. */
  mode: 'transaction' | 'session';
  port: number;
  /** The URL of `databaseUrl`'s database (a URL of the server behind it) through this pooler. */
  through(databaseUrl: string): string;
  /** What it logged. */
  log(): string;
  /** Stops it and removes its directory; synchronous, so it can run as the process exits. */
  stop(): void;
}

/**
 * Starts PgBouncer in `mode` in front of the PostgreSQL server `serverUrl` names (every
 * database on it, as the same user and password). As root it runs as the postgres user
 * (PgBouncer refuses root). Rejects naming the command to run when PgBouncer is not installed,
 * and with its log when it does not start.
 */
export async function startPgBouncer(serverUrl: string, mode: Pooler['mode']): Promise<Pooler> {
  if (!existsSync(PGBOUNCER))
    throw new Error(
      `the tests behind a connection pooler need Debian's PgBouncer at ${PGBOUNCER}, and it is not there: run apt-get install -y pgbouncer (npm test does)`,
    );
  const server = new URL(serverUrl);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync('/tmp/mtc-test-pgbouncer-');
  const port = await freePort();
  const user = decodeURIComponent(server.username) || 'postgres';
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  // Clients are trusted (loopback only); the auth file's password is what PgBouncer logs in to the server with.
  writeFileSync(join(dir, 'userlist.txt'), `${quote(user)} ${quote(decodeURIComponent(server.password))}\n`);
  const ini = [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    `pool_mode = ${mode}`,
    // Fewer server connections than the clients of two servers and an import hold: the
    // transactions of different clients share them, as in production.
    'default_pool_size = 6',
    'max_client_conn = 200',
    // its admin console (database pgbouncer: SHOW CLIENTS…), for the tests to look
    `admin_users = ${user}`,
    `logfile = ${join(dir, 'pgbouncer.log')}`,
    `pidfile = ${join(dir, 'pgbouncer.pid')}`,
  ].join('\n');
  writeFileSync(join(dir, 'pgbouncer.ini'), `${ini}\n`);
  if (root) {
    chmodSync(dir, 0o700);
    const uid = postgresUid();
    for (const f of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, -1);
  }
  const args = [join(dir, 'pgbouncer.ini')];
  const child = root ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, ...args], { stdio: 'ignore' }) : spawn(PGBOUNCER, args, { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // SIGTERM: PgBouncer shuts down at once, closing every connection. It is signalled itself
    // (its pidfile), not through runuser, and waited for: until it is gone it writes its log,
    // and the directory would not go.
    const pid = pidIn(join(dir, 'pgbouncer.pid'));
    if (pid !== undefined && running(pid)) {
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 5000;
      while (running(pid) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };
  atEnd(stop);
  const until = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      const seen = log();
      stop();
      throw new Error(`PgBouncer did not start on 127.0.0.1:${port}:\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    mode,
    port,
    through(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    log,
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Whether process `pid` runs (a zombie, ended but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The process id a pidfile holds, if it is there. */
function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
