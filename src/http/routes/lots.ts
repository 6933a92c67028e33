import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { omittableBody } from '../optional-body.ts';
import type { Database } from '../../db/types.ts';
import { createLot, getLot, getLotSummary, listLots, MAX_LOT_QUANTITY } from '../../app/lots/lots.ts';
import type { LotSummary } from '../../app/lots/lots.ts';
import type { LotAction } from '../../app/lots/status.ts';
import { clearSelection, setPlannedStart, setSelections, transitionLot } from '../../app/lots/lifecycle.ts';
import { stockCheck } from '../../app/lots/needs.ts';
import { FINAL_STATUSES, LOT_MACHINE, LOT_STATUSES, LotError, lotStatusLabel, SELECTIONS_EDITABLE } from '../../app/lots/status.ts';
import { nextActions, offeredMoves } from '../../app/rules/machine.ts';
import { actorOf, callerOf } from '../auth.ts';
import { HttpError, invalidInput, refusedInPart } from '../errors.ts';
import { ProcessCostSchema } from './costing.ts';
import { ActionsSchema, CappedTotal, Day, IdParams, Literals, Nullable, Page, Stamp, errors, moveOperationId } from '../schemas.ts';

const Decimal = Type.String({ description: 'decimal string, never a JSON number' });
const NullableDecimal = Type.Union([Decimal, Type.Null()]);
const Id = IdParams.properties.id;
const Status = Literals(LOT_STATUSES);
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'why: kept as the lot’s status reason and in its history' });

