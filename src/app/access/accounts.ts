import type { Database, Queryable } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';
import { hashPassword, newPassword, newSecret, secretHash, verifyPassword } from './secrets.ts';
import { ROLES } from './roles.ts';
import type { Role } from './roles.ts';
import { isoUtc } from '../timestamps.ts';
import { auditAs } from '../audit/actor.ts';
import type { Actor } from '../audit/actor.ts';

/** A user as the API shows it: never the password hash. */
export interface User {
  userId: number;
  name: string;
  email: string;
  role: Role;
  hasPassword: boolean;
  createdAt: string;
  /** When the account was deactivated (it cannot log in, its sessions and tokens ended); null while active. */
  deactivatedAt: string | null;
}

/** How long a browser session lasts without use. */
export const SESSION_IDLE_HOURS = 12;
/** The longest a session lasts at all. */
export const SESSION_MAX_HOURS = 24 * 7;

/** The columns of a User, from the users table under alias `t` (or unqualified). */
const userColumns = (t = '') =>
  `${t}user_id AS "userId", ${t}name, ${t}email, ${t}role, ${t}password_hash IS NOT NULL AS "hasPassword", ${isoUtc(`${t}created_at`)} AS "createdAt",
  ${isoUtc(`${t}deactivated_at`)} AS "deactivatedAt"`;
const USER_COLUMNS = userColumns();

export class AccessError extends MtcError {}

/** Checks an email loosely (one @, something on both sides): the real check is the mail that arrives. */
export function validEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 255;
}

/**
 * Creates a user and records it in the audit trail as the actor's change, in one transaction.
 * `EMAIL_TAKEN` (409) when the address is in use, whatever its case.
 */
export async function createUser(db: Database, input: NewUser, actor: Actor): Promise<User> {
  return db.transaction((tx) => createUserIn(tx, input, actor));
}

/** What a new user is made of; the password is kept only as its hash. */
export interface NewUser {
  name: string;
  email: string;
  role: Role;
  password?: string;
}

/** createUser in the caller's transaction (the demo seed's). */
export async function createUserIn(q: Queryable, input: NewUser, actor: Actor): Promise<User> {
  const user = await insertUser(q, input);
  await auditAs(q, actor, { action: 'create', entity: 'user', entityId: user.userId, after: user });
  return user;
}

async function insertUser(q: Queryable, input: NewUser): Promise<User> {
  if (!ROLES.includes(input.role)) throw new AccessError('INVALID_ROLE', `role ${input.role}: expected one of ${ROLES.join(', ')}`, 'usage', { field: 'role' });
  if (!validEmail(input.email)) throw new AccessError('INVALID_EMAIL', `email ${input.email}: not an email address`, 'usage', { field: 'email' });
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  const taken = () => new AccessError('EMAIL_TAKEN', `a user with the email ${input.email} exists already`, 'state', { field: 'email' });
  // The unique index on lower(email) decides: two admins adding one address at once get one user and one 409, not a 500.
  const r = await q.query<User>(
    `INSERT INTO public.users (name, email, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (lower(email)) DO NOTHING RETURNING ${USER_COLUMNS}`,
    [input.name, input.email, input.role, hash],
  );
  if (r.rowCount === 0) throw taken();
  return r.rows[0]!;
}

/** Whether anyone can log in: an active account with a password. */
export async function anyoneCanLogIn(q: Queryable): Promise<boolean> {
  const r = await q.query<{ yes: boolean }>('SELECT EXISTS (SELECT 1 FROM public.users WHERE password_hash IS NOT NULL AND deactivated_at IS NULL) AS yes');
  return r.rows[0]?.yes === true;
}

/**
 * The first admin of a database no one can log in to (no active account has a password):
 * an admin with a new random password, made by createUser (and audited as the actor's). Returns the user and the
 * password, which exists in clear only here (the database keeps its Argon2id hash); null,
 * making nothing, when someone can log in already. The check and the insert hold a lock on
 * the users table, so two servers starting at once make one first admin, not two.
 * EMAIL_TAKEN (409) when a user with that email exists but cannot log in.
 */
