// What `npm test` does before the suite (scripts/test-setup.ts): it finds what the tests need
// of the machine, decides what to install and how (or stops naming the one command to run),
// and starts a throwaway PostgreSQL that is gone when the run ends, however it ends. apt-get
// is a stand-in script here: the real one would install on this machine.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { ROOT, startProcess } from '../helpers/cli.ts';
import {
  CHROMIUM,
  EXIT_MISSING,
  PGBOUNCER,
  EXIT_NO_SERVER,
  installPlan,
  missingPackages,
  newestPostgres,
  probeMachine,
  startThrowawayCluster,
} from '../../scripts/test-setup.ts';
import type { Machine } from '../../scripts/test-setup.ts';

const SETUP = join(ROOT, 'scripts', 'test-setup.ts');
const root = process.getuid?.() === 0;

const scratch = mkdtempSync(join(tmpdir(), 'mtc-test-setup-'));
chmodSync(scratch, 0o755); // nobody reads the fake PATH below
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An executable file at `path` running `body` (a shell script). */
function program(path: string, body = 'exit 0'): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const machine = (present: Machine['present'], more: Partial<Machine> = {}): Machine => ({
  present,
  postgresBin: null,
  root: true,
  aptGet: true,
  sudo: 'none',
  ...more,
});
const everything = new Set(['postgresql', 'pgbouncer', 'chromium', 'curl', 'bsdutils', 'bash'] as const);

