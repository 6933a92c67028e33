// Reading files: the CSV reader (quoting, line ends, broken records), delimiter sniffing,
// encoding detection and the row stream with its row numbers. No database.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvReader, sniffDelimiter } from '../../../src/app/imports/formats/csv.ts';
import { SourceProbe } from '../../../src/app/imports/formats/detect.ts';
import { openRows } from '../../../src/app/imports/formats/rows.ts';
import type { SourceRow } from '../../../src/app/imports/formats/rows.ts';

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
  for await (const r of openRows({ format, options, chunks: chunks() })) out.push(r);
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

  test('keeps a quote inside an unquoted field, and text after a closing quote', () => {
    assert.deepEqual(parse('5" wheel,"a"b\n')[0]!.cells, ['5" wheel', 'ab']);
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
