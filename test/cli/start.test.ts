import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

/**
 * Runs `npm start`'s script until its server answers /health, then stops it with SIGTERM;
 * resolves with its output and exit code.
 */
async function start(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; health: unknown }> {
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
  const health = await (await fetch(`${address}/health`)).json();
  child.kill('SIGTERM');
  return { code: await exited, out, health };
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
