import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

for (const backend of backends) {
  describe(`mtc schema show on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.create();
    });
    after(async () => {
      await db?.drop();
    });

    test('lists tables, describes one with its foreign keys in and out, and names an unknown table (exit 2)', async () => {
      const m = await mtc(['migrate', '--database', db.url, '--migrations', 'test/fixtures/migrations/alter-before-create-fixed']);
      assert.equal(m.code, 0, m.stderr);
      const list = await mtc(['schema', 'show', '--database', db.url]);
      assert.match(list.stdout, /^public\.production_lots +4 columns, 3 indexes, 1 foreign key, \d+ triggers?$/m);
      const users = await mtc(['schema', 'show', 'users', '--database', db.url]);
      assert.equal(users.code, 0, users.stderr);
      assert.match(users.stdout, /^Table public\.users/);
      assert.match(users.stdout, /email +text +not null/);
      assert.match(
        users.stdout,
        /Foreign keys in:\n {2}public\.production_lots\.production_lots_created_by_fkey: \(created_by\) → \(user_id\) on delete set null/,
      );
      const lots = await mtc(['schema', 'show', 'public.production_lots', '--json', '--database', db.url]);
      const t = JSON.parse(lots.stdout) as { columns: { name: string; default: string | null }[] };
      assert.equal(t.columns.find((c) => c.name === 'status')?.default, "'planning'::text");
      const none = await mtc(['schema', 'show', 'nope', '--database', db.url]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no table nope/);
    });
  });
}