describe('what npm test needs of the machine', () => {
  test('each needed program is looked for where the tests run it: PATH, /usr/bin/chromium, /usr/sbin/pgbouncer, the newest PostgreSQL', () => {
    const dir = join(scratch, 'probe');
    const bin = join(dir, 'bin');
    program(join(bin, 'curl'));
    program(join(bin, 'bash'));
    writeFileSync(join(dir, 'chromium'), ''); // there, but not executable
    const lib = join(dir, 'postgresql');
    for (const v of ['9.6', '13', '15']) for (const p of ['initdb', 'pg_ctl']) program(join(lib, v, 'bin', p));
    program(join(lib, '16', 'bin', 'initdb')); // half installed: no pg_ctl
    const places = { path: `${bin}:${join(dir, 'nowhere')}`, chromium: join(dir, 'chromium'), pgbouncer: join(dir, 'pgbouncer'), postgresLib: lib };

    const found = probeMachine(places);
    assert.deepEqual([...found.present].sort(), ['bash', 'curl', 'postgresql']);
    assert.equal(found.postgresBin, join(lib, '15', 'bin'), 'the newest complete version, 15 after 9.6 and 13, not the half-installed 16');
    assert.deepEqual(missingPackages(found, { ownServer: true }), ['pgbouncer', 'chromium', 'bsdutils']);

    program(join(dir, 'pgbouncer'));
    chmodSync(join(dir, 'chromium'), 0o755);
    program(join(bin, 'script'));
    assert.deepEqual(missingPackages(probeMachine(places), { ownServer: true }), []);
    assert.equal(newestPostgres(join(dir, 'no-such-dir')), null);
    assert.deepEqual(missingPackages(probeMachine({ ...places, postgresLib: join(dir, 'no-such-dir') }), { ownServer: true }), ['postgresql']);
  });

  test('PostgreSQL is needed only when the run starts its own server; packages come in one order', () => {
    const none = machine(new Set());
    assert.deepEqual(missingPackages(none, { ownServer: true }), ['postgresql', 'pgbouncer', 'chromium', 'curl', 'bsdutils', 'bash']);
    assert.deepEqual(
      missingPackages(none, { ownServer: false }),
      ['pgbouncer', 'chromium', 'curl', 'bsdutils', 'bash'],
      'MTC_TEST_DATABASE_URL names the server: no PostgreSQL to install, and PgBouncer still goes in front of it',
    );
    assert.deepEqual(missingPackages(machine(everything), { ownServer: true }), []);
  });

  test('apt-get installs what is missing as root, or through sudo when it asks no password', () => {
    const packages = ['postgresql', 'chromium'];
    assert.deepEqual(installPlan([], machine(everything, { root: false, aptGet: false, sudo: 'asks' })), { kind: 'nothing' });
    assert.deepEqual(installPlan(packages, machine(new Set())), { kind: 'install', packages, sudo: false });
    assert.deepEqual(installPlan(packages, machine(new Set(), { root: false, sudo: 'ready' })), { kind: 'install', packages, sudo: true });
  });

  test('without root or a password-less sudo, the message names the one command to run', () => {
    const plan = installPlan(['postgresql', 'chromium', 'curl', 'bsdutils'], machine(new Set(), { root: false, sudo: 'asks' }));
    assert.equal(plan.kind, 'cannot');
    assert.equal(
      plan.kind === 'cannot' && plan.message,
      "the tests need PostgreSQL's server programs (/usr/lib/postgresql/*/bin/initdb), Debian's chromium (/usr/bin/chromium), curl and script (util-linux), which are not on this machine, " +
        'and npm test cannot install them itself: it does not run as root and sudo asks for a password. Run\n\n  sudo apt-get install -y postgresql chromium curl bsdutils\n\n' +
        'then npm test again (or set MTC_TEST_DATABASE_URL to the URL of a PostgreSQL server of yours instead of installing postgresql).',
    );
    const curl = installPlan(['curl'], machine(new Set(), { root: false, sudo: 'none' }));
    assert.deepEqual(
      curl,
      {
        kind: 'cannot',
        packages: ['curl'],
        message:
          'the tests need curl, which is not on this machine, and npm test cannot install it itself: it does not run as root and there is no sudo. Run, as root,\n\n  apt-get install -y curl\n\nthen npm test again.',
      },
      'no sudo to name; no server to offer instead when PostgreSQL is there',
    );
  });

  test("without apt-get, the message names the Debian packages to install with the system's own manager", () => {
    const plan = installPlan(['chromium', 'bsdutils'], machine(new Set(), { aptGet: false }));
    assert.equal(plan.kind, 'cannot');
    assert.match(
      plan.kind === 'cannot' ? plan.message : '',
      /^the tests need Debian's chromium \(\/usr\/bin\/chromium\) and script \(util-linux\), which are not on this machine, and npm test installs them only with Debian's apt-get, which is not here\. Install them with this system's package manager \(the Debian packages: chromium bsdutils\), then run npm test again\.$/,
    );
  });

  test(`npm test that cannot install what is missing stops at once, before type-checking, with exit ${EXIT_MISSING}`, async () => {
    // A user who is not root, with apt-get, a sudo that asks for a password, and no curl or script on the PATH.
    const path = join(scratch, 'no-curl');
    program(join(path, 'apt-get'), 'echo apt-get ran >&2; exit 99');
    program(join(path, 'sudo'), '[ "$*" = "-n true" ] || echo sudo ran: "$*" >&2; echo "sudo: a password is required" >&2; exit 1');
    program(join(path, 'bash'), 'exec /bin/bash "$@"');
    const env = ['env', '-i', `PATH=${path}`, 'HOME=/tmp', process.execPath, 'scripts/test.mjs'];
    const r = await (root ? startProcess('runuser', ['-u', 'nobody', '--', ...env]) : startProcess(env[0]!, env.slice(1))).done;
    assert.equal(r.code, EXIT_MISSING, r.stderr);
    assert.equal(r.stdout, `npm test: Node.js ${process.version} (${process.execPath})\n`, 'nothing else ran: no type-check, no build, no tests');
    assert.match(
      r.stderr,
      /^npm test: the tests need .*curl and script \(util-linux\), which are not on this machine, and npm test cannot install them itself/,
    );
    assert.match(r.stderr, /\n {2}sudo apt-get install -y (postgresql )?(pgbouncer )?(chromium )?curl bsdutils\n/);
    assert.doesNotMatch(r.stderr, /apt-get ran|sudo ran/);
  });

  // apt-get itself is stood in for by a script on the PATH: what it is asked, and what npm test
  // does with its outcome, are the same. Only root installs without sudo.
  const aptGetRuns = [
    {
      what: 'installs the packages',
      update: 'exit 0',
      install: '/usr/bin/touch curl script && /bin/chmod +x curl script',
      code: 0,
      stdout: /^npm test: installing curl bsdutils from Debian \(apt-get\)…\nwent on\n$/,
      stderr: /^$/,
    },
    {
      what: 'fails',
      update: 'echo "E: Could not resolve deb.debian.org" >&2; exit 100',
      install: 'exit 0',
      code: EXIT_MISSING,
      stdout: /^npm test: installing curl bsdutils from Debian \(apt-get\)…\n$/,
      stderr:
        /^E: Could not resolve deb\.debian\.org\nnpm test: `apt-get update -qq` failed \(exit 100\)\. Run\n\n {2}apt-get install -y curl bsdutils\n\nto see why, then npm test again\.\n$/,
    },
    {
      what: 'ends well but installs nothing',
      update: 'exit 0',
      install: 'exit 0',
      code: EXIT_MISSING,
      stdout: /^npm test: installing curl bsdutils from Debian \(apt-get\)…\n$/,
      stderr: /^npm test: apt-get installed curl bsdutils, and still curl and script \(util-linux\) are not there\.\n$/,
    },
  ];
  for (const [i, run] of aptGetRuns.entries()) {
    test(`as root, what is missing is installed with apt-get before anything else; when apt-get ${run.what}, ${run.code ? `the run stops with exit ${run.code}` : 'the run goes on'}`, {
      skip: !root
        ? 'not root: apt-get would run through sudo'
        : !existsSync(CHROMIUM)
          ? `no ${CHROMIUM} for the stand-in to leave in place`
          : existsSync(PGBOUNCER)
            ? false
            : `no ${PGBOUNCER} for the stand-in to leave in place`,
    }, async () => {
      const dir = join(scratch, `apt-get-${i}`);
      mkdirSync(dir);
      // each call's frontend and arguments are logged
      program(join(dir, 'apt-get'), `cd ${dir}\necho "$DEBIAN_FRONTEND $*" >> calls\nif [ "$1" = update ]; then ${run.update}; else ${run.install}; fi`);
      program(join(dir, 'env'), 'exec /usr/bin/env "$@"');
      program(join(dir, 'bash'), 'exec /bin/bash "$@"');
      const r = await startProcess('/usr/bin/env', [
        '-i',
        `PATH=${dir}`,
        'MTC_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres',
        process.execPath,
        '--input-type=module',
        '-e',
        `import { installNeeds } from ${JSON.stringify(SETUP)}; await installNeeds(); console.log('went on');`,
      ]).done;
      assert.equal(r.code, run.code, r.stderr);
      assert.match(r.stdout, run.stdout);
      assert.match(r.stderr, run.stderr);
      const calls = readFileSync(join(dir, 'calls'), 'utf8');
      assert.equal(calls, run.what === 'fails' ? 'noninteractive update -qq\n' : 'noninteractive update -qq\nnoninteractive install -y -qq curl bsdutils\n');
    });
  }
});

