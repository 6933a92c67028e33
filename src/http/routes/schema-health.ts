import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { formatFinding } from '../../schema/catalog/compare.ts';
import type { SchemaModel } from '../../schema/catalog/model.ts';
import { verifyDatabase } from '../../schema/catalog/verify.ts';
import { OPTIONAL_EXTENSIONS } from '../../app/items/trigram.ts';
import type { VerifyScope } from '../../schema/catalog/verify.ts';
import { createMigrator } from '../../schema/migrator.ts';
import type { Plan } from '../../schema/migrations/plan.ts';
import { errors } from '../schemas.ts';

/** The declared schema for /api/schema/health's verify: the snapshot (db/schema.sql) read as a model, and what to leave out. */
export interface DeclaredSchema extends VerifyScope {
  /** Where the declared schema comes from, as the report names it ("db/schema.sql"). */
  source: string;
  load(): Promise<SchemaModel>;
}

const Migration = Type.Object({
  id: Type.String(),
  path: Type.Optional(Type.String()),
  appliedAt: Type.Optional(Type.String()),
  how: Type.Optional(Type.String()),
  requires: Type.Optional(Type.Array(Type.String())),
});
const Finding = Type.Object({
  kind: Type.Union([
    Type.Literal('missing'),
    Type.Literal('extra'),
    Type.Literal('changed'),
    Type.Literal('duplicate'),
    Type.Literal('unmanaged'),
    Type.Literal('ignored'),
  ]),
  object: Type.String({ description: 'table, column, index, constraint, view, function, trigger, sequence…' }),
  schema: Type.String(),
  table: Type.Optional(Type.String()),
  name: Type.String({ description: 'for a duplicate, both names' }),
  text: Type.String({ description: 'the finding as mtc verify prints it' }),
});
const Health = Type.Object({
  checkedAt: Type.String(),
  migrations: Type.Object({
    total: Type.Integer({ description: 'migrations the server was started with' }),
    applied: Type.Array(Migration),
    pending: Type.Array(Migration),
    changed: Type.Array(
      Type.Object({ id: Type.String(), path: Type.String(), appliedAt: Type.String(), appliedChecksum: Type.String(), fileChecksum: Type.String() }),
    ),
    missing: Type.Array(Type.Object({ id: Type.String(), appliedAt: Type.String() })),
    partial: Type.Array(Type.Object({ id: Type.String(), have: Type.Array(Type.String()), lack: Type.Array(Type.String()) })),
  }),
  verify: Type.Union([
    Type.Object({
      available: Type.Literal(true),
      source: Type.String(),
      differences: Type.Integer(),
      warnings: Type.Array(Type.String(), { description: 'an optional extension the server lacks, and what is slower for it: not a difference' }),
      findings: Type.Array(Finding),
    }),
    Type.Object({ available: Type.Literal(false), reason: Type.String() }),
  ]),
});

/**
 * /api/schema/health, for admins: what `mtc status` and `mtc verify` say of the database this
 * server uses — the migrations applied, pending, changed since applied or missing from disk,
 * and every difference between the live schema and the declared one.
 */
export const schemaHealthRoutes: FastifyPluginAsyncTypebox<{ db: Database; plan: Plan; declared: DeclaredSchema | undefined }> = async (
  app,
  { db, plan, declared },
) => {
  // The snapshot's model costs an in-process PostgreSQL start to make: made once per server.
  let model: Promise<SchemaModel> | undefined;
  const expected = () => {
    model ??= declared!.load().catch((err: unknown) => {
      model = undefined;
      throw err;
    });
    return model;
  };
  // Made as the server starts listening, so the first look at the page does not wait for it
  // (after the first start it is a file read: loadSnapshotModel keeps it in MTC's cache).
  if (declared)
    app.addHook('onListen', async () => void expected().catch((err: unknown) => app.log.warn({ err }, 'schema health: the declared schema could not be read')));

  app.get(
    '/api/schema/health',
    {
      config: { permission: 'schema.read' },
      schema: {
        operationId: 'getSchemaHealth',
        tags: ['schema'],
        summary: 'Migration status and verify’s findings for the database this server uses (what mtc status and mtc verify report)',
        response: { 200: Health, ...errors() },
      },
    },
    async () => {
      const status = await createMigrator(db, { plan }).status();
      const migrations = {
        total: plan.order.length,
        applied: status.applied.map(({ id, path, appliedAt, how }) => ({ id, path, appliedAt, how })),
        pending: status.pending.map(({ id, path, requires }) => ({ id, path, requires: [...requires] })),
        changed: status.changed,
        missing: status.missing.map(({ id, appliedAt }) => ({ id, appliedAt })),
        partial: status.partial.map(({ id, have, lack }) => ({ id, have, lack })),
      };
      const checkedAt = new Date().toISOString();
      if (!declared)
        return {
          checkedAt,
          migrations,
          verify: { available: false as const, reason: 'this server was started without the declared schema (db/schema.sql): run mtc verify on the server' },
        };
      try {
        const { findings, differences, warnings } = await verifyDatabase(db, expected, { ...declared, optional: OPTIONAL_EXTENSIONS });
        const shown = findings.map((f) => ({
          kind: f.kind,
          object: f.object,
          schema: f.schema,
          ...(f.table !== undefined ? { table: f.table } : {}),
          name: f.kind === 'duplicate' ? f.names.join(', ') : f.name,
          text: formatFinding(f),
        }));
        return { checkedAt, migrations, verify: { available: true as const, source: declared.source, differences, warnings, findings: shown } };
      } catch (err) {
        app.log.error({ err }, 'schema health: verify failed');
        return {
          checkedAt,
          migrations,
          verify: { available: false as const, reason: `verify could not run: ${(err as Error).message}; run mtc verify on the server for details` },
        };
      }
    },
  );
};
