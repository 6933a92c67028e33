import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { costProcess, isDay } from '../costing/costing.ts';
import type { CostFigure, ProcessCost, UnpricedVariant } from '../costing/costing.ts';
import { isoUtc } from '../timestamps.ts';
import { validateSelections, writeSelections } from './choices.ts';
import type { SelectionInput } from './choices.ts';
import { unselectedGroups } from './needs.ts';
import type { UnselectedGroup } from './needs.ts';
import { LOT_MACHINE, LotError } from './status.ts';
import type { LotStatus } from './status.ts';
import { cappedTotal } from '../paging.ts';
import type { PageTotal } from '../paging.ts';

/**
 * A costing of a whole lot, frozen in the lot: at creation (`estimate`, over every
 * alternative of every group: the range whatever the planner chooses) and at completion
 * (`actual`, with the lot's selections). The lot's figures are the process's per-unit
 * figures (each rounded to the paisa) × the lot's quantity, in SQL numeric.
 */
export interface LotCosting {
  /** The day whose rates were used, YYYY-MM-DD. */
  ratesAt: string;
  quantity: number;
  total: CostFigure;
  /** False when a variant had no rate: the totals are then lower bounds. */
  complete: boolean;
  unpriced: UnpricedVariant[];
  /** The choices the costing used (the actual's); none for the estimate. */
  selections: { groupId: number; variantId: number }[];
  /** The process costed for the lot's quantity (its steps per unit), as costing computed it. */
  costing: ProcessCost;
  /**
   * At completion: what the lot really cost, from the stock ledger. `materials` is what it
   * consumed at the stock's average cost, `conversion` its labour and additional costs;
   * `complete` false (and `uncosted` naming the variants) when some stock it used had no cost.
   */
  valuation?: { materials: string; conversion: string; total: string; complete: boolean; uncosted: number[] };
}

/** A lot as lists show it. Money is a decimal string. */
export interface LotSummary {
  lotId: number;
  lotNumber: string;
  processId: number;
  process: string;
  quantity: number;
  status: LotStatus;
  statusReason: string | null;
  notes: string | null;
  /** The day the lot is planned to start, YYYY-MM-DD; null: as soon as possible (purchase suggestions count it as today). */
  plannedStart: string | null;
  worstCaseEstimatedCost: string | null;
  bestCaseEstimatedCost: string | null;
  actualCost: string | null;
  costVariance: string | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** At completion, for a process that names its output: what went into stock, why it differs from the plan (if it does), and at what unit cost. */
  outputQuantity: string | null;
  outputReason: string | null;
  outputUnitCost: string | null;
}

/** A lot's choice for one substitute group. */
export interface LotSelection {
  groupId: number;
  group: string;
  step: string;
  variantId: number;
  item: string;
  color: string;
  size: string;
  /** How much of it one unit of output uses. */
  quantity: string;
}

/** One change of a lot's status (`from` null for its creation). */
export interface LotEvent {
  id: number;
  from: LotStatus | null;
  to: LotStatus;
  reason: string | null;
  userId: number | null;
  user: string | null;
  at: string;
}

/** A lot with its selections, the groups still to choose, its costings and its history. */
export interface Lot extends LotSummary {
  estimate: LotCosting | null;
  actual: LotCosting | null;
  selections: LotSelection[];
  unselectedGroups: UnselectedGroup[];
  events: LotEvent[];
}

export interface LotInput {
  processId: number;
  quantity: number;
  notes?: string | null;
  /** YYYY-MM-DD, from today to MAX_PLANNED_DAYS ahead; null or absent: as soon as possible. */
  plannedStart?: string | null;
  selections?: SelectionInput[];
}

export const MAX_LOT_QUANTITY = 1_000_000;
/** How far ahead a lot may be planned: two years (a supplier's lead time is at most 730 days). */
export const MAX_PLANNED_DAYS = 730;

