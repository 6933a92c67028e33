import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getImportJob } from '../../../src/app/imports/jobs.ts';
import { legacyMapping } from '../../../src/app/legacy/mapping.ts';
import { openScratchDatabase } from '../../../src/db/scratch.ts';
import type { Database } from '../../../src/db/types.ts';
import { ARCHIVE_TABLE, adopt, readUnmanaged } from '../../../src/schema/adopt/adopt.ts';
import type { AdoptContext, AdoptOptions, AdoptResult } from '../../../src/schema/adopt/types.ts';
import { compareModels } from '../../../src/schema/catalog/compare.ts';
import { inspect } from '../../../src/schema/catalog/inspect.ts';
import type { SchemaModel } from '../../../src/schema/catalog/model.ts';
import { MtcError } from '../../../src/errors.ts';
import { planMigrations } from '../../../src/schema/migrations/plan.ts';
import type { Plan } from '../../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../../src/schema/migrations/source.ts';
import { backends } from '../../helpers/backends.ts';
import type { Backend, TestDatabase } from '../../helpers/backends.ts';
import { ROOT } from '../../helpers/cli.ts';
import { LEGACY_DIR, legacyTemplates, parseCopyRow } from '../../helpers/legacy.ts';
import type { LegacyTemplates } from '../../helpers/legacy.ts';
import { databaseState as snapshot, tableFingerprints } from '../../helpers/row-fingerprint.ts';
import type { DatabaseState } from '../../helpers/row-fingerprint.ts';

let target: SchemaModel;
let plan: Plan;
const mapping = legacyMapping({ currency: 'INR' });

before(async () => {
  plan = planMigrations(await loadMigrations(join(ROOT, 'migrations')));
  const scratch = await openScratchDatabase();
  try {
    await scratch.exec(await readFile(join(ROOT, 'db', 'schema.sql'), 'utf8'));
    target = await inspect(scratch);
  } finally {
    await scratch.close();
  }
});

const run = (db: Database, dryRun = false, options: Partial<AdoptOptions> = {}) => adopt(db, plan, { target, mapping, dryRun, ...options });

/** A file of test/fixtures/legacy/import_jobs/: the import_jobs tables the old scripts left. */
const importJobsFixture = (name: string) => readFileSync(join(LEGACY_DIR, 'import_jobs', name), 'utf8');

/** The moment `value` of a timestamptz column is, in ISO form at UTC with microseconds. */
const instant = (value: string) => `to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * processes 1 of the legacy data ("Frame Assembly"): created and last updated at this wall-clock
 * time, in a column without a time zone. The old application ran in India (its timestamptz
 * values carry +05:30): read in Asia/Kolkata it is 14:15:31Z; read in UTC, 5.5 hours later.
 */
const LEGACY_PROCESS_TIME = '2025-11-04 19:45:31.873801';
const LEGACY_PROCESS_IN = { 'Asia/Kolkata': '2025-11-04T14:15:31.873801Z', UTC: '2025-11-04T19:45:31.873801Z' } as const;

/** processes 1's creation and last update, as instants, and the zone adoption read them in. */
async function assertProcessTimes(db: Database, result: AdoptResult, zone: keyof typeof LEGACY_PROCESS_IN, from: 'option' | 'database'): Promise<void> {
  assert.equal(result.timeZone.name, zone);
  assert.equal(result.timeZone.from, from);
  assert.ok(result.timeZone.columns.includes('public.processes.created_at'), result.timeZone.columns.join(', '));
  const rows = (await db.query(`SELECT ${instant('created_at')} AS created, ${instant('updated_at')} AS updated FROM public.processes WHERE id = 1`)).rows;
  // updated_at too: respelling the status ('Active') is not an edit, so the old updated_at trigger must not fire.
  assert.deepEqual(rows, [{ created: LEGACY_PROCESS_IN[zone], updated: LEGACY_PROCESS_IN[zone] }]);
}

/** What verify would say: every difference from the declared schema, what adoption left unmanaged aside. */
async function drift(db: Database): Promise<string[]> {
  const findings = compareModels(target, await inspect(db), { unmanaged: await readUnmanaged(db) });
  return findings.filter((f) => f.kind !== 'unmanaged').map((f) => JSON.stringify(f));
}

async function hasTable(db: Database, name: string): Promise<boolean> {
  return (await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name])).rows[0]?.t != null;
}

/** Tables with a one-column integer key: their key column and its highest value. */
async function integerKeys(db: Database): Promise<Map<string, { column: string; max: string | null }>> {
  const keys = (
    await db.query<{ table: string; column: string }>(
      `SELECT c.relname AS table, a.attname AS column FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
        WHERE n.nspname = 'public' AND i.indisprimary AND i.indnatts = 1 AND a.atttypid IN ('int4'::regtype, 'int8'::regtype) AND c.relname NOT LIKE 'mtc\\_%'`,
    )
  ).rows;
  const out = new Map<string, { column: string; max: string | null }>();
  for (const k of keys) {
    const [row] = (await db.query<{ max: string | null }>(`SELECT max(${k.column})::text AS max FROM public.${k.table}`)).rows;
    out.set(k.table, { column: k.column, max: row?.max ?? null });
  }
  return out;
}

/**
 * Nothing lost: every row of every table that existed before is still there, by count and by a
 * checksum of the keys, table by table. Rows adoption merged away are found in the archive,
 * by the key they had; rows adoption added (opening balances, say) have keys above the old
 * ones and are left out of the comparison. Tables outside the declared schema, and
 * schema_migrations, are the same row for row. A table whose rows adoption took into
 * MTC's tables (the old purchasing: gone, or its old key no longer there) has every row in
 * the archive by the key it had, each naming the row it became (`public.<table> <id>`),
 * and that row exists.
 */
async function assertNothingLost(
  db: Database,
  beforeState: DatabaseState,
  beforeKeys: Map<string, { column: string; max: string | null }>,
  /** The archive's rows up to this id are an earlier adoption's. */
  archivedBefore = 0,
): Promise<void> {
  const declared = new Set(target.tables.map((t) => t.name));
  const archive = await hasTable(db, ARCHIVE_TABLE);
  const afterKeys = await tableFingerprints(db);
  const afterRows = await tableFingerprints(db, { of: 'rows' });
  for (const [table, was] of beforeState.keys) {
    const key = beforeKeys.get(table);
    const keyKept =
      afterKeys.has(table) &&
      key !== undefined &&
      (await db.query(`SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`, [`public.${table}`, key.column]))
        .rowCount === 1;
    if (key && !keyKept && archive) {
      await assertTakenIn(db, table, key.column, was, archivedBefore);
      continue;
    }
    assert.ok(afterKeys.has(table), `table ${table} is gone`);
    if (key) {
      const archived = archive
        ? `UNION ALL SELECT (row_data->>'${key.column}')::bigint FROM ${ARCHIVE_TABLE} WHERE table_name = 'public.${table}' AND id > ${archivedBefore}`
        : '';
      const [now] = (
        await db.query<{ n: string; sum: string }>(
          `SELECT count(*)::text AS n, md5(coalesce(string_agg(ROW(k)::text, E'\\n' ORDER BY k), '')) AS sum
             FROM (SELECT ${key.column}::bigint AS k FROM public.${table} ${archived}) x WHERE k <= ${key.max ?? '0'}`,
        )
      ).rows as [{ n: string; sum: string }];
      assert.equal(Number(now.n), was.rows, `${table}: ${was.rows} rows before, ${now.n} of them found after (kept or archived)`);
      assert.equal(now.sum, was.keys, `${table}: the keys are not the keys it had`);
    } else {
      assert.deepEqual(afterKeys.get(table), was, `${table}: rows or keys changed`);
    }
    if (!declared.has(table)) assert.deepEqual(afterRows.get(table), beforeState.rows.get(table), `${table} is outside MTC's schema and must be untouched`);
  }
}

