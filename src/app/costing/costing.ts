import type { Queryable } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';

/**
 * Worst- and best-case costing of processes, computed by PostgreSQL in NUMERIC: one query
 * however many processes, steps and lines are costed (no query per process or per line).
 *
 * Rules (issue 6, price breaks issue 22): a variant's worst unit cost is the highest price,
 * among its rates that are active and in effect on the day (effective_from ≤ day ≤
 * effective_to, open-ended when null), at the quantity the run buys of it; its best unit
 * cost the lowest such price. A rate's price at a quantity is that of the largest break the
 * quantity reaches, else the rate's own cost (public.rate_price_at). The quantity a run of N
 * buys of a variant is N × the sum of the quantities of the process's plain lines (not in a
 * substitute group) using it, across all its steps: they are bought together. A substitute
 * alternative is priced at what the run would buy of its variant were it chosen: N × (its
 * own line's quantity + those plain lines'). So a variant on two plain lines of 2 and 3 in
 * a run of 40 is priced at 200 units, on both lines. A line costs unit cost × quantity; a substitute group
 * costs the largest (worst) / smallest (best) of its alternatives' unit cost × that
 * alternative's quantity; a step costs its lines + its groups + its cost items (quantity ×
 * rate); a process costs its steps + its additional costs. An additional cost is either per
 * unit (is_fixed false) or fixed, once per run (is_fixed true: tooling, a setup); so the cost
 * of making `quantity` units is (steps + per-unit additional costs) × quantity + fixed costs,
 * and quantity defaults to the process's usual lot size (its `lot_size`, 1 unless set), so a
 * margin shown without a quantity is that of a usual run. A variant without such a rate is
 * listed as unpriced and the result is incomplete: its lines add nothing (never a cost of 0
 * presented as known), so the figures are then lower bounds. Every figure is a sum of
 * unrounded values, rounded to 2 decimals only when presented.
 */

/** Money as NUMERIC text with 2 decimals: the dearest and the cheapest case. */
export interface CostFigure {
  worst: string;
  best: string;
}

/** A variant a costed process uses that has no active rate in effect on the day. */
export interface UnpricedVariant {
  variantId: number;
  item: string;
  color: string;
  size: string;
}

/** One substitute group of a step: what it costs and which alternative decides it. */
export interface GroupCost {
  groupId: number;
  name: string;
  /** The alternative costing most (null when no alternative is priced). */
  worstVariantId: number | null;
  /** The alternative costing least (null when no alternative is priced). */
  bestVariantId: number | null;
  worst: string;
  best: string;
}

/** One step of a process, its custom name or else its library subprocess's name. */
export interface SubprocessCost {
  processSubprocessId: number;
  sequenceOrder: number;
  name: string;
  lines: CostFigure;
  groups: CostFigure;
  costItems: string;
  total: CostFigure;
  groupDetail: GroupCost[];
}

/** What a run of `quantity` units of a process's output costs, at worst and at best. */
export interface ProcessCost {
  processId: number;
  name: string;
  status: string;
  salesPrice: string | null;
  /** How many units were costed: the quantity asked for, else the process's usual lot size. */
  quantity: number;
  /** The whole run: (steps + additionalCosts) × quantity + fixedCosts. */
  total: CostFigure;
  /** total / quantity: one unit's share, fixed costs spread over the run. */
  unit: CostFigure;
  /** False when any used variant has no active unexpired rate: the figures are then lower bounds. */
  complete: boolean;
  unpriced: UnpricedVariant[];
  /** Per unit, like additionalCosts. */
  subprocesses: SubprocessCost[];
  /** The additional costs per unit (is_fixed false). */
  additionalCosts: string;
  /** The additional costs fixed per run (is_fixed true), counted once whatever the quantity. */
  fixedCosts: string;
  /** salesPrice × quantity − total (worst: − total.worst); null without a sales price. */
  profit: CostFigure | null;
  /** profit / (salesPrice × quantity) as a percentage with 2 decimals; null without a sales price or when it is 0. */
  margin: CostFigure | null;
}

export interface CostOptions {
  /** substitute_group_id → the chosen variant_id: such a group costs only that alternative, worst and best alike. */
  selections?: Map<number, number>;
  /** The day (YYYY-MM-DD) whose rates count; default today in the database's time zone. */
  at?: string;
  /** How many units the run makes (a whole number ≥ 1; default each process's usual lot size). */
  quantity?: number;
}

