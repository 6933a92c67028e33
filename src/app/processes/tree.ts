import type { Queryable } from '../../db/types.ts';
import { pageTotal } from '../paging.ts';
import { isoUtc } from '../timestamps.ts';

/** The kinds of cost item a step may have (cost_items_cost_type_check). */
export const COST_TYPES = ['labour', 'overhead', 'electricity', 'maintenance', 'service', 'packing', 'transport', 'other'] as const;
export type CostType = (typeof COST_TYPES)[number];

export const PROCESS_STATUSES = ['draft', 'active', 'archived'] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

/** A variant used in a quantity: a line of a step, or one alternative of a substitute group. Quantities are decimal strings. */
export interface VariantLine {
  lineId: number;
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  /** The variant (or its item) is soft-deleted: it stays in the process, costing lists it, and it is a warning. */
  variantDeleted: boolean;
  quantity: string;
}

/** A named set of alternatives: a lot uses exactly one of them, in that alternative's own quantity. */
export interface SubstituteGroup {
  groupId: number;
  name: string;
  description: string | null;
  alternatives: VariantLine[];
}

/** Labour, overhead and the like of a step: quantity × rate (`amount`, rounded to 2 decimals for display). */
export interface CostItem {
  costItemId: number;
  costType: CostType;
  description: string | null;
  quantity: string;
  unit: string | null;
  rate: string;
  amount: string;
}

/** One step of a process: a library subprocess at a place in the order (1..n, no gaps). */
export interface Step {
  stepId: number;
  sequenceOrder: number;
  subprocessId: number;
  subprocessName: string;
  subprocessDeleted: boolean;
  /** The custom name, or else the subprocess's. */
  name: string;
  customName: string | null;
  notes: string | null;
  estimatedTimeMinutes: number;
  lines: VariantLine[];
  groups: SubstituteGroup[];
  costItems: CostItem[];
}

/** A cost of the whole process that belongs to no step (tooling, freight). */
export interface AdditionalCost {
  additionalCostId: number;
  costType: string;
  description: string | null;
  amount: string;
  isFixed: boolean;
}

/** Something in a process a planner should look at; `path` points into the process (`steps/0/groups/1/alternatives`). */
export interface StructureWarning {
  code: 'GROUP_SINGLE_ALTERNATIVE' | 'VARIANT_DELETED' | 'SUBPROCESS_DELETED';
  path: string;
  message: string;
}

/** What a process makes: its output variant, by name. */
export interface ProcessOutput {
  variantId: number;
  item: string;
  color: string;
  size: string;
  unit: string;
  variantDeleted: boolean;
}

