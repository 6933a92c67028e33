import type { AdoptContext, AdoptMapping } from '../../schema/adopt/types.ts';
import { conversion } from '../../schema/catalog/diff.ts';
import { quoteIdent } from '../../schema/catalog/render.ts';
import { MtcError } from '../../errors.ts';
import { sqlLiteral } from '../../schema/migrations/ledger.ts';
import { FINAL_STATUSES, IMPORT_STATUSES } from '../imports/status.ts';
import { LOT_STATUSES } from '../lots/status.ts';
import { folded, numbersAfterLegacyOnes, respelled, spellings } from './common.ts';
import type { ValueMap } from './common.ts';
import { dropLegacyPurchasing, movePurchasingAside, takeInPurchasing, valueStockFromReceipts } from './purchasing.ts';
import { ROLES } from '../access/roles.ts';
import { COST_TYPES, PROCESS_STATUSES } from '../processes/tree.ts';

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

/** The stock ledger's types in MTC (migration 0017 added output and revaluation): rows already so spelt are MTC's own. */
const LEDGER_TYPES = ['opening', 'receipt', 'issue', 'production', 'adjustment', 'output', 'revaluation'] as const;

const VALUE_MAPS: readonly ValueMap[] = [
  {
    table: 'production_lots',
    column: 'status',
    canonical: LOT_STATUSES,
    aliases: {
      planned: 'planning',
      plan: 'planning',
      inprogress: 'in_progress',
      started: 'in_progress',
      running: 'in_progress',
      complete: 'completed',
      done: 'completed',
      canceled: 'cancelled',
    },
  },
  { table: 'processes', column: 'status', canonical: PROCESS_STATUSES, aliases: { inactive: 'archived' } },
  // The old application had one kind of user; the least privilege is the safe reading.
  {
    table: 'users',
    column: 'role',
    canonical: ROLES,
    aliases: { administrator: 'admin', user: 'viewer' },
    fallback: 'viewer',
  },
  {
    table: 'cost_items',
    column: 'cost_type',
    canonical: COST_TYPES,
    aliases: { labor: 'labour' },
  },
  {
    table: 'inventory_transactions',
    column: 'transaction_type',
    canonical: LEDGER_TYPES,
    aliases: { debit: 'issue', credit: 'receipt' },
  },
];

/**
 * Import job statuses. The old application capitalised its statuses ('Completed', 'In
 * Progress', 'Failed'); the scripts that kept import_jobs wrote whatever their author liked.
 * Mapped apart from VALUE_MAPS: what a legacy job becomes depends on more than its spelling.
 */
const IMPORT_JOB_STATUS: ValueMap = {
  table: 'import_jobs',
  column: 'status',
  canonical: IMPORT_STATUSES,
  aliases: {
    queued: 'pending',
    waiting: 'pending',
    new: 'pending',
    processing: 'running',
    in_progress: 'running',
    started: 'running',
    importing: 'running',
    complete: 'completed',
    done: 'completed',
    finished: 'completed',
    success: 'completed',
    succeeded: 'completed',
    successful: 'completed',
    completed_with_error: 'completed_with_errors',
    partial: 'completed_with_errors',
    partially_completed: 'completed_with_errors',
    partial_success: 'completed_with_errors',
    error: 'failed',
    errored: 'failed',
    failure: 'failed',
    canceled: 'cancelled',
  },
};

/** Master tables whose names are unique whatever their case: [table, key, name column]. */
const MASTERS: readonly [string, string, string][] = [
  ['color_master', 'color_id', 'color_name'],
  ['size_master', 'size_id', 'size_name'],
  ['model_master', 'model_id', 'model_name'],
  ['variation_master', 'variation_id', 'variation_name'],
];

