import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { AccessError, SESSION_MAX_HOURS, createApiToken, listApiTokens, revokeApiToken } from '../../app/access/accounts.ts';
import { logIn, logOut } from '../../app/access/login.ts';
import { countLoginAttempt } from '../../app/access/throttle.ts';
import type { LoginLimits } from '../../app/access/throttle.ts';
import { SESSION_COOKIE, actorOf, callerOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Email, ErrorSchema, IdParams, Name, PermissionSchema, UserSchema, errors } from '../schemas.ts';
import { permissionsOf } from '../../app/access/roles.ts';

/** What the caller's role may do (src/app/access/roles.ts): the web app shows only what these allow. */
const Permissions = Type.Array(PermissionSchema, { description: 'every permission the caller’s role has' });

/** Turns the app's "the account was deactivated meanwhile" into the answer `as` gives; any other error goes on as it is. */
const endedMeanwhile =
  (as: () => HttpError) =>
  (err: unknown): never => {
    throw err instanceof AccessError && err.code === 'ACCOUNT_DEACTIVATED' ? as() : err;
  };

/** A login body: an email (255 characters at most) and a password (200), in JSON, with room to spare. */
const LOGIN_BODY_BYTES = 8 * 1024;

const Token = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

/** Logging in and out, who am I, and a user's own API tokens. */
export const accessRoutes: FastifyPluginAsyncTypebox<{ db: Database; secureCookies: boolean; loginLimits: LoginLimits }> = async (
  app,
  { db, secureCookies, loginLimits },
) => {
  app.post(
    '/api/auth/login',
    {
      config: { permission: 'public' },
      // Anyone may call it: what it reads is bounded to what an email and a password need.
      bodyLimit: LOGIN_BODY_BYTES,
      schema: {
        operationId: 'logIn',
        tags: ['access'],
        summary: 'Log in: sets the session cookie and returns the CSRF token for unsafe requests',
        security: [],
        body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ user: UserSchema, permissions: Permissions, csrfToken: Type.String(), expiresAt: Type.String() }),
          400: ErrorSchema,
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const counted = await countLoginAttempt(db, request.ip, request.body.email, loginLimits);
      if (!counted.allowed) {
        void reply.header('retry-after', String(counted.retryAfterSeconds));
        throw new HttpError(429, 'RATE_LIMITED', `too many login attempts from this address: wait ${counted.retryAfterSeconds} s and try again`, {
          retryAfterSeconds: counted.retryAfterSeconds,
        });
      }
      const attempt = await logIn(db, { ...request.body, address: request.ip }, { via: 'http', requestId: request.id });
      if (!attempt.ok) throw new HttpError(401, 'LOGIN_FAILED', 'wrong email or password');
      const { user, session } = attempt;
      void reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: '/',
        maxAge: SESSION_MAX_HOURS * 3600,
      });
      return { user, permissions: permissionsOf(user.role), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { permission: 'self' },
      schema: { operationId: 'logOut', tags: ['access'], summary: 'Log out: closes this session', response: { 204: Type.Null(), ...errors() } },
    },
    async (request, reply) => {
      await logOut(db, callerOf(request).sessionId, actorOf(request));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'getCaller',
        tags: ['access'],
        summary: 'Who is calling (and the session’s CSRF token)',
        response: {
          200: Type.Object({
            user: UserSchema,
            permissions: Permissions,
            via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
            csrfToken: Type.Optional(Type.String()),
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const c = callerOf(request);
      return { user: c.user, permissions: permissionsOf(c.user.role), via: c.via, ...(c.csrfToken ? { csrfToken: c.csrfToken } : {}) };
    },
  );

  app.get(
    '/api/tokens',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'listTokens',
        tags: ['access'],
        summary: 'Your API tokens (never the tokens themselves)',
        response: { 200: Type.Array(Token), ...errors() },
      },
    },
    async (request) => listApiTokens(db, callerOf(request).user.userId),
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'createToken',
        tags: ['access'],
        summary: 'Make an API token for scripts: shown this once, stored only as a hash',
        body: Type.Object({ name: Name(100) }, { additionalProperties: false }),
        response: { 201: Type.Intersect([Token, Type.Object({ token: Type.String() })]), ...errors() },
      },
    },
    async (request, reply) => {
      const token = await createApiToken(db, callerOf(request).user.userId, request.body.name, actorOf(request)).catch(
        endedMeanwhile(() => new HttpError(401, 'UNAUTHENTICATED', 'your account was deactivated: no token was made')),
      );
      return reply.status(201).send(token);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'revokeToken',
        tags: ['access'],
        summary: 'Revoke one of your API tokens',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      if (!(await revokeApiToken(db, callerOf(request).user.userId, request.params.id, actorOf(request))))
        throw new HttpError(404, 'NOT_FOUND', `you have no live API token ${request.params.id}`);
      return reply.status(204).send(null);
    },
  );
};
