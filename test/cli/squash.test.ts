import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';

for (const backend of backends) {
  describe(`mtc squash on ${backend.name}`, { skip: backend.skip }, () => {
    const dbs: TestDatabase[] = [];
    before(async () => {
      dbs.push(await backend.create(), await backend.create());
    });
    after(async () => {
      await Promise.all(dbs.map((d) => d.drop()));
    });

    test('a proven baseline: databases that ran the history are left alone, new ones run only the baseline, and both end with one schema', async () => {
      const [old, fresh] = dbs as [TestDatabase, TestDatabase];
      const dir = await copyFixture('alter-before-create-fixed');
      await writeFile(join(dir, '0004_lot_notes.sql'), '-- requires: 0003_production_lots\nALTER TABLE production_lots ADD COLUMN notes text;\n');
      assert.equal((await mtc(['migrate', '--database', old.url, '--migrations', dir])).code, 0);

      const s = await mtc(['squash', '--to', '0002_fix_lot_status', '--migrations', dir]);
      assert.equal(s.code, 0, s.stderr);
      const baseline = join(dir, '0002_fix_lot_status_baseline.sql');
      const text = await readFile(baseline, 'utf8');
      assert.match(text, /^-- replaces: 0001_users 0003_production_lots 0002_fix_lot_status\n/);
      for (const gone of ['0001_users.sql', '0002_fix_lot_status.sql', '0003_production_lots.sql']) assert.equal(existsSync(join(dir, gone)), false, gone);

      const oldStatus = await mtc(['status', '--json', '--database', old.url, '--migrations', dir]);
      assert.equal(oldStatus.code, 0, oldStatus.stdout);
      const st = JSON.parse(oldStatus.stdout) as { applied: { id: string; history?: boolean }[]; pending: unknown[]; missing: unknown[] };
      assert.ok(st.applied.some((a) => a.id === '0002_fix_lot_status_baseline' && a.history));
      assert.deepEqual([st.pending.length, st.missing.length], [0, 0]);
      const again = await mtc(['migrate', '--database', old.url, '--migrations', dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Nothing to migrate/);

      const created = await mtc(['migrate', '--json', '--database', fresh.url, '--migrations', dir]);
      assert.equal(created.code, 0, created.stderr);
      const steps = (JSON.parse(created.stdout) as { steps: { id: string }[] }).steps.map((x) => x.id);
      assert.deepEqual(steps, ['0002_fix_lot_status_baseline', '0004_lot_notes']);
      const dumpOld = await mtc(['schema', 'dump', '-o', '-', '--database', old.url]);
      const dumpNew = await mtc(['schema', 'dump', '-o', '-', '--database', fresh.url]);
      assert.equal(dumpNew.stdout, dumpOld.stdout);
    });
  });
}

describe('mtc squash refusals', () => {
  test('a history that leaves rows is refused and nothing is written; --to is required', async () => {
    const dir = await copyFixture('alter-before-create-fixed');
    await writeFile(join(dir, '0004_seed.sql'), "-- requires: 0001_users\nINSERT INTO users (email) VALUES ('admin@example.com');\n");
    const r = await mtc(['squash', '--to', '0004_seed', '--migrations', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /leaves rows in public\.users/);
    assert.equal(existsSync(join(dir, '0004_seed_baseline.sql')), false);
    assert.equal(existsSync(join(dir, '0001_users.sql')), true);
    const usage = await mtc(['squash', '--migrations', dir]);
    assert.equal(usage.code, 2);
  });
});
