import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../../db/types.ts';
import { recordAudit } from '../../app/audit/audit.ts';
import type { AuditAction } from '../../app/audit/audit.ts';
import { createLot, getLot, getLotSummary, listLots, MAX_LOT_QUANTITY } from '../../app/lots/lots.ts';
import type { Lot } from '../../app/lots/lots.ts';
import { setSelections, transitionLot } from '../../app/lots/lifecycle.ts';
import { stockCheck } from '../../app/lots/needs.ts';
import { LotError } from '../../app/lots/status.ts';
import type { LotAction } from '../../app/lots/status.ts';
import { callerOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { ProcessCostSchema } from './costing.ts';
import { Day, IdParams, Nullable, Page, Stamp, errors } from '../schemas.ts';

const Decimal = Type.String({ description: 'decimal string, never a JSON number' });
const NullableDecimal = Type.Union([Decimal, Type.Null()]);
const Id = IdParams.properties.id;
const Status = Type.Union([
  Type.Literal('planning'),
  Type.Literal('ready'),
  Type.Literal('in_progress'),
  Type.Literal('completed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
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
  worstCaseEstimatedCost: NullableDecimal,
  bestCaseEstimatedCost: NullableDecimal,
  actualCost: NullableDecimal,
  costVariance: Type.Union([Decimal, Type.Null()], { description: 'actual − worst-case estimate' }),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
  updatedAt: Stamp,
  startedAt: Type.Union([Stamp, Type.Null()]),
  completedAt: Type.Union([Stamp, Type.Null()]),
});
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
const SelectionItem = Type.Object(
  { groupId: Id, variantId: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'one of the group’s alternatives' }) },
  { additionalProperties: false },
);

/** What the audit trail keeps of a lot: its row and its choices, not the costing breakdown. */
function auditView(lot: Lot) {
  const { estimate, actual, events: _events, unselectedGroups: _unselected, selections, ...row } = lot;
  return {
    ...row,
    estimate: estimate && { ratesAt: estimate.ratesAt, total: estimate.total, complete: estimate.complete },
    actual: actual && { ratesAt: actual.ratesAt, total: actual.total, complete: actual.complete },
    selections: selections.map((s) => ({ groupId: s.groupId, variantId: s.variantId })),
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
    const inBody = fields.map((f) => ({ path: `body/${f.path}`, message: f.message }));
    throw new HttpError(400, (err as LotError).code, `invalid input: ${inBody.map((f) => `${f.path} ${f.message}`).join('; ')}`, {
      ...(err as LotError).details,
      fields: inBody,
    });
  }
}

const notFound = (id: number) => new HttpError(404, 'NOT_FOUND', `no production lot ${id}`, { lotId: id });

/**
 * Production lots: made from an active process in a quantity, with a worst- and best-case
 * estimate frozen at creation; a substitute chosen for each group; moved through planning →
 * ready → in_progress → completed (or failed, or cancelled) by the transition table of
 * src/app/lots/status.ts; completion consumes stock and records the actual cost. Reads need
 * production.read; creating, choosing, marking ready and cancelling lot.plan; starting,
 * completing and failing lot.run. Every write is audited.
 */
