// Item search with and without pg_trgm: the trigram index (migration 0023) changes how fast a
// search answers, never what it answers. The same searches are run with the index (the
// planner made to use it) and without it (dropped in a rolled-back transaction, and on a
// PGlite that has no pg_trgm at all), and must give the same rows in the same order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import { migrateProject, projectPlan } from '../helpers/migrated.ts';
import { buildServer } from '../../src/http/server.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Database, Queryable } from '../../src/db/types.ts';
import { SEARCH_LIMITS, findItems, listItems, searchWords } from '../../src/app/items/items.ts';
import type { ItemFilter } from '../../src/app/items/items.ts';
import { MtcError } from '../../src/errors.ts';

/** 240 items: stems (one accented), a second word, odd characters, models and variations that match words too. */
const FILL = `
INSERT INTO public.model_master (model_name) VALUES ('Roadster'), ('Città'), ('Pâtisserie');
INSERT INTO public.variation_master (variation_name) VALUES ('Classic'), ('Frameless');
INSERT INTO public.item_master (name, category, model_id, variation_id, deleted_at)
  SELECT (ARRAY['Frame','Fork','Wheel','Éclair','Pédale','100% Cotton','Snake_case','Back\\slash'])[1 + g % 8] || ' part' || (g % 13) || ' ' || g,
         (ARRAY['Frames','Bakeware',NULL])[1 + g % 3], (ARRAY[1, 2, 3, NULL])[1 + g % 4], (ARRAY[1, 2, NULL])[1 + g % 3],
         CASE WHEN g % 17 = 0 THEN now() END
    FROM generate_series(1, 240) g;
ANALYZE public.item_master;`;

const SEARCHES: Omit<ItemFilter, 'limit' | 'offset'>[] = [
  { q: 'frame' },
  { q: 'FRAM part1' },
  { q: 'eclair' },
  { q: 'pedale 2' },
  { q: 'citta' },
  { q: 'frameless' },
  { q: 'bakew' },
  { q: '100%' },
  { q: '%' },
  { q: '_' },
  { q: 'e_c' },
  { q: '\\' },
  { q: 'fr' },
  { q: 'nothing-like-this' },
  { q: 'part1', sort: 'createdAt', direction: 'desc' },
  { q: 'part', direction: 'desc' },
  { q: 'frame', includeDeleted: true },
  { q: 'frame', category: 'frames' },
  { q: 'wheel', model: 'roadster' },
];

/** Every search's answers: two pages of 7 and the totals. */
async function answers(q: Queryable): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of SEARCHES)
    for (const offset of [0, 7]) {
      const r = await listItems(q, { ...s, limit: 7, offset });
      out.push({ s, offset, total: r.total, capped: r.totalCapped, ids: r.items.map((i) => i.itemId) });
    }
  return out;
}

/** Runs `fn` in a transaction that is rolled back, whatever it did. */
async function rolledBack<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db
    .transaction(async (tx) => {
      result = await fn(tx);
      throw new Error('roll back');
    })
    .catch((err: unknown) => {
      if (!(err instanceof Error) || err.message !== 'roll back') throw err;
    });
  return result as T;
}

