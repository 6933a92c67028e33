// Malformed files: no crash, and an exact account of every row: each is imported or has an
// error row saying why (success + failure = processed = total), on both backends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { SourceProbe } from '../../../src/app/imports/formats/detect.ts';
import { openRows } from '../../../src/app/imports/formats/rows.ts';
import type { Database } from '../../../src/db/types.ts';
import { backends } from '../../helpers/backends.ts';
import { ROOT } from '../../helpers/cli.ts';
import { jobErrors, jobState, migratedDatabase } from '../../helpers/imports.ts';
import { random } from '../../helpers/random.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'imports');
const HEADER = 'Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold';

/** The data rows of a file as the reader sees them (blank rows left out), by row number. */
async function dataRows(bytes: Buffer): Promise<number[]> {
  const probe = new SourceProbe('f.csv', {});
  probe.push(bytes);
  const { format, options } = probe.finish();
  const rows: number[] = [];
  for await (const r of openRows({ format, options, chunks: async function* () { yield bytes; } })) rows.push(r.rowNumber);
  return rows.slice(1);
}

/** Imports `bytes` and checks the account: every row processed, each either written or with its error rows. */
async function importAndAccount(db: Database, bytes: Buffer, name: string) {
  const { jobId } = await createImportJob(db, { kind: 'items', fileName: name, bytes, userId: null });
  const { status } = await runImport(db, jobId, { batchRows: 16 });
  const state = await jobState(db, jobId);
  const errors = await jobErrors(db, jobId);
  assert.equal(status, state.status, name);
  if (state.status === 'failed') {
    assert.ok(state.message, `${name}: a failed job says why`);
    assert.equal(state.processed, 0, `${name}: a failed job wrote no row`);
    assert.equal(errors.length, 0);
  } else {
    const rows = await dataRows(bytes);
    assert.equal(state.total, rows.length, `${name}: total is the rows in the file`);
    assert.equal(state.processed, state.total, `${name}: every row processed`);
    assert.equal(state.success + state.failure, state.processed, `${name}: success + failure = processed`);
    const rejected = new Set(errors.map((e) => e.row));
    assert.equal(rejected.size, state.failure, `${name}: one or more error rows for each rejected row`);
    for (const n of rejected) assert.ok(rows.includes(n), `${name}: error row ${n} is a row of the file`);
    assert.equal(state.status, state.failure > 0 ? 'completed_with_errors' : 'completed');
  }
  return { state, errors };
}

const EXPECTED: Record<string, { status: string; success: number; rejected: [number, string | null][] }> = {
  'broken-quoting.csv': { status: 'completed_with_errors', success: 4, rejected: [[3, 'item'], [9, null]] },
  'ragged.csv': { status: 'completed_with_errors', success: 3, rejected: [[3, 'size'], [4, null]] },
  'wrong-types.csv': {
    status: 'completed_with_errors',
    success: 1,
    rejected: [[2, 'stock'], [3, 'stock'], [4, 'stock'], [5, 'threshold'], [6, 'stock'], [7, 'item'], [8, 'unit']],
  },
  'empty.csv': { status: 'failed', success: 0, rejected: [] },
  'only-blank-lines.csv': { status: 'failed', success: 0, rejected: [] },
  'header-only.csv': { status: 'completed', success: 0, rejected: [] },
  'bom-semicolon.csv': { status: 'completed', success: 2, rejected: [] },
  'windows-1252.csv': { status: 'completed', success: 2, rejected: [] },
  'nul-bytes.csv': { status: 'completed_with_errors', success: 1, rejected: [[2, 'item']] },
};

/** A valid file of `n` variants, to break. */
function validFile(n: number): string {
  const lines = [HEADER];
  for (let i = 0; i < n; i++) lines.push(`Item ${i % 7},M${i % 3},,"Desc, ${i}",Cat,Col ${i % 5},S${i},${i}.5,pcs,${i % 4}`);
  return `${lines.join('\r\n')}\r\n`;
}

for (const backend of backends) {
  describe(`malformed files on ${backend.name}`, { skip: backend.skip }, () => {
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    before(async () => {
      t = await migratedDatabase(backend);
    });
    after(() => t?.close());

    for (const [file, want] of Object.entries(EXPECTED)) {
      test(`${file}: ${want.status}, ${want.success} written, ${want.rejected.length === 0 ? 'none' : `rows ${[...new Set(want.rejected.map((r) => r[0]))].join(', ')}`} rejected`, async () => {
        const { state, errors } = await importAndAccount(t.db, readFileSync(join(FIXTURES, file)), file);
        assert.equal(state.status, want.status);
        assert.equal(state.success, want.success);
        assert.deepEqual(
          errors.map((e) => [e.row, e.field]),
          want.rejected,
        );
      });
    }

    test('the Windows-1252 and BOM files keep their accented names', async () => {
      const names = (await t.db.query<{ name: string }>(`SELECT name FROM public.item_master WHERE name IN ('Café chair', 'Price € tag', 'Éclair', 'Crème') ORDER BY name`)).rows;
      assert.deepEqual(names.map((n) => n.name), ['Café chair', 'Crème', 'Price € tag', 'Éclair']);
      const colours = (await t.db.query<{ n: string }>(`SELECT color_name AS n FROM public.color_master WHERE color_name IN ('Grün', 'Crème', 'Noir')`)).rows.length;
      assert.equal(colours, 3);
    });

    test('a huge field costs its row only', async () => {
      const text = `${HEADER}\nBig,,,"${'x'.repeat(3 * 1024 * 1024)}",,Black,M,1,pcs,0\nSmall,,,${'y'.repeat(20_000)},,Black,M,1,pcs,0\nAfter,,,,,Black,M,1,pcs,0\n`;
      const { state, errors } = await importAndAccount(t.db, Buffer.from(text), 'huge.csv');
      assert.equal(state.success, 1);
      assert.deepEqual(
        errors.map((e) => [e.row, e.field]),
        [
          [2, null],
          [3, 'description'],
        ],
      );
      assert.ok(errors.every((e) => (e.raw ?? '').length <= 4001), 'an error keeps a bounded part of a huge row');
    });

    test('binary garbage: no crash, the job fails naming the missing columns, or accounts for every row after a good header', async () => {
      const rnd = random(7);
      const garbage = Buffer.from(Array.from({ length: 20_000 }, () => rnd.int(0, 255)));
      const alone = await importAndAccount(t.db, garbage, 'garbage.bin');
      assert.equal(alone.state.status, 'failed');
      assert.match(alone.state.message!, /the header has no "Item", "Color", "Size" columns/);
      await importAndAccount(t.db, Buffer.concat([Buffer.from(`${HEADER}\n`), garbage]), 'header-then-garbage.csv');
    });

    test('seeded random damage to a valid file never loses a row from the account', async () => {
      const base = validFile(60);
      const damage = ['"', '"', ',', '\n', '\r', '\0', '\u00e9', ';', '""', '\r\n', 'x'.repeat(300)];
      for (let seed = 1; seed <= 8; seed++) {
        const rnd = random(seed);
        let text = base;
        const k = rnd.int(1, 12);
        for (let i = 0; i < k; i++) {
          const at = rnd.int(HEADER.length + 2, text.length - 1);
          text = rnd.next() < 0.2 ? text.slice(0, at) + text.slice(at + rnd.int(1, 40)) : text.slice(0, at) + rnd.pick(damage) + text.slice(at);
        }
        const bytes = rnd.next() < 0.3 ? Buffer.from(text, 'latin1') : Buffer.from(text);
        await importAndAccount(t.db, bytes, `random-${seed}.csv`);
      }
    });
  });
}
