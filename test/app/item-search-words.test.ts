// Item search led by the word index (migration 0030): a word's few items looked up, or a
// common word's items read in name order, must answer exactly what the plain definition of a
// search answers (each word in the name, category, model or variation, folded), page by page,
// and the index must follow every change to an item.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';
import type { Database } from '../../src/db/types.ts';
import { createItem, deleteItem, findItems, listItems, restoreItem, searchWords, updateItem } from '../../src/app/items/items.ts';
import type { ItemFilter } from '../../src/app/items/items.ts';
import { FEW_ITEMS, findWords, planSearch } from '../../src/app/items/search.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';
import { COUNT_CAP } from '../../src/app/paging.ts';

/**
 * 2,600 items: "frame" is in more than FEW_ITEMS of them through three item words (Frame,
 * Frameset and the category Frames, often two in one item); "fork" in fewer; one model's name
 * has a search word; every 23rd item is deleted.
 */
const FILL = `
INSERT INTO public.model_master (model_name) VALUES ('Roadster');
INSERT INTO public.variation_master (variation_name) VALUES ('Classic');
INSERT INTO public.item_master (name, category, model_id, variation_id, deleted_at)
  SELECT (ARRAY['Frame','Fork','Wheel','Éclair','Frameset'])[1 + g % 5] || ' part' || (g % 50) || ' ' || g,
         (ARRAY['Frames', NULL, 'Tools'])[1 + g % 3], (ARRAY[1, NULL])[1 + g % 2], (ARRAY[1, NULL, NULL])[1 + g % 3],
         CASE WHEN g % 23 = 0 THEN now() END
    FROM generate_series(1, 2600) g;
ANALYZE public.item_master;`;

type Search = Omit<ItemFilter, 'limit' | 'offset'>;

/** The plain definition of a search's answer: its ids in order, and how many. */
async function defined(db: Database, s: Search, limit: number, offset: number): Promise<{ total: number; ids: number[] }> {
  const words = searchWords(s.q);
  const params: unknown[] = [words];
  const where = [s.includeDeleted ? 'TRUE' : 'i.deleted_at IS NULL', 'cardinality($1::text[]) >= 0'];
  words.forEach((_, n) => {
    const w = `public.mtc_fold(($1::text[])[${n + 1}])`;
    where.push(`(strpos(i.search_text, ${w}) > 0 OR strpos(m.name_folded, ${w}) > 0 OR strpos(v.name_folded, ${w}) > 0)`);
  });
  if (s.category !== undefined) where.push(`public.mtc_fold(i.category) = public.mtc_fold($${params.push(s.category)}::text)`);
  const dir = s.direction === 'desc' ? 'DESC' : 'ASC';
  const key = s.sort === 'createdAt' ? 'i.created_at' : 'lower(i.name)';
  const r = await db.query<{ item_id: number }>(
    `SELECT i.item_id FROM public.item_master i
       LEFT JOIN public.model_master m ON m.model_id = i.model_id LEFT JOIN public.variation_master v ON v.variation_id = i.variation_id
      WHERE ${where.join(' AND ')} ORDER BY ${key} ${dir}, i.item_id ${dir}`,
    params,
  );
  const ids = r.rows.map((row) => row.item_id);
  return { total: ids.length, ids: ids.slice(offset, offset + limit) };
}

const SEARCHES: [Search, 'few' | 'walk' | 'scan'][] = [
  [{ q: 'frame' }, 'walk'],
  [{ q: 'FRAME', direction: 'desc' }, 'walk'],
  [{ q: 'frames' }, 'walk'],
  [{ q: 'frame', category: 'tools' }, 'walk'],
  [{ q: 'frame wheel' }, 'few'],
  [{ q: 'fork' }, 'few'],
  [{ q: 'fork', sort: 'createdAt', direction: 'desc' }, 'few'],
  [{ q: 'part1 frame' }, 'few'],
  [{ q: 'eclair 12' }, 'few'],
  [{ q: 'nothing-like-this' }, 'few'],
  [{ q: 'frame', sort: 'createdAt' }, 'scan'],
  [{ q: 'frame', includeDeleted: true }, 'scan'],
  [{ q: 'roadster frame' }, 'walk'],
  [{ q: 'road' }, 'scan'],
  [{ q: 'part' }, 'scan'],
];

