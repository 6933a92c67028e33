import type { Database, Queryable } from '../../db/types.ts';
import { pageTotal } from '../paging.ts';
import { isoUtc } from '../timestamps.ts';
import { violates } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import type { AuditAction } from '../audit/audit.ts';
import { ProcessError, notFound } from './errors.ts';

/**
 * A kind of step in the reusable library (cutting, stitching, packing). `labourCost` is what
 * one step of this kind costs in labour: when the subprocess is added to a process without
 * cost items of its own, it is proposed as one labour cost item (1 × labourCost).
 * `processCount` is how many live processes use it.
 */
export interface Subprocess {
  subprocessId: number;
  name: string;
  description: string | null;
  category: string | null;
  estimatedTimeMinutes: number;
  labourCost: string;
  processCount: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** What a caller sets for a subprocess; null clears an optional field. */
export interface SubprocessInput {
  name: string;
  description?: string | null;
  category?: string | null;
  estimatedTimeMinutes?: number;
  labourCost?: string;
}

const COLUMNS = `s.id AS "subprocessId", s.name, s.description, s.category, s.estimated_time_minutes AS "estimatedTimeMinutes", s.labour_cost::text AS "labourCost",
  (SELECT count(DISTINCT ps.process_id)::int FROM public.process_subprocesses ps JOIN public.processes p ON p.id = ps.process_id
    WHERE ps.subprocess_id = s.id AND p.deleted_at IS NULL) AS "processCount",
  ${isoUtc('s.created_at')} AS "createdAt", ${isoUtc('s.updated_at')} AS "updatedAt", ${isoUtc('s.deleted_at')} AS "deletedAt"`;

/** One subprocess, deleted or not; null when there is none. */
export async function getSubprocess(q: Queryable, subprocessId: number): Promise<Subprocess | null> {
  return (await q.query<Subprocess>(`SELECT ${COLUMNS} FROM public.subprocesses s WHERE s.id = $1`, [subprocessId])).rows[0] ?? null;
}

/** How to list the library: `q` is a part of the name, any case. */
export interface SubprocessFilter {
  q?: string;
  category?: string;
  includeDeleted?: boolean;
  limit: number;
  offset: number;
}

/** One page of the library by name, and how many match in all. */
export async function listSubprocesses(q: Queryable, f: SubprocessFilter): Promise<{ total: number; subprocesses: Subprocess[] }> {
  const where = `($1::boolean OR s.deleted_at IS NULL) AND ($2::text IS NULL OR position(lower($2::text) in lower(s.name)) > 0) AND ($3::text IS NULL OR lower(s.category) = lower($3::text))`;
  const params = [f.includeDeleted ?? false, f.q ?? null, f.category ?? null];
  const rows = (
    await q.query<Subprocess & { total: string }>(
      `SELECT ${COLUMNS}, count(*) OVER ()::text AS total FROM public.subprocesses s WHERE ${where} ORDER BY lower(s.name), s.id LIMIT $4 OFFSET $5`,
      [...params, f.limit, f.offset],
    )
  ).rows;
  const total = await pageTotal(q, rows, f.offset, `SELECT count(*)::text AS n FROM public.subprocesses s WHERE ${where}`, params);
  return { total, subprocesses: rows.map(({ total: _total, ...s }) => s) };
}

/**
 * SUBPROCESS_NAME_TAKEN when another subprocess, live or deleted, has this name in any case:
 * a deleted subprocess keeps its name (steps of old processes still show it), so the answer
 * is to restore it. Call it in the write's transaction.
 */
async function assertNameFree(q: Queryable, name: string, exceptId: number | null, liveOnly = false): Promise<void> {
  // The unique constraint is on the exact name; writers of one name whatever its case take
  // turns (a lock held until the transaction ends), so two of them cannot both find it free.
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('public.subprocesses.name'), hashtext(lower($1)))`, [name]);
  const r = await q.query<{ id: number; deleted: boolean }>(
    `SELECT id, deleted_at IS NOT NULL AS deleted FROM public.subprocesses
      WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2 AND (NOT $3::boolean OR deleted_at IS NULL) ORDER BY deleted_at NULLS FIRST LIMIT 1`,
    [name, exceptId, liveOnly],
  );
  const other = r.rows[0];
  if (other) throw nameTaken(name, other);
}

const nameTaken = (name: string, other?: { id: number; deleted: boolean }) =>
  new ProcessError(
    'SUBPROCESS_NAME_TAKEN',
    other?.deleted
      ? `a deleted subprocess ${other.id} is named "${name}": restore it (POST /api/subprocesses/${other.id}/restore) instead of making another`
      : `a subprocess named "${name}" exists already${other ? ` (subprocess ${other.id})` : ''}`,
    'state',
    { field: 'name', ...(other ? { subprocessId: other.id } : {}) },
  );

async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (violates(err, 'unique_subprocess_name')) throw nameTaken(name);
    throw err;
  }
}

// Each write below opens its own transaction and records its audit event as the actor's, so a
// refused change leaves neither a row nor an event; the `...In` variants run in a caller's
// transaction (the demo seed's).

/** Records a subprocess's change as the actor's; the subprocess as it is now. */
async function audited(q: Queryable, actor: Actor, action: AuditAction, change: { before: Subprocess; after: Subprocess }): Promise<Subprocess> {
  await auditAs(q, actor, { action, entity: 'subprocess', entityId: change.after.subprocessId, before: change.before, after: change.after });
  return change.after;
}

/** Adds a subprocess to the library, audited as a create; SUBPROCESS_NAME_TAKEN (409) when its name is in use. */
export async function createSubprocess(db: Database, input: SubprocessInput, actor: Actor): Promise<Subprocess> {
  return db.transaction((tx) => createSubprocessIn(tx, input, actor));
}

/** createSubprocess in the caller's transaction. */
export async function createSubprocessIn(q: Queryable, input: SubprocessInput, actor: Actor): Promise<Subprocess> {
  await assertNameFree(q, input.name, null);
  const r = await uniqueName(input.name, () =>
    q.query<{ id: number }>(
      'INSERT INTO public.subprocesses (name, description, category, estimated_time_minutes, labour_cost) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [input.name, input.description ?? null, input.category ?? null, input.estimatedTimeMinutes ?? 0, input.labourCost ?? '0'],
    ),
  );
  const made = (await getSubprocess(q, r.rows[0]!.id))!;
  await auditAs(q, actor, { action: 'create', entity: 'subprocess', entityId: made.subprocessId, after: made });
  return made;
}

async function lockSubprocess(q: Queryable, subprocessId: number): Promise<{ deleted: boolean; name: string }> {
  const r = await q.query<{ deleted: boolean; name: string }>(
    'SELECT deleted_at IS NOT NULL AS deleted, name FROM public.subprocesses WHERE id = $1 FOR UPDATE',
    [subprocessId],
  );
  if (!r.rows[0]) throw notFound('subprocess', { subprocessId });
  return r.rows[0];
}

/**
 * Changes a live subprocess, audited as an update: a field left out keeps its value, null clears it. Steps that use
 * it show the new name; cost items proposed from its labour cost earlier keep their rate.
 * NOT_FOUND, SUBPROCESS_DELETED (409; restore it first), SUBPROCESS_NAME_TAKEN (409).
 */
export async function updateSubprocess(db: Database, subprocessId: number, change: Partial<SubprocessInput>, actor: Actor): Promise<Subprocess> {
  return db.transaction(async (q) => {
    const locked = await lockSubprocess(q, subprocessId);
    if (locked.deleted)
      throw new ProcessError('SUBPROCESS_DELETED', `subprocess ${subprocessId} is deleted: restore it before changing it`, 'state', { subprocessId });
    const before = (await getSubprocess(q, subprocessId))!;
    if (change.name !== undefined && change.name !== before.name) await assertNameFree(q, change.name, subprocessId);
    await uniqueName(change.name ?? before.name, () =>
      q.query(
        `UPDATE public.subprocesses SET name = coalesce($2, name), description = CASE WHEN $3::boolean THEN $4 ELSE description END,
              category = CASE WHEN $5::boolean THEN $6 ELSE category END, estimated_time_minutes = coalesce($7, estimated_time_minutes), labour_cost = coalesce($8::numeric, labour_cost)
        WHERE id = $1`,
        [
          subprocessId,
          change.name ?? null,
          change.description !== undefined,
          change.description ?? null,
          change.category !== undefined,
          change.category ?? null,
          change.estimatedTimeMinutes ?? null,
          change.labourCost ?? null,
        ],
      ),
    );
    return audited(q, actor, 'update', { before, after: (await getSubprocess(q, subprocessId))! });
  });
}

/**
 * Soft-deletes a subprocess: it leaves the library's lists and cannot be added to a process
 * again, but the steps that use it stay as they are (a subprocess is never hard-deleted: the
 * steps of live and historic processes refer to it). Audited as a delete. NOT_FOUND, ALREADY_DELETED (409).
 */
export async function deleteSubprocess(db: Database, subprocessId: number, actor: Actor): Promise<Subprocess> {
  return db.transaction(async (q) => {
    const locked = await lockSubprocess(q, subprocessId);
    if (locked.deleted) throw new ProcessError('ALREADY_DELETED', `subprocess ${subprocessId} is deleted already`, 'state', { subprocessId });
    const before = (await getSubprocess(q, subprocessId))!;
    await q.query('UPDATE public.subprocesses SET deleted_at = now() WHERE id = $1', [subprocessId]);
    return audited(q, actor, 'delete', { before, after: (await getSubprocess(q, subprocessId))! });
  });
}

/** Brings a deleted subprocess back into the library, audited as a restore. NOT_FOUND, NOT_DELETED (409), SUBPROCESS_NAME_TAKEN (409). */
export async function restoreSubprocess(db: Database, subprocessId: number, actor: Actor): Promise<Subprocess> {
  return db.transaction(async (q) => {
    const locked = await lockSubprocess(q, subprocessId);
    if (!locked.deleted) throw new ProcessError('NOT_DELETED', `subprocess ${subprocessId} is not deleted`, 'state', { subprocessId });
    await assertNameFree(q, locked.name, subprocessId, true);
    const before = (await getSubprocess(q, subprocessId))!;
    await q.query('UPDATE public.subprocesses SET deleted_at = NULL WHERE id = $1', [subprocessId]);
    return audited(q, actor, 'restore', { before, after: (await getSubprocess(q, subprocessId))! });
  });
}
