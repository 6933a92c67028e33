import type { Queryable } from '../../db/types.ts';
import { CostingError, costProcesses } from './costing.ts';
import type { ProcessCost } from './costing.ts';

/**
 * The margin watch: the active processes whose worst-case margin at today's rates (usual lot
 * size) is below their target, each with the changes of its variants' rates in the last `days`
 * days that may have put it there. A change is one of:
 * - `edited`: the rate's cost or period or active flag was changed through MTC (API, CLI,
 *   web), read from the audit trail: the cost before the window's first edit → the cost now;
 * - `started`: a rate whose period began in the window (a new price taking effect, even one
 *   entered long before): the cost of the same supplier's rate before it → its cost;
 * - `imported`: the rate was rewritten in the window without an audit event (an import writes
 *   its rows in bulk, and its job, not each rate, is audited): its cost now, the cost before
 *   unknown (null).
 * A rate only made in the window and never changed since is no change of a price and is not
 * listed. The watch says what moved, not how much each move cost: the what-if answers that
 * before a change is saved.
 */

/** A change of one rate of a variant a watched process uses. */
export interface RateChange {
  rateId: number;
  supplierId: number;
  firmName: string;
  variantId: number;
  variant: string;
  how: 'edited' | 'started' | 'imported';
  /** The day it changed: the last edit's, the day the rate started, or the day it was rewritten. */
  changedOn: string;
  /** The cost before, null when it is not known (an import's rewrite, a first rate). */
  previousCost: string | null;
  costPerUnit: string;
  isActive: boolean;
}

/** A process below its target margin at today's rates. */
export interface WatchedProcess
  extends Pick<ProcessCost, 'processId' | 'name' | 'status' | 'quantity' | 'salesPrice' | 'targetMargin' | 'ownTarget' | 'complete'> {
  /** Worst case: the margin in percent, the run's total and one unit's share. */
  margin: string;
  total: string;
  unit: string;
  /** The rate changes of its variants in the window, newest first (at most MAX_CHANGES). */
  changes: RateChange[];
}

export interface MarginWatch {
  asOf: string;
  days: number;
  /** How many active processes with a sales price were costed. */
  costed: number;
  /** Those below their target, lowest margin first. */
  processes: WatchedProcess[];
}

/** The most changes listed per process. */
export const MAX_CHANGES = 10;

/**
 * The margin watch over the last `days` days (1 to 365, default 30): every active process is
 * costed in one query, and the rate changes of the ones below target are read in one more.
 * `INVALID_DAYS` (400) for a window outside 1–365.
 */
export async function marginWatch(q: Queryable, options: { days?: number } = {}): Promise<MarginWatch> {
  const days = options.days ?? 30;
  if (!Number.isSafeInteger(days) || days < 1 || days > 365)
    throw new CostingError(
      'INVALID_DAYS',
      `days: write how many days back to look for rate changes, a whole number from 1 to 365, not ${JSON.stringify(days)}`,
      'usage',
      {
        field: 'days',
      },
    );
  const ids = (
    await q.query<{ id: number; today: string }>(
      `SELECT id, to_char(CURRENT_DATE, 'YYYY-MM-DD') AS today FROM public.processes WHERE deleted_at IS NULL AND status = 'active' AND sales_price IS NOT NULL ORDER BY id`,
    )
  ).rows;
  const asOf = ids[0]?.today ?? (await q.query<{ today: string }>(`SELECT to_char(CURRENT_DATE, 'YYYY-MM-DD') AS today`)).rows[0]!.today;
  const costs = await costProcesses(
    q,
    ids.map((r) => r.id),
    { at: asOf },
  );
  const below = [...costs.values()].filter((c) => c.belowTarget === true);
  const changes = await rateChanges(
    q,
    below.map((c) => c.processId),
    days,
  );
  const processes = below
    .map((c) => ({
      processId: c.processId,
      name: c.name,
      status: c.status,
      quantity: c.quantity,
      salesPrice: c.salesPrice,
      targetMargin: c.targetMargin,
      ownTarget: c.ownTarget,
      complete: c.complete,
      margin: c.margin!.worst,
      total: c.total.worst,
      unit: c.unit.worst,
      changes: changes.get(c.processId) ?? [],
    }))
    .sort((a, b) => Number(a.margin) - Number(b.margin) || a.name.localeCompare(b.name));
  return { asOf, days, costed: costs.size, processes };
}

