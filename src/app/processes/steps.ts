import type { Database, Queryable } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { invalidInput, notFound } from './errors.ts';
import { lockLiveProcess, writeStructure } from './structure.ts';
import type { StepInput, StructureInput } from './structure.ts';
import { getProcess } from './tree.ts';
import type { Process } from './tree.ts';

// Every change of a process's structure, whole or one step, is one writeStructure call in its
// own transaction with the process row locked: the rules (sequence 1..n, lots' groups kept, an
// active process keeps a step) live in one place. Each is audited as an `update` of the
// process by the actor, with the whole tree before and after.

/** The process's step ids in order (its row is locked already, by `changed`). */
async function stepIdsOf(q: Queryable, processId: number): Promise<number[]> {
  return (await q.query<{ id: number }>('SELECT id FROM public.process_subprocesses WHERE process_id = $1 ORDER BY sequence_order, id', [processId])).rows.map(
    (r) => r.id,
  );
}

function changed(db: Database, processId: number, actor: Actor, write: (q: Queryable) => Promise<void>): Promise<Process> {
  return db.transaction(async (q) => {
    // Locked before the first read, so that `before` is what this change replaces.
    await lockLiveProcess(q, processId);
    const before = (await getProcess(q, processId))!;
    await write(q);
    const after = (await getProcess(q, processId))!;
    await auditAs(q, actor, { action: 'update', entity: 'process', entityId: processId, before, after });
    return after;
  });
}

/** Replaces a live process's structure: see writeStructure for what is kept, what is replaced and each refusal. */
export async function replaceStructure(db: Database, processId: number, input: StructureInput, actor: Actor): Promise<Process> {
  return changed(db, processId, actor, (q) => writeStructure(q, processId, input));
}

/** Adds a step at `position` (1-based; default after the last), later steps move down one. Errors point at `body/...`. */
export async function addStep(db: Database, processId: number, step: Omit<StepInput, 'stepId'> & { position?: number }, actor: Actor): Promise<Process> {
  return changed(db, processId, actor, async (q) => {
    const ids = await stepIdsOf(q, processId);
    const { position, ...fresh } = step;
    const at = (position ?? ids.length + 1) - 1;
    if (at > ids.length)
      throw invalidInput([{ path: 'body/position', message: `write a position from 1 to ${ids.length + 1}: the process has ${ids.length} step(s)` }]);
    const steps: StepInput[] = ids.map((stepId) => ({ stepId }));
    steps.splice(at, 0, fresh);
    await writeStructure(q, processId, { steps }, { stepPath: (i) => (i === at ? 'body' : `steps/${i}`) });
  });
}

/** Changes one step: what the change gives is replaced, the rest stays. NOT_FOUND for a step not of this process. */
export async function updateStep(db: Database, processId: number, stepId: number, change: Omit<StepInput, 'stepId'>, actor: Actor): Promise<Process> {
  return changed(db, processId, actor, async (q) => {
    const ids = await stepIdsOf(q, processId);
    const at = ids.indexOf(stepId);
    if (at < 0) throw notFound('step', { processId, stepId }, `process ${processId} has no step ${stepId}`);
    await writeStructure(
      q,
      processId,
      { steps: ids.map((id) => (id === stepId ? { ...change, stepId } : { stepId: id })) },
      { stepPath: (i) => (i === at ? 'body' : `steps/${i}`) },
    );
  });
}

/** Removes one step; the steps after it move up, so the order stays 1..n. NOT_FOUND, PROCESS_EMPTY (409), STEP_IN_USE (409). */
export async function removeStep(db: Database, processId: number, stepId: number, actor: Actor): Promise<Process> {
  return changed(db, processId, actor, async (q) => {
    const ids = await stepIdsOf(q, processId);
    if (!ids.includes(stepId)) throw notFound('step', { processId, stepId }, `process ${processId} has no step ${stepId}`);
    await writeStructure(q, processId, { steps: ids.filter((id) => id !== stepId).map((id) => ({ stepId: id })) });
  });
}

/**
 * Puts the steps in the order given: `stepIds` must name each of the process's steps exactly
 * once (INVALID_INPUT otherwise, listing what is missing or foreign: a stale page gets an
 * answer, not a half-applied order).
 */
export async function reorderSteps(db: Database, processId: number, stepIds: number[], actor: Actor): Promise<Process> {
  return changed(db, processId, actor, async (q) => {
    const ids = await stepIdsOf(q, processId);
    const missing = ids.filter((id) => !stepIds.includes(id));
    const foreign = stepIds.filter((id) => !ids.includes(id));
    const twice = stepIds.filter((id, i) => stepIds.indexOf(id) !== i);
    if (missing.length > 0 || foreign.length > 0 || twice.length > 0) {
      const parts = [
        missing.length > 0 ? `missing ${missing.join(', ')}` : '',
        foreign.length > 0 ? `not steps of process ${processId}: ${foreign.join(', ')}` : '',
        twice.length > 0 ? `given twice: ${[...new Set(twice)].join(', ')}` : '',
      ].filter((p) => p !== '');
      throw invalidInput([{ path: 'body/stepIds', message: `name each of the process's ${ids.length} step(s) once (${ids.join(', ')}); ${parts.join('; ')}` }]);
    }
    await writeStructure(q, processId, { steps: stepIds.map((stepId) => ({ stepId })) });
  });
}
