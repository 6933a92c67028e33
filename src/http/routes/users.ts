import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { createUser, deactivateUser, getUser, listUsers, reactivateUser, updateUser } from '../../app/access/accounts.ts';
import { recordAudit } from '../../app/audit/audit.ts';
import { callerOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Email, IdParams, Name, Password, RoleSchema, UserSchema, errors } from '../schemas.ts';

/** User accounts, for admins. Every change is audited (never with the password). */
export const userRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get('/api/users', { config: { permission: 'users.manage' }, schema: { tags: ['users'], summary: 'Every user', response: { 200: Type.Array(UserSchema), ...errors() } } }, async () => listUsers(db));

  app.get(
    '/api/users/:id',
    { config: { permission: 'users.manage' }, schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserSchema, ...errors(404) } } },
    async (request) => {
      const user = await getUser(db, request.params.id);
      if (!user) throw new HttpError(404, 'NOT_FOUND', `no user ${request.params.id}`);
      return user;
    },
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: Type.Object({ name: Name(150), email: Email, role: RoleSchema, password: Password }, { additionalProperties: false }),
        response: { 201: UserSchema, ...errors(409) },
      },
    },
    async (request, reply) => {
      const user = await db.transaction(async (tx) => {
        const created = await createUser(tx, request.body);
        await recordAudit(tx, { userId: callerOf(request).user.userId, action: 'create', entity: 'user', entityId: created.userId, after: created, requestId: request.id });
        return created;
      });
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s name, role or password (a new password closes their sessions)',
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name(150)), role: Type.Optional(RoleSchema), password: Type.Optional(Password) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: UserSchema, ...errors(404) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      if (request.params.id === caller.user.userId && request.body.role !== undefined && request.body.role !== 'admin') {
        throw new HttpError(409, 'LAST_ADMIN_GUARD', 'an admin cannot take the admin role from themselves; ask another admin');
      }
      const result = await db.transaction(async (tx) => {
        const changed = await updateUser(tx, request.params.id, request.body);
        if (!changed) throw new HttpError(404, 'NOT_FOUND', `no user ${request.params.id}`);
        await recordAudit(tx, { userId: caller.user.userId, action: 'update', entity: 'user', entityId: request.params.id, before: changed.before, after: changed.after, requestId: request.id });
        return changed.after;
      });
      return result;
    },
  );

  // Deactivating rather than deleting keeps what a person did attributed to them.
  for (const [verb, change, summary] of [
    ['deactivate', deactivateUser, 'Deactivate an account: it cannot log in, and its sessions and API tokens end now'],
    ['reactivate', reactivateUser, 'Let a deactivated account log in again (its old API tokens stay revoked)'],
  ] as const) {
    app.post(
      `/api/users/:id/${verb}`,
      { config: { permission: 'users.manage' }, schema: { tags: ['users'], summary, params: IdParams, response: { 200: UserSchema, ...errors(404, 409) } } },
      async (request) => {
        const caller = callerOf(request);
        if (verb === 'deactivate' && request.params.id === caller.user.userId) throw new HttpError(409, 'SELF_DEACTIVATION', 'an admin cannot deactivate their own account; ask another admin');
        return db.transaction(async (tx) => {
          const changed = await change(tx, request.params.id);
          if (!changed) throw new HttpError(404, 'NOT_FOUND', `no user ${request.params.id}`);
          await recordAudit(tx, { userId: caller.user.userId, action: verb, entity: 'user', entityId: request.params.id, before: changed.before, after: changed.after, requestId: request.id });
          return changed.after;
        });
      },
    );
  }
};
