import { Type } from '@sinclair/typebox';
import type { Static, TOptional, TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { costProcess, listProcessCosts, unitCosts } from '../../app/costing/costing.ts';
import { MAX_PROPOSALS, rateWhatIf } from '../../app/costing/what-if.ts';
import type { RateProposal } from '../../app/costing/what-if.ts';
import { marginWatch } from '../../app/costing/watch.ts';
import { actorOf } from '../auth.ts';
import { HttpError, invalidInput } from '../errors.ts';
import { PROCESS_STATUSES } from '../../app/processes/tree.ts';
import { Day, IdParams, Literals, Page, errors } from '../schemas.ts';
import { RateTermFields } from './suppliers.ts';

/** Money as NUMERIC text with 2 decimals (may be negative for a profit), never a JSON number. */
const Amount = Type.String({ pattern: '^-?\\d+\\.\\d{2}$', description: 'decimal string with 2 places, e.g. "12.50"' });
const Figure = Type.Object({ worst: Amount, best: Amount }, { description: 'the dearest and the cheapest case' });
/** The day whose rates count (default today). */
const At = Type.Optional(Day);
const Status = Literals(PROCESS_STATUSES);
/** How many units a run makes, when not the process's usual lot size. */
const RunSize = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'units in the run (default: each process’s usual lot size)' });

const Unpriced = Type.Object({ variantId: Type.Integer(), item: Type.String(), color: Type.String(), size: Type.String() });
const Summary = {
  processId: Type.Integer(),
  name: Type.String(),
  status: Type.String(),
  salesPrice: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer({ description: 'how many units the run makes: the quantity asked for, else the process’s usual lot size (`lotSize`)' }),
  total: Figure,
  unit: Type.Object(Figure.properties, { description: 'total / quantity: one unit’s share, fixed costs spread over the run' }),
  complete: Type.Boolean({ description: 'false when a used variant has no active rate in effect on the day: the figures are then lower bounds' }),
  unpriced: Type.Array(Unpriced),
  additionalCosts: Type.String({ ...Amount, description: 'the additional costs per unit' }),
  fixedCosts: Type.String({ ...Amount, description: 'the additional costs fixed per run, counted once whatever the quantity' }),
  profit: Type.Union([Figure, Type.Null()], { description: 'sales price × quantity − total (worst: − the worst total); null without a sales price' }),
  margin: Type.Union([Figure, Type.Null()], { description: 'profit as a percentage of sales price × quantity, 2 places; null without a sales price or at 0' }),
  targetMargin: Type.String({ description: 'the margin the process aims at, in percent: its own target, else the settings’ default' }),
  ownTarget: Type.Boolean({ description: 'true when the process sets its own target; false when the settings’ default applies' }),
  belowTarget: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'true when the worst-case margin (as shown, 2 places) is below the target; null without a margin',
  }),
};
/** A process's costing, step by step (the routes of costing and of lots answer it). */
export const ProcessCostSchema = Type.Object({
  ...Summary,
  subprocesses: Type.Array(
    Type.Object({
      processSubprocessId: Type.Integer(),
      sequenceOrder: Type.Integer(),
      name: Type.String(),
      lines: Figure,
      groups: Figure,
      costItems: Amount,
      total: Figure,
      groupDetail: Type.Array(
        Type.Object({
          groupId: Type.Integer(),
          name: Type.String(),
          worstVariantId: Type.Union([Type.Integer(), Type.Null()]),
          bestVariantId: Type.Union([Type.Integer(), Type.Null()]),
          worst: Amount,
          best: Amount,
        }),
      ),
    }),
  ),
});

const MarginState = Type.Object({
  total: Amount,
  unit: Amount,
  margin: Type.Union([Type.String(), Type.Null()], { description: 'worst-case margin in percent, 2 places; null without a sales price' }),
  complete: Type.Boolean(),
  belowTarget: Type.Union([Type.Boolean(), Type.Null()]),
});
/** What a change of rates does to the margins (the what-if of a rate and of a rates file's preview). */
export const WhatIfSchema = Type.Object({
  asOf: Type.String({ description: 'the day whose rates count: `at`, else the later of today and the earliest day a changed rate starts' }),
  variantIds: Type.Array(Type.Integer(), { description: 'the variants whose rates the change writes' }),
  processesCosted: Type.Integer({ description: 'the live processes using them, each costed before and after' }),
  processes: Type.Array(
    Type.Object({
      processId: Type.Integer(),
      name: Type.String(),
      status: Type.String(),
      quantity: Type.Integer({ description: 'the run costed: the usual lot size' }),
      targetMargin: Type.String(),
      before: MarginState,
      after: MarginState,
      crossed: Type.Union([Literals(['below', 'above'] as const), Type.Null()], {
        description: '"below": the change takes the process below its target; "above": back to it or above it',
      }),
    }),
    { description: 'every process whose worst-case total the change moves, those falling below target first' },
  ),
  fellBelow: Type.Integer(),
  roseAbove: Type.Integer(),
  refused: Type.Union(
    [
      Type.Object({ code: Type.String(), message: Type.String(), index: Type.Integer({ description: 'the refused change’s place in `changes`' }) }),
      Type.Null(),
    ],
    {
      description:
        'saving would be refused (RATE_OVERLAP, INVALID_PERIOD, NOT_FOUND…): saving’s code and message, and nothing is costed; null when saving would go through',
    },
  ),
});
const Optional = <T extends Record<string, TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: TOptional<T[K]> };
const ProposalSchema = Type.Object(
  {
    rateId: Type.Optional(IdParams.properties.id),
    supplierId: Type.Optional(IdParams.properties.id),
    variantId: Type.Optional(IdParams.properties.id),
    ...Optional(RateTermFields),
  },
  {
    additionalProperties: false,
    description:
      'an existing rate’s new terms (`rateId` and the terms that change; `isActive: false` deactivates it), or a new rate (`supplierId`, `variantId`, `costPerUnit`, `currency`, `effectiveFrom`, and optionally the other terms)',
  },
);
type ProposalBody = Static<typeof ProposalSchema>;

