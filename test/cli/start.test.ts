import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

function start(dir: string, env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete clean.DATABASE_URL;
  return spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: dir, env: clean, encoding: 'utf8', timeout: 120_000 });
}

describe('npm start', () => {
  test('on the embedded database: migrates, fills it with the demo data once, and shows the status', async () => {
    const dir = await project();
    try {
      const first = start(dir);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /Applied \d+ migrations/);
      assert.match(first.stdout, /Seeded the demo data: 4 users/);
      assert.match(first.stdout, /7 applied, 0 pending/);
      const second = start(dir);
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /Nothing seeded: the database already holds data/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with DATABASE_URL: migrates the server and never puts demo data there by itself', { skip: postgresBackend.skip }, async () => {
    const dir = await project();
    const t = await postgresBackend.create();
    try {
      const r = start(dir, { DATABASE_URL: t.url });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /Seeded/);
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