for (const backend of backends) {
  describe(`item search with and without the trigram index on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
      await db.exec(FILL);
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    test('migrating made pg_trgm and the index on the items’ folded search text', async () => {
      const r = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_indexes WHERE indexname = 'idx_item_master_search_trgm'
            AND EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')`,
      );
      assert.equal(r.rows[0]!.n, '1');
    });

    test('a search word is looked up in the trigram index', async () => {
      const plan = await rolledBack(db, async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_indexscan = off');
        return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT item_id FROM public.item_master i WHERE i.search_text LIKE '%eclair%'`)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      });
      assert.match(plan, /idx_item_master_search_trgm/);
    });

    test('the API’s search (findItems) answers as listItems does, and leaves the session’s settings as they were', async () => {
      const setting = async () => (await db.query<{ v: string }>(`SELECT current_setting('max_parallel_workers_per_gather') AS v`)).rows[0]!.v;
      const before = await setting();
      for (const f of [{ q: 'frame part1' }, {}])
        assert.deepEqual(await findItems(db, { ...f, limit: 7, offset: 7 }), await listItems(db, { ...f, limit: 7, offset: 7 }));
      assert.equal(await setting(), before);
    });

    test('the same rows in the same order, with the index used and with it dropped', async () => {
      // The name index dropped too, so that the only way to the rows short of reading them all is the trigram index.
      const withIndex = await rolledBack(db, async (tx) => {
        await tx.query('DROP INDEX public.idx_item_master_name_order');
        await tx.query('SET LOCAL enable_seqscan = off');
        return answers(tx);
      });
      const withoutIndex = await rolledBack(db, async (tx) => {
        await tx.query('DROP INDEX public.idx_item_master_search_trgm');
        return answers(tx);
      });
      assert.deepEqual(withIndex, withoutIndex);
      assert.ok(
        withIndex.some((a) => (a as { ids: number[] }).ids.length > 0),
        'the searches find something',
      );
    });
  });
}

describe('item search on a PostgreSQL without pg_trgm (PGlite without its extensions)', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase('memory://', { extensions: false });
    await migrateProject(db);
    await db.exec(FILL);
  });
  after(async () => {
    await db?.close();
  });

  test('every migration applies, without the extension and without the index', async () => {
    const r = await db.query<{ ext: string; idx: string }>(
      `SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm')::text AS ext,
              (SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_item_master_search_trgm')::text AS idx`,
    );
    assert.deepEqual(r.rows[0], { ext: '0', idx: '0' });
  });

  test('/ready is ready, with a warning that search reads every item', async () => {
    const app = await buildServer({ db, plan: await projectPlan(), logger: false });
    try {
      const r = await app.inject({ method: 'GET', url: '/ready' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(JSON.parse(r.body), {
        ready: true,
        warnings: [
          'extension pg_trgm is not installed: item search reads every item, and lot search every lot (slower, with the same answers); README.md, "Search", says how to add it',
        ],
      });
    } finally {
      await app.close();
    }
  });

  test('search answers what it answers with the index', async () => {
    const other = await openDatabase('memory://');
    try {
      await migrateProject(other);
      await other.exec(FILL);
      assert.deepEqual(await answers(db), await answers(other));
    } finally {
      await other.close();
    }
  });
});

describe('the words of a search', () => {
  const refusal = (text: string) => {
    try {
      searchWords(text);
    } catch (err) {
      assert.ok(err instanceof MtcError);
      return { code: err.code, category: err.category, message: err.message, fields: err.details.fields };
    }
    assert.fail(`"${text.slice(0, 40)}" was taken`);
  };

  test('are split on white space, empty ones dropped', () => {
    assert.deepEqual(searchWords('  frame \t road\n'), ['frame', 'road']);
    assert.deepEqual(searchWords(undefined), []);
    assert.deepEqual(searchWords('   '), []);
  });

  test(`at most ${SEARCH_LIMITS.words} words are taken; more is refused naming q and the count`, () => {
    assert.equal(searchWords(Array(SEARCH_LIMITS.words).fill('a').join(' ')).length, SEARCH_LIMITS.words);
    assert.deepEqual(refusal(Array(100).fill('a').join(' ')), {
      code: 'INVALID_INPUT',
      category: 'usage',
      message: `q: has 100 words: search with at most ${SEARCH_LIMITS.words}`,
      fields: [{ path: 'querystring/q', message: `has 100 words: search with at most ${SEARCH_LIMITS.words}` }],
    });
  });

  test(`a word of more than ${SEARCH_LIMITS.wordLength} characters is refused (counted as characters, not bytes)`, () => {
    assert.deepEqual(searchWords('é'.repeat(SEARCH_LIMITS.wordLength)), ['é'.repeat(SEARCH_LIMITS.wordLength)]);
    assert.equal(
      refusal(`frame ${'x'.repeat(SEARCH_LIMITS.wordLength + 1)}`).message,
      `q: has a word longer than ${SEARCH_LIMITS.wordLength} characters: search with a shorter part of it`,
    );
  });
});