/** Every row of an old table adoption took into MTC's tables is in the archive by its old key, and the row it became exists. */
async function assertTakenIn(db: Database, table: string, column: string, was: { rows: number; keys: string }, archivedBefore: number): Promise<void> {
  const [archived] = (
    await db.query<{ n: string; sum: string }>(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(ROW(k)::text, E'\\n' ORDER BY k), '')) AS sum
         FROM (SELECT (row_data->>'${column}')::bigint AS k FROM ${ARCHIVE_TABLE} WHERE table_name = $1 AND id > ${archivedBefore}) x`,
      [`public.${table}`],
    )
  ).rows as [{ n: string; sum: string }];
  assert.equal(Number(archived.n), was.rows, `${table}: ${was.rows} rows before, ${archived.n} of them in the archive`);
  assert.equal(archived.sum, was.keys, `${table}: the archived keys are not the keys it had`);
  const targets = (
    await db.query<{ into: string; ids: string[] }>(
      `SELECT split_part(merged_into, ' ', 1) AS into, array_agg(split_part(merged_into, ' ', 2)) AS ids FROM ${ARCHIVE_TABLE} WHERE table_name = $1 AND id > ${archivedBefore} GROUP BY 1`,
      [`public.${table}`],
    )
  ).rows;
  for (const t of targets) {
    assert.match(t.into, /^public\.\w+$/, `${table}: an archived row names no row it became`);
    const [found] = (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t.into} WHERE id::text = ANY($1)`, [t.ids])).rows;
    assert.equal(Number(found?.n), new Set(t.ids).size, `${table}: rows it became are missing from ${t.into}`);
  }
}

/** Each variant's opening_stock in the fixture's data file: [variant_id, opening_stock (NULL as 0)]. */
function fixtureOpeningStock(): [number, string][] {
  const lines = readFileSync(join(LEGACY_DIR, 'mtc_legacy_data.sql'), 'utf8').split('\n');
  const head = lines.findIndex((l) => l.startsWith('COPY public.item_variant '));
  const columns = /\((.*)\)/.exec(lines[head]!)![1]!.split(', ');
  const [id, stock] = [columns.indexOf('variant_id'), columns.indexOf('opening_stock')];
  const out: [number, string][] = [];
  for (let i = head + 1; lines[i] !== '\\.'; i++) {
    const row = parseCopyRow(lines[i]!);
    out.push([Number(row[id]), row[stock] ?? '0']);
  }
  return out;
}

/**
 * The old purchasing of the legacy fixture after adoption: 3 orders (6 lines), 2 receipts and
 * 3 stock entries (one without a receipt) taken in with their keys; no receipt posted to the
 * ledger again, so each variant's stock is its old opening_stock and the ledger adds up to it;
 * the stock the receipts paid for valued at their average cost; the old tables gone, their
 * rows in the archive, none of them unmanaged.
 */
