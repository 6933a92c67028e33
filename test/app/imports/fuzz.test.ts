// Malformed files: no crash, and an exact account of every row: each is imported or has an
// error row saying why (success + failure = processed = total), on both backends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportJob, runImport } from '../../../src/app/imports/engine.ts';
import { CLI_ACTOR } from '../../../src/app/audit/actor.ts';
import { previewImport } from '../../../src/app/imports/preview.ts';
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
  for await (const r of openRows({
    format,
    options,
    chunks: async function* () {
      yield bytes;
    },
  }))
    rows.push(r.rowNumber);
  return rows.slice(1);
}

/** Imports `bytes` and checks the account: every row processed, each either written or with its error rows. */
async function importAndAccount(db: Database, bytes: Buffer, name: string) {
  const { jobId } = await createImportJob(db, { kind: 'items', fileName: name, bytes }, CLI_ACTOR);
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
  'broken-quoting.csv': {
    status: 'completed_with_errors',
    success: 5,
    rejected: [
      [3, null],
      [9, null],
    ],
  },
  'open-quote.csv': { status: 'completed_with_errors', success: 5, rejected: [[3, null]] },
  'ragged.csv': {
    status: 'completed_with_errors',
    success: 3,
    rejected: [
      [3, 'size'],
      [4, null],
    ],
  },
  'wrong-types.csv': {
    status: 'completed_with_errors',
    success: 1,
    rejected: [
      [2, 'stock'],
      [3, 'stock'],
      [4, 'stock'],
      [5, 'threshold'],
      [6, 'stock'],
      [7, 'item'],
      [8, 'unit'],
    ],
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

/**
 * An items file of `rows` valid rows, some of them damaged in ways people damage CSV files:
 * a quote opened at the start of a field and never closed, a stray quote inside a field, text
 * after a closing quote, cells missing or added, values that are not values; LF, CRLF and CR
 * line ends mixed, a BOM, blank lines. No line of it holds a field that legitimately runs onto
 * the next: every quote the damage adds is followed by text (so it never closes a field
 * properly), so each line that is not blank is one row.
 */
function damagedItems(seed: number): Buffer {
  const rnd = random(seed);
  const lines = [HEADER];
  const rows = rnd.int(5, 40);
  for (let i = 0; i < rows; i++) {
    if (rnd.next() < 0.05) lines.push(rnd.pick(['', ',,,', ' ']));
    const cells = [
      `Part ${rnd.int(1, 9)}`,
      rnd.pick(['', 'M1', 'M2']),
      rnd.pick(['', 'V1']),
      rnd.pick(['', `Desc ${i}`, `"Desc, ${i}"`, `"Say ""hi"" ${i}"`]),
      rnd.pick(['', 'Frames', '"Bars, straight"']),
      rnd.pick(['Black', 'Red']),
      `S${rnd.int(1, 4)}`,
      String(rnd.int(0, 50)),
      'pcs',
      String(rnd.int(0, 5)),
    ];
    const damage = rnd.next() < 0.5 ? rnd.int(1, 3) : 0;
    for (let d = 0; d < damage; d++) {
      const at = rnd.int(0, cells.length - 1);
      const cell = cells[at]!;
      const plain = /^[A-Za-z0-9][^",]*$/.test(cell);
      switch (rnd.int(0, 5)) {
        case 0: // a quote opened and never closed
          if (plain) cells[at] = `"${cell}`;
          break;
        case 1: // a stray quote inside a field, text on both sides
          if (plain && cell.length >= 2) {
            const k = rnd.int(1, cell.length - 1);
            cells[at] = `${cell.slice(0, k)}"${cell.slice(k)}`;
          }
          break;
        case 2: // text after a closing quote
          if (plain) cells[at] = `"${cell}"x`;
          break;
        case 3: // cells missing
          cells.splice(rnd.int(1, cells.length - 1));
          break;
        case 4: // cells added
          cells.push(...Array.from({ length: rnd.int(1, 3) }, (_, k) => `extra${k}`));
          break;
        default: // a value that is not one
          cells[rnd.pick([7, 9])] = rnd.pick(['ten', '-1', '1e3']);
      }
    }
    lines.push(cells.join(','));
  }
  let text = lines[0]!;
  for (const line of lines.slice(1)) text += rnd.pick(['\n', '\n', '\r\n', '\r\n', '\r']) + line;
  if (rnd.next() < 0.5) text += rnd.pick(['\n', '\r\n']);
  return Buffer.from(rnd.next() < 0.3 ? `\uFEFF${text}` : text);
}

/** The data lines of a file: each physical line after the header that is not blank, by line number, with its text. */
function physicalRows(bytes: Buffer): Map<number, string> {
  const lines = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/);
  const rows = new Map<number, string>();
  lines.forEach((l, i) => {
    if (i > 0 && l.replaceAll(',', '').trim() !== '') rows.set(i + 1, l);
  });
  return rows;
}

for (const backend of backends) {
  describe(`every line of a damaged file accounted for, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: Awaited<ReturnType<typeof migratedDatabase>>;
    before(async () => {
      t = await migratedDatabase(backend);
    });
    after(() => t?.close());

    test('imported + rejected = the data lines; each rejected row is one line, numbered as that line, its text that line; the preview reads the same rows', async () => {
      for (let seed = 1; seed <= 40; seed++) {
        const bytes = damagedItems(seed);
        const lines = physicalRows(bytes);
        const say = `seed ${seed} (damagedItems(${seed}) in test/app/imports/fuzz.test.ts)`;
        const preview = await previewImport(t.db, { kind: 'items', fileName: `damaged-${seed}.csv`, bytes }, { rows: 1000 });
        assert.equal(preview.problem, null, say);
        assert.deepEqual(
          preview.rows.map((r) => r.rowNumber),
          [...lines.keys()],
          `${say}: the preview shows every data line, as its own row`,
        );
        const { jobId } = await createImportJob(t.db, { kind: 'items', fileName: `damaged-${seed}.csv`, bytes }, CLI_ACTOR);
        await runImport(t.db, jobId, { batchRows: 7 });
        const state = await jobState(t.db, jobId);
        const errors = await jobErrors(t.db, jobId);
        assert.equal(state.total, lines.size, `${say}: the total is the data lines`);
        assert.equal(state.processed, lines.size, say);
        assert.equal(state.success + state.failure, lines.size, `${say}: imported + rejected = data lines`);
        const rejected = new Set(errors.map((e) => e.row));
        assert.equal(rejected.size, state.failure, say);
        for (const e of errors) {
          assert.equal(e.raw, lines.get(e.row), `${say}: rejected row ${e.row} is line ${e.row} alone`);
          if (e.message.startsWith('a quote opened'))
            assert.match(e.message, new RegExp(`is never closed on line ${e.row} \\(.*only line ${e.row} is rejected`), say);
        }
        assert.deepEqual(
          preview.rows.filter((r) => r.errors.length > 0).map((r) => r.rowNumber),
          [...rejected],
          `${say}: the preview rejects the rows the import rejects`,
        );
      }
    });
  });
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
      // imported here too: a test above imports each file, but this one may run without them (again, a file changes nothing)
      for (const file of ['windows-1252.csv', 'bom-semicolon.csv']) await importAndAccount(t.db, readFileSync(join(FIXTURES, file)), file);
      const names = (
        await t.db.query<{ name: string }>(`SELECT name FROM public.item_master WHERE name IN ('Café chair', 'Price € tag', 'Éclair', 'Crème') ORDER BY name`)
      ).rows;
      assert.deepEqual(
        names.map((n) => n.name),
        ['Café chair', 'Crème', 'Price € tag', 'Éclair'],
      );
      const colours = (await t.db.query<{ n: string }>(`SELECT color_name AS n FROM public.color_master WHERE color_name IN ('Grün', 'Crème', 'Noir')`)).rows
        .length;
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
      assert.ok(
        errors.every((e) => (e.raw ?? '').length <= 4001),
        'an error keeps a bounded part of a huge row',
      );
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
