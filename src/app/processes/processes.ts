import { OPEN_LOT_STATUSES } from '../lots/status.ts';
import type { Database, Queryable } from '../../db/types.ts';
import { violates } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import type { AuditAction } from '../audit/audit.ts';
import { ProcessError, invalidInput, notFound } from './errors.ts';
import { PROCESS_ACTIONS, PROCESS_MACHINE, moveRefusal } from './status.ts';
import type { ProcessAction } from './status.ts';
import { lockLiveProcess, writeStructure } from './structure.ts';
import type { AdditionalCostInput, StepInput, StructureOptions } from './structure.ts';
import { getProcess } from './tree.ts';
import type { Process } from './tree.ts';

// Every write of a process is one function here or in steps.ts, (db, ..., actor): it opens its
// transaction, checks, writes and records its audit event as the actor's (http, cli, seed), so a
// refused change leaves neither a row nor an event. Routes and the demo seed call these only.

/** A process's own fields; salesPrice a decimal string ≥ 0 (2 decimals), null for none. */
export interface ProcessInput {
  name: string;
  description?: string | null;
  processClass?: string | null;
  salesPrice?: string | null;
  /** The variant the process makes, null for none (a live variant: INVALID_INPUT naming outputVariantId otherwise). */
  outputVariantId?: number | null;
  /** How much of it one unit of the process yields: a decimal string > 0, at most 3 decimals. */
  outputQuantity?: string;
  /** The usual lot size: a whole number from 1 to MAX_LOT_SIZE (INVALID_INPUT naming lotSize otherwise); 1 when left out of a new process. */
  lotSize?: number;
  /** The margin the process aims at, in percent: a decimal string from 0 to 99.99 (2 decimals), null for the settings' default. */
  targetMargin?: string | null;
}

/** The largest usual lot size: a lot's largest quantity. */
export const MAX_LOT_SIZE = 1_000_000;

/** INVALID_INPUT (400) naming lotSize unless it is left out or a whole number from 1 to MAX_LOT_SIZE. */
function checkLotSize(lotSize: unknown): void {
  if (lotSize === undefined || (Number.isSafeInteger(lotSize) && (lotSize as number) >= 1 && (lotSize as number) <= MAX_LOT_SIZE)) return;
  throw invalidInput([
    {
      path: 'body/lotSize',
      message: `the usual lot size is how many units a run makes: a whole number from 1 to ${MAX_LOT_SIZE.toLocaleString('en')}, not ${JSON.stringify(lotSize)}`,
    },
  ]);
}

/** INVALID_INPUT (400) naming targetMargin unless it is left out, null, or a percentage from 0 to 99.99 with at most 2 decimals. */
export function checkTargetMargin(target: unknown, path = 'body/targetMargin'): void {
  if (target === undefined || target === null) return;
  if (typeof target === 'string' && /^\d{1,2}(\.\d{1,2})?$/.test(target.trim())) return;
  throw invalidInput([
    {
      path,
      message: `the target margin is a percentage from 0 to 99.99 with at most 2 decimals, such as 15 or 12.5 (leave it empty for the default), not ${JSON.stringify(target)}`,
    },
  ]);
}

/**
 * INVALID_INPUT (400) naming outputVariantId when the output is no variant, or one that is
 * deleted (a deleted variant the process makes already may stay: `current`).
 */
async function checkOutput(q: Queryable, variantId: number | null | undefined, current: number | null | undefined): Promise<void> {
  if (variantId === undefined || variantId === null || variantId === current) return;
  const v = (
    await q.query<{ name: string; live: boolean }>(
      `SELECT i.name || ', ' || c.color_name || ', ' || sz.size_name AS name, v.deleted_at IS NULL AND i.deleted_at IS NULL AS live
         FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master sz ON sz.size_id = v.size_id
        WHERE v.variant_id = $1`,
      [variantId],
    )
  ).rows[0];
  if (!v) throw invalidInput([{ path: 'body/outputVariantId', message: `no variant ${variantId}: name the variant the process makes` }]);
  if (!v.live) throw invalidInput([{ path: 'body/outputVariantId', message: `variant ${variantId} (${v.name}) is deleted: restore it or choose another` }]);
}

/** A process's state before and after a change. */
export interface ProcessChange {
  before: Process;
  after: Process;
}

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

