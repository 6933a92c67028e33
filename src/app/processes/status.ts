import { nextActions } from '../rules/machine.ts';
import type { Machine, Move, NextAction } from '../rules/machine.ts';
import { ProcessError } from './errors.ts';
import { PROCESS_STATUSES } from './tree.ts';
import type { ProcessStatus } from './tree.ts';

/** What a person does to a process's status. */
export const PROCESS_ACTIONS = ['activate', 'archive', 'redraft'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

/** A move of a process, with what must hold beyond its status (checked by `moveProcess`). */
export interface ProcessMove extends Move<ProcessStatus> {
  requires: 'nothing' | 'a step';
}

/**
 * The process state machine: the only moves there are. A draft is being prepared, an active
 * process takes new lots, an archived one takes none (lots already made run on). Every move
 * can be undone by another, so none asks for a confirmation. `moveProcess` (processes.ts)
 * refuses a move not in this table; the routes `POST /api/processes/:id/{action}` are made
 * from it; responses carry the moves their caller may make (`processActions`).
 */
export const PROCESS_MACHINE: Machine<ProcessStatus, ProcessAction, ProcessMove> = {
  entity: 'process',
  statuses: PROCESS_STATUSES,
  final: [],
  moves: {
    activate: {
      from: ['draft', 'archived'],
      to: 'active',
      permission: 'process.write',
      needsReason: false,
      label: 'Activate',
      offered: true,
      requires: 'a step',
      summary: 'Activate a draft or archived process: it takes new lots. It needs at least one step (PROCESS_EMPTY otherwise)',
    },
    archive: {
      from: ['draft', 'active'],
      to: 'archived',
      permission: 'process.write',
      needsReason: false,
      label: 'Archive',
      offered: true,
      requires: 'nothing',
      summary: 'Archive a process: it takes no new lots; lots already made of it run on. Activate it again to take lots',
    },
    redraft: {
      from: ['active', 'archived'],
      to: 'draft',
      permission: 'process.write',
      needsReason: false,
      label: 'Back to draft',
      offered: true,
      requires: 'nothing',
      summary: 'Set an active or archived process back to draft: it takes no new lots while it is prepared again',
    },
  },
};

/** What each status means, in a sentence a person reads (the API serves it; the web app shows it). */
export const PROCESS_STATUS_INFO: Readonly<Record<ProcessStatus, { label: string; description: string }>> = {
  draft: { label: 'Draft', description: 'Being prepared: activate it for lots to be made of it.' },
  active: { label: 'Active', description: 'It takes new lots.' },
  archived: { label: 'Archived', description: 'It takes no new lots; lots already made of it run on.' },
};

/** The moves the caller (by role) may make on a process now: none on a deleted one, which takes no changes. */
export function processActions(p: { status: ProcessStatus; deletedAt: string | null }, role: string): NextAction[] {
  return p.deletedAt === null ? nextActions(PROCESS_MACHINE, p.status, role) : [];
}

const VERB: Record<ProcessAction, string> = { activate: 'activated', archive: 'archived', redraft: 'set back to draft' };

/**
 * Null when the table allows `action` on a process in `status`, else PROCESS_TRANSITION_REFUSED
 * (409) saying what the process can do instead.
 */
export function moveRefusal(processId: number, status: ProcessStatus, action: ProcessAction): ProcessError | null {
  const move = PROCESS_MACHINE.moves[action];
  if (move.from.includes(status)) return null;
  const can = PROCESS_ACTIONS.filter((a) => PROCESS_MACHINE.moves[a].from.includes(status));
  return new ProcessError(
    'PROCESS_TRANSITION_REFUSED',
    `process ${processId} is ${status}: only a process that is ${move.from.join(' or ')} can be ${VERB[action]}` +
      (can.length > 0 ? ` (it can be ${can.map((a) => VERB[a]).join(' or ')})` : ''),
    'state',
    { processId, status, action, allowedFrom: move.from },
  );
}
