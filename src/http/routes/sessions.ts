import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { listSessions, revokeSession } from '../../app/access/accounts.ts';
import { actorOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { IdParams, errors } from '../schemas.ts';

// The response schema is also the serialiser: a field not listed here (a token) is never sent.
const SessionSchema = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  email: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

/** Everyone's live browser sessions, for admins: to see who is logged in and to end a session. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/sessions',
    {
      config: { permission: 'users.manage' },
      schema: {
        operationId: 'listSessions',
        tags: ['users'],
        summary: 'Live sessions, newest first, of every user or of one (never their tokens)',
        querystring: Type.Object({ userId: Type.Optional(IdParams.properties.id) }, { additionalProperties: false }),
        response: { 200: Type.Array(SessionSchema), ...errors() },
      },
    },
    async (request) => listSessions(db, request.query),
  );

  app.delete(
    '/api/sessions/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        operationId: 'endSession',
        tags: ['users'],
        summary: 'End a live session: its cookie is refused from now on',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      if (!(await revokeSession(db, request.params.id, actorOf(request)))) throw new HttpError(404, 'NOT_FOUND', `no live session ${request.params.id}`);
      return reply.status(204).send(null);
    },
  );
};