export const lotRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'production.read' } as const;
  const plan = { permission: 'lot.plan' } as const;
  const run = { permission: 'lot.run' } as const;

  const audit = (tx: Queryable, request: FastifyRequest, action: AuditAction, lotId: number, change: { before?: Lot; after: Lot }) =>
    recordAudit(tx, {
      userId: callerOf(request).user.userId,
      action,
      entity: 'production_lot',
      entityId: lotId,
      ...(change.before ? { before: auditView(change.before) } : {}),
      after: auditView(change.after),
      requestId: request.id,
    });

  app.get(
    '/api/lots',
    {
      config: read,
      schema: {
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
        response: { 200: Type.Object({ total: Type.Integer(), lots: Type.Array(LotSummarySchema) }), ...errors() },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (from !== undefined && to !== undefined && from > to) {
        throw new HttpError(400, 'INVALID_INPUT', 'invalid input: querystring/to must not be before from', {
          fields: [{ path: 'querystring/to', message: 'must not be before from' }],
        });
      }
      return listLots(db, request.query);
    },
  );

  app.post(
    '/api/lots',
    {
      config: plan,
      schema: {
        tags: ['lots'],
        summary:
          'Make a lot of an active process: its number is given (LOT-YYYYMMDD-NNNNNN), its worst- and best-case estimate frozen now (per-unit cost × quantity, over every alternative; marked incomplete, as lower bounds, when a variant has no current rate)',
        body: Type.Object(
          {
            processId: Id,
            quantity: Type.Integer({ minimum: 1, maximum: MAX_LOT_QUANTITY }),
            notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
            selections: Type.Optional(Type.Array(SelectionItem, { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: LotSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).user.userId;
      const lot = await withBodyPaths(() =>
        db.transaction(async (tx) => {
          const made = await createLot(tx, request.body, userId);
          await audit(tx, request, 'create', made.lotId, { after: made });
          return made;
        }),
      );
      return reply.status(201).send(lot);
    },
  );

  app.get(
    '/api/lots/:id',
    {
      config: read,
      schema: {
        tags: ['lots'],
        summary: 'One lot: its selections, the groups still to choose, its estimate, actual cost and history',
        params: IdParams,
        response: { 200: LotSchema, ...errors(404) },
      },
    },
    async (request) => {
      const lot = await getLot(db, request.params.id);
      if (!lot) throw notFound(request.params.id);
      return lot;
    },
  );

  app.get(
    '/api/lots/:id/stock-check',
    {
      config: read,
      schema: {
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
        tags: ['lots'],
        summary:
          'Choose the variant of substitute groups (the others keep theirs) while the lot is planning or ready; a ready lot whose choices change goes back to planning',
        params: IdParams,
        body: Type.Object({ selections: Type.Array(SelectionItem, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
        response: { 200: LotSchema, ...errors(404, 409) },
      },
    },
    async (request) => {
      const userId = callerOf(request).user.userId;
      return withBodyPaths(() =>
        db.transaction(async (tx) => {
          const change = await setSelections(tx, request.params.id, request.body.selections, userId);
          if (!change) throw notFound(request.params.id);
          await audit(tx, request, 'update', request.params.id, change);
          return change.after;
        }),
      );
    },
  );

  app.delete(
    '/api/lots/:id/selections/:groupId',
    {
      config: plan,
      schema: {
        tags: ['lots'],
        summary:
          'Take back the choice for one substitute group while the lot is planning or ready (a ready lot goes back to planning); 404 when the group is not one of the lot’s process',
        params: Type.Object({ id: Id, groupId: Id }),
        response: { 200: LotSchema, ...errors(404, 409) },
      },
    },
    async (request) => {
      const userId = callerOf(request).user.userId;
      const { id, groupId } = request.params;
      try {
        return await db.transaction(async (tx) => {
          const change = await setSelections(tx, id, [{ groupId, variantId: null }], userId);
          if (!change) throw notFound(id);
          await audit(tx, request, 'update', id, change);
          return change.after;
        });
      } catch (err) {
        if (err instanceof LotError && err.code === 'SELECTION_INVALID')
          throw new HttpError(404, 'NOT_FOUND', `lot ${id} has no substitute group ${groupId} to choose for: ${err.message}`, { lotId: id, groupId });
        throw err;
      }
    },
  );

  const transitions: [LotAction, { permission: 'lot.plan' | 'lot.run' }, string, boolean][] = [
    [
      'ready',
      plan,
      'Mark a planning lot ready: every substitute group must have a choice (409 LOT_NOT_READY) and stock must cover every need (409 INSUFFICIENT_STOCK, with details.shortfalls)',
      false,
    ],
    ['start', run, 'Start a ready lot (in_progress)', false],
    [
      'complete',
      run,
      'Complete a lot in progress, in one transaction: stock is checked again with the variants locked (409 INSUFFICIENT_STOCK, nothing changed, when short), consumed through the ledger, and the actual cost taken at today’s rates with its variance against the estimate',
      false,
    ],
    ['fail', run, 'Mark a lot in progress failed, saying why (no stock is consumed)', true],
    ['cancel', plan, 'Cancel a lot that is planning, ready or in progress, saying why', true],
  ];
  for (const [action, config, summary, needsReason] of transitions) {
    app.post(
      `/api/lots/:id/${action}`,
      {
        config,
        schema: {
          tags: ['lots'],
          summary,
          params: IdParams,
          ...(needsReason ? { body: Type.Object({ reason: Reason }, { additionalProperties: false }) } : {}),
          response: { 200: LotSchema, ...errors(404, 409) },
        },
      },
      async (request) => {
        const userId = callerOf(request).user.userId;
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? null;
        return withBodyPaths(() =>
          db.transaction(async (tx) => {
            const change = await transitionLot(tx, request.params.id, action, { userId, reason });
            if (!change) throw notFound(request.params.id);
            await audit(tx, request, 'transition', request.params.id, change);
            return change.after;
          }),
        );
      },
    );
  }
};