const postgresBin = newestPostgres();

/** Whether a PostgreSQL server answers at `url`. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return false;
    throw err;
  }
  try {
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Starts a process that starts the run's throwaway server as npm test does, then does `then`
 * (JavaScript); resolves once that is done, with where the server is.
 */
async function runWithServer(
  then: string,
): Promise<{ child: ChildProcess; url: string; dir: string; exited: Promise<{ code: number | null; stderr: string }> }> {
  const env = { ...process.env };
  delete env.MTC_TEST_DATABASE_URL;
  const script = `import { startServerForRun } from ${JSON.stringify(SETUP)};\nawait startServerForRun(${JSON.stringify(postgresBin)});\nconsole.log('url ' + process.env.MTC_TEST_DATABASE_URL);\n${then}\nconsole.log('ready');\n`;
  const { child, done } = startProcess(process.execPath, ['--input-type=module', '-e', script], { env });
  let stdout = '';
  const started = await new Promise<{ url: string; dir: string }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /^url (\S+)$/m.exec(stdout)?.[1];
      const dir = /\(throwaway, in (\S+), removed at the end\)/.exec(stdout)?.[1];
      if (url && dir && /^ready$/m.test(stdout)) resolve({ url, dir });
    });
    done.then((r) => reject(new Error(`the server did not start:\n${r.stdout}${r.stderr}`)), reject);
  });
  return { child, exited: done, ...started };
}

