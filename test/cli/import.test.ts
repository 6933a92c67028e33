// `mtc import` as a user runs it: progress on stderr, a summary, exit codes; on both backends.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/open.ts';
import { backends } from '../helpers/backends.ts';
import { ROOT, mtc } from '../helpers/cli.ts';
import { migratedDatabase } from '../helpers/imports.ts';
import { insertShirtCase } from '../helpers/margins.ts';

const GOOD = 'Item,Colour,Size,Qty\nFrame,Black,M,10\nFrame,Black,L,5\nBell,Silver,One,3\n';
const BAD = 'Item,Colour,Size,Qty\nFrame,Black,M,12\nFrame,Black,L,many\nBell,,One,3\n';

for (const backend of backends) {
  describe(`mtc import on ${backend.name}`, { skip: backend.skip }, () => {
    let url: string;
    let drop: () => Promise<void>;
    let dir: string;
    const file = (name: string) => join(dir, name);
    const count = async (sql: string) => {
      const db = await openDatabase(url);
      try {
        return Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
      } finally {
        await db.close();
      }
    };

    before(async () => {
      const t = await migratedDatabase(backend);
      await t.db.close();
      url = t.url;
      drop = t.drop;
      dir = await mkdtemp(join(tmpdir(), 'mtc-import-cli-'));
      await writeFile(file('good.csv'), GOOD);
      await writeFile(file('bad.csv'), BAD);
      await writeFile(file('no-size.csv'), 'Item,Colour\nFrame,Black\n');
    });
    after(async () => {
      await drop?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('imports a file, prints counters on stderr and a summary, exits 0', async () => {
      const r = await mtc(['import', file('good.csv'), '--kind', 'items', '--database', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Imported .*good\.csv as items \(job \d+\): 3 of 3 rows imported, 0 rejected/);
      assert.match(r.stderr, /import: 3\/3 rows \(100%\), 3 imported, 0 rejected, \d+ rows\/s, ETA 0:00/);
      assert.equal(await count(`SELECT count(*) AS n FROM public.item_variant`), 3);
      // The person at the terminal made the job (no user: the CLI); the import wrote its rows
      // for them: one event for the job's end, with what it wrote, not one per row.
      const jobId = Number(/\(job (\d+)\)/.exec(r.stdout)?.[1]);
      const db = await openDatabase(url);
      try {
        const events = (
          await db.query<{ action: string; via: string; userId: number | null; after: { status: string; kind: string; rows: unknown } }>(
            `SELECT action, via, user_id AS "userId", after FROM public.audit_events WHERE entity = 'import_job' AND entity_id = $1 ORDER BY id`,
            [String(jobId)],
          )
        ).rows;
        assert.deepEqual(
          events.map((e) => [e.action, e.via, e.userId, e.after.status, e.after.kind]),
          [
            ['create', 'cli', null, 'pending', 'items'],
            ['transition', 'import', null, 'completed', 'items'],
          ],
        );
        assert.deepEqual(events[1]!.after.rows, { processed: 3, imported: 3, rejected: 0 });
      } finally {
        await db.close();
      }
    });

    /** good.csv imported, for a test that starts from its rows: its three variants at its stock levels, whichever tests ran before. */
    const importGood = async () => assert.equal((await mtc(['import', file('good.csv'), '--kind', 'items', '--database', url])).code, 0);

    test('rejected rows: exit 1, each listed with its row and field; --json gives the whole account', async () => {
      await importGood();
      const r = await mtc(['import', file('bad.csv'), '--kind', 'items-and-variants', '--database', url, '--json']);
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { status: string; successCount: number; failureCount: number; errors: { row: number; field: string }[] };
      assert.equal(out.status, 'completed_with_errors');
      assert.equal(out.successCount, 1);
      assert.equal(out.failureCount, 2);
      assert.deepEqual(
        out.errors.map((e) => [e.row, e.field]),
        [
          [3, 'stock'],
          [4, 'color'],
        ],
      );
      const human = await mtc(['import', file('bad.csv'), '--kind', 'items', '--database', url]);
      assert.equal(human.code, 1);
      assert.match(human.stdout, /row 3, stock: "many" is not a stock level/);
      assert.equal(await count(`SELECT count(*) AS n FROM public.item_variant`), 3, 're-imports update, never duplicate');
      assert.equal(await count(`SELECT sum(quantity) AS n FROM public.inventory_transactions`), 12 + 5 + 3);
    });

    test('a quote left open costs its own line: every data line counted, the rejected line named with what to do', async () => {
      // on a database of its own: its items (a second Bell among them) would make good.csv's rows ambiguous for the tests after it
      const own = await migratedDatabase(backend);
      await own.db.close();
      try {
        const r = await mtc(['import', join(ROOT, 'test', 'fixtures', 'imports', 'open-quote.csv'), '--kind', 'items', '--database', own.url]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, /: 5 of 6 rows imported, 1 rejected/);
        assert.match(
          r.stdout,
          /row 3: a quote opened in field 1 \("Item"\) is never closed on line 3 \(the next quote, on a later line, is followed by other text, so it does not close it\)/,
        );
      } finally {
        await own.drop();
      }
    });

    test('a missing column fails the job: exit 1, naming it', async () => {
      const r = await mtc(['import', file('no-size.csv'), '--kind', 'items', '--database', url]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /failed: the header has no "Size" column/);
    });

    test('--preview shows the rows as they would be imported and writes nothing', async () => {
      await importGood();
      const jobs = await count(`SELECT count(*) AS n FROM public.import_jobs`);
      const r = await mtc(['import', file('bad.csv'), '--kind', 'items', '--preview', '--database', url]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /row 2: ok \(item unchanged, variant unchanged, stock adjusted by 2\.000\)/, 'good.csv has 10 where bad.csv has 12');
      assert.match(r.stdout, /row 3: REJECTED/);
      assert.equal(await count(`SELECT count(*) AS n FROM public.import_jobs`), jobs);
    });

    test('--preview of a rates file shows the margins it would move, worked by hand', async () => {
      const db = await openDatabase(url);
      try {
        // The shirt of test/helpers/margins.ts: a run of 10 at 590.00 (59.00 a unit), margin 41.00.
        await insertShirtCase(db, ' (cli)', null);
      } finally {
        await db.close();
      }
      // Thread 2.00 → 2.50: 5 × 2.50 + 8 × 0.50 + 40.00 = 56.50 a unit; 565.00 + 50.00 = 615.00 (61.50); margin 38.50.
      await writeFile(file('rates.csv'), 'Supplier,Item,Color,Size,Cost\nSupplier one (cli),Thread (cli),Natural,One size,2.50\n');
      const r = await mtc(['import', file('rates.csv'), '--kind', 'rates', '--preview', '--database', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /row 2: ok \(rate updated\)/);
      assert.match(r.stdout, /Margins importing the file would move on \d{4}-\d{2}-\d{2} \(worst case, usual lot size; 0 falling below target\):/);
      assert.match(r.stdout, /\n {2}Shirt \(cli\): unit 59\.00 → 61\.50, margin 41\.00% → 38\.50% \(target 15\.00%\)\n?/);
      assert.equal(await count(`SELECT count(*) AS n FROM public.variant_supplier_pricing WHERE cost_per_unit = 2.50`), 0, 'a preview imports nothing');
    });

    test('usage errors exit 2', async () => {
      for (const args of [
        ['import', file('good.csv')],
        ['import', file('good.csv'), '--kind', 'widgets'],
        ['import', file('missing.csv'), '--kind', 'items'],
        ['import', '--kind', 'items'],
      ]) {
        const r = await mtc([...args, '--database', url]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      }
      const jobs = await count(`SELECT count(*) AS n FROM public.import_jobs`);
      const r = await mtc(['import', file('good.csv'), '--kind', 'items', '--database', url], { env: { MTC_IMPORT_BATCH_ROWS: 'lots' } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /MTC_IMPORT_BATCH_ROWS=lots: expected a whole number of rows per import batch, 1 to 100,000/);
      assert.equal(await count(`SELECT count(*) AS n FROM public.import_jobs`), jobs, 'no job made');
    });
  });
}