/**
 * An error of costing, all `usage` (400): `INVALID_DATE` for an `at` that is not a real
 * YYYY-MM-DD day; `INVALID_QUANTITY` for a quantity that is not a whole number ≥ 1; `INVALID_SELECTION` when a selection names a variant that is not an
 * alternative of its (live) group.
 */
export class CostingError extends MtcError {}

/** True for a real calendar day written YYYY-MM-DD (2024-02-29 yes, 2023-02-29 no). */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The whole computation, from the processes ($1) on the day ($2, null for today) with the
 * selections ($3 group ids, $4 variant ids), plus one row when a selection is invalid. The
 * CTEs follow the rules: the lines that count → unit costs of their variants → one
 * aggregation of lines and alternatives per step and group → groups → steps → processes.
 * One row per live process, the nested parts as JSON whose money is text (never a JSON
 * number).
 *
 * Shaped for PostgreSQL's planner (bench/costing): `step` and `used`, the CTEs over the
 * lines, are NOT MATERIALIZED, so each use is planned over the tables and their statistics
 * (a materialised CTE has none, and the wild row estimates that followed made the server
 * JIT-compile and spill for seconds); only `bought` (the lines with the quantity a run buys),
 * `priced` (one row per variant and quantity bought) and `agg` (one row per step and group)
 * are materialised. The lines are read twice (their variants, then their costs) and aggregated
 * once; the alternative deciding a group is the max/min of an array [cost, ±line id,
 * variant], so no sort is needed.
 */
/** A rate `r` that counts on the day `day.d`: active, and in effect (its period open-ended when effective_to is null). */
const RATE_IN_EFFECT = 'r.is_active AND r.effective_from <= day.d AND (r.effective_to IS NULL OR r.effective_to >= day.d)';

