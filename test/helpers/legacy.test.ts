import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/types.ts';
import { inspect } from '../../src/schema/catalog/inspect.ts';
import { type TestDatabase, backends } from './backends.ts';
import { legacyDatabase, loadLegacyData, loadLegacySchema, parseCopyRow } from './legacy.ts';
import { type TableFingerprint, tableFingerprints } from './row-fingerprint.ts';

/**
 * The tables of the fixture that hold rows: count, and md5 of the whole rows as psql loads
 * mtc_legacy_data.sql on PostgreSQL 15 (tableFingerprints with `of: 'rows'`). `users` has
 * no checksum: its stand-in row takes `created_at` from the clock.
 */
const LOADED: Record<string, [rows: number, md5: string | null]> = {
  color_master: [86, 'c8ac4460f6cda74d175e678d829fc501'],
  item_master: [489, '428ece6d020897a570469d5c239f7729'],
  item_variant: [7345, '4f9e6c1005295abdd1ad1064a59f6415'],
  model_master: [43, 'ba98a6a21300f1169acecec916367f7c'],
  processes: [2, '88c17e2c1fcfdef336d7cab13c41d1ac'],
  purchase_order_items: [6, 'ef7160be157982ff99789229e41c8760'],
  purchase_orders: [3, '3feab3061c215b91e840dd499aa4a0ca'],
  schema_migrations: [16, '84d888ad748b4fc4e8d9dcb86fb69ec4'],
  size_master: [25, '0bc673052d617177555c2b51d287d01c'],
  stock_entries: [3, 'f0de518283d3e4c0f97a2affd6058fa6'],
  stock_receipts: [2, '6133fa79436f78f0fa92b7c1619e840b'],
  subprocesses: [2, '840a4373808dd59a1bbb743064045427'],
  supplier_item_rates: [1, '1af1959087580d1024bc990a1b263eb2'],
  suppliers: [1, '7c9dffd9772c796b7c5e36ddfe919c77'],
  users: [1, null],
  variation_master: [94, 'eeb42872b8450cf17de51ba979414453'],
};
const TABLE_COUNT = 41;
const FOREIGN_KEY_COUNT = 54;

function counts(f: Map<string, TableFingerprint>): Record<string, number> {
  return Object.fromEntries([...f].filter(([, v]) => v.rows > 0).map(([k, v]) => [k, v.rows]));
}

/** Rows whose foreign key finds no row, for every foreign key of `public`, by constraint name. */
async function orphans(db: Database): Promise<Map<string, number>> {
  const fks = (
    await db.query<{ name: string; child: string; parent: string; pairs: string }>(`
      SELECT f.conname AS name, f.conrelid::regclass::text AS child, f.confrelid::regclass::text AS parent,
        (SELECT json_agg(json_build_array(quote_ident(ca.attname), quote_ident(pa.attname)))
           FROM unnest(f.conkey, f.confkey) AS u(c, p)
           JOIN pg_attribute ca ON ca.attrelid = f.conrelid AND ca.attnum = u.c
           JOIN pg_attribute pa ON pa.attrelid = f.confrelid AND pa.attnum = u.p)::text AS pairs
      FROM pg_constraint f WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace ORDER BY 1`)
  ).rows;
  const selects = fks.map((fk) => {
    const pairs = JSON.parse(fk.pairs) as [string, string][];
    const present = pairs.map(([c]) => `c.${c} IS NOT NULL`).join(' AND ');
    const match = pairs.map(([c, p]) => `p.${p} = c.${c}`).join(' AND ');
    return `SELECT '${fk.name}' AS name, count(*)::int AS n FROM ${fk.child} c WHERE ${present} AND NOT EXISTS (SELECT FROM ${fk.parent} p WHERE ${match})`;
  });
  const rows = (await db.query<{ name: string; n: number }>(selects.join(' UNION ALL '))).rows;
  return new Map(rows.map((r) => [r.name, r.n]));
}

