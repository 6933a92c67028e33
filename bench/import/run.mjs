// bench/import: `mtc import` of an items-and-variants CSV (new items, variants with stock,
// so an opening ledger row each) against the floor, a raw COPY of the same rows into the same
// tables (item_master, item_variant with its stock, inventory_transactions) by psql, on a
// throwaway PostgreSQL, in the same run; and the import's peak memory (GNU time's maximum
// resident set), which should not grow with the file: the import streams.
// Usage: node bench/import/run.mjs [--rows 100000,1000000] [--runs N] [--json]
// Runs the built CLI (npm run build first), as a user would.
import '../lib/node24.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGBIN, databaseUrl, median, psqlRunner, runner, startServer, toolEnvironment } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const work = join(repo, 'bench', '.work', 'import');
mkdirSync(work, { recursive: true });
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000,1000000' }, runs: { type: 'string', default: '1' }, json: { type: 'boolean' } },
});
const SIZES = values.rows.split(',').map(Number);
const RUNS = Number(values.runs);

const { env } = toolEnvironment();
const { run, mustRun, timed } = runner(env, repo, 3_600_000);
const log = (m) => process.stderr.write(`${m}\n`);
const server = await startServer({ run, mustRun }, { prefix: 'mtc-import-pg-', extraSettings: ['shared_buffers=512MB', 'max_wal_size=4GB'] });
log(`server: ${server.description}`);
const psql = psqlRunner(mustRun);
const dbUrl = (name) => databaseUrl(server.adminUrl, name);
const fresh = (name) => {
  psql(server.adminUrl, '-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`);
  mustRun(process.execPath, ['bin/mtc.cjs', 'migrate', '--database', dbUrl(name)]);
  return dbUrl(name);
};

const COLORS = 25;
const SIZES_PER = 4;
/** The file: 20 variants per item (5 colours × 4 sizes), 50 models, 30 categories; and the same rows as COPY input with ids. */
function files(n) {
  const csv = ['Item,Model,Variation,Description,Category,Color,Size,Stock,Unit,Threshold'];
  const items = [];
  const variants = [];
  const ledger = [];
  for (let i = 0; i < n; i++) {
    const item = Math.floor(i / 20);
    const color = ((i % 20) >> 2) * 5 + (i % 5);
    const size = i % SIZES_PER;
    const stock = `${i % 100}.5`;
    csv.push(`Item ${item},Model ${item % 50},,Description of item ${item},Category ${item % 30},Colour ${color},Size ${size},${stock},pcs,${i % 7}`);
    if (i % 20 === 0) items.push(`${item + 1}\tItem ${item}\t${(item % 50) + 1}\tDescription of item ${item}\tCategory ${item % 30}`);
    variants.push(`${i + 1}\t${item + 1}\t${color + 1}\t${size + 1}\tpcs\t${stock}\t${i % 7}`);
    ledger.push(`${i + 1}\topening\t${stock}\tpcs`);
  }
  const p = (f) => join(work, `${n}-${f}`);
  writeFileSync(p('items.csv'), `${csv.join('\n')}\n`);
  writeFileSync(p('item_master.tsv'), `${items.join('\n')}\n`);
  writeFileSync(p('item_variant.tsv'), `${variants.join('\n')}\n`);
  writeFileSync(p('ledger.tsv'), `${ledger.join('\n')}\n`);
  return { csv: p('items.csv'), items: p('item_master.tsv'), variants: p('item_variant.tsv'), ledger: p('ledger.tsv') };
}

const results = [];
for (const n of SIZES) {
  log(`${n} rows: writing files`);
  const f = files(n);
  const copies = [];
  const imports = [];
  const memory = [];
  for (let r = 0; r < RUNS; r++) {
    // The floor: masters made first (as the import makes them), then one COPY per table.
    const floorDb = fresh('mtc_import_floor');
    psql(
      floorDb,
      '-c',
      `INSERT INTO public.model_master (model_id, model_name) SELECT g, 'Model ' || (g - 1) FROM generate_series(1, 50) g;
       INSERT INTO public.color_master (color_id, color_name) SELECT g, 'Colour ' || (g - 1) FROM generate_series(1, ${COLORS}) g;
       INSERT INTO public.size_master (size_id, size_name) SELECT g, 'Size ' || (g - 1) FROM generate_series(1, ${SIZES_PER}) g;`,
    );
    const copy = timed(join(PGBIN, 'psql'), [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      floorDb,
      '-c',
      `\\copy public.item_master (item_id, name, model_id, description, category) FROM '${f.items}'`,
      '-c',
      `\\copy public.item_variant (variant_id, item_id, color_id, size_id, unit, stock, reorder_threshold) FROM '${f.variants}'`,
      '-c',
      `\\copy public.inventory_transactions (variant_id, transaction_type, quantity, unit) FROM '${f.ledger}'`,
    ]);
    if (!copy.ok) throw new Error(`COPY failed: ${copy.r.stderr}`);
    copies.push(copy.s);
    log(`  COPY: ${copy.s.toFixed(2)} s`);

    const importDb = fresh('mtc_import_run');
    const imp = timed('/usr/bin/time', [
      '-f',
      'maxrss_kb=%M',
      process.execPath,
      'bin/mtc.cjs',
      'import',
      f.csv,
      '--kind',
      'items',
      '--database',
      importDb,
      '--json',
    ]);
    if (imp.r.status !== 0) throw new Error(`mtc import failed (exit ${imp.r.status}): ${imp.r.stderr.slice(-2000)}`);
    const summary = JSON.parse(imp.r.stdout);
    if (summary.successCount !== n) throw new Error(`mtc import wrote ${summary.successCount} of ${n} rows`);
    const check = psql(
      importDb,
      '-At',
      '-c',
      "SELECT (SELECT count(*) FROM item_variant) || ' ' || (SELECT count(*) FROM inventory_transactions) || ' ' || (SELECT sum(stock) FROM item_variant)",
    );
    const floorCheck = psql(
      floorDb,
      '-At',
      '-c',
      "SELECT (SELECT count(*) FROM item_variant) || ' ' || (SELECT count(*) FROM inventory_transactions) || ' ' || (SELECT sum(stock) FROM item_variant)",
    );
    if (check.trim() !== floorCheck.trim()) throw new Error(`import and COPY differ: ${check.trim()} vs ${floorCheck.trim()}`);
    imports.push(imp.s);
    memory.push(Number(/maxrss_kb=(\d+)/.exec(imp.r.stderr)?.[1] ?? 0) / 1024);
    log(`  mtc import: ${imp.s.toFixed(2)} s, peak RSS ${memory.at(-1).toFixed(0)} MB`);
  }
  const copyS = median(copies);
  const importS = median(imports);
  results.push({
    rows: n,
    copySeconds: copyS,
    importSeconds: importS,
    copyRowsPerSecond: Math.round(n / copyS),
    importRowsPerSecond: Math.round(n / importS),
    ratio: copyS / importS,
    peakRssMb: Math.round(Math.max(...memory)),
  });
}
const meta = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  cpus: availableParallelism(),
  load: loadavg()[0].toFixed(2),
  server: server.description,
};
writeFileSync(join(work, 'results.json'), JSON.stringify({ meta, results }, null, 2));
if (values.json) process.stdout.write(`${JSON.stringify({ meta, results }, null, 2)}\n`);
else {
  process.stdout.write(
    `| rows | COPY (s) | mtc import (s) | COPY rows/s | import rows/s | import ÷ COPY speed | import peak RSS (MB) |\n|---|---|---|---|---|---|---|\n`,
  );
  for (const r of results)
    process.stdout.write(
      `| ${r.rows.toLocaleString('en')} | ${r.copySeconds.toFixed(2)} | ${r.importSeconds.toFixed(2)} | ${r.copyRowsPerSecond.toLocaleString('en')} | ${r.importRowsPerSecond.toLocaleString('en')} | ${r.ratio.toFixed(2)} | ${r.peakRssMb} |\n`,
    );
}
