import type { Queryable } from '../../db/types.ts';
import { validateSelections, writeSelections } from './choices.ts';
import type { SelectionInput } from './choices.ts';
import { consumeAndCost } from './completion.ts';
import { getLot, lockLot } from './lots.ts';
import type { Lot, LotSummary } from './lots.ts';
import { insufficientStockError, isZero, lotNeeds, notReadyError, unselectedGroups } from './needs.ts';
import { LotError, SELECTIONS_EDITABLE, TRANSITIONS, transitionRefusal } from './status.ts';
import type { LotAction } from './status.ts';

/** A lot before and after a change, for the audit trail. */
export interface LotChange {
  before: Lot;
  after: Lot;
}

/**
 * Moves a lot's status by `action`: the one function that changes a lot's status, in the
 * caller's transaction, with the lot's row locked. The move must be in TRANSITIONS
 * (LOT_STATUS_FINAL or LOT_TRANSITION_REFUSED, 409, otherwise) and meet what it requires:
 * `ready` needs every substitute group chosen (LOT_NOT_READY) and enough stock for every
 * variant (INSUFFICIENT_STOCK, with `details.shortfalls`); `complete` consumes the stock and
 * records the actual cost (completion.ts); `fail` and `cancel` need a reason (REASON_REQUIRED,
 * 400). Starting sets started_at, completing completed_at; the reason becomes the lot's
 * status_reason; every move is a production_lot_events row (from, to, reason, user).
 * Null when there is no such lot.
 */
export async function transitionLot(q: Queryable, lotId: number, action: LotAction, by: TransitionBy): Promise<LotChange | null> {
  const lot = await lockLot(q, lotId);
  if (!lot) return null;
  const before = (await getLot(q, lotId))!;
  await move(q, lot, action, by);
  return { before, after: (await getLot(q, lotId))! };
}

/** Who moves a lot, why, and (for the demo seed's past completions) the day whose rates the actual cost takes. */
export interface TransitionBy {
  userId: number | null;
  reason?: string | null;
  ratesAt?: string;
}

async function move(q: Queryable, lot: LotSummary, action: LotAction, by: TransitionBy): Promise<void> {
  const refusal = transitionRefusal(lot, action);
  if (refusal) throw refusal;
  const t = TRANSITIONS[action];
  const reason = by.reason?.trim() || null;
  if (t.needsReason && !reason) {
    throw new LotError('REASON_REQUIRED', `say why lot ${lot.lotNumber} is ${t.to}: a reason is required`, 'usage', {
      fields: [{ path: 'reason', message: 'is required' }],
    });
  }
  if (t.requires === 'selections and stock') {
    const unselected = await unselectedGroups(q, [lot.lotId]);
    if (unselected.length > 0) throw notReadyError(lot.lotNumber, unselected, 'marked ready');
    const needs = await lotNeeds(q, lot.lotId);
    if (needs.some((n) => !isZero(n.shortfall))) throw insufficientStockError(lot.lotNumber, needs, 'marked ready');
  } else if (t.requires === 'stock consumed') {
    await consumeAndCost(q, lot, by.userId, by.ratesAt);
  }
  await q.query(
    `UPDATE public.production_lots SET status = $2::text, status_reason = $3,
            started_at = CASE WHEN $2::text = 'in_progress' THEN now() ELSE started_at END,
            completed_at = CASE WHEN $2::text = 'completed' THEN now() ELSE completed_at END
      WHERE id = $1`,
    [lot.lotId, t.to, reason],
  );
  await q.query('INSERT INTO public.production_lot_events (lot_id, from_status, to_status, reason, user_id) VALUES ($1, $2, $3, $4, $5)', [
    lot.lotId,
    lot.status,
    t.to,
    reason,
    by.userId,
  ]);
}

/**
 * Sets a lot's substitute choices (a variant per group; null takes a choice back), while the lot
 * is planning or ready (LOT_NOT_EDITABLE, 409, otherwise); each must be one of its group's
 * alternatives (SELECTION_INVALID, 400). A ready lot whose choices change goes back to
 * planning (an event with the groups changed as its reason): readiness was checked for the old
 * choice, so it is marked ready again, and checked again. Null when there is no such lot.
 */
export async function setSelections(q: Queryable, lotId: number, selections: readonly SelectionInput[], userId: number | null): Promise<LotChange | null> {
  const lot = await lockLot(q, lotId);
  if (!lot) return null;
  if (!SELECTIONS_EDITABLE.includes(lot.status)) {
    throw new LotError('LOT_NOT_EDITABLE', `lot ${lot.lotNumber} is ${lot.status}: its selections can change only while it is planning or ready`, 'state', {
      lotNumber: lot.lotNumber,
      status: lot.status,
    });
  }
  const before = (await getLot(q, lotId))!;
  const names = await validateSelections(q, lot.processId, selections);
  const changed = await writeSelections(q, lotId, selections);
  if (changed.length > 0 && lot.status === 'ready') {
    await move(q, lot, 'replan', { userId, reason: `selections changed: ${changed.map((id) => names.get(id) ?? `group ${id}`).join(', ')}` });
  }
  return { before, after: (await getLot(q, lotId))! };
}
