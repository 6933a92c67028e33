import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import type { AuditAction } from '../audit/audit.ts';
import { validateSelections, writeSelections } from './choices.ts';
import type { SelectionInput } from './choices.ts';
import { consumeAndCost } from './completion.ts';
import { checkedPlannedStart, getLot, lockLot, lotAuditView, lotNotFound } from './lots.ts';
import type { Lot, LotSummary } from './lots.ts';
import { insufficientStockError, isZero, lotNeeds, notReadyError, unselectedGroups } from './needs.ts';
import { LOT_MACHINE, LotError, SELECTIONS_EDITABLE, transitionRefusal } from './status.ts';
import type { LotAction } from './status.ts';

/** Why a lot moves, and (for the demo seed's past completions) the day whose rates the actual cost takes. */
export interface TransitionOptions {
  reason?: string | null;
  ratesAt?: string;
  /** At completion: what the lot actually yielded, when it is not the process's yield × the lot's quantity (the reason says why). */
  outputQuantity?: string | null;
}

/**
 * Moves a lot's status by `action`: the one function that changes a lot's status, in one
 * transaction with the lot's row locked, its audit event (production_lot, transition, by
 * `actor`, before and after) in the same transaction. The move must be in LOT_MACHINE
 * (LOT_STATUS_FINAL or LOT_TRANSITION_REFUSED, 409, otherwise) and meet what it requires:
 * `ready` needs every substitute group chosen (LOT_NOT_READY) and enough stock for every
 * variant (INSUFFICIENT_STOCK, with `details.shortfalls`); `complete` consumes the stock and
 * records the actual cost (completion.ts); a move that needs a reason without one is
 * REASON_REQUIRED (400). Starting sets started_at, completing completed_at; the reason becomes
 * the lot's status_reason; every move is a production_lot_events row (from, to, reason, user).
 * NOT_FOUND (404) when there is no such lot. A refusal changes nothing and records nothing.
 * Whether the actor's role may make the move is the caller's to check (the route's permission).
 */
export async function transitionLot(db: Database, lotId: number, action: LotAction, actor: Actor, options: TransitionOptions = {}): Promise<Lot> {
  return db.transaction((tx) => transitionLotIn(tx, lotId, action, actor, options));
}

/** `transitionLot` inside the caller's transaction (the demo seed moves its lots in its own). */
export async function transitionLotIn(q: Queryable, lotId: number, action: LotAction, actor: Actor, options: TransitionOptions = {}): Promise<Lot> {
  return audited(q, lotId, 'transition', actor, async (lot) => move(q, lot, action, actor.userId, options));
}

/** Locks the lot, runs `change` on it, and records the change's audit event with the lot before and after. */
async function audited(q: Queryable, lotId: number, action: AuditAction, actor: Actor, change: (lot: LotSummary) => Promise<void>): Promise<Lot> {
  const lot = await lockLot(q, lotId);
  if (!lot) throw lotNotFound(lotId);
  const before = (await getLot(q, lotId))!;
  await change(lot);
  const after = (await getLot(q, lotId))!;
  await auditAs(q, actor, { action, entity: LOT_MACHINE.entity, entityId: lotId, before: lotAuditView(before), after: lotAuditView(after) });
  return after;
}

async function move(q: Queryable, lot: LotSummary, action: LotAction, userId: number | null, options: TransitionOptions): Promise<void> {
  const refusal = transitionRefusal(lot, action);
  if (refusal) throw refusal;
  const t = LOT_MACHINE.moves[action];
  const reason = options.reason?.trim() || null;
  if (t.needsReason && !reason) {
    throw new LotError('REASON_REQUIRED', `say why lot ${lot.lotNumber} is ${t.to}: a reason is required`, 'usage', {
      fields: [{ path: 'reason', message: 'is required' }],
    });
  }
  if (t.requires === 'selections and stock') {
    const unselected = await unselectedGroups(q, [lot.lotId]);
    if (unselected.length > 0) throw notReadyError(lot.lotNumber, unselected, t.done);
    const needs = await lotNeeds(q, lot.lotId);
    if (needs.some((n) => !isZero(n.shortfall))) throw insufficientStockError(lot.lotNumber, needs, t.done);
  } else if (t.requires === 'stock consumed') {
    await consumeAndCost(q, lot, userId, { ratesAt: options.ratesAt, outputQuantity: options.outputQuantity ?? null, reason });
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
    userId,
  ]);
}

