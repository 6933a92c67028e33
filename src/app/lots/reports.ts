import type { Queryable } from '../../db/types.ts';
import { costProcesses } from '../costing/costing.ts';
import { NEEDS_SQL, unselectedGroups } from './needs.ts';
import type { AssumedChoice } from './needs.ts';
import { LOT_STATUSES, LotError } from './status.ts';
import type { LotStatus } from './status.ts';

/**
 * The production reports, each one or a few set-based queries. Days are UTC; a period given
 * as `from`/`to` is inclusive of both days. Money and quantities are decimal strings.
 */

export type Period = 'day' | 'week' | 'month';

/** A bucket of the lots-by-status report: lots created in it, by their status now. */
export interface StatusBucket {
  /** The first day of the bucket (weeks start on Monday). */
  start: string;
  total: number;
  counts: Record<LotStatus, number>;
}

/** At most this many buckets in one report: a day-by-day report spans less than three years. */
export const MAX_BUCKETS = 1000;

function checkPeriod(from: string, to: string): void {
  if (from > to)
    throw new LotError('INVALID_PERIOD', `the period ends (${to}) before it starts (${from})`, 'usage', {
      fields: [{ path: 'to', message: `is before from (${from}): write a day on or after it` }],
    });
}

/**
 * Lots created between `from` and `to` per day, week or month, counted by their current
 * status (from the lots per day of creation and status that migration 0029 keeps, not from
 * every lot); every bucket of the period is listed, empty ones with zeros. INVALID_PERIOD (400)
 * when `to` is before `from` or the period holds more than MAX_BUCKETS buckets.
 */
export async function lotsByStatus(
  q: Queryable,
  p: { from: string; to: string; period: Period },
): Promise<{ from: string; to: string; period: Period; buckets: StatusBucket[]; totals: StatusBucket['counts'] & { all: number } }> {
  checkPeriod(p.from, p.to);
  const unit = { day: '1 day', week: '1 week', month: '1 month' }[p.period];
  // Counted, not generated: a span of thousands of years is refused without making a row per day of it.
  const n = await q.query<{ n: number }>(
    `SELECT 1 + CASE $3::text
       WHEN 'day' THEN $2::date - $1::date
       WHEN 'week' THEN ($2::date - date_trunc('week', $1::date::timestamp)::date) / 7
       ELSE 12 * (extract(year FROM $2::date) - extract(year FROM $1::date))::int + (extract(month FROM $2::date) - extract(month FROM $1::date))::int
     END AS n`,
    [p.from, p.to, p.period],
  );
  if (n.rows[0]!.n > MAX_BUCKETS) {
    throw new LotError(
      'INVALID_PERIOD',
      `${n.rows[0]!.n} ${p.period}s from ${p.from} to ${p.to} is more than ${MAX_BUCKETS}: take a longer period or a shorter span`,
      'usage',
      {
        fields: [{ path: 'period', message: `gives ${n.rows[0]!.n} ${p.period}s, more than ${MAX_BUCKETS}: choose a longer period or a shorter span` }],
      },
    );
  }
  const r = await q.query<{ start: string; status: LotStatus | null; n: number }>(
    `WITH bucket AS (SELECT b::date AS start FROM generate_series(date_trunc($3, $1::date::timestamp), $2::date::timestamp, $4::interval) AS b),
     lot AS (
       SELECT date_trunc($3, d.day::timestamp)::date AS start, d.status, sum(d.lots)::int AS n
         FROM public.lot_status_days d
        WHERE d.day >= $1::date AND d.day <= $2::date
        GROUP BY 1, 2 HAVING sum(d.lots) <> 0)
     SELECT to_char(b.start, 'YYYY-MM-DD') AS start, lot.status, coalesce(lot.n, 0) AS n
       FROM bucket b LEFT JOIN lot ON lot.start = b.start
      ORDER BY b.start`,
    [p.from, p.to, p.period, unit],
  );
  const zero = () => Object.fromEntries(LOT_STATUSES.map((s) => [s, 0])) as Record<LotStatus, number>;
  const buckets = new Map<string, StatusBucket>();
  const totals = { ...zero(), all: 0 };
  for (const row of r.rows) {
    const b = buckets.get(row.start) ?? { start: row.start, total: 0, counts: zero() };
    buckets.set(row.start, b);
    if (row.status === null) continue;
    b.counts[row.status] += row.n;
    b.total += row.n;
    totals[row.status] += row.n;
    totals.all += row.n;
  }
  return { from: p.from, to: p.to, period: p.period, buckets: [...buckets.values()], totals };
}

