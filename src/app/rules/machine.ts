import { allows } from '../access/roles.ts';
import type { Permission } from '../access/roles.ts';

/**
 * A state machine as data: the statuses an entity can be in, and every move between them with
 * the permission it needs. Each area declares its machine once (lots in `app/lots/status.ts`,
 * processes in `app/processes/status.ts`, import jobs in `app/imports/status.ts`); the app
 * layer refuses a move the table does not have, the HTTP routes are generated from it, and
 * every response about the entity carries `actions`: the moves its caller may make next, which
 * is all the web app knows of the machine.
 */
export interface Move<S extends string> {
  /** The statuses the move applies to. */
  from: readonly S[];
  to: S;
  /** The permission the caller's role must have (src/app/access/roles.ts). */
  permission: Permission;
  /** The move must say why; the reason is kept with the change. */
  needsReason: boolean;
  /** What a person reads on the button ("Mark ready"). */
  label: string;
  /** False for a move the system makes itself (a ready lot whose choices change goes back to planning): never offered. */
  offered: boolean;
  /** A sentence a person confirms before a move that cannot be undone; absent when none is asked. */
  confirm?: string;
  /** One line on what the move does, for the API's documentation. */
  summary: string;
}

/** `M` is the area's own move (a Move with fields of its own, such as the lot's `requires`). */
export interface Machine<S extends string, A extends string, M extends Move<S> = Move<S>> {
  /** The entity, as the audit trail names it (production_lot, process, import_job). */
  entity: string;
  statuses: readonly S[];
  /** Statuses never left. */
  final: readonly S[];
  moves: Readonly<Record<A, M>>;
}

/** A move the caller may make now, as responses carry it in `actions`. */
export interface NextAction {
  action: string;
  label: string;
  to: string;
  needsReason: boolean;
  confirm: string | null;
}

/** The moves the machine offers from `status` that `role` may make, in the table's order. */
export function nextActions<S extends string, A extends string, M extends Move<S>>(machine: Machine<S, A, M>, status: S, role: string): NextAction[] {
  const out: NextAction[] = [];
  for (const [action, m] of Object.entries(machine.moves) as [A, M][]) {
    if (!m.offered || !m.from.includes(status) || !allows(role, m.permission)) continue;
    out.push({ action, label: m.label, to: m.to, needsReason: m.needsReason, confirm: m.confirm ?? null });
  }
  return out;
}

/** The offered moves, each with the area's own fields, in the table's order: one route per move. */
export function offeredMoves<S extends string, A extends string, M extends Move<S>>(machine: Machine<S, A, M>): [A, M][] {
  return (Object.entries(machine.moves) as [A, M][]).filter(([, m]) => m.offered);
}
