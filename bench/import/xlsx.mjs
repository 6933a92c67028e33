// bench/import/xlsx: `mtc import` of an items XLSX (the rows bench/import/run.mjs imports as
// CSV, written by exceljs with shared strings, as Excel writes them), on a throwaway
// PostgreSQL and on a fresh embedded PGlite directory, with the import's peak memory. Give
// several CLIs (`--mtc A,B`: each a bin/mtc.cjs) to compare builds: their runs take turns,
// so that the machine's load falls on each alike.
// Usage: node bench/import/xlsx.mjs [--rows 100000] [--runs 3] [--mtc bin/mtc.cjs,/tmp/base/bin/mtc.cjs] [--json]
// Runs built CLIs (npm run build first), as a user would.
import '../lib/node24.mjs';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { databaseUrl, median, psqlRunner, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work', 'import');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    mtc: { type: 'string', default: 'bin/mtc.cjs' },
    json: { type: 'boolean' },
  },
});
const ROWS = Number(values.rows);
const RUNS = Number(values.runs);
const CLIS = values.mtc.split(',').map((p) => resolve(repo, p));

const { env } = toolEnvironment();
const { run, mustRun, timed } = runner(env, repo, 3_600_000);
const log = (m) => process.stderr.write(`${m}\n`);

/** The rows of bench/import/run.mjs as a workbook: 20 variants per item, 50 models, 30 categories. */
async function workbook(n) {
  const file = join(work, `items-${n}.xlsx`);
  if (existsSync(file)) return file;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet('Items');
  ws.addRow(['Item', 'Model', 'Variation', 'Description', 'Category', 'Color', 'Size', 'Stock', 'Unit', 'Threshold']).commit();
  for (let i = 0; i < n; i++) {
    const item = Math.floor(i / 20);
    const color = ((i % 20) >> 2) * 5 + (i % 5);
    ws.addRow([
      `Item ${item}`,
      `Model ${item % 50}`,
      null,
      `Description of item ${item}`,
      `Category ${item % 30}`,
      `Colour ${color}`,
      `Size ${i % 4}`,
      (i % 100) + 0.5,
      'pcs',
      i % 7,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
  return file;
}

const server = await startServer({ run, mustRun }, { prefix: 'mtc-xlsx-pg-', extraSettings: ['shared_buffers=512MB', 'max_wal_size=4GB'] });
log(`server: ${server.description}`);
const psql = psqlRunner(mustRun);
const dbUrl = (name) => databaseUrl(server.adminUrl, name);

/** A migrated database for `cli`: a fresh PostgreSQL database, or a fresh PGlite directory. */
function fresh(cli, backend) {
  if (backend === 'postgres') {
    psql(server.adminUrl, '-c', 'DROP DATABASE IF EXISTS mtc_xlsx_run', '-c', 'CREATE DATABASE mtc_xlsx_run');
    mustRun(process.execPath, [cli, 'migrate', '--database', dbUrl('mtc_xlsx_run')], { cwd: resolve(dirname(cli), '..') });
    return { url: dbUrl('mtc_xlsx_run'), done: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mtc-xlsx-pglite-'));
  mustRun(process.execPath, [cli, 'migrate', '--database', dir], { cwd: resolve(dirname(cli), '..') });
  return { url: dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const file = await workbook(ROWS);
log(`${ROWS} rows: ${file}`);
const results = [];
for (const backend of ['postgres', 'pglite']) {
  const times = new Map(CLIS.map((c) => [c, { seconds: [], rss: [] }]));
  for (let r = 0; r < RUNS; r++) {
    for (const cli of CLIS) {
      const db = fresh(cli, backend);
      const imp = timed('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, cli, 'import', file, '--kind', 'items', '--database', db.url, '--json'], {
        cwd: resolve(dirname(cli), '..'),
      });
      db.done();
      if (imp.r.status !== 0) throw new Error(`mtc import failed (exit ${imp.r.status}): ${imp.r.stdout.slice(-2000)} ${imp.r.stderr.slice(-2000)}`);
      const summary = JSON.parse(imp.r.stdout);
      if (summary.successCount !== ROWS) throw new Error(`mtc import wrote ${summary.successCount} of ${ROWS} rows`);
      const t = times.get(cli);
      t.seconds.push(imp.s);
      t.rss.push(Number(/maxrss_kb=(\d+)/.exec(imp.r.stderr)?.[1] ?? 0) / 1024);
      log(`  ${backend} ${cli}: ${imp.s.toFixed(2)} s, peak RSS ${t.rss.at(-1).toFixed(0)} MB`);
    }
  }
  for (const [cli, t] of times)
    results.push({
      backend,
      cli,
      rows: ROWS,
      seconds: median(t.seconds),
      runs: t.seconds,
      rowsPerSecond: Math.round(ROWS / median(t.seconds)),
      peakRssMb: Math.round(Math.max(...t.rss)),
    });
}
const meta = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  cpus: availableParallelism(),
  load: loadavg()[0].toFixed(2),
  server: server.description,
};
if (values.json) process.stdout.write(`${JSON.stringify({ meta, results }, null, 2)}\n`);
else {
  process.stdout.write(`| backend | CLI | rows | mtc import (s, median) | runs (s) | rows/s | peak RSS (MB) |\n|---|---|---|---|---|---|---|\n`);
  for (const r of results)
    process.stdout.write(
      `| ${r.backend} | ${r.cli} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${r.runs.map((s) => s.toFixed(2)).join(', ')} | ${r.rowsPerSecond.toLocaleString('en')} | ${r.peakRssMb} |\n`,
    );
}