const CostFigure = Type.Object({ worst: Decimal, best: Decimal });
const Unpriced = ProcessCostSchema.properties.unpriced.items;
const LotCostingSchema = Type.Object(
  {
    ratesAt: Day,
    quantity: Type.Integer(),
    total: CostFigure,
    complete: Type.Boolean({ description: 'false when a variant had no current rate: the totals are then lower bounds' }),
    unpriced: Type.Array(Unpriced),
    selections: Type.Array(Type.Object({ groupId: Type.Integer(), variantId: Type.Integer() })),
    costing: ProcessCostSchema,
    valuation: Type.Optional(
      Type.Object(
        {
          materials: Type.String({ description: 'what the lot consumed, at the stock’s average cost' }),
          conversion: Type.String({ description: 'its labour and additional costs' }),
          total: Decimal,
          complete: Type.Boolean({ description: 'false when stock it used had no cost yet: the total is then a lower bound' }),
          uncosted: Type.Array(Type.Integer()),
        },
        { description: 'at completion: what the lot really cost, from the stock ledger (its actualCost)' },
      ),
    ),
  },
  { description: 'the process costed for the lot’s quantity, at the rates of `ratesAt`' },
);
const LotSummarySchema = Type.Object({
  lotId: Type.Integer(),
  lotNumber: Type.String(),
  processId: Type.Integer(),
  process: Type.String(),
  quantity: Type.Integer(),
  status: Status,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  plannedStart: Type.Union([Day, Type.Null()], {
    description: 'the day the lot is planned to start; null: as soon as possible (purchase suggestions count it as today)',
  }),
  worstCaseEstimatedCost: NullableDecimal,
  bestCaseEstimatedCost: NullableDecimal,
  actualCost: NullableDecimal,
  costVariance: Type.Union([Decimal, Type.Null()], { description: 'actual − worst-case estimate' }),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
  updatedAt: Stamp,
  startedAt: Type.Union([Stamp, Type.Null()]),
  completedAt: Type.Union([Stamp, Type.Null()]),
  outputQuantity: Type.Union([Decimal, Type.Null()], { description: 'what the lot put into stock at completion (its process’s output)' }),
  outputReason: Type.Union([Type.String(), Type.Null()], { description: 'why the output differs from the planned yield' }),
  outputUnitCost: Type.Union([Decimal, Type.Null()], { description: 'the unit cost the output went into stock at: the actual cost ÷ the output' }),
  final: Type.Boolean({ description: 'the status is one a lot never leaves' }),
  selectionsEditable: Type.Boolean({ description: 'the status lets the substitute choices change (given lot.plan)' }),
  actions: Type.Array(
    Type.Composite([
      ActionsSchema.items,
      Type.Object({
        recordsOutput: Type.Boolean({
          description: 'the move may record what the lot yielded: its body takes outputQuantity (and a reason when that is not the planned yield)',
        }),
      }),
    ]),
    { description: ActionsSchema.description },
  ),
});
const StatusesSchema = Type.Array(
  Type.Object({ status: Status, label: Type.String({ description: 'the status as a person reads it' }), final: Type.Boolean() }),
  { description: 'every status a lot can have, in the order of its life' },
);
const UnselectedGroupSchema = Type.Object({ groupId: Type.Integer(), name: Type.String(), processSubprocessId: Type.Integer(), step: Type.String() });
const LotSchema = Type.Composite([
  LotSummarySchema,
  Type.Object({
    estimate: Type.Union([LotCostingSchema, Type.Null()], { description: 'frozen at creation, over every alternative: it bounds whatever is chosen' }),
    actual: Type.Union([LotCostingSchema, Type.Null()], {
      description: 'taken at completion with the lot’s selections, each variant at its highest current rate',
    }),
    selections: Type.Array(
      Type.Object({
        groupId: Type.Integer(),
        group: Type.String(),
        step: Type.String(),
        variantId: Type.Integer(),
        item: Type.String(),
        color: Type.String(),
        size: Type.String(),
        quantity: Decimal,
      }),
    ),
    unselectedGroups: Type.Array(UnselectedGroupSchema),
    events: Type.Array(
      Type.Object({
        id: Type.Integer(),
        from: Type.Union([Status, Type.Null()]),
        to: Status,
        reason: Type.Union([Type.String(), Type.Null()]),
        userId: Type.Union([Type.Integer(), Type.Null()]),
        user: Type.Union([Type.String(), Type.Null()]),
        at: Stamp,
      }),
    ),
  }),
]);
const StockNeedSchema = Type.Object({
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  needed: Decimal,
  available: Decimal,
  shortfall: Type.String({ description: 'needed − available, or 0' }),
});
const StockCheckSchema = Type.Object({
  lotId: Type.Integer(),
  lotNumber: Type.String(),
  status: Status,
  quantity: Type.Integer(),
  sufficient: Type.Boolean({ description: 'every group chosen and nothing short' }),
  needs: Type.Array(StockNeedSchema),
  unselectedGroups: Type.Array(UnselectedGroupSchema, { description: 'groups with no choice yet: they need nothing until one is made' }),
});
const PlannedStart = Type.String({
  format: 'date',
  description: 'YYYY-MM-DD, from today to two years ahead: the day the lot is planned to start (purchase suggestions cover it within a supplier’s lead time)',
});
const SelectionItem = Type.Object(
  { groupId: Id, variantId: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'one of the group’s alternatives' }) },
  { additionalProperties: false },
);

/** A lot as the API answers it to this caller: what its status means, and the moves the caller may make next. */
function presented<L extends LotSummary>(lot: L, request: FastifyRequest) {
  return {
    ...lot,
    final: FINAL_STATUSES.includes(lot.status),
    selectionsEditable: SELECTIONS_EDITABLE.includes(lot.status),
    actions: nextActions(LOT_MACHINE, lot.status, callerOf(request).user.role).map((a) => ({
      ...a,
      recordsOutput: LOT_MACHINE.moves[a.action as LotAction].recordsOutput === true,
    })),
  };
}

/**
 * A module's input problems (`details.fields` with paths relative to the body) as the API
 * spells them: 400 with the same code and `body/…` paths.
 */
