import type { Queryable } from '../../db/types.ts';
import { violates } from '../../db/types.ts';
import { ProcessError, notFound } from './errors.ts';
import { lockLiveProcess, writeStructure } from './structure.ts';
import type { AdditionalCostInput, StepInput } from './structure.ts';
import { getProcess } from './tree.ts';
import type { Process, ProcessStatus } from './tree.ts';

/** A process's own fields; salesPrice a decimal string ≥ 0 (2 decimals), null for none. */
export interface ProcessInput {
  name: string;
  description?: string | null;
  processClass?: string | null;
  salesPrice?: string | null;
}

/** A process's state before and after a change. */
export interface ProcessChange {
  before: Process;
  after: Process;
}

/** Lots that are not finished: a process with any of these is not deleted. */
const OPEN_LOT_STATUSES = ['planning', 'ready', 'in_progress'];

/** PROCESS_NAME_TAKEN when a live process other than `exceptId` has this name in any case (a deleted one frees its name). */
async function assertNameFree(q: Queryable, name: string, exceptId: number | null): Promise<void> {
  const r = await q.query<{ id: number }>('SELECT id FROM public.processes WHERE deleted_at IS NULL AND lower(name) = lower($1) AND id IS DISTINCT FROM $2', [
    name,
    exceptId,
  ]);
  if (r.rows[0]) throw nameTaken(name, r.rows[0].id);
}

const nameTaken = (name: string, other?: number) =>
  new ProcessError('PROCESS_NAME_TAKEN', `a process named "${name}" exists already${other ? ` (process ${other})` : ''}: choose another name`, 'state', {
    field: 'name',
    ...(other ? { processId: other } : {}),
  });

async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (violates(err, 'idx_processes_live_name')) throw nameTaken(name);
    throw err;
  }
}

/**
 * Creates a process as a draft, with its structure when given (steps and additional costs,
 * as writeStructure takes them: new steps only), in the caller's transaction.
 * PROCESS_NAME_TAKEN (409), INVALID_INPUT (400) with the path of each bad field.
 */
export async function createProcess(
  q: Queryable,
  input: ProcessInput & { steps?: StepInput[]; additionalCosts?: AdditionalCostInput[] },
  createdBy: number | null,
  options: Parameters<typeof writeStructure>[3] = {},
): Promise<Process> {
  await assertNameFree(q, input.name, null);
  const r = await uniqueName(input.name, () =>
    q.query<{ id: number }>(
      `INSERT INTO public.processes (name, description, process_class, sales_price, status, created_by) VALUES ($1, $2, $3, $4::numeric, 'draft', $5) RETURNING id`,
      [input.name, input.description ?? null, input.processClass ?? null, input.salesPrice ?? null, createdBy],
    ),
  );
  const processId = r.rows[0]!.id;
  if ((input.steps?.length ?? 0) > 0 || (input.additionalCosts?.length ?? 0) > 0)
    await writeStructure(q, processId, { steps: input.steps ?? [], additionalCosts: input.additionalCosts ?? [] }, options);
  return (await getProcess(q, processId))!;
}

/**
 * Changes a live process's own fields (its structure changes through writeStructure and the
 * step functions); a field left out keeps its value, null clears it. NOT_FOUND,
 * PROCESS_DELETED (409), PROCESS_NAME_TAKEN (409).
 */
export async function updateProcess(q: Queryable, processId: number, change: Partial<ProcessInput>): Promise<ProcessChange> {
  await lockLiveProcess(q, processId);
  const before = (await getProcess(q, processId))!;
  if (change.name !== undefined && change.name !== before.name) await assertNameFree(q, change.name, processId);
  await uniqueName(change.name ?? before.name, () =>
    q.query(
      `UPDATE public.processes SET name = coalesce($2, name),
              description = CASE WHEN $3::boolean THEN $4 ELSE description END,
              process_class = CASE WHEN $5::boolean THEN $6 ELSE process_class END,
              sales_price = CASE WHEN $7::boolean THEN $8::numeric ELSE sales_price END
        WHERE id = $1`,
      [
        processId,
        change.name ?? null,
        change.description !== undefined,
        change.description ?? null,
        change.processClass !== undefined,
        change.processClass ?? null,
        change.salesPrice !== undefined,
        change.salesPrice ?? null,
      ],
    ),
  );
  return { before, after: (await getProcess(q, processId))! };
}

/**
 * Sets a live process's status: draft (being prepared), active (takes new lots) or archived
 * (takes no new lots; lots already made run on). Only a process with at least one step becomes
 * active (PROCESS_EMPTY, 409). Any status may follow any other; setting the status it has is
 * no change (null). NOT_FOUND, PROCESS_DELETED (409).
 */
