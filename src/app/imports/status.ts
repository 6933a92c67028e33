// The import job's state machine, the one place it is written: its statuses, the moves a person
// makes (start a job that waits for it, cancel one) and those the system makes itself (a server
// takes the job, the engine ends it). moves.ts applies it; the HTTP routes for the person moves
// are generated from it; every job the API returns carries the moves its caller may make.
import { nextActions } from '../rules/machine.ts';
import type { Machine, Move, NextAction } from '../rules/machine.ts';
import { ImportError } from './errors.ts';

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** What a person reads for each status. */
export const IMPORT_STATUS_LABELS: Readonly<Record<ImportStatus, string>> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  completed_with_errors: 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What a pending job that waits for a start is called (`awaitingStart`). */
export const AWAITING_START_LABEL = 'Waiting for a start';

export const IMPORT_ACTIONS = ['start', 'cancel', 'run', 'complete', 'complete_with_errors', 'fail'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

/** A move of an import job: the generic move, and what it needs beyond the status. */
export interface ImportMove extends Move<ImportStatus> {
  /** `awaiting start`: only a job uploaded without start=true, which no worker takes until it is started. */
  requires: 'nothing' | 'awaiting start';
  /** A person may say why (optional; it becomes the job's message). */
  takesReason: boolean;
}

export type ImportMachine = Machine<ImportStatus, ImportAction, ImportMove>;

/**
 * The import job state machine. A person starts a job that waits for it (it stays `pending`,
 * now for a worker to take) or cancels one that has not ended. The rest is the system's: a
 * server (or `mtc import`) takes a job and runs it, or resumes a `running` one whose server
 * died; the engine ends it `completed`, `completed_with_errors` (rows rejected) or `failed`.
 */
export const IMPORT_MACHINE: ImportMachine = {
  entity: 'import_job',
  statuses: IMPORT_STATUSES,
  final: ['completed', 'completed_with_errors', 'failed', 'cancelled'],
  moves: {
    start: {
      from: ['pending'],
      to: 'pending',
      requires: 'awaiting start',
      permission: 'imports.run',
      needsReason: false,
      takesReason: false,
      label: 'Start import',
      offered: true,
      summary: 'Start a job that waits for it (uploaded without start=true): a server takes it at once; 409 when it was started already or has ended',
    },
    cancel: {
      from: ['pending', 'running'],
      to: 'cancelled',
      requires: 'nothing',
      permission: 'imports.run',
      needsReason: false,
      takesReason: true,
      label: 'Cancel import',
      offered: true,
      confirm: 'Cancel this import? A job waiting to run never runs; a running one stops after the batch it is writing, and the rows imported already stay.',
      summary:
        'Cancel a job that has not ended: a waiting job never runs; a running one stops after the batch it is writing (rows committed before stay); 409 when it has ended',
    },
    run: {
      from: ['pending', 'running'],
      to: 'running',
      requires: 'nothing',
      permission: 'imports.run',
      needsReason: false,
      takesReason: false,
      label: 'Run',
      offered: false,
      summary: 'a server or mtc import takes the job and runs it, or resumes it where it stopped',
    },
    complete: {
      from: ['running'],
      to: 'completed',
      requires: 'nothing',
      permission: 'imports.run',
      needsReason: false,
      takesReason: false,
      label: 'Complete',
      offered: false,
      summary: 'every row of the file was imported',
    },
    complete_with_errors: {
      from: ['running'],
      to: 'completed_with_errors',
      requires: 'nothing',
      permission: 'imports.run',
      needsReason: false,
      takesReason: false,
      label: 'Complete with errors',
      offered: false,
      summary: 'the file was read to its end and some rows were rejected',
    },
    fail: {
      from: ['pending', 'running'],
      to: 'failed',
      requires: 'nothing',
      permission: 'imports.run',
      needsReason: false,
      takesReason: false,
      label: 'Fail',
      offered: false,
      summary: 'the file cannot be imported (a missing column, an unreadable file), or its runs kept ending their process',
    },
  },
};

/** Statuses a job never leaves. */
export const FINAL_STATUSES: readonly ImportStatus[] = IMPORT_MACHINE.final;

/** The statuses a move applies to, as a SQL list (`'pending', 'running'`): the table's, never spelled out in a query. */
export function sqlStatuses(statuses: readonly ImportStatus[]): string {
  return statuses.map((s) => `'${s}'`).join(', ');
}

/** What the moves need to know of a job. */
export interface JobState {
  id: number;
  status: ImportStatus;
  awaitingStart: boolean;
}

/** Whether the table allows `action` on the job as it stands (its status, and what the move requires). */
export function allowsMove(job: JobState, action: ImportAction): boolean {
  const m = IMPORT_MACHINE.moves[action];
  return m.from.includes(job.status) && (m.requires !== 'awaiting start' || job.awaitingStart);
}

/** The moves `role` may make on the job now, as responses carry them in `actions`. */
export function jobActions(job: JobState, role: string): NextAction[] {
  return nextActions(IMPORT_MACHINE, job.status, role).filter((a) => allowsMove(job, a.action as ImportAction));
}

/**
 * Null when the table allows `action` on the job, else the refusal (409): IMPORT_NOT_AWAITING_START
 * for a start of a job that does not wait for one, IMPORT_FINISHED for a job that has ended,
 * IMPORT_MOVE_REFUSED otherwise.
 */
export function moveRefusal(job: JobState, action: ImportAction): ImportError | null {
  if (allowsMove(job, action)) return null;
  const m = IMPORT_MACHINE.moves[action];
  const details = { jobId: job.id, status: job.status, action, allowedFrom: m.from };
  if (m.requires === 'awaiting start') {
    const started = job.status === 'pending' || job.status === 'running' ? ' and already started' : '';
    return new ImportError(
      'IMPORT_NOT_AWAITING_START',
      `import job ${job.id} is ${job.status}${started}: only a job uploaded without start=true waits to be started`,
      'state',
      details,
    );
  }
  if (FINAL_STATUSES.includes(job.status)) {
    return new ImportError(
      'IMPORT_FINISHED',
      `import job ${job.id} has already ended (${job.status}): there is nothing to ${action.replaceAll('_', ' ')}`,
      'state',
      details,
    );
  }
  return new ImportError(
    'IMPORT_MOVE_REFUSED',
    `import job ${job.id} is ${job.status}: ${action.replaceAll('_', ' ')} applies only to a job that is ${m.from.join(' or ')}`,
    'state',
    details,
  );
}

/** The statuses in order, each with its label and whether it is final: what `GET /api/imports/statuses` serves. */
export function describeImportStatuses(): { name: ImportStatus; label: string; final: boolean }[] {
  return IMPORT_STATUSES.map((name) => ({ name, label: IMPORT_STATUS_LABELS[name], final: FINAL_STATUSES.includes(name) }));
}