for (const backend of backends) {
  describe(`item search led by the word index on ${backend.name}`, { skip: backend.skip }, () => {
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

    test('each search is read the way its words call for', async () => {
      const frame = (await findWords(db, ['frame']))[0]!;
      assert.deepEqual([...frame.tokens].sort(), ['frame', 'frames', 'frameset']);
      assert.ok(frame.items > FEW_ITEMS);
      for (const [s, kind] of SEARCHES) assert.equal(planSearch(await findWords(db, searchWords(s.q)), s).kind, kind, JSON.stringify(s));
    });

    test('every way gives the rows, the order and the total of the plain definition, first page, deep page and past the end', async () => {
      for (const [s] of SEARCHES)
        for (const [limit, offset] of [
          [50, 0],
          [7, 7],
          [50, 900],
          [50, 3000],
        ] as const) {
          const r = await findItems(db, { ...s, limit, offset });
          const want = await defined(db, s, limit, offset);
          assert.deepEqual({ total: r.total, ids: r.items.map((i) => i.itemId) }, want, `${JSON.stringify(s)} ${limit}@${offset}`);
          assert.equal(r.totalCapped, false);
          assert.deepEqual(await listItems(db, { ...s, limit, offset }), r);
        }
    });

    test('past COUNT_CAP matches, a walked search and the list say "10,000 or more"; a page past the end still knows the total', async () => {
      await db.exec(`INSERT INTO public.item_master (name) SELECT 'Frame extra ' || g FROM generate_series(1, ${COUNT_CAP}) g`);
      for (const f of [{ q: 'frame' }, {}]) {
        const r = await findItems(db, { ...f, limit: 50, offset: 0 });
        assert.deepEqual([r.total, r.totalCapped, r.items.length], [COUNT_CAP, true, 50], JSON.stringify(f));
        const want = await defined(db, f, 50, 4950);
        assert.deepEqual(
          (await findItems(db, { ...f, limit: 50, offset: 4950 })).items.map((i) => i.itemId),
          want.ids,
        );
        const past = await findItems(db, { ...f, limit: 50, offset: 20_000 });
        assert.deepEqual([past.total, past.totalCapped, past.items.length], [COUNT_CAP, true, 0], JSON.stringify(f));
      }
      const few = await findItems(db, { q: 'frame', category: 'tools', limit: 50, offset: 0 });
      assert.equal(few.total, (await defined(db, { q: 'frame', category: 'tools' }, 50, 0)).total);
      assert.equal(few.totalCapped, false);
      await db.exec("DELETE FROM public.item_master WHERE name LIKE 'Frame extra %'");
    });

    test('a renamed, recategorised, deleted or restored item is found by what it is now', async () => {
      const find = async (q: string) => (await findItems(db, { q, limit: 50, offset: 0 })).items.map((i) => i.itemId);
      const item = await createItem(db, { name: 'Quokka saddle', category: 'Seats' }, CLI_ACTOR);
      assert.deepEqual(await find('quokka'), [item.itemId]);
      assert.deepEqual(await find('seats'), [item.itemId]);
      await updateItem(db, item.itemId, { name: 'Wombat saddle', category: 'Perches' }, CLI_ACTOR);
      assert.deepEqual(await find('quokka'), []);
      assert.deepEqual(await find('seats'), []);
      assert.deepEqual(await find('wombat'), [item.itemId]);
      assert.deepEqual(await find('perch'), [item.itemId]);
      await deleteItem(db, item.itemId, CLI_ACTOR);
      assert.deepEqual(await find('wombat'), []);
      assert.deepEqual((await findItems(db, { q: 'wombat', includeDeleted: true, limit: 50, offset: 0 })).items.length, 1);
      await restoreItem(db, item.itemId, CLI_ACTOR);
      assert.deepEqual(await find('wombat'), [item.itemId]);
      // A word of a name in two spaces, or in other white space, is still found inside it.
      await updateItem(db, item.itemId, { name: 'Wombat  saddle\tXY-9' }, CLI_ACTOR);
      assert.deepEqual(await find('saddle'), [item.itemId]);
      assert.deepEqual(await find('xy-9'), [item.itemId]);
    });
  });
}
