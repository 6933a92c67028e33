import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backends, pgliteBackend, withOpen } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

/** A cache directory of a test's own, holding the PGlite template already made on this machine, if there is one (saves an initdb). */
async function ownCache(work: string): Promise<string> {
  const cache = join(work, 'cache');
  await mkdir(join(cache, 'mtc'), { recursive: true });
  const shared = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtc');
  for (const f of await readdir(shared).catch(() => [] as string[])) if (f.startsWith('pglite-')) await copyFile(join(shared, f), join(cache, 'mtc', f));
  return cache;
}

test("the snapshot's model is cached by its content: a repeat run reuses it, an edited snapshot is read again, MTC_NO_CACHE=1 bypasses it", async () => {
  const work = await mkdtemp(join(tmpdir(), 'mtc-cache-'));
  const cache = await ownCache(work);
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

for (const backend of backends) {
  test(`on ${backend.name}, a repeat verify of an unchanged database answers what a full one does, keeps one verification per database, and a changed definition is still reported`, {
    skip: backend.skip,
  }, async () => {
    const work = await mkdtemp(join(tmpdir(), 'mtc-cache-'));
    const cache = await ownCache(work);
    const kept = async () => (await readdir(join(cache, 'mtc'))).filter((f) => f.startsWith('verify-'));
    const snapshot = join(work, 'schema.sql');
    const db = await backend.create();
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      mtc([...args, '--database', db.url, '--snapshot', snapshot], { cwd: work, env: { XDG_CACHE_HOME: cache, ...env } });
    try {
      await withOpen(db, (conn) =>
        conn.exec(`CREATE TABLE public.parts (id integer PRIMARY KEY, qty integer NOT NULL DEFAULT 0, CONSTRAINT parts_qty_check CHECK (qty >= 0));
          CREATE TABLE public.extra_one (id integer);`),
      );
      assert.equal((await run(['schema', 'dump'])).code, 0);
      await withOpen(db, (conn) => conn.exec('DROP TABLE public.extra_one; CREATE TABLE public.extra_two (id integer)'));
      const full = await run(['verify', '--json'], { MTC_NO_CACHE: '1' });
      assert.equal(full.code, 1, full.stderr);
      assert.equal((await kept()).length, 0, 'MTC_NO_CACHE=1 keeps nothing');
      const first = await run(['verify', '--json']);
      const again = await run(['verify', '--json']);
      assert.equal(first.stdout, full.stdout);
      assert.equal(again.stdout, full.stdout);
      assert.equal(again.code, 1);
      assert.deepEqual(
        (JSON.parse(again.stdout) as { findings: { kind: string; name: string }[] }).findings.map((f) => `${f.kind} ${f.name}`),
        ['missing extra_one', 'extra extra_two'],
      );
      assert.equal((await kept()).length, 1);

      // a change only the printed check constraint shows
      await withOpen(db, (conn) =>
        conn.exec(
          'ALTER TABLE public.parts DROP CONSTRAINT parts_qty_check, ADD CONSTRAINT parts_qty_check CHECK (qty > 0); DROP TABLE public.extra_two; CREATE TABLE public.extra_one (id integer)',
        ),
      );
      const changed = await run(['verify']);
      assert.equal(changed.code, 1);
      assert.match(changed.stdout, /parts_qty_check/);
      assert.equal(changed.stdout, (await run(['verify'], { MTC_NO_CACHE: '1' })).stdout);
      assert.equal((await kept()).length, 1, 'one kept verification per database: the latest');
    } finally {
      await db.drop();
      await rm(work, { recursive: true, force: true });
    }
  });
}
