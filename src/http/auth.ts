import type { Actor } from '../app/audit/actor.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/types.ts';
import { sessionUser, tokenUser } from '../app/access/accounts.ts';
import type { User } from '../app/access/accounts.ts';
import { allows } from '../app/access/roles.ts';
import type { Permission } from '../app/access/roles.ts';
import { sameSecret, secretHash } from '../app/access/secrets.ts';
import { HttpError } from './errors.ts';
import { TokenCache } from './token-cache.ts';
import type { TokenCacheOptions } from './token-cache.ts';

export const SESSION_COOKIE = 'mtc_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who is calling, and how: a browser session (with its CSRF token) or an API token. */
export interface Caller {
  user: User;
  via: 'session' | 'token';
  sessionId?: number;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; `public` for the few routes anyone may call. */
    permission?: Permission | 'public';
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The caller, or null for an anonymous request. */
async function identify(db: Database, tokens: TokenCache, request: FastifyRequest): Promise<Caller | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    const token = m[1]!;
    const user = await tokens.user(secretHash(token), () => tokenUser(db, token));
    if (!user) throw new HttpError(401, 'UNAUTHENTICATED', 'this API token is unknown or revoked');
    return { user, via: 'token' };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined) return null;
  const s = await sessionUser(db, cookie);
  if (!s) throw new HttpError(401, 'SESSION_EXPIRED', 'the session has expired or was closed: log in again');
  return { user: s.user, via: 'session', sessionId: s.sessionId, csrfToken: s.csrfToken };
}

/**
 * Every route names its permission in `config.permission` (a route without one is refused
 * at start-up); before the body is even read, the caller is identified (401 without one), the
 * role checked against the permission table (403), and for a browser session an unsafe
 * method must carry the session's CSRF token in `x-csrf-token` (403 `CSRF_INVALID`).
 * An API token's lookup is kept for a moment (TokenCache: how it stays correct); a browser
 * session is looked up on every request (its idle time is written as it is used).
 */
export function installAuth(app: FastifyInstance, db: Database, tokenCache: TokenCacheOptions = {}): void {
  const tokens = new TokenCache(tokenCache);
  app.decorateRequest('caller', null);
  // Before the answer of any change leaves, so that the caller's next request sees the change.
  // Only a caller's: an anonymous request changes nothing, and could otherwise keep it empty.
  app.addHook('onSend', async (request) => {
    if (request.caller && UNSAFE.has(request.method)) tokens.clear();
  });
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (url.startsWith('/api/docs') || route.config?.permission !== undefined) return;
    throw new Error(`route ${route.method} ${url} declares no permission (config.permission)`);
  });
  // onRequest: before the body is read or validated, so an anonymous caller learns nothing about input.
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public' || permission === undefined) return;
    const caller = await identify(db, tokens, request);
    if (!caller) throw new HttpError(401, 'UNAUTHENTICATED', 'log in (POST /api/auth/login) or send an API token (Authorization: Bearer …)');
    if (!allows(caller.user.role, permission))
      throw new HttpError(403, 'FORBIDDEN', `the role ${caller.user.role} may not do this (needs ${permission})`, { permission });
    if (caller.via === 'session' && UNSAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !caller.csrfToken || !sameSecret(sent, caller.csrfToken)) {
        throw new HttpError(403, 'CSRF_INVALID', `send the session's CSRF token (from login or GET /api/auth/me) in the ${CSRF_HEADER} header`);
      }
    }
    request.caller = caller;
  });
}

/** The caller of a route that requires one (the auth hook has run). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new HttpError(401, 'UNAUTHENTICATED', 'not logged in');
  return request.caller;
}

/** The caller as the actor of a change: their user, through the API, with the request's id. */
export function actorOf(request: FastifyRequest): Actor {
  return { userId: callerOf(request).user.userId, via: 'http', requestId: request.id };
}
