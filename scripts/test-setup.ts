// What `npm test` needs of the machine, set up before the suite runs (scripts/test.mjs):
// PostgreSQL for the server half of the tests, PgBouncer to put in front of it (the tests of MTC
// behind a connection pooler, test/cli/pooler.test.ts), Debian's chromium for the web app's tests in
// a real browser (test/web/; none is downloaded), curl and bash for the README's walk
// (examples/, test/cli/walkthrough.test.ts), and `script` (util-linux, in bsdutils) for the
// pseudo-terminal of mtc import's progress bar test (test/cli/import-terminal.test.ts).
// Whatever is missing is installed from Debian with apt-get when this process may (root, or
// sudo without a password); otherwise the run stops at once, naming the one command to run.
// Unless MTC_TEST_DATABASE_URL names a server to use, a throwaway PostgreSQL cluster is
// started on 127.0.0.1 for the run and removed when it ends, however it ends.
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, chmodSync, chownSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants as os } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/** Exit code of a run stopped because the machine lacks something npm test cannot install. */
export const EXIT_MISSING = 2;
/** Exit code of a run stopped because the throwaway PostgreSQL cluster did not start. */
export const EXIT_NO_SERVER = 3;

/** Where the suite expects Debian's chromium (test/helpers/browser.ts). */
export const CHROMIUM = '/usr/bin/chromium';
/** Where Debian's pgbouncer package puts PgBouncer (test/helpers/pgbouncer.ts starts it). */
export const PGBOUNCER = '/usr/sbin/pgbouncer';
/** Where Debian installs each PostgreSQL major version's programs: DIR/15/bin/initdb. */
export const POSTGRES_LIB = '/usr/lib/postgresql';

/** A thing the suite needs, and the Debian package that brings it. */
export interface Need {
  package: 'postgresql' | 'pgbouncer' | 'chromium' | 'curl' | 'bsdutils' | 'bash';
  /** What is looked for, in words. */
  what: string;
  /** Only a run that starts its own PostgreSQL needs it. */
  serverOnly: boolean;
}

/** In the order packages are named in messages and installed. */
export const NEEDS: readonly Need[] = [
  { package: 'postgresql', what: `PostgreSQL's server programs (${POSTGRES_LIB}/*/bin/initdb)`, serverOnly: true },
  // also in front of a server of the user's (MTC_TEST_DATABASE_URL): not only for the run's own
  { package: 'pgbouncer', what: `PgBouncer (${PGBOUNCER})`, serverOnly: false },
  { package: 'chromium', what: `Debian's chromium (${CHROMIUM})`, serverOnly: false },
  { package: 'curl', what: 'curl', serverOnly: false },
  { package: 'bsdutils', what: 'script (util-linux)', serverOnly: false },
  { package: 'bash', what: 'bash', serverOnly: false },
];

/** What this machine has and may do, as far as the set-up is concerned. */
export interface Machine {
  /** The packages whose programs are there. */
  present: ReadonlySet<Need['package']>;
  /** The newest PostgreSQL's bin directory, if any. */
  postgresBin: string | null;
  root: boolean;
  aptGet: boolean;
  /** Not root: whether sudo works without a password (`sudo -n true`), asks for one, or is not here; 'none' for root. */
  sudo: 'ready' | 'asks' | 'none';
}

/** Where to look; the defaults are the real places, a test points them elsewhere. */
export interface Places {
  path?: string;
  chromium?: string;
  pgbouncer?: string;
  postgresLib?: string;
}