/** Records a process change as the actor's, in its transaction; the process as it is now. */
async function audited(q: Queryable, actor: Actor, action: AuditAction, processId: number, change: ProcessChange): Promise<Process> {
  await auditAs(q, actor, { action, entity: 'process', entityId: processId, before: change.before, after: change.after });
  return change.after;
}

/**
 * Creates a process as a draft, with its structure when given (steps and additional costs,
 * as writeStructure takes them: new steps only), made by the actor and audited as theirs, in
 * one transaction. PROCESS_NAME_TAKEN (409), INVALID_INPUT (400) with the path of each bad field.
 */
export async function createProcess(db: Database, input: NewProcess, actor: Actor): Promise<Process> {
  return db.transaction((tx) => createProcessIn(tx, input, actor));
}

/** A new process: its own fields and, when given, its structure. */
export type NewProcess = ProcessInput & { steps?: StepInput[]; additionalCosts?: AdditionalCostInput[] };

/** createProcess in the caller's transaction (the demo seed's); `auditAfter` adds fields to the event's `after` (a copy's source). */
export async function createProcessIn(
  q: Queryable,
  input: NewProcess,
  actor: Actor,
  options: StructureOptions & { auditAfter?: Record<string, unknown> } = {},
): Promise<Process> {
  const { auditAfter, ...structureOptions } = options;
  checkLotSize(input.lotSize);
  checkTargetMargin(input.targetMargin);
  await assertNameFree(q, input.name, null);
  // A copy keeps the output of its source even when that variant is deleted since.
  const keptOutput = input.outputVariantId != null && [...(structureOptions.allowDeleted?.variantIds ?? [])].includes(input.outputVariantId);
  await checkOutput(q, input.outputVariantId, keptOutput ? input.outputVariantId : null);
  const r = await uniqueName(input.name, () =>
    q.query<{ id: number }>(
      `INSERT INTO public.processes (name, description, process_class, sales_price, output_variant_id, output_quantity, lot_size, target_margin, status, created_by)
       VALUES ($1, $2, $3, $4::numeric, $5, coalesce($6::numeric, 1), coalesce($8::int, 1), $9::numeric, 'draft', $7) RETURNING id`,
      [
        input.name,
        input.description ?? null,
        input.processClass ?? null,
        input.salesPrice ?? null,
        input.outputVariantId ?? null,
        input.outputQuantity ?? null,
        actor.userId,
        input.lotSize ?? null,
        input.targetMargin?.trim() ?? null,
      ],
    ),
  );
  const processId = r.rows[0]!.id;
  if ((input.steps?.length ?? 0) > 0 || (input.additionalCosts?.length ?? 0) > 0)
    await writeStructure(q, processId, { steps: input.steps ?? [], additionalCosts: input.additionalCosts ?? [] }, structureOptions);
  const made = (await getProcess(q, processId))!;
  await auditAs(q, actor, { action: 'create', entity: 'process', entityId: processId, after: { ...made, ...auditAfter } });
  return made;
}

/**
 * Changes a live process's own fields (its structure changes through the step functions); a
 * field left out keeps its value, null clears it. Audited as an update. NOT_FOUND,
 * PROCESS_DELETED (409), PROCESS_NAME_TAKEN (409).
 */