/**
 * Sets a lot's substitute choices (a variant per group; null takes a choice back), while the lot
 * is planning or ready (LOT_NOT_EDITABLE, 409, otherwise); each must be one of its group's
 * alternatives (SELECTION_INVALID, 400). A ready lot whose choices change goes back to
 * planning (an event with the groups changed as its reason): readiness was checked for the old
 * choice, so it is marked ready again, and checked again. One transaction with its audit event
 * (production_lot, update, by `actor`); NOT_FOUND (404) when there is no such lot.
 */
export async function setSelections(db: Database, lotId: number, selections: readonly SelectionInput[], actor: Actor): Promise<Lot> {
  return db.transaction((tx) => setSelectionsIn(tx, lotId, selections, actor));
}

/** `setSelections` inside the caller's transaction. */
export async function setSelectionsIn(q: Queryable, lotId: number, selections: readonly SelectionInput[], actor: Actor): Promise<Lot> {
  return audited(q, lotId, 'update', actor, async (lot) => {
    if (!SELECTIONS_EDITABLE.includes(lot.status)) {
      throw new LotError(
        'LOT_NOT_EDITABLE',
        `lot ${lot.lotNumber} is ${lot.status}: its selections can change only while it is ${SELECTIONS_EDITABLE.join(' or ')}`,
        'state',
        {
          lotNumber: lot.lotNumber,
          status: lot.status,
        },
      );
    }
    const names = await validateSelections(q, lot.processId, selections);
    const changed = await writeSelections(q, lotId, selections);
    if (changed.length > 0 && LOT_MACHINE.moves.replan.from.includes(lot.status)) {
      await move(q, lot, 'replan', actor.userId, { reason: `selections changed: ${changed.map((id) => names.get(id) ?? `group ${id}`).join(', ')}` });
    }
  });
}

/**
 * Takes back the choice for one substitute group (as `setSelections` with null): NOT_FOUND (404)
 * when there is no such lot or the group is not one of its process's substitute groups.
 */
export async function clearSelection(db: Database, lotId: number, groupId: number, actor: Actor): Promise<Lot> {
  try {
    return await setSelections(db, lotId, [{ groupId, variantId: null }], actor);
  } catch (err) {
    if (err instanceof LotError && err.code === 'SELECTION_INVALID')
      throw new LotError('NOT_FOUND', `lot ${lotId} has no substitute group ${groupId} to choose for: ${err.message}`, 'state', { lotId, groupId });
    throw err;
  }
}

/**
 * Sets the day a lot is planned to start (null: as soon as possible), while it is planning or
 * ready (LOT_NOT_EDITABLE, 409, otherwise; readiness does not depend on the day, so a ready lot
 * stays ready); the day as checkedPlannedStart takes it (INVALID_PLANNED_START, 400). One
 * transaction with its audit event (production_lot, update, by `actor`); NOT_FOUND (404).
 */
export async function setPlannedStart(db: Database, lotId: number, plannedStart: string | null, actor: Actor): Promise<Lot> {
  return db.transaction((tx) =>
    audited(tx, lotId, 'update', actor, async (lot) => {
      if (!SELECTIONS_EDITABLE.includes(lot.status)) {
        throw new LotError(
          'LOT_NOT_EDITABLE',
          `lot ${lot.lotNumber} is ${lot.status}: its planned start can change only while it is ${SELECTIONS_EDITABLE.join(' or ')}`,
          'state',
          { lotNumber: lot.lotNumber, status: lot.status },
        );
      }
      const day = await checkedPlannedStart(tx, plannedStart);
      await tx.query('UPDATE public.production_lots SET planned_start = $2::date WHERE id = $1', [lotId, day]);
    }),
  );
}