const COST_SQL = `
WITH day AS (SELECT coalesce($2::date, CURRENT_DATE) AS d),
chosen AS (SELECT DISTINCT ON (group_id) group_id, variant_id FROM unnest($3::int[], $4::int[]) AS c(group_id, variant_id)),
step AS NOT MATERIALIZED (
  SELECT ps.id, ps.process_id, ps.sequence_order, ps.subprocess_id, ps.custom_name
    FROM public.process_subprocesses ps
   WHERE ps.process_id = ANY($1::int[])),
-- The run of each process: the quantity asked for, else the process's usual lot size.
run AS (SELECT p.id AS process_id, coalesce($5::int, p.lot_size)::numeric AS n FROM public.processes p WHERE p.id = ANY($1::int[])),
-- The lines and alternatives that count: plain lines, and the alternatives of live groups
-- (only the chosen one where the group has a selection).
used AS NOT MATERIALIZED (
  SELECT vu.id, vu.process_subprocess_id AS step_id, step.process_id, vu.variant_id, vu.quantity, vu.substitute_group_id AS group_id
    FROM step
    JOIN public.variant_usage vu ON vu.process_subprocess_id = step.id
    LEFT JOIN public.substitute_groups g ON g.id = vu.substitute_group_id
    LEFT JOIN chosen c ON c.group_id = vu.substitute_group_id
   WHERE vu.substitute_group_id IS NULL OR (g.deleted_at IS NULL AND (c.variant_id IS NULL OR c.variant_id = vu.variant_id))),
-- What a run buys of each variant on the process's plain lines, then what each line is priced
-- at: that (plus its own quantity for an alternative), times the run.
plain AS (
  SELECT u.process_id, u.variant_id, sum(u.quantity) AS quantity FROM used u WHERE u.group_id IS NULL GROUP BY u.process_id, u.variant_id),
bought AS MATERIALIZED (
  SELECT u.id, u.step_id, u.group_id, u.variant_id, u.quantity,
         (coalesce(pl.quantity, 0) + CASE WHEN u.group_id IS NULL THEN 0 ELSE u.quantity END) * run.n AS bought
    FROM used u
    JOIN run ON run.process_id = u.process_id
    LEFT JOIN plain pl ON pl.process_id = u.process_id AND pl.variant_id = u.variant_id),
-- Each variant's dearest and cheapest price at each quantity bought (plain lines of a variant
-- share one quantity, so it is priced once), over its rates that count. A rate's price at a
-- quantity is public.rate_price_at's rule written as a join: the cost of its largest break
-- reached (max of [min_quantity, cost] arrays), else its own. Not a call of that function: a
-- SQL function holding a subquery is never inlined, and a call per row cost ~40 µs (10 s
-- over 200,000 pairs in bench/costing) and an estimate that made the planner JIT-compile.
priced AS MATERIALIZED (
  SELECT x.variant_id, x.quantity, max(x.price) AS worst, min(x.price) AS best
    FROM (SELECT q.variant_id, q.quantity, coalesce((max(ARRAY[b.min_quantity, b.cost_per_unit]))[2], r.cost_per_unit) AS price
            FROM (SELECT DISTINCT variant_id, bought AS quantity FROM bought) q
            JOIN public.variant_supplier_pricing r ON r.variant_id = q.variant_id
            CROSS JOIN day
            LEFT JOIN public.variant_supplier_price_breaks b ON b.rate_id = r.id AND b.min_quantity <= q.quantity
           WHERE ${RATE_IN_EFFECT}
           GROUP BY q.variant_id, q.quantity, r.id, r.cost_per_unit) x
   GROUP BY x.variant_id, x.quantity),
-- Per step: its plain lines (group_id null) summed; per group: its alternatives' dearest and cheapest.
agg AS (
  SELECT u.step_id, u.group_id,
         sum(unit.worst * u.quantity) FILTER (WHERE u.group_id IS NULL) AS sum_worst,
         sum(unit.best * u.quantity) FILTER (WHERE u.group_id IS NULL) AS sum_best,
         max(ARRAY[unit.worst * u.quantity, -u.id, u.variant_id]) FILTER (WHERE u.group_id IS NOT NULL AND unit.worst IS NOT NULL) AS worst_pick,
         min(ARRAY[unit.best * u.quantity, u.id, u.variant_id]) FILTER (WHERE u.group_id IS NOT NULL AND unit.best IS NOT NULL) AS best_pick,
         array_agg(u.variant_id) FILTER (WHERE unit.worst IS NULL) AS unpriced
    FROM bought u LEFT JOIN priced unit ON unit.variant_id = u.variant_id AND unit.quantity = u.bought
   GROUP BY u.step_id, u.group_id),
grp AS (
  SELECT g.process_subprocess_id AS step_id, g.id, g.group_name AS name,
         coalesce(a.worst_pick[1], 0) AS worst, coalesce(a.best_pick[1], 0) AS best,
         a.worst_pick[3]::int AS worst_variant, a.best_pick[3]::int AS best_variant
    FROM step
    JOIN public.substitute_groups g ON g.process_subprocess_id = step.id
    LEFT JOIN agg a ON a.group_id = g.id
   WHERE g.deleted_at IS NULL),
grp_sum AS (
  SELECT step_id, sum(worst) AS worst, sum(best) AS best,
         json_agg(json_build_object('groupId', id, 'name', name, 'worstVariantId', worst_variant, 'bestVariantId', best_variant,
                                    'worst', round(worst, 2)::text, 'best', round(best, 2)::text) ORDER BY id) AS detail
    FROM grp GROUP BY step_id),
item_sum AS (
  SELECT ci.process_subprocess_id AS step_id, sum(ci.quantity * ci.rate) AS amount
    FROM step JOIN public.cost_items ci ON ci.process_subprocess_id = step.id GROUP BY ci.process_subprocess_id),
step_cost AS (
  SELECT step.id, step.process_id, step.sequence_order, coalesce(step.custom_name, s.name) AS name,
         coalesce(l.sum_worst, 0) AS lines_worst, coalesce(l.sum_best, 0) AS lines_best,
         coalesce(g.worst, 0) AS groups_worst, coalesce(g.best, 0) AS groups_best,
         coalesce(i.amount, 0) AS items, coalesce(g.detail, '[]'::json) AS detail
    FROM step
    JOIN public.subprocesses s ON s.id = step.subprocess_id
    LEFT JOIN agg l ON l.step_id = step.id AND l.group_id IS NULL
    LEFT JOIN grp_sum g ON g.step_id = step.id
    LEFT JOIN item_sum i ON i.step_id = step.id),
step_sum AS (
  SELECT process_id, sum(lines_worst + groups_worst + items) AS worst, sum(lines_best + groups_best + items) AS best,
         json_agg(json_build_object(
           'processSubprocessId', id, 'sequenceOrder', sequence_order, 'name', name,
           'lines', json_build_object('worst', round(lines_worst, 2)::text, 'best', round(lines_best, 2)::text),
           'groups', json_build_object('worst', round(groups_worst, 2)::text, 'best', round(groups_best, 2)::text),
           'costItems', round(items, 2)::text,
           'total', json_build_object('worst', round(lines_worst + groups_worst + items, 2)::text, 'best', round(lines_best + groups_best + items, 2)::text),
           'groupDetail', detail) ORDER BY sequence_order, id) AS steps
    FROM step_cost GROUP BY process_id),
extra AS (
  SELECT a.process_id, coalesce(sum(a.amount) FILTER (WHERE NOT a.is_fixed), 0) AS per_unit, coalesce(sum(a.amount) FILTER (WHERE a.is_fixed), 0) AS fixed
    FROM public.additional_costs a WHERE a.process_id = ANY($1::int[]) GROUP BY a.process_id),
unpriced AS (
  SELECT x.process_id,
         json_agg(json_build_object('variantId', x.variant_id, 'item', i.name, 'color', coalesce(cm.color_name, ''), 'size', coalesce(sm.size_name, ''))
                  ORDER BY x.variant_id) AS variants
    FROM (SELECT DISTINCT step.process_id, v.variant_id FROM agg JOIN step ON step.id = agg.step_id CROSS JOIN unnest(agg.unpriced) AS v(variant_id)) x
    JOIN public.item_variant v ON v.variant_id = x.variant_id
    JOIN public.item_master i ON i.item_id = v.item_id
    LEFT JOIN public.color_master cm ON cm.color_id = v.color_id
    LEFT JOIN public.size_master sm ON sm.size_id = v.size_id
   GROUP BY x.process_id),
-- A selection of a live group of these processes whose variant is none of its alternatives.
bad_choice AS (
  SELECT json_agg(json_build_object('groupId', g.id, 'variantId', c.variant_id) ORDER BY g.id) AS choices
    FROM chosen c
    JOIN public.substitute_groups g ON g.id = c.group_id AND g.deleted_at IS NULL
    JOIN step ON step.id = g.process_subprocess_id
   WHERE NOT EXISTS (SELECT 1 FROM public.variant_usage vu WHERE vu.substitute_group_id = g.id AND vu.variant_id = c.variant_id)),
total AS (
  SELECT p.id, p.name, p.status, run.n AS quantity, p.sales_price * run.n AS sales,
         (coalesce(s.worst, 0) + coalesce(e.per_unit, 0)) * run.n + coalesce(e.fixed, 0) AS worst,
         (coalesce(s.best, 0) + coalesce(e.per_unit, 0)) * run.n + coalesce(e.fixed, 0) AS best, p.sales_price,
         coalesce(e.per_unit, 0) AS extra, coalesce(e.fixed, 0) AS fixed, coalesce(s.steps, '[]'::json) AS steps, coalesce(u.variants, '[]'::json) AS unpriced
    FROM public.processes p
    JOIN run ON run.process_id = p.id
    LEFT JOIN step_sum s ON s.process_id = p.id
    LEFT JOIN extra e ON e.process_id = p.id
    LEFT JOIN unpriced u ON u.process_id = p.id
   WHERE p.id = ANY($1::int[]) AND p.deleted_at IS NULL)
SELECT t.id AS "processId", t.name, t.status, t.sales_price::text AS "salesPrice", t.quantity::int AS quantity,
       round(t.worst, 2)::text AS worst, round(t.best, 2)::text AS best,
       round(t.worst / t.quantity, 2)::text AS "unitWorst", round(t.best / t.quantity, 2)::text AS "unitBest",
       round(t.extra, 2)::text AS "additionalCosts", round(t.fixed, 2)::text AS "fixedCosts", t.steps AS subprocesses, t.unpriced,
       round(t.sales - t.worst, 2)::text AS "profitWorst", round(t.sales - t.best, 2)::text AS "profitBest",
       round((t.sales - t.worst) * 100 / nullif(t.sales, 0), 2)::text AS "marginWorst",
       round((t.sales - t.best) * 100 / nullif(t.sales, 0), 2)::text AS "marginBest",
       NULL::json AS bad
  FROM total t
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, choices FROM bad_choice WHERE choices IS NOT NULL`;

