import type { Queryable } from '../../db/types.ts';
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

/** Records the audit event of a change the actor made; call it in the change's own transaction. */
export function auditAs(
  q: Queryable,
  actor: Actor,
  e: { action: AuditAction; entity: string; entityId?: string | number | null; before?: unknown; after?: unknown },
): Promise<void> {
  return recordAudit(q, { ...e, userId: actor.userId, via: actor.via, requestId: actor.requestId ?? null });
}
