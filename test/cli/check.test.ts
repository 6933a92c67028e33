import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pgliteBackend } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';

describe('mtc check (no server needed)', () => {
  test("passes on this project's own migrations and snapshot", async () => {
    const r = await mtc(['check']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1\/4 lint/);
    assert.match(r.stderr, /4\/4 rehearsal skipped/);
  });

  test('fails on a stale snapshot, on a migration that fails from empty, and rehearses on a copy with --database', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mtc-check-'));
    const snapshot = join(work, 'schema.sql');
    const dir = await copyFixture('alter-before-create-fixed');
    const missing = await mtc(['check', '--migrations', dir, '--snapshot', snapshot]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /does not exist; write it with mtc schema dump/);

    const db = await pgliteBackend.create();
    try {
      assert.equal((await mtc(['migrate', '--to', '0003_production_lots', '--database', db.url, '--migrations', dir])).code, 0);
      const scratchDb = await pgliteBackend.create();
      try {
        assert.equal((await mtc(['migrate', '--database', scratchDb.url, '--migrations', dir])).code, 0);
        assert.equal((await mtc(['schema', 'dump', '--database', scratchDb.url, '--snapshot', snapshot])).code, 0);
      } finally {
        await scratchDb.drop();
      }
      const ok = await mtc(['check', '--json', '--migrations', dir, '--snapshot', snapshot, '--database', db.url]);
      assert.equal(ok.code, 0, ok.stderr + ok.stdout);
      const report = JSON.parse(ok.stdout) as { ok: boolean; rehearsal: { applied: string[] } };
      assert.deepEqual(report.rehearsal.applied, ['0002_fix_lot_status']);

      await writeFile(join(dir, '0004_notes.sql'), '-- requires: 0003_production_lots\nALTER TABLE production_lots ADD COLUMN notes text;\n');
      const stale = await mtc(['check', '--migrations', dir, '--snapshot', snapshot]);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /missing column public\.production_lots\.notes|extra column public\.production_lots\.notes/);
      assert.match(stale.stderr, /is not what the migrations give/);

      const failing = await copyFixture('five-third-fails');
      const f = await mtc(['check', '--migrations', failing, '--snapshot', snapshot]);
      assert.equal(f.code, 1);
      assert.match(f.stderr, /0003_c\.sql:4:27: column "missing_column" does not exist/);
    } finally {
      await db.drop();
    }
  });
});
