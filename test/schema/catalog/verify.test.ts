import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Database } from '../../../src/db/types.ts';
import { formatFinding } from '../../../src/schema/catalog/compare.ts';
import { inspect } from '../../../src/schema/catalog/inspect.ts';
import type { SchemaModel } from '../../../src/schema/catalog/model.ts';
import { type Verification, type VerificationCache, verifyDatabase } from '../../../src/schema/catalog/verify.ts';
import { backends } from '../../helpers/backends.ts';
import { counting } from '../../helpers/counting.ts';

const SCHEMA = `
  CREATE FUNCTION public.label(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(p) $$;
  CREATE TABLE public.parts (
    id integer PRIMARY KEY,
    code text NOT NULL,
    qty integer NOT NULL DEFAULT 0,
    CONSTRAINT parts_qty_check CHECK (qty >= 0)
  );
  CREATE INDEX parts_code_idx ON public.parts (code) WHERE qty > 0;`;

/** A cache in memory, as `mtc verify` keeps one on disk: the latest verification per database. */
function memoryCache(declared: string): VerificationCache & { writes: number } {
  const kept = new Map<string, { key: string; verification: Verification }>();
  return {
    declared,
    writes: 0,
    async read(server, key) {
      const k = kept.get(server);
      return k?.key === key ? structuredClone(k.verification) : undefined;
    },
    async write(server, key, verification) {
      this.writes++;
      kept.set(server, { key, verification: structuredClone(verification) });
    },
  };
}

const SCOPE = { ignore: [], unmanaged: [] };
const lines = (v: Verification) => v.findings.map(formatFinding);

for (const backend of backends) {
  describe(`verifyDatabase with a kept verification on ${backend.name}`, { skip: backend.skip }, () => {
    /** A database holding SCHEMA, and the model of it as declared. */
    async function withSchema(fn: (db: Database, declared: SchemaModel) => Promise<void>): Promise<void> {
      const t = await backend.create();
      const db = await t.open();
      try {
        await db.exec(SCHEMA);
        await fn(db, await inspect(db));
      } finally {
        await db.close();
        await t.drop();
      }
    }

    test('an unchanged database is answered from the kept verification: neither model is made, two statements are sent', async () => {
      await withSchema(async (db, declared) => {
        const cache = memoryCache('snapshot-1');
        let loads = 0;
        const expected = async () => {
          loads++;
          return declared;
        };
        const first = await verifyDatabase(db, expected, SCOPE, cache);
        assert.equal(first.differences, 0);
        assert.equal(loads, 1);
        assert.equal(cache.writes, 1);

        const c = counting(db);
        const again = await verifyDatabase(c.q, expected, SCOPE, cache);
        assert.deepEqual(again, first);
        assert.equal(loads, 1, 'the declared model is not loaded again');
        // the catalog's state, and whether adopt's table exists
        assert.equal(c.count(), 2);

        // another snapshot, or another scope, is not the kept verification
        assert.equal((await verifyDatabase(db, expected, SCOPE, memoryCache('snapshot-2'))).differences, 0);
        assert.equal(loads, 2);
        const unmanaged = await verifyDatabase(db, expected, { ignore: [], unmanaged: ['public.parts'] }, cache);
        assert.equal(loads, 3);
        assert.deepEqual(lines(unmanaged), ['unmanaged table public.parts']);
      });
    });

    test('a change seen only in a printed definition (a default, a check, an index predicate, a function body) is still reported after a kept verification', async () => {
      await withSchema(async (db, declared) => {
        const cache = memoryCache('snapshot-1');
        // each answer is also what a verification without the cache gives
        const verify = async () => {
          const answer = await verifyDatabase(db, async () => declared, SCOPE, cache);
          assert.deepEqual(answer, await verifyDatabase(db, async () => declared, SCOPE));
          return answer;
        };
        assert.equal((await verify()).differences, 0);

        await db.exec('ALTER TABLE public.parts ALTER COLUMN qty SET DEFAULT 1');
        const byDefault = await verify();
        assert.equal(byDefault.differences, 1);
        assert.match(lines(byDefault).join('\n'), /qty/);
        await db.exec('ALTER TABLE public.parts ALTER COLUMN qty SET DEFAULT 0');
        assert.equal((await verify()).differences, 0);

        await db.exec('ALTER TABLE public.parts DROP CONSTRAINT parts_qty_check, ADD CONSTRAINT parts_qty_check CHECK (qty > 0)');
        assert.match(lines(await verify()).join('\n'), /parts_qty_check/);
        await db.exec('ALTER TABLE public.parts DROP CONSTRAINT parts_qty_check, ADD CONSTRAINT parts_qty_check CHECK (qty >= 0)');
        assert.equal((await verify()).differences, 0);

        await db.exec('DROP INDEX public.parts_code_idx; CREATE INDEX parts_code_idx ON public.parts (code) WHERE qty > 1');
        assert.match(lines(await verify()).join('\n'), /parts_code_idx/);
        await db.exec('DROP INDEX public.parts_code_idx; CREATE INDEX parts_code_idx ON public.parts (code) WHERE qty > 0');
        assert.equal((await verify()).differences, 0);

        await db.exec('CREATE OR REPLACE FUNCTION public.label(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(p) $$');
        assert.match(lines(await verify()).join('\n'), /label/);
      });
    });
  });
}