const LOT_FROM = 'public.production_lots l JOIN public.processes p ON p.id = l.process_id';
const LOT_COLUMNS = `l.id AS "lotId", l.lot_number AS "lotNumber", l.process_id AS "processId", p.name AS process, l.quantity, l.status,
  l.status_reason AS "statusReason", l.notes, to_char(l.planned_start, 'YYYY-MM-DD') AS "plannedStart", l.worst_case_estimated_cost::text AS "worstCaseEstimatedCost",
  l.best_case_estimated_cost::text AS "bestCaseEstimatedCost", l.actual_cost::text AS "actualCost", l.cost_variance::text AS "costVariance",
  l.created_by AS "createdBy", ${isoUtc('l.created_at')} AS "createdAt", ${isoUtc('l.updated_at')} AS "updatedAt",
  ${isoUtc('l.started_at')} AS "startedAt", ${isoUtc('l.completed_at')} AS "completedAt",
  trim_scale(l.output_quantity)::text AS "outputQuantity", l.output_reason AS "outputReason", trim_scale(l.output_unit_cost)::text AS "outputUnitCost"`;

/** A lot's row, locked until the transaction ends (every change of a lot takes this lock first); null when there is none. */
export async function lockLot(q: Queryable, lotId: number): Promise<LotSummary | null> {
  await q.query('SELECT 1 FROM public.production_lots WHERE id = $1 FOR UPDATE', [lotId]);
  return getLotSummary(q, lotId);
}

/** The lot, or NOT_FOUND (404). */
export function lotNotFound(lotId: number): LotError {
  return new LotError('NOT_FOUND', `no production lot ${lotId}`, 'state', { lotId });
}

export async function getLotSummary(q: Queryable, lotId: number): Promise<LotSummary | null> {
  return (await q.query<LotSummary>(`SELECT ${LOT_COLUMNS} FROM ${LOT_FROM} WHERE l.id = $1`, [lotId])).rows[0] ?? null;
}

/** One lot with its selections, unselected groups, estimate, actual cost and events; null when there is none. */
export async function getLot(q: Queryable, lotId: number): Promise<Lot | null> {
  const r = await q.query<LotSummary & { estimate: LotCosting | null; actual: LotCosting | null }>(
    `SELECT ${LOT_COLUMNS}, l.estimate, l.actual FROM ${LOT_FROM} WHERE l.id = $1`,
    [lotId],
  );
  const lot = r.rows[0];
  if (!lot) return null;
  const selections = await q.query<LotSelection>(
    `SELECT g.id AS "groupId", g.group_name AS "group", coalesce(ps.custom_name, sp.name) AS step, s.variant_id AS "variantId",
            i.name AS item, c.color_name AS color, sz.size_name AS size, u.quantity::text AS quantity
       FROM public.production_lot_selections s
       JOIN public.substitute_groups g ON g.id = s.substitute_group_id AND g.deleted_at IS NULL
       JOIN public.process_subprocesses ps ON ps.id = g.process_subprocess_id
       JOIN public.subprocesses sp ON sp.id = ps.subprocess_id
       JOIN LATERAL (SELECT min(x.quantity) AS quantity FROM public.variant_usage x WHERE x.substitute_group_id = g.id AND x.variant_id = s.variant_id) u ON u.quantity IS NOT NULL
       JOIN public.item_variant v ON v.variant_id = s.variant_id
       JOIN public.item_master i ON i.item_id = v.item_id
       JOIN public.color_master c ON c.color_id = v.color_id
       JOIN public.size_master sz ON sz.size_id = v.size_id
      WHERE s.lot_id = $1
      ORDER BY ps.sequence_order, ps.id, g.id`,
    [lotId],
  );
  const events = await q.query<LotEvent>(
    `SELECT e.id::int AS id, e.from_status AS "from", e.to_status AS "to", e.reason, e.user_id AS "userId", u.name AS "user", ${isoUtc('e.created_at')} AS at
       FROM public.production_lot_events e LEFT JOIN public.users u ON u.user_id = e.user_id
      WHERE e.lot_id = $1 ORDER BY e.created_at, e.id`,
    [lotId],
  );
  const unselected = (await unselectedGroups(q, [lotId])).map(({ lotId: _, ...g }) => g);
  return { ...lot, selections: selections.rows, unselectedGroups: unselected, events: events.rows };
}