/** MTC's adoption mapping for the old application's databases. */
export function legacyMapping(options: LegacyMappingOptions): AdoptMapping {
  if (!/^[A-Z]{3}$/.test(options.currency))
    throw new MtcError('INVALID_CURRENCY', `--currency ${options.currency}: expected a three-letter ISO 4217 code such as INR or EUR`, 'usage');
  return {
    async prepare(ctx) {
      for (const [table, from, to] of RENAMED_COLUMNS) await renameColumn(ctx, table, from, to);
      await softDeleteFlagAsTimestamp(ctx);
      await signLegacyLedgerQuantities(ctx);
      for (const map of VALUE_MAPS) await mapValues(ctx, map);
      await legacyImportJobs(ctx);
      for (const [table, key, name] of MASTERS) await mergeCaseDuplicates(ctx, table, key, name);
      await reportCaseOnlyNames(ctx, 'item_master', 'item_id', 'name');
      await reportCaseOnlyNames(ctx, 'suppliers', 'supplier_id', 'firm_name');
      await refuseCaseOnlyEmails(ctx);
      await movePurchasingAside(ctx);
    },
    async complete(ctx) {
      await categoryFromLegacyMaster(ctx);
      await ratesPerVariant(ctx, options.currency);
      await takeInPurchasing(ctx, options.currency);
      await openingBalances(ctx);
      await valueStockFromReceipts(ctx);
      await dropLegacyPurchasing(ctx);
      await numbersAfterLegacyOnes(ctx, {
        from: 'public.production_lots',
        column: 'lot_number',
        prefix: 'LOT',
        sequence: 'public.production_lot_number_seq',
        what: 'lot numbers',
      });
    },
  };
}

async function renameColumn(ctx: AdoptContext, table: string, from: string, to: string): Promise<void> {
  if (!(await ctx.hasColumn(table, from)) || (await ctx.hasColumn(table, to))) return;
  ctx.note({ kind: 'mapped', object: `public.${table}.${from}`, message: `is MTC's ${to}` });
  await ctx.run(`ALTER TABLE public.${table} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`, `${table}.${from} holds what MTC calls ${to}`);
}

/** subprocesses.is_deleted (a flag) becomes deleted_at (when), as everywhere else in MTC. */
async function softDeleteFlagAsTimestamp(ctx: AdoptContext): Promise<void> {
  if (!(await ctx.hasColumn('subprocesses', 'is_deleted'))) return;
  if (!(await ctx.hasColumn('subprocesses', 'deleted_at')))
    await ctx.run('ALTER TABLE public.subprocesses ADD COLUMN deleted_at timestamp with time zone', 'soft delete is a timestamp in MTC');
  const updated = liveType(ctx, 'subprocesses', 'updated_at');
  const when = updated === undefined ? 'now()' : `coalesce(${conversion('updated_at', updated, 'timestamp with time zone', ctx.timeZone)}, now())`;
  const n = await ctx.quietly('public.subprocesses', () =>
    ctx.run(
      `UPDATE public.subprocesses SET deleted_at = ${when} WHERE is_deleted AND deleted_at IS NULL`,
      'subprocesses marked deleted keep their state as deleted_at',
    ),
  );
  if (n > 0)
    ctx.note({ kind: 'mapped', object: 'public.subprocesses.is_deleted', message: `${n} deleted subprocess(es): deleted_at set to their last update` });
  await ctx.run('ALTER TABLE public.subprocesses DROP COLUMN is_deleted', 'its data now lives in deleted_at');
}

/**
 * Puts a column's values into their canonical spelling. Check constraints on the column that
 * the declared schema does not have are dropped first (the declared ones come back with the
 * structure). A value that maps to nothing stops adoption, naming it, unless the map has a
 * fallback.
 */
async function mapValues(ctx: AdoptContext, map: ValueMap): Promise<void> {
  if (!(await ctx.hasColumn(map.table, map.column))) return;
  const table = `public.${map.table}`;
  const col = quoteIdent(map.column);
  const changes = (await spellings(ctx, map)).filter((r) => r.value !== r.to).map((r) => ({ ...r, to: r.to ?? map.fallback }));
  if (changes.length === 0) return;
  const unknown = changes.filter((c) => c.to === undefined);
  if (unknown.length > 0) {
    const list = unknown.map((u) => `'${u.value}' (${u.n} row${u.n === '1' ? '' : 's'})`).join(', ');
    throw new MtcError(
      'ADOPT_UNMAPPED_VALUE',
      `${table}.${map.column}: ${list} match none of ${map.canonical.join(', ')}; correct them, then run mtc adopt again`,
      'state',
      {
        table,
        column: map.column,
        values: unknown.map((u) => u.value),
      },
    );
  }
  await dropOldChecks(ctx, map);
  const cases = changes.map((c) => `WHEN ${sqlLiteral(c.value)} THEN ${sqlLiteral(c.to!)}`).join(' ');
  const n = await ctx.quietly(table, () =>
    ctx.run(
      `UPDATE ${table} SET ${col} = CASE ${col}::text ${cases} END WHERE ${col}::text IN (${changes.map((c) => sqlLiteral(c.value)).join(', ')})`,
      `${map.table}.${map.column} in MTC's spelling`,
    ),
  );
  ctx.note({ kind: 'mapped', object: `${table}.${map.column}`, message: `${n} value(s) respelled: ${respelled(changes)}` });
}

