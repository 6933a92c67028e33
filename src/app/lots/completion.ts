import type { Queryable } from '../../db/types.ts';
import { costProcess } from '../costing/costing.ts';
import { postStock } from '../items/stock.ts';
import { lotCosting, today } from './lots.ts';
import type { LotCosting, LotSummary } from './lots.ts';
import { insufficientStockError, isZero, lockVariants, lotNeeds, notReadyError, unselectedGroups } from './needs.ts';
import { LotError } from './status.ts';

/**
 * What completing a lot does besides changing its status, in the caller's transaction (the
 * lot's row locked): every group must still have a valid choice (LOT_NOT_READY otherwise);
 * the variants it needs are locked in variant order, so lots competing for stock queue on them
 * without deadlocking, and checked again (INSUFFICIENT_STOCK, and nothing is changed, when any
 * is short); then each is consumed: one 'production' ledger row per variant (negative, the
 * lot's need), taken out of stock at the variant's moving weighted-average cost (postStock).
 * The actual cost is what the lot really cost: the value of what it consumed at those
 * average costs, plus its labour and additional costs (`valuation`), stored with its variance
 * against the worst-case estimate. Stock with no cost yet (from before costs were kept) makes
 * the actual incomplete (`valuation.complete` false, `valuation.uncosted` naming the variants):
 * its total is then a lower bound. The rate-based costing at the lot's selections is kept
 * beside it (`total`, `complete`, `unpriced`: what the same lot would cost at today's
 * highest rates). When the process names what it makes, the output (planned, or the quantity
 * the person gives with a reason) goes into stock as an 'output' ledger row at the lot's
 * actual unit cost, in the same transaction.
 */
export async function consumeAndCost(
  q: Queryable,
  lot: LotSummary,
  userId: number | null,
  options: { ratesAt?: string | undefined; outputQuantity: string | null; reason: string | null },
): Promise<LotCosting> {
  const ratesAt = options.ratesAt;
  const unselected = await unselectedGroups(q, [lot.lotId]);
  if (unselected.length > 0) throw notReadyError(lot.lotNumber, unselected, 'completed');

  const output = await plannedOutput(q, lot, options.outputQuantity, options.reason);
  const planned = await lotNeeds(q, lot.lotId);
  await lockVariants(q, [...planned.map((n) => n.variantId), ...(output ? [output.variantId] : [])]);
  // Read again now that the rows are ours: another lot may have consumed meanwhile.
  const needs = await lotNeeds(q, lot.lotId);
  if (needs.some((n) => !isZero(n.shortfall))) throw insufficientStockError(lot.lotNumber, needs, 'completed');

  const consumed = await postStock(
    q,
    [...needs]
      .sort((a, b) => a.variantId - b.variantId)
      .map((n) => ({
        variantId: n.variantId,
        type: 'production' as const,
        quantity: `-${n.needed}`,
        notes: `Consumed by ${lot.lotNumber}`,
        createdBy: userId,
        lotId: lot.lotId,
        reference: { type: 'production_lot', id: lot.lotId },
      })),
  );

  const chosen = (
    await q.query<{ groupId: number; variantId: number }>(
      `SELECT s.substitute_group_id AS "groupId", s.variant_id AS "variantId" FROM public.production_lot_selections s
         JOIN public.substitute_groups g ON g.id = s.substitute_group_id AND g.deleted_at IS NULL
        WHERE s.lot_id = $1 ORDER BY s.substitute_group_id`,
      [lot.lotId],
    )
  ).rows;
  const day = ratesAt ?? (await today(q));
  const costing = await costProcess(q, lot.processId, { selections: new Map(chosen.map((c) => [c.groupId, c.variantId])), at: day, quantity: lot.quantity });
  if (!costing) {
    throw new LotError(
      'PROCESS_DELETED',
      `process ${lot.processId} (${lot.process}) of lot ${lot.lotNumber} is deleted, so its cost cannot be taken: restore the process, or fail or cancel the lot`,
      'state',
      {
        processId: lot.processId,
        lotNumber: lot.lotNumber,
      },
    );
  }
  // What the lot really cost: what it consumed at the stock's average cost (the ledger's
  // values), plus its labour and additional costs (per unit × quantity, and the fixed ones once).
  const uncosted = consumed.filter((c) => c.value === null).map((c) => c.variantId);
  const figures = (
    await q.query<{ materials: string; conversion: string; total: string }>(
      `SELECT trim_scale(m.materials)::text AS materials, trim_scale(c.conversion)::text AS conversion, round(m.materials + c.conversion, 2)::text AS total
         FROM (SELECT coalesce(-sum(v), 0) AS materials FROM unnest($1::numeric[]) AS v) m,
              (SELECT ((SELECT coalesce(sum(x), 0) FROM unnest($2::numeric[]) AS x) + $3::numeric) * $4 + $5::numeric AS conversion) c`,
      [consumed.map((c) => c.value), costing.subprocesses.map((sp) => sp.costItems), costing.additionalCosts, lot.quantity, costing.fixedCosts],
    )
  ).rows[0]!;
  const actual: LotCosting = {
    ...lotCosting(lot.lotNumber, costing, day, chosen),
    valuation: { materials: figures.materials, conversion: figures.conversion, total: figures.total, complete: uncosted.length === 0, uncosted },
  };
  let outputUnitCost: string | null = null;
  if (output && Number(output.quantity) > 0) {
    outputUnitCost = (await q.query<{ c: string }>('SELECT trim_scale(round($1::numeric / $2::numeric, 6))::text AS c', [figures.total, output.quantity]))
      .rows[0]!.c;
    await postStock(q, [
      {
        variantId: output.variantId,
        type: 'output',
        quantity: output.quantity,
        unitCost: outputUnitCost,
        notes: `Made by ${lot.lotNumber}`,
        createdBy: userId,
        lotId: lot.lotId,
        reference: { type: 'production_lot', id: lot.lotId },
      },
    ]);
  }
  await q.query(
    `UPDATE public.production_lots SET actual = $2::jsonb, actual_cost = $3::numeric, cost_variance = $3::numeric - worst_case_estimated_cost,
            output_quantity = $4::numeric, output_reason = $5, output_unit_cost = $6::numeric WHERE id = $1`,
    [lot.lotId, JSON.stringify(actual), figures.total, output?.quantity ?? null, output?.differs ? options.reason : null, outputUnitCost],
  );
  return actual;
}