/** The executable named `name` on `path` (a PATH value), if there is one. */
export function onPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The bin directory of the newest PostgreSQL installed under `lib` (Debian's layout), if any. */
export function newestPostgres(lib: string = POSTGRES_LIB): string | null {
  let versions: string[];
  try {
    versions = readdirSync(lib).filter((v) => isExecutable(join(lib, v, 'bin', 'initdb')) && isExecutable(join(lib, v, 'bin', 'pg_ctl')));
  } catch {
    return null;
  }
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return newest === undefined ? null : join(lib, newest, 'bin');
}

/** Looks at this machine: which needed programs are there, and whether apt-get may be run. */
export function probeMachine(places: Places = {}): Machine {
  const path = places.path ?? process.env.PATH ?? '';
  const postgresBin = newestPostgres(places.postgresLib);
  const present = new Set<Need['package']>();
  if (postgresBin) present.add('postgresql');
  if (isExecutable(places.pgbouncer ?? PGBOUNCER)) present.add('pgbouncer');
  if (isExecutable(places.chromium ?? CHROMIUM)) present.add('chromium');
  if (onPath('curl', path)) present.add('curl');
  if (onPath('script', path)) present.add('bsdutils');
  if (onPath('bash', path)) present.add('bash');
  const root = process.getuid?.() === 0;
  // sudo is asked only when it matters: something is missing, and this is not root.
  const sudo = root || NEEDS.every((n) => present.has(n.package)) ? 'none' : sudoState(path);
  return { present, postgresBin, root, aptGet: onPath('apt-get', path) !== null, sudo };
}

function sudoState(path: string): Machine['sudo'] {
  if (!onPath('sudo', path)) return 'none';
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', env: { ...process.env, PATH: path } }).status === 0 ? 'ready' : 'asks';
}

/** The Debian packages to install, in NEEDS' order; PostgreSQL only when the run starts its own server. */
export function missingPackages(machine: Pick<Machine, 'present'>, options: { ownServer: boolean }): Need['package'][] {
  return NEEDS.filter((n) => (options.ownServer || !n.serverOnly) && !machine.present.has(n.package)).map((n) => n.package);
}

/** How to get the missing packages: apt-get as this process may run it, or why it cannot and what to run instead. */
export type InstallPlan =
  | { kind: 'nothing' }
  | { kind: 'install'; packages: string[] /** run by `sudo -n` (not root, sudo without a password) */; sudo: boolean }
  | { kind: 'cannot'; packages: string[]; message: string };

/** Decides what to do about `packages` missing on `machine`; the message of 'cannot' names the one command to run. */
export function installPlan(packages: readonly string[], machine: Pick<Machine, 'root' | 'aptGet' | 'sudo'>): InstallPlan {
  if (packages.length === 0) return { kind: 'nothing' };
  const list = [...packages];
  const whats = NEEDS.filter((n) => list.includes(n.package)).map((n) => n.what);
  const [is, them] = whats.length === 1 ? ['is', 'it'] : ['are', 'them'];
  const lacks = `the tests need ${joinWords(whats)}, which ${is} not on this machine`;
  const command = `apt-get install -y ${list.join(' ')}`;
  const orServer = list.includes('postgresql')
    ? ' (or set MTC_TEST_DATABASE_URL to the URL of a PostgreSQL server of yours instead of installing postgresql)'
    : '';
  if (!machine.aptGet) {
    return {
      kind: 'cannot',
      packages: list,
      message: `${lacks}, and npm test installs ${them} only with Debian's apt-get, which is not here. Install ${them} with this system's package manager (the Debian packages: ${list.join(' ')}${orServer}), then run npm test again.`,
    };
  }
  if (machine.root || machine.sudo === 'ready') return { kind: 'install', packages: list, sudo: !machine.root };
  const how = machine.sudo === 'asks' ? ['sudo asks for a password. Run', `sudo ${command}`] : ['there is no sudo. Run, as root,', command];
  return {
    kind: 'cannot',
    packages: list,
    message: `${lacks}, and npm test cannot install ${them} itself: it does not run as root and ${how[0]}\n\n  ${how[1]}\n\nthen npm test again${orServer}.`,
  };
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const run = promisify(execFile);

/**
 * Runs apt-get as the plan says (its output shown only when it fails); rejects, naming the
 * command to run by hand, when it fails.
 */
async function aptGetInstall(plan: Extract<InstallPlan, { kind: 'install' }>): Promise<void> {
  const sudo = plan.sudo ? 'sudo ' : '';
  // sudo resets the environment: the frontend is passed through env, on its command line.
  const aptGet = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  for (const step of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...plan.packages],
  ]) {
    try {
      await (plan.sudo ? run('sudo', ['-n', ...aptGet, ...step], { maxBuffer: 64 << 20 }) : run('env', [...aptGet.slice(1), ...step], { maxBuffer: 64 << 20 }));
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number | string };
      process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
      throw new Error(
        `\`${sudo}apt-get ${step.join(' ')}\` failed (exit ${e.code}). Run\n\n  ${sudo}apt-get install -y ${plan.packages.join(' ')}\n\nto see why, then npm test again.`,
      );
    }
  }
}

/**
 * What to undo as the process ends, given the signal that ends it (null for its last line or
 * process.exit). It returns true when the process will end by itself soon after the signal
 * (a child it waits for has been passed the signal): the undos registered before it then run
 * at that end, not now.
 */
export type Undo = (signal: NodeJS.Signals | null) => boolean | void;

/**
 * Registers `undo` to run when this process ends, however it ends: its last line, process.exit,
 * or SIGINT, SIGTERM or SIGHUP (the process then exits 128 + the signal's number, as a shell
 * reports it, unless an undo defers that end). Undos run last registered first, each once and
 * synchronously. Nothing runs after SIGKILL.
 */
export function atEnd(undo: Undo): void {
  if (!watching) {
    watching = true;
    process.on('exit', () => runUndos(null));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (runUndos(signal) === 'deferred') return;
        process.exit(128 + os.signals[signal]);
      });
    }
  }
  undos.push(undo);
}

let watching = false;
const undos: Undo[] = [];