/** Check constraints on the mapped column that the declared schema does not have (they allow only the old spellings); the declared ones come back with the structure. */
async function dropOldChecks(ctx: AdoptContext, map: ValueMap): Promise<void> {
  const declared = ctx.target.tables.find((t) => t.schema === 'public' && t.name === map.table);
  const live = ctx.live.tables.find((t) => t.schema === 'public' && t.name === map.table);
  for (const check of live?.constraints ?? []) {
    if (check.kind !== 'check' || !check.columns.includes(map.column)) continue;
    if (declared?.constraints.some((d) => d.name === check.name && d.definition === check.definition)) continue;
    await ctx.run(`ALTER TABLE public.${map.table} DROP CONSTRAINT ${quoteIdent(check.name)}`, `${check.name} allows only the old spellings of ${map.column}`);
  }
}

/**
 * A varchar column shorter than its declared type (a longer varchar, or text) is widened to
 * it before longer values are written into it ('completed_with_errors' is 21 characters; a
 * hand-made status column may hold 20). Widening a varchar rewrites nothing.
 */
async function widenToDeclared(ctx: AdoptContext, table: string, column: string): Promise<void> {
  const declared = ctx.target.tables.find((t) => t.schema === 'public' && t.name === table)?.columns.find((c) => c.name === column)?.type;
  const length = (type: string | undefined) =>
    type === 'text' ? Number.POSITIVE_INFINITY : Number(/^character varying\((\d+)\)$/.exec(type ?? '')?.[1] ?? Number.NaN);
  const [have, want] = [length(liveType(ctx, table, column)), length(declared)];
  if (!(have < want)) return;
  await ctx.run(
    `ALTER TABLE public.${table} ALTER COLUMN ${quoteIdent(column)} TYPE ${declared}`,
    `${table}.${column} widened to its declared ${declared} before values are respelled into it`,
  );
}

/** The live type of a column, as format_type prints it, or undefined. */
function liveType(ctx: AdoptContext, table: string, column: string): string | undefined {
  return ctx.live.tables.find((t) => t.schema === 'public' && t.name === table)?.columns.find((c) => c.name === column)?.type;
}

/**
 * Import jobs the old application's scripts kept (the seed report's import_jobs, made by hand:
 * no `kind`, statuses in any spelling, counters that may be empty). Every row stays a job:
 * - its kind is `items`, what the old application imported, where it has none;
 * - its status is respelled; a status nothing maps (or none) makes it `failed`, the old
 *   status kept at the head of its message, and reported for a person to look at;
 * - while import_job_sources does not exist, no job of the table can have its file: one left
 *   pending or running would wait for ever, so it is `failed` as interrupted, saying so;
 * - empty counters are 0, and processed_rows is at least success_count + failure_count;
 * - import_id, user_id and the timestamps are kept (the structure step gives an import_id to
 *   a job without one, and reads the timestamps in the adoption's zone).
 * The table's own triggers do not fire (an updated_at trigger would date every job today).
 */
async function legacyImportJobs(ctx: AdoptContext): Promise<void> {
  const live = ctx.live.tables.find((t) => t.schema === 'public' && t.name === 'import_jobs');
  if (!live) return;
  const table = 'public.import_jobs';
  const [count] = await ctx.select<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  const jobs = count?.n ?? 0;
  // Without the table of MTC's import runner, the jobs are the old application's.
  const runnable = await ctx.hasColumn('import_job_sources', 'import_job_id');

  if (!(await ctx.hasColumn('import_jobs', 'kind')))
    await ctx.run(`ALTER TABLE ${table} ADD COLUMN kind character varying(50)`, 'import jobs have a kind in MTC');
  if (!(await ctx.hasColumn('import_jobs', 'status')))
    await ctx.run(`ALTER TABLE ${table} ADD COLUMN status character varying(30)`, 'import jobs have a status in MTC');
  if (!(await ctx.hasColumn('import_jobs', 'message'))) await ctx.run(`ALTER TABLE ${table} ADD COLUMN message text`, 'import jobs have a message in MTC');
  if (jobs === 0) return;

  await ctx.quietly(table, async () => {
    const kinds = await ctx.run(`UPDATE ${table} SET kind = 'items' WHERE kind IS NULL`, 'the old application imported items: its jobs are of kind items');
    if (kinds > 0)
      ctx.note({
        kind: 'mapped',
        object: table,
        message: `${kinds} import job${kinds === 1 ? '' : 's'} of the old application kept as ${kinds === 1 ? 'a job' : 'jobs'} of kind items (what it imported)`,
      });
    await legacyImportJobStatuses(ctx, runnable);
    await legacyImportJobCounters(ctx);
  });
}

