import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../../src/db/open.ts';
import type { Database } from '../../../src/db/types.ts';
import { databaseTimeZone, knownTimeZone } from '../../../src/schema/adopt/timezone.ts';
import { MtcError } from '../../../src/errors.ts';
import { adminQuery, backends, postgresBackend } from '../../helpers/backends.ts';
import type { TestDatabase } from '../../helpers/backends.ts';

/** Sets (or, with null, removes) a TimeZone setting of this database, for every role or for this one. */
async function setDatabaseZone(db: Database, zone: string | null, forRole = false): Promise<void> {
  const what = zone === null ? 'RESET TimeZone' : `SET TimeZone = %L`;
  const role = forRole ? ' ROLE %I IN' : '';
  const args = [...(forRole ? ['session_user'] : []), 'current_database()', ...(zone === null ? [] : [`'${zone}'`])].join(', ');
  await db.exec(`DO $$ BEGIN EXECUTE format('ALTER${role} DATABASE %I ${what}', ${args}); END $$`);
}

/** The TimeZone this connection's session has now. */
const sessionZone = async (db: Database) => (await db.query<{ z: string }>('SELECT current_setting($1) AS z', ['TimeZone'])).rows[0]?.z;

for (const backend of backends) {
  describe(`time zones for adoption on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create();
      db = await t.open();
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('a zone named in any case comes back as the server spells it', async () => {
      assert.equal(await knownTimeZone(db, 'asia/kolkata'), 'Asia/Kolkata');
      assert.equal(await knownTimeZone(db, 'UTC'), 'UTC');
    });

    for (const zone of ['Mars/Olympus', 'IST', '+05:30', '']) {
      test(`${JSON.stringify(zone)} is not a zone's name: UNKNOWN_TIMEZONE, a usage error that names it and where to find the names`, async () => {
        await assert.rejects(knownTimeZone(db, zone), (err: unknown) => {
          assert.ok(err instanceof MtcError, String(err));
          assert.equal(err.code, 'UNKNOWN_TIMEZONE');
          assert.equal(err.category, 'usage');
          assert.ok(err.message.includes(`"${zone}"`), err.message);
          assert.match(err.message, /SELECT name FROM pg_timezone_names/);
          return true;
        });
      });
    }

    test("with nothing set for the database, its zone is the server's, as a new session gets it", async () => {
      const server = backend.name === 'pglite' ? 'UTC' : 'Etc/UTC';
      assert.equal(await databaseTimeZone(db), server);
      assert.equal(await sessionZone(db), server);
    });

    test("the database's own setting (ALTER DATABASE … SET TimeZone) wins over the session's", async () => {
      await setDatabaseZone(db, 'Asia/Kolkata');
      try {
        await db.session(async (s) => {
          await s.exec("SET TimeZone = 'America/New_York'");
          try {
            assert.equal(await databaseTimeZone(s), 'Asia/Kolkata');
          } finally {
            await s.exec('RESET TimeZone');
          }
        });
        // On PGlite the session never takes the database's setting (it does not read it at start).
        assert.equal(await databaseTimeZone(db), 'Asia/Kolkata');
      } finally {
        await setDatabaseZone(db, null);
      }
    });

    test("a setting for this role in this database wins over the database's", async () => {
      await setDatabaseZone(db, 'Asia/Kolkata');
      await setDatabaseZone(db, 'Europe/Berlin', true);
      try {
        assert.equal(await databaseTimeZone(db), 'Europe/Berlin');
      } finally {
        await setDatabaseZone(db, null, true);
        await setDatabaseZone(db, null);
      }
    });
  });
}

describe('time zones for adoption on postgres, with a client that sets its own', { skip: postgresBackend.skip }, () => {
  test("a zone the connection asked for (options=-c TimeZone=…) is the session's, not the database's: the server's configured zone is", async () => {
    const t = await postgresBackend.create();
    const url = new URL(t.url);
    url.searchParams.set('options', '-c TimeZone=America/New_York');
    const db = await openDatabase(url.toString());
    try {
      assert.equal(await sessionZone(db), 'America/New_York');
      assert.equal(await databaseTimeZone(db), 'Etc/UTC');
    } finally {
      await db.close();
      await t.drop();
    }
  });

  test("the same, for a role that may not read the server's configuration: DATABASE_TIMEZONE_UNKNOWN, a usage error that asks for the zone", async () => {
    const t = await postgresBackend.create();
    const role = `mtc_tz_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(t.url);
    url.username = role;
    url.searchParams.set('options', '-c TimeZone=America/New_York');
    const db = await openDatabase(url.toString());
    try {
      await assert.rejects(databaseTimeZone(db), (err: unknown) => {
        assert.ok(err instanceof MtcError, String(err));
        assert.equal(err.code, 'DATABASE_TIMEZONE_UNKNOWN');
        assert.equal(err.category, 'usage');
        assert.match(err.message, /the connection set its own \(TimeZone America\/New_York, from the client\).*--timezone ZONE/);
        return true;
      });
    } finally {
      await db.close();
      await t.drop();
      await adminQuery(`DROP ROLE ${role}`);
    }
  });
});