/**
 * What the lot puts into stock when it completes: its process's output variant, the process's
 * yield × the lot's quantity, or the quantity the person says it really yielded (then with a
 * reason: REASON_REQUIRED, 400, without one). Null when the process names no output.
 */
async function plannedOutput(
  q: Queryable,
  lot: LotSummary,
  given: string | null,
  reason: string | null,
): Promise<{ variantId: number; quantity: string; differs: boolean } | null> {
  const p = (
    await q.query<{ variantId: number | null; planned: string }>(
      'SELECT output_variant_id AS "variantId", trim_scale(output_quantity * $2)::text AS planned FROM public.processes WHERE id = $1',
      [lot.processId, lot.quantity],
    )
  ).rows[0];
  if (!p || p.variantId === null) {
    if (given !== null)
      throw new LotError('NO_OUTPUT', `the process of lot ${lot.lotNumber} names no output variant: there is no output quantity to record`, 'usage', {
        fields: [{ path: 'outputQuantity', message: 'is for a process that names what it makes' }],
      });
    return null;
  }
  if (given === null) return { variantId: p.variantId, quantity: p.planned, differs: false };
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(given))
    throw new LotError('INVALID_OUTPUT', 'outputQuantity: write a number of 0 or more with up to 3 decimals, such as 48', 'usage', {
      fields: [{ path: 'outputQuantity', message: 'write a number of 0 or more with up to 3 decimals, such as 48' }],
    });
  const differs = Number(given) !== Number(p.planned);
  if (differs && !reason)
    throw new LotError('REASON_REQUIRED', `lot ${lot.lotNumber} was to yield ${p.planned}: say why it yielded ${given}`, 'usage', {
      fields: [{ path: 'reason', message: `is required when the output (${given}) is not the planned ${p.planned}` }],
    });
  return { variantId: p.variantId, quantity: given, differs };
}