describe('parseCopyRow: a line of COPY text format', () => {
  test('splits fields at tabs; \\N alone is NULL, an empty field is the empty string', () => {
    assert.deepEqual(parseCopyRow('1\t\\N\tred\t'), ['1', null, 'red', '']);
  });

  test('decodes \\t, \\\\, \\n, \\r, \\b, \\f, \\v inside a field, beside non-ASCII text', () => {
    assert.deepEqual(parseCopyRow('Café\\t☕\\\\x\\r\\n𝄞\tä\\b\\f\\v'), ['Café\t☕\\x\r\n𝄞', 'ä\b\f\v']);
  });

  test('reads octal and hex escapes as bytes of UTF-8', () => {
    assert.deepEqual(parseCopyRow('\\303\\251t\\xc3\\xa9\t\\101\\1012\t\\x4a\\x4'), ['été', 'AA2', 'J\u0004']);
  });

  test('a backslash before any other character stands for that character; \\N inside a field is not NULL', () => {
    assert.deepEqual(parseCopyRow('a\\Nb\t\\\\N\t\\xg\t\\"'), ['aNb', '\\N', 'xg', '"']);
  });

  test('bytes that are not UTF-8 are refused, as the server refuses them', () => {
    assert.throws(() => parseCopyRow('\\377'), TypeError);
  });
});