interface CostRow {
  processId: number | null;
  name: string;
  status: string;
  salesPrice: string | null;
  quantity: number;
  worst: string;
  best: string;
  unitWorst: string;
  unitBest: string;
  additionalCosts: string;
  fixedCosts: string;
  subprocesses: SubprocessCost[];
  unpriced: UnpricedVariant[];
  profitWorst: string | null;
  profitBest: string | null;
  marginWorst: string | null;
  marginBest: string | null;
  bad: { groupId: number; variantId: number }[] | null;
}

/**
 * The costs of many processes in one query (not one per process or per line), keyed by
 * process id; a process that does not exist or is deleted is absent. With `selections`
 * (substitute_group_id → chosen variant_id), each such group costs only the chosen
 * alternative, worst and best alike; selections of groups outside these processes are
 * ignored. `INVALID_DATE` for a bad `at`; `INVALID_SELECTION` when a chosen variant is not
 * an alternative of its group.
 */
export async function costProcesses(q: Queryable, processIds: number[], options: CostOptions = {}): Promise<Map<number, ProcessCost>> {
  const out = new Map<number, ProcessCost>();
  if (options.at !== undefined && !isDay(options.at)) {
    throw new CostingError('INVALID_DATE', `at: write a day as YYYY-MM-DD, such as 2026-11-05, not ${JSON.stringify(options.at)}`, 'usage', { field: 'at' });
  }
  const quantity = options.quantity;
  if (quantity !== undefined && (!Number.isSafeInteger(quantity) || quantity < 1)) {
    throw new CostingError('INVALID_QUANTITY', `quantity: write a whole number of at least 1, not ${JSON.stringify(options.quantity)}`, 'usage', {
      field: 'quantity',
    });
  }
  if (processIds.length === 0) return out;
  const selections = [...(options.selections ?? new Map<number, number>())];
  const r = await q.query<CostRow>(COST_SQL, [processIds, options.at ?? null, selections.map(([g]) => g), selections.map(([, v]) => v), quantity ?? null]);
  for (const row of r.rows) {
    if (row.bad) {
      const list = row.bad.map((b) => `variant ${b.variantId} for group ${b.groupId}`).join(', ');
      throw new CostingError('INVALID_SELECTION', `selections: choose one of each group's alternatives: ${list} is not one`, 'usage', { selections: row.bad });
    }
  }
  for (const row of r.rows) {
    const priced = row.salesPrice !== null;
    out.set(row.processId!, {
      processId: row.processId!,
      name: row.name,
      status: row.status,
      salesPrice: row.salesPrice,
      quantity: row.quantity,
      total: { worst: row.worst, best: row.best },
      unit: { worst: row.unitWorst, best: row.unitBest },
      complete: row.unpriced.length === 0,
      unpriced: row.unpriced,
      subprocesses: row.subprocesses,
      additionalCosts: row.additionalCosts,
      fixedCosts: row.fixedCosts,
      profit: priced ? { worst: row.profitWorst!, best: row.profitBest! } : null,
      margin: priced && row.marginWorst !== null ? { worst: row.marginWorst, best: row.marginBest! } : null,
    });
  }
  return out;
}