async function withBodyPaths<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const fields = err instanceof LotError && err.category === 'usage' ? (err.details.fields as { path: string; message: string }[] | undefined) : undefined;
    if (!fields) throw err;
    throw refusedInPart('body', (err as LotError).code, (err as LotError).details, fields);
  }
}

const notFound = (id: number) => new HttpError(404, 'NOT_FOUND', `no production lot ${id}`, { lotId: id });
const reasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
/** The body of a move that records the lot's output: both optional, the reason required when the output is not the planned one. */
const outputBody = Type.Object(
  {
    outputQuantity: Type.Optional(
      Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,3})?$', description: 'what the lot really yielded, when not its process’s yield × its quantity' }),
    ),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

/**
 * Production lots: made from an active process in a quantity, with a worst- and best-case
 * estimate frozen at creation; a substitute chosen for each group; moved through planning →
 * ready → in_progress → completed (or failed, or cancelled) by LOT_MACHINE
 * (src/app/lots/status.ts), from which the move routes and their permissions are made;
 * completion consumes stock and records the actual cost. Reads need production.read;
 * creating and choosing lot.plan. Each write is one call of the lots module's audited
 * functions (their transaction and audit event are theirs); every lot answered carries the
 * caller's `actions`.
 */
export const lotRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'production.read' } as const;
  const plan = { permission: 'lot.plan' } as const;

  app.get(
    '/api/lots',
    {
      config: read,
      schema: {
        operationId: 'listLots',
        tags: ['lots'],
        summary:
          'Production lots, newest first: by status, process, the days they were created (from/to inclusive, UTC) and q (a part of the lot number, the process’s name or the notes, any case), a page at a time',
        querystring: Type.Object(
          {
            status: Type.Optional(Status),
            processId: Type.Optional(Id),
            from: Type.Optional(Day),
            to: Type.Optional(Day),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ...CappedTotal, lots: Type.Array(LotSummarySchema) }), ...errors() },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (from !== undefined && to !== undefined && from > to) {
        throw invalidInput('querystring', [{ field: 'to', message: `is before from (${from}): write a day on or after it` }]);
      }
      const { lots, ...total } = await listLots(db, request.query);
      return { ...total, lots: lots.map((lot) => presented(lot, request)) };
    },
  );

  app.get(
    '/api/lots/statuses',
    {
      config: read,
      schema: {
        operationId: 'listLotStatuses',
        tags: ['lots'],
        summary: 'Every status a lot can have, with the words a person reads for it and whether it is final (a lot never leaves it)',
        response: { 200: StatusesSchema, ...errors() },
      },
    },
    async () => LOT_STATUSES.map((status) => ({ status, label: lotStatusLabel(status), final: FINAL_STATUSES.includes(status) })),
  );

  app.post(
    '/api/lots',
    {
      config: plan,
      schema: {
        operationId: 'createLot',
        tags: ['lots'],
        summary:
          'Make a lot of an active process: its number is given (LOT-YYYYMMDD-NNNNNN), its worst- and best-case estimate frozen now (per-unit cost × quantity, over every alternative; marked incomplete, as lower bounds, when a variant has no current rate)',
        body: Type.Object(
          {
            processId: Id,
            quantity: Type.Integer({ minimum: 1, maximum: MAX_LOT_QUANTITY }),
            notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
            plannedStart: Type.Optional(Nullable(PlannedStart)),
            selections: Type.Optional(Type.Array(SelectionItem, { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: LotSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const lot = await withBodyPaths(() => createLot(db, request.body, actorOf(request)));
      return reply.status(201).send(presented(lot, request));
    },
  );

  app.get(
    '/api/lots/:id',
    {
      config: read,
      schema: {
        operationId: 'getLot',
        tags: ['lots'],
        summary: 'One lot: its selections, the groups still to choose, its estimate, actual cost and history',
        params: IdParams,
        response: { 200: LotSchema, ...errors(404) },
      },
    },
    async (request) => {
      const lot = await getLot(db, request.params.id);
      if (!lot) throw notFound(request.params.id);
      return presented(lot, request);
    },
  );

  app.get(
    '/api/lots/:id/stock-check',
    {
      config: read,
      schema: {
        operationId: 'checkLotStock',
        tags: ['lots'],
        summary:
          'What the lot needs of each variant (quantity per unit × lot quantity, for the chosen alternative of each group), what is on hand and what is short; groups not chosen yet are listed apart',
        params: IdParams,
        response: { 200: StockCheckSchema, ...errors(404) },
      },
    },
    async (request) => {
      const lot = await getLotSummary(db, request.params.id);
      if (!lot) throw notFound(request.params.id);
      return stockCheck(db, lot);
    },
  );

  app.put(
    '/api/lots/:id/selections',
    {
      config: plan,
      schema: {
        operationId: 'chooseLotSelections',
        tags: ['lots'],
        summary:
          'Choose the variant of substitute groups (the others keep theirs) while the lot is planning or ready; a ready lot whose choices change goes back to planning',
        params: IdParams,
        body: Type.Object({ selections: Type.Array(SelectionItem, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
        response: { 200: LotSchema, ...errors(404, 409) },
      },
    },
    async (request) => presented(await withBodyPaths(() => setSelections(db, request.params.id, request.body.selections, actorOf(request))), request),
  );

  app.put(
    '/api/lots/:id/planned-start',
    {
      config: plan,
      schema: {
        operationId: 'planLotStart',
        tags: ['lots'],
        summary:
          'Set the day the lot is planned to start (null: as soon as possible) while it is planning or ready (409 LOT_NOT_EDITABLE otherwise; a ready lot stays ready); 400 INVALID_PLANNED_START for a day before today or more than two years ahead',
        params: IdParams,
        body: Type.Object({ plannedStart: Nullable(PlannedStart) }, { additionalProperties: false }),
        response: { 200: LotSchema, ...errors(404, 409) },
      },
    },
    async (request) => presented(await withBodyPaths(() => setPlannedStart(db, request.params.id, request.body.plannedStart, actorOf(request))), request),
  );

  app.delete(
    '/api/lots/:id/selections/:groupId',
    {
      config: plan,
      schema: {
        operationId: 'clearLotSelection',
        tags: ['lots'],
        summary:
          'Take back the choice for one substitute group while the lot is planning or ready (a ready lot goes back to planning); 404 when the group is not one of the lot’s process',
        params: Type.Object({ id: Id, groupId: Id }),
        response: { 200: LotSchema, ...errors(404, 409) },
      },
    },
    async (request) => presented(await clearSelection(db, request.params.id, request.params.groupId, actorOf(request)), request),
  );

  // One route per move the machine offers: its permission, its summary and whether it takes a reason are the machine's.
  for (const [action] of offeredMoves(LOT_MACHINE)) {
    const move = LOT_MACHINE.moves[action];
    app.post(
      `/api/lots/:id/${action}`,
      {
        config: { permission: move.permission },
        schema: {
          operationId: moveOperationId(action, 'Lot'),
          tags: ['lots'],
          summary: move.summary,
          params: IdParams,
          ...(move.needsReason ? { body: reasonBody } : move.recordsOutput ? { body: outputBody } : {}),
          response: { 200: LotSchema, ...errors(404, 409) },
        },
        // A move whose body is all optional may come with no body at all.
        ...(move.recordsOutput && !move.needsReason ? { preValidation: omittableBody } : {}),
      },
      async (request) => {
        const body = request.body as { reason?: string; outputQuantity?: string } | undefined;
        const options = { reason: body?.reason ?? null, outputQuantity: body?.outputQuantity ?? null };
        return presented(await withBodyPaths(() => transitionLot(db, request.params.id, action, actorOf(request), options)), request);
      },
    );
  }
};
