import type { AdoptContext, AdoptMapping } from '../../schema/adopt/types.ts';
import { MtcError } from '../../schema/errors.ts';
import { quoteIdent } from '../../schema/catalog/render.ts';
import { sqlLiteral } from '../../schema/migrations/ledger.ts';

/**
 * What MTC knows about the databases the old Python application left: how their data maps
 * onto MTC's schema. Every step looks for the shape it handles and does nothing when it is
 * not there, so the same mapping serves the legacy database, its partial variants, and a
 * database already adopted (where it finds nothing to do).
 */
export interface LegacyMappingOptions {
  /** ISO 4217 code for legacy rates, which carry none (the old application priced in one currency). */
  currency: string;
}

/** Columns the old schema kept under another name: [table, old name, MTC's name]. */
const RENAMED_COLUMNS: readonly [string, string, string][] = [
  ['item_variant', 'opening_stock', 'stock'],
  ['item_variant', 'threshold', 'reorder_threshold'],
  ['process_subprocesses', 'sequence', 'sequence_order'],
  ['production_lots', 'total_cost', 'actual_cost'],
  ['cost_items', 'amount', 'rate'],
  ['subprocesses', 'labor_cost', 'labour_cost'],
];

interface ValueMap {
  table: string;
  column: string;
  canonical: readonly string[];
  /** Other spellings (after lower-casing, trimming, and spaces or dashes made underscores). */
  aliases: Readonly<Record<string, string>>;
  /** For values nothing maps: a value to give them (reported), or none to stop adoption. */
  fallback?: string;
}

