// `npm start` as a newcomer meets it: on a fresh clone it migrates (quietly about the lint's
// warnings on MTC's own migrations), fills in the demo data, makes the first admin and prints
// the address, email and password once; that password logs in, through the API and in a
// browser. The second start makes nothing and shows no password. A server (DATABASE_URL) gets
// no demo data and no user by itself.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/db/open.ts';
import type { Database } from '../../src/db/types.ts';
import { postgresBackend } from '../helpers/backends.ts';
import { launchChromium, watchedPage } from '../helpers/browser.ts';
import { ROOT } from '../helpers/cli.ts';
import { arrive, status, submitLogin } from '../web/harness.ts';

/** A copy of what `npm start` needs, in a directory of its own (so its embedded database is new). */
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-start-'));
  for (const part of ['bin', 'dist', 'migrations', 'db', 'scripts', 'package.json']) await cp(join(ROOT, part), join(dir, part), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Starts `npm start`'s script and waits until its server listens; `stop` sends SIGTERM and resolves with its exit code. */
async function serving(
  dir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ address: string; pid: number | undefined; output: () => string; stop: () => Promise<number | null> }> {
  const clean: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env };
  if (!env.DATABASE_URL) delete clean.DATABASE_URL;
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: dir, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const until = Date.now() + 120_000;
  // The advice on logging in is the last of the start-up summary, after the address.
  const ready = /listening on (http:\/\/[\d.:]+)[^]*(?:on the Users page once logged in\.|mtc serve: log in at .*|mtc serve: no one can log in.*)\n/;
  let address: string | undefined;
  while (!(address = ready.exec(out)?.[1])) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`npm start did not start serving:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    pid: child.pid,
    output: () => out,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Runs `npm start`'s script until its server answers /health, runs `whileServing` against its
 * address, then stops it with SIGTERM; resolves with its output (stdout and stderr as one) and
 * exit code.
 */
async function start(
  dir: string,
  env: NodeJS.ProcessEnv = {},
  whileServing?: (address: string, out: string) => Promise<void>,
): Promise<{ code: number | null; out: string; health: unknown }> {
  const s = await serving(dir, env);
  let health: unknown;
  try {
    health = await (await fetch(`${s.address}/health`)).json();
    await whileServing?.(s.address, s.output());
  } catch (err) {
    await s.stop();
    throw err;
  }
  const code = await s.stop();
  return { code, out: s.output(), health };
}

/** Logs in through the API; the session's cookie and CSRF token, or the failed response's status. */
async function logIn(address: string, email: string, password: string): Promise<{ status: number; cookie: string; role?: string }> {
  const res = await fetch(`${address}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { user?: { role: string } };
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, ...(body.user ? { role: body.user.role } : {}) };
}

async function usersIn(db: Database): Promise<{ email: string; role: string; hash: string | null }[]> {
  return (await db.query<{ email: string; role: string; hash: string | null }>('SELECT email, role, password_hash AS hash FROM public.users ORDER BY user_id'))
    .rows;
}

/** The login block the first start prints: the address, the email and the password. */
const FIRST_LOGIN = /Log in at (http:\/\/[\d.:]+)\/ as the first admin:\n {4}email {5}(\S+)\n {4}password {2}(\S+)\n {2}The password is shown only this once/;