/** The rate changes (see the module's comment) of the variants each process uses, newest first, MAX_CHANGES per process. */
async function rateChanges(q: Queryable, processIds: number[], days: number): Promise<Map<number, RateChange[]>> {
  const out = new Map<number, RateChange[]>();
  if (processIds.length === 0) return out;
  const r = await q.query<RateChange & { processId: number }>(
    `WITH since AS (SELECT CURRENT_DATE - $2::int AS d),
          used AS (SELECT DISTINCT ps.process_id, vu.variant_id
                     FROM public.process_subprocesses ps JOIN public.variant_usage vu ON vu.process_subprocess_id = ps.id
                    WHERE ps.process_id = ANY($1::int[])),
          rate AS (SELECT p.* FROM public.variant_supplier_pricing p WHERE p.variant_id IN (SELECT variant_id FROM used)),
          -- Edits through MTC in the window: the cost before the first, the day of the last.
          edit AS (SELECT e.entity_id::int AS rate_id, (array_agg(e.before->>'costPerUnit' ORDER BY e.created_at, e.id))[1] AS before_cost,
                          max(e.created_at)::date AS last_on
                     FROM public.audit_events e CROSS JOIN since
                    WHERE e.entity = 'supplier_rate' AND e.action = 'update' AND e.created_at >= since.d
                      AND e.entity_id IN (SELECT id::text FROM rate)
                    GROUP BY e.entity_id),
          change AS (
            SELECT rate.id, 'edited' AS how, edit.last_on AS changed_on, edit.before_cost::numeric AS previous
              FROM rate JOIN edit ON edit.rate_id = rate.id
            UNION ALL
            SELECT rate.id, 'started', rate.effective_from,
                   (SELECT b.cost_per_unit FROM public.variant_supplier_pricing b
                     WHERE b.supplier_id = rate.supplier_id AND b.variant_id = rate.variant_id AND b.effective_from < rate.effective_from
                     ORDER BY b.effective_from DESC, b.id DESC LIMIT 1)
              FROM rate CROSS JOIN since
             WHERE rate.is_active AND rate.effective_from > since.d AND rate.effective_from <= CURRENT_DATE
            UNION ALL
            SELECT rate.id, 'imported', rate.updated_at::date, NULL
              FROM rate CROSS JOIN since
             WHERE rate.updated_at >= since.d AND rate.updated_at > rate.created_at AND NOT EXISTS (SELECT 1 FROM edit WHERE edit.rate_id = rate.id)),
          listed AS (
            SELECT used.process_id, c.*, rate.supplier_id, rate.variant_id, rate.cost_per_unit, rate.is_active,
                   row_number() OVER (PARTITION BY used.process_id ORDER BY c.changed_on DESC, c.id DESC) AS n
              FROM change c JOIN rate ON rate.id = c.id JOIN used ON used.variant_id = rate.variant_id)
     SELECT l.process_id AS "processId", l.id AS "rateId", l.supplier_id AS "supplierId", s.firm_name AS "firmName", l.variant_id AS "variantId",
            concat_ws(' · ', i.name, cm.color_name, sm.size_name) AS variant, l.how, to_char(l.changed_on, 'YYYY-MM-DD') AS "changedOn",
            l.previous::text AS "previousCost", l.cost_per_unit::text AS "costPerUnit", l.is_active AS "isActive"
       FROM listed l
       JOIN public.suppliers s ON s.supplier_id = l.supplier_id
       JOIN public.item_variant v ON v.variant_id = l.variant_id
       JOIN public.item_master i ON i.item_id = v.item_id
       LEFT JOIN public.color_master cm ON cm.color_id = v.color_id
       LEFT JOIN public.size_master sm ON sm.size_id = v.size_id
      WHERE l.n <= ${MAX_CHANGES}
      ORDER BY l.process_id, l.n`,
    [processIds, days],
  );
  for (const { processId, ...change } of r.rows) {
    const list = out.get(processId) ?? [];
    list.push(change);
    out.set(processId, list);
  }
  return out;
}
