import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { fingerprintOf } from '../../schema/migrations/drift.ts';
import { LEDGER_TABLE } from '../../schema/migrations/ledger.ts';
import type { Plan } from '../../schema/migrations/plan.ts';
import { createMigrator } from '../../schema/migrator.ts';
import { extensionWarnings } from '../../app/items/trigram.ts';

/**
 * /health: the process answers. /ready: the database answers, every migration is applied
 * and the schema is what the last migration left (the drift guard's one-query fingerprint);
 * ready with `warnings` when an optional extension is missing (pg_trgm: search is slower).
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Database; plan: Plan }> = async (app, { db, plan }) => {
  const migrator = createMigrator(db, { plan });
  app.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Whether the process answers (for a load balancer or an orchestrator)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  const Ready = Type.Object({
    ready: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    warnings: Type.Optional(Type.Array(Type.String(), { description: 'what works, but slower: an optional extension the server lacks' })),
  });
  app.get(
    '/ready',
    {
      config: { permission: 'public' },
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary:
          'Whether the server is ready for requests: the database answers, every migration is applied and the schema has not drifted (503 with the reason when not)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      try {
        const status = await migrator.status();
        if (status.pending.length > 0 || status.changed.length > 0)
          return reply
            .status(503)
            .send({ ready: false, reason: `migrations not applied: run mtc migrate (${status.pending.length} pending, ${status.changed.length} changed)` });
        const recorded = (
          await db.query<{ fingerprint: string | null }>(
            `SELECT fingerprint FROM ${LEDGER_TABLE} WHERE fingerprint IS NOT NULL ORDER BY applied_at DESC, id DESC LIMIT 1`,
          )
        ).rows[0]?.fingerprint;
        if (recorded && recorded !== (await fingerprintOf(db)))
          return reply.status(503).send({ ready: false, reason: 'the schema was changed by hand since the last migration: run mtc verify' });
        const warnings = await extensionWarnings(db);
        return warnings.length > 0 ? { ready: true, warnings } : { ready: true };
      } catch {
        return reply.status(503).send({ ready: false, reason: 'the database does not answer' });
      }
    },
  );
};