describe('npm start', () => {
  test('on a fresh embedded database: migrates without the lint warnings, seeds the demo, makes the first admin and prints its login once; the second start makes nothing', async () => {
    const dir = await project();
    try {
      let login = { address: '', email: '', password: '' };
      const first = await start(dir, {}, async (address, out) => {
        const m = FIRST_LOGIN.exec(out);
        assert.ok(m, `the first start prints the login:\n${out}`);
        login = { address: m[1]!, email: m[2]!, password: m[3]! };
        assert.equal(login.address, address);
        assert.equal(login.email, 'admin@localhost');
        assert.match(login.password, /^[A-Za-z0-9_-]{20}$/);
        const session = await logIn(address, login.email, login.password);
        assert.equal(session.status, 200);
        assert.equal(session.role, 'admin');
        assert.equal((await logIn(address, login.email, `${login.password}x`)).status, 401);

        // The same password in a browser, through the login page, to the dashboard.
        const browser = await launchChromium();
        try {
          const w = await watchedPage(browser, address);
          await w.expecting(status(401), async () => {
            await w.page.goto('/');
            await arrive(w.page, (u) => u.pathname === '/login', '/login');
            await w.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
          });
          await submitLogin(w.page, login.email, login.password);
          await arrive(w.page, (u) => u.pathname === '/', 'the dashboard');
          await w.page.getByRole('heading', { level: 1, name: 'Dashboard', exact: true }).waitFor();
          w.assertNoProblems();
        } finally {
          await browser.close();
        }
      });
      assert.equal(first.code, 0, first.out);
      assert.deepEqual(first.health, { status: 'ok' });
      assert.match(first.out, /Applied \d+ migrations/);
      // MTC's own migrations have warnings (mtc lint lists them); npm start shows none of them.
      assert.doesNotMatch(first.out, /warning|hint:/);
      assert.match(first.out, /Seeded the demo data: 4 users/);
      assert.equal(first.out.split(login.password).length - 1, 1, 'the password is printed once');
      assert.doesNotMatch(first.out, /no one can log in/);

      const second = await start(dir, {}, async (address) => {
        assert.equal((await logIn(address, login.email, login.password)).status, 200, 'the first password still logs in');
      });
      assert.equal(second.code, 0, second.out);
      assert.match(second.out, /Nothing to migrate/);
      assert.match(second.out, /Nothing seeded: the database already holds data/);
      assert.ok(!second.out.includes(login.password), `the second start shows no password:\n${second.out}`);
      assert.doesNotMatch(second.out, /password {2}|first admin:/);
      assert.match(second.out, /mtc serve: log in at http:\/\/[\d.:]+\/ as admin@localhost .*npx mtc user set-password --email admin@localhost/);

      const db = await openDatabase(join(dir, '.mtc', 'pgdata'));
      try {
        const users = await usersIn(db);
        // The demo's four (no passwords) and the one first admin, made once.
        assert.deepEqual(
          users.map((u) => [u.email, u.role, u.hash !== null]),
          [
            ['admin@example.com', 'admin', false],
            ['planner@example.com', 'planner', false],
            ['operator@example.com', 'operator', false],
            ['viewer@example.com', 'viewer', false],
            ['admin@localhost', 'admin', true],
          ],
        );
        assert.match(users[4]!.hash!, /^\$argon2id\$/);
        assert.ok(!users[4]!.hash!.includes(login.password));
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('while it serves: npx mtc user add works at once, and a second npm start stops at once, saying which process serves the database', async () => {
    const dir = await project();
    try {
      const first = await serving(dir);
      try {
        const add = spawnSync(process.execPath, ['bin/mtc.cjs', 'user', 'add', '--role', 'admin', '--email', 'you@example.com'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.equal(add.status, 0, add.stderr);
        assert.match(add.stdout, /Created user \d+: you <you@example\.com>, admin\./);
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
        delete env.DATABASE_URL;
        const started = Date.now();
        const second = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(second.status, 3, second.stdout + second.stderr);
        // one process (mtc serve --migrate): it stops at opening the database, before migrating or seeding
        assert.doesNotMatch(second.stdout + second.stderr, /Nothing to migrate|Nothing seeded|listening/);
        assert.match(second.stderr, /is already served by process \d+ \(mtc serve, since .*\): stop that server first/);
        assert.equal(/served by process (\d+)/.exec(second.stderr)?.[1], String(first.pid), 'npm start serves in its own process, not a child');
        assert.ok(Date.now() - started < 30_000, `the second npm start took ${Date.now() - started} ms`);
      } finally {
        assert.equal(await first.stop(), 0, first.output());
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with DATABASE_URL: migrates the server and never puts demo data or a user there by itself', { skip: postgresBackend.skip }, async () => {
    const dir = await project();
    const t = await postgresBackend.create();
    try {
      const r = await start(dir, { DATABASE_URL: t.url });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Applied \d+ migrations/);
      assert.doesNotMatch(r.out, /warning|hint:/);
      assert.doesNotMatch(r.out, /Seeded|as the first admin:|password {2}/);
      assert.match(r.out, /no one can log in yet: create the first admin with +npx mtc user add --role admin/);
      const db = await t.open();
      try {
        assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM public.item_master')).rows, [{ n: 0 }]);
        assert.deepEqual(await usersIn(db), []);
      } finally {
        await db.close();
      }
    } finally {
      await t.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
