// bench/import/parse.mjs: how fast the import's CSV reader (src/app/imports/formats/csv.ts,
// CsvReader) reads the items CSV of bench/import/run.mjs, beside its floor: csv-parse's own
// synchronous parse of the same text with the same options, all in memory, no database.
// The reader is fed the text in 1 MiB pieces, as openRows feeds it the stored chunks.
// Usage: node bench/import/parse.mjs [--rows 1000000] [--runs 5] [--quoted] [--json]
// --quoted: every Description in quotes with a comma inside, as spreadsheets write such cells
// (every line then goes through the splitter's byte-by-byte reading, csv-split.ts).
// Plain Node ESM; src/ is loaded as it is (Node 24 strips its types), not dist/.
import '../lib/node24.mjs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseSync } from 'csv-parse/sync';
import { median } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' }, quoted: { type: 'boolean' }, json: { type: 'boolean' } },
});
const ROWS = Number(values.rows);
const RUNS = Number(values.runs);
const CHUNK = 1024 * 1024;
const log = (m) => process.stderr.write(`${m}\n`);

const { CsvReader } = await import(pathToFileURL(resolve(repo, 'src/app/imports/formats/csv.ts')).href);

/** The items CSV of bench/import/run.mjs: 20 variants per item, 50 models, 25 colours, 4 sizes. */
function itemsCsv(n) {
  const lines = ['Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold'];
  for (let i = 0; i < n; i++) {
    const item = Math.floor(i / 20);
    const color = ((i % 20) >> 2) * 5 + (i % 5);
    const description = values.quoted ? `"Description, of item ${item}"` : `Description of item ${item}`;
    lines.push(`Item ${item},Model ${item % 50},,${description},Category ${item % 30},Colour ${color},Size ${i % 4},${i % 100}.5,pcs,${i % 7}`);
  }
  return `${lines.join('\n')}\n`;
}

function timeReader(text) {
  const start = process.hrtime.bigint();
  const reader = new CsvReader(',');
  let records = 0;
  for (let i = 0; i < text.length; i += CHUNK) records += reader.push(text.slice(i, i + CHUNK)).length;
  records += reader.end().length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, records };
}

// The floor: the library alone, the whole text at once, with the options the reader gives it.
function timeFloor(text) {
  const start = process.hrtime.bigint();
  const records = parseSync(text, { delimiter: ',', record_delimiter: ['\r\n', '\n', '\r'], raw: true, relax_quotes: true, relax_column_count: true }).length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, records };
}

log(`${ROWS} rows: generating`);
const text = itemsCsv(ROWS);
log(`${(text.length / 1024 / 1024).toFixed(1)} MiB of text`);
const runs = { reader: [], floor: [] };
for (let r = 0; r < RUNS; r++) {
  // alternate, so that the machine's load falls on both alike
  for (const [name, fn] of [
    ['reader', timeReader],
    ['floor', timeFloor],
  ]) {
    const { seconds, records } = fn(text);
    if (records !== ROWS + 1) throw new Error(`${name}: ${records} records, expected ${ROWS + 1}`);
    runs[name].push(seconds);
    log(`run ${r + 1} ${name}: ${seconds.toFixed(2)} s`);
  }
}
const result = {
  rows: ROWS,
  quoted: Boolean(values.quoted),
  mib: Number((text.length / 1024 / 1024).toFixed(1)),
  runs: RUNS,
  node: process.version,
  cpus: availableParallelism(),
  load: Number(loadavg()[0].toFixed(2)),
  readerSeconds: Number(median(runs.reader).toFixed(3)),
  floorSeconds: Number(median(runs.floor).toFixed(3)),
};
result.readerRowsPerSecond = Math.round(ROWS / result.readerSeconds);
result.floorRowsPerSecond = Math.round(ROWS / result.floorSeconds);
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`| rows | MiB | CsvReader (s) | csv-parse sync (s) | CsvReader rows/s | csv-parse sync rows/s |`);
  console.log(`|---|---|---|---|---|---|`);
  console.log(
    `| ${ROWS.toLocaleString('en')} | ${result.mib} | ${result.readerSeconds} | ${result.floorSeconds} | ${result.readerRowsPerSecond.toLocaleString('en')} | ${result.floorRowsPerSecond.toLocaleString('en')} |`,
  );
  console.log(`node ${result.node}, ${result.cpus} CPUs, load ${result.load}`);
}
