import type { Queryable } from '../../db/types.ts';
import { LotError } from './status.ts';

/** A choice for one substitute group: the variant, or null to take the choice back. */
export interface SelectionInput {
  groupId: number;
  variantId: number | null;
}

/** What is wrong with one selection: its index in the input, the field, and what to fix. */
export interface SelectionProblem {
  path: string;
  message: string;
}

/**
 * Checks selections against a process: each group once, a live substitute group of this
 * process, and a variant that is one of that group's alternatives. Refuses with
 * SELECTION_INVALID (usage, 400) listing every problem in `details.fields` (paths relative to
 * the input: `selections/0/variantId`). Returns the group names by id.
 */
export async function validateSelections(q: Queryable, processId: number, selections: readonly SelectionInput[]): Promise<Map<number, string>> {
  const problems: SelectionProblem[] = [];
  const seen = new Set<number>();
  for (const [i, s] of selections.entries()) {
    if (seen.has(s.groupId))
      problems.push({ path: `selections/${i}/groupId`, message: `chooses for group ${s.groupId} a second time: one selection per group` });
    seen.add(s.groupId);
  }
  const r = await q.query<{ id: number; name: string; processId: number; deleted: boolean; alternatives: number[] }>(
    `SELECT g.id, g.group_name AS name, ps.process_id AS "processId", g.deleted_at IS NOT NULL AS deleted,
            coalesce(array_agg(u.variant_id ORDER BY u.variant_id) FILTER (WHERE u.variant_id IS NOT NULL), '{}') AS alternatives
       FROM public.substitute_groups g
       JOIN public.process_subprocesses ps ON ps.id = g.process_subprocess_id
       LEFT JOIN public.variant_usage u ON u.substitute_group_id = g.id
      WHERE g.id = ANY($1::int[])
      GROUP BY g.id, ps.process_id`,
    [[...seen]],
  );
  const groups = new Map(r.rows.map((g) => [g.id, g]));
  const names = new Map<number, string>();
  for (const [i, s] of selections.entries()) {
    const g = groups.get(s.groupId);
    if (!g || g.processId !== processId) {
      problems.push({ path: `selections/${i}/groupId`, message: `group ${s.groupId} is not a substitute group of process ${processId}` });
      continue;
    }
    if (g.deleted) {
      problems.push({ path: `selections/${i}/groupId`, message: `group ${s.groupId} (${g.name}) is deleted` });
      continue;
    }
    names.set(g.id, g.name);
    if (s.variantId !== null && !g.alternatives.includes(s.variantId)) {
      problems.push({
        path: `selections/${i}/variantId`,
        message: `variant ${s.variantId} is not an alternative of group ${g.id} (${g.name}); its alternatives are ${g.alternatives.length > 0 ? `variants ${g.alternatives.join(', ')}` : 'none yet'}`,
      });
    }
  }
  if (problems.length > 0) {
    throw new LotError('SELECTION_INVALID', `invalid selections: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, 'usage', { fields: problems });
  }
  return names;
}

/**
 * Writes validated selections for a lot: a variant replaces the group's choice, null removes
 * it. Returns the ids of the groups whose choice actually changed.
 */
export async function writeSelections(q: Queryable, lotId: number, selections: readonly SelectionInput[]): Promise<number[]> {
  if (selections.length === 0) return [];
  const r = await q.query<{ groupId: number }>(
    `WITH wanted AS (SELECT * FROM unnest($2::int[], $3::int[]) AS w(group_id, variant_id)),
     old AS (SELECT s.substitute_group_id AS group_id, s.variant_id FROM public.production_lot_selections s WHERE s.lot_id = $1 AND s.substitute_group_id IN (SELECT group_id FROM wanted)),
     removed AS (
       DELETE FROM public.production_lot_selections s USING wanted w
        WHERE s.lot_id = $1 AND s.substitute_group_id = w.group_id AND w.variant_id IS NULL RETURNING s.substitute_group_id AS group_id),
     chosen AS (
       INSERT INTO public.production_lot_selections (lot_id, substitute_group_id, variant_id)
       SELECT $1, group_id, variant_id FROM wanted WHERE variant_id IS NOT NULL
       ON CONFLICT (lot_id, substitute_group_id) DO UPDATE SET variant_id = EXCLUDED.variant_id
       RETURNING substitute_group_id AS group_id)
     SELECT w.group_id AS "groupId" FROM wanted w LEFT JOIN old o ON o.group_id = w.group_id
      WHERE o.variant_id IS DISTINCT FROM w.variant_id
      ORDER BY w.group_id`,
    [lotId, selections.map((s) => s.groupId), selections.map((s) => s.variantId)],
  );
  return r.rows.map((x) => x.groupId);
}
