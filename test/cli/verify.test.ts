import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fixtures.ts';

for (const backend of backends) {
  describe(`mtc schema dump and mtc verify on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let work: string;
    before(async () => {
      db = await backend.create();
      work = await mkdtemp(join(tmpdir(), 'mtc-verify-'));
    });
    after(async () => {
      await db?.drop();
    });

    test('a dumped snapshot verifies clean; a hand-made change, an extra table and a duplicate foreign key are named; unmanaged objects are listed, not drift', async () => {
      const dir = await copyFixture('alter-before-create-fixed');
      const run = (...args: string[]) => mtc([...args, '--database', db.url, '--migrations', dir], { cwd: work });
      assert.equal((await run('migrate')).code, 0);
      const snapshot = join(work, 'db', 'schema.sql');
      const dump = await run('schema', 'dump', '--snapshot', snapshot);
      assert.equal(dump.code, 0, dump.stderr);
      const text = await readFile(snapshot, 'utf8');
      assert.match(text, /CREATE TABLE public\.production_lots/);
      assert.doesNotMatch(text, /mtc_schema_history/);
      const clean = await run('verify', '--snapshot', snapshot);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);

      const conn = await db.open();
      try {
        await conn.exec(`
          ALTER TABLE production_lots ALTER COLUMN status SET DEFAULT 'Planning';
          ALTER TABLE production_lots ADD CONSTRAINT fk_lots_created_by FOREIGN KEY (created_by) REFERENCES users (user_id) ON DELETE SET NULL;
          CREATE TABLE legacy_items (id int);
          CREATE TABLE scratch_notes (id int);`);
      } finally {
        await conn.close();
      }
      const drift = await run('verify', '--json', '--snapshot', snapshot);
      assert.equal(drift.code, 1, drift.stderr);
      const out = JSON.parse(drift.stdout) as { findings: { kind: string; object: string; name?: string; names?: string[] }[] };
      const kinds = out.findings.map((f) => `${f.kind} ${f.object}`).sort();
      assert.ok(kinds.includes('changed column'), kinds.join(', '));
      assert.ok(kinds.includes('duplicate constraint'), kinds.join(', '));
      assert.ok(kinds.includes('extra table'), kinds.join(', '));

      await writeFile(join(work, 'mtc.config.json'), JSON.stringify({ unmanaged: ['public.legacy_*'], ignore: ['scratch_notes'] }));
      const text2 = await run('verify', '--snapshot', snapshot);
      assert.match(text2.stdout, /unmanaged table public\.legacy_items/);
      assert.doesNotMatch(text2.stdout, /scratch_notes/);
      await writeFile(join(work, 'mtc.config.json'), JSON.stringify({ unmanged: [] }));
      const bad = await run('verify', '--snapshot', snapshot);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /mtc\.config\.json: unknown field "unmanged"/);
    });
  });
}