async function legacyImportJobStatuses(ctx: AdoptContext, runnable: boolean): Promise<void> {
  const table = 'public.import_jobs';
  const final = new Set<string>(FINAL_STATUSES);
  const values = await spellings(ctx, IMPORT_JOB_STATUS);
  const [none] = await ctx.select<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE status IS NULL`);
  const respell = values.filter((v) => v.to !== undefined && v.to !== v.value && (runnable || final.has(v.to)));
  const interrupted = runnable ? [] : values.filter((v) => v.to !== undefined && !final.has(v.to));
  const unknown = values.filter((v) => v.to === undefined);
  const noStatus = none?.n ?? '0';
  if (respell.length + interrupted.length + unknown.length === 0 && noStatus === '0') return;

  await dropOldChecks(ctx, IMPORT_JOB_STATUS);
  await widenToDeclared(ctx, 'import_jobs', 'status');
  await widenToDeclared(ctx, 'import_jobs', 'message');
  // What adoption says of a job goes at the head of its message; the old message stays after it.
  const said = (why: string) => `${sqlLiteral(why)} || coalesce('; ' || message, '')`;
  const cases: { value: string | null; status: string; message: string }[] = [
    ...respell.map((v) => ({ value: v.value, status: v.to!, message: 'message' })),
    ...interrupted.map((v) => ({
      value: v.value,
      status: 'failed',
      message: said(`interrupted: the old application left it '${v.value}', and MTC does not have its file to resume it: import the file again`),
    })),
    ...unknown.map((v) => ({ value: v.value, status: 'failed', message: said(`status '${v.value}' in the old database, which MTC does not know`) })),
    { value: null, status: 'failed', message: said('no status in the old database') },
  ];
  const test = (value: string | null) => (value === null ? 'status IS NULL' : `status::text = ${sqlLiteral(value)}`);
  const choose = (pick: (c: (typeof cases)[number]) => string) => `CASE ${cases.map((c) => `WHEN ${test(c.value)} THEN ${pick(c)}`).join(' ')} END`;
  await ctx.run(
    `UPDATE ${table} SET status = ${choose((c) => sqlLiteral(c.status))}, message = ${choose((c) => c.message)} WHERE ${cases.map((c) => test(c.value)).join(' OR ')}`,
    'import job statuses in MTC’s spelling; jobs the old application left unfinished, or in a status MTC does not know, failed, saying why',
  );
  const count = (list: readonly { n: string }[]) => list.reduce((sum, v) => sum + Number(v.n), 0);
  const jobs = (n: number, what = '') => `${n} ${what}job${n === 1 ? '' : 's'}`;
  if (respell.length > 0) ctx.note({ kind: 'mapped', object: `${table}.status`, message: `${count(respell)} value(s) respelled: ${respelled(respell)}` });
  if (interrupted.length > 0) {
    const list = interrupted.map((v) => `'${v.value}' (${v.n})`).join(', ');
    ctx.note({
      kind: 'mapped',
      object: `${table}.status`,
      message: `${jobs(count(interrupted), 'unfinished ')} made failed (${list}): the old application no longer runs them, and MTC does not have their files; each message says so`,
    });
  }
  const strange = [...unknown.map((v) => `'${v.value}' (${v.n})`), ...(noStatus === '0' ? [] : [`no status (${noStatus})`])];
  if (strange.length > 0) {
    ctx.note({
      kind: 'conflict',
      object: `${table}.status`,
      message: `${jobs(count(unknown) + Number(noStatus))} with a status MTC does not know (${strange.join(', ')}) made failed, the old status kept at the head of each message: look at them`,
    });
  }
}

async function legacyImportJobCounters(ctx: AdoptContext): Promise<void> {
  const counters = ['total_rows', 'processed_rows', 'success_count', 'failure_count'];
  for (const c of counters) if (!(await ctx.hasColumn('import_jobs', c))) return;
  const n = await ctx.run(
    `UPDATE public.import_jobs SET total_rows = coalesce(total_rows, 0), success_count = coalesce(success_count, 0), failure_count = coalesce(failure_count, 0),
            processed_rows = greatest(coalesce(processed_rows, 0), coalesce(success_count, 0) + coalesce(failure_count, 0))
      WHERE total_rows IS NULL OR processed_rows IS NULL OR success_count IS NULL OR failure_count IS NULL
         OR processed_rows < coalesce(success_count, 0) + coalesce(failure_count, 0)`,
    'import job counters the old scripts left empty, or behind what they counted',
  );
  if (n > 0)
    ctx.note({
      kind: 'mapped',
      object: 'public.import_jobs',
      message: `${n} job${n === 1 ? '' : 's'}' empty or inconsistent counters: empty ones 0, processed_rows at least success_count + failure_count`,
    });
}

