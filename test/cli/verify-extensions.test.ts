// pg_trgm is optional (migrations 0022, 0023): a database without it is not drift. mtc verify
// warns and exits 0; with the extension but without the index it made, the index is missing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

for (const backend of backends) {
  describe(`mtc verify of a database without pg_trgm on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await backend.create({ migrated: true });
    });
    after(async () => {
      await t?.drop();
    });
    const exec = async (sql: string) => {
      const db = await t.open();
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    };

    test('is clean with a warning saying what is slower; the index alone missing is a difference', async () => {
      const clean = await mtc(['verify', '--database', t.url]);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      assert.doesNotMatch(clean.stderr, /pg_trgm/);

      await exec('DROP EXTENSION pg_trgm CASCADE');
      const without = await mtc(['verify', '--database', t.url]);
      assert.equal(without.code, 0, without.stdout + without.stderr);
      assert.match(
        without.stderr,
        /warning: extension pg_trgm is not installed: item search reads every item, and lot search every lot \(slower, with the same answers\)/,
      );
      assert.match(without.stdout, /The database matches/);
      const json = JSON.parse((await mtc(['verify', '--json', '--database', t.url])).stdout) as { differences: number; warnings: string[] };
      assert.equal(json.differences, 0);
      assert.equal(json.warnings.length, 1);

      await exec('CREATE EXTENSION pg_trgm WITH SCHEMA public');
      const noIndex = await mtc(['verify', '--database', t.url]);
      assert.equal(noIndex.code, 1, noIndex.stdout + noIndex.stderr);
      assert.match(noIndex.stdout, /missing index .*idx_item_master_search_trgm/);
      assert.doesNotMatch(noIndex.stderr, /warning/);
    });
  });
}