export async function setProcessStatus(q: Queryable, processId: number, status: ProcessStatus): Promise<ProcessChange | null> {
  const locked = await lockLiveProcess(q, processId);
  if (locked.status === status) return null;
  const before = (await getProcess(q, processId))!;
  if (status === 'active' && before.stepCount === 0)
    throw new ProcessError('PROCESS_EMPTY', `process ${processId} has no steps: add at least one step before activating it`, 'state', { processId });
  await q.query('UPDATE public.processes SET status = $2 WHERE id = $1', [processId, status]);
  return { before, after: (await getProcess(q, processId))! };
}

/**
 * Soft-deletes a process: it leaves lists, frees its name, takes no lots and no changes, and
 * the lots that ran it keep it. A process with lots still planning, ready or in progress is
 * not deleted (PROCESS_HAS_OPEN_LOTS, 409: finish or cancel them, or archive the process).
 * NOT_FOUND, ALREADY_DELETED (409).
 */
export async function deleteProcess(q: Queryable, processId: number): Promise<ProcessChange> {
  const locked = await q.query<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM public.processes WHERE id = $1 FOR UPDATE', [processId]);
  if (!locked.rows[0]) throw notFound('process', { processId });
  if (locked.rows[0].deleted) throw new ProcessError('ALREADY_DELETED', `process ${processId} is deleted already`, 'state', { processId });
  const open = (
    await q.query<{ lot: string }>('SELECT lot_number AS lot FROM public.production_lots WHERE process_id = $1 AND status = ANY($2::text[]) ORDER BY id', [
      processId,
      OPEN_LOT_STATUSES,
    ])
  ).rows.map((r) => r.lot);
  if (open.length > 0)
    throw new ProcessError(
      'PROCESS_HAS_OPEN_LOTS',
      `process ${processId} has ${open.length} lot(s) not finished (${open.slice(0, 5).join(', ')}${open.length > 5 ? ', …' : ''}): complete or cancel them first, or archive the process instead`,
      'state',
      { processId, lots: open },
    );
  const before = (await getProcess(q, processId))!;
  await q.query('UPDATE public.processes SET deleted_at = now() WHERE id = $1', [processId]);
  return { before, after: (await getProcess(q, processId))! };
}

/** Brings a deleted process back with the status it had. NOT_FOUND, NOT_DELETED (409), PROCESS_NAME_TAKEN (409) when a live process took its name. */
export async function restoreProcess(q: Queryable, processId: number): Promise<ProcessChange> {
  const locked = await q.query<{ deleted: boolean; name: string }>(
    'SELECT deleted_at IS NOT NULL AS deleted, name FROM public.processes WHERE id = $1 FOR UPDATE',
    [processId],
  );
  const row = locked.rows[0];
  if (!row) throw notFound('process', { processId });
  if (!row.deleted) throw new ProcessError('NOT_DELETED', `process ${processId} is not deleted`, 'state', { processId });
  await assertNameFree(q, row.name, processId);
  const before = (await getProcess(q, processId))!;
  await uniqueName(row.name, () => q.query('UPDATE public.processes SET deleted_at = NULL WHERE id = $1', [processId]));
  return { before, after: (await getProcess(q, processId))! };
}

/**
 * Copies a process (deleted or not) as a new draft named `name`: its own fields, every step
 * with its lines, live groups and cost items, and its additional costs; deleted variants and
 * subprocesses it uses come along (and show as warnings). NOT_FOUND, PROCESS_NAME_TAKEN (409).
 */
export async function copyProcess(q: Queryable, processId: number, name: string, createdBy: number | null): Promise<Process> {
  const source = await getProcess(q, processId);
  if (!source) throw notFound('process', { processId });
  const steps: StepInput[] = source.steps.map((s) => ({
    subprocessId: s.subprocessId,
    customName: s.customName,
    notes: s.notes,
    lines: s.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    groups: s.groups.map((g) => ({
      name: g.name,
      description: g.description,
      alternatives: g.alternatives.map((a) => ({ variantId: a.variantId, quantity: a.quantity })),
    })),
    costItems: s.costItems.map((c) => ({ costType: c.costType, description: c.description, quantity: c.quantity, unit: c.unit, rate: c.rate })),
  }));
  const additionalCosts = source.additionalCosts.map((a) => ({ costType: a.costType, description: a.description, amount: a.amount, isFixed: a.isFixed }));
  const variantIds = source.steps.flatMap((s) => [...s.lines, ...s.groups.flatMap((g) => g.alternatives)].map((l) => l.variantId));
  return createProcess(
    q,
    { name, description: source.description, processClass: source.processClass, salesPrice: source.salesPrice, steps, additionalCosts },
    createdBy,
    { allowDeleted: { variantIds, subprocessIds: source.steps.map((s) => s.subprocessId) }, allowDuplicates: true, stepPath: (i) => `source/steps/${i}` },
  );
}
