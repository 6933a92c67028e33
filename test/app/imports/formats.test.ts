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
import { parse as parseSync } from 'csv-parse/sync';
import { random } from '../../helpers/random.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'imports');

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
      recs.map((r) => [r.line, r.error ? 'rejected' : null, r.cells]),
      [
        [1, null, ['h1', 'h2']],
        [2, 'rejected', []],
        [3, null, ['ok', '2']],
        [4, null, ['ok', '3']],
      ],
    );
    assert.equal(recs[1]!.raw, '"broken,1');
    assert.equal(
      recs[1]!.error,
      'a quote opened in field 1 ("h1") is never closed on line 2 (nor anywhere after it): only line 2 is rejected, and the lines after it are read as rows. Close the quote on line 2, or write a quote that is part of the text as two ("")',
    );
  });

  test('a quote left open, with an ordinary quoted field on a later line, costs its own line only: every line is a row', () => {
    const text = readFileSync(join(FIXTURES, 'open-quote.csv'), 'utf8');
    for (const chunk of [1, 5, 64, 100_000]) {
      const recs = parse(text, ',', chunk);
      assert.deepEqual(
        recs.map((r) => [r.line, r.error ? 'rejected' : r.cells[0]]),
        [
          [1, 'Item'],
          [2, 'Frame'],
          [3, 'rejected'],
          [4, 'Wheel'],
          [5, 'Bell'],
          [6, 'Chain'],
          [7, 'Saddle'],
        ],
        `chunk ${chunk}`,
      );
      assert.equal(recs[2]!.raw, '"Fork,R1,,Steel fork,Forks,Black,L,1,pcs,1');
      assert.match(recs[2]!.error!, /a quote opened in field 1 \("Item"\) is never closed on line 3/);
      assert.match(recs[2]!.error!, /write a quote that is part of the text as two \(""\)/);
      assert.deepEqual(recs[5]!.cells.slice(0, 4), ['Chain', '', '', 'Long, steel']);
    }
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
      assert.deepEqual({ ...recs[1], error: undefined }, { line: 2, cells: [], raw: '"broken,1', error: undefined }, `chunk ${chunk}`);
      assert.match(
        recs[1]!.error!,
        /^a quote opened in field 1 \("h1"\) is never closed on line 2 \(the record it starts would be longer than 100 bytes\)/,
        `chunk ${chunk}`,
      );
      assert.deepEqual(
        recs.slice(2).map((r) => [r.line, r.error ?? null, r.cells.join('|')]),
        Array.from({ length: 40 }, (_, i) => [i + 3, null, `ok|${i}`]),
        `chunk ${chunk}`,
      );
    }
  });

  test('numbers records after a broken one by their lines, through quoted line breaks, CRLF and CR', () => {
    const text = 'h,i\r\n"a\r\nb",1\r\n\r\nx,"broken\ry\r\n\rz\nlast';
    for (const chunk of [1, 2, 3, 1000]) {
      const recs = parse(text, ',', chunk);
      assert.deepEqual(
        recs.map((r) => [r.line, r.error ? 'rejected' : null, r.raw]),
        [
          [1, null, 'h,i'],
          [2, null, '"a\r\nb",1'],
          [5, 'rejected', 'x,"broken'],
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
      [
        ['a', 'b', 'c'],
        ['é;1', 'ü'],
        ['1', '2', '3', '4'],
      ],
    );
    assert.deepEqual(
      parse('a\tb\n1\t\t2\n', '\t').map((r) => r.cells),
      [
        ['a', 'b'],
        ['1', '', '2'],
      ],
    );
  });

  test('sniffs the delimiter from the first lines', () => {
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n'), ';');
    assert.equal(sniffDelimiter('a\tb\n1\t2\n'), '\t');
    assert.equal(sniffDelimiter('a|b|c\n1|2|3\n'), '|');
    assert.equal(sniffDelimiter('"a;b",c\n"1;2",3\n'), ',');
    assert.equal(sniffDelimiter('single\nvalue\n'), ',');
  });
});

