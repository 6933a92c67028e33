// bench/api's large data set, made in the database by generate_series (no rows cross the
// wire): items, their variants, a stock ledger, lots, import jobs and audit events, in the
// proportions a factory builds over a few years. Usage:
//   node bench/api/generate.mjs --database URL [--items N] [--variants-per-item K]
//     [--ledger N] [--lots N] [--imports N] [--audit N]
// The database must be migrated and empty of items. Used by bench/api/run.mjs.
import '../lib/node24.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGBIN } from '../lib/harness.mjs';

/** What the data set holds; the defaults are issue 20's "factory's real size". */
export const DEFAULT_SIZES = { items: 400_000, variantsPerItem: 2.5, ledger: 5_000_000, lots: 50_000, imports: 5_000, audit: 1_000_000 };

/** The name stems items are named from: one in ten items has each (so "frame" matches 10%), a few accented. */
export const STEMS = ['Frame', 'Fork', 'Wheel', 'Tyre', 'Saddle', 'Pédale', 'Chain', 'Brake', 'Handlebar', 'Mudguard'];

/**
 * Fills `url` (migrated, no items yet) with the data set of `sizes`, then ANALYZEs it.
 * `log` hears each step with its time.
 */
export function generate(url, sizes = DEFAULT_SIZES, log = () => {}) {
  const s = { ...DEFAULT_SIZES, ...sizes };
  const variants = Math.round(s.items * s.variantsPerItem);
  const psql = (what, sql) => {
    const t0 = performance.now();
    const r = spawnSync(join(PGBIN, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url], { input: sql, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`generating ${what} failed:\n${r.stderr || r.error?.message}`);
    log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r.stdout.trim();
  };
  const stems = `ARRAY[${STEMS.map((x) => `'${x}'`).join(',')}]`;
  psql(
    'masters',
    `INSERT INTO public.model_master (model_name) SELECT 'Model ' || g FROM generate_series(1, 200) g;
     INSERT INTO public.variation_master (variation_name) SELECT 'Variation ' || g FROM generate_series(1, 50) g;
     INSERT INTO public.color_master (color_name) SELECT 'Colour ' || g FROM generate_series(1, 20) g;
     INSERT INTO public.size_master (size_name) SELECT 'Size ' || g FROM generate_series(1, 20) g;
     INSERT INTO public.processes (name, status, output_quantity) SELECT 'Process ' || g, 'active', 1 FROM generate_series(1, 500) g;`,
  );
  // Names: a stem, a second word from 1,000 (so two words narrow to about 40 items), a number.
  psql(
    `${s.items.toLocaleString('en')} items`,
    `INSERT INTO public.item_master (name, description, category, model_id, variation_id, created_at)
       SELECT (${stems})[1 + g % 10] || ' ' || 'part' || (g / 10) % 1000 || ' ' || g, 'Item ' || g, 'Category ' || (g % 40),
              1 + g % 200, 1 + g % 50, now() - make_interval(secs => (${s.items} - g) * 300)
         FROM generate_series(1, ${s.items}) g;`,
  );
  // Variants: K per item on average (the item's id decides 2 or 3 when K is 2.5), colour × size unique.
  const whole = Math.floor(s.variantsPerItem);
  const extraEvery = s.variantsPerItem > whole ? Math.round(1 / (s.variantsPerItem - whole)) : 0;
  psql(
    `${variants.toLocaleString('en')} variants`,
    `INSERT INTO public.item_variant (item_id, color_id, size_id, unit, stock, reorder_threshold)
       SELECT i.item_id, 1 + (v + i.item_id) % 20, 1 + v, 'pcs', (i.item_id * 7 + v) % 200, 20
         FROM public.item_master i CROSS JOIN generate_series(0, ${whole}) v
        WHERE v < ${whole} OR (${extraEvery} > 0 AND i.item_id % ${extraEvery || 1} = 0);`,
  );
  // Ledger: spread over the variants and the last two years, newest rows with the highest ids.
  psql(
    `${s.ledger.toLocaleString('en')} ledger rows`,
    // Its indexes are dropped and made again after the rows are in: inserting 5,000,000 rows
    // in random variant order into five indexes takes three times as long.
    `CREATE TEMP TABLE ledger_indexes AS
       SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = 'inventory_transactions' AND indexname <> 'inventory_transactions_pkey';
     DO $$ DECLARE r record; BEGIN
       FOR r IN SELECT indexname FROM ledger_indexes LOOP EXECUTE format('DROP INDEX public.%I', r.indexname); END LOOP;
     END $$;
     INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, unit_cost, value, notes, created_at)
       SELECT 1 + (g::bigint * 7919) % ${variants}, (ARRAY['receipt','issue','adjustment','production','receipt'])[1 + g % 5],
              CASE WHEN g % 5 IN (1, 3) THEN -1 - g % 9 ELSE 1 + g % 17 END, 'pcs', 2.5, 2.5 * (1 + g % 17), NULL,
              now() - make_interval(secs => (${s.ledger} - g) * (63072000.0 / ${s.ledger}))
         FROM generate_series(1, ${s.ledger}) g;
     SET maintenance_work_mem = '512MB';
     DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexdef FROM ledger_indexes LOOP EXECUTE r.indexdef; END LOOP; END $$;`,
  );
  psql(
    `${s.lots.toLocaleString('en')} lots`,
    `INSERT INTO public.production_lots (lot_number, process_id, quantity, status, notes, created_at)
       SELECT 'LOT-' || lpad(g::text, 7, '0'), 1 + g % 500, 1 + g % 100,
              (ARRAY['completed','completed','completed','cancelled','failed','planning','ready','in_progress'])[1 + g % 8],
              CASE WHEN g % 3 = 0 THEN 'batch for order ' || g END, now() - make_interval(secs => (${s.lots} - g) * 1200)
         FROM generate_series(1, ${s.lots}) g;`,
  );
  psql(
    `${s.imports.toLocaleString('en')} import jobs`,
    `INSERT INTO public.import_jobs (kind, status, message, total_rows, processed_rows, success_count, failure_count, created_at)
       SELECT (ARRAY['items','variants','stock'])[1 + g % 3], (ARRAY['completed','completed','completed_with_errors','failed'])[1 + g % 4],
              NULL, 1000, 1000, 990, 10, now() - make_interval(secs => (${s.imports} - g) * 3600)
         FROM generate_series(1, ${s.imports}) g;
     INSERT INTO public.import_job_sources (import_job_id, file_name, format, size_bytes, sha256, created_at)
       SELECT id, 'upload-' || id || '.csv', 'csv', 50000, repeat('0', 64), created_at FROM public.import_jobs;`,
  );
  psql(
    `${s.audit.toLocaleString('en')} audit events`,
    `INSERT INTO public.audit_events (user_id, action, entity, entity_id, after, via, created_at)
       SELECT NULL::int, (ARRAY['create','update','update','transition'])[1 + g % 4], (ARRAY['item','item_variant','production_lot','stock'])[1 + g % 4],
              (1 + g % 400000)::text, jsonb_build_object('n', g), 'http', now() - make_interval(secs => (${s.audit} - g) * 60)
         FROM generate_series(1, ${s.audit}) g;`,
  );
  psql('VACUUM ANALYZE', 'VACUUM ANALYZE;');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      database: { type: 'string' },
      items: { type: 'string' },
      'variants-per-item': { type: 'string' },
      ledger: { type: 'string' },
      lots: { type: 'string' },
      imports: { type: 'string' },
      audit: { type: 'string' },
    },
  });
  if (!values.database) {
    process.stderr.write('bench/api/generate.mjs: --database URL is required (a migrated database with no items)\n');
    process.exit(2);
  }
  const sizes = {};
  for (const [flag, key] of [
    ['items', 'items'],
    ['variants-per-item', 'variantsPerItem'],
    ['ledger', 'ledger'],
    ['lots', 'lots'],
    ['imports', 'imports'],
    ['audit', 'audit'],
  ]) {
    if (values[flag] === undefined) continue;
    const n = Number(values[flag]);
    if (!(n >= 0)) {
      process.stderr.write(`bench/api/generate.mjs: --${flag} must be a number ≥ 0, not "${values[flag]}"\n`);
      process.exit(2);
    }
    sizes[key] = n;
  }
  generate(values.database, sizes, (m) => process.stderr.write(`${m}\n`));
}
