/**
 * `mtc seed --demo`: writes the demo data set (data.ts) into an empty, migrated database in
 * one transaction, so that a newcomer sees a working system. The same rows every run.
 */
import type { Database, Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';
import { postStock } from '../items/stock.ts';
import { createLotIn } from '../lots/lots.ts';
import { transitionLotIn } from '../lots/lifecycle.ts';
import type { LotAction } from '../lots/status.ts';
import type { Actor } from '../audit/actor.ts';
import {
  COMPANY,
  USERS,
  COLOURS,
  SIZES,
  MODELS,
  VARIATIONS,
  ITEMS,
  STOCK_SPREAD,
  SHORT_OPENING,
  SIZE_RATE_PERCENT,
  MINIMUM_ORDER,
  SUPPLIERS,
  CATEGORY_SUPPLIERS,
  RATE_YEAR,
  SUBPROCESSES,
  PROCESSES,
  LOTS,
} from './data.ts';
import type { Role, Unit, Size, Category, VariantRef, LotDef, LotStatus } from './data.ts';

/** The tables of MTC's schema, parents first: all must exist, and all must be empty. */
export const DEMO_TABLES = [
  'users',
  'color_master',
  'size_master',
  'model_master',
  'variation_master',
  'item_master',
  'item_variant',
  'suppliers',
  'variant_supplier_pricing',
  'subprocesses',
  'processes',
  'process_subprocesses',
  'substitute_groups',
  'variant_usage',
  'cost_items',
  'additional_costs',
  'production_lots',
  'production_lot_selections',
  'production_lot_events',
  'inventory_transactions',
  'import_jobs',
  'import_job_errors',
] as const;

export type DemoTable = (typeof DEMO_TABLES)[number];

/** What `seedDemo` wrote. */
export interface DemoSummary {
  /** Rows in each MTC table after seeding (import jobs stay empty). */
  counts: Record<DemoTable, number>;
  /** The lots made, in order, with the numbers the database gave them. */
  lots: { lotNumber: string; process: string; status: LotStatus; quantity: number }[];
  /** Variants whose stock is below their reorder threshold. */
  belowReorderThreshold: number;
}

/** The database already holds MTC data; the demo fills only an empty one. */
export class DemoNotEmptyError extends MtcError {
  /** The tables that hold rows (all of them; the message names the first few). */
  readonly tables: readonly DemoTable[];
  constructor(location: string, tables: readonly DemoTable[]) {
    super(
      'DEMO_NOT_EMPTY',
      `the database ${location} already holds data (${describeTables(tables)}); the demo data goes only into an empty database. ` +
        'Use a new database (--database URL), or pass --if-empty to skip quietly when there is data.',
      'state',
      { tables },
    );
    this.name = 'DemoNotEmptyError';
    this.tables = tables;
  }
}

/** "rows in users, suppliers", or the first three and how many more, for a one-line message. */
export function describeTables(tables: readonly string[]): string {
  const shown = tables.length <= 4 ? tables : tables.slice(0, 3);
  const more = tables.length - shown.length;
  return `rows in ${shown.join(', ')}${more > 0 ? ` and ${more} more tables` : ''}`;
}

/** MTC's tables are not there (or only some are): the schema must be migrated first. */
export class SchemaNotMigratedError extends MtcError {
  constructor(location: string, missing: readonly DemoTable[]) {
    const what = missing.length === DEMO_TABLES.length ? 'has no MTC tables' : `lacks MTC tables (${missing.join(', ')})`;
    super('SCHEMA_NOT_MIGRATED', `the database ${location} ${what}; run mtc migrate first, then mtc seed --demo`, 'state', { missing });
    this.name = 'SchemaNotMigratedError';
  }
}

/** How long to wait for other writers before giving up: the seed blocks writes to every table. */
const LOCK_TIMEOUT = '10s';

/**
 * Fills an empty, migrated MTC database with the demo data set, in one transaction: either
 * all of it is written or nothing is. Refuses with SchemaNotMigratedError when MTC's tables
 * are missing, and with DemoNotEmptyError (naming the tables) when any of them holds a row;
 * a concurrent seed waits for this one and then finds the database not empty. Returns the
 * row count of every MTC table afterwards.
 */
export async function seedDemo(db: Database): Promise<DemoSummary> {
  return db.transaction(async (tx) => {
    const missing = await missingTables(tx);
    if (missing.length > 0) throw new SchemaNotMigratedError(db.location, missing);
    await lockTables(tx);
    const filled = await tablesWithRows(tx);
    if (filled.length > 0) throw new DemoNotEmptyError(db.location, filled);

    const users = await insertUsers(tx);
    const variants = await insertItems(tx);
    await insertRates(tx, variants);
    const processes = await insertProcesses(tx, variants, users);
    await insertOpeningStock(tx, variants, users);
    const lots = await insertLots(tx, processes, variants, users);

    return { counts: await countRows(tx), lots, belowReorderThreshold: await countBelowReorder(tx) };
  });
}

async function missingTables(tx: Queryable): Promise<DemoTable[]> {
  const r = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  const present = new Set(r.rows.map((row) => row.name));
  return DEMO_TABLES.filter((t) => !present.has(t));
}

/** Blocks other writers (and a second seed) until commit, so the emptiness check stays true. */
async function lockTables(tx: Queryable): Promise<void> {
  await tx.exec(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  try {
    await tx.exec(`LOCK TABLE ${DEMO_TABLES.map((t) => `public.${t}`).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
  } catch (err) {
    if (err instanceof DatabaseError && err.code === '55P03') {
      throw new MtcError(
        'LOCK_TIMEOUT',
        `could not lock MTC's tables within ${LOCK_TIMEOUT}: another session is writing to them; try again when it is done`,
        'connection',
      );
    }
    throw err;
  }
}

async function tablesWithRows(tx: Queryable): Promise<DemoTable[]> {
  const r = await tx.query<Record<DemoTable, boolean>>(`SELECT ${DEMO_TABLES.map((t) => `EXISTS (SELECT 1 FROM public.${t}) AS ${t}`).join(', ')}`);
  const row = r.rows[0];
  return DEMO_TABLES.filter((t) => row?.[t] === true);
}

async function countRows(tx: Queryable): Promise<Record<DemoTable, number>> {
  const r = await tx.query<Record<DemoTable, string>>(`SELECT ${DEMO_TABLES.map((t) => `(SELECT count(*) FROM public.${t}) AS ${t}`).join(', ')}`);
  const row = r.rows[0];
  const counts = {} as Record<DemoTable, number>;
  for (const t of DEMO_TABLES) counts[t] = Number(row?.[t] ?? 0);
  return counts;
}

async function countBelowReorder(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>('SELECT count(*) AS n FROM public.item_variant WHERE deleted_at IS NULL AND stock < reorder_threshold');
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * One multi-row INSERT with parameters. `table`, `columns` and `returning` are this
 * module's constants, never input; the values all travel as parameters.
 */
async function insertRows<R>(
  tx: Queryable,
  table: DemoTable,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returning: string,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    if (row.length !== columns.length) throw new Error(`demo data: a row for ${table} has ${row.length} values for ${columns.length} columns`);
    return `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`;
  });
  const r = await tx.query<R>(`INSERT INTO public.${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} RETURNING ${returning}`, params);
  return r.rows;
}

