import { MtcError } from '../../errors.ts';

/**
 * An error of the lots area: `NOT_FOUND` (404), `usage` ones (400) and `state` ones (409)
 * such as LOT_TRANSITION_REFUSED, LOT_STATUS_FINAL, LOT_NOT_READY, INSUFFICIENT_STOCK,
 * LOT_NOT_EDITABLE, PROCESS_NOT_ACTIVE.
 */
export class LotError extends MtcError {}

/** A production lot's status, canonical and lower case (the CHECK constraint of production_lots). */
export const LOT_STATUSES = ['planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/** What a person (or a change of selections) does to a lot's status. */
export const LOT_ACTIONS = ['ready', 'start', 'complete', 'fail', 'cancel', 'replan'] as const;
export type LotAction = (typeof LOT_ACTIONS)[number];

export interface Transition {
  /** The statuses the action applies to. */
  from: readonly LotStatus[];
  to: LotStatus;
  /** The action must say why (it becomes the lot's status_reason and the event's reason). */
  needsReason: boolean;
  /** What has to hold beyond the status, checked by lifecycle.ts before the move. */
  requires: 'nothing' | 'selections and stock' | 'stock consumed';
}

/**
 * The lot state machine: the only moves there are. Every change of a lot's status goes
 * through `transitionLot` (lifecycle.ts), which refuses anything not in this table.
 *
 * `replan` (ready → planning) is not asked for by a person: it is what changing the
 * selections of a ready lot does, because readiness (every group chosen, stock enough) was
 * checked for the old choice; the planner marks the lot ready again, which checks anew.
 */
export const TRANSITIONS: Readonly<Record<LotAction, Transition>> = {
  ready: { from: ['planning'], to: 'ready', needsReason: false, requires: 'selections and stock' },
  start: { from: ['ready'], to: 'in_progress', needsReason: false, requires: 'nothing' },
  complete: { from: ['in_progress'], to: 'completed', needsReason: false, requires: 'stock consumed' },
  fail: { from: ['in_progress'], to: 'failed', needsReason: true, requires: 'nothing' },
  cancel: { from: ['planning', 'ready', 'in_progress'], to: 'cancelled', needsReason: true, requires: 'nothing' },
  replan: { from: ['ready'], to: 'planning', needsReason: false, requires: 'nothing' },
};

/** Statuses a lot never leaves. */
export const FINAL_STATUSES: readonly LotStatus[] = ['completed', 'failed', 'cancelled'];

/** Statuses in which a lot's substitute selections may change. */
export const SELECTIONS_EDITABLE: readonly LotStatus[] = ['planning', 'ready'];

/** Which actions the table allows from a status. */
export function actionsFrom(status: LotStatus): LotAction[] {
  return LOT_ACTIONS.filter((a) => a !== 'replan' && TRANSITIONS[a].from.includes(status));
}

const VERB: Record<LotAction, string> = {
  ready: 'marked ready',
  start: 'started',
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  replan: 'returned to planning',
};

/**
 * Null when the table allows `action` on a lot in `status`, else the refusal: LOT_STATUS_FINAL
 * for a lot that has ended, LOT_TRANSITION_REFUSED otherwise, each saying what the lot can do.
 */
export function transitionRefusal(lot: { lotNumber: string; status: LotStatus }, action: LotAction): LotError | null {
  const t = TRANSITIONS[action];
  if (t.from.includes(lot.status)) return null;
  const details = { lotNumber: lot.lotNumber, status: lot.status, action, allowedFrom: t.from };
  if (FINAL_STATUSES.includes(lot.status)) {
    return new LotError('LOT_STATUS_FINAL', `lot ${lot.lotNumber} is ${lot.status}, which is final: it cannot be ${VERB[action]}`, 'state', details);
  }
  const can = actionsFrom(lot.status);
  return new LotError(
    'LOT_TRANSITION_REFUSED',
    `lot ${lot.lotNumber} is ${lot.status}: only a lot that is ${t.from.join(' or ')} can be ${VERB[action]}` +
      (can.length > 0 ? ` (it can be ${can.map((a) => VERB[a]).join(' or ')})` : ''),
    'state',
    details,
  );
}
