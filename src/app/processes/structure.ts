import type { Queryable } from '../../db/types.ts';
import { ProcessError, invalidInput, notFound } from './errors.ts';
import type { FieldProblem } from './errors.ts';
import type { CostType, ProcessStatus } from './tree.ts';

/** A variant in a quantity (a decimal string above zero, at most 4 decimals). */
export interface LineInput {
  variantId: number;
  quantity: string;
}

/** A substitute group: given with its groupId it is that group, changed (lots that chose from it keep pointing at it); without, a new one. */
export interface GroupInput {
  groupId?: number;
  name: string;
  description?: string | null;
  alternatives: LineInput[];
}

export interface CostItemInput {
  costType: CostType;
  description?: string | null;
  /** Default "1". */
  quantity?: string;
  unit?: string | null;
  rate: string;
}

/**
 * A step. Given with its stepId it is that step of the process, and whatever of subprocessId,
 * customName, notes, lines, groups and costItems it leaves out stays as it is. Without a
 * stepId it is a new step: subprocessId is required, lines and groups default to none, and
 * costItems left out become the library's proposal (one labour item of 1 × the subprocess's
 * labour cost, when that is above 0); `costItems: []` means none.
 */
export interface StepInput {
  stepId?: number;
  subprocessId?: number;
  customName?: string | null;
  notes?: string | null;
  lines?: LineInput[];
  groups?: GroupInput[];
  costItems?: CostItemInput[];
}

export interface AdditionalCostInput {
  costType: string;
  description?: string | null;
  amount: string;
  /** Default true. */
  isFixed?: boolean;
}

/** A process's structure: its steps in order (sequence 1..n follows the array) and, when given, its additional costs (replaced whole). */
export interface StructureInput {
  steps: StepInput[];
  additionalCosts?: AdditionalCostInput[];
}

/** How to write a structure: where each step's errors point, and what may stay although deleted. */
export interface StructureOptions {
  /** The path of step i in the request, for errors (default `body/steps/i`). */
  stepPath?: (index: number) => string;
  /** Deleted variants and subprocesses that may be used (a copy keeps what its source used); those the process uses already always may. */
  allowDeleted?: { variantIds: Iterable<number>; subprocessIds: Iterable<number> };
  /** Skip the checks that no two groups of a step share a name and no variant is twice in a step's lines or a group (a copy of old data). */
  allowDuplicates?: boolean;
}

/** The process row, locked for this transaction; NOT_FOUND, or PROCESS_DELETED (409) when it is soft-deleted. */
export async function lockLiveProcess(q: Queryable, processId: number): Promise<{ status: ProcessStatus; name: string }> {
  const r = await q.query<{ status: ProcessStatus; name: string; deleted: boolean }>(
    'SELECT status, name, deleted_at IS NOT NULL AS deleted FROM public.processes WHERE id = $1 FOR UPDATE',
    [processId],
  );
  const p = r.rows[0];
  if (!p) throw notFound('process', { processId });
  if (p.deleted)
    throw new ProcessError(
      'PROCESS_DELETED',
      `process ${processId} is deleted: restore it (POST /api/processes/${processId}/restore) before changing it`,
      'state',
      { processId },
    );
  return p;
}

interface CurrentStep {
  stepId: number;
  subprocessId: number;
  customName: string | null;
  notes: string | null;
}

interface Current {
  steps: Map<number, CurrentStep>;
  /** Live groups by id, with their step. */
  groups: Map<number, number>;
  variantIds: Set<number>;
  subprocessIds: Set<number>;
  /** Groups (live or deleted) that lots have chosen from: group id → step id and lot numbers. */
  chosen: Map<number, { stepId: number; lots: string[] }>;
}

