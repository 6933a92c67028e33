// The lint's results are kept in .mtc/cache/lint of the working directory, keyed by every
// migration's exact text (and the rules, and MTC's build): a run over unchanged files uses
// them, an edited file is linted again, a cache file that is not a report is ignored, and
// --no-lint-cache or MTC_LINT_CACHE=0 lint anew. mtc migrate reads the same cache (on both
// backends). A result planted in the cache shows which runs read it.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { ledgerIds } from '../helpers/db-state.ts';

const CACHE = join('.mtc', 'cache', 'lint');

/** A project directory of its own (its .mtc/cache is the test's) with the migrations FILES. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtc-lint-cache-'));
  await mkdir(join(dir, 'migrations'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, 'migrations', name), sql);
  return dir;
}

/** The cache's files (full paths), newest write last is not promised: sorted by name. */
async function cached(dir: string): Promise<string[]> {
  return (await readdir(join(dir, CACHE)).catch(() => [])).filter((f) => f.endsWith('.json')).map((f) => join(dir, CACHE, f));
}

/** Rewrites every cached report so that it carries one made-up error, PLANTED, a run that reads it prints. */
async function plant(dir: string): Promise<void> {
  for (const file of await cached(dir)) {
    const report = JSON.parse(await readFile(file, 'utf8'));
    report.findings = [{ severity: 'error', code: 'PLANTED', message: 'planted in the cache', file: 'migrations/0001_lots.sql', line: 1, column: 1 }];
    report.errors = 1;
    await writeFile(file, JSON.stringify(report));
  }
}

describe('mtc lint with its cache', () => {
  let dir: string;
  const lint = (...args: string[]) => mtc(['lint', ...args], { cwd: dir, env: { MTC_LINT_CACHE: '' } });
  before(async () => {
    dir = await project({ '0001_lots.sql': 'CREATE TABLE lots (id bigint PRIMARY KEY, qty integer);\n' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('an unchanged set of migrations is answered from the cache; an edited one is linted again', async () => {
    const first = await lint();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /1 file checked: 0 errors, 0 warnings/);
    assert.equal((await cached(dir)).length, 1, 'the result was kept');
    await plant(dir);
    const again = await lint();
    assert.equal(again.code, 1, 'the kept result was used');
    assert.match(again.stdout, /PLANTED/);
    await writeFile(join(dir, 'migrations', '0001_lots.sql'), 'CREATE TABLE lots (id bigint PRIMARY KEY, qty bigint);\n');
    const edited = await lint();
    assert.equal(edited.code, 0, edited.stdout);
    assert.doesNotMatch(edited.stdout, /PLANTED/);
  });

  test('--no-lint-cache and MTC_LINT_CACHE=0 lint anew and keep nothing; another value of MTC_LINT_CACHE is a usage error', async () => {
    await rm(join(dir, '.mtc'), { recursive: true, force: true });
    assert.equal((await lint()).code, 0);
    await plant(dir);
    for (const r of [await lint('--no-lint-cache'), await mtc(['lint'], { cwd: dir, env: { MTC_LINT_CACHE: '0' } })]) {
      assert.equal(r.code, 0, r.stdout);
      assert.doesNotMatch(r.stdout, /PLANTED/);
    }
    await rm(join(dir, '.mtc'), { recursive: true, force: true });
    assert.equal((await lint('--no-lint-cache')).code, 0);
    assert.deepEqual(await cached(dir), [], 'nothing kept');
    const wrong = await mtc(['lint'], { cwd: dir, env: { MTC_LINT_CACHE: 'yes' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /MTC_LINT_CACHE=yes: expected 0 \(no lint cache\) or 1/);
  });

  test('a cache file that is not a report (torn, edited by hand) is ignored: linted again, and written anew', async () => {
    await rm(join(dir, '.mtc'), { recursive: true, force: true });
    assert.equal((await lint()).code, 0);
    const [file] = await cached(dir);
    for (const junk of ['{"findings": [', 'null', '{"errors": "many"}', '']) {
      await writeFile(file as string, junk);
      const r = await lint();
      assert.equal(r.code, 0, `${JSON.stringify(junk)}: ${r.stderr}`);
      assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings/);
      assert.equal(JSON.parse(await readFile(file as string, 'utf8')).errors, 0, 'written anew');
    }
  });
});

for (const backend of backends) {
  describe(`mtc migrate with the lint cache on ${backend.name}`, { skip: backend.skip }, () => {
    test('a run over the same pending migrations reads the kept lint; --no-lint-cache lints anew and applies', async () => {
      const db = await backend.create();
      const dir = await project({
        '0001_lots.sql': 'CREATE TABLE lots (id bigint PRIMARY KEY, qty integer);\n',
        '0002_notes.sql': '-- requires: 0001_lots\nALTER TABLE lots ADD COLUMN note text;\n',
      });
      const migrate = (...args: string[]) => mtc(['migrate', ...args, '--database', db.url], { cwd: dir, env: { MTC_LINT_CACHE: '' } });
      try {
        const dry = await migrate('--dry-run');
        assert.equal(dry.code, 0, dry.stderr);
        assert.equal((await cached(dir)).length, 1, 'the dry run kept its lint');
        await plant(dir);
        const refused = await migrate();
        assert.equal(refused.code, 1, 'the kept (planted) lint was read');
        assert.match(refused.stderr, /PLANTED/);
        assert.match(refused.stderr, /1 lint error in pending migrations; nothing was applied/);
        assert.deepEqual(await ledgerIds(db).catch(() => []), []);
        const applied = await migrate('--no-lint-cache');
        assert.equal(applied.code, 0, applied.stderr);
        assert.deepEqual(await ledgerIds(db), ['0001_lots', '0002_notes']);
      } finally {
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