function runUndos(signal: NodeJS.Signals | null): 'done' | 'deferred' {
  for (let undo = undos.pop(); undo; undo = undos.pop()) {
    try {
      if (undo(signal) === true && signal) return 'deferred';
    } catch (err) {
      process.stderr.write(`npm test: while cleaning up: ${(err as Error).message}\n`);
    }
  }
  return 'done';
}

/** A PostgreSQL cluster of this run's own. */
export interface Cluster {
  /** A superuser URL (postgres, no password) of its `postgres` database. */
  url: string;
  port: number;
  /** PostgreSQL's version, e.g. 15.14. */
  version: string;
  /** The temp directory holding its data, socket and server.log. */
  dir: string;
  /** Stops the server at once and removes its directory; synchronous, so it can run as the process exits. */
  stop(): void;
}

/**
 * Starts a throwaway PostgreSQL cluster from `bin` on a free port of 127.0.0.1, in a temp
 * directory of its own (Debian's default cluster is left alone and no init system is needed),
 * tuned for tests: nothing waits for the disk (fsync, synchronous commit and full-page writes
 * off: a crash loses a throwaway cluster), 200 connections. As root it runs as the postgres user (initdb
 * refuses root), otherwise as this process's user. It is stopped and removed by `stop()` and
 * when this process ends (atEnd), also while it is still starting. Rejects with initdb's or
 * the server's own words when it does not start.
 */
export async function startThrowawayCluster(bin: string): Promise<Cluster> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync('/tmp/mtc-test-pg-');
  chmodSync(dir, 0o755);
  if (root) chownSync(dir, postgresUid(), -1);
  const data = join(dir, 'data');
  const asPostgres = (program: string, args: string[]): [string, string[]] =>
    root ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
  const starting = new AbortController();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    starting.abort();
    if (existsSync(join(data, 'postmaster.pid'))) spawnSync(...asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  atEnd(stop);
  try {
    const port = await freePort();
    await run(...asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']), {
      signal: starting.signal,
    });
    const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await run(...asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']), { signal: starting.signal });
    const { stdout } = await run(join(bin, 'postgres'), ['--version']);
    const version = /\(PostgreSQL\) (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, version, dir, stop };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    let log = '';
    try {
      log = readFileSync(join(dir, 'server.log'), 'utf8');
    } catch {
      // no server log: initdb failed before the server was started
    }
    stop();
    throw new Error(`${e.stdout ?? ''}${e.stderr || e.message}${log ? `\nserver.log:\n${log}` : ''}`);
  }
}

export function postgresUid(): number {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('there is no postgres user to run PostgreSQL as (initdb refuses root): is the postgresql package installed?');
  return Number(r.stdout.trim());
}

/** A TCP port of 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Makes this machine ready for the suite, before anything else of it runs: installs what is
 * missing (saying so on stdout), or exits EXIT_MISSING naming the command to run. Resolves to
 * the bin directory of the PostgreSQL to start when the run needs a server of its own (no
 * MTC_TEST_DATABASE_URL), else null.
 */
export async function installNeeds(places: Places = {}): Promise<string | null> {
  const ownServer = !process.env.MTC_TEST_DATABASE_URL;
  let machine = probeMachine(places);
  const plan = installPlan(missingPackages(machine, { ownServer }), machine);
  if (plan.kind === 'cannot') fail(EXIT_MISSING, plan.message);
  if (plan.kind === 'install') {
    console.log(`npm test: installing ${plan.packages.join(' ')} from Debian (apt-get)…`);
    try {
      await aptGetInstall(plan);
    } catch (err) {
      fail(EXIT_MISSING, (err as Error).message);
    }
    machine = probeMachine(places);
    const still = NEEDS.filter((n) => missingPackages(machine, { ownServer }).includes(n.package)).map((n) => n.what);
    if (still.length > 0)
      fail(EXIT_MISSING, `apt-get installed ${plan.packages.join(' ')}, and still ${joinWords(still)} ${still.length === 1 ? 'is' : 'are'} not there.`);
  }
  return ownServer ? machine.postgresBin : null;
}

/**
 * Starts the run's own PostgreSQL from `bin` (a throwaway cluster, removed when this process
 * ends) and points MTC_TEST_DATABASE_URL at it, for this process and the ones it starts after;
 * says where on stdout. Exits EXIT_NO_SERVER, with initdb's or the server's words, when it
 * does not start.
 */
export async function startServerForRun(bin: string): Promise<void> {
  try {
    const cluster = await startThrowawayCluster(bin);
    process.env.MTC_TEST_DATABASE_URL = cluster.url;
    console.log(`npm test: PostgreSQL ${cluster.version} on 127.0.0.1:${cluster.port} (throwaway, in ${cluster.dir}, removed at the end)`);
  } catch (err) {
    fail(EXIT_NO_SERVER, `the throwaway PostgreSQL cluster did not start:\n${(err as Error).message}`);
  }
}

function fail(code: number, message: string): never {
  process.stderr.write(`npm test: ${message}\n`);
  process.exit(code);
}