/**
 * The rule of csv-split.ts read the slow, obvious way: from each line start, one record (a
 * quoted field that crosses a line break closes at its first quote not doubled, and properly:
 * before the delimiter, a line break or the end; a record spanning lines has the header's
 * cells; its text at most `max` bytes) or that line rejected alone. Quadratic, for small files.
 */
function slowReading(text: string, max: number): [number, string][] {
  const b = Buffer.from(text);
  const n = b.length;
  const isBreak = (c: number | undefined) => c === 10 || c === 13;
  const after = (i: number) => (b[i] === 13 && b[i + 1] === 10 ? i + 2 : i + 1);
  const out: [number, string][] = [];
  let width: number | null = null;
  let headerSeen = false;
  let line = 1;
  let at = 0;
  while (at < n) {
    let i = at;
    let quoted = false;
    let fieldStart = true;
    let crossed = false;
    let spans = false;
    let cells = 0;
    let ok = true;
    let end = n;
    for (;;) {
      if (i >= n) {
        if (quoted) ok = false;
        else cells++;
        break;
      }
      const c = b[i]!;
      if (!quoted && isBreak(c)) {
        cells++;
        end = after(i);
        break;
      }
      if (i - at >= max) {
        ok = false;
        break;
      }
      if (quoted) {
        if (isBreak(c)) crossed = spans = true;
        if (c !== 34) i++;
        else if (b[i + 1] === 34) {
          if (i + 1 - at >= max) {
            ok = false;
            break;
          }
          i += 2;
        } else if (i + 1 >= n || b[i + 1] === 44 || isBreak(b[i + 1]) || !crossed) {
          quoted = false;
          i++;
        } else {
          ok = false;
          break;
        }
      } else if (c === 34 && fieldStart) {
        quoted = true;
        crossed = false;
        fieldStart = false;
        i++;
      } else {
        fieldStart = c === 44;
        if (fieldStart) cells++;
        i++;
      }
    }
    if (ok && spans && width !== null && cells !== width) ok = false;
    if (!ok) {
      let e = at;
      while (e < n && !isBreak(b[e])) e++;
      out.push([line, 'rejected']);
      headerSeen = true;
      line++;
      at = e < n ? after(e) : n;
      continue;
    }
    const record = b.subarray(at, end);
    const cellsRead = (parseSync(record, { relax_quotes: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][])[0] ?? [''];
    if (!cellsRead.every((x) => x.trim() === '')) {
      if (!headerSeen) width = cellsRead.length;
      headerSeen = true;
    }
    if (!(cellsRead.length === 1 && cellsRead[0] === '')) out.push([line, JSON.stringify(cellsRead)]);
    for (let k = at; k < end; k = after(k)) {
      while (k < end && !isBreak(b[k])) k++;
      if (k < end) line++;
    }
    at = end;
  }
  return out;
}

describe('the rule: a record spans lines only through a quoted field that closes properly, with the header’s cells', () => {
  const atoms = ['a', 'b', ',', ',', '"', '"', '""', '\n', '\n', '\r\n', '\r', ' ', '"a', 'a"', ',"', '",', '"\n'];

  test('the reader reads random files as the slow reading does, in any chunks', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = random(seed);
      let text = '';
      const k = rnd.int(0, 60);
      for (let i = 0; i < k; i++) text += rnd.pick(atoms);
      const max = rnd.pick([6, 12, 40, 1000]);
      const want = slowReading(text, max);
      for (const chunk of [1, rnd.int(2, 9), text.length || 1]) {
        const got = parse(text, ',', chunk, max).map((r): [number, string] => [r.line, r.error ? 'rejected' : JSON.stringify(r.cells)]);
        assert.deepEqual(got, want, `seed ${seed}, max ${max}, chunk ${chunk}: ${JSON.stringify(text)}`);
      }
    }
  });

  test('every line that is not blank is in exactly one record, or rejected on its own', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = random(seed);
      let text = 'h1,h2,h3\n';
      const k = rnd.int(0, 80);
      for (let i = 0; i < k; i++) text += rnd.pick(atoms);
      const lines = text.split(/\r\n|\n|\r/);
      const covered = new Map<number, number>();
      for (const r of parse(text, ',', rnd.int(1, 16), 64)) {
        const span = r.error ? 0 : r.raw.split(/\r\n|\n|\r/).length - 1;
        for (let l = r.line; l <= r.line + span; l++) covered.set(l, (covered.get(l) ?? 0) + 1);
      }
      lines.forEach((l, i) => {
        const times = covered.get(i + 1) ?? 0;
        // A line of delimiters, quotes and white space only may be a blank row (`,"",`): it need not be in a record.
        if (l.replace(/[,"]/g, '').trim() !== '')
          assert.equal(times, 1, `seed ${seed}: line ${i + 1} ${JSON.stringify(l)} in ${times} records: ${JSON.stringify(text)}`);
        else assert.ok(times <= 1, `seed ${seed}: blank line ${i + 1} in ${times} records`);
      });
    }
  });

  test('a field with a line break that closes properly stays one record; with the wrong number of cells, its first line is rejected alone', () => {
    const text = 'Firm,Address,Phone\nAcme,"12 Main St\nMumbai",123\nBolt,"1 Side St\nPune"\nCog,"x\ny",1,2\nDone,,9\n';
    const recs = parse(text);
    assert.deepEqual(
      recs.map((r) => [r.line, r.error ? 'rejected' : r.cells]),
      [
        [1, ['Firm', 'Address', 'Phone']],
        [2, ['Acme', '12 Main St\nMumbai', '123']],
        [4, 'rejected'],
        [5, ['Pune"']],
        [6, 'rejected'],
        [7, ['y"', '1', '2']],
        [8, ['Done', '', '9']],
      ],
    );
    assert.match(
      recs[2]!.error!,
      /a quote opened in field 2 \("Address"\) is never closed on line 4 \(it closes on a later line, but the record would have 2 cells where the header has 3 cells; if the line break belongs in the cell, give that row all the header's cells\)/,
    );
    assert.match(recs[4]!.error!, /would have 4 cells where the header has 3 cells/);
  });

  test('the one case the rule cannot tell from a real multi-line cell: a quote left open, closed by a cell of the same column ending in a quote', () => {
    // Valid CSV, with the header's cells: one record. The items import then rejects it whole (a name holds no line break).
    const recs = parse('Item,Color\n"Frame,Black\nBell,Silver\nTyre 26",Black\nLast,Red\n');
    assert.deepEqual(
      recs.map((r) => [r.line, r.error ? 'rejected' : r.cells]),
      [
        [1, ['Item', 'Color']],
        [2, ['Frame,Black\nBell,Silver\nTyre 26', 'Black']],
        [5, ['Last', 'Red']],
      ],
    );
    // In another column the count gives it away: the line alone is rejected.
    assert.deepEqual(
      parse('Item,Color,Size\n"Frame,Black,M\nBell,Silver,26"\nLast,Red,S\n').map((r) => [r.line, r.error ? 'rejected' : r.cells[0]]),
      [
        [1, 'Item'],
        [2, 'rejected'],
        [3, 'Bell'],
        [4, 'Last'],
      ],
    );
  });

  test('a delimiter of more than one byte (§ in UTF-8), split between pieces, closes a quoted field as a comma does', () => {
    const bytes = Buffer.from('a§b\n"x§y\nz"§1\n"open§2\nok§3\n"p"q§4\n');
    for (const chunk of [1, 2, 3, 100]) {
      const r = new CsvReader('§');
      const recs = [];
      for (let i = 0; i < bytes.length; i += chunk) recs.push(...r.pushBytes(bytes.subarray(i, i + chunk)));
      recs.push(...r.end());
      assert.deepEqual(
        recs.map((x) => [x.line, x.error ? 'rejected' : x.cells]),
        [
          [1, ['a', 'b']],
          [2, ['x§y\nz', '1']],
          [4, 'rejected'],
          [5, ['ok', '3']],
          [6, ['"p"q', '4']],
        ],
        `chunk ${chunk}`,
      );
    }
  });

  test('two fields with line breaks in one record; a later one that never closes properly costs the first line', () => {
    const recs = parse('a,b,c\n"x\ny","p\nq",z\n"x\ny","p\nq"r,z\nlast,,\n');
    assert.deepEqual(
      recs.map((r) => [r.line, r.error ? 'rejected' : r.cells]),
      [
        [1, ['a', 'b', 'c']],
        [2, ['x\ny', 'p\nq', 'z']],
        [5, 'rejected'],
        [6, 'rejected'],
        [7, ['q"r', 'z']],
        [8, ['last', '', '']],
      ],
    );
    assert.match(
      recs[2]!.error!,
      /a quote opened in field 1 \("a"\) is never closed on line 5 \(it closes on a later line, but the record then runs into another quote that is never closed properly\)/,
    );
  });
});

describe('reading stays linear in the size of the file, however its quotes fall', () => {
  /** Reads `text` in 1 MiB pieces as an import does; its records and rejected lines. */
  function count(text: string): { records: number; rejected: number; lastLine: number } {
    const r = new CsvReader(',');
    const bytes = Buffer.from(text);
    let records = 0;
    let rejected = 0;
    let lastLine = 0;
    const take = (recs: ReturnType<CsvReader['end']>) => {
      for (const x of recs) {
        if (x.error) rejected++;
        else records++;
        lastLine = x.line;
      }
    };
    for (let i = 0; i < bytes.length; i += 1024 * 1024) take(r.pushBytes(bytes.subarray(i, i + 1024 * 1024)));
    take(r.end());
    return { records, rejected, lastLine };
  }

  // Each of these re-read from every line to the end of the file (or to the 1 MiB limit) would
  // take hours; read once, a few seconds. The time limit is the test's bound, not a benchmark.
  test('a quote left open on line 2, then 1,000,000 lines without a quote', { timeout: 120_000 }, () => {
    assert.deepEqual(count(`h1,h2\n"a,b\n${'x,y\n'.repeat(1_000_000)}`), { records: 1_000_001, rejected: 1, lastLine: 1_000_002 });
  });

  test('200,000 lines each closing a quoted field and opening another (every record would run past the limit)', { timeout: 120_000 }, () => {
    assert.deepEqual(count(`h1,h2,h3\n"a\n${'b",c,"d\n'.repeat(200_000)}`), { records: 1, rejected: 200_001, lastLine: 200_002 });
  });

  test('200,000 lines each closing a quoted field and opening another, the last closing it (records too wide but the last)', { timeout: 120_000 }, () => {
    // Line 200,002 and the closing line make a record of three cells, as the header has.
    assert.deepEqual(count(`h1,h2,h3\n"a\n${'b",c,"d\n'.repeat(200_000)}e"\n`), { records: 2, rejected: 200_000, lastLine: 200_002 });
  });

  test('200,000 lines each opening a quote that the next line closes with text after it', { timeout: 120_000 }, () => {
    assert.deepEqual(count(`h1,h2\n${'"a,b\n'.repeat(200_000)}`), { records: 1, rejected: 200_000, lastLine: 200_001 });
  });

  test('200,000 lines that are each a lone quote (each record would have one cell, the header two)', { timeout: 120_000 }, () => {
    assert.deepEqual(count(`h1,h2\n${'"\n'.repeat(200_000)}`), { records: 1, rejected: 200_000, lastLine: 200_001 });
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
    assert.deepEqual(
      (await rowsOf(bytes)).map((r) => r.cells[0]),
      ['Item', 'Café €'],
    );
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
    assert.deepEqual(
      (await rowsOf(bytes)).map((r) => r.cells),
      [
        ['Item', 'Size'],
        ['Bell', 'One'],
      ],
    );
  });

  test('rows whose cells are all empty are not rows', async () => {
    assert.deepEqual(
      (await rowsOf(Buffer.from('a,b\n,\n1,2\n , \n'))).map((r) => r.rowNumber),
      [1, 3],
    );
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
    const dir = FIXTURES;
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