/** Estimates against actual costs of one process's completed lots. */
export interface ProcessVariance {
  processId: number;
  process: string;
  lots: number;
  quantity: number;
  worstCaseEstimate: string;
  bestCaseEstimate: string;
  actual: string;
  /** actual − worst-case estimate: below zero when the lots cost less than the worst case. */
  variance: string;
  /** variance as a percentage of the worst-case estimate, null when that is 0. */
  variancePercent: string | null;
  /**
   * Completed lots whose actual cost is a lower bound: stock they consumed had no cost (their
   * valuation incomplete); for a lot completed before valuation, whose actual was taken at the
   * rates, a variant had no rate.
   */
  incompleteActuals: number;
}

const inPeriod = (column: string, from: string, to: string) =>
  `(${from}::date IS NULL OR ${column} >= ${from}::date::timestamp AT TIME ZONE 'UTC') AND (${to}::date IS NULL OR ${column} < (${to}::date + 1)::timestamp AT TIME ZONE 'UTC')`;

/**
 * Cost variance per process over the lots completed in the period (all time without one):
 * sums of the frozen estimates, of the actual costs and of their differences, the largest
 * overrun first. Lots without an estimate or an actual cost (made by the old application) are
 * left out.
 */
export async function costVarianceByProcess(q: Queryable, p: { from?: string; to?: string }): Promise<{ processes: ProcessVariance[] }> {
  if (p.from && p.to) checkPeriod(p.from, p.to);
  const r = await q.query<ProcessVariance>(
    `SELECT l.process_id AS "processId", pr.name AS process, count(*)::int AS lots, sum(l.quantity)::int AS quantity,
            sum(l.worst_case_estimated_cost)::text AS "worstCaseEstimate", coalesce(sum(l.best_case_estimated_cost), 0)::text AS "bestCaseEstimate",
            sum(l.actual_cost)::text AS actual, (sum(l.actual_cost) - sum(l.worst_case_estimated_cost))::text AS variance,
            round((sum(l.actual_cost) - sum(l.worst_case_estimated_cost)) * 100 / nullif(sum(l.worst_case_estimated_cost), 0), 2)::text AS "variancePercent",
            count(*) FILTER (WHERE coalesce(l.actual -> 'valuation' ->> 'complete', l.actual ->> 'complete')::boolean IS FALSE)::int AS "incompleteActuals"
       FROM public.production_lots l JOIN public.processes pr ON pr.id = l.process_id
      WHERE l.status = 'completed' AND l.actual_cost IS NOT NULL AND l.worst_case_estimated_cost IS NOT NULL AND ${inPeriod('l.completed_at', '$1', '$2')}
      GROUP BY l.process_id, pr.name
      ORDER BY sum(l.actual_cost) - sum(l.worst_case_estimated_cost) DESC, lower(pr.name), l.process_id`,
    [p.from ?? null, p.to ?? null],
  );
  return { processes: r.rows };
}

/** How much of a variant production consumed. */
export interface VariantUsage {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  consumed: string;
  lots: number;
}

/**
 * The variants production consumed most in the period (from the ledger's 'production' rows), the
 * most first. Over all time (no `from` nor `to`) it reads the ledger's totals per variant
 * (migration 0028), in the order of their usage index, instead of summing the ledger.
 */