async function assertLegacyPurchasing(db: Database, result: AdoptResult): Promise<void> {
  const q = async (sql: string, params?: unknown[]) => (await db.query<Record<string, unknown>>(sql, params)).rows;
  assert.deepEqual(
    await q(`SELECT id, po_number, supplier_id, status, to_char(order_date, 'YYYY-MM-DD') AS ordered, currency, notes FROM public.purchase_orders ORDER BY id`),
    [
      { id: 2, po_number: 'PO-0001', supplier_id: 3, status: 'draft', ordered: '2025-10-24', currency: 'INR', notes: null },
      { id: 3, po_number: 'PO-0002', supplier_id: 3, status: 'draft', ordered: '2025-10-26', currency: 'INR', notes: null },
      { id: 4, po_number: 'PO-0003', supplier_id: 3, status: 'draft', ordered: '2025-10-26', currency: 'INR', notes: '' },
    ],
  );
  assert.deepEqual(
    await q(
      `SELECT id, po_id, line_no, variant_id, quantity::text, unit_price::float8 AS price, received_quantity::float8 AS received FROM public.purchase_order_lines ORDER BY id`,
    ),
    [
      { id: 2, po_id: 2, line_no: 1, variant_id: 53019, quantity: '1000.000', price: 46, received: 0 },
      { id: 3, po_id: 2, line_no: 2, variant_id: 53010, quantity: '1000.000', price: 51, received: 0 },
      { id: 4, po_id: 3, line_no: 1, variant_id: 34039, quantity: '1.000', price: 0, received: 0 },
      { id: 5, po_id: 3, line_no: 2, variant_id: 53019, quantity: '1.000', price: 0, received: 0 },
      { id: 6, po_id: 4, line_no: 1, variant_id: 34039, quantity: '1.000', price: 0, received: 0 },
      { id: 7, po_id: 4, line_no: 2, variant_id: 53010, quantity: '1.000', price: 0, received: 0 },
    ],
  );
  // Receipts: the day each was received in the adoption's zone; receipt 1 had no number (one is made, dated that day).
  const zone = result.timeZone.name;
  assert.deepEqual(
    await q(
      `SELECT r.id, r.receipt_number ~ ('^GR-' || to_char(r.received_on, 'YYYYMMDD') || '-[0-9]{6}$') AS made, r.receipt_number, r.supplier_id, r.po_id, r.bill_number,
              r.received_on = (r.created_at AT TIME ZONE $1)::date AS on_day, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at,
              r.tax_percentage::float8 AS tax, r.discount_percentage::float8 AS discount, r.discount_amount::float8 AS discount_amount,
              r.total_amount::float8 AS total, r.grand_total::float8 AS grand
         FROM public.goods_receipts r ORDER BY r.id`,
      [zone],
    ).then((rows) => rows.map((r) => ({ ...r, receipt_number: r.made ? 'made' : r.receipt_number }))),
    [
      {
        id: 1,
        made: true,
        receipt_number: 'made',
        supplier_id: 3,
        po_id: null,
        bill_number: '1234',
        on_day: true,
        at: '2025-10-25 19:10:20',
        tax: 5,
        discount: 0,
        discount_amount: 0,
        total: 23000,
        grand: 24150,
      },
      {
        id: 2,
        made: false,
        receipt_number: 'RCPT-4',
        supplier_id: 3,
        po_id: null,
        bill_number: '1234',
        on_day: true,
        at: '2025-10-27 13:50:30',
        tax: 5,
        discount: 2,
        discount_amount: 40,
        total: 2000,
        grand: 2060,
      },
      // stock entry 1 had no receipt: a receipt of its own, its quantity × cost the total.
      {
        id: 3,
        made: true,
        receipt_number: 'made',
        supplier_id: 3,
        po_id: null,
        bill_number: null,
        on_day: true,
        at: '2025-10-25 13:33:31',
        tax: 0,
        discount: 0,
        discount_amount: 0,
        total: 108,
        grand: 108,
      },
    ],
  );
  assert.deepEqual(
    await q(
      `SELECT id, receipt_id, po_line_id, variant_id, quantity::float8 AS quantity, unit_cost::float8 AS cost FROM public.goods_receipt_lines ORDER BY id`,
    ),
    [
      { id: 1, receipt_id: 3, po_line_id: null, variant_id: 34038, quantity: 2, cost: 54 },
      { id: 2, receipt_id: 1, po_line_id: null, variant_id: 34038, quantity: 500, cost: 46 },
      { id: 3, receipt_id: 2, po_line_id: null, variant_id: 34039, quantity: 40, cost: 50 },
    ],
  );
  // Not counted twice: every variant holds exactly its old opening_stock, and its ledger adds up to it.
  const opening = fixtureOpeningStock();
  assert.equal(opening.length, 7345);
  assert.deepEqual(
    await q(
      `SELECT count(*)::int AS variants, count(*) FILTER (WHERE v.stock <> o.stock)::int AS differ,
              count(*) FILTER (WHERE v.stock <> coalesce((SELECT sum(t.quantity) FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id), 0))::int AS unbalanced
         FROM unnest($1::int[], $2::numeric[]) AS o(variant_id, stock) JOIN public.item_variant v USING (variant_id)`,
      [opening.map(([id]) => id), opening.map(([, stock]) => stock)],
    ),
    [{ variants: 7345, differ: 0, unbalanced: 0 }],
  );
  assert.deepEqual(
    await q(`SELECT count(*)::int AS n FROM public.inventory_transactions WHERE reference_type = 'goods_receipt' OR transaction_type = 'receipt'`),
    [{ n: 0 }],
  );
  // The stock as found valued at the average its receipts paid: 34038 (1,170) at (2 × 54 + 500 × 46) ÷ 502, 34039 (400) at 50.
  assert.deepEqual(
    await q(
      `SELECT v.variant_id, v.stock::text, trim_scale(v.stock_value)::text AS value, trim_scale(t.unit_cost)::text AS cost, trim_scale(t.value)::text AS row_value,
              (SELECT trim_scale(sum(x.value))::text FROM public.inventory_transactions x WHERE x.variant_id = v.variant_id) AS ledger_value
         FROM public.item_variant v JOIN public.inventory_transactions t ON t.variant_id = v.variant_id AND t.transaction_type = 'revaluation' ORDER BY 1`,
    ),
    [
      { variant_id: 34038, stock: '1170.000', value: '53857.29141', cost: '46.031873', row_value: '53857.29141', ledger_value: '53857.29141' },
      { variant_id: 34039, stock: '400.000', value: '20000', cost: '50', row_value: '20000', ledger_value: '20000' },
    ],
  );
  assert.deepEqual(await q(`SELECT count(*)::int AS n FROM public.item_variant WHERE stock_value IS NOT NULL`), [{ n: 2 }]);
  // The old tables are gone, their rows in the archive; none is left unmanaged.
  for (const t of ['purchase_order_items', 'stock_receipts', 'stock_entries']) assert.equal(await hasTable(db, `public.${t}`), false, `${t} is still there`);
  assert.deepEqual(
    await q(
      `SELECT table_name, count(*)::int AS n FROM ${ARCHIVE_TABLE} WHERE table_name IN ('public.purchase_orders', 'public.purchase_order_items', 'public.stock_receipts', 'public.stock_entries') GROUP BY 1 ORDER BY 1`,
    ),
    [
      { table_name: 'public.purchase_order_items', n: 6 },
      { table_name: 'public.purchase_orders', n: 3 },
      { table_name: 'public.stock_entries', n: 3 },
      { table_name: 'public.stock_receipts', n: 2 },
    ],
  );
  for (const t of ['purchase_orders', 'purchase_order_items', 'stock_receipts', 'stock_entries'])
    assert.ok(!result.unmanaged.includes(`public.${t}`), `${t} is listed as unmanaged`);
  const said = result.notes.map((n) => `${n.kind} ${n.object}: ${n.message}`);
  for (const re of [
    /^mapped public\.purchase_orders: 3 purchase order\(s\) and 6 line\(s\) taken from the old purchase_orders and purchase_order_items, keys and numbers kept; statuses respelled: 'Draft' → 'draft' \(3\)$/,
    /^mapped public\.goods_receipts: 2 goods receipt\(s\) taken from the old stock_receipts; 3 line\(s\) from the old stock_entries; 1 entry without a receipt made a receipt of its own; 1 receipt\(s\) without a number .*not posted to the stock ledger again$/,
    /^mapped public\.item_variant\.stock_value: 2 variant\(s\) with stock valued at the average cost their old receipts paid/,
  ])
    assert.ok(
      said.some((n) => re.test(n)),
      `no note ${re}:\n${said.join('\n')}`,
    );
  // A receipt is still never changed, and MTC numbers what comes next after the old keys and numbers.
  await assert.rejects(db.exec(`UPDATE public.goods_receipts SET bill_number = 'x' WHERE id = 1`), /a goods receipt is never changed/);
  assert.deepEqual(await q(`INSERT INTO public.purchase_orders (supplier_id) VALUES (3) RETURNING id, po_number ~ '^PO-[0-9]{8}-000004$' AS numbered`), [
    { id: 5, numbered: true },
  ]);
  assert.deepEqual(await q(`INSERT INTO public.goods_receipts (supplier_id) VALUES (3) RETURNING id`), [{ id: 4 }]);
}