export async function createFirstAdmin(db: Database, input: { name: string; email: string }, actor: Actor): Promise<{ user: User; password: string } | null> {
  return db.transaction(async (tx) => {
    await tx.exec('LOCK TABLE public.users IN SHARE ROW EXCLUSIVE MODE');
    if (await anyoneCanLogIn(tx)) return null;
    const password = newPassword();
    return { user: await createUserIn(tx, { ...input, role: 'admin', password }, actor), password };
  });
}

/** The user with this email, whatever its case; null when there is none. */
export async function findUserByEmail(q: Queryable, email: string): Promise<User | null> {
  return (await q.query<User>(`SELECT ${USER_COLUMNS} FROM public.users WHERE lower(email) = lower($1)`, [email])).rows[0] ?? null;
}

export async function listUsers(q: Queryable): Promise<User[]> {
  return (await q.query<User>(`SELECT ${USER_COLUMNS} FROM public.users ORDER BY user_id`)).rows;
}

export async function getUser(q: Queryable, userId: number): Promise<User | null> {
  return (await q.query<User>(`SELECT ${USER_COLUMNS} FROM public.users WHERE user_id = $1`, [userId])).rows[0] ?? null;
}

/** Changes a user's name, role or password; returns the user before and after, or null when there is none. */
export async function updateUser(
  q: Queryable,
  userId: number,
  change: { name?: string; role?: Role; password?: string },
): Promise<{ before: User; after: User } | null> {
  const before = await getUser(q, userId);
  if (!before) return null;
  const hash = change.password === undefined ? undefined : await hashPassword(change.password);
  const r = await q.query<User>(
    `UPDATE public.users SET name = coalesce($2, name), role = coalesce($3, role), password_hash = coalesce($4, password_hash) WHERE user_id = $1 RETURNING ${USER_COLUMNS}`,
    [userId, change.name ?? null, change.role ?? null, hash ?? null],
  );
  if (hash !== undefined) await q.query('DELETE FROM public.user_sessions WHERE user_id = $1', [userId]);
  return { before, after: r.rows[0]! };
}

/**
 * Changes a user's name, role or password as the actor, audited in the same transaction (never
 * with the password); a new password ends the user's sessions. Null when there is no such
 * user. LAST_ADMIN_GUARD (409) when an admin would take the admin role from themselves.
 */
export async function changeUser(db: Database, userId: number, change: { name?: string; role?: Role; password?: string }, actor: Actor): Promise<User | null> {
  if (userId === actor.userId && change.role !== undefined && change.role !== 'admin') {
    throw new AccessError('LAST_ADMIN_GUARD', 'an admin cannot take the admin role from themselves; ask another admin', 'state', { field: 'role' });
  }
  return db.transaction(async (tx) => {
    const changed = await updateUser(tx, userId, change);
    if (!changed) return null;
    await auditAs(tx, actor, { action: 'update', entity: 'user', entityId: userId, before: changed.before, after: changed.after });
    return changed.after;
  });
}

/**
 * Gives the user with this email (whatever its case) a new password and ends their sessions,
 * audited as the actor's change. USER_NOT_FOUND (a state error) when no user has the email.
 */
export async function setPasswordByEmail(db: Database, email: string, password: string, actor: Actor): Promise<User> {
  return db.transaction(async (tx) => {
    const found = await findUserByEmail(tx, email);
    if (!found)
      throw new AccessError(
        'USER_NOT_FOUND',
        `no user has the email ${email}: see the users in the web app's Users page, or make one with mtc user add`,
        'state',
        { field: 'email' },
      );
    const changed = (await updateUser(tx, found.userId, { password }))!;
    await auditAs(tx, actor, { action: 'update', entity: 'user', entityId: found.userId, before: changed.before, after: changed.after });
    return changed.after;
  });
}