/** A proposal of the body as the what-if takes it: WHAT_IF_INCOMPLETE (400) names what a new rate lacks. */
function proposalOf(p: ProposalBody, i: number): RateProposal {
  const { rateId, supplierId, variantId, ...terms } = p;
  if (rateId !== undefined) {
    if (supplierId !== undefined || variantId !== undefined)
      throw new HttpError(400, 'WHAT_IF_INCOMPLETE', `changes[${i}]: a rate keeps its supplier and variant: leave out supplierId and variantId with rateId`, {
        field: `changes[${i}]`,
      });
    return { rateId, ...terms };
  }
  const missing = (['supplierId', 'variantId', 'costPerUnit', 'currency', 'effectiveFrom'] as const).filter((k) => p[k] === undefined);
  if (missing.length > 0)
    throw new HttpError(400, 'WHAT_IF_INCOMPLETE', `changes[${i}]: give rateId to change a rate, or ${missing.join(', ')} for a new one`, {
      field: `changes[${i}]`,
      missing,
    });
  return {
    supplierId: supplierId!,
    variantId: variantId!,
    costPerUnit: terms.costPerUnit!,
    currency: terms.currency!,
    effectiveFrom: terms.effectiveFrom!,
    minimumOrderQuantity: terms.minimumOrderQuantity ?? '1',
    effectiveTo: terms.effectiveTo ?? null,
    isActive: terms.isActive ?? true,
    ...(terms.breaks === undefined ? {} : { breaks: terms.breaks }),
    ...(terms.leadTimeDays === undefined ? {} : { leadTimeDays: terms.leadTimeDays }),
    ...(terms.packSize === undefined ? {} : { packSize: terms.packSize }),
  };
}

const RULES =
  'Worst case: each variant at its highest active rate in effect on the day, each substitute group at its dearest alternative (unit cost × that alternative’s quantity); ' +
  'best case: lowest rates, cheapest alternatives. A run of `quantity` units (default: the process’s usual lot size, `lotSize`) costs (steps + per-unit additional costs) × quantity + the fixed costs; ' +
  'steps are per unit. Computed on every request (a rate change shows at once). ' +
  'A variant without such a rate is listed in `unpriced` and `complete` is false: its lines add nothing, so the figures are lower bounds.';