export interface LotFilter {
  status?: LotStatus;
  processId?: number;
  /** Created on or after this day (UTC), YYYY-MM-DD. */
  from?: string;
  /** Created on or before this day (UTC). */
  to?: string;
  /** A part (any case) of the lot number, the process's name or the lot's notes. */
  q?: string;
  limit: number;
  offset: number;
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Lots newest first, filtered by status, process and the days they were created, one page of
 * them and how many match (counted up to COUNT_CAP). `q` is looked up in each lot's lowered
 * "number, process, notes" (production_lot_search, migration 0027, by its trigram index where
 * pg_trgm is installed).
 */
export async function listLots(q: Queryable, filter: LotFilter): Promise<PageTotal & { lots: LotSummary[] }> {
  const where = `($1::text IS NULL OR l.status = $1) AND ($2::int IS NULL OR l.process_id = $2)
    AND ($3::date IS NULL OR l.created_at >= $3::date::timestamp AT TIME ZONE 'UTC')
    AND ($4::date IS NULL OR l.created_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC')
    AND ($5::text IS NULL OR l.id IN (SELECT s.lot_id FROM public.production_lot_search s WHERE s.search_text LIKE lower($5)))`;
  const words = filter.q?.trim();
  const params = [filter.status ?? null, filter.processId ?? null, filter.from ?? null, filter.to ?? null, words ? containing(words) : null];
  const lots = (
    await q.query<LotSummary>(`SELECT ${LOT_COLUMNS} FROM ${LOT_FROM} WHERE ${where} ORDER BY l.created_at DESC, l.id DESC LIMIT $6 OFFSET $7`, [
      ...params,
      filter.limit,
      filter.offset,
    ])
  ).rows;
  return { ...(await cappedTotal(q, lots.length, filter, `FROM ${LOT_FROM} WHERE ${where}`, params)), lots };
}

/** Today's date as the database sees it (the day whose rates a costing takes by default). */
export async function today(q: Queryable): Promise<string> {
  return (await q.query<{ d: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS d`)).rows[0]!.d;
}

/**
 * A planned start as written, checked: null for none (as soon as possible); else a real day
 * from today to MAX_PLANNED_DAYS ahead (today as the database sees it), or INVALID_PLANNED_START
 * (400) naming the field. A day already past is refused: a plan starts today at the earliest.
 */
export async function checkedPlannedStart(q: Queryable, plannedStart: string | null | undefined): Promise<string | null> {
  const day = plannedStart?.trim() || null;
  if (day === null) return null;
  const refuse = (message: string) =>
    new LotError('INVALID_PLANNED_START', `plannedStart: ${message}`, 'usage', { plannedStart: day, fields: [{ path: 'plannedStart', message }] });
  if (!isDay(day)) throw refuse(`write a real day as YYYY-MM-DD (not ${JSON.stringify(day)}), or nothing for as soon as possible`);
  const r = await q.query<{ first: string; last: string }>(
    `SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS first, to_char(CURRENT_DATE + $1::int, 'YYYY-MM-DD') AS last`,
    [MAX_PLANNED_DAYS],
  );
  const { first, last } = r.rows[0]!;
  if (day < first || day > last) throw refuse(`write a day from today (${first}) to ${last}, not ${day}`);
  return day;
}

/** A lot's cost must fit production_lots' numeric(16,2). */
const LOT_COST_LIMIT = 10n ** 14n;

/**
 * A lot's costing from the process costed for the lot's quantity. LOT_COST_TOO_LARGE (409) when
 * a total would not fit production_lots' numeric(16,2).
 */
export function lotCosting(lotNumber: string | null, costing: ProcessCost, ratesAt: string, selections: LotCosting['selections']): LotCosting {
  if ([costing.total.worst, costing.total.best].some((t) => BigInt(t.split('.')[0]!) >= LOT_COST_LIMIT)) {
    throw new LotError(
      'LOT_COST_TOO_LARGE',
      `${lotNumber ? `lot ${lotNumber}` : 'the lot'} would cost ${costing.total.worst} at worst (${costing.quantity} units), more than a lot's cost can record: make smaller lots`,
      'state',
      {
        unit: costing.unit,
        quantity: costing.quantity,
      },
    );
  }
  return { ratesAt, quantity: costing.quantity, total: costing.total, complete: costing.complete, unpriced: costing.unpriced, selections, costing };
}

/**
 * Creates a lot in `planning` from an active, live process with at least one step: the lot
 * number from the column default (public.next_lot_number()), the worst- and best-case estimate
 * frozen now (over every alternative, so it bounds whatever is chosen; incomplete when a variant
 * has no rate), the selections given, and its first event (→ planning). Refusals: NOT_FOUND (no
 * such process), PROCESS_DELETED, PROCESS_NOT_ACTIVE, PROCESS_HAS_NO_STEPS, LOT_COST_TOO_LARGE
 * (409); INVALID_QUANTITY, SELECTION_INVALID, INVALID_PLANNED_START (400). `options.at` costs at another day's rates
 * (the demo seed's lots made in the past). The lot and its audit event (production_lot,
 * create, by `actor`) are written in one transaction: a refusal writes nothing.
 */
export async function createLot(db: Database, input: LotInput, actor: Actor, options: { at?: string } = {}): Promise<Lot> {
  return db.transaction((tx) => createLotIn(tx, input, actor, options));
}

/** `createLot` inside the caller's transaction (the demo seed makes its lots in its own). */
export async function createLotIn(q: Queryable, input: LotInput, actor: Actor, options: { at?: string } = {}): Promise<Lot> {
  const userId = actor.userId;
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_LOT_QUANTITY) {
    throw new LotError('INVALID_QUANTITY', `quantity: write a whole number from 1 to ${MAX_LOT_QUANTITY}`, 'usage', {
      fields: [{ path: 'quantity', message: `write a whole number from 1 to ${MAX_LOT_QUANTITY}` }],
    });
  }
  // Shared lock: the process cannot be archived or deleted under a lot being made from it.
  const p = await q.query<{ name: string; status: string; deleted: boolean; steps: number }>(
    `SELECT p.name, p.status, p.deleted_at IS NOT NULL AS deleted, (SELECT count(*)::int FROM public.process_subprocesses ps WHERE ps.process_id = p.id) AS steps
       FROM public.processes p WHERE p.id = $1 FOR SHARE`,
    [input.processId],
  );
  const process = p.rows[0];
  if (!process) throw new LotError('NOT_FOUND', `no process ${input.processId}`, 'state', { processId: input.processId });
  const details = { processId: input.processId, process: process.name, status: process.status };
  if (process.deleted)
    throw new LotError('PROCESS_DELETED', `process ${input.processId} (${process.name}) is deleted: restore it to make lots of it`, 'state', details);
  if (process.status !== 'active') {
    throw new LotError(
      'PROCESS_NOT_ACTIVE',
      `process ${input.processId} (${process.name}) is ${process.status}: only an active process can be produced; activate it first`,
      'state',
      details,
    );
  }
  if (process.steps === 0)
    throw new LotError(
      'PROCESS_HAS_NO_STEPS',
      `process ${input.processId} (${process.name}) has no steps: add a subprocess before making lots of it`,
      'state',
      details,
    );
  const selections = input.selections ?? [];
  await validateSelections(q, input.processId, selections);
  const plannedStart = await checkedPlannedStart(q, input.plannedStart);

