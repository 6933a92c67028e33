/**
 * `mtc seed --demo`: writes the demo data set (data.ts) into an empty, migrated database in
 * one transaction, so that a newcomer sees a working system. The same rows every run.
 */
import type { Database, Queryable } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';
import { SEED_ACTOR } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { createItemIn } from '../items/items.ts';
import { masterId } from '../items/masters.ts';
import { recordMovementIn } from '../items/stock.ts';
import { createUserIn } from '../access/accounts.ts';
import { createVariantIn } from '../items/variants.ts';
import { createRateIn } from '../suppliers/rates.ts';
import { createSupplierIn } from '../suppliers/suppliers.ts';
import { createLotIn } from '../lots/lots.ts';
import { createPurchaseOrderIn, getPurchaseOrder, transitionPurchaseOrderIn } from '../purchasing/orders.ts';
import { createGoodsReceiptIn } from '../purchasing/receipts.ts';
import { transitionLotIn } from '../lots/lifecycle.ts';
import type { LotAction } from '../lots/status.ts';
import { createProcessIn, moveProcessIn } from '../processes/processes.ts';
import { createSubprocessIn } from '../processes/subprocesses.ts';
import {
  USERS,
  COLOURS,
  SIZES,
  MODELS,
  VARIATIONS,
  ITEMS,
  COLOUR_CODES,
  SIZE_CODES,
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
  BICYCLES,
  OPENING_COST_PERCENT,
  PRICE_BREAKS,
  PURCHASE_ORDERS,
  RECEIPTS_ON_THEIR_OWN,
  SUPPLIER_LEAD_DAYS,
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
  'purchase_orders',
  'purchase_order_lines',
  'goods_receipts',
  'goods_receipt_lines',
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
  /** What the stock is worth after seeding (INR, exact). */
  stockValue: string;
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
    const suppliers = await insertRates(tx, variants);
    const processes = await insertProcesses(tx, variants, users);
    await insertOpeningStock(tx, variants, users);
    await insertPurchasing(tx, suppliers, variants, users);
    const lots = await insertLots(tx, processes, variants, users);

    return { counts: await countRows(tx), lots, belowReorderThreshold: await countBelowReorder(tx), stockValue: await totalStockValue(tx) };
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

/**
 * Blocks other writers (and a second seed) until commit, so the emptiness check stays true. A
 * second seed queues behind the first on a lock of the seed's own, however long the first
 * takes, and then finds the database filled; the wait for the tables is bounded only against
 * other writers (a server busy with its own work).
 */
async function lockTables(tx: Queryable): Promise<void> {
  await tx.exec(`SELECT pg_advisory_xact_lock(hashtext('mtc.demo.seed'))`);
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

async function totalStockValue(tx: Queryable): Promise<string> {
  const r = await tx.query<{ v: string }>('SELECT trim_scale(coalesce(sum(stock_value), 0))::text AS v FROM public.item_variant WHERE deleted_at IS NULL');
  return r.rows[0]?.v ?? '0';
}

/** Looks a key up, treating a miss as a mistake in the data above. */
function must<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new Error(`demo data: unknown ${what} ${String(key)}`);
  return v;
}

type UserIds = Readonly<Record<Role, number>>;

async function insertUsers(tx: Queryable): Promise<UserIds> {
  const byRole = new Map<Role, number>();
  for (const [name, email, role] of USERS) byRole.set(role, (await createUserIn(tx, { name, email, role }, SEED_ACTOR)).userId);
  return {
    admin: must(byRole, 'admin', 'role'),
    planner: must(byRole, 'planner', 'role'),
    operator: must(byRole, 'operator', 'role'),
    viewer: must(byRole, 'viewer', 'role'),
  };
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
  /** The usual supplier's rate for the smallest size; null for what the maker makes. */
  rate: string | null;
  /** Its opening stock. */
  opening: string;
}
type VariantIds = ReadonlyMap<string, SeededVariant>;

/**
 * The items and their variants, made one by one by the items module as a person would make them
 * (its checks, its audit events, as the seed), in the data's order; the masters first, in the
 * data's order, so that their ids follow the lists.
 */
async function insertItems(tx: Queryable): Promise<VariantIds> {
  for (const [kind, names] of [
    ['color', COLOURS],
    ['size', SIZES],
    ['model', MODELS],
    ['variation', VARIATIONS],
  ] as const)
    for (const name of names) await masterId(tx, kind, name);

  const short = new Map(SHORT_OPENING.map(([item, colour, size, stock]) => [variantKey([item, colour, size]), stock]));
  const variants = new Map<string, SeededVariant>();
  let scanned = 0;
  for (const [n, [key, category, name, description, model, variation, unit, rate, stock, reorder, itemSizes, itemColours]] of ITEMS.entries()) {
    const item = await createItemIn(tx, { name, description, category, model, variation }, SEED_ACTOR);
    for (const [c, colour] of itemColours.entries()) {
      for (const [s, size] of itemSizes.entries()) {
        const code = `${key.toUpperCase()}-${COLOUR_CODES[colour]}-${SIZE_CODES[size]}`;
        // Every other item's variants carry an EAN-13 barcode (890: India), as bought parts often do.
        const barcode = n % 2 === 0 ? ean13(`890${String(1000 + scanned++).padStart(9, '0')}`) : null;
        const made = await createVariantIn(tx, item.itemId, { color: colour, size, unit, reorderThreshold: String(reorder), code, barcode }, SEED_ACTOR);
        if (!made) throw new Error(`demo data: item ${name} vanished`);
        const vKey = variantKey([key, colour, size]);
        const spread = STOCK_SPREAD[(c * itemSizes.length + s) % STOCK_SPREAD.length] ?? 100;
        variants.set(vKey, { id: made.variantId, category, size, unit, rate, opening: String(short.get(vKey) ?? Math.round((stock * spread) / 100)) });
      }
    }
  }
  for (const key of short.keys()) must(variants, key, 'variant');
  return variants;
}

/** Twelve digits with their EAN-13 check digit: weights 1 and 3 from the left, to a multiple of 10. */
export function ean13(twelve: string): string {
  const sum = [...twelve].reduce((t, d, k) => t + Number(d) * (k % 2 === 0 ? 1 : 3), 0);
  return `${twelve}${(10 - (sum % 10)) % 10}`;
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
async function insertRates(tx: Queryable, variants: VariantIds): Promise<ReadonlyMap<string, number>> {
  const supplierId = new Map<string, number>();
  for (const [key, firmName, address, gstin, email, phone] of SUPPLIERS)
    supplierId.set(
      key,
      (await createSupplierIn(tx, { firmName, address, gstin, email, phone, leadTimeDays: SUPPLIER_LEAD_DAYS[key] ?? 0 }, SEED_ACTOR)).supplierId,
    );

  const used = new Set(variantsUsedByProcesses());
  let nthUsed = 0;
  for (const [key, v] of variants) {
    if (v.rate === null || v.category === BICYCLES) continue;
    const [primary, second, third] = CATEGORY_SUPPLIERS[v.category];
    const base = scaleRate(v.rate, SIZE_RATE_PERCENT[v.size]);
    const moq = MINIMUM_ORDER[v.unit];
    const rate = (
      supplier: string,
      percent: number,
      minimum: number,
      effectiveFrom: string,
      effectiveTo: string | null,
      isActive: boolean,
      breaks: readonly (readonly [number, number])[] = [],
    ) =>
      createRateIn(
        tx,
        {
          supplierId: must(supplierId, supplier, 'supplier'),
          variantId: v.id,
          costPerUnit: scaleRate(base, percent),
          currency: 'INR',
          minimumOrderQuantity: String(minimum),
          effectiveFrom,
          effectiveTo,
          isActive,
          breaks: breaks.map(([times, pct]) => ({ fromQuantity: String(moq * times), costPerUnit: scaleRate(base, pct) })),
        },
        SEED_ACTOR,
      );
    if (!used.has(key)) {
      await rate(primary, 100, moq, RATE_YEAR.from, null, true);
      continue;
    }
    await rate(primary, 100, moq, RATE_YEAR.from, null, true, PRICE_BREAKS.primary);
    await rate(second, 106, moq * 2, RATE_YEAR.from, null, true, PRICE_BREAKS.second);
    if (nthUsed % 3 === 0) await rate(primary, 92, moq, RATE_YEAR.lastFrom, RATE_YEAR.lastTo, true);
    else if (nthUsed % 3 === 1) await rate(third, 103, moq, RATE_YEAR.from, null, false);
    nthUsed++;
  }
  return supplierId;
}

/** A seeded process: its id, and its substitute groups' ids by group name. */
interface SeededProcess {
  id: number;
  groups: ReadonlyMap<string, { id: number; alternatives: readonly string[] }>;
}

/**
 * The subprocess library and the processes, written by the processes module itself (each
 * audited as the seed's, with the planner as the processes' maker): every process is created
 * as a draft with its whole structure, then activated.
 */
async function insertProcesses(tx: Queryable, variants: VariantIds, users: UserIds): Promise<ReadonlyMap<string, SeededProcess>> {
  const actor: Actor = { userId: users.planner, via: 'seed' };
  const subprocessIds = new Map<string, number>();
  for (const [name, category, estimatedTimeMinutes, description] of SUBPROCESSES)
    subprocessIds.set(name, (await createSubprocessIn(tx, { name, category, estimatedTimeMinutes, description }, actor)).subprocessId);
  const variantId = (ref: VariantRef) => must(variants, variantKey(ref), 'variant').id;

  const seeded = new Map<string, SeededProcess>();
  for (const p of PROCESSES) {
    const made = await createProcessIn(
      tx,
      {
        name: p.name,
        description: p.description,
        processClass: p.processClass,
        salesPrice: p.salesPrice,
        outputVariantId: variantId(p.output),
        outputQuantity: '1',
        lotSize: p.lotSize,
        steps: p.steps.map((step) => ({
          subprocessId: must(subprocessIds, step.subprocess, 'subprocess'),
          customName: step.customName ?? null,
          lines: step.uses.map(([item, colour, size, quantity]) => ({ variantId: variantId([item, colour, size]), quantity })),
          groups: step.groups.map((g) => ({
            name: g.name,
            description: g.description,
            alternatives: g.alternatives.map((alt) => ({ variantId: variantId(alt), quantity: g.quantity })),
          })),
          costItems: step.costs.map(([costType, description, quantity, unit, rate]) => ({ costType, description, quantity, unit, rate })),
        })),
        additionalCosts: p.additional.map(([costType, description, amount, isFixed]) => ({ costType, description, amount, isFixed })),
      },
      actor,
    );
    await moveProcessIn(tx, made.processId, 'activate', actor);
    const g = new Map<string, { id: number; alternatives: string[] }>();
    for (const [i, step] of p.steps.entries())
      for (const [j, group] of step.groups.entries()) {
        if (g.has(group.name)) throw new Error(`demo data: ${p.name} has two groups named ${group.name}`);
        const written = made.steps[i]?.groups[j];
        if (written?.name !== group.name) throw new Error(`demo data: ${p.name}'s group ${group.name} was not written`);
        g.set(group.name, { id: written.groupId, alternatives: group.alternatives.map(variantKey) });
      }
    seeded.set(p.name, { id: made.processId, groups: g });
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

/**
 * One opening movement per variant, a month back: the stock the variant is given, recorded and
 * audited as any movement, and valued at OPENING_COST_PERCENT of its usual supplier's rate (last
 * year's price), so the stock has a value from the start. What the maker makes has no opening:
 * it comes only from the lots that make it.
 */
async function insertOpeningStock(tx: Queryable, variants: VariantIds, users: UserIds): Promise<void> {
  for (const v of [...variants.values()].sort((a, b) => a.id - b.id)) {
    if (v.rate === null) continue;
    const unitCost = scaleRate(scaleRate(v.rate, SIZE_RATE_PERCENT[v.size]), OPENING_COST_PERCENT);
    await recordMovementIn(tx, { variantId: v.id, type: 'opening', quantity: v.opening, unitCost }, seededBy(users.admin));
  }
  // the demo's history: its openings a month back (the seed runs on an empty database)
  await tx.query(`UPDATE public.inventory_transactions SET created_at = now() - interval '30 days' WHERE transaction_type = 'opening'`);
}

/**
 * The purchase orders and goods receipts, by the purchasing module as the demo planner (orders)
 * and operator (receipts) would make them: each order made on its day at its supplier's rates,
 * sent, received bill by bill, then closed or cancelled as the data says; then the receipt
 * on its own. Afterwards the orders and the receipts' ledger rows are dated back to their days.
 */
async function insertPurchasing(tx: Queryable, suppliers: ReadonlyMap<string, number>, variants: VariantIds, users: UserIds): Promise<void> {
  const dayAgo = async (n: number) => (await tx.query<{ d: string }>(`SELECT to_char(CURRENT_DATE - $1::int, 'YYYY-MM-DD') AS d`, [n])).rows[0]!.d;
  const variantId = (ref: VariantRef) => must(variants, variantKey(ref), 'variant').id;
  const planner = seededBy(users.planner);
  const operator = seededBy(users.operator);
  const receipts: { id: number; daysAgo: number }[] = [];
  const orders: { id: number; daysAgo: number }[] = [];
  for (const def of PURCHASE_ORDERS) {
    const order = await createPurchaseOrderIn(
      tx,
      {
        supplierId: must(suppliers, def.supplier, 'supplier'),
        orderDate: await dayAgo(def.days.ordered),
        expectedOn: await dayAgo(def.days.expected),
        notes: def.notes,
        lines: def.lines.map((l) => ({ variantId: variantId(l.variant), quantity: l.quantity, taxRate: l.taxRate, discountRate: l.discountRate ?? '0' })),
      },
      planner,
    );
    orders.push({ id: order.purchaseOrderId, daysAgo: def.days.ordered });
    if (def.status !== 'draft') await transitionPurchaseOrderIn(tx, order.purchaseOrderId, 'send', {}, planner);
    for (const r of def.receipts) {
      if (r.quantities.length !== order.lines.length) throw new Error(`demo data: a receipt of ${order.poNumber} must say how much of each line came`);
      const made = await createGoodsReceiptIn(
        tx,
        {
          purchaseOrderId: order.purchaseOrderId,
          billNumber: r.billNumber,
          receivedOn: await dayAgo(r.daysAgo),
          taxPercentage: r.taxPercentage,
          discountPercentage: r.discountPercentage ?? '0',
          discountAmount: r.discountAmount ?? '0',
          notes: r.notes ?? null,
          lines: order.lines.flatMap((line, i) => (r.quantities[i] === '0' ? [] : [{ poLineId: line.lineId, quantity: r.quantities[i]! }])),
        },
        operator,
      );
      receipts.push({ id: made.receiptId, daysAgo: r.daysAgo });
    }
    if (def.status === 'closed') await transitionPurchaseOrderIn(tx, order.purchaseOrderId, 'close', {}, planner);
    if (def.status === 'cancelled') await transitionPurchaseOrderIn(tx, order.purchaseOrderId, 'cancel', { reason: def.reason ?? null }, planner);
    const reached = (await getPurchaseOrder(tx, order.purchaseOrderId))!.status;
    if (reached !== def.status) throw new Error(`demo data: purchase order ${order.poNumber} is ${reached}, not ${def.status}`);
  }
  for (const r of RECEIPTS_ON_THEIR_OWN) {
    const made = await createGoodsReceiptIn(
      tx,
      {
        supplierId: must(suppliers, r.supplier, 'supplier'),
        billNumber: r.billNumber,
        receivedOn: await dayAgo(r.daysAgo),
        taxPercentage: r.taxPercentage,
        notes: r.notes,
        lines: r.lines.map((l) => ({ variantId: variantId(l.variant), quantity: l.quantity, unitCost: l.unitCost })),
      },
      operator,
    );
    receipts.push({ id: made.receiptId, daysAgo: r.daysAgo });
  }
  // the demo's history: each order on its day, and the stock each receipt brought on its day
  // (a receipt itself is never changed, not even its time: its received_on says the day)
  for (const o of orders) await tx.query(`UPDATE public.purchase_orders SET created_at = now() - $2::interval WHERE id = $1`, [o.id, `${o.daysAgo} days`]);
  for (const r of receipts) {
    await tx.query(`UPDATE public.inventory_transactions SET created_at = now() - $2::interval WHERE reference_type = 'goods_receipt' AND reference_id = $1`, [
      r.id,
      `${r.daysAgo} days`,
    ]);
  }
}
