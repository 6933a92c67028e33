// mtc serve --migrate (what npm start runs): pending migrations are applied before anything is
// served; when one fails, or the lint finds an error, serve prints mtc migrate's report naming
// the migration and exits 1 (as mtc migrate does) without ever listening, and the database
// keeps what was applied before it. Without --migrate a pending migration is refused, naming
// the way out. On both backends.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { listeningAddress, mtc, startMtc } from '../helpers/cli.ts';
import { ledgerIds } from '../helpers/db-state.ts';

for (const backend of backends) {
  describe(`mtc serve --migrate on ${backend.name}`, { skip: backend.skip }, () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mtc-serve-migrate-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    /** A migrations directory of its own holding FILES (name → SQL). */
    const migrations = async (name: string, files: Record<string, string>): Promise<string> => {
      const d = join(dir, name);
      await rm(d, { recursive: true, force: true });
      await mkdir(d);
      for (const [file, sql] of Object.entries(files)) await writeFile(join(d, file), sql);
      return d;
    };
    const serve = (db: TestDatabase, migrationsDir: string, ...args: string[]) =>
      mtc(['serve', '--migrate', '--port', '0', '--database', db.url, '--migrations', migrationsDir, ...args]);

    test("a migration that fails: exit 1, the migration named with PostgreSQL's words, nothing served, the ones before it applied", async () => {
      const db = await backend.create();
      try {
        const d = await migrations('failing', {
          '0001_lots.sql': 'CREATE TABLE lots (id bigint PRIMARY KEY, qty integer);\n',
          '0002_broken.sql': '-- requires: 0001_lots\nALTER TABLE lots ADD COLUMN note text;\nINSERT INTO lots (id, qty) VALUES (1, 1), (1, 2);\n',
        });
        const r = await serve(db, d);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /mtc: migration 0002_broken failed and was rolled back; 1 migration before it stayed applied\./);
        assert.match(r.stderr, /0002_broken\.sql:3:\d+: duplicate key value violates unique constraint "lots_pkey" \(SQLSTATE 23505\)/);
        assert.match(r.stderr, /mtc serve: not serving: the database could not be migrated/);
        assert.doesNotMatch(r.stderr + r.stdout, /listening/);
        assert.equal(r.stdout, '', 'what it did goes to stderr: stdout is the request log');
        assert.deepEqual(await ledgerIds(db), ['0001_lots']);
      } finally {
        await db.drop();
      }
    });

    test('a lint error in a pending migration: exit 1, the error printed, nothing applied, nothing served', async () => {
      const db = await backend.create();
      try {
        const d = await migrations('lint-error', {
          '0001_lots.sql': 'CREATE TABLE lots (id bigint PRIMARY KEY);\n',
          '0002_typo.sql': '-- requires: 0001_lots\nALTER TABEL lots ADD COLUMN note text;\n',
        });
        const r = await serve(db, d);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /0002_typo\.sql:2:\d+: error /);
        assert.match(r.stderr, /1 lint error in pending migrations; nothing was applied/);
        assert.match(r.stderr, /mtc serve: not serving/);
        assert.doesNotMatch(r.stderr, /listening/);
        const none = await db.open();
        try {
          assert.equal((await none.query("SELECT to_regclass('public.lots') IS NULL AS gone")).rows[0]?.gone, true);
        } finally {
          await none.close();
        }
      } finally {
        await db.drop();
      }
    });

    test("MTC's migrations on a new database: it applies them, says so on stderr, and serves; without --migrate a pending migration is refused", async () => {
      const db = await backend.create();
      try {
        const refused = await mtc(['serve', '--port', '0', '--database', db.url]);
        assert.equal(refused.code, 1, refused.stderr);
        assert.match(refused.stderr, /\d+ migration\(s\) pending: run mtc migrate first, or mtc serve --migrate/);
        const s = startMtc(['serve', '--migrate', '--port', '0', '--import-workers', '0', '--database', db.url]);
        let stderr = '';
        s.child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
        try {
          const address = await listeningAddress(s.child, 120_000);
          assert.equal((await fetch(`${address}/health`)).status, 200);
          assert.match(stderr, /\[ ?1\/\d+\] applied +0001_/);
          assert.match(stderr, /Applied \d+ migrations\./);
          assert.doesNotMatch(stderr, /warning|hint:/, "the lint's warnings are not printed");
        } finally {
          s.child.kill('SIGTERM');
          const done = await s.done;
          assert.equal(done.code, 0, stderr);
          assert.doesNotMatch(done.stdout, /Applied|applied/, 'stdout is the request log only');
        }
        assert.ok((await ledgerIds(db)).length > 20);
      } finally {
        await db.drop();
      }
    });
  });
}