for (const backend of backends) {
  describe(`the legacy fixture on ${backend.name}`, { skip: backend.skip }, () => {
    let one: TestDatabase;
    let three: TestDatabase;
    let db: Database;
    let db3: Database;
    const searchPath: string[] = [];

    before(async () => {
      one = await backend.create();
      db = await one.open();
      const show = async () => (await db.query<{ search_path: string }>('SHOW search_path')).rows[0]?.search_path ?? '';
      searchPath.push(await show());
      await loadLegacySchema(db);
      await loadLegacyData(db);
      searchPath.push(await show());
      three = await legacyDatabase(backend, { data: true, scale: 3 });
      db3 = await three.open();
    });
    after(async () => {
      await db?.close();
      await db3?.close();
      await one?.drop();
      await three?.drop();
    });

    test('holds exactly the rows of the dump, table by table, and nothing in its other tables', async () => {
      const f = await tableFingerprints(db);
      assert.equal(f.size, TABLE_COUNT);
      assert.deepEqual(counts(f), Object.fromEntries(Object.entries(LOADED).map(([k, [n]]) => [k, n])));
    });

    test('holds the same values, byte for byte, as psql loading the dump with COPY', async () => {
      const f = await tableFingerprints(db, { of: 'rows' });
      for (const [table, [, md5]] of Object.entries(LOADED)) if (md5) assert.equal(f.get(table)?.keys, md5, table);
      const spokes = await db.query<{ description: string }>('SELECT description FROM public.item_master WHERE item_id = 613');
      assert.equal(spokes.rows[0]?.description, '12"-85mm\n14"-110mm\n16"-144mm\n20"-195mm');
    });

    test('leaves sequences where the dump sets them, and the session settings as they were', async () => {
      const r = await db.query<{ v: string; c: boolean }>('SELECT last_value::text AS v, is_called AS c FROM public.item_variant_variant_id_seq');
      assert.deepEqual(r.rows[0], { v: '53025', c: true });
      assert.equal(searchPath[1], searchPath[0]);
    });

    test('every foreign key finds its row', async () => {
      const o = await orphans(db);
      assert.equal(o.size, FOREIGN_KEY_COUNT);
      assert.deepEqual(
        [...o].filter(([, n]) => n > 0),
        [],
      );
    });

    test('scale 3 holds three times the rows of every table', async () => {
      const f = await tableFingerprints(db3);
      assert.deepEqual(counts(f), Object.fromEntries(Object.entries(LOADED).map(([k, [n]]) => [k, 3 * n])));
    });

    test('scale 3: every foreign key still finds its row, within its own copy', async () => {
      const o = await orphans(db3);
      assert.equal(o.size, FOREIGN_KEY_COUNT);
      assert.deepEqual(
        [...o].filter(([, n]) => n > 0),
        [],
      );
      const r = await db3.query<{ n: number }>(`
        SELECT count(*)::int AS n FROM public.item_variant v LEFT JOIN public.item_master m ON m.item_id = v.item_id
        WHERE m.item_id IS NULL OR v.variant_id / 1000000 <> m.item_id / 1000000`);
      assert.equal(r.rows[0]?.n, 0);
    });

    test('scale 3: unique names get a copy suffix, and owned sequences move past the largest key', async () => {
      const names = await db3.query<{ n: number; distinct: number; suffixed: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT color_name)::int AS distinct, count(*) FILTER (WHERE color_name LIKE '% #2')::int AS suffixed FROM public.color_master`,
      );
      assert.deepEqual(names.rows[0], { n: 258, distinct: 258, suffixed: 86 });
      const seq = await db3.query<{ ok: boolean }>(
        'SELECT (SELECT last_value FROM public.item_variant_variant_id_seq) >= (SELECT max(variant_id) FROM public.item_variant) AS ok',
      );
      assert.equal(seq.rows[0]?.ok, true);
    });

    test('scale 3 leaves the schema as it was: same tables, constraints, indexes and triggers', async () => {
      assert.deepEqual(await inspect(db3), await inspect(db));
    });

    test('scale 3: fingerprints differ from scale 1 for every table with rows, and only for those', async () => {
      const [a, b] = [await tableFingerprints(db), await tableFingerprints(db3)];
      const changed = [...a].filter(([k, v]) => b.get(k)?.keys !== v.keys).map(([k]) => k);
      assert.deepEqual(changed, Object.keys(LOADED));
    });

    test('tableFingerprints is stable, and a changed key changes its table only', async () => {
      const before = await tableFingerprints(db);
      assert.deepEqual(await tableFingerprints(db), before);
      await db.exec("UPDATE public.schema_migrations SET version = 'migration_add_po_number_renamed' WHERE version = 'migration_add_po_number'");
      try {
        const after = await tableFingerprints(db);
        assert.deepEqual(
          [...after].filter(([k, v]) => before.get(k)?.keys !== v.keys).map(([k]) => k),
          ['schema_migrations'],
        );
        assert.equal(after.get('schema_migrations')?.rows, 16);
      } finally {
        await db.exec("UPDATE public.schema_migrations SET version = 'migration_add_po_number' WHERE version = 'migration_add_po_number_renamed'");
      }
      assert.deepEqual(await tableFingerprints(db), before);
    });

    test('tableFingerprints: keys ignore other columns, rows do not; a table without a key is checksummed whole; mtc_ tables are left out', async () => {
      const [keys, rows] = [await tableFingerprints(db), await tableFingerprints(db, { of: 'rows' })];
      await db.exec(`
        UPDATE public.color_master SET color_name = color_name || '!' WHERE color_id = (SELECT min(color_id) FROM public.color_master);
        CREATE TABLE public.keyless (a int, b text); INSERT INTO public.keyless VALUES (1, 'x'), (2, NULL);
        CREATE TABLE public.mtc_ledger_like (id int PRIMARY KEY)`);
      try {
        const [keys2, rows2] = [await tableFingerprints(db), await tableFingerprints(db, { of: 'rows' })];
        assert.equal(keys2.get('color_master')?.keys, keys.get('color_master')?.keys);
        assert.notEqual(rows2.get('color_master')?.keys, rows.get('color_master')?.keys);
        assert.equal(keys2.has('mtc_ledger_like'), false);
        const keyless = keys2.get('keyless');
        assert.equal(keyless?.rows, 2);
        await db.exec("UPDATE public.keyless SET b = 'y' WHERE a = 2");
        assert.notEqual((await tableFingerprints(db)).get('keyless')?.keys, keyless?.keys);
      } finally {
        await db.exec(`
          UPDATE public.color_master SET color_name = left(color_name, -1) WHERE color_id = (SELECT min(color_id) FROM public.color_master);
          DROP TABLE public.keyless, public.mtc_ledger_like`);
      }
    });
  });
}