/** Looks a key up, treating a miss as a mistake in the data above. */
function must<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new Error(`demo data: unknown ${what} ${String(key)}`);
  return v;
}

type UserIds = Readonly<Record<Role, number>>;

async function insertUsers(tx: Queryable): Promise<UserIds> {
  const rows = await insertRows<{ user_id: number; role: Role }>(
    tx,
    'users',
    ['name', 'email', 'role', 'password_hash', 'company'],
    USERS.map(([name, email, role]) => [name, email, role, null, COMPANY]),
    'user_id, role',
  );
  const byRole = new Map(rows.map((r) => [r.role, r.user_id]));
  return {
    admin: must(byRole, 'admin', 'role'),
    planner: must(byRole, 'planner', 'role'),
    operator: must(byRole, 'operator', 'role'),
    viewer: must(byRole, 'viewer', 'role'),
  };
}

/** Names into a master table; returns each name's id. */
async function insertMaster(tx: Queryable, table: DemoTable, idColumn: string, nameColumn: string, names: readonly string[]): Promise<Map<string, number>> {
  const rows = await insertRows<{ id: number; name: string }>(
    tx,
    table,
    [nameColumn],
    names.map((n) => [n]),
    `${idColumn} AS id, ${nameColumn} AS name`,
  );
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** A variant's key in maps: `item|colour|size`. */
function variantKey([item, colour, size]: VariantRef): string {
  return `${item}|${colour}|${size}`;
}

/** A variant as inserted, with what its rates need. */
interface SeededVariant {
  id: number;
  category: Category;
  size: Size;
  unit: Unit;
  rate: string;
  /** Its opening stock. */
  opening: string;
}
type VariantIds = ReadonlyMap<string, SeededVariant>;

async function insertItems(tx: Queryable): Promise<VariantIds> {
  const colours = await insertMaster(tx, 'color_master', 'color_id', 'color_name', COLOURS);
  const sizes = await insertMaster(tx, 'size_master', 'size_id', 'size_name', SIZES);
  const models = await insertMaster(tx, 'model_master', 'model_id', 'model_name', MODELS);
  const variations = await insertMaster(tx, 'variation_master', 'variation_id', 'variation_name', VARIATIONS);

  // Name and description tell the items apart (checked: the map must not lose one).
  const items = await insertRows<{ item_id: number; name: string; description: string }>(
    tx,
    'item_master',
    ['name', 'description', 'category', 'model_id', 'variation_id'],
    ITEMS.map(([, category, name, description, model, variation]) => [
      name,
      description,
      category,
      must(models, model, 'model'),
      must(variations, variation, 'variation'),
    ]),
    'item_id, name, description',
  );
  const itemIds = new Map(items.map((r) => [`${r.name}|${r.description}`, r.item_id]));
  if (itemIds.size !== ITEMS.length) throw new Error('demo data: two items share a name and description');

  const short = new Map(SHORT_OPENING.map(([item, colour, size, stock]) => [variantKey([item, colour, size]), stock]));
  const planned = ITEMS.flatMap(([key, category, name, description, , , unit, rate, stock, reorder, itemSizes, itemColours]) => {
    const itemId = must(itemIds, `${name}|${description}`, 'item');
    return itemColours.flatMap((colour, c) =>
      itemSizes.map((size, s) => {
        const vKey = variantKey([key, colour, size]);
        const spread = STOCK_SPREAD[(c * itemSizes.length + s) % STOCK_SPREAD.length] ?? 100;
        return {
          key: vKey,
          ids: `${itemId}|${must(colours, colour, 'colour')}|${must(sizes, size, 'size')}`,
          row: [itemId, must(colours, colour, 'colour'), must(sizes, size, 'size'), unit, String(reorder)],
          variant: { category, size, unit, rate, opening: String(short.get(vKey) ?? Math.round((stock * spread) / 100)) },
        };
      }),
    );
  });
  const inserted = await insertRows<{ variant_id: number; item_id: number; color_id: number; size_id: number }>(
    tx,
    'item_variant',
    ['item_id', 'color_id', 'size_id', 'unit', 'reorder_threshold'],
    planned.map((p) => p.row),
    'variant_id, item_id, color_id, size_id',
  );
  const idOf = new Map(inserted.map((r) => [`${r.item_id}|${r.color_id}|${r.size_id}`, r.variant_id]));
  const variants = new Map(planned.map((p) => [p.key, { id: must(idOf, p.ids, 'variant'), ...p.variant }]));
  for (const key of short.keys()) must(variants, key, 'variant');
  return variants;
}

/** The variants some process uses, in the order the processes name them. */
function variantsUsedByProcesses(): string[] {
  const used = new Set<string>();
  for (const p of PROCESSES) {
    for (const step of p.steps) {
      for (const [item, colour, size] of step.uses) used.add(variantKey([item, colour, size]));
      for (const g of step.groups) for (const alt of g.alternatives) used.add(variantKey(alt));
    }
  }
  return [...used];
}

/** `rate` in INR, adjusted by `percent`, to the paisa; integer arithmetic, no binary float. */
function scaleRate(rate: string, percent: number): string {
  const m = /^(\d+)\.(\d{2})$/.exec(rate);
  if (!m) throw new Error(`demo data: rate ${rate} is not rupees.paise`);
  const paise = Number(m[1]) * 100 + Number(m[2]);
  const scaled = Math.floor((paise * percent + 50) / 100);
  return `${Math.floor(scaled / 100)}.${String(scaled % 100).padStart(2, '0')}`;
}

/**
 * One rate per variant from its category's usual supplier. The variants that processes use
 * get a second source too, and every other one of them a third rate: last year's (expired)
 * or a quote that was withdrawn (inactive).
 */
async function insertRates(tx: Queryable, variants: VariantIds): Promise<void> {
  const supplierRows = await insertRows<{ supplier_id: number; firm_name: string }>(
    tx,
    'suppliers',
    ['firm_name', 'address', 'gstin', 'email', 'phone'],
    SUPPLIERS.map(([, ...fields]) => fields),
    'supplier_id, firm_name',
  );
  const byName = new Map(supplierRows.map((r) => [r.firm_name, r.supplier_id]));
  const supplierId = new Map(SUPPLIERS.map(([key, firm]) => [key, must(byName, firm, 'supplier')]));

  const used = new Set(variantsUsedByProcesses());
  const rates: (readonly unknown[])[] = [];
  let nthUsed = 0;
  for (const [key, v] of variants) {
    const [primary, second, third] = CATEGORY_SUPPLIERS[v.category];
    const base = scaleRate(v.rate, SIZE_RATE_PERCENT[v.size]);
    const moq = MINIMUM_ORDER[v.unit];
    const rate = (supplier: string, percent: number, minimum: number, from: string, to: string | null, active: boolean) =>
      rates.push([must(supplierId, supplier, 'supplier'), v.id, scaleRate(base, percent), 'INR', String(minimum), from, to, active]);
    rate(primary, 100, moq, RATE_YEAR.from, null, true);
    if (!used.has(key)) continue;
    rate(second, 106, moq * 2, RATE_YEAR.from, null, true);
    if (nthUsed % 3 === 0) rate(primary, 92, moq, RATE_YEAR.lastFrom, RATE_YEAR.lastTo, true);
    else if (nthUsed % 3 === 1) rate(third, 103, moq, RATE_YEAR.from, null, false);
    nthUsed++;
  }
  await insertRows(
    tx,
    'variant_supplier_pricing',
    ['supplier_id', 'variant_id', 'cost_per_unit', 'currency', 'minimum_order_quantity', 'effective_from', 'effective_to', 'is_active'],
    rates,
    'id',
  );
}

/** A seeded process: its id, and its substitute groups' ids by group name. */
interface SeededProcess {
  id: number;
  groups: ReadonlyMap<string, { id: number; alternatives: readonly string[] }>;
}

async function insertProcesses(tx: Queryable, variants: VariantIds, users: UserIds): Promise<ReadonlyMap<string, SeededProcess>> {
  const subprocessRows = await insertRows<{ id: number; name: string }>(
    tx,
    'subprocesses',
    ['name', 'category', 'estimated_time_minutes', 'description'],
    SUBPROCESSES.map((s) => [...s]),
    'id, name',
  );
  const subprocessIds = new Map(subprocessRows.map((r) => [r.name, r.id]));
  const processRows = await insertRows<{ id: number; name: string }>(
    tx,
    'processes',
    ['name', 'description', 'process_class', 'status', 'sales_price', 'created_by'],
    PROCESSES.map((p) => [p.name, p.description, p.processClass, 'active', p.salesPrice, users.planner]),
    'id, name',
  );
  const processIds = new Map(processRows.map((r) => [r.name, r.id]));

  const steps = PROCESSES.flatMap((p) => p.steps.map((step, i) => ({ process: p, step, order: i + 1, processId: must(processIds, p.name, 'process') })));
  const stepRows = await insertRows<{ id: number; process_id: number; sequence_order: number }>(
    tx,
    'process_subprocesses',
    ['process_id', 'subprocess_id', 'sequence_order', 'custom_name'],
    steps.map((s) => [s.processId, must(subprocessIds, s.step.subprocess, 'subprocess'), s.order, s.step.customName ?? null]),
    'id, process_id, sequence_order',
  );
  const stepIds = new Map(stepRows.map((r) => [`${r.process_id}|${r.sequence_order}`, r.id]));
  const stepIdOf = (s: (typeof steps)[number]) => must(stepIds, `${s.processId}|${s.order}`, 'step');

  const groups = steps.flatMap((s) => s.step.groups.map((g) => ({ ...s, group: g, stepId: stepIdOf(s) })));
  const groupRows = await insertRows<{ id: number; process_subprocess_id: number; group_name: string }>(
    tx,
    'substitute_groups',
    ['process_subprocess_id', 'group_name', 'group_description'],
    groups.map((g) => [g.stepId, g.group.name, g.group.description]),
    'id, process_subprocess_id, group_name',
  );
  const groupIds = new Map(groupRows.map((r) => [`${r.process_subprocess_id}|${r.group_name}`, r.id]));
  const variantId = (ref: VariantRef) => must(variants, variantKey(ref), 'variant').id;

  const usage: (readonly unknown[])[] = [];
  for (const s of steps) {
    const stepId = stepIdOf(s);
    for (const [item, colour, size, quantity] of s.step.uses) usage.push([stepId, variantId([item, colour, size]), quantity, null]);
    for (const g of s.step.groups) {
      const groupId = must(groupIds, `${stepId}|${g.name}`, 'group');
      for (const alt of g.alternatives) usage.push([stepId, variantId(alt), g.quantity, groupId]);
    }
  }
  await insertRows(tx, 'variant_usage', ['process_subprocess_id', 'variant_id', 'quantity', 'substitute_group_id'], usage, 'id');
  await insertRows(
    tx,
    'cost_items',
    ['process_subprocess_id', 'cost_type', 'description', 'quantity', 'unit', 'rate'],
    steps.flatMap((s) => s.step.costs.map(([type, description, quantity, unit, rate]) => [stepIdOf(s), type, description, quantity, unit, rate])),
    'id',
  );
  await insertRows(
    tx,
    'additional_costs',
    ['process_id', 'cost_type', 'description', 'amount', 'is_fixed'],
    PROCESSES.flatMap((p) =>
      p.additional.map(([type, description, amount, isFixed]) => [must(processIds, p.name, 'process'), type, description, amount, isFixed]),
    ),
    'id',
  );

  const seeded = new Map<string, SeededProcess>();
  for (const p of PROCESSES) {
    const g = new Map<string, { id: number; alternatives: string[] }>();
    for (const x of groups.filter((x) => x.process === p)) {
      if (g.has(x.group.name)) throw new Error(`demo data: ${p.name} has two groups named ${x.group.name}`);
      g.set(x.group.name, { id: must(groupIds, `${x.stepId}|${x.group.name}`, 'group'), alternatives: x.group.alternatives.map(variantKey) });
    }
    seeded.set(p.name, { id: must(processIds, p.name, 'process'), groups: g });
  }
  return seeded;
}

/** The demo user who made a change, as the seed: the audit trail says both. */
const seededBy = (userId: number): Actor => ({ userId, via: 'seed' });

/** A lot's steps after creation, by the LotDef day they happened on, and who took them. */
const LOT_STEPS: readonly { action: LotAction; day: 'ready' | 'started' | 'completed'; by: 'planner' | 'operator' }[] = [
  { action: 'ready', day: 'ready', by: 'planner' },
  { action: 'start', day: 'started', by: 'operator' },
  { action: 'complete', day: 'completed', by: 'operator' },
];

/**
 * The lots, made and moved through their lives by the lots module itself, so that they obey
 * its rules and are in the audit trail (via 'seed', by the demo planner and operator): each made (numbered by the database) with its estimate frozen at the rates of its
 * creation day and a choice for every substitute group; then every step of every lot in the
 * order the days say (marking ready checks the stock of that moment, completing consumes it
 * through the ledger and records the actual cost at that day's rates). Afterwards the
 * timestamps of lots, events and production ledger rows are moved back to their days.
 */
async function insertLots(tx: Queryable, processes: ReadonlyMap<string, SeededProcess>, variants: VariantIds, users: UserIds): Promise<DemoSummary['lots']> {
  const dayAgo = async (n: number) => (await tx.query<{ d: string }>(`SELECT to_char(CURRENT_DATE - $1::int, 'YYYY-MM-DD') AS d`, [n])).rows[0]!.d;
  const made: { id: number; def: LotDef; lotNumber: string }[] = [];
  for (const def of LOTS) {
    const process = must(processes, def.process, 'process');
    const picks = Object.keys(def.picks);
    const unknown = picks.filter((name) => !process.groups.has(name));
    if (unknown.length > 0 || picks.length !== process.groups.size)
      throw new Error(`demo data: the lot of ${def.process} must pick for exactly the groups ${[...process.groups.keys()].join(', ')}`);
    const selections = [...process.groups].map(([name, group]) => {
      const pick = variantKey(must(new Map(Object.entries(def.picks)), name, 'group'));
      if (!group.alternatives.includes(pick)) throw new Error(`demo data: ${pick} is not an alternative of ${def.process}'s group ${name}`);
      return { groupId: group.id, variantId: must(variants, pick, 'variant').id };
    });
    const lot = await createLotIn(tx, { processId: process.id, quantity: def.quantity, notes: def.notes, selections }, seededBy(users.planner), {
      at: await dayAgo(def.days.created),
    });
    made.push({ id: lot.lotId, def, lotNumber: lot.lotNumber });
  }

  const steps = made
    .flatMap((lot) => LOT_STEPS.flatMap((step) => (lot.def.days[step.day] === undefined ? [] : [{ lot, step, daysAgo: lot.def.days[step.day]! }])))
    .sort((a, b) => b.daysAgo - a.daysAgo);
  for (const { lot, step, daysAgo } of steps) {
    const at = await dayAgo(daysAgo);
    await transitionLotIn(tx, lot.id, step.action, seededBy(users[step.by]), { ratesAt: at });
  }

  const days = (n: number | undefined) => (n === undefined ? null : `${n} days`);
  for (const { id, def } of made) {
    const [created, ready, started, completed] = [def.days.created, def.days.ready, def.days.started, def.days.completed].map(days);
    await tx.query(
      `UPDATE public.production_lots SET created_at = now() - $2::interval, started_at = now() - $3::interval, completed_at = now() - $4::interval WHERE id = $1`,
      [id, created, started, completed],
    );
    await tx.query(
      `UPDATE public.production_lot_events SET created_at = now() - (CASE to_status WHEN 'planning' THEN $2 WHEN 'ready' THEN $3 WHEN 'in_progress' THEN $4 ELSE $5 END)::interval WHERE lot_id = $1`,
      [id, created, ready, started, completed],
    );
    await tx.query(`UPDATE public.inventory_transactions SET created_at = now() - $2::interval WHERE production_lot_id = $1`, [id, completed]);
  }
  const status = await tx.query<{ id: number; status: LotStatus }>('SELECT id, status FROM public.production_lots WHERE id = ANY($1::int[])', [
    made.map((m) => m.id),
  ]);
  const reached = new Map(status.rows.map((r) => [r.id, r.status]));
  for (const m of made) if (reached.get(m.id) !== m.def.status) throw new Error(`demo data: lot ${m.lotNumber} is ${reached.get(m.id)}, not ${m.def.status}`);
  return made.map((m) => ({ lotNumber: m.lotNumber, process: m.def.process, status: m.def.status, quantity: m.def.quantity }));
}

/** One opening row per variant, a month back: the stock the variant is given, through the ledger as every stock change. */
async function insertOpeningStock(tx: Queryable, variants: VariantIds, users: UserIds): Promise<void> {
  const entries = [...variants.values()]
    .sort((a, b) => a.id - b.id)
    .map((v) => ({
      variantId: v.id,
      type: 'opening' as const,
      quantity: v.opening,
      notes: 'Opening stock',
      createdBy: users.admin,
      reference: { type: 'demo_seed', id: null },
    }));
  await postStock(tx, entries);
  await tx.query(`UPDATE public.inventory_transactions SET created_at = now() - interval '30 days' WHERE reference_type = 'demo_seed'`);
}