  const ratesAt = options.at ?? (await today(q));
  const costing = await costProcess(q, input.processId, { at: ratesAt, quantity: input.quantity });
  if (!costing) throw new LotError('NOT_FOUND', `no process ${input.processId}`, 'state', { processId: input.processId });
  const estimate = lotCosting(null, costing, ratesAt, []);
  const r = await q.query<{ id: number }>(
    `INSERT INTO public.production_lots (process_id, quantity, status, notes, created_by, worst_case_estimated_cost, best_case_estimated_cost, estimate, planned_start)
     VALUES ($1, $2, 'planning', $3, $4, $5::numeric, $6::numeric, $7::jsonb, $8::date) RETURNING id`,
    [input.processId, input.quantity, input.notes?.trim() || null, userId, estimate.total.worst, estimate.total.best, JSON.stringify(estimate), plannedStart],
  );
  const lotId = r.rows[0]!.id;
  await writeSelections(q, lotId, selections);
  await q.query(`INSERT INTO public.production_lot_events (lot_id, from_status, to_status, reason, user_id) VALUES ($1, NULL, 'planning', 'created', $2)`, [
    lotId,
    userId,
  ]);
  const lot = (await getLot(q, lotId))!;
  await auditAs(q, actor, { action: 'create', entity: LOT_MACHINE.entity, entityId: lotId, after: lotAuditView(lot) });
  return lot;
}

/** What the audit trail keeps of a lot: its row and its choices, not the costing breakdown. */
export function lotAuditView(lot: Lot) {
  const { estimate, actual, events: _events, unselectedGroups: _unselected, selections, ...row } = lot;
  return {
    ...row,
    estimate: estimate && { ratesAt: estimate.ratesAt, total: estimate.total, complete: estimate.complete },
    actual: actual && { ratesAt: actual.ratesAt, total: actual.total, complete: actual.complete },
    selections: selections.map((s) => ({ groupId: s.groupId, variantId: s.variantId })),
  };
}
