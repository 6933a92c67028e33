import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { costProcess, listProcessCosts, unitCosts } from '../../app/costing/costing.ts';
import { HttpError, invalidInput } from '../errors.ts';
import { PROCESS_STATUSES } from '../../app/processes/tree.ts';
import { Day, IdParams, Literals, Page, errors } from '../schemas.ts';

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
