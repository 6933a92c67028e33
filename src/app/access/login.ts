// Logging in and out: a session opened or closed, and the event that says so, written together.
import type { Database } from '../../db/types.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';
import { AccessError, checkPassword, closeSession, openSession } from './accounts.ts';
import type { NewSession, User } from './accounts.ts';

/** A login's outcome: the user and their new session, or a refusal that says nothing of why. */
export type LoginOutcome = { ok: true; user: User; session: NewSession } | { ok: false };

/**
 * Checks an email and password and, when they match an active account, opens a session and
 * records `login` (entity `session`) as that user, in one transaction. Otherwise records
 * `login_failed` as the account the email names (null for none) with the email tried and the
 * address, never the password, and refuses: a wrong email, a wrong password, a deactivated
 * account and one deactivated while this login ran get the same answer. `origin` says how the
 * attempt came (its `via` and `requestId`); who made it is known only by the check.
 */
export async function logIn(db: Database, attempt: { email: string; password: string; address: string }, origin: Omit<Actor, 'userId'>): Promise<LoginOutcome> {
  const checked = await checkPassword(db, attempt.email, attempt.password);
  if (checked.ok) {
    const { user } = checked;
    try {
      return await db.transaction(async (tx) => {
        const session = await openSession(tx, user.userId);
        await auditAs(tx, { ...origin, userId: user.userId }, { action: 'login', entity: 'session' });
        return { ok: true, user, session };
      });
    } catch (err) {
      if (!(err instanceof AccessError && err.code === 'ACCOUNT_DEACTIVATED')) throw err;
    }
  }
  const email = attempt.email.trim().toLowerCase();
  await auditAs(
    db,
    { ...origin, userId: checked.ok ? checked.user.userId : checked.userId },
    {
      action: 'login_failed',
      entity: 'session',
      after: { email, ip: attempt.address },
    },
  );
  return { ok: false };
}

/** Closes the actor's session (a caller by API token has none) and records `logout`, in one transaction. */
export async function logOut(db: Database, sessionId: number | undefined, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    if (sessionId !== undefined) await closeSession(tx, sessionId);
    await auditAs(tx, actor, { action: 'logout', entity: 'session' });
  });
}