async function loadCurrent(q: Queryable, processId: number): Promise<Current> {
  const steps = (
    await q.query<CurrentStep>(
      'SELECT id AS "stepId", subprocess_id AS "subprocessId", custom_name AS "customName", notes FROM public.process_subprocesses WHERE process_id = $1',
      [processId],
    )
  ).rows;
  const groups = (
    await q.query<{ groupId: number; stepId: number; live: boolean; lots: string[] | null }>(
      `SELECT g.id AS "groupId", g.process_subprocess_id AS "stepId", g.deleted_at IS NULL AS live,
              (SELECT array_agg(DISTINCT l.lot_number ORDER BY l.lot_number) FROM public.production_lot_selections s JOIN public.production_lots l ON l.id = s.lot_id
                WHERE s.substitute_group_id = g.id) AS lots
         FROM public.substitute_groups g JOIN public.process_subprocesses ps ON ps.id = g.process_subprocess_id WHERE ps.process_id = $1`,
      [processId],
    )
  ).rows;
  const variants = (
    await q.query<{ variantId: number }>(
      `SELECT DISTINCT u.variant_id AS "variantId" FROM public.variant_usage u JOIN public.process_subprocesses ps ON ps.id = u.process_subprocess_id WHERE ps.process_id = $1`,
      [processId],
    )
  ).rows;
  return {
    steps: new Map(steps.map((s) => [s.stepId, s])),
    groups: new Map(groups.filter((g) => g.live).map((g) => [g.groupId, g.stepId])),
    variantIds: new Set(variants.map((v) => v.variantId)),
    subprocessIds: new Set(steps.map((s) => s.subprocessId)),
    chosen: new Map(groups.filter((g) => g.lots !== null).map((g) => [g.groupId, { stepId: g.stepId, lots: g.lots! }])),
  };
}

/** A step as it will be written: `null` parts stay as they are. */
interface PlannedStep {
  stepId: number | null;
  subprocessId: number;
  customName: string | null;
  notes: string | null;
  lines: LineInput[] | null;
  groups: GroupInput[] | null;
  costItems: CostItemInput[] | null;
}

interface Reference {
  live: boolean;
  name: string;
  labourCost?: string;
}

