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
 * lot's need) and the variant's stock down by the same amount. The actual cost is taken at
 * today's rates with the lot's selections (the worst-case figure, i.e. each variant at its
 * highest current rate, for the lot's quantity) and stored with its variance against the worst-case
 * estimate. A consumed variant without a current rate does not stop the completion: the
 * actual is then marked incomplete (`actual.complete` false, `actual.unpriced` naming it) and
 * its cost is a lower bound.
 */
export async function consumeAndCost(q: Queryable, lot: LotSummary, userId: number | null, ratesAt?: string): Promise<LotCosting> {
  const unselected = await unselectedGroups(q, [lot.lotId]);
  if (unselected.length > 0) throw notReadyError(lot.lotNumber, unselected, 'completed');

  const planned = await lotNeeds(q, lot.lotId);
  await lockVariants(
    q,
    planned.map((n) => n.variantId),
  );
  // Read again now that the rows are ours: another lot may have consumed meanwhile.
  const needs = await lotNeeds(q, lot.lotId);
  if (needs.some((n) => !isZero(n.shortfall))) throw insufficientStockError(lot.lotNumber, needs, 'completed');

  await postStock(
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
  const actual = lotCosting(lot.lotNumber, costing, day, chosen);
  await q.query(
    `UPDATE public.production_lots SET actual = $2::jsonb, actual_cost = $3::numeric, cost_variance = $3::numeric - worst_case_estimated_cost WHERE id = $1`,
    [lot.lotId, JSON.stringify(actual), actual.total.worst],
  );
  return actual;
}
