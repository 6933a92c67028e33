import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pgliteBackend } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

test("the snapshot's model is cached by its content: a repeat run reuses it, an edited snapshot is read again, MTC_NO_CACHE=1 bypasses it", async () => {
  const work = await mkdtemp(join(tmpdir(), 'mtc-cache-'));
  const cache = join(work, 'cache');
  await mkdir(join(cache, 'mtc'), { recursive: true });
  // Start from the PGlite template already made on this machine, if there is one (saves an initdb).
  const shared = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtc');
  for (const f of await readdir(shared).catch(() => [] as string[])) if (f.startsWith('pglite-')) await copyFile(join(shared, f), join(cache, 'mtc', f));
  const models = async () => (await readdir(join(cache, 'mtc'))).filter((f) => f.startsWith('model-'));
  const snapshot = join(work, 'schema.sql');
  // An empty database from the test template (memory:// would run initdb on every call).
  const db = await pgliteBackend.create();
  const verify = (env: NodeJS.ProcessEnv = {}) =>
    mtc(['verify', '--database', db.url, '--snapshot', snapshot], { cwd: work, env: { XDG_CACHE_HOME: cache, ...env } });
  try {
    await writeFile(snapshot, 'CREATE TABLE public.first_table (id integer);\n');
    const first = await verify();
    assert.equal(first.code, 1);
    assert.match(first.stdout, /missing table public\.first_table/);
    assert.equal((await models()).length, 1);
    const again = await verify();
    assert.equal(again.stdout, first.stdout);
    assert.equal((await models()).length, 1);

    await writeFile(snapshot, 'CREATE TABLE public.second_table (id integer);\n');
    const edited = await verify();
    assert.match(edited.stdout, /missing table public\.second_table/);
    assert.doesNotMatch(edited.stdout, /first_table/);
    assert.equal((await models()).length, 2);

    await writeFile(snapshot, 'CREATE TABLE public.third_table (id integer);\n');
    const bypassed = await verify({ MTC_NO_CACHE: '1' });
    assert.match(bypassed.stdout, /missing table public\.third_table/);
    assert.equal((await models()).length, 2);
  } finally {
    await db.drop();
    await rm(work, { recursive: true, force: true });
  }
});
