// The committed snapshot can never go stale: every migration replayed on an empty database
// must give exactly db/schema.sql, on both backends.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

for (const backend of backends) {
  describe(`db/schema.sql on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.create();
    });
    after(async () => {
      await db?.drop();
    });

    test('replaying every migration from empty gives exactly the committed snapshot (run mtc schema dump after changing migrations)', async () => {
      const m = await mtc(['migrate', '--database', db.url]);
      assert.equal(m.code, 0, m.stderr);
      const dump = await mtc(['schema', 'dump', '-o', '-', '--database', db.url]);
      assert.equal(dump.code, 0, dump.stderr);
      assert.equal(dump.stdout, await readFile('db/schema.sql', 'utf8'));
      const verify = await mtc(['verify', '--database', db.url]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    });
  });
}