/** Checks the input against the database (variants, subprocesses, steps and groups of this process) and plans the write; INVALID_INPUT with every bad field. */
async function plan(q: Queryable, processId: number, input: StructureInput, current: Current, options: StructureOptions): Promise<PlannedStep[]> {
  const path = options.stepPath ?? ((i: number) => `body/steps/${i}`);
  const variantIds = new Set<number>();
  const subprocessIds = new Set<number>();
  for (const step of input.steps) {
    if (step.subprocessId !== undefined) subprocessIds.add(step.subprocessId);
    for (const l of step.lines ?? []) variantIds.add(l.variantId);
    for (const g of step.groups ?? []) for (const a of g.alternatives) variantIds.add(a.variantId);
  }
  const variants = new Map(
    (
      await q.query<{ id: number } & Reference>(
        `SELECT v.variant_id AS id, v.deleted_at IS NULL AND i.deleted_at IS NULL AS live, i.name FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
          WHERE v.variant_id = ANY($1::int[])`,
        [[...variantIds]],
      )
    ).rows.map((r) => [r.id, r]),
  );
  const subprocesses = new Map(
    (
      await q.query<{ id: number } & Reference>(
        'SELECT id, deleted_at IS NULL AS live, name, labour_cost::text AS "labourCost" FROM public.subprocesses WHERE id = ANY($1::int[])',
        [[...subprocessIds]],
      )
    ).rows.map((r) => [r.id, r]),
  );
  const allowedVariants = new Set([...current.variantIds, ...(options.allowDeleted?.variantIds ?? [])]);
  const allowedSubprocesses = new Set([...current.subprocessIds, ...(options.allowDeleted?.subprocessIds ?? [])]);

  const problems: FieldProblem[] = [];
  const checkVariant = (p: string, id: number) => {
    const v = variants.get(id);
    if (!v) problems.push({ path: `${p}/variantId`, message: `no variant ${id}` });
    else if (!v.live && !allowedVariants.has(id))
      problems.push({ path: `${p}/variantId`, message: `variant ${id} (${v.name}) is deleted: restore it or choose another` });
  };
  const checkLines = (p: string, lines: LineInput[], list: string) => {
    const seen = new Map<number, number>();
    for (const [k, line] of lines.entries()) {
      checkVariant(`${p}/${k}`, line.variantId);
      const first = seen.get(line.variantId);
      if (first !== undefined && !options.allowDuplicates)
        problems.push({
          path: `${p}/${k}/variantId`,
          message: `variant ${line.variantId} is in ${list}/${first} already: give it once, with the whole quantity`,
        });
      else seen.set(line.variantId, k);
    }
  };

  const seenSteps = new Map<number, number>();
  const seenGroups = new Map<number, string>();
  const planned: PlannedStep[] = [];
  for (const [i, step] of input.steps.entries()) {
    const p = path(i);
    const existing = step.stepId === undefined ? undefined : current.steps.get(step.stepId);
    if (step.stepId !== undefined) {
      if (!existing) problems.push({ path: `${p}/stepId`, message: `process ${processId} has no step ${step.stepId}` });
      else if (seenSteps.has(step.stepId))
        problems.push({ path: `${p}/stepId`, message: `step ${step.stepId} is at steps/${seenSteps.get(step.stepId)} already` });
      else seenSteps.set(step.stepId, i);
    }
    let subprocessId = step.subprocessId ?? existing?.subprocessId;
    if (subprocessId === undefined) {
      if (step.stepId === undefined) problems.push({ path: `${p}/subprocessId`, message: 'is required for a new step' });
      subprocessId = 0;
    } else if (step.subprocessId !== undefined) {
      const s = subprocesses.get(step.subprocessId);
      if (!s) problems.push({ path: `${p}/subprocessId`, message: `no subprocess ${step.subprocessId}` });
      else if (!s.live && !allowedSubprocesses.has(step.subprocessId))
        problems.push({ path: `${p}/subprocessId`, message: `subprocess ${step.subprocessId} (${s.name}) is deleted: restore it or choose another` });
    }
    if (step.lines) checkLines(`${p}/lines`, step.lines, 'lines');
    if (step.groups) {
      const names = new Map<string, number>();
      for (const [j, group] of step.groups.entries()) {
        const gp = `${p}/groups/${j}`;
        if (group.groupId !== undefined) {
          const owner = current.groups.get(group.groupId);
          if (!existing || owner !== existing.stepId)
            problems.push({
              path: `${gp}/groupId`,
              message: `${existing ? `step ${existing.stepId}` : 'a new step'} has no substitute group ${group.groupId}`,
            });
          else if (seenGroups.has(group.groupId))
            problems.push({ path: `${gp}/groupId`, message: `group ${group.groupId} is at ${seenGroups.get(group.groupId)} already` });
          else seenGroups.set(group.groupId, gp);
        }
        const key = group.name.toLowerCase();
        if (names.has(key) && !options.allowDuplicates)
          problems.push({ path: `${gp}/name`, message: `the step has a group "${group.name}" already (groups/${names.get(key)})` });
        else names.set(key, j);
        checkLines(`${gp}/alternatives`, group.alternatives, 'alternatives');
      }
    }
    const library = subprocesses.get(subprocessId);
    const proposal: CostItemInput[] =
      library?.labourCost !== undefined && /[1-9]/.test(library.labourCost)
        ? [{ costType: 'labour', description: `${library.name}: labour from the library`, quantity: '1', unit: null, rate: library.labourCost }]
        : [];
    planned.push({
      stepId: existing?.stepId ?? null,
      subprocessId,
      customName: step.customName !== undefined ? step.customName : (existing?.customName ?? null),
      notes: step.notes !== undefined ? step.notes : (existing?.notes ?? null),
      lines: step.lines ?? (existing ? null : []),
      groups: step.groups ?? (existing ? null : []),
      costItems: step.costItems ?? (existing ? null : proposal),
    });
  }
  if (problems.length > 0) throw invalidInput(problems);
  return planned;
}