/** The cost of one process (see costProcesses), or null when there is no such live process. */
export async function costProcess(q: Queryable, processId: number, options: CostOptions = {}): Promise<ProcessCost | null> {
  return (await costProcesses(q, [processId], options)).get(processId) ?? null;
}

/** A process's cost without its per-step breakdown: a line of the costing overview. */
export type ProcessCostSummary = Omit<ProcessCost, 'subprocesses'>;

/**
 * The live processes (optionally of one status) by name, a page of them with their costs
 * (each at its usual lot size unless `quantity` is given), and how many match in all: two queries whatever the page size.
 */
export async function listProcessCosts(
  q: Queryable,
  filter: { status?: string; limit: number; offset: number; at?: string; quantity?: number },
): Promise<{ total: number; processes: ProcessCostSummary[] }> {
  if (filter.at !== undefined && !isDay(filter.at)) {
    throw new CostingError('INVALID_DATE', `at: write a day as YYYY-MM-DD, such as 2026-11-05, not ${JSON.stringify(filter.at)}`, 'usage', { field: 'at' });
  }
  const page = await q.query<{ id: number; total: string }>(
    `WITH matching AS (SELECT id, name FROM public.processes WHERE deleted_at IS NULL AND ($1::text IS NULL OR status = $1::text))
     SELECT m.id, (SELECT count(*) FROM matching)::text AS total FROM matching m ORDER BY lower(m.name), m.id LIMIT $2 OFFSET $3`,
    [filter.status ?? null, filter.limit, filter.offset],
  );
  const total =
    page.rows[0] !== undefined
      ? Number(page.rows[0].total)
      : Number(
          (
            await q.query<{ n: string }>(
              `SELECT count(*)::text AS n FROM public.processes WHERE deleted_at IS NULL AND ($1::text IS NULL OR status = $1::text)`,
              [filter.status ?? null],
            )
          ).rows[0]!.n,
        );
  const ids = page.rows.map((r) => r.id);
  const costs = await costProcesses(q, ids, {
    ...(filter.at !== undefined ? { at: filter.at } : {}),
    ...(filter.quantity !== undefined ? { quantity: filter.quantity } : {}),
  });
  const processes = ids.flatMap((id) => {
    const c = costs.get(id);
    if (!c) return []; // deleted between the two queries
    const { subprocesses: _steps, ...summary } = c;
    return [summary];
  });
  return { total, processes };
}