export async function mostUsedVariants(q: Queryable, p: { from?: string; to?: string; limit: number }): Promise<{ variants: VariantUsage[] }> {
  if (p.from && p.to) checkPeriod(p.from, p.to);
  if (!p.from && !p.to) {
    const r = await q.query<VariantUsage>(
      `SELECT t.variant_id AS "variantId", i.name AS item, c.color_name AS color, s.size_name AS size, v.unit,
              (-t.production_quantity)::text AS consumed, t.production_lots AS lots
         FROM public.ledger_variant_totals t
         JOIN public.item_variant v ON v.variant_id = t.variant_id
         JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id
         JOIN public.size_master s ON s.size_id = v.size_id
        WHERE t.production_rows > 0
        ORDER BY t.production_quantity, lower(t.item_name), t.variant_id
        LIMIT $1`,
      [p.limit],
    );
    return { variants: r.rows };
  }
  const r = await q.query<VariantUsage>(
    `SELECT t.variant_id AS "variantId", i.name AS item, c.color_name AS color, s.size_name AS size, v.unit,
            (-sum(t.quantity))::text AS consumed, count(DISTINCT t.production_lot_id)::int AS lots
       FROM public.inventory_transactions t
       JOIN public.item_variant v ON v.variant_id = t.variant_id
       JOIN public.item_master i ON i.item_id = v.item_id
       JOIN public.color_master c ON c.color_id = v.color_id
       JOIN public.size_master s ON s.size_id = v.size_id
      WHERE t.transaction_type = 'production' AND ${inPeriod('t.created_at', '$1', '$2')}
      GROUP BY t.variant_id, i.name, c.color_name, s.size_name, v.unit
      ORDER BY -sum(t.quantity) DESC, lower(i.name), t.variant_id
      LIMIT $3`,
    [p.from ?? null, p.to ?? null, p.limit],
  );
  return { variants: r.rows };
}

/** How much a library subprocess is used. */
export interface SubprocessUsage {
  subprocessId: number;
  name: string;
  /** Live processes with a step of it. */
  processes: number;
  /** Lots created in the period (any status) whose process has a step of it. */
  lots: number;
  /** Lots completed in the period whose process has a step of it, and the units they made. */
  completedLots: number;
  unitsCompleted: number;
}

/**
 * The library subprocesses by use: the units made by completed lots whose process has a step of
 * it, then completed lots, then lots of any status (created in the period), then how many live
 * processes use it. Subprocesses no lot ever used are left out.
 */
export async function mostUsedSubprocesses(q: Queryable, p: { from?: string; to?: string; limit: number }): Promise<{ subprocesses: SubprocessUsage[] }> {
  if (p.from && p.to) checkPeriod(p.from, p.to);
  const r = await q.query<SubprocessUsage>(
    `WITH uses AS (SELECT DISTINCT ps.subprocess_id, ps.process_id FROM public.process_subprocesses ps),
     lot AS (
       SELECT u.subprocess_id,
              count(*) FILTER (WHERE ${inPeriod('l.created_at', '$1', '$2')})::int AS lots,
              count(*) FILTER (WHERE l.status = 'completed' AND ${inPeriod('l.completed_at', '$1', '$2')})::int AS completed,
              coalesce(sum(l.quantity) FILTER (WHERE l.status = 'completed' AND ${inPeriod('l.completed_at', '$1', '$2')}), 0)::int AS units
         FROM uses u JOIN public.production_lots l ON l.process_id = u.process_id
        GROUP BY u.subprocess_id)
     SELECT s.id AS "subprocessId", s.name,
            (SELECT count(*)::int FROM uses u JOIN public.processes pr ON pr.id = u.process_id AND pr.deleted_at IS NULL WHERE u.subprocess_id = s.id) AS processes,
            lot.lots, lot.completed AS "completedLots", lot.units AS "unitsCompleted"
       FROM lot JOIN public.subprocesses s ON s.id = lot.subprocess_id
      WHERE lot.lots > 0 OR lot.completed > 0
      ORDER BY lot.units DESC, lot.completed DESC, lot.lots DESC, lower(s.name), s.id
      LIMIT $3`,
    [p.from ?? null, p.to ?? null, p.limit],
  );
  return { subprocesses: r.rows };
}

/** What the open lots need of one variant against what is on hand. */
export interface VariantNeed {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  needed: string;
  onHand: string;
  shortfall: string;
  /** The open lots that need it. */
  lots: number;
}

/** A choice the report assumed for a lot's unselected group. */
export interface AssumedSelection {
  lotId: number;
  lotNumber: string;
  groupId: number;
  group: string;
  variantId: number;
  /** Why this alternative: the costliest at today's worst rates, or (none priced) the one used most. */
  basis: 'worst cost' | 'largest quantity';
}

