import { Type } from '@sinclair/typebox';
import type { TInteger } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { costVarianceByProcess, lotsByStatus, MAX_BUCKETS, mostUsedSubprocesses, mostUsedVariants, stockNeededByOpenLots } from '../../app/lots/reports.ts';
import { LOT_STATUSES, LotError } from '../../app/lots/status.ts';
import type { LotStatus } from '../../app/lots/status.ts';
import { refusedInPart } from '../errors.ts';
import { errors } from '../schemas.ts';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD (UTC), inclusive' });
const Decimal = Type.String({ description: 'decimal string, never a JSON number' });
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 20 });
/** A count per lot status, every status of LOT_STATUSES in its order. */
const Counts = Type.Object(Object.fromEntries(LOT_STATUSES.map((s) => [s, Type.Integer()])) as Record<LotStatus, TInteger>);
const OptionalPeriod = { from: Type.Optional(Day), to: Type.Optional(Day) };

/** A report's period problem as the API spells input problems: 400 INVALID_INPUT with querystring paths. */
async function inQuery<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof LotError) || err.category !== 'usage') throw err;
    throw refusedInPart('querystring', 'INVALID_INPUT', {}, (err.details.fields ?? []) as { path: string; message: string }[]);
  }
}

/**
 * Production reports (production.read): lots by status and period, cost variance by process,
 * the variants and subprocesses production uses most, and the stock the open lots need.
 */
export const reportRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'production.read' } as const;

  app.get(
    '/api/reports/lots-by-status',
    {
      config: read,
      schema: {
        operationId: 'reportLotsByStatus',
        tags: ['reports'],
        summary: `Lots created from \`from\` to \`to\` per day, week (from Monday) or month, counted by their current status; every bucket listed (at most ${MAX_BUCKETS})`,
        querystring: Type.Object(
          { from: Day, to: Day, period: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'day' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            period: Type.String(),
            buckets: Type.Array(Type.Object({ start: Type.String({ description: 'first day of the bucket' }), total: Type.Integer(), counts: Counts })),
            totals: Type.Composite([Counts, Type.Object({ all: Type.Integer() })]),
          }),
          ...errors(),
        },
      },
    },
    async (request) => inQuery(() => lotsByStatus(db, { from: request.query.from, to: request.query.to, period: request.query.period ?? 'day' })),
  );

  app.get(
    '/api/reports/cost-variance',
    {
      config: read,
      schema: {
        operationId: 'reportCostVariance',
        tags: ['reports'],
        summary:
          'Per process, over the lots completed in the period (all time without one): worst- and best-case estimates, actual costs and the variance (actual − worst case), the largest overrun first',
        querystring: Type.Object(OptionalPeriod, { additionalProperties: false }),
        response: {
          200: Type.Object({
            processes: Type.Array(
              Type.Object({
                processId: Type.Integer(),
                process: Type.String(),
                lots: Type.Integer(),
                quantity: Type.Integer(),
                worstCaseEstimate: Decimal,
                bestCaseEstimate: Decimal,
                actual: Decimal,
                variance: Decimal,
                variancePercent: Type.Union([Decimal, Type.Null()]),
                incompleteActuals: Type.Integer({
                  description:
                    'lots whose actual cost is a lower bound: stock they consumed had no cost (before valuation: a variant had no rate at completion)',
                }),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => inQuery(() => costVarianceByProcess(db, request.query)),
  );

  app.get(
    '/api/reports/variant-usage',
    {
      config: read,
      schema: {
        operationId: 'reportVariantUsage',
        tags: ['reports'],
        summary: 'The variants completed lots consumed most in the period (from the stock ledger’s production rows)',
        querystring: Type.Object({ ...OptionalPeriod, limit: Limit }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            variants: Type.Array(
              Type.Object({
                variantId: Type.Integer(),
                item: Type.String(),
                color: Type.String(),
                size: Type.String(),
                unit: Type.String(),
                consumed: Decimal,
                lots: Type.Integer(),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => inQuery(() => mostUsedVariants(db, request.query)),
  );

  app.get(
    '/api/reports/subprocess-usage',
    {
      config: read,
      schema: {
        operationId: 'reportSubprocessUsage',
        tags: ['reports'],
        summary:
          'Library subprocesses by use: units made and lots completed in the period by processes with a step of it, lots made in the period, and the live processes using it',
        querystring: Type.Object({ ...OptionalPeriod, limit: Limit }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            subprocesses: Type.Array(
              Type.Object({
                subprocessId: Type.Integer(),
                name: Type.String(),
                processes: Type.Integer(),
                lots: Type.Integer(),
                completedLots: Type.Integer(),
                unitsCompleted: Type.Integer(),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => inQuery(() => mostUsedSubprocesses(db, request.query)),
  );

  app.get(
    '/api/reports/stock-needs',
    {
      config: read,
      schema: {
        operationId: 'reportStockNeeds',
        tags: ['reports'],
        summary:
          'What the lots in planning and ready need of each variant against the stock on hand, the biggest shortfall first. A group a lot has not chosen for counts at its worst-case alternative (the costliest at today’s worst rates; with none priced, the one used in the largest quantity), each such assumption listed',
        response: {
          200: Type.Object({
            lots: Type.Integer({ description: 'open lots counted' }),
            variants: Type.Array(
              Type.Object({
                variantId: Type.Integer(),
                item: Type.String(),
                color: Type.String(),
                size: Type.String(),
                unit: Type.String(),
                needed: Decimal,
                onHand: Decimal,
                shortfall: Decimal,
                lots: Type.Integer(),
              }),
            ),
            assumed: Type.Array(
              Type.Object({
                lotId: Type.Integer(),
                lotNumber: Type.String(),
                groupId: Type.Integer(),
                group: Type.String(),
                variantId: Type.Integer(),
                basis: Type.Union([Type.Literal('worst cost'), Type.Literal('largest quantity')]),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async () => stockNeededByOpenLots(db),
  );
};