/** From a quantity bought on, a variant's dearest and cheapest price among its rates that count. */
export interface UnitCostBreak {
  fromQuantity: string;
  worst: string;
  best: string;
}

/**
 * A variant's unit cost on a day: its dearest and cheapest rate that counts, null for both when
 * none does (unpriced); with `breaks`, the dearest and cheapest price from each quantity at
 * which any of those rates has a break, smallest first (the price of N units is that of the
 * last break whose fromQuantity ≤ N, else worst and best).
 */
export interface UnitCost {
  variantId: number;
  worst: string | null;
  best: string | null;
  breaks: UnitCostBreak[];
}

/**
 * The unit costs of `variantIds` on `at` (YYYY-MM-DD, default the database's today), by the
 * costing's own rule (with the breaks at which they change), for a page that costs a process as it is edited: every variant asked
 * for, in the order asked, unpriced ones with nulls; unknown ids are left out.
 */
export async function unitCosts(q: Queryable, variantIds: readonly number[], at?: string): Promise<{ asOf: string; costs: UnitCost[] }> {
  const r = await q.query<{ as_of: string; costs: UnitCost[] | null }>(
    `WITH day AS (SELECT coalesce($2::date, CURRENT_DATE) AS d),
          asked AS (SELECT id, ord FROM unnest($1::int[]) WITH ORDINALITY AS a(id, ord)),
          unit AS (SELECT r.variant_id, max(r.cost_per_unit) AS worst, min(r.cost_per_unit) AS best
                     FROM public.variant_supplier_pricing r CROSS JOIN day
                    WHERE r.variant_id = ANY($1::int[]) AND ${RATE_IN_EFFECT}
                    GROUP BY r.variant_id),
          -- Every quantity at which a rate that counts has a break, and each variant's prices from there.
          point AS (SELECT DISTINCT r.variant_id, b.min_quantity
                      FROM public.variant_supplier_pricing r CROSS JOIN day
                      JOIN public.variant_supplier_price_breaks b ON b.rate_id = r.id
                     WHERE r.variant_id = ANY($1::int[]) AND ${RATE_IN_EFFECT}),
          stepped AS (SELECT pt.variant_id,
                             json_agg(json_build_object('fromQuantity', pt.min_quantity::text, 'worst', pt.worst::text, 'best', pt.best::text)
                                      ORDER BY pt.min_quantity) AS breaks
                        FROM (SELECT point.variant_id, point.min_quantity,
                                     max(public.rate_price_at(r.id, r.cost_per_unit, point.min_quantity)) AS worst,
                                     min(public.rate_price_at(r.id, r.cost_per_unit, point.min_quantity)) AS best
                                FROM point JOIN public.variant_supplier_pricing r ON r.variant_id = point.variant_id CROSS JOIN day
                               WHERE ${RATE_IN_EFFECT}
                               GROUP BY point.variant_id, point.min_quantity) pt
                       GROUP BY pt.variant_id)
     SELECT to_char(day.d, 'YYYY-MM-DD') AS as_of,
            (SELECT json_agg(json_build_object('variantId', v.variant_id, 'worst', unit.worst::text, 'best', unit.best::text,
                                               'breaks', coalesce(stepped.breaks, '[]'::json)) ORDER BY asked.ord)
               FROM asked JOIN public.item_variant v ON v.variant_id = asked.id
               LEFT JOIN unit ON unit.variant_id = v.variant_id
               LEFT JOIN stepped ON stepped.variant_id = v.variant_id) AS costs
       FROM day`,
    [variantIds, at ?? null],
  );
  const row = r.rows[0]!;
  return { asOf: row.as_of, costs: row.costs ?? [] };
}
