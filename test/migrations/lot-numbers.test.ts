import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends, postgresBackend } from '../helpers/backends.ts';
import { mtc } from '../helpers/cli.ts';

for (const backend of backends) {
  describe(`lot numbers on ${backend.name}`, { skip: backend.skip }, () => {
    test('a lot inserted without a number gets one, whatever the session search_path; numbers never repeat', async () => {
      const t = await backend.create();
      try {
        assert.equal((await mtc(['migrate', '--database', t.url])).code, 0);
        const db = await t.open();
        try {
          await db.exec(`INSERT INTO public.processes (name) VALUES ('Frame')`);
          await db.session(async (s) => {
            await s.exec(`SET search_path = ''`);
            await s.exec(`INSERT INTO public.production_lots (process_id, quantity) SELECT id, 10 FROM public.processes`);
            await s.exec(`SET search_path = pg_temp`);
            await s.exec(`INSERT INTO public.production_lots (process_id, quantity) SELECT id, 10 FROM public.processes`);
          });
          const lots = (await db.query<{ lot_number: string }>('SELECT lot_number FROM public.production_lots ORDER BY id')).rows.map((r) => r.lot_number);
          assert.equal(lots.length, 2);
          for (const l of lots) assert.match(l, /^LOT-\d{8}-\d{6,}$/);
          assert.notEqual(lots[0], lots[1]);
        } finally {
          await db.close();
        }
      } finally {
        await t.drop();
      }
    });
  });
}

describe('lot numbers under concurrency', { skip: postgresBackend.skip }, () => {
  test('eight sessions inserting lots at once: every number distinct', async () => {
    const t = await postgresBackend.create();
    try {
      assert.equal((await mtc(['migrate', '--database', t.url])).code, 0);
      const db = await t.open();
      try {
        await db.exec(`INSERT INTO public.processes (name) VALUES ('Frame')`);
        // The pool holds four connections; eight callers keep all four busy at once.
        await Promise.all(
          Array.from({ length: 8 }, () =>
            db.query(`INSERT INTO public.production_lots (process_id, quantity) SELECT id, 1 FROM public.processes, generate_series(1, 50)`),
          ),
        );
        const r = await db.query<{ n: string; distinct: string }>(
          'SELECT count(*)::text AS n, count(DISTINCT lot_number)::text AS distinct FROM public.production_lots',
        );
        assert.deepEqual(r.rows, [{ n: '400', distinct: '400' }]);
      } finally {
        await db.close();
      }
    } finally {
      await t.drop();
    }
  });
});