/**
 * In MTC's stock ledger a quantity going out is negative. The old one spelled direction in
 * the type (Debit, Production): rows of those types still in an old spelling go out. Rows
 * already in MTC's spelling are MTC's own and left alone.
 */
async function signLegacyLedgerQuantities(ctx: AdoptContext): Promise<void> {
  if (!(await ctx.hasColumn('inventory_transactions', 'transaction_type')) || !(await ctx.hasColumn('inventory_transactions', 'quantity'))) return;
  const canonical = LEDGER_TYPES.map(sqlLiteral).join(', ');
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
      if (
        c.kind === 'foreign key' &&
        c.references?.schema === 'public' &&
        c.references.table === table &&
        c.references.columns.length === 1 &&
        c.references.columns[0] === key
      )
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
      ctx.note({
        kind: 'conflict',
        object: t,
        message: `the same name whatever its case: ${g.names} (keys ${keys.join(', ')}); merged into ${keep}, the others archived`,
      });
      continue;
    }
    const why = failed.message.split('PostgreSQL: ')[1]?.replace(/\n\s*/g, ' ') ?? failed.message;
    await ctx.run(
      `UPDATE ${t} SET ${nm} = ${nm} || ' (' || ${k} || ')' WHERE ${k} IN (${list})`,
      `${table} ${list}: the same name as ${keep} whatever its case, but merging them would merge rows that differ; renamed`,
    );
    ctx.note({
      kind: 'conflict',
      object: t,
      message: `the same name whatever its case: ${g.names} (keys ${keys.join(', ')}); not merged (${why}): the others renamed "<name> (<key>)"`,
    });
  }
}

/** Names that differ only in case where MTC allows it (items, suppliers): kept, and reported for a person to judge. */
async function reportCaseOnlyNames(ctx: AdoptContext, table: string, key: string, name: string): Promise<void> {
  if (!(await ctx.hasColumn(table, key)) || !(await ctx.hasColumn(table, name))) return;
  const [k, nm] = [quoteIdent(key), quoteIdent(name)];
  const groups = await ctx.select<{ names: string; keys: string }>(
    `SELECT string_agg(${nm}, ' | ' ORDER BY ${k}) AS names, string_agg(${k}::text, ', ' ORDER BY ${k}) AS keys FROM public.${table} GROUP BY lower(${nm}) HAVING count(DISTINCT ${nm}) > 1 ORDER BY min(${k})`,
  );
  for (const g of groups)
    ctx.note({
      kind: 'conflict',
      object: `public.${table}`,
      message: `names differ only in case: ${g.names} (keys ${g.keys}); kept both: merge them by hand if they are one`,
    });
}

/** MTC has one account per address whatever its case; two such users cannot be merged by a rule. */
async function refuseCaseOnlyEmails(ctx: AdoptContext): Promise<void> {
  if (!(await ctx.hasColumn('users', 'email')) || !(await ctx.hasColumn('users', 'user_id'))) return;
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
  if (!(await ctx.hasColumn('item_master', 'item_category_id')) || !(await ctx.hasColumn('item_category_master', 'item_category_name'))) return;
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
  if (
    !(
      (await ctx.hasColumn('supplier_item_rates', 'supplier_id')) &&
      (await ctx.hasColumn('supplier_item_rates', 'item_id')) &&
      (await ctx.hasColumn('supplier_item_rates', 'rate'))
    )
  )
    return;
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
  if (idle && idle.n !== '0')
    ctx.note({
      kind: 'kept',
      object: 'public.supplier_item_rates',
      message: `${idle.n} rate(s) carry no price (zero, or an item without variants): left only in supplier_item_rates`,
    });
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