/** A process without its structure, as lists show it. */
export interface ProcessSummary {
  processId: number;
  name: string;
  description: string | null;
  processClass: string | null;
  status: ProcessStatus;
  /** Decimal string ≥ 0 with 2 decimals, or null when not set. */
  salesPrice: string | null;
  /** The variant the process makes (finished goods), null when it names none. */
  outputVariantId: number | null;
  /** How much of the output variant one unit of the process yields: a decimal string > 0 ("1" unless set). */
  outputQuantity: string;
  /** The usual lot size: how many units a run usually makes (1 unless set); costing shares fixed per-run costs over it unless asked for another. */
  lotSize: number;
  /** The margin it aims at, in percent (2 decimals); null: the settings' default applies. */
  targetMargin: string | null;
  /** The output variant's names, null when the process names none. */
  output: ProcessOutput | null;
  stepCount: number;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A process with its whole structure: steps in order, each with lines, groups and cost items; the additional costs; and warnings. */
export interface Process extends ProcessSummary {
  steps: Step[];
  additionalCosts: AdditionalCost[];
  warnings: StructureWarning[];
}

const SUMMARY_COLUMNS = `p.id AS "processId", p.name, p.description, p.process_class AS "processClass", p.status, p.sales_price::text AS "salesPrice",
  p.output_variant_id AS "outputVariantId", trim_scale(p.output_quantity)::text AS "outputQuantity", p.lot_size AS "lotSize",
  p.target_margin::text AS "targetMargin",
  (SELECT json_build_object('variantId', v.variant_id, 'item', i.name, 'color', c.color_name, 'size', sz.size_name, 'unit', v.unit,
                            'variantDeleted', v.deleted_at IS NOT NULL OR i.deleted_at IS NOT NULL)
     FROM public.item_variant v JOIN public.item_master i ON i.item_id = v.item_id
     JOIN public.color_master c ON c.color_id = v.color_id JOIN public.size_master sz ON sz.size_id = v.size_id
    WHERE v.variant_id = p.output_variant_id) AS output,
  (SELECT count(*)::int FROM public.process_subprocesses ps WHERE ps.process_id = p.id) AS "stepCount", p.created_by AS "createdBy",
  ${isoUtc('p.created_at')} AS "createdAt", ${isoUtc('p.updated_at')} AS "updatedAt", ${isoUtc('p.deleted_at')} AS "deletedAt"`;

/** A process without its structure, deleted or not; null when there is none. */
export async function getProcessSummary(q: Queryable, processId: number): Promise<ProcessSummary | null> {
  return (await q.query<ProcessSummary>(`SELECT ${SUMMARY_COLUMNS} FROM public.processes p WHERE p.id = $1`, [processId])).rows[0] ?? null;
}

type LineRow = VariantLine & { stepId: number; groupId: number | null };

/**
 * A process with its whole structure, deleted or not; null when there is none. Six queries
 * whatever its size: the process, its steps, groups, variant lines (with the variants' names),
 * cost items and additional costs. Deleted substitute groups (kept because lots chose from
 * them) are left out, as costing leaves them out.
 */
export async function getProcess(q: Queryable, processId: number): Promise<Process | null> {
  const summary = await getProcessSummary(q, processId);
  if (!summary) return null;
  const steps = (
    await q.query<Omit<Step, 'lines' | 'groups' | 'costItems'>>(
      `SELECT ps.id AS "stepId", ps.sequence_order AS "sequenceOrder", ps.subprocess_id AS "subprocessId", s.name AS "subprocessName",
              s.deleted_at IS NOT NULL AS "subprocessDeleted", coalesce(ps.custom_name, s.name) AS name, ps.custom_name AS "customName", ps.notes,
              s.estimated_time_minutes AS "estimatedTimeMinutes"
         FROM public.process_subprocesses ps JOIN public.subprocesses s ON s.id = ps.subprocess_id
        WHERE ps.process_id = $1 ORDER BY ps.sequence_order, ps.id`,
      [processId],
    )
  ).rows;
  const groups = (
    await q.query<Omit<SubstituteGroup, 'alternatives'> & { stepId: number }>(
      `SELECT g.id AS "groupId", g.process_subprocess_id AS "stepId", g.group_name AS name, g.group_description AS description
         FROM public.substitute_groups g JOIN public.process_subprocesses ps ON ps.id = g.process_subprocess_id
        WHERE ps.process_id = $1 AND g.deleted_at IS NULL ORDER BY g.id`,
      [processId],
    )
  ).rows;
  const lines = (
    await q.query<LineRow>(
      `SELECT u.id AS "lineId", u.process_subprocess_id AS "stepId", u.substitute_group_id AS "groupId", u.variant_id AS "variantId",
              i.name AS item, c.color_name AS color, sz.size_name AS size, v.unit, (v.deleted_at IS NOT NULL OR i.deleted_at IS NOT NULL) AS "variantDeleted",
              u.quantity::text AS quantity
         FROM public.variant_usage u
         JOIN public.process_subprocesses ps ON ps.id = u.process_subprocess_id
         JOIN public.item_variant v ON v.variant_id = u.variant_id
         JOIN public.item_master i ON i.item_id = v.item_id
         JOIN public.color_master c ON c.color_id = v.color_id
         JOIN public.size_master sz ON sz.size_id = v.size_id
         LEFT JOIN public.substitute_groups g ON g.id = u.substitute_group_id
        WHERE ps.process_id = $1 AND (u.substitute_group_id IS NULL OR g.deleted_at IS NULL) ORDER BY u.id`,
      [processId],
    )
  ).rows;
  const costItems = (
    await q.query<CostItem & { stepId: number }>(
      `SELECT ci.id AS "costItemId", ci.process_subprocess_id AS "stepId", ci.cost_type AS "costType", ci.description, ci.quantity::text AS quantity, ci.unit,
              ci.rate::text AS rate, round(ci.quantity * ci.rate, 2)::text AS amount
         FROM public.cost_items ci JOIN public.process_subprocesses ps ON ps.id = ci.process_subprocess_id
        WHERE ps.process_id = $1 ORDER BY ci.id`,
      [processId],
    )
  ).rows;
  const additionalCosts = (
    await q.query<AdditionalCost>(
      `SELECT id AS "additionalCostId", cost_type AS "costType", description, amount::text AS amount, is_fixed AS "isFixed"
         FROM public.additional_costs WHERE process_id = $1 ORDER BY id`,
      [processId],
    )
  ).rows;

  const byStep = new Map<number, Step>(steps.map((s) => [s.stepId, { ...s, lines: [], groups: [], costItems: [] }]));
  const byGroup = new Map<number, SubstituteGroup>();
  for (const { stepId, ...g } of groups) {
    const group = { ...g, alternatives: [] };
    byGroup.set(g.groupId, group);
    byStep.get(stepId)!.groups.push(group);
  }
  for (const { stepId, groupId, ...line } of lines) {
    if (groupId === null) byStep.get(stepId)!.lines.push(line);
    else byGroup.get(groupId)?.alternatives.push(line);
  }
  for (const { stepId, ...item } of costItems) byStep.get(stepId)!.costItems.push(item);
  const tree = [...byStep.values()];
  return { ...summary, steps: tree, additionalCosts, warnings: structureWarnings(tree) };
}

const variantName = (l: VariantLine) => `${l.item}, ${l.color}, ${l.size}`;

/** What a planner should look at: groups with a single alternative, deleted variants and subprocesses still in use. */
export function structureWarnings(steps: Step[]): StructureWarning[] {
  const out: StructureWarning[] = [];
  for (const [i, step] of steps.entries()) {
    if (step.subprocessDeleted)
      out.push({
        code: 'SUBPROCESS_DELETED',
        path: `steps/${i}/subprocessId`,
        message: `subprocess ${step.subprocessId} (${step.subprocessName}) is deleted from the library`,
      });
    for (const [k, line] of step.lines.entries())
      if (line.variantDeleted)
        out.push({ code: 'VARIANT_DELETED', path: `steps/${i}/lines/${k}/variantId`, message: `variant ${line.variantId} (${variantName(line)}) is deleted` });
    for (const [j, group] of step.groups.entries()) {
      if (group.alternatives.length === 1)
        out.push({
          code: 'GROUP_SINGLE_ALTERNATIVE',
          path: `steps/${i}/groups/${j}/alternatives`,
          message: `group "${group.name}" has one alternative: a lot has nothing to choose; make it a line or add alternatives`,
        });
      for (const [k, alt] of group.alternatives.entries())
        if (alt.variantDeleted)
          out.push({
            code: 'VARIANT_DELETED',
            path: `steps/${i}/groups/${j}/alternatives/${k}/variantId`,
            message: `variant ${alt.variantId} (${variantName(alt)}) is deleted`,
          });
    }
  }
  return out;
}

/** How to list processes. `q` is a part of the name, any case. */
export interface ProcessFilter {
  q?: string;
  status?: ProcessStatus;
  /** Only processes that use this variant (as a line or an alternative of a live group). */
  variantId?: number;
  /** Only processes with a step of this library subprocess. */
  subprocessId?: number;
  includeDeleted?: boolean;
  sort?: 'name' | 'createdAt' | 'updatedAt';
  direction?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const ORDER = { name: 'lower(p.name)', createdAt: 'p.created_at', updatedAt: 'p.updated_at' } as const;
const DIRECTION = { asc: 'ASC', desc: 'DESC' } as const;

/** One page of processes (without their structure) and how many match in all. */
export async function listProcesses(q: Queryable, f: ProcessFilter): Promise<{ total: number; processes: ProcessSummary[] }> {
  const where = `($1::boolean OR p.deleted_at IS NULL)
    AND ($2::text IS NULL OR position(lower($2::text) in lower(p.name)) > 0)
    AND ($3::text IS NULL OR p.status = $3::text)
    AND ($4::int IS NULL OR EXISTS (SELECT 1 FROM public.process_subprocesses ps JOIN public.variant_usage u ON u.process_subprocess_id = ps.id
                                      LEFT JOIN public.substitute_groups g ON g.id = u.substitute_group_id
                                     WHERE ps.process_id = p.id AND u.variant_id = $4::int AND (u.substitute_group_id IS NULL OR g.deleted_at IS NULL)))
    AND ($5::int IS NULL OR EXISTS (SELECT 1 FROM public.process_subprocesses ps WHERE ps.process_id = p.id AND ps.subprocess_id = $5::int))`;
  const params = [f.includeDeleted ?? false, f.q ?? null, f.status ?? null, f.variantId ?? null, f.subprocessId ?? null];
  const dir = DIRECTION[f.direction ?? 'asc'];
  const rows = (
    await q.query<ProcessSummary & { total: string }>(
      `SELECT ${SUMMARY_COLUMNS}, count(*) OVER ()::text AS total FROM public.processes p WHERE ${where}
        ORDER BY ${ORDER[f.sort ?? 'name']} ${dir}, p.id ${dir} LIMIT $6 OFFSET $7`,
      [...params, f.limit, f.offset],
    )
  ).rows;
  const total = await pageTotal(q, rows, f.offset, `SELECT count(*)::text AS n FROM public.processes p WHERE ${where}`, params);
  return { total, processes: rows.map(({ total: _total, ...p }) => p) };
}