describe('the throwaway PostgreSQL of a run', { skip: postgresBin ? false : `no PostgreSQL under /usr/lib/postgresql to start`, concurrency: true }, () => {
  test("starts on 127.0.0.1 with the tests' settings, answers, and is gone with its directory once stopped", async () => {
    const cluster = await startThrowawayCluster(postgresBin!);
    try {
      assert.match(cluster.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      assert.match(cluster.version, /^\d+\.\d+/);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ fsync: string; max_connections: string; rolsuper: boolean }>(
          "SELECT current_setting('fsync') AS fsync, current_setting('max_connections') AS max_connections, rolsuper FROM pg_roles WHERE rolname = current_user",
        );
        assert.deepEqual(rows, [{ fsync: 'off', max_connections: '200', rolsuper: true }]);
      } finally {
        await client.end();
      }
      assert.ok(existsSync(join(cluster.dir, 'data', 'PG_VERSION')));
    } finally {
      cluster.stop();
    }
    assert.equal(existsSync(cluster.dir), false, `${cluster.dir} is removed`);
    assert.equal(await answers(cluster.url), false, 'nothing listens on its port any more');
  });

  for (const [how, then, code] of [
    ['SIGINT (Ctrl-C)', 'setInterval(() => {}, 1000);', 130],
    ['SIGTERM', 'setInterval(() => {}, 1000);', 143],
    ['a failure (process.exit(1))', 'setTimeout(() => process.exit(1), 500);', 1],
    ['its last line', '', 0],
  ] as const) {
    test(`a run ended by ${how} leaves no server and no directory behind`, async () => {
      const run = await runWithServer(then);
      if (how.startsWith('SIG')) {
        assert.equal(await answers(run.url), true, 'the server answers while the run goes on');
        run.child.kill(how.split(' ')[0] as NodeJS.Signals);
      }
      const end = await run.exited;
      assert.equal(end.code, code, end.stderr);
      assert.equal(existsSync(run.dir), false, `${run.dir} is removed`);
      assert.equal(await answers(run.url), false, 'the server is stopped');
    });
  }

  test('a signal while the tests run reaches them first; the server is stopped once they have ended', async () => {
    // As scripts/test.mjs does with node's test runner: the child is passed the signal, and the
    // run ends when the child has, with the child's status.
    const run = await runWithServer(`
      const { atEnd } = await import(${JSON.stringify(SETUP)});
      const { spawn } = await import('node:child_process');
      const pg = (await import('pg')).default;
      const runner = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => setTimeout(() => process.exit(7), 300)); setInterval(() => {}, 1000); console.log('running')"], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((r) => runner.stdout.once('data', r));
      atEnd((signal) => { runner.kill(signal ?? 'SIGTERM'); return signal !== null; });
      runner.on('exit', async (code) => {
        const c = new pg.Client({ connectionString: process.env.MTC_TEST_DATABASE_URL });
        await c.connect(); await c.end(); // the server still answers when the runner has ended
        process.exit(code);
      });`);
    run.child.kill('SIGTERM');
    const end = await run.exited;
    assert.equal(end.code, 7, `the runner's status, once it has ended; ${end.stderr}`);
    assert.equal(existsSync(run.dir), false, `${run.dir} is removed`);
    assert.equal(await answers(run.url), false, 'the server is stopped');
  });

  test(`a server that does not start stops the run with initdb's words and exit ${EXIT_NO_SERVER}`, async () => {
    const bin = join(scratch, 'broken-postgres', 'bin');
    program(join(bin, 'initdb'), 'echo "initdb: error: the disk is on fire" >&2; exit 1');
    program(join(bin, 'pg_ctl'));
    chmodSync(join(scratch, 'broken-postgres'), 0o755);
    const env = { ...process.env };
    delete env.MTC_TEST_DATABASE_URL;
    const r = await startProcess(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startServerForRun } from ${JSON.stringify(SETUP)}; await startServerForRun(${JSON.stringify(bin)}); console.log('went on');`,
      ],
      { env },
    ).done;
    assert.equal(r.code, EXIT_NO_SERVER, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^npm test: the throwaway PostgreSQL cluster did not start:\n.*initdb: error: the disk is on fire/s);
  });
});
