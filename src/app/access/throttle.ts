import type { Queryable } from '../../db/types.ts';

/** How many login attempts a minute one address may make: for one account, and over all of them. */
export interface LoginLimits {
  perAccount: number;
  perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 10, perAddress: 30 };

/** Windows that ended are deleted this many at a time, by the attempts that come after them. */
const SWEEP = 100;

/**
 * Counts one login attempt from `address` for `email`, against both limits, in one statement,
 * and says whether it may go on; when not, how many seconds until its window ends. The email
 * is folded by PostgreSQL's lower(), as checkPassword finds the account: "vİewer@…" and
 * "viewer@…" are one key exactly when they are one account. The counters live in the
 * database, so every `mtc serve` on it counts against the same allowance; an attempt is
 * counted before any password is hashed, so a refused one costs no hashing.
 */
export async function countLoginAttempt(
  q: Queryable,
  address: string,
  email: string,
  limits: LoginLimits,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const r = await q.query<{ retry: number | null }>(
    `WITH limits (key, max) AS (VALUES ('account ' || $1 || ' ' || lower($2), $3::int), ('address ' || $1, $4::int)),
     -- not this attempt's own keys: one statement must not both delete and update a row
     swept AS (
       DELETE FROM public.login_attempts WHERE key IN (
         SELECT key FROM public.login_attempts WHERE window_start <= now() - interval '1 minute' AND key NOT IN (SELECT key FROM limits)
          ORDER BY window_start LIMIT ${SWEEP})
     ),
     counted AS (
       INSERT INTO public.login_attempts AS a (key, window_start, attempts)
       SELECT key, now(), 1 FROM limits
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN a.window_start <= now() - interval '1 minute' THEN 1 ELSE a.attempts + 1 END,
         window_start = CASE WHEN a.window_start <= now() - interval '1 minute' THEN now() ELSE a.window_start END
       RETURNING key, attempts, window_start
     )
     SELECT max(ceil(extract(epoch FROM c.window_start + interval '1 minute' - now())))::int AS retry
       FROM counted c JOIN limits l USING (key) WHERE c.attempts > l.max`,
    [address, email, limits.perAccount, limits.perAddress],
  );
  const retry = r.rows[0]?.retry;
  return retry === null || retry === undefined ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, retry) };
}
