// Reading files: the CSV reader (quoting, line ends, broken records), delimiter sniffing,
// encoding detection and the row stream with its row numbers. No database.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvReader, sniffDelimiter } from '../../../src/app/imports/formats/csv.ts';
import { SourceProbe } from '../../../src/app/imports/formats/detect.ts';
import { openRows } from '../../../src/app/imports/formats/rows.ts';
import type { SourceRow } from '../../../src/app/imports/formats/rows.ts';
import { quickCsvCount } from '../../../src/app/imports/formats/count.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { random } from '../../helpers/random.ts';

function parse(text: string, delimiter = ',', chunk = text.length || 1, max?: number) {
  const r = new CsvReader(delimiter, max);
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...r.push(text.slice(i, i + chunk)));
  out.push(...r.end());
  return out;
}

async function rowsOf(bytes: Buffer, fileName = 'f.csv', chunk = 7): Promise<SourceRow[]> {
  const probe = new SourceProbe(fileName, {});
  probe.push(bytes);
  const { format, options } = probe.finish();
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  const out: SourceRow[] = [];
  for await (const r of openRows({ format, options, chunks })) out.push(r);
  return out;
}

describe('the CSV reader', () => {
  test('reads quoted fields with delimiters, doubled quotes and line breaks, whatever the chunking', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\nlast,,\n';
    for (const chunk of [1, 2, 3, 5, 64]) {
      const recs = parse(text, ',', chunk);
      assert.deepEqual(
        recs.map((r) => [r.line, r.cells]),
        [
          [1, ['a', 'b', 'c']],
          [2, ['x, y', 'say "hi"', 'two\nlines']],
          [4, ['last', '', '']],
        ],
        `chunk ${chunk}`,
      );
    }
  });

  test('numbers records by the line they start on and skips blank lines', () => {
    const recs = parse('h\n\n1\r\n\r\n2\r3');
    assert.deepEqual(
      recs.map((r) => [r.line, r.cells[0]]),
      [
        [1, 'h'],
        [3, '1'],
        [5, '2'],
        [6, '3'],
      ],
    );
  });

  test('keeps a quote inside an unquoted field, and a quoted field with text after its closing quote as written', () => {
    // csv-parse (relax_quotes) keeps `"a"b` as written; the hand-written reader before it gave `ab`.
    assert.deepEqual(parse('5" wheel,"a"b\n')[0]!.cells, ['5" wheel', '"a"b']);
  });

  test('a quote that never closes costs its own line only', () => {
    const recs = parse('h1,h2\n"broken,1\nok,2\nok,3\n');
    assert.deepEqual(
      recs.map((r) => [r.line, r.error ?? null, r.cells]),
      [
        [1, null, ['h1', 'h2']],
        [2, 'a quoted field is never closed', []],
        [3, null, ['ok', '2']],
        [4, null, ['ok', '3']],
      ],
    );
    assert.equal(recs[1]!.raw, '"broken,1');
  });

  test('a record longer than the limit is one broken record, and reading goes on', () => {
    const huge = 'x'.repeat(5000);
    for (const chunk of [100, 7000]) {
      const recs = parse(`h\n${huge},1\nnext\n"${huge}\nafter\n`, ',', chunk, 1000);
      assert.deepEqual(
        recs.map((r) => [r.line, r.error ? 'broken' : r.cells.join('|')]),
        [
          [1, 'h'],
          [2, 'broken'],
          [3, 'next'],
          [4, 'broken'],
          [5, 'after'],
        ],
        `chunk ${chunk}`,
      );
      assert.ok(recs[1]!.raw.length < 300, 'the raw text of a huge record is cut');
    }
  });

  test('a quote left open mid-file costs its line once the record runs past the limit, whatever the chunking', () => {
    const lines = ['h1,h2', '"broken,1', ...Array.from({ length: 40 }, (_, i) => `ok,${i}`)];
    const text = `${lines.join('\r\n')}\r\n`;
    for (const chunk of [1, 7, 64, 100_000]) {
      const recs = parse(text, ',', chunk, 100);
      assert.deepEqual(recs[1], { line: 2, cells: [], raw: '"broken,1', error: 'the record is longer than 100 characters (a quote that never closes?)' }, `chunk ${chunk}`);
      assert.deepEqual(
        recs.slice(2).map((r) => [r.line, r.error ?? null, r.cells.join('|')]),
        Array.from({ length: 40 }, (_, i) => [i + 3, null, `ok|${i}`]),
        `chunk ${chunk}`,
      );
    }
  });

  test('numbers records after a broken one by their lines, through quoted line breaks, CRLF and CR', () => {
    const text = 'h\r\n"a\r\nb",1\r\n\r\nx,"broken\ry\r\n\rz\nlast';
    for (const chunk of [1, 2, 3, 1000]) {
      const recs = parse(text, ',', chunk);
      assert.deepEqual(
        recs.map((r) => [r.line, r.error ?? null, r.raw]),
        [
          [1, null, 'h'],
          [2, null, '"a\r\nb",1'],
          [5, 'a quoted field is never closed', 'x,"broken'],
          [6, null, 'y'],
          [8, null, 'z'],
          [9, null, 'last'],
        ],
        `chunk ${chunk}`,
      );
    }
  });

  test('two broken records in one file each cost their own line', () => {
    const recs = parse('h\n"one\nok\n"two\n', ',', 3, 8);
    assert.deepEqual(
      recs.map((r) => [r.line, r.error ? 'broken' : r.cells.join('|')]),
      [
        [1, 'h'],
        [2, 'broken'],
        [3, 'ok'],
        [4, 'broken'],
      ],
    );
  });

  test('a line too long to keep, its CRLF split across chunks, costs that line only', () => {
    const long = 'x'.repeat(300);
    const text = `h\r\n${long}\r\nnext\r\n`;
    const cut = text.indexOf('\n', 5); // between the long line's CR and LF
    const r = new CsvReader(',', 100);
    const recs = [...r.push(text.slice(0, cut)), ...r.push(text.slice(cut)), ...r.end()];
    assert.deepEqual(
      recs.map((x) => [x.line, x.error ? 'broken' : x.cells.join('|')]),
      [
        [1, 'h'],
        [2, 'broken'],
        [3, 'next'],
      ],
    );
    assert.equal(recs[1]!.raw, `${'x'.repeat(200)}…`);
  });

  test('reads any delimiter, ragged rows and non-ASCII text', () => {
    assert.deepEqual(
      parse('a;b;c\n"é;1";ü\n1;2;3;4\n', ';', 2).map((r) => r.cells),
      [['a', 'b', 'c'], ['é;1', 'ü'], ['1', '2', '3', '4']],
    );
    assert.deepEqual(parse('a\tb\n1\t\t2\n', '\t').map((r) => r.cells), [['a', 'b'], ['1', '', '2']]);
  });

  test('sniffs the delimiter from the first lines', () => {
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n'), ';');
    assert.equal(sniffDelimiter('a\tb\n1\t2\n'), '\t');
    assert.equal(sniffDelimiter('a|b|c\n1|2|3\n'), '|');
    assert.equal(sniffDelimiter('"a;b",c\n"1;2",3\n'), ',');
    assert.equal(sniffDelimiter('single\nvalue\n'), ',');
  });
});