interface Scenario {
  name: string;
  /** null: an empty database; otherwise the legacy schema, with or without its rows. */
  legacy: null | { data: boolean };
  /** SQL that turns the legacy database into the partial state another environment had. */
  setup?: string;
  /** The setup changes the database's own settings, which sessions opened after it take. */
  reopen?: boolean;
  /** How adoption is asked to run (both the dry run and the real one). */
  options?: Partial<AdoptOptions>;
  check?: (db: Database, result: AdoptResult) => Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'an empty database',
    legacy: null,
    async check(_db, result) {
      assert.equal(result.adopted.length, plan.order.length);
      assert.deepEqual(result.unmanaged, []);
    },
  },
  {
    name: "the legacy fixture's schema alone (no import_jobs), its timestamps read in UTC",
    legacy: { data: false },
    setup: `INSERT INTO public.processes (id, name, status, created_at, updated_at) VALUES
      (1, 'Frame Assembly', 'Active', '${LEGACY_PROCESS_TIME}', '${LEGACY_PROCESS_TIME}'), (2, 'Paint Shop', 'Active', NULL, '${LEGACY_PROCESS_TIME}')`,
    options: { timeZone: 'utc' },
    async check(db, result) {
      await assertProcessTimes(db, result, 'UTC', 'option');
      // A gap filled by the declared default (created_at NOT NULL DEFAULT now()) is not an edit either.
      const filled = (await db.query(`SELECT created_at IS NOT NULL AS created, ${instant('updated_at')} AS updated FROM public.processes WHERE id = 2`)).rows;
      assert.deepEqual(filled, [{ created: true, updated: LEGACY_PROCESS_IN.UTC }]);
      assert.ok(
        result.actions.some((a) => a.step === 'structure' && /CREATE TABLE public\.import_jobs/.test(a.sql)),
        'import_jobs is created',
      );
      assert.ok(!result.notes.some((n) => n.kind === 'mapped' && n.object.startsWith('public.import_jobs')), 'nothing of import_jobs to map');
      assert.ok(result.unmanaged.includes('public.schema_migrations'), 'the old schema_migrations is left unmanaged');
      assert.ok(result.notes.some((n) => n.kind === 'not-indexed' && n.object === 'public.item_variant.item_variant_color_id_fkey'));
      assert.ok(result.notes.some((n) => n.kind === 'oddly-named' && n.object.endsWith('fk_variant_usage_substitute_group')));
      // The lot-number trigger that called NEXTVAL unqualified is gone; numbers come from a schema-qualified default.
      await db.session(async (s) => {
        await s.exec("SET search_path = ''");
        await s.exec(
          'INSERT INTO public.production_lots (process_id, quantity) VALUES (1, 5); INSERT INTO public.production_lots (process_id, quantity) VALUES (1, 5)',
        );
      });
      const lots = (await db.query<{ lot_number: string; status: string }>('SELECT lot_number, status FROM public.production_lots ORDER BY id')).rows;
      assert.equal(lots.length, 2);
      assert.match(lots[0]!.lot_number, /^LOT-\d{8}-\d{6}$/);
      assert.notEqual(lots[0]!.lot_number, lots[1]!.lot_number);
      assert.equal(lots[0]!.status, 'planning');
    },
  },
  {
    name: 'the legacy schema with its data',
    legacy: { data: true },
    async check(db, result) {
      const q = async (sql: string) => (await db.query<Record<string, string>>(sql)).rows;
      assert.deepEqual(await q(`SELECT role FROM public.users`), [{ role: 'viewer' }]);
      assert.deepEqual(await q(`SELECT DISTINCT status FROM public.processes`), [{ status: 'active' }]);
      // Master names that differ only in case are merged, references re-pointed, the rest archived.
      assert.deepEqual(await q(`SELECT count(*)::text AS n FROM (SELECT lower(color_name) FROM public.color_master GROUP BY 1 HAVING count(*) > 1) d`), [
        { n: '0' },
      ]);
      assert.deepEqual(await q(`SELECT count(*)::text AS n FROM public.item_master WHERE model_id IN (42, 34)`), [{ n: '0' }]);
      assert.ok(result.archived >= 19, `archived ${result.archived}`);
      // The item rate became a rate of each of the item's variants.
      assert.deepEqual(
        await q(`SELECT count(*)::text AS n, min(cost_per_unit)::text AS cost, min(currency) AS currency FROM public.variant_supplier_pricing`),
        await q(`SELECT count(*)::text AS n, '50.00' AS cost, 'INR' AS currency FROM public.item_variant WHERE item_id = 419`),
      );
      // The stock ledger adds up to the stock.
      assert.deepEqual(
        await q(
          `SELECT count(*)::text AS n FROM public.item_variant v WHERE v.stock <> coalesce((SELECT sum(quantity) FROM public.inventory_transactions t WHERE t.variant_id = v.variant_id), 0)`,
        ),
        [{ n: '0' }],
      );
      assert.deepEqual(await q(`SELECT count(*)::text AS n FROM public.schema_migrations`), [{ n: '16' }]);
      await assertLegacyPurchasing(db, result);
    },
  },
  {
    name: "the seed report's database: the legacy data, and import_jobs made by hand (no kind, two identical foreign keys on user_id) with one job; read in Asia/Kolkata",
    legacy: { data: true },
    setup: importJobsFixture('report-shape.sql') + importJobsFixture('report-row.sql'),
    options: { timeZone: 'Asia/Kolkata' },
    async check(db, result) {
      await assertProcessTimes(db, result, 'Asia/Kolkata', 'option');
      assert.ok(
        result.before.some((f) => f.kind === 'duplicate' && JSON.stringify(f).includes('import_jobs')),
        'the duplicate foreign key is reported',
      );
      const job = await getImportJob(db, 1);
      assert.deepEqual(
        job && {
          importId: job.importId,
          userId: job.userId,
          kind: job.kind,
          status: job.status,
          message: job.message,
          counts: [job.totalRows, job.processedRows, job.successCount, job.failureCount],
          createdAt: job.createdAt,
          updatedAt: job.updatedAt,
        },
        {
          importId: 'b3f1e2a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
          userId: 3,
          kind: 'items',
          status: 'completed',
          message: 'Imported 12 items',
          counts: [12, 12, 12, 0],
          createdAt: '2025-11-06T04:45:00.000Z',
          updatedAt: '2025-11-06T04:45:42.000Z',
        },
      );
      assert.ok(
        result.notes.some((n) => n.kind === 'mapped' && n.object === 'public.import_jobs' && /1 import job\b.*kind items/.test(n.message)),
        JSON.stringify(result.notes.filter((n) => n.object.includes('import_jobs'))),
      );
      assert.ok(
        result.notes.some((n) => n.kind === 'mapped' && n.object === 'public.import_jobs.status' && n.message.includes("'Completed' → 'completed' (1)")),
      );
      const fks = (await db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'public.import_jobs'::regclass AND contype = 'f'`)).rows;
      assert.deepEqual(fks, [{ conname: 'import_jobs_user_id_fkey' }]);
      // MTC's own jobs come after it.
      const next = (await db.query<{ id: string }>(`INSERT INTO public.import_jobs (kind) VALUES ('items') RETURNING id::text`)).rows;
      assert.deepEqual(next, [{ id: '2' }]);
      // The legacy rows are all there (beside what assertNothingLost checks, table by table).
      assert.deepEqual((await db.query(`SELECT count(*)::int AS n FROM public.item_variant`)).rows, [{ n: 7345 }]);
      assert.deepEqual((await db.query(`SELECT count(*)::int AS n FROM public.schema_migrations`)).rows, [{ n: 16 }]);
    },
  },
  {
    name: "import_jobs as the seed report found it, without rows, in a database whose own TimeZone is Asia/Kolkata (on PGlite the session's stays UTC)",
    legacy: { data: false },
    reopen: true,
    setup: `${importJobsFixture('report-shape.sql')};
      DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Kolkata'); END $$;
      INSERT INTO public.processes (id, name, status, created_at, updated_at) VALUES (1, 'Frame Assembly', 'Active', '${LEGACY_PROCESS_TIME}', '${LEGACY_PROCESS_TIME}')`,
    async check(db, result) {
      await assertProcessTimes(db, result, 'Asia/Kolkata', 'database');
      assert.ok(result.timeZone.columns.includes('public.import_jobs.created_at'));
      assert.ok(!result.notes.some((n) => n.kind === 'mapped' && n.object.startsWith('public.import_jobs')), 'no job, nothing mapped');
      const made = (await db.query(`INSERT INTO public.import_jobs (kind, user_id) VALUES ('items', NULL) RETURNING status, import_id IS NOT NULL AS has_id`))
        .rows;
      assert.deepEqual(made, [{ status: 'pending', has_id: true }]);
    },
  },
  {
    name: 'production_lots absent',
    legacy: { data: false },
    setup: 'DROP TABLE public.production_lots CASCADE',
    async check(db) {
      assert.ok(await hasTable(db, 'public.production_lots'));
    },
  },
  {
    name: "import_jobs made by hand (the report's columns, no kind), two identical foreign keys on user_id, its statuses in any spelling, its counters left empty",
    legacy: { data: false },
    setup: `
      INSERT INTO public.users (user_id, name, email) VALUES (7, 'Importer', 'importer@example.com');
      ${importJobsFixture('report-shape.sql')};
      ${importJobsFixture('any-status.sql')}`,
    async check(db, result) {
      assert.ok(
        result.before.some((f) => f.kind === 'duplicate' && JSON.stringify(f).includes('import_jobs')),
        'the duplicate is reported',
      );
      const fks = await db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'public.import_jobs'::regclass AND contype = 'f'`);
      assert.equal(fks.rowCount, 1);
      const jobs = (
        await db.query<{ id: number; kind: string; status: string; message: string | null; counts: string }>(
          `SELECT id::int AS id, kind, status, message, concat_ws('/', total_rows, processed_rows, success_count, failure_count) AS counts FROM public.import_jobs ORDER BY id`,
        )
      ).rows;
      const interrupted = (was: string) =>
        `interrupted: the old application left it '${was}', and MTC does not have its file to resume it: import the file again`;
      assert.deepEqual(jobs, [
        { id: 1, kind: 'items', status: 'completed', message: null, counts: '10/10/10/0' },
        { id: 2, kind: 'items', status: 'completed', message: null, counts: '5/5/5/0' },
        { id: 3, kind: 'items', status: 'completed', message: 'done', counts: '3/3/3/0' },
        { id: 4, kind: 'items', status: 'completed', message: null, counts: '1/1/1/0' },
        { id: 5, kind: 'items', status: 'completed_with_errors', message: '2 rows rejected', counts: '10/10/8/2' },
        { id: 6, kind: 'items', status: 'completed_with_errors', message: null, counts: '4/4/3/1' },
        { id: 7, kind: 'items', status: 'failed', message: 'bad header', counts: '0/0/0/0' },
        { id: 8, kind: 'items', status: 'failed', message: null, counts: '0/0/0/0' },
        { id: 9, kind: 'items', status: 'cancelled', message: null, counts: '0/0/0/0' },
        { id: 10, kind: 'items', status: 'cancelled', message: null, counts: '0/0/0/0' },
        { id: 11, kind: 'items', status: 'failed', message: `${interrupted('processing')}; row 40 of 100`, counts: '100/40/40/0' },
        { id: 12, kind: 'items', status: 'failed', message: interrupted('In Progress'), counts: '0/0/0/0' },
        { id: 13, kind: 'items', status: 'failed', message: interrupted('Pending'), counts: '0/0/0/0' },
        { id: 14, kind: 'items', status: 'failed', message: interrupted('queued'), counts: '0/0/0/0' },
        {
          id: 15,
          kind: 'items',
          status: 'failed',
          message: "status 'On Hold' in the old database, which MTC does not know; waiting for the supplier",
          counts: '0/0/0/0',
        },
        { id: 16, kind: 'items', status: 'failed', message: 'no status in the old database', counts: '0/0/0/0' },
        // Counters the old script did not keep: empty ones 0, processed at least succeeded + failed.
        { id: 17, kind: 'items', status: 'completed_with_errors', message: null, counts: '0/6/5/1' },
      ]);
      const notes = result.notes.filter((n) => n.object.startsWith('public.import_jobs')).map((n) => `${n.kind} ${n.object}: ${n.message}`);
      assert.ok(
        notes.some((n) => /^mapped public\.import_jobs: 17 import jobs of the old application kept as jobs of kind items/.test(n)),
        notes.join('\n'),
      );
      assert.ok(
        notes.some(
          (n) => n.startsWith('mapped public.import_jobs.status:') && n.includes("'COMPLETED' → 'completed' (1)") && n.includes("'canceled' → 'cancelled' (1)"),
        ),
        notes.join('\n'),
      );
      assert.ok(
        notes.some((n) => /^mapped public\.import_jobs\.status: 4 unfinished jobs made failed/.test(n)),
        notes.join('\n'),
      );
      assert.ok(
        notes.some((n) =>
          /^conflict public\.import_jobs\.status: 2 jobs with a status MTC does not know \('On Hold' \(1\), no status \(1\)\) made failed/.test(n),
        ),
        notes.join('\n'),
      );
      assert.ok(
        notes.some((n) => /^mapped public\.import_jobs: 2 jobs' empty or inconsistent counters/.test(n)),
        notes.join('\n'),
      );
      // Job 14 had no import_id: it was given one.
      assert.deepEqual((await db.query(`SELECT count(DISTINCT import_id)::int AS n FROM public.import_jobs`)).rows, [{ n: 17 }]);
      await assert.rejects(db.exec(`UPDATE public.import_jobs SET status = 'Completed' WHERE id = 1`), /import_jobs_status_check/);
    },
  },
  {
    name: 'old purchasing in every shape it took: statuses in any spelling, orders and receipts without numbers, a repeated receipt number, entries without a receipt, a cost or a supplier, totals that disagree with the lines',
    legacy: { data: false },
    options: { timeZone: 'Asia/Kolkata' },
    setup: `
      INSERT INTO public.suppliers (supplier_id, firm_name) VALUES (3, 'Steel Co'), (4, 'Bolt Co');
      INSERT INTO public.color_master (color_id, color_name) VALUES (1, 'Black');
      INSERT INTO public.size_master (size_id, size_name) VALUES (1, 'M'), (2, 'L'), (3, 'XL');
      INSERT INTO public.item_master (item_id, name) VALUES (1, 'Bolt');
      INSERT INTO public.item_variant (variant_id, item_id, color_id, size_id, opening_stock) VALUES (1, 1, 1, 1, 100), (2, 1, 1, 2, 10), (3, 1, 1, 3, 0);
      INSERT INTO public.purchase_orders (po_id, po_number, supplier_id, order_date, status, total_amount, notes) VALUES
        (1, 'PO-A', 3, '2025-01-10', 'Sent', 100.00, 'urgent'),
        (2, NULL, 3, '2025-01-11', 'Partially Received', 12.00, NULL),
        (3, 'PO-20250101-000007', 4, '2025-01-12', 'On Hold', 8.00, NULL),
        (4, 'PO-C', 3, '2025-01-13', 'canceled', 0.00, NULL);
      INSERT INTO public.purchase_order_items (po_item_id, po_id, variant_id, quantity, rate, received_quantity) VALUES
        (11, 1, 2, 5, 2.50, 0), (10, 1, 1, 10, 5.00, 10), (12, 2, 1, 3, 4.00, 1), (13, 3, 2, 4, 2.00, 4), (14, 4, 1, 1, 0.00, NULL);
      INSERT INTO public.stock_receipts (receipt_id, bill_number, supplier_id, receipt_date, total_amount, tax_percentage, grand_total, discount_percentage, receipt_number, po_id, discount_amount) VALUES
        (1, 'B-1', NULL, '2025-01-14 23:30:00+00', 50.00, 0, 50.00, 0, 'R-1', 1, 0),
        (2, 'B-2', 3, '2025-01-15 10:00:00+05:30', 0, 0, 0, 0, 'R-1', NULL, 0),
        (3, NULL, 4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      INSERT INTO public.stock_entries (entry_id, variant_id, supplier_id, po_id, quantity_added, entry_date, cost_per_unit, notes, receipt_id) VALUES
        (1, 1, 3, 1, 10, '2025-01-14 23:30:00+00', 5.00, 'first', 1),
        (2, 2, NULL, NULL, 5, '2025-01-15 10:00:00+05:30', NULL, NULL, 2),
        (3, 1, 4, NULL, 7, '2025-01-16 09:00:00+05:30', 6.00, 'loose', NULL),
        (4, 1, NULL, 2, 2, '2025-01-16 10:00:00+05:30', NULL, NULL, NULL);`,
    async check(db, result) {
      const q = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
      // Today in the zone adoption ran in (what numbers and dates made then follow).
      const today = (await q(`SELECT to_char(now() AT TIME ZONE 'Asia/Kolkata', 'YYYYMMDD') AS d`))[0]!.d as string;
      assert.deepEqual(await q(`SELECT id, po_number, supplier_id, status, notes FROM public.purchase_orders ORDER BY id`), [
        { id: 1, po_number: 'PO-A', supplier_id: 3, status: 'sent', notes: 'urgent' },
        // No number: numbered as MTC numbers orders, after the highest old number of that form.
        { id: 2, po_number: `PO-${today}-000008`, supplier_id: 3, status: 'partially_received', notes: null },
        // 'On Hold' maps to nothing: its lines were received in full, so it is received.
        { id: 3, po_number: 'PO-20250101-000007', supplier_id: 4, status: 'received', notes: null },
        { id: 4, po_number: 'PO-C', supplier_id: 3, status: 'cancelled', notes: null },
      ]);
      // Line numbers follow po_item_id, not the order rows were written in.
      assert.deepEqual(await q(`SELECT id, po_id, line_no, received_quantity::float8 AS received FROM public.purchase_order_lines ORDER BY id`), [
        { id: 10, po_id: 1, line_no: 1, received: 10 },
        { id: 11, po_id: 1, line_no: 2, received: 0 },
        { id: 12, po_id: 2, line_no: 1, received: 1 },
        { id: 13, po_id: 3, line_no: 1, received: 4 },
        { id: 14, po_id: 4, line_no: 1, received: 0 },
      ]);
      assert.deepEqual(
        await q(
          `SELECT id, receipt_number ~ ('^GR-' || to_char(received_on, 'YYYYMMDD') || '-[0-9]{6}$') AS made, CASE WHEN receipt_number LIKE 'R-%' THEN receipt_number END AS number,
                  supplier_id, po_id, to_char(received_on, 'YYYY-MM-DD') AS received_on, total_amount::float8 AS total, notes FROM public.goods_receipts ORDER BY id`,
        ),
        [
          // No supplier: its entries name one. 23:30 UTC is the next day in Asia/Kolkata.
          { id: 1, made: false, number: 'R-1', supplier_id: 3, po_id: 1, received_on: '2025-01-15', total: 50, notes: 'first' },
          // The same number as receipt 1: the first keeps it.
          { id: 2, made: false, number: 'R-1 (2)', supplier_id: 3, po_id: null, received_on: '2025-01-15', total: 0, notes: null },
          // No number, no date, no entries: numbered, dated today.
          {
            id: 3,
            made: true,
            number: null,
            supplier_id: 4,
            po_id: null,
            received_on: `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6)}`,
            total: 0,
            notes: null,
          },
          // Entries without a receipt: a receipt each, from the entry's supplier or its order's.
          { id: 4, made: true, number: null, supplier_id: 4, po_id: null, received_on: '2025-01-16', total: 42, notes: 'loose' },
          { id: 5, made: true, number: null, supplier_id: 3, po_id: 2, received_on: '2025-01-16', total: 8, notes: null },
        ],
      );
      // Numbers made on one day are still each MTC's next.
      assert.deepEqual(await q(`SELECT count(DISTINCT substr(receipt_number, 13))::int AS n FROM public.goods_receipts WHERE id IN (3, 4, 5)`), [{ n: 3 }]);
      // Entry 1 is the one line of its order for variant 1; entry 4 takes its order line's price, entry 2 has none (0).
      assert.deepEqual(
        await q(`SELECT id, receipt_id, po_line_id, quantity::float8 AS quantity, unit_cost::float8 AS cost FROM public.goods_receipt_lines ORDER BY id`),
        [
          { id: 1, receipt_id: 1, po_line_id: 10, quantity: 10, cost: 5 },
          { id: 2, receipt_id: 2, po_line_id: null, quantity: 5, cost: 0 },
          { id: 3, receipt_id: 4, po_line_id: null, quantity: 7, cost: 6 },
          { id: 4, receipt_id: 5, po_line_id: 12, quantity: 2, cost: 4 },
        ],
      );
      // Stock as found; variant 1 valued at what its receipts with a cost paid: (10 × 5 + 7 × 6) ÷ 17; variant 2's only receipt had no cost.
      assert.deepEqual(await q(`SELECT variant_id, stock::float8 AS stock, trim_scale(stock_value)::text AS value FROM public.item_variant ORDER BY 1`), [
        { variant_id: 1, stock: 100, value: '541.1765' },
        { variant_id: 2, stock: 10, value: null },
        { variant_id: 3, stock: 0, value: null },
      ]);
      const said = result.notes.map((n) => `${n.kind} ${n.object}: ${n.message}`);
      for (const re of [
        /^mapped public\.purchase_orders: 4 purchase order\(s\) and 5 line\(s\) .*statuses respelled: 'Partially Received' → 'partially_received' \(1\), 'Sent' → 'sent' \(1\), 'canceled' → 'cancelled' \(1\)$/,
        /^mapped public\.purchase_orders\.po_number: 1 order\(s\) without a number numbered/,
        /^conflict public\.purchase_orders\.status: 'On Hold' \(1\) match none of draft, sent/,
        /^conflict public\.purchase_orders: 1 old order\(s\) \(po_id 1\) have a total_amount other than their lines'/,
        /^mapped public\.goods_receipts: 3 goods receipt\(s\) taken from the old stock_receipts; 4 line\(s\) from the old stock_entries; 2 entries without a receipt made a receipt of their own; 1 receipt\(s\) without a number/,
        /^conflict public\.goods_receipts\.receipt_number: 1 old receipt\(s\) repeat another's receipt_number/,
        /^conflict public\.goods_receipt_lines\.unit_cost: 1 old stock entr\(ies\) \(entry_id 2\) have no cost and no order price/,
        /^mapped public\.item_variant\.stock_value: 1 variant\(s\)/,
      ])
        assert.ok(
          said.some((n) => re.test(n)),
          `no note ${re}:\n${said.join('\n')}`,
        );
    },
  },
  {
    name: 'lot statuses in mixed spellings',
    legacy: { data: false },
    setup: `
      ALTER TABLE public.production_lots DROP CONSTRAINT production_lots_status_check;
      INSERT INTO public.processes (id, name) VALUES (1, 'Frame Assembly');
      INSERT INTO public.production_lots (lot_number, process_id, quantity, status) VALUES
        ('L-1', 1, 5, 'Planning'), ('L-2', 1, 5, 'In Progress'), ('L-3', 1, 5, 'in progress'), ('L-4', 1, 5, 'completed');`,
    async check(db, result) {
      const rows = (await db.query<{ lot_number: string; status: string }>('SELECT lot_number, status FROM public.production_lots ORDER BY lot_number')).rows;
      assert.deepEqual(
        rows.map((r) => `${r.lot_number}:${r.status}`),
        ['L-1:planning', 'L-2:in_progress', 'L-3:in_progress', 'L-4:completed'],
      );
      assert.ok(result.notes.some((n) => n.kind === 'mapped' && n.message.includes("'In Progress' → 'in_progress'")));
      await assert.rejects(db.exec(`UPDATE public.production_lots SET status = 'Completed' WHERE lot_number = 'L-1'`), /production_lots_status_check/);
    },
  },
  {
    name: 'item and master names that differ only in case',
    legacy: { data: false },
    setup: `
      INSERT INTO public.model_master (model_id, model_name) VALUES (1, 'Crysta'), (2, 'CRYSTA');
      INSERT INTO public.color_master (color_id, color_name) VALUES (1, 'Black'), (2, 'BLACK');
      INSERT INTO public.size_master (size_id, size_name) VALUES (1, 'M');
      INSERT INTO public.item_master (item_id, name, model_id) VALUES (1, 'Bolt', 1), (2, 'BOLT', 2);
      INSERT INTO public.item_variant (variant_id, item_id, color_id, size_id) VALUES (1, 1, 1, 1), (2, 1, 2, 1) ;`,
    async check(db, result) {
      // Not the same item: kept, both, and reported for a person.
      assert.deepEqual((await db.query('SELECT item_id FROM public.item_master ORDER BY 1')).rows, [{ item_id: 1 }, { item_id: 2 }]);
      assert.ok(result.notes.some((n) => n.kind === 'conflict' && n.object === 'public.item_master' && n.message.includes('Bolt | BOLT')));
      // One model: merged, and the items that pointed at the duplicate point at the one kept.
      assert.deepEqual((await db.query('SELECT model_id FROM public.item_master ORDER BY item_id')).rows, [{ model_id: 1 }, { model_id: 1 }]);
      assert.deepEqual((await db.query('SELECT model_id FROM public.model_master')).rows, [{ model_id: 1 }]);
      // Merging the colours would make two variants one: both kept, the second renamed, and reported.
      assert.deepEqual((await db.query('SELECT color_id, color_name FROM public.color_master ORDER BY 1')).rows, [
        { color_id: 1, color_name: 'Black' },
        { color_id: 2, color_name: 'BLACK (2)' },
      ]);
      assert.ok(result.notes.some((n) => n.kind === 'conflict' && n.object === 'public.color_master' && /not merged \(duplicate key value/.test(n.message)));
      await assert.rejects(db.exec(`INSERT INTO public.color_master (color_id, color_name) VALUES (99, 'black')`), /color_master_name_key/);
    },
  },
];

/** The scenario's database, its setup done, and open. */
async function scenarioDatabase(backend: Backend, legacy: LegacyTemplates, s: Scenario): Promise<{ t: TestDatabase; db: Database }> {
  const t = s.legacy === null ? await backend.create() : await legacy.database({ data: s.legacy.data });
  let db: Database | undefined;
  try {
    db = await t.open();
    if (s.setup) await db.exec(s.setup);
    if (s.reopen) {
      await db.close();
      db = undefined;
      db = await t.open();
    }
    return { t, db };
  } catch (err) {
    await db?.close();
    await t.drop();
    throw err;
  }
}

for (const backend of backends) {
  describe(`adopt on ${backend.name}`, { skip: backend.skip }, () => {
    // The legacy fixture is loaded once per kind, and each test's database is a copy.
    const legacy = legacyTemplates(backend);
    after(() => legacy.drop());

    for (const s of scenarios) {
      test(`${s.name}: a dry run changes nothing; adoption loses no row, verifies clean, and a second run finds nothing to do`, async () => {
        const { t, db } = await scenarioDatabase(backend, legacy, s);
        try {
          const initial = await snapshot(db);
          const initialKeys = await integerKeys(db);
          const dry = await run(db, true, s.options);
          assert.equal(dry.dryRun, true);
          assert.ok(dry.actions.length > 0, 'a dry run still reports what it would do');
          assert.deepEqual(await snapshot(db), initial, 'the dry run changed the database');

          const result = await run(db, false, s.options);
          assert.deepEqual(dry.timeZone, result.timeZone, 'the dry run names the zone adoption then used');
          assert.deepEqual(
            result.actions.map((a) => a.sql),
            dry.actions.map((a) => a.sql),
            'the dry run reported exactly what adoption then did',
          );
          assert.deepEqual(await drift(db), [], 'verify is clean');
          await assertNothingLost(db, initial, initialKeys);
          await s.check?.(db, result);

          const afterAdopt = await snapshot(db);
          const again = await run(db);
          assert.deepEqual(again.actions, [], 'a second run does something');
          assert.deepEqual(await snapshot(db), afterAdopt, 'a second run changed the database');
        } finally {
          await db.close();
          await t.drop();
        }
      });
    }

    test('a database an older MTC adopted (before it declared purchasing: the old purchasing left unmanaged), adopted again: the old purchasing is taken in, no longer recorded as unmanaged, nothing lost, verify clean', async () => {
      // The older MTC: migrations up to 0015, its declared schema theirs.
      const early = plan.order.filter((m) => m.id < '0016');
      const earlyPlan = planMigrations(early);
      const scratch = await openScratchDatabase();
      let earlyTarget: SchemaModel;
      try {
        for (const m of early) await scratch.exec(m.text.replaceAll('CONCURRENTLY', ''));
        earlyTarget = await inspect(scratch);
      } finally {
        await scratch.close();
      }
      const t = await legacy.database({ data: true });
      const db = await t.open();
      try {
        const first = await adopt(db, earlyPlan, { target: earlyTarget, mapping });
        for (const old of ['purchase_orders', 'purchase_order_items', 'stock_receipts', 'stock_entries'])
          assert.ok(first.unmanaged.includes(`public.${old}`), `the older MTC leaves ${old} unmanaged`);
        const initial = await snapshot(db);
        const initialKeys = await integerKeys(db);
        const archived = Number((await db.query<{ n: string }>(`SELECT coalesce(max(id), 0)::text AS n FROM ${ARCHIVE_TABLE}`)).rows[0]!.n);

        const result = await run(db);
        assert.deepEqual(
          result.adopted,
          plan.order.filter((m) => m.id >= '0016').map((m) => m.id),
        );
        assert.deepEqual(await drift(db), [], 'verify is clean');
        await assertNothingLost(db, initial, initialKeys, archived);
        for (const old of ['purchase_orders', 'purchase_order_items', 'stock_receipts', 'stock_entries', 'purchase_orders_po_id_seq']) {
          assert.ok(!result.unmanaged.includes(`public.${old}`), `${old} is still listed as unmanaged`);
          assert.ok(!(await readUnmanaged(db)).includes(`public.${old}`), `${old} is still recorded as unmanaged`);
        }
        const counts = (
          await db.query(
            `SELECT (SELECT count(*) FROM public.purchase_orders)::int AS orders, (SELECT count(*) FROM public.purchase_order_lines)::int AS lines,
                    (SELECT count(*) FROM public.goods_receipts)::int AS receipts, (SELECT count(*) FROM public.goods_receipt_lines)::int AS receipt_lines,
                    (SELECT count(*) FROM public.item_variant WHERE stock_value IS NOT NULL)::int AS valued,
                    (SELECT count(*) FROM public.item_variant v WHERE v.stock <> (SELECT coalesce(sum(quantity), 0) FROM public.inventory_transactions x WHERE x.variant_id = v.variant_id))::int AS unbalanced`,
          )
        ).rows;
        assert.deepEqual(counts, [{ orders: 3, lines: 6, receipts: 3, receipt_lines: 3, valued: 2, unbalanced: 0 }]);
        const afterAdopt = await snapshot(db);
        assert.deepEqual((await run(db)).actions, [], 'a third run does something');
        assert.deepEqual(await snapshot(db), afterAdopt);
      } finally {
        await db.close();
        await t.drop();
      }
    });

    describe('when adoption cannot go on, nothing is changed', () => {
      let t: TestDatabase;
      let db: Database;
      before(async () => {
        t = await legacy.database({ data: false });
        db = await t.open();
        await db.exec(`INSERT INTO public.processes (id, name) VALUES (1, 'P')`);
      });
      after(async () => {
        await db?.close();
        await t?.drop();
      });

      const cases: { name: string; setup: string; undo: string; options?: Partial<AdoptOptions>; code: string; message: RegExp }[] = [
        {
          name: 'a lot status that maps to no canonical value',
          setup: `ALTER TABLE public.production_lots DROP CONSTRAINT production_lots_status_check; INSERT INTO public.production_lots (lot_number, process_id, quantity, status) VALUES ('B-1', 1, 1, 'On Hold')`,
          undo: `DELETE FROM public.production_lots`,
          code: 'ADOPT_UNMAPPED_VALUE',
          message: /public\.production_lots\.status: 'On Hold' \(1 row\) match none of planning/,
        },
        {
          name: 'two users whose emails differ only in case',
          setup: `INSERT INTO public.users (user_id, name, email) VALUES (1, 'A', 'ann@example.com'), (2, 'B', 'Ann@Example.com')`,
          undo: `DELETE FROM public.users`,
          code: 'ADOPT_CONFLICT',
          message: /ann@example\.com \(user 1\), Ann@Example\.com \(user 2\)/,
        },
        {
          name: 'a value longer than the declared column allows',
          setup: `ALTER TABLE public.users ALTER COLUMN name TYPE varchar(400); INSERT INTO public.users (user_id, name, email) VALUES (3, repeat('x', 200), 'x@example.com')`,
          undo: `DELETE FROM public.users; ALTER TABLE public.users ALTER COLUMN name TYPE varchar(150)`,
          code: 'ADOPT_WOULD_LOSE_DATA',
          message: /public\.users\.name: 1 value\(s\) would not survive the change from character varying\(400\) to character varying\(150\)/,
        },
        {
          name: 'a value that does not convert to the declared type at all',
          setup: `CREATE TABLE public.import_jobs (id serial PRIMARY KEY, import_id text NOT NULL, kind text NOT NULL); INSERT INTO public.import_jobs (import_id, kind) VALUES ('job-42', 'items')`,
          undo: `DROP TABLE public.import_jobs`,
          code: 'ADOPT_WOULD_LOSE_DATA',
          message: /public\.import_jobs\.import_id: some \(.*uuid.*\) value\(s\) would not survive the change from text to uuid/,
        },
        {
          name: 'a time without a zone that does not exist in the zone it is read in (the clocks skipped it)',
          setup: `UPDATE public.processes SET created_at = '2025-03-30 02:30:00' WHERE id = 1`,
          undo: `UPDATE public.processes SET created_at = '2025-01-01 00:00:00' WHERE id = 1`,
          options: { timeZone: 'Europe/Berlin' },
          code: 'ADOPT_WOULD_LOSE_DATA',
          message:
            /public\.processes\.created_at: 1 value\(s\) would not survive the change from timestamp without time zone to timestamp with time zone read as Europe\/Berlin time \(a time the clocks skipped there does not exist\)/,
        },
        {
          name: 'a row the declared constraints reject',
          setup: `INSERT INTO public.production_lots (lot_number, process_id, quantity) VALUES ('Z-1', 1, 0)`,
          undo: `DELETE FROM public.production_lots`,
          code: 'ADOPT_STEP_FAILED',
          message:
            /production_lots_quantity_check[\s\S]*PostgreSQL: check constraint "production_lots_quantity_check" of relation "production_lots" is violated by some row/,
        },
        {
          name: 'an old stock receipt whose supplier nothing names (not the receipt, its entries or its order)',
          setup: `INSERT INTO public.stock_receipts (receipt_id, receipt_number) VALUES (9, 'R-9'), (10, 'R-10')`,
          undo: `DELETE FROM public.stock_receipts`,
          code: 'ADOPT_UNMAPPABLE_ROWS',
          message: /public\.stock_receipts receipt_id 9, 10: no supplier \(neither the receipt, its entries nor its order name one\)/,
        },
        {
          name: 'an old order line of quantity 0',
          setup: `INSERT INTO public.suppliers (supplier_id, firm_name) VALUES (3, 'S'); INSERT INTO public.color_master VALUES (1, 'Black'); INSERT INTO public.size_master VALUES (1, 'M');
            INSERT INTO public.item_master (item_id, name) VALUES (1, 'Bolt'); INSERT INTO public.item_variant (variant_id, item_id, color_id, size_id) VALUES (1, 1, 1, 1);
            INSERT INTO public.purchase_orders (po_id, po_number, supplier_id) VALUES (1, 'PO-1', 3);
            INSERT INTO public.purchase_order_items (po_item_id, po_id, variant_id, quantity, rate) VALUES (1, 1, 1, 5, 2), (2, 1, 1, 0, 2)`,
          undo: `DELETE FROM public.purchase_orders; DELETE FROM public.item_variant; DELETE FROM public.item_master; DELETE FROM public.color_master; DELETE FROM public.size_master; DELETE FROM public.suppliers`,
          code: 'ADOPT_UNMAPPABLE_ROWS',
          message:
            /public\.purchase_order_items po_item_id 2: a quantity of 0 or less, which an order line cannot have; correct them, then run mtc adopt again/,
        },
        {
          name: 'an old stock entry that added nothing',
          setup: `INSERT INTO public.suppliers (supplier_id, firm_name) VALUES (3, 'S'); INSERT INTO public.color_master VALUES (1, 'Black'); INSERT INTO public.size_master VALUES (1, 'M');
            INSERT INTO public.item_master (item_id, name) VALUES (1, 'Bolt'); INSERT INTO public.item_variant (variant_id, item_id, color_id, size_id) VALUES (1, 1, 1, 1);
            INSERT INTO public.stock_entries (entry_id, variant_id, supplier_id, quantity_added) VALUES (4, 1, 3, 0)`,
          undo: `DELETE FROM public.stock_entries; DELETE FROM public.item_variant; DELETE FROM public.item_master; DELETE FROM public.color_master; DELETE FROM public.size_master; DELETE FROM public.suppliers`,
          code: 'ADOPT_UNMAPPABLE_ROWS',
          message: /public\.stock_entries entry_id 4: a quantity_added of 0/,
        },
        {
          name: 'a NULL where the declared schema requires a value and has no default',
          setup: `ALTER TABLE public.production_lots ALTER COLUMN quantity DROP NOT NULL; INSERT INTO public.production_lots (lot_number, process_id, quantity) VALUES ('N-1', 1, NULL)`,
          undo: `DELETE FROM public.production_lots; ALTER TABLE public.production_lots ALTER COLUMN quantity SET NOT NULL`,
          code: 'ADOPT_NULLS',
          message: /public\.production_lots\.quantity: 1 row\(s\) hold NULL/,
        },
      ];
      test('a result that would not match the declared schema: ADOPT_INCOMPLETE, and the database is as it was', async () => {
        const initial = await snapshot(db);
        const careless = {
          ...mapping,
          complete: async (ctx: AdoptContext) => void (await ctx.run('DROP INDEX public.idx_item_master_category', 'a mapping that breaks what it should not')),
        };
        await assert.rejects(adopt(db, plan, { target, mapping: careless }), (err: unknown) => {
          assert.ok(err instanceof MtcError, String(err));
          assert.equal(err.code, 'ADOPT_INCOMPLETE');
          assert.match(err.message, /missing index public\.item_master\.idx_item_master_category/);
          return true;
        });
        assert.deepEqual(await snapshot(db), initial);
      });

      for (const c of cases) {
        test(`${c.name}: ${c.code}, and the database is as it was`, async () => {
          await db.exec(c.setup);
          try {
            const initial = await snapshot(db);
            await assert.rejects(run(db, false, c.options), (err: unknown) => {
              assert.ok(err instanceof MtcError, String(err));
              assert.equal(err.code, c.code);
              assert.match(err.message, c.message);
              return true;
            });
            assert.deepEqual(await snapshot(db), initial);
            assert.equal(await hasTable(db, 'public.mtc_schema_history'), false);
          } finally {
            await db.exec(c.undo);
          }
        });
      }
    });
  });
}