/** Worst- and best-case costs of processes, computed on request from the current rates. */
export const costingRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'production.read' } as const;

  app.get(
    '/api/processes/:id/cost',
    {
      config: read,
      schema: {
        operationId: 'getProcessCost',
        tags: ['costing'],
        summary:
          'What a run of a process costs at worst and at best (its usual lot size, or `quantity`), step by step, with profit and margin against its sales price',
        description: RULES,
        params: IdParams,
        querystring: Type.Object({ at: At, quantity: Type.Optional(RunSize) }, { additionalProperties: false }),
        response: { 200: ProcessCostSchema, ...errors(404) },
      },
    },
    async (request) => {
      const { at, quantity } = request.query;
      const cost = await costProcess(db, request.params.id, { ...(at !== undefined ? { at } : {}), ...(quantity !== undefined ? { quantity } : {}) });
      if (!cost) throw new HttpError(404, 'NOT_FOUND', `no process ${request.params.id}`, { processId: request.params.id });
      return cost;
    },
  );

  app.get(
    '/api/unit-costs',
    {
      config: read,
      schema: {
        operationId: 'listUnitCosts',
        tags: ['costing'],
        summary:
          'Variants’ unit costs on a day by the costing rule (worst: the dearest active rate in effect, best: the cheapest; null when none) and at each price break, for costing a process as it is edited',
        querystring: Type.Object(
          {
            variantIds: Type.String({ pattern: '^[0-9]{1,10}(,[0-9]{1,10}){0,499}$', description: 'up to 500 variant ids, comma-separated' }),
            at: At,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            asOf: Day,
            costs: Type.Array(
              Type.Object({
                variantId: Type.Integer(),
                worst: Type.Union([Type.String(), Type.Null()]),
                best: Type.Union([Type.String(), Type.Null()]),
                breaks: Type.Array(Type.Object({ fromQuantity: Type.String(), worst: Type.String(), best: Type.String() }), {
                  description: 'from each quantity at which a rate has a break, the dearest and cheapest price; smallest first',
                }),
              }),
              { description: 'in the order asked; unknown variants left out' },
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const ids = request.query.variantIds.split(',').map(Number);
      const bad = ids.find((id) => id < 1 || id > 2147483647);
      if (bad !== undefined)
        throw invalidInput('querystring', [{ field: 'variantIds', message: `${bad} is not a variant id: write ids from 1 to 2147483647` }]);
      return unitCosts(db, ids, request.query.at);
    },
  );

  app.post(
    '/api/rates/what-if',
    {
      // Those who may change a rate may ask what the change would do (it runs the change's own checks and locks).
      config: { permission: 'catalog.write' },
      schema: {
        operationId: 'rateWhatIf',
        tags: ['costing'],
        summary: `What saving rate changes would do to every margin, saving nothing: each process whose worst case moves, old and new, and those falling below their target (at most ${MAX_PROPOSALS} changes)`,
        description:
          'The changes are applied in order by the same functions that save them, inside a transaction that is rolled back: a change saving would refuse is answered (200) in `refused` with saving’s code (NOT_FOUND, RATE_OVERLAP, INVALID_PERIOD) and message, naming its place in `changes`. ' +
          'Each process using a changed variant is costed at its usual lot size before and after, on `at` or else the later of today and the earliest day a changed rate starts.',
        body: Type.Object(
          { changes: Type.Array(ProposalSchema, { maxItems: 1000, description: `the changes, applied in order (at most ${MAX_PROPOSALS})` }), at: At },
          { additionalProperties: false },
        ),
        response: { 200: WhatIfSchema, ...errors() },
      },
    },
    async (request) => {
      const { changes, at } = request.body;
      return rateWhatIf(db, changes.map(proposalOf), actorOf(request), at !== undefined ? { at } : {});
    },
  );

  app.get(
    '/api/margins/watch',
    {
      config: read,
      schema: {
        operationId: 'getMarginWatch',
        tags: ['costing'],
        summary:
          'The active processes below their target margin at today’s rates (worst case, usual lot size), with the changes of their variants’ rates in the last `days` days',
        description:
          'A change is `edited` (through MTC, from the audit trail: the cost before the first edit in the window → now), `started` (a rate whose period began in the window: the same supplier’s rate before it → this one) or `imported` (rewritten without an audit event, as an import does: the cost before unknown).',
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ description: 'how many days back to look for rate changes, 1 to 365 (default 30)' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            asOf: Day,
            days: Type.Integer(),
            costed: Type.Integer({ description: 'the active processes with a sales price that were costed' }),
            processes: Type.Array(
              Type.Object({
                processId: Type.Integer(),
                name: Type.String(),
                status: Type.String(),
                quantity: Type.Integer(),
                salesPrice: Type.Union([Type.String(), Type.Null()]),
                targetMargin: Type.String(),
                ownTarget: Type.Boolean(),
                complete: Type.Boolean(),
                margin: Type.String(),
                total: Amount,
                unit: Amount,
                changes: Type.Array(
                  Type.Object({
                    rateId: Type.Integer(),
                    supplierId: Type.Integer(),
                    firmName: Type.String(),
                    variantId: Type.Integer(),
                    variant: Type.String(),
                    how: Literals(['edited', 'started', 'imported'] as const),
                    changedOn: Day,
                    previousCost: Type.Union([Type.String(), Type.Null()]),
                    costPerUnit: Type.String(),
                    isActive: Type.Boolean(),
                  }),
                ),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => marginWatch(db, request.query.days !== undefined ? { days: request.query.days } : {}),
  );

  app.get(
    '/api/costing',
    {
      config: read,
      schema: {
        operationId: 'listProcessCosts',
        tags: ['costing'],
        summary: 'Every live process’s totals (optionally of one status), each at its usual lot size unless `quantity` is given, by name, a page at a time',
        description: RULES,
        querystring: Type.Object({ status: Type.Optional(Status), at: At, quantity: Type.Optional(RunSize), ...Page }, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), processes: Type.Array(Type.Object(Summary)) }), ...errors() },
      },
    },
    async (request) => {
      const { status, at, quantity, limit, offset } = request.query;
      return listProcessCosts(db, {
        limit,
        offset,
        ...(status !== undefined ? { status } : {}),
        ...(at !== undefined ? { at } : {}),
        ...(quantity !== undefined ? { quantity } : {}),
      });
    },
  );
};
