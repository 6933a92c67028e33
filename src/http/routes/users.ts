import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { changeUser, createUser, getUser, listUsers, setAccountActive } from '../../app/access/accounts.ts';
import { describeRoles } from '../../app/access/roles.ts';
import { actorOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Email, IdParams, Name, Password, PermissionSchema, RoleSchema, UserSchema, errors } from '../schemas.ts';

const RoleDescriptionSchema = Type.Object({
  role: RoleSchema,
  description: Type.String({ description: 'what the role is for, in a sentence' }),
  permissions: Type.Array(PermissionSchema, { description: 'every permission the role has' }),
});

/** User accounts, for admins (every change audited, never with the password), and the roles anyone signed in may read. */
export const userRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  // Any signed-in user: the table holds no secret, and a page saying who may do what (or why a
  // button is absent) reads it rather than naming roles itself.
  app.get(
    '/api/roles',
    {
      config: { permission: 'self' },
      schema: {
        operationId: 'listRoles',
        tags: ['users'],
        summary: 'Every role, with what it is for and its permissions (src/app/access/roles.ts), in the table’s order',
        response: { 200: Type.Array(RoleDescriptionSchema), ...errors() },
      },
    },
    async () => describeRoles(),
  );

  app.get(
    '/api/users',
    {
      config: { permission: 'users.manage' },
      schema: { operationId: 'listUsers', tags: ['users'], summary: 'Every user', response: { 200: Type.Array(UserSchema), ...errors() } },
    },
    async () => listUsers(db),
  );

  app.get(
    '/api/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: { operationId: 'getUser', tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserSchema, ...errors(404) } },
    },
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
        operationId: 'createUser',
        tags: ['users'],
        summary: 'Create a user',
        body: Type.Object({ name: Name(150), email: Email, role: RoleSchema, password: Password }, { additionalProperties: false }),
        response: { 201: UserSchema, ...errors(409) },
      },
    },
    async (request, reply) => {
      const user = await createUser(db, request.body, actorOf(request));
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        operationId: 'updateUser',
        tags: ['users'],
        summary: 'Change a user’s name, role or password (a new password closes their sessions)',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name(150)), role: Type.Optional(RoleSchema), password: Type.Optional(Password) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, ...errors(404) },
      },
    },
    async (request) => {
      const user = await changeUser(db, request.params.id, request.body, actorOf(request));
      if (!user) throw new HttpError(404, 'NOT_FOUND', `no user ${request.params.id}`);
      return user;
    },
  );

  // Deactivating rather than deleting keeps what a person did attributed to them.
  for (const [verb, summary] of [
    ['deactivate', 'Deactivate an account: it cannot log in, and its sessions and API tokens end now'],
    ['reactivate', 'Let a deactivated account log in again (its old API tokens stay revoked)'],
  ] as const) {
    app.post(
      `/api/users/:id/${verb}`,
      {
        config: { permission: 'users.manage' },
        schema: { operationId: `${verb}User`, tags: ['users'], summary, params: IdParams, response: { 200: UserSchema, ...errors(404, 409) } },
      },
      async (request) => {
        const user = await setAccountActive(db, request.params.id, verb, actorOf(request));
        if (!user) throw new HttpError(404, 'NOT_FOUND', `no user ${request.params.id}`);
        return user;
      },
    );
  }
};