export async function updateProcess(db: Database, processId: number, change: Partial<ProcessInput>, actor: Actor): Promise<Process> {
  checkLotSize(change.lotSize);
  checkTargetMargin(change.targetMargin);
  return db.transaction(async (q) => {
    await lockLiveProcess(q, processId);
    const before = (await getProcess(q, processId))!;
    if (change.name !== undefined && change.name !== before.name) await assertNameFree(q, change.name, processId);
    await checkOutput(q, change.outputVariantId, before.outputVariantId);
    await uniqueName(change.name ?? before.name, () =>
      q.query(
        `UPDATE public.processes SET name = coalesce($2, name),
                description = CASE WHEN $3::boolean THEN $4 ELSE description END,
                process_class = CASE WHEN $5::boolean THEN $6 ELSE process_class END,
                sales_price = CASE WHEN $7::boolean THEN $8::numeric ELSE sales_price END,
                output_variant_id = CASE WHEN $9::boolean THEN $10::int ELSE output_variant_id END,
                output_quantity = coalesce($11::numeric, output_quantity),
                lot_size = coalesce($12::int, lot_size),
                target_margin = CASE WHEN $13::boolean THEN $14::numeric ELSE target_margin END
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
          change.outputVariantId !== undefined,
          change.outputVariantId ?? null,
          change.outputQuantity ?? null,
          change.lotSize ?? null,
          change.targetMargin !== undefined,
          change.targetMargin?.trim() ?? null,
        ],
      ),
    );
    return audited(q, actor, 'update', processId, { before, after: (await getProcess(q, processId))! });
  });
}

/**
 * Moves a live process's status by one of the moves of PROCESS_MACHINE (status.ts), audited as
 * a transition: PROCESS_TRANSITION_REFUSED (409) for a move the table does not have from the
 * process's status, PROCESS_EMPTY (409) for activating a process without steps,
 * INVALID_ACTION (400) for an action that is no move at all. NOT_FOUND, PROCESS_DELETED (409).
 */
export async function moveProcess(db: Database, processId: number, action: ProcessAction, actor: Actor): Promise<Process> {
  return db.transaction((tx) => moveProcessIn(tx, processId, action, actor));
}

/** moveProcess in the caller's transaction (the demo seed's). */
export async function moveProcessIn(q: Queryable, processId: number, action: ProcessAction, actor: Actor): Promise<Process> {
  if (!Object.hasOwn(PROCESS_MACHINE.moves, action))
    throw new ProcessError('INVALID_ACTION', `${String(action)} is not a move of a process: expected one of ${PROCESS_ACTIONS.join(', ')}`, 'usage', {
      action,
    });
  const move = PROCESS_MACHINE.moves[action];
  const locked = await lockLiveProcess(q, processId);
  const refused = moveRefusal(processId, locked.status, action);
  if (refused) throw refused;
  const before = (await getProcess(q, processId))!;
  if (move.requires === 'a step' && before.stepCount === 0)
    throw new ProcessError('PROCESS_EMPTY', `process ${processId} has no steps: add at least one step before activating it`, 'state', { processId });
  await q.query('UPDATE public.processes SET status = $2 WHERE id = $1', [processId, move.to]);
  return audited(q, actor, 'transition', processId, { before, after: (await getProcess(q, processId))! });
}

/**
 * Soft-deletes a process: it leaves lists, frees its name, takes no lots and no changes, and
 * the lots that ran it keep it. A process with lots still planning, ready or in progress is
 * not deleted (PROCESS_HAS_OPEN_LOTS, 409: finish or cancel them, or archive the process).
 * Audited as a delete. NOT_FOUND, ALREADY_DELETED (409).
 */
export async function deleteProcess(db: Database, processId: number, actor: Actor): Promise<Process> {
  return db.transaction(async (q) => {
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
    return audited(q, actor, 'delete', processId, { before, after: (await getProcess(q, processId))! });
  });
}

/** Brings a deleted process back with the status it had, audited as a restore. NOT_FOUND, NOT_DELETED (409), PROCESS_NAME_TAKEN (409) when a live process took its name. */
export async function restoreProcess(db: Database, processId: number, actor: Actor): Promise<Process> {
  return db.transaction(async (q) => {
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
    return audited(q, actor, 'restore', processId, { before, after: (await getProcess(q, processId))! });
  });
}

/**
 * Copies a process (deleted or not) as a new draft named `name`: its own fields, every step
 * with its lines, live groups and cost items, and its additional costs; deleted variants and
 * subprocesses it uses come along (and show as warnings). Audited as the copy's creation,
 * naming its source. NOT_FOUND, PROCESS_NAME_TAKEN (409).
 */
export async function copyProcess(db: Database, processId: number, name: string, actor: Actor): Promise<Process> {
  return db.transaction(async (q) => {
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
    if (source.outputVariantId !== null) variantIds.push(source.outputVariantId);
    return createProcessIn(
      q,
      {
        name,
        description: source.description,
        processClass: source.processClass,
        salesPrice: source.salesPrice,
        outputVariantId: source.outputVariantId,
        outputQuantity: source.outputQuantity,
        lotSize: source.lotSize,
        targetMargin: source.targetMargin,
        steps,
        additionalCosts,
      },
      actor,
      {
        allowDeleted: { variantIds, subprocessIds: source.steps.map((s) => s.subprocessId) },
        allowDuplicates: true,
        stepPath: (i) => `source/steps/${i}`,
        auditAfter: { copiedFrom: processId },
      },
    );
  });
}
