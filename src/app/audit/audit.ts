import { isoUtc } from '../timestamps.ts';
import type { Queryable } from '../../db/types.ts';
import { cappedTotal } from '../paging.ts';
import type { PageTotal } from '../paging.ts';

/** How a person acted: through the API, the mtc command, an import job, or the demo seed. */
export type ActorVia = 'http' | 'cli' | 'import' | 'seed';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'login' | 'logout' | 'login_failed' | 'deactivate' | 'reactivate' | 'transition';

export interface AuditEvent {
  id: number;
  userId: number | null;
  action: AuditAction;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  /** How the change was made: http, cli, import or seed. */
  via: ActorVia;
  createdAt: string;
}

/** Records who did what to which entity, with the values before and after; call it in the write's own transaction. */
export async function recordAudit(
  q: Queryable,
  e: {
    userId: number | null;
    action: AuditAction;
    entity: string;
    entityId?: string | number | null;
    before?: unknown;
    after?: unknown;
    requestId?: string | null;
    via?: ActorVia;
  },
): Promise<void> {
  await q.query(
    'INSERT INTO public.audit_events (user_id, action, entity, entity_id, before, after, request_id, via) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)',
    [
      e.userId,
      e.action,
      e.entity,
      e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.requestId ?? null,
      e.via ?? 'http',
    ],
  );
}

/** The newest events first, optionally of one action, for one entity (and one of its rows), by one user; counted up to COUNT_CAP. */
export async function listAudit(
  q: Queryable,
  filter: { entity?: string; entityId?: string; action?: string; userId?: number; limit: number; offset: number },
): Promise<PageTotal & { events: AuditEvent[] }> {
  const where = `($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2) AND ($3::text IS NULL OR action = $3) AND ($4::int IS NULL OR user_id = $4)`;
  const params = [filter.entity ?? null, filter.entityId ?? null, filter.action ?? null, filter.userId ?? null];
  // Ordered by the table's id (e.id), not the output column "id" (id::int), which no index has.
  const events = (
    await q.query<AuditEvent>(
      `SELECT id::int AS id, user_id AS "userId", action, entity, entity_id AS "entityId", before, after, request_id AS "requestId", via,
              ${isoUtc('created_at')} AS "createdAt"
         FROM public.audit_events e WHERE ${where} ORDER BY e.id DESC LIMIT $5 OFFSET $6`,
      [...params, filter.limit, filter.offset],
    )
  ).rows;
  return { ...(await cappedTotal(q, events.length, filter, `FROM public.audit_events WHERE ${where}`, params)), events };
}