/**
 * The stock the lots in planning and ready need, per variant, against the stock on hand, the
 * biggest shortfall first. A group a lot has not chosen for is counted at its worst-case
 * alternative: the one costing most at today's worst rates (the costing's worstVariantId), or,
 * when none of its alternatives has a rate, the one used in the largest quantity; each such
 * assumption is listed.
 */
export async function stockNeededByOpenLots(q: Queryable): Promise<{ lots: number; variants: VariantNeed[]; assumed: AssumedSelection[] }> {
  // Only the open lots whose process has a step can need stock or have a group to choose: the
  // others are counted (an index-only count) but not read, nor sent back in the queries below.
  const openLots = Number(
    (await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.production_lots WHERE status IN ('planning', 'ready')`)).rows[0]!.n,
  );
  if (openLots === 0) return { lots: 0, variants: [], assumed: [] };
  const open = await q.query<{ id: number; lotNumber: string; processId: number }>(
    `SELECT id, lot_number AS "lotNumber", process_id AS "processId" FROM public.production_lots
      WHERE status IN ('planning', 'ready') AND process_id IN (SELECT ps.process_id FROM public.process_subprocesses ps) ORDER BY id`,
  );
  const lotIds = open.rows.map((l) => l.id);
  if (lotIds.length === 0) return { lots: openLots, variants: [], assumed: [] };
  const lotNumber = new Map(open.rows.map((l) => [l.id, l.lotNumber]));
  const unselected = await unselectedGroups(q, lotIds);
  const worst = new Map<number, number>();
  if (unselected.length > 0) {
    const costs = await costProcesses(q, [...new Set(open.rows.filter((l) => unselected.some((u) => u.lotId === l.id)).map((l) => l.processId))]);
    for (const c of costs.values())
      for (const s of c.subprocesses) for (const g of s.groupDetail) if (g.worstVariantId !== null) worst.set(g.groupId, g.worstVariantId);
  }
  const unpricedGroups = [...new Set(unselected.map((u) => u.groupId).filter((id) => !worst.has(id)))];
  const largest = new Map<number, number>();
  if (unpricedGroups.length > 0) {
    const r = await q.query<{ groupId: number; variantId: number }>(
      `SELECT DISTINCT ON (substitute_group_id) substitute_group_id AS "groupId", variant_id AS "variantId"
         FROM public.variant_usage WHERE substitute_group_id = ANY($1::int[]) ORDER BY substitute_group_id, quantity DESC, variant_id`,
      [unpricedGroups],
    );
    for (const row of r.rows) largest.set(row.groupId, row.variantId);
  }
  const assumed: AssumedSelection[] = [];
  for (const u of unselected) {
    const variantId = worst.get(u.groupId) ?? largest.get(u.groupId);
    if (variantId === undefined) continue; // a group without alternatives needs nothing
    assumed.push({
      lotId: u.lotId,
      lotNumber: lotNumber.get(u.lotId)!,
      groupId: u.groupId,
      group: u.name,
      variantId,
      basis: worst.has(u.groupId) ? 'worst cost' : 'largest quantity',
    });
  }
  const choices: AssumedChoice[] = assumed.map((a) => ({ lotId: a.lotId, groupId: a.groupId, variantId: a.variantId }));
  const r = await q.query<VariantNeed>(
    `WITH need AS (${NEEDS_SQL}),
     total AS (SELECT variant_id, sum(needed) AS needed, count(*)::int AS lots FROM need GROUP BY variant_id)
     SELECT v.variant_id AS "variantId", i.name AS item, c.color_name AS color, s.size_name AS size, v.unit,
            t.needed::text AS needed, v.stock::text AS "onHand", greatest(t.needed - v.stock, 0)::text AS shortfall, t.lots
       FROM total t
       JOIN public.item_variant v ON v.variant_id = t.variant_id
       JOIN public.item_master i ON i.item_id = v.item_id
       JOIN public.color_master c ON c.color_id = v.color_id
       JOIN public.size_master s ON s.size_id = v.size_id
      ORDER BY greatest(t.needed - v.stock, 0) DESC, lower(i.name), lower(c.color_name), lower(s.size_name), v.variant_id`,
    [lotIds, JSON.stringify(choices)],
  );
  return { lots: openLots, variants: r.rows, assumed };
}
