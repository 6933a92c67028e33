import type { Database, Queryable } from '../../db/types.ts';
import { recordAudit } from './audit.ts';
import type { ActorVia, AuditAction } from './audit.ts';

export type { ActorVia };

/**
 * Who makes a change, passed to every business write so that it records its own audit event.
 * `userId` is null for the person at a terminal (`mtc user add`, the first admin `mtc serve`
 * makes): the event then names the CLI as its maker. `requestId` ties an API change to its log.
 */
export interface Actor {
  userId: number | null;
  via: ActorVia;
  requestId?: string | null;
}

/** The person at the terminal running an mtc command. */
export const CLI_ACTOR: Actor = Object.freeze({ userId: null, via: 'cli' });

/** `mtc seed --demo` writing the demo data: no person, the seed. */
export const SEED_ACTOR: Actor = Object.freeze({ userId: null, via: 'seed' });

/** Records the audit event of a change the actor made; call it in the change's own transaction. */
export function auditAs(
  q: Queryable,
  actor: Actor,
  e: { action: AuditAction; entity: string; entityId?: string | number | null; before?: unknown; after?: unknown },
): Promise<void> {
  return recordAudit(q, { ...e, userId: actor.userId, via: actor.via, requestId: actor.requestId ?? null });
}

/**
 * Runs one change in a transaction of its own and records it as the actor's `action` on the
 * entity, with the values before and after, in that transaction. Answers the value after; null,
 * recording nothing, when the change finds nothing to change (no such row). A change that
 * throws leaves nothing: neither its writes nor an event.
 */
export async function auditedChange<T>(
  db: Database,
  actor: Actor,
  e: { action: AuditAction; entity: string; entityId: string | number },
  change: (tx: Queryable) => Promise<{ before: T; after: T } | null>,
): Promise<T | null> {
  return db.transaction(async (tx) => {
    const changed = await change(tx);
    if (!changed) return null;
    await auditAs(tx, actor, { ...e, before: changed.before, after: changed.after });
    return changed.after;
  });
}