const VALUE_MAPS: readonly ValueMap[] = [
  {
    table: 'production_lots',
    column: 'status',
    canonical: ['planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'],
    aliases: { planned: 'planning', plan: 'planning', inprogress: 'in_progress', started: 'in_progress', running: 'in_progress', complete: 'completed', done: 'completed', canceled: 'cancelled' },
  },
  { table: 'processes', column: 'status', canonical: ['draft', 'active', 'archived'], aliases: { inactive: 'archived' } },
  // The old application had one kind of user; the least privilege is the safe reading.
  { table: 'users', column: 'role', canonical: ['admin', 'planner', 'operator', 'viewer'], aliases: { administrator: 'admin', user: 'viewer' }, fallback: 'viewer' },
  { table: 'cost_items', column: 'cost_type', canonical: ['labour', 'overhead', 'electricity', 'maintenance', 'service', 'packing', 'transport', 'other'], aliases: { labor: 'labour' } },
  { table: 'import_jobs', column: 'status', canonical: ['pending', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'], aliases: { queued: 'pending' } },
  {
    table: 'inventory_transactions',
    column: 'transaction_type',
    canonical: ['opening', 'receipt', 'issue', 'production', 'adjustment'],
    aliases: { debit: 'issue', credit: 'receipt' },
  },
];

/** Master tables whose names are unique whatever their case: [table, key, name column]. */
const MASTERS: readonly [string, string, string][] = [
  ['color_master', 'color_id', 'color_name'],
  ['size_master', 'size_id', 'size_name'],
  ['model_master', 'model_id', 'model_name'],
  ['variation_master', 'variation_id', 'variation_name'],
];

/** MTC's adoption mapping for the old application's databases. */
export function legacyMapping(options: LegacyMappingOptions): AdoptMapping {
  if (!/^[A-Z]{3}$/.test(options.currency)) throw new MtcError('INVALID_CURRENCY', `--currency ${options.currency}: expected a three-letter ISO 4217 code such as INR or EUR`, 'usage');
  return {
    async prepare(ctx) {
      for (const [table, from, to] of RENAMED_COLUMNS) await renameColumn(ctx, table, from, to);
      await softDeleteFlagAsTimestamp(ctx);
      await signLegacyLedgerQuantities(ctx);
      for (const map of VALUE_MAPS) await mapValues(ctx, map);
      for (const [table, key, name] of MASTERS) await mergeCaseDuplicates(ctx, table, key, name);
      await reportCaseOnlyNames(ctx, 'item_master', 'item_id', 'name');
      await reportCaseOnlyNames(ctx, 'suppliers', 'supplier_id', 'firm_name');
      await refuseCaseOnlyEmails(ctx);
    },
    async complete(ctx) {
      await categoryFromLegacyMaster(ctx);
      await ratesPerVariant(ctx, options.currency);
      await openingBalances(ctx);
      await lotNumbersAfterLegacyOnes(ctx);
    },
  };
}

async function renameColumn(ctx: AdoptContext, table: string, from: string, to: string): Promise<void> {
  if (!await ctx.hasColumn(table, from) || await ctx.hasColumn(table, to)) return;
  ctx.note({ kind: 'mapped', object: `public.${table}.${from}`, message: `is MTC's ${to}` });
  await ctx.run(`ALTER TABLE public.${table} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`, `${table}.${from} holds what MTC calls ${to}`);
}

/** subprocesses.is_deleted (a flag) becomes deleted_at (when), as everywhere else in MTC. */
async function softDeleteFlagAsTimestamp(ctx: AdoptContext): Promise<void> {
  if (!await ctx.hasColumn('subprocesses', 'is_deleted')) return;
  if (!await ctx.hasColumn('subprocesses', 'deleted_at')) await ctx.run('ALTER TABLE public.subprocesses ADD COLUMN deleted_at timestamp with time zone', 'soft delete is a timestamp in MTC');
  const when = await ctx.hasColumn('subprocesses', 'updated_at') ? 'coalesce(updated_at::timestamptz, now())' : 'now()';
  const n = await ctx.run(`UPDATE public.subprocesses SET deleted_at = ${when} WHERE is_deleted AND deleted_at IS NULL`, 'subprocesses marked deleted keep their state as deleted_at');
  if (n > 0) ctx.note({ kind: 'mapped', object: 'public.subprocesses.is_deleted', message: `${n} deleted subprocess(es): deleted_at set to their last update` });
  await ctx.run('ALTER TABLE public.subprocesses DROP COLUMN is_deleted', 'its data now lives in deleted_at');
}

/** The SQL that spells a value the way `map` expects it before the alias lookup. */
const folded = (col: string) => `regexp_replace(lower(btrim(${col})), '[[:space:]-]+', '_', 'g')`;

/**
 * Puts a column's values into their canonical spelling. Check constraints on the column that
 * the declared schema does not have are dropped first (the declared ones come back with the
 * structure). A value that maps to nothing stops adoption, naming it, unless the map has a
 * fallback.
 */
async function mapValues(ctx: AdoptContext, map: ValueMap): Promise<void> {
  if (!await ctx.hasColumn(map.table, map.column)) return;
  const table = `public.${map.table}`;
  const col = quoteIdent(map.column);
  const canonical = new Set(map.canonical);
  const found = await ctx.select<{ value: string; folded: string; n: string }>(
    `SELECT ${col}::text AS value, ${folded(col)} AS folded, count(*)::text AS n FROM ${table} WHERE ${col} IS NOT NULL GROUP BY 1, 2 ORDER BY 1`,
  );
  const changes = found
    .filter((r) => !canonical.has(r.value))
    .map((r) => {
      const to = canonical.has(r.folded) ? r.folded : (map.aliases[r.folded] ?? map.aliases[r.folded.replace(/_/g, '')] ?? map.fallback);
      return { ...r, to };
    });
  if (changes.length === 0) return;
  const unknown = changes.filter((c) => c.to === undefined);
  if (unknown.length > 0) {
    const list = unknown.map((u) => `'${u.value}' (${u.n} row${u.n === '1' ? '' : 's'})`).join(', ');
    throw new MtcError('ADOPT_UNMAPPED_VALUE', `${table}.${map.column}: ${list} match none of ${map.canonical.join(', ')}; correct them, then run mtc adopt again`, 'state', {
      table,
      column: map.column,
      values: unknown.map((u) => u.value),
    });
  }
  const declared = ctx.target.tables.find((t) => t.schema === 'public' && t.name === map.table);
  const live = ctx.live.tables.find((t) => t.schema === 'public' && t.name === map.table);
  for (const check of live?.constraints ?? []) {
    if (check.kind !== 'check' || !check.columns.includes(map.column)) continue;
    if (declared?.constraints.some((d) => d.name === check.name && d.definition === check.definition)) continue;
    await ctx.run(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(check.name)}`, `${check.name} allows only the old spellings of ${map.column}`);
  }
  const cases = changes.map((c) => `WHEN ${sqlLiteral(c.value)} THEN ${sqlLiteral(c.to!)}`).join(' ');
  const n = await ctx.run(
    `UPDATE ${table} SET ${col} = CASE ${col}::text ${cases} END WHERE ${col}::text IN (${changes.map((c) => sqlLiteral(c.value)).join(', ')})`,
    `${map.table}.${map.column} in MTC's spelling`,
  );
  const how = changes.map((c) => `'${c.value}' → '${c.to}' (${c.n})`).join(', ');
  ctx.note({ kind: 'mapped', object: `${table}.${map.column}`, message: `${n} value(s) respelled: ${how}` });
}

/**
 * In MTC's stock ledger a quantity going out is negative. The old one spelled direction in
 * the type (Debit, Production): rows of those types still in an old spelling go out. Rows
 * already in MTC's spelling are MTC's own and left alone.
 */
async function signLegacyLedgerQuantities(ctx: AdoptContext): Promise<void> {
  if (!(await ctx.hasColumn('inventory_transactions', 'transaction_type')) || !(await ctx.hasColumn('inventory_transactions', 'quantity'))) return;
  const canonical = ['opening', 'receipt', 'issue', 'production', 'adjustment'].map(sqlLiteral).join(', ');
  const n = await ctx.run(
    `UPDATE public.inventory_transactions SET quantity = -quantity
      WHERE transaction_type::text NOT IN (${canonical}) AND ${folded('transaction_type')} IN ('debit', 'issue', 'production') AND quantity > 0`,
    'stock going out (issues, production) is a negative quantity in the ledger',
  );
  if (n > 0) ctx.note({ kind: 'mapped', object: 'public.inventory_transactions.quantity', message: `${n} outgoing movement(s) made negative` });
}

/** The foreign keys (table, column) that point at `table`(`key`), from the live catalog. */
function referencesTo(ctx: AdoptContext, table: string, key: string): [string, string][] {
  const refs: [string, string][] = [];
  for (const t of ctx.live.tables)
    for (const c of t.constraints)
      if (c.kind === 'foreign key' && c.references?.schema === 'public' && c.references.table === table && c.references.columns.length === 1 && c.references.columns[0] === key)
        refs.push([`${t.schema}.${t.name}`, c.columns[0]!]);
  return refs;
}

/**
 * Master rows whose names are equal whatever their case ("Black", "BLACK") are one value: the
 * lowest key stays, every reference to the others is re-pointed to it, and the others are
 * moved to the archive. Where re-pointing would make two rows of another table one (two
 * variants of an item, one in "Black" and one in "BLACK", of the same size), the group is
 * not merged: the others are renamed (their key appended) and reported, for a person to judge.
 */
async function mergeCaseDuplicates(ctx: AdoptContext, table: string, key: string, name: string): Promise<void> {
  if (!(await ctx.hasColumn(table, key)) || !(await ctx.hasColumn(table, name))) return;
  const t = `public.${table}`;
  const [k, nm] = [quoteIdent(key), quoteIdent(name)];
  const groups = await ctx.select<{ names: string; keys: number[] }>(
    `SELECT string_agg(${nm}, ' | ' ORDER BY ${k}) AS names, array_agg(${k} ORDER BY ${k}) AS keys FROM ${t} GROUP BY lower(${nm}) HAVING count(*) > 1 ORDER BY min(${k})`,
  );
  const refs = referencesTo(ctx, table, key);
  for (const g of groups) {
    const keys = g.keys.map(Number);
    const [keep, ...dups] = keys as [number, ...number[]];
    const list = dups.join(', ');
    const failed = await ctx.attempt(async () => {
      for (const [child, column] of refs) {
        const [schema, rel] = child.split('.') as [string, string];
        await ctx.run(
          `UPDATE ${quoteIdent(schema)}.${quoteIdent(rel)} SET ${quoteIdent(column)} = ${keep} WHERE ${quoteIdent(column)} IN (${list})`,
          `${child}.${column}: references to ${table} ${list} now point at ${keep}, the same name`,
        );
      }
      await ctx.archive(table, `t.${k} IN (${list})`, String(keep), `${table}: the same name as ${keep} whatever its case`);
    });
    if (!failed) {
      ctx.note({ kind: 'conflict', object: t, message: `the same name whatever its case: ${g.names} (keys ${keys.join(', ')}); merged into ${keep}, the others archived` });
      continue;
    }
    const why = failed.message.split('PostgreSQL: ')[1]?.replace(/\n\s*/g, ' ') ?? failed.message;
    await ctx.run(
      `UPDATE ${t} SET ${nm} = ${nm} || ' (' || ${k} || ')' WHERE ${k} IN (${list})`,
      `${table} ${list}: the same name as ${keep} whatever its case, but merging them would merge rows that differ; renamed`,
    );
    ctx.note({ kind: 'conflict', object: t, message: `the same name whatever its case: ${g.names} (keys ${keys.join(', ')}); not merged (${why}): the others renamed "<name> (<key>)"` });
  }
}

/** Names that differ only in case where MTC allows it (items, suppliers): kept, and reported for a person to judge. */
async function reportCaseOnlyNames(ctx: AdoptContext, table: string, key: string, name: string): Promise<void> {
  if (!await ctx.hasColumn(table, key) || !await ctx.hasColumn(table, name)) return;
  const [k, nm] = [quoteIdent(key), quoteIdent(name)];
  const groups = await ctx.select<{ names: string; keys: string }>(
    `SELECT string_agg(${nm}, ' | ' ORDER BY ${k}) AS names, string_agg(${k}::text, ', ' ORDER BY ${k}) AS keys FROM public.${table} GROUP BY lower(${nm}) HAVING count(DISTINCT ${nm}) > 1 ORDER BY min(${k})`,
  );
  for (const g of groups) ctx.note({ kind: 'conflict', object: `public.${table}`, message: `names differ only in case: ${g.names} (keys ${g.keys}); kept both: merge them by hand if they are one` });
}

/** MTC has one account per address whatever its case; two such users cannot be merged by a rule. */
async function refuseCaseOnlyEmails(ctx: AdoptContext): Promise<void> {
  if (!await ctx.hasColumn('users', 'email') || !await ctx.hasColumn('users', 'user_id')) return;
  const clashes = await ctx.select<{ emails: string }>(
    `SELECT string_agg(email || ' (user ' || user_id || ')', ', ' ORDER BY user_id) AS emails FROM public.users GROUP BY lower(email) HAVING count(*) > 1`,
  );
  if (clashes.length === 0) return;
  throw new MtcError(
    'ADOPT_CONFLICT',
    `users share an email address that differs only in case: ${clashes.map((c) => c.emails).join('; ')}. Decide which account stays (and re-point what the other created), then run mtc adopt again`,
    'state',
    { clashes: clashes.map((c) => c.emails) },
  );
}

/** The old item_category_master held categories by key; MTC keeps the category's name on the item. */
async function categoryFromLegacyMaster(ctx: AdoptContext): Promise<void> {
  if (!await ctx.hasColumn('item_master', 'item_category_id') || !await ctx.hasColumn('item_category_master', 'item_category_name')) return;
  const n = await ctx.run(
    `UPDATE public.item_master i SET category = m.item_category_name FROM public.item_category_master m
      WHERE m.item_category_id = i.item_category_id AND i.category IS DISTINCT FROM m.item_category_name AND i.category IS NULL`,
    'item categories by name, as MTC keeps them',
  );
  if (n > 0) ctx.note({ kind: 'mapped', object: 'public.item_master.category', message: `${n} item(s) took their category's name from item_category_master` });
}

/**
 * The old application priced an item, not a variant: each positive rate in supplier_item_rates
 * becomes a rate of every live variant of that item (the legacy table stays as it was).
 * Rates of zero or less, and items without variants, carry no price and are reported.
 */
async function ratesPerVariant(ctx: AdoptContext, currency: string): Promise<void> {
  if (!(await ctx.hasColumn('supplier_item_rates', 'supplier_id') && await ctx.hasColumn('supplier_item_rates', 'item_id') && await ctx.hasColumn('supplier_item_rates', 'rate'))) return;
  const n = await ctx.run(
    `INSERT INTO public.variant_supplier_pricing (supplier_id, variant_id, cost_per_unit, currency, effective_from, is_active)
     SELECT r.supplier_id, v.variant_id, r.rate, $1, CURRENT_DATE, true
       FROM public.supplier_item_rates r JOIN public.item_variant v ON v.item_id = r.item_id AND v.deleted_at IS NULL
      WHERE r.rate > 0 AND NOT EXISTS (SELECT 1 FROM public.variant_supplier_pricing p
                                        WHERE p.supplier_id = r.supplier_id AND p.variant_id = v.variant_id AND p.cost_per_unit = r.rate)`,
    `item rates from supplier_item_rates as rates of each variant (${currency})`,
    [currency],
  );
  if (n > 0) ctx.note({ kind: 'mapped', object: 'public.supplier_item_rates', message: `${n} variant rate(s) made from the item rates, in ${currency}` });
  const [idle] = await ctx.select<{ n: string }>(
    `SELECT count(*)::text AS n FROM public.supplier_item_rates r
      WHERE r.rate <= 0 OR NOT EXISTS (SELECT 1 FROM public.item_variant v WHERE v.item_id = r.item_id AND v.deleted_at IS NULL)`,
  );
  if (idle && idle.n !== '0') ctx.note({ kind: 'kept', object: 'public.supplier_item_rates', message: `${idle.n} rate(s) carry no price (zero, or an item without variants): left only in supplier_item_rates` });
}

/** The stock ledger must add up to the stock: what the old database held becomes one opening entry per variant. */
async function openingBalances(ctx: AdoptContext): Promise<void> {
  const n = await ctx.run(
    `INSERT INTO public.inventory_transactions (variant_id, transaction_type, quantity, unit, notes)
     SELECT v.variant_id, 'opening', v.stock - coalesce(s.total, 0), v.unit, 'opening balance: the stock the database held when mtc adopt took it over'
       FROM public.item_variant v
       LEFT JOIN (SELECT variant_id, sum(quantity) AS total FROM public.inventory_transactions GROUP BY variant_id) s USING (variant_id)
      WHERE v.stock <> coalesce(s.total, 0)`,
    'opening balances, so that the stock ledger adds up to each variant’s stock',
  );
  if (n > 0) ctx.note({ kind: 'mapped', object: 'public.inventory_transactions', message: `${n} opening balance(s) entered for the stock held` });
}

/** New lot numbers continue after the old application's, so one made today cannot repeat one it made today. */
async function lotNumbersAfterLegacyOnes(ctx: AdoptContext): Promise<void> {
  const [row] = await ctx.select<{ highest: string | null; last: string; called: boolean }>(
    `SELECT (SELECT max(substring(lot_number FROM '^LOT-[0-9]{8}-([0-9]+)$')::bigint) FROM public.production_lots)::text AS highest,
            last_value::text AS last, is_called AS called FROM public.production_lot_number_seq`,
  );
  if (!row || row.highest === null) return;
  const next = BigInt(row.called ? row.last : BigInt(row.last) - 1n);
  if (BigInt(row.highest) <= next) return;
  await ctx.run(`SELECT setval('public.production_lot_number_seq', ${row.highest})`, 'lot numbers continue after the highest one the old application gave');
}
