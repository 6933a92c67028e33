import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';
import { ledgerIds, publicTables } from '../helpers/db-state.ts';

for (const backend of backends) {
  describe(`mtc migrate on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    const run = (dir: string, ...args: string[]) => mtc([...args, '--database', db.url, '--migrations', dir]);
    before(async () => {
      db = await backend.create();
    });
    after(async () => {
      await db?.drop();
    });

    test('applies the ALTER-before-CREATE graph in requires order, then finds nothing to do', async () => {
      const dir = await copyFixture('alter-before-create-fixed');
      const r = await run(dir, 'migrate');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Applied 3 migrations/);
      assert.deepEqual(await ledgerIds(db), ['0001_users', '0003_production_lots', '0002_fix_lot_status']);
      const again = await run(dir, 'migrate');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Nothing to migrate/);

      const status = await run(dir, 'status', '--json');
      assert.equal(status.code, 0);
      const s = JSON.parse(status.stdout) as { applied: unknown[]; pending: unknown[]; changed: unknown[]; missing: unknown[] };
      assert.equal(s.applied.length, 3);
      assert.deepEqual([s.pending.length, s.changed.length, s.missing.length], [0, 0, 0]);

      // The same files with CRLF line endings (a Windows checkout) are not a change.
      for (const f of ['0001_users.sql', '0002_fix_lot_status.sql']) {
        const p = join(dir, f);
        await writeFile(p, (await readFile(p, 'utf8')).replace(/\n/g, '\r\n'));
      }
      const crlf = await run(dir, 'migrate');
      assert.equal(crlf.code, 0, crlf.stderr);

      // A migration with a lower number that arrives later applies.
      await writeFile(
        join(dir, '0000_audit.sql'),
        '-- requires: 0001_users\nCREATE TABLE audit (id int, user_id bigint REFERENCES users (user_id));\nCREATE INDEX audit_user_id_idx ON audit (user_id);\n',
      );
      const late = await run(dir, 'migrate');
      assert.equal(late.code, 0, late.stderr);
      assert.match(late.stdout, /0000_audit/);
      assert.ok((await publicTables(db)).includes('audit'));

      // A tampered applied file is refused, with which and what to do.
      const original = await readFile(join(dir, '0001_users.sql'), 'utf8');
      await writeFile(join(dir, '0001_users.sql'), 'CREATE TABLE users (user_id bigserial PRIMARY KEY, email text);\n');
      const tampered = await run(dir, 'migrate');
      assert.equal(tampered.code, 1);
      assert.match(tampered.stderr, /0001_users\.sql.*changed since applied|changed since applied.*0001_users\.sql/s);
      assert.match(tampered.stderr, /new migration/);
      const st = await run(dir, 'status');
      assert.equal(st.code, 1);
      assert.match(st.stdout, /Changed since applied/);

      // A deleted applied file is refused too.
      await writeFile(join(dir, '0001_users.sql'), original);
      await rm(join(dir, '0000_audit.sql'));
      const missing = await run(dir, 'migrate');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /missing from disk: 0000_audit/);
    });
  });
}