/**
 * Deactivates (its sessions and tokens end) or reactivates an account as the actor, audited in
 * the same transaction. Null when there is no such user; SELF_DEACTIVATION (409) for the
 * actor's own account; ALREADY_DEACTIVATED or NOT_DEACTIVATED (409) when it is so already.
 */
export async function setAccountActive(db: Database, userId: number, verb: 'deactivate' | 'reactivate', actor: Actor): Promise<User | null> {
  if (verb === 'deactivate' && userId === actor.userId)
    throw new AccessError('SELF_DEACTIVATION', 'an admin cannot deactivate their own account; ask another admin', 'state', { userId });
  return db.transaction(async (tx) => {
    const changed = verb === 'deactivate' ? await deactivateUser(tx, userId) : await reactivateUser(tx, userId);
    if (!changed) return null;
    await auditAs(tx, actor, { action: verb, entity: 'user', entityId: userId, before: changed.before, after: changed.after });
    return changed.after;
  });
}

/** What a login attempt found: the user, or (failed) the account the email names, if any, for the audit trail. */
export type LoginResult = { ok: true; user: User } | { ok: false; userId: number | null };

/**
 * Checks an email and password. A wrong email, a wrong password and a deactivated account
 * get the same answer, and take the same time (an unknown email is verified against a
 * dummy hash), so the answer tells nothing about which accounts exist.
 */
export async function checkPassword(q: Queryable, email: string, password: string): Promise<LoginResult> {
  const r = await q.query<User & { hash: string | null }>(`SELECT ${USER_COLUMNS}, password_hash AS hash FROM public.users WHERE lower(email) = lower($1)`, [
    email,
  ]);
  const row = r.rows[0];
  const ok = await verifyPassword(row?.hash ?? (await dummyHash()), password);
  if (!row) return { ok: false, userId: null };
  if (!ok || row.deactivatedAt !== null) return { ok: false, userId: row.userId };
  const { hash: _hash, ...user } = row;
  return { ok: true, user };
}

/**
 * Deactivates an account: it can no longer log in, and its sessions and API tokens end now.
 * Returns the user before and after; null when there is none. ALREADY_DEACTIVATED (409).
 */
