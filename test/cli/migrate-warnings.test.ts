// The lint's warnings as mtc migrate prints them: by default with every run that applies the
// migrations they are about; with --quiet-warnings (what npm start passes) not at all, while
// a lint error still stops the run, printed, with nothing applied. On both backends.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { ledgerIds } from '../helpers/db-state.ts';

/** A table rewrite on a table an earlier migration made: the lint warns (TABLE_REWRITE). */
const REWRITE = '-- requires: 0001_lots\nALTER TABLE lots ALTER COLUMN qty TYPE bigint;\n';

for (const backend of backends) {
  describe(`mtc migrate's lint warnings on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let dir: string;
    const migrate = (...args: string[]) => mtc(['migrate', ...args, '--database', db.url, '--migrations', dir]);
    before(async () => {
      db = await backend.create();
      dir = await mkdtemp(join(tmpdir(), 'mtc-warnings-'));
      await writeFile(join(dir, '0001_lots.sql'), 'CREATE TABLE lots (id bigint PRIMARY KEY, qty integer);\n');
      await writeFile(join(dir, '0002_wider_qty.sql'), REWRITE);
    });
    after(async () => {
      await db?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    test('--quiet-warnings applies without printing the warnings; without it they are printed; lint errors stop either run', async () => {
      const lint = await mtc(['lint', '--migrations', dir]);
      assert.match(lint.stdout + lint.stderr, /0002_wider_qty\.sql:2:\d+: warning TABLE_REWRITE/, 'the migrations do have a warning');

      const quiet = await migrate('--quiet-warnings');
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.match(quiet.stdout, /Applied 2 migrations/);
      assert.doesNotMatch(quiet.stdout + quiet.stderr, /warning|hint:/);

      await writeFile(join(dir, '0003_numeric_qty.sql'), '-- requires: 0001_lots\nALTER TABLE lots ALTER COLUMN qty TYPE numeric;\n');
      const loud = await migrate();
      assert.equal(loud.code, 0, loud.stderr);
      assert.match(loud.stderr, /0003_numeric_qty\.sql:2:\d+: warning TABLE_REWRITE: ALTER COLUMN qty TYPE rewrites lots/);
      assert.match(loud.stderr, /hint: /);

      await writeFile(
        join(dir, '0004_broken.sql'),
        '-- requires: 0001_lots\nALTER TABLE lots ALTER COLUMN qty TYPE bigint;\nALTER TABEL lots ADD COLUMN note text;\n',
      );
      const broken = await migrate('--quiet-warnings');
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /0004_broken\.sql:3:\d+: error /);
      assert.match(broken.stderr, /1 lint error in pending migrations; nothing was applied/);
      assert.deepEqual(await ledgerIds(db), ['0001_lots', '0002_wider_qty', '0003_numeric_qty']);
    });
  });
}