/** `count` new ids of a serial column, so that children can name their parent in the same bulk insert. */
async function newIds(q: Queryable, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const r = await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence($1, 'id'))::int AS id FROM generate_series(1, $2::int)`, [table, count]);
  return r.rows.map((row) => row.id);
}

/**
 * Writes a process's structure in the caller's transaction: the steps in the order given
 * (sequence 1..n, no gaps), steps left out removed, and for each step what it gives replaced
 * (see StepInput). A fixed number of statements whatever the size (bulk writes from arrays).
 *
 * Refusals: NOT_FOUND, PROCESS_DELETED (409); INVALID_INPUT (400) naming each bad field
 * (unknown or deleted variants and subprocesses, steps and groups not of this process, a
 * variant twice in one list, two groups of one name in a step); PROCESS_EMPTY (409) when an
 * active process would be left without steps; STEP_IN_USE (409) when a step to remove has a
 * substitute group that lots chose from (their selections point at it: archive the process
 * or copy it as a draft instead). A group that lots chose from and that is left out of its
 * step is soft-deleted, not removed: costing and new lots ignore it, the lots keep it.
 *
 * Lots froze their estimate at creation, so a change here does not alter what existing lots
 * were estimated at; a lot not yet completed consumes what the structure says when it
 * completes (the lots area reads it then), and must still have a valid choice per live group.
 */
export async function writeStructure(q: Queryable, processId: number, input: StructureInput, options: StructureOptions = {}): Promise<void> {
  const process = await lockLiveProcess(q, processId);
  const current = await loadCurrent(q, processId);
  const steps = await plan(q, processId, input, current, options);
  if (steps.length === 0 && process.status === 'active')
    throw new ProcessError(
      'PROCESS_EMPTY',
      `process ${processId} is active and needs at least one step: archive it or set it to draft before removing its last step`,
      'state',
      { processId },
    );

  const kept = new Set(steps.flatMap((s) => (s.stepId === null ? [] : [s.stepId])));
  const removed = [...current.steps.keys()].filter((id) => !kept.has(id));
  const blocking = [...current.chosen.entries()].filter(([, c]) => removed.includes(c.stepId));
  if (blocking.length > 0) {
    const lots = [...new Set(blocking.flatMap(([, c]) => c.lots))];
    throw new ProcessError(
      'STEP_IN_USE',
      `step ${blocking
        .map(([, c]) => c.stepId)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(
          ', ',
        )} of process ${processId} has substitute groups that lots chose from (${lots.slice(0, 5).join(', ')}${lots.length > 5 ? ', …' : ''}): it cannot be removed; archive the process or copy it as a draft and change the copy`,
      'state',
      { processId, stepIds: [...new Set(blocking.map(([, c]) => c.stepId))], lots },
    );
  }
  if (removed.length > 0) await q.query('DELETE FROM public.process_subprocesses WHERE id = ANY($1::int[])', [removed]);

  // Steps: kept ones step aside (to a negative place of their own, -id) so that no unique (process, subprocess, place) collides on the way, then all are written at once.
  await q.query('UPDATE public.process_subprocesses SET sequence_order = -id WHERE process_id = $1', [processId]);
  const fresh = await newIds(q, 'public.process_subprocesses', steps.filter((s) => s.stepId === null).length);
  const stepIds = steps.map((s) => s.stepId ?? fresh.shift()!);
  await q.query(
    `INSERT INTO public.process_subprocesses (id, process_id, subprocess_id, sequence_order, custom_name, notes)
     SELECT id, $1, subprocess_id, sequence_order, custom_name, notes FROM unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[]) AS x(id, subprocess_id, sequence_order, custom_name, notes)
     ON CONFLICT (id) DO UPDATE SET subprocess_id = EXCLUDED.subprocess_id, sequence_order = EXCLUDED.sequence_order, custom_name = EXCLUDED.custom_name, notes = EXCLUDED.notes`,
    [processId, stepIds, steps.map((s) => s.subprocessId), steps.map((_, i) => i + 1), steps.map((s) => s.customName), steps.map((s) => s.notes)],
  );

  // Groups of the steps whose groups are given: those left out go (soft-deleted when lots chose from them), kept ones are renamed, new ones made.
  const groupSteps = stepIds.filter((_, i) => steps[i]!.groups !== null);
  const givenGroups = steps.flatMap((s, i) => (s.groups ?? []).map((g) => ({ ...g, stepId: stepIds[i]! })));
  const keptGroups = new Set(givenGroups.flatMap((g) => (g.groupId === undefined ? [] : [g.groupId])));
  const dropped = [...current.groups.entries()].filter(([id, stepId]) => groupSteps.includes(stepId) && !keptGroups.has(id)).map(([id]) => id);
  const softly = dropped.filter((id) => current.chosen.has(id));
  const hard = dropped.filter((id) => !current.chosen.has(id));
  if (softly.length > 0) await q.query('UPDATE public.substitute_groups SET deleted_at = now() WHERE id = ANY($1::int[])', [softly]);
  if (hard.length > 0) await q.query('DELETE FROM public.substitute_groups WHERE id = ANY($1::int[])', [hard]);
  const freshGroups = await newIds(q, 'public.substitute_groups', givenGroups.filter((g) => g.groupId === undefined).length);
  const groupIds = givenGroups.map((g) => g.groupId ?? freshGroups.shift()!);
  if (givenGroups.length > 0)
    await q.query(
      `INSERT INTO public.substitute_groups (id, process_subprocess_id, group_name, group_description)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[])
       ON CONFLICT (id) DO UPDATE SET group_name = EXCLUDED.group_name, group_description = EXCLUDED.group_description`,
      [groupIds, givenGroups.map((g) => g.stepId), givenGroups.map((g) => g.name), givenGroups.map((g) => g.description ?? null)],
    );

  // Variant usage: the lines of steps whose lines are given and the alternatives of every given group are replaced.
  const lineSteps = stepIds.filter((_, i) => steps[i]!.lines !== null);
  await q.query(
    `DELETE FROM public.variant_usage WHERE (process_subprocess_id = ANY($1::int[]) AND substitute_group_id IS NULL) OR substitute_group_id = ANY($2::int[])`,
    [lineSteps, [...keptGroups]],
  );
  const usage = [
    ...steps.flatMap((s, i) => (s.lines ?? []).map((l) => ({ ...l, stepId: stepIds[i]!, groupId: null as number | null }))),
    ...givenGroups.flatMap((g, j) => g.alternatives.map((a) => ({ ...a, stepId: g.stepId, groupId: groupIds[j]! }))),
  ];
  if (usage.length > 0)
    await q.query(
      `INSERT INTO public.variant_usage (process_subprocess_id, variant_id, quantity, substitute_group_id)
       SELECT step_id, variant_id, quantity::numeric, group_id FROM unnest($1::int[], $2::int[], $3::text[], $4::int[]) AS x(step_id, variant_id, quantity, group_id)`,
      [usage.map((u) => u.stepId), usage.map((u) => u.variantId), usage.map((u) => u.quantity), usage.map((u) => u.groupId)],
    );

  const costSteps = stepIds.filter((_, i) => steps[i]!.costItems !== null);
  if (costSteps.length > 0) await q.query('DELETE FROM public.cost_items WHERE process_subprocess_id = ANY($1::int[])', [costSteps]);
  const costs = steps.flatMap((s, i) => (s.costItems ?? []).map((c) => ({ ...c, stepId: stepIds[i]! })));
  if (costs.length > 0)
    await q.query(
      `INSERT INTO public.cost_items (process_subprocess_id, cost_type, description, quantity, unit, rate)
       SELECT step_id, cost_type, description, quantity::numeric, unit, rate::numeric
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(step_id, cost_type, description, quantity, unit, rate)`,
      [
        costs.map((c) => c.stepId),
        costs.map((c) => c.costType),
        costs.map((c) => c.description ?? null),
        costs.map((c) => c.quantity ?? '1'),
        costs.map((c) => c.unit ?? null),
        costs.map((c) => c.rate),
      ],
    );

  if (input.additionalCosts) {
    const extra = input.additionalCosts;
    await q.query('DELETE FROM public.additional_costs WHERE process_id = $1', [processId]);
    if (extra.length > 0)
      await q.query(
        `INSERT INTO public.additional_costs (process_id, cost_type, description, amount, is_fixed)
         SELECT $1, cost_type, description, amount::numeric, is_fixed FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS x(cost_type, description, amount, is_fixed)`,
        [processId, extra.map((a) => a.costType), extra.map((a) => a.description ?? null), extra.map((a) => a.amount), extra.map((a) => a.isFixed ?? true)],
      );
  }
  await q.query('UPDATE public.processes SET updated_at = now() WHERE id = $1', [processId]);
}
