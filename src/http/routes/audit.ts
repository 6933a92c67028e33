import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { listAudit } from '../../app/audit/audit.ts';
import { CappedTotal, Page, errors } from '../schemas.ts';

const Event = Type.Object({
  id: Type.Integer(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  via: Type.Union([Type.Literal('http'), Type.Literal('cli'), Type.Literal('import'), Type.Literal('seed')], {
    description: 'How the change was made: the API, the mtc command, an import job or the demo seed',
  }),
  createdAt: Type.String(),
});

/** The audit trail, newest first, for admins. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: 'Who changed what, when, with the values before and after',
        querystring: Type.Object(
          {
            entity: Type.Optional(Type.String({ maxLength: 50 })),
            entityId: Type.Optional(Type.String({ maxLength: 100 })),
            action: Type.Optional(Type.String({ maxLength: 50 })),
            userId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...CappedTotal, events: Type.Array(Event) }), ...errors() },
      },
    },
    async (request) => listAudit(db, request.query),
  );
};
