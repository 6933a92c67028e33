import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { postgresBackend } from '../helpers/backends.ts';
import { ROOT } from '../helpers/cli.ts';

/** A copy of what `npm start` needs, in a directory of its own (so its embedded database is new). */
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-start-'));
  for (const part of ['bin', 'dist', 'migrations', 'db', 'scripts', 'package.json']) await cp(join(ROOT, part), join(dir, part), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Starts `npm start`'s script and waits until its server listens; `stop` sends SIGTERM and resolves with its exit code. */
async function serving(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ address: string; output: () => string; stop: () => Promise<number | null> }> {
  const clean: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env };
  if (!env.DATABASE_URL) delete clean.DATABASE_URL;
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: dir, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const until = Date.now() + 120_000;
  let address: string | undefined;
  while (!(address = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1])) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`npm start did not start serving:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    output: () => out,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Runs `npm start`'s script until its server answers /health, then stops it with SIGTERM;
 * resolves with its output and exit code.
 */
async function start(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; health: unknown }> {
  const s = await serving(dir, env);
  const health = await (await fetch(`${s.address}/health`)).json();
  const code = await s.stop();
  return { code, out: s.output(), health };
}

describe('npm start', () => {
  test('on the embedded database: migrates, fills it with the demo data once, serves the API, and stops cleanly', async () => {
    const dir = await project();
    try {
      const first = await start(dir);
      assert.equal(first.code, 0, first.out);
      assert.match(first.out, /Applied \d+ migrations/);
      assert.match(first.out, /Seeded the demo data: 4 users/);
      assert.deepEqual(first.health, { status: 'ok' });
      assert.match(first.out, /no one can log in yet: create the first admin with +npx mtc user add --role admin/);
      const second = await start(dir);
      assert.equal(second.code, 0, second.out);
      assert.match(second.out, /Nothing seeded: the database already holds data/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('while it serves: npx mtc user add works at once, and a second npm start stops at once, saying which process serves the database', async () => {
    const dir = await project();
    try {
      const first = await serving(dir);
      try {
        const add = spawnSync(process.execPath, ['bin/mtc.cjs', 'user', 'add', '--role', 'admin', '--email', 'you@example.com'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
        assert.equal(add.status, 0, add.stderr);
        assert.match(add.stdout, /Created user \d+: you <you@example\.com>, admin\./);
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
        delete env.DATABASE_URL;
        const started = Date.now();
        const second = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(second.status, 3, second.stdout + second.stderr);
        assert.match(second.stdout, /Nothing to migrate/);
        assert.match(second.stdout, /Nothing seeded: the database already holds data/);
        assert.match(second.stderr, /is already served by process \d+ \(mtc serve, since .*\): stop that server first/);
        assert.ok(Date.now() - started < 30_000, `the second npm start took ${Date.now() - started} ms`);
      } finally {
        assert.equal(await first.stop(), 0, first.output());
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with DATABASE_URL: migrates the server and never puts demo data there by itself', { skip: postgresBackend.skip }, async () => {
    const dir = await project();
    const t = await postgresBackend.create();
    try {
      const r = await start(dir, { DATABASE_URL: t.url });
      assert.equal(r.code, 0, r.out);
      assert.doesNotMatch(r.out, /Seeded/);
      const db = await t.open();
      try {
        assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM public.item_master')).rows, [{ n: 0 }]);
      } finally {
        await db.close();
      }
    } finally {
      await t.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
