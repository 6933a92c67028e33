// The first admin (what npm start makes on the embedded database): made only while no one can
// log in, once, with a password that logs in and is kept only as its Argon2id hash. On both
// backends; on the server, two servers starting at once make one admin, not two.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anyoneCanLogIn, checkPassword, createFirstAdmin, createUser, deactivateUser } from '../../src/app/access/accounts.ts';
import { seedDemo } from '../../src/app/demo/seed.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import { migratedDatabase } from '../helpers/imports.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

for (const backend of backends) {
  describe(`the first admin on ${backend.name}`, { skip: backend.skip }, () => {
    let m: Awaited<ReturnType<typeof migratedDatabase>>;
    let db: Database;
    const users = async () =>
      (await db.query<{ email: string; role: string; hash: string | null }>('SELECT email, role, password_hash AS hash FROM public.users ORDER BY user_id'))
        .rows;
    before(async () => {
      m = await migratedDatabase(backend);
      db = m.db;
    });
    after(async () => {
      await m?.close();
    });

    test('on the demo data (users without passwords) it is made: an admin whose new password logs in, stored as an Argon2id hash; then never again', async () => {
      await seedDemo(db);
      assert.equal(await anyoneCanLogIn(db), false, 'the demo users have no password');
      const made = await createFirstAdmin(db, { name: 'Administrator', email: 'admin@localhost' }, CLI_ACTOR);
      assert.ok(made);
      assert.equal(made.user.role, 'admin');
      assert.equal(made.user.email, 'admin@localhost');
      assert.match(made.password, /^[A-Za-z0-9_-]{20}$/);
      assert.equal((await checkPassword(db, 'admin@localhost', made.password)).ok, true);
      const stored = (await users()).find((u) => u.email === 'admin@localhost')!;
      assert.match(stored.hash!, /^\$argon2id\$/);
      assert.ok(!stored.hash!.includes(made.password));

      assert.equal(await createFirstAdmin(db, { name: 'Administrator', email: 'admin@localhost' }, CLI_ACTOR), null);
      assert.equal(await createFirstAdmin(db, { name: 'Another', email: 'another@localhost' }, CLI_ACTOR), null);
      assert.equal((await users()).length, 5);
    });

    test('a deactivated account with a password does not count: no one can log in, so a first admin is made; a taken email is refused, making nothing', async () => {
      await db.exec('TRUNCATE public.users CASCADE');
      const gone = await createUser(db, { name: 'Gone', email: 'gone@example.com', role: 'admin', password: 'a long old password' }, CLI_ACTOR);
      await deactivateUser(db, gone.userId);
      assert.equal(await anyoneCanLogIn(db), false);

      await createUser(db, { name: 'No password', email: 'admin@localhost', role: 'viewer' }, CLI_ACTOR);
      await assert.rejects(createFirstAdmin(db, { name: 'Administrator', email: 'ADMIN@localhost' }, CLI_ACTOR), { code: 'EMAIL_TAKEN' });
      assert.equal((await users()).length, 2, 'nothing was made');

      const made = await createFirstAdmin(db, { name: 'Administrator', email: 'first@localhost' }, CLI_ACTOR);
      assert.equal(made?.user.email, 'first@localhost');
      assert.equal(await anyoneCanLogIn(db), true);
    });

    test('two at once (two servers starting on one database) make one first admin', async () => {
      await db.exec('TRUNCATE public.users CASCADE');
      const made = await Promise.all([
        createFirstAdmin(db, { name: 'A', email: 'a@localhost' }, CLI_ACTOR),
        createFirstAdmin(db, { name: 'B', email: 'b@localhost' }, CLI_ACTOR),
      ]);
      assert.equal(made.filter((x) => x !== null).length, 1);
      assert.equal((await users()).length, 1);
    });
  });
}