describe('reading a file', () => {
  test('UTF-8 with a BOM: the BOM is dropped', async () => {
    const rows = await rowsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Item,Color\nÉclair,Noir\n')]));
    assert.deepEqual(rows[0]!.cells, ['Item', 'Color']);
    assert.deepEqual(rows[1]!.cells, ['Éclair', 'Noir']);
  });

  test('bytes that are not UTF-8 are read as Windows-1252', async () => {
    const probe = new SourceProbe('f.csv', {});
    const bytes = Buffer.from([...Buffer.from('Item\nCaf'), 0xe9, 0x20, 0x80, 0x0a]); // "Café €"
    probe.push(bytes);
    assert.equal(probe.finish().options.encoding, 'windows-1252');
    assert.deepEqual((await rowsOf(bytes)).map((r) => r.cells[0]), ['Item', 'Café €']);
  });

  test('UTF-8 split across chunks stays UTF-8', async () => {
    const bytes = Buffer.from('Item\nÉclair ✓ 😀\n');
    const probe = new SourceProbe('f.csv', {});
    for (let i = 0; i < bytes.length; i++) probe.push(bytes.subarray(i, i + 1));
    assert.equal(probe.finish().options.encoding, 'utf-8');
    assert.equal((await rowsOf(bytes, 'f.csv', 1))[1]!.cells[0], 'Éclair ✓ 😀');
  });

  test('UTF-16 with a BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Item;Size\r\nBell;One\r\n', 'utf16le')]);
    assert.deepEqual((await rowsOf(bytes)).map((r) => r.cells), [
      ['Item', 'Size'],
      ['Bell', 'One'],
    ]);
  });

  test('rows whose cells are all empty are not rows', async () => {
    assert.deepEqual((await rowsOf(Buffer.from('a,b\n,\n1,2\n , \n'))).map((r) => r.rowNumber), [1, 3]);
  });

  test('an old binary .xls is refused with what to do', async () => {
    await assert.rejects(rowsOf(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])), /\.xls.*save it as \.xlsx or CSV/);
  });
});

describe('counting a CSV file without parsing it (the job total)', () => {
  /** What openRows gives, header included, and what the quick count says; both over the same chunks. */
  async function both(bytes: Buffer, chunk: number): Promise<{ rows: number; quick: number | null }> {
    const probe = new SourceProbe('f.csv', {});
    probe.push(bytes);
    const { options } = probe.finish();
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    }
    let rows = 0;
    for await (const _r of openRows({ format: 'csv', options, chunks })) rows++;
    return { rows, quick: await quickCsvCount(chunks(), options) };
  }

  test('agrees with the reader on every fixture it can count, and gives up on any with a quote', async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'imports');
    let counted = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
      const bytes = readFileSync(join(dir, name));
      for (const chunk of [1, 3, 64, 65536]) {
        const { rows, quick } = await both(bytes, chunk);
        if (bytes.includes(0x22)) assert.equal(quick, null, `${name}: a quote, so no quick count`);
        else {
          assert.equal(quick, rows, `${name} in chunks of ${chunk}`);
          counted++;
        }
      }
    }
    assert.ok(counted >= 8, 'most fixtures have no quote, and are counted');
  });

  test('agrees with the reader on random files of delimiters, white space, blank cells and every line end', async () => {
    const rnd = random(7);
    const atoms = ['a', 'Ж', '7', ' ', '\t', '\u00a0', ',', ';', ',,', '\n', '\r\n', '\r', '\r\r\n', '\n\n', ''];
    for (let i = 0; i < 300; i++) {
      let text = '';
      const n = rnd.int(0, 40);
      for (let j = 0; j < n; j++) text += rnd.pick(atoms);
      const bytes = Buffer.from(text);
      const { rows, quick } = await both(bytes, rnd.int(1, 5));
      assert.equal(quick, rows, JSON.stringify(text));
    }
  });

  test('gives up on a line too long to be sure of', async () => {
    const { quick } = await both(Buffer.from(`Item,Color\n${'x'.repeat(70 * 1024)},Red\n`), 4096);
    assert.equal(quick, null);
  });
});