export async function deactivateUser(q: Queryable, userId: number): Promise<{ before: User; after: User } | null> {
  const before = await getUser(q, userId);
  if (!before) return null;
  if (before.deactivatedAt !== null) throw new AccessError('ALREADY_DEACTIVATED', `user ${userId} is deactivated already`, 'state', { userId });
  const r = await q.query<User>(`UPDATE public.users SET deactivated_at = now() WHERE user_id = $1 RETURNING ${USER_COLUMNS}`, [userId]);
  await q.query('DELETE FROM public.user_sessions WHERE user_id = $1', [userId]);
  await q.query('UPDATE public.api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  return { before, after: r.rows[0]! };
}

/** Lets a deactivated account log in again (its old tokens stay revoked). NOT_DEACTIVATED (409) for an active one. */
export async function reactivateUser(q: Queryable, userId: number): Promise<{ before: User; after: User } | null> {
  const before = await getUser(q, userId);
  if (!before) return null;
  if (before.deactivatedAt === null) throw new AccessError('NOT_DEACTIVATED', `user ${userId} is active`, 'state', { userId });
  const r = await q.query<User>(`UPDATE public.users SET deactivated_at = NULL WHERE user_id = $1 RETURNING ${USER_COLUMNS}`, [userId]);
  return { before, after: r.rows[0]! };
}

let dummy: Promise<string> | undefined;
/** A real hash of nothing anyone knows, made once, to spend the same time on an unknown email. */
const dummyHash = () => (dummy ??= hashPassword(newSecret('')));

/**
 * The user $1 while active, its row locked FOR SHARE until the statement's transaction ends.
 * A session or token is made only through it: deactivation updates that row, so it waits for a
 * session or token being made to commit (and then revokes it with the rest), or the session or
 * token waits for the deactivation, finds the account no longer active, and is not made. The
 * foreign key's own lock (FOR KEY SHARE) does not conflict with that update, which let tokens
 * made during a deactivation outlive it and come back to life on reactivation.
 */
const ACTIVE_OWNER = `owner AS (SELECT user_id FROM public.users WHERE user_id = $1 AND deactivated_at IS NULL FOR SHARE)`;

/** A session or token asked for an account that is deactivated (or was, while it was being made). */
const deactivatedMeanwhile = (userId: number) =>
  new AccessError(
    'ACCOUNT_DEACTIVATED',
    `user ${userId} is deactivated (or does not exist): no session or token was made; an admin can reactivate the account`,
    'state',
    { userId },
  );

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/** Opens a browser session; the token goes in a cookie, the CSRF token in every unsafe request's header. */
export async function openSession(q: Queryable, userId: number): Promise<NewSession> {
  const token = newSecret('s_');
  const csrfToken = newSecret('c_');
  const r = await q.query<{ expires: string }>(
    `WITH ${ACTIVE_OWNER}
     INSERT INTO public.user_sessions (user_id, token_hash, csrf_token, expires_at)
     SELECT user_id, $2, $3, now() + make_interval(hours => $4) FROM owner
     RETURNING ${isoUtc('expires_at')} AS expires`,
    [userId, secretHash(token), csrfToken, SESSION_MAX_HOURS],
  );
  if (r.rowCount === 0) throw deactivatedMeanwhile(userId);
  return { token, csrfToken, expiresAt: r.rows[0]!.expires };
}

/** A session that can still be used (user_sessions under alias `s`): before its absolute expiry, and used within the idle limit. */
const LIVE_SESSION = `s.expires_at > now() AND s.last_seen_at > now() - make_interval(hours => ${SESSION_IDLE_HOURS})`;

/** How stale a session's last_seen_at or a token's last_used_at may get before a request writes it again. */
const TOUCH_AFTER = "interval '1 minute'";

/**
 * Who a session token belongs to, if it is live; using it keeps it alive. Reading is one
 * query; the write that keeps it alive happens at most once a minute per session, so that
 * concurrent requests of one session do not queue on its row.
 */
export async function sessionUser(q: Queryable, token: string): Promise<{ user: User; sessionId: number; csrfToken: string } | null> {
  const r = await q.query<User & { sessionId: string; csrf: string; stale: boolean }>(
    `SELECT s.id::text AS "sessionId", s.csrf_token AS csrf, s.last_seen_at < now() - ${TOUCH_AFTER} AS stale, ${userColumns('u.')}
       FROM public.user_sessions s JOIN public.users u ON u.user_id = s.user_id
      WHERE s.token_hash = $1 AND ${LIVE_SESSION} AND u.deactivated_at IS NULL`,
    [secretHash(token)],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { sessionId, csrf, stale, ...user } = row;
  if (stale) await q.query('UPDATE public.user_sessions SET last_seen_at = now() WHERE id = $1', [sessionId]);
  return { user, sessionId: Number(sessionId), csrfToken: csrf };
}

export async function closeSession(q: Queryable, sessionId: number): Promise<void> {
  await q.query('DELETE FROM public.user_sessions WHERE id = $1', [sessionId]);
}

/** A live session as an admin sees it: whose it is and when it was used (to the minute), never its token or CSRF token. */
export interface Session {
  id: number;
  userId: number;
  email: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

const SESSION_COLUMNS = `s.id::int AS id, s.user_id AS "userId", u.email, ${isoUtc('s.created_at')} AS "createdAt",
  ${isoUtc('s.expires_at')} AS "expiresAt", ${isoUtc('s.last_seen_at')} AS "lastSeenAt"`;

/** The live sessions, newest first, of every user or of one. */
export async function listSessions(q: Queryable, filter: { userId?: number }): Promise<Session[]> {
  return (
    await q.query<Session>(
      `SELECT ${SESSION_COLUMNS} FROM public.user_sessions s JOIN public.users u ON u.user_id = s.user_id
        WHERE ${LIVE_SESSION} AND ($1::int IS NULL OR s.user_id = $1) ORDER BY s.id DESC`,
      [filter.userId ?? null],
    )
  ).rows;
}

/**
 * Ends a live session, whoever's it is, as the actor (an admin), audited (`delete` of `session`,
 * with the session as it was, never its tokens) in the same transaction; returns it as it was,
 * or null, recording nothing, when there is no such live session.
 */
export async function revokeSession(db: Database, sessionId: number, actor: Actor): Promise<Session | null> {
  return db.transaction(async (tx) => {
    const r = await tx.query<Session>(
      `DELETE FROM public.user_sessions s USING public.users u
        WHERE s.id = $1 AND u.user_id = s.user_id AND ${LIVE_SESSION} RETURNING ${SESSION_COLUMNS}`,
      [sessionId],
    );
    const closed = r.rows[0] ?? null;
    if (closed) await auditAs(tx, actor, { action: 'delete', entity: 'session', entityId: closed.id, before: closed });
    return closed;
  });
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const TOKEN_COLUMNS = `id::int AS id, name, prefix, ${isoUtc('created_at')} AS "createdAt",
  ${isoUtc('last_used_at')} AS "lastUsedAt"`;

/**
 * Makes an API token for a user as the actor, audited (`create` of `api_token`, with its name
 * and prefix, never the token) in the same transaction; the token itself is returned this once
 * and never stored. ACCOUNT_DEACTIVATED (409) when the user is not active: nothing is made.
 */
export async function createApiToken(db: Database, userId: number, name: string, actor: Actor): Promise<ApiToken & { token: string }> {
  const token = newSecret('mtc_');
  return db.transaction(async (tx) => {
    const r = await tx.query<ApiToken>(
      `WITH ${ACTIVE_OWNER}
       INSERT INTO public.api_tokens (user_id, name, prefix, token_hash) SELECT user_id, $2, $3, $4 FROM owner RETURNING ${TOKEN_COLUMNS}`,
      [userId, name, token.slice(0, 12), secretHash(token)],
    );
    if (r.rowCount === 0) throw deactivatedMeanwhile(userId);
    const made = r.rows[0]!;
    await auditAs(tx, actor, { action: 'create', entity: 'api_token', entityId: made.id, after: { name: made.name, prefix: made.prefix } });
    return { ...made, token };
  });
}

export async function listApiTokens(q: Queryable, userId: number): Promise<ApiToken[]> {
  return (await q.query<ApiToken>(`SELECT ${TOKEN_COLUMNS} FROM public.api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id`, [userId])).rows;
}

/**
 * Revokes one of the user's tokens as the actor, audited (`delete` of `api_token`, with its name
 * and prefix) in the same transaction; false, recording nothing, when the user has no such live token.
 */
export async function revokeApiToken(db: Database, userId: number, id: number, actor: Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{ name: string; prefix: string }>(
      'UPDATE public.api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING name, prefix',
      [id, userId],
    );
    const revoked = r.rows[0];
    if (revoked) await auditAs(tx, actor, { action: 'delete', entity: 'api_token', entityId: id, before: revoked });
    return revoked !== undefined;
  });
}

/** Who a bearer token belongs to, if it is live; its last use is written at most once a minute. */
export async function tokenUser(q: Queryable, token: string): Promise<User | null> {
  const r = await q.query<User & { tokenId: string; stale: boolean }>(
    `SELECT t.id::text AS "tokenId", (t.last_used_at IS NULL OR t.last_used_at < now() - ${TOUCH_AFTER}) AS stale, ${userColumns('u.')}
       FROM public.api_tokens t JOIN public.users u ON u.user_id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL`,
    [secretHash(token)],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { tokenId, stale, ...user } = row;
  if (stale) await q.query('UPDATE public.api_tokens SET last_used_at = now() WHERE id = $1', [tokenId]);
  return user;
}
