import { MtcError } from '../../errors.ts';
import type { Machine, Move } from '../rules/machine.ts';

/**
 * An error of the lots area: `NOT_FOUND` (404), `usage` ones (400) and `state` ones (409)
 * such as LOT_TRANSITION_REFUSED, LOT_STATUS_FINAL, LOT_NOT_READY, INSUFFICIENT_STOCK,
 * LOT_NOT_EDITABLE, PROCESS_NOT_ACTIVE.
 */
export class LotError extends MtcError {}

/** A production lot's status, canonical and lower case (the CHECK constraint of production_lots). */
export const LOT_STATUSES = ['planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/** A move of a lot: the machine's move, and what has to hold beyond the status (checked by lifecycle.ts before the move). */
export interface LotMove extends Move<LotStatus> {
  requires: 'nothing' | 'selections and stock' | 'stock consumed';
  /** The move in a refusal's sentence: "lot … cannot be <done>". */
  done: string;
  /** The move may record what the lot yielded (outputQuantity, with a reason when it is not the planned yield). */
  recordsOutput?: boolean;
}

/**
 * The lot state machine: the only moves there are, with the permission each needs. Every
 * change of a lot's status goes through `transitionLot` (lifecycle.ts), which refuses anything
 * not in this table; the routes `POST /api/lots/:id/<action>` are made from it (routes/lots.ts)
 * and every lot the API returns carries the moves its caller may make next (`actions`).
 *
 * `replan` (ready → planning) is not asked for by a person (not offered): it is what changing
 * the selections of a ready lot does, because readiness (every group chosen, stock enough) was
 * checked for the old choice; the planner marks the lot ready again, which checks anew.
 */
const MOVES = {
  ready: {
    from: ['planning'],
    to: 'ready',
    permission: 'lot.plan',
    needsReason: false,
    label: 'Mark ready',
    offered: true,
    requires: 'selections and stock',
    done: 'marked ready',
    summary:
      'Mark a planning lot ready: every substitute group must have a choice (409 LOT_NOT_READY) and stock must cover every need (409 INSUFFICIENT_STOCK, with details.shortfalls)',
  },
  start: {
    from: ['ready'],
    to: 'in_progress',
    permission: 'lot.run',
    needsReason: false,
    label: 'Start',
    offered: true,
    requires: 'nothing',
    done: 'started',
    summary: 'Start a ready lot (in_progress)',
  },
  complete: {
    from: ['in_progress'],
    to: 'completed',
    permission: 'lot.run',
    needsReason: false,
    label: 'Complete',
    offered: true,
    requires: 'stock consumed',
    done: 'completed',
    recordsOutput: true,
    confirm: 'Completing the lot takes what it needs from stock and records its actual cost; it cannot be undone.',
    summary:
      'Complete a lot in progress, in one transaction: stock is checked again with the variants locked (409 INSUFFICIENT_STOCK, nothing changed, when short), consumed through the ledger at the stock’s average cost, the actual cost (what was consumed at that cost, plus labour and additional costs) kept with its variance against the estimate, and the process’s output put into stock at the lot’s actual unit cost (outputQuantity and a reason when it yielded a different quantity)',
  },
  fail: {
    from: ['in_progress'],
    to: 'failed',
    permission: 'lot.run',
    needsReason: true,
    label: 'Mark failed',
    offered: true,
    requires: 'nothing',
    done: 'failed',
    confirm: 'A failed lot is final: it cannot be run again.',
    summary: 'Mark a lot in progress failed, saying why (no stock is consumed)',
  },
  cancel: {
    from: ['planning', 'ready', 'in_progress'],
    to: 'cancelled',
    permission: 'lot.plan',
    needsReason: true,
    label: 'Cancel lot',
    offered: true,
    requires: 'nothing',
    done: 'cancelled',
    confirm: 'A cancelled lot is final: it cannot be planned or run again.',
    summary: 'Cancel a lot that is planning, ready or in progress, saying why',
  },
  replan: {
    from: ['ready'],
    to: 'planning',
    permission: 'lot.plan',
    needsReason: false,
    label: 'Return to planning',
    offered: false,
    requires: 'nothing',
    done: 'returned to planning',
    summary: 'What changing the selections of a ready lot does',
  },
} satisfies Record<string, LotMove>;

/** What a person (or a change of selections) does to a lot's status: a move of the machine. */
export type LotAction = keyof typeof MOVES;

export const LOT_MACHINE: Machine<LotStatus, LotAction, LotMove> = {
  entity: 'production_lot',
  statuses: LOT_STATUSES,
  final: ['completed', 'failed', 'cancelled'],
  moves: MOVES,
};

/** The machine's moves, in its order. */
export const LOT_ACTIONS = Object.keys(MOVES) as LotAction[];

/** Statuses a lot never leaves. */
export const FINAL_STATUSES: readonly LotStatus[] = LOT_MACHINE.final;

/** A lot that has not ended (every status of the machine but its final ones): it still needs its materials. */
export const OPEN_LOT_STATUSES: readonly LotStatus[] = LOT_STATUSES.filter((s) => !LOT_MACHINE.final.includes(s));

/** Statuses in which a lot's substitute selections may change. */
export const SELECTIONS_EDITABLE: readonly LotStatus[] = ['planning', 'ready'];

/** Which offered actions the table allows from a status, whoever asks. */
export function actionsFrom(status: LotStatus): LotAction[] {
  return LOT_ACTIONS.filter((a) => LOT_MACHINE.moves[a].offered && LOT_MACHINE.moves[a].from.includes(status));
}

/** A status as a person reads it ("in_progress" → "In progress"): what the API serves for display. */
export function lotStatusLabel(status: LotStatus): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const done = (action: LotAction) => LOT_MACHINE.moves[action].done;

/**
 * Null when the table allows `action` on a lot in `status`, else the refusal: LOT_STATUS_FINAL
 * for a lot that has ended, LOT_TRANSITION_REFUSED otherwise, each saying what the lot can do.
 */
export function transitionRefusal(lot: { lotNumber: string; status: LotStatus }, action: LotAction): LotError | null {
  const t = LOT_MACHINE.moves[action];
  if (t.from.includes(lot.status)) return null;
  const details = { lotNumber: lot.lotNumber, status: lot.status, action, allowedFrom: t.from };
  if (FINAL_STATUSES.includes(lot.status)) {
    return new LotError('LOT_STATUS_FINAL', `lot ${lot.lotNumber} is ${lot.status}, which is final: it cannot be ${done(action)}`, 'state', details);
  }
  const can = actionsFrom(lot.status);
  return new LotError(
    'LOT_TRANSITION_REFUSED',
    `lot ${lot.lotNumber} is ${lot.status}: only a lot that is ${t.from.join(' or ')} can be ${done(action)}` +
      (can.length > 0 ? ` (it can be ${can.map(done).join(' or ')})` : ''),
    'state',
    details,
  );
}
