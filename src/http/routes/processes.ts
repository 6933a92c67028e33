import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../db/types.ts';
import { offeredMoves } from '../../app/rules/machine.ts';
import { copyProcess, createProcess, deleteProcess, moveProcess, restoreProcess, updateProcess } from '../../app/processes/processes.ts';
import { PROCESS_MACHINE, PROCESS_STATUS_INFO, processActions } from '../../app/processes/status.ts';
import { addStep, removeStep, reorderSteps, replaceStructure, updateStep } from '../../app/processes/steps.ts';
import { createSubprocess, deleteSubprocess, getSubprocess, listSubprocesses, restoreSubprocess, updateSubprocess } from '../../app/processes/subprocesses.ts';
import { COST_TYPES, PROCESS_STATUSES, getProcess, listProcesses } from '../../app/processes/tree.ts';
import type { CostType, ProcessStatus, ProcessSummary } from '../../app/processes/tree.ts';
import { actorOf, callerOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { ActionsSchema, IdParams, Literals, Money, Name, Nullable, Page, Stamp, errors, moveOperationId } from '../schemas.ts';

const Text = (max: number) => Nullable(Type.String({ maxLength: max }));
const Id = IdParams.properties.id;
/** How much of a variant a step uses: above zero, at most 4 decimals (numeric(12,4)). */
const UsageQuantity = Type.String({
  pattern: '^(?!0*(\\.0*)?$)\\d{1,8}(\\.\\d{1,4})?$',
  description: 'decimal string above zero, at most 4 decimals, e.g. "2.5"',
});
/** A cost item's quantity: ≥ 0, at most 3 decimals (numeric(12,3)). */
const CostQuantity = Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,3})?$', description: 'decimal string ≥ 0, at most 3 decimals, e.g. "1.5"' });
/** One of COST_TYPES. */
const CostTypeSchema = Literals(COST_TYPES) satisfies { static: CostType };
const StatusSchema = Literals(PROCESS_STATUSES) satisfies { static: ProcessStatus };

const SubprocessSchema = Type.Object({
  subprocessId: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  estimatedTimeMinutes: Type.Integer(),
  labourCost: Type.String(),
  processCount: Type.Integer({ description: 'live processes with a step of this subprocess' }),
  createdAt: Stamp,
  updatedAt: Stamp,
  deletedAt: Type.Union([Stamp, Type.Null()]),
});
const SubprocessFields = {
  name: Name(200),
  description: Text(10_000),
  category: Nullable(Name(100)),
  estimatedTimeMinutes: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
  labourCost: Money,
};

const LineSchema = Type.Object({
  lineId: Type.Integer(),
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  variantDeleted: Type.Boolean(),
  quantity: Type.String(),
});
const ProcessSummarySchema = {
  processId: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  processClass: Type.Union([Type.String(), Type.Null()]),
  status: StatusSchema,
  salesPrice: Type.Union([Type.String(), Type.Null()]),
  outputVariantId: Type.Union([Type.Integer(), Type.Null()], { description: 'the variant the process makes (finished goods), null for none' }),
  outputQuantity: Type.String({ description: 'how much of the output variant one unit of the process yields' }),
  lotSize: Type.Integer({
    description: 'the usual lot size: how many units a run usually makes; costing shares fixed per-run costs over it unless asked for another',
  }),
  targetMargin: Type.Union([Type.String(), Type.Null()], {
    description: 'the margin the process aims at, in percent (2 decimals); null: the settings’ default (`targetMargin` of /api/settings) applies',
  }),
  output: Type.Union([
    Type.Object({
      variantId: Type.Integer(),
      item: Type.String(),
      color: Type.String(),
      size: Type.String(),
      unit: Type.String(),
      variantDeleted: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  stepCount: Type.Integer(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
  updatedAt: Stamp,
  deletedAt: Type.Union([Stamp, Type.Null()]),
  actions: ActionsSchema,
};
const ProcessSchema = Type.Object({
  ...ProcessSummarySchema,
  steps: Type.Array(
    Type.Object({
      stepId: Type.Integer(),
      sequenceOrder: Type.Integer(),
      subprocessId: Type.Integer(),
      subprocessName: Type.String(),
      subprocessDeleted: Type.Boolean(),
      name: Type.String(),
      customName: Type.Union([Type.String(), Type.Null()]),
      notes: Type.Union([Type.String(), Type.Null()]),
      estimatedTimeMinutes: Type.Integer(),
      lines: Type.Array(LineSchema),
      groups: Type.Array(
        Type.Object({
          groupId: Type.Integer(),
          name: Type.String(),
          description: Type.Union([Type.String(), Type.Null()]),
          alternatives: Type.Array(LineSchema),
        }),
      ),
      costItems: Type.Array(
        Type.Object({
          costItemId: Type.Integer(),
          costType: Type.String(),
          description: Type.Union([Type.String(), Type.Null()]),
          quantity: Type.String(),
          unit: Type.Union([Type.String(), Type.Null()]),
          rate: Type.String(),
          amount: Type.String({ description: 'quantity × rate, rounded to 2 decimals' }),
        }),
      ),
    }),
  ),
  additionalCosts: Type.Array(
    Type.Object({
      additionalCostId: Type.Integer(),
      costType: Type.String(),
      description: Type.Union([Type.String(), Type.Null()]),
      amount: Type.String(),
      isFixed: Type.Boolean(),
    }),
  ),
  warnings: Type.Array(Type.Object({ code: Type.String(), path: Type.String(), message: Type.String() }), {
    description: 'what a planner should look at: groups with one alternative, deleted variants or subprocesses still used',
  }),
});

const LineInput = Type.Object({ variantId: Id, quantity: UsageQuantity }, { additionalProperties: false });
const GroupInput = Type.Object(
  {
    groupId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2147483647, description: 'an existing group of this step: keeps its identity (lots’ selections point at it)' }),
    ),
    name: Name(255),
    description: Type.Optional(Text(10_000)),
    alternatives: Type.Array(LineInput, {
      minItems: 1,
      maxItems: 100,
      description: 'a lot uses exactly one; one alternative alone is accepted with a warning',
    }),
  },
  { additionalProperties: false },
);
const CostItemInput = Type.Object(
  {
    costType: CostTypeSchema,
    description: Type.Optional(Text(2000)),
    quantity: Type.Optional(CostQuantity),
    unit: Type.Optional(Nullable(Name(20))),
    rate: Money,
  },
  { additionalProperties: false },
);
const StepFields = {
  subprocessId: Type.Optional(Id),
  customName: Type.Optional(Nullable(Name(200))),
  notes: Type.Optional(Text(10_000)),
  lines: Type.Optional(Type.Array(LineInput, { maxItems: 2000 })),
  groups: Type.Optional(Type.Array(GroupInput, { maxItems: 200 })),
  costItems: Type.Optional(
    Type.Array(CostItemInput, {
      maxItems: 200,
      description: 'left out on a new step: the library subprocess’s labour cost is proposed as one labour item; [] for none',
    }),
  ),
};
const StepInput = Type.Object(
  {
    stepId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'an existing step of this process; what the step leaves out stays' })),
    ...StepFields,
  },
  { additionalProperties: false },
);
const AdditionalCostInput = Type.Object(
  { costType: Name(50), description: Type.Optional(Text(2000)), amount: Money, isFixed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const Steps = Type.Array(StepInput, { maxItems: 500 });
const AdditionalCosts = Type.Array(AdditionalCostInput, { maxItems: 200 });
const ProcessFields = {
  name: Name(200),
  description: Text(10_000),
  processClass: Nullable(Name(50)),
  salesPrice: Nullable(Money),
  outputVariantId: Type.Union([Id, Type.Null()]),
  outputQuantity: Type.String({
    pattern: '^(?!0*(\\.0*)?$)\\d{1,9}(\\.\\d{1,3})?$',
    description: 'how much of the output variant one unit of the process yields: above zero, at most 3 decimals, e.g. "1"',
  }),
  // The bounds are checked by the process functions, whose message says what to write.
  lotSize: Type.Integer({ description: 'the usual lot size: how many units a run usually makes, a whole number from 1 to 1,000,000 (1 unless set)' }),
  // Checked by the process functions (checkTargetMargin), whose message says what to write.
  targetMargin: Nullable(
    Type.String({ maxLength: 20, description: 'the margin the process aims at, in percent from 0 to 99.99, e.g. "15"; null for the settings’ default' }),
  ),
};
const StepParams = Type.Object({ id: Id, stepId: Id });

/** A process as a response carries it: with the moves its caller may make now (none for a viewer or an operator). */
const withActions = <P extends ProcessSummary>(request: FastifyRequest, p: P) => ({ ...p, actions: processActions(p, callerOf(request).user.role) });

/**
 * Processes (a bill of materials as ordered steps, with their costs) and the subprocess
 * library. Reads need production.read, writes process.write; every write is audited (a
 * process's structure changes as an `update` of the process, with the whole tree before and
 * after; a status move as a `transition`). Money and quantities are decimal strings. Each
 * write is one function of src/app/processes (which owns its transaction and audit event);
 * the status moves are routes made from PROCESS_MACHINE (src/app/processes/status.ts).
 */
export const processRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'production.read' } as const;
  const write = { permission: 'process.write' } as const;

  // The subprocess library.

  app.get(
    '/api/subprocesses',
    {
      config: read,
      schema: {
        operationId: 'listSubprocesses',
        tags: ['subprocesses'],
        summary: 'The subprocess library by name: q is a part of the name (any case)',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            category: Type.Optional(Type.String({ maxLength: 100 })),
            includeDeleted: Type.Optional(Type.Boolean({ default: false })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), subprocesses: Type.Array(SubprocessSchema) }), ...errors() },
      },
    },
    async (request) => listSubprocesses(db, request.query),
  );

  app.post(
    '/api/subprocesses',
    {
      config: write,
      schema: {
        operationId: 'createSubprocess',
        tags: ['subprocesses'],
        summary:
          'Add a subprocess to the library (names are unique whatever their case, deleted ones included); its labour cost is proposed as a labour cost item when it is added to a process',
        body: Type.Object(
          {
            name: SubprocessFields.name,
            description: Type.Optional(SubprocessFields.description),
            category: Type.Optional(SubprocessFields.category),
            estimatedTimeMinutes: Type.Optional(SubprocessFields.estimatedTimeMinutes),
            labourCost: Type.Optional(SubprocessFields.labourCost),
          },
          { additionalProperties: false },
        ),
        response: { 201: SubprocessSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await createSubprocess(db, request.body, actorOf(request))),
  );

  app.get(
    '/api/subprocesses/:id',
    {
      config: read,
      schema: {
        operationId: 'getSubprocess',
        tags: ['subprocesses'],
        summary: 'One subprocess, deleted or not',
        params: IdParams,
        response: { 200: SubprocessSchema, ...errors(404) },
      },
    },
    async (request) => {
      const s = await getSubprocess(db, request.params.id);
      if (!s) throw new HttpError(404, 'NOT_FOUND', `no subprocess ${request.params.id}`);
      return s;
    },
  );

  app.patch(
    '/api/subprocesses/:id',
    {
      config: write,
      schema: {
        operationId: 'updateSubprocess',
        tags: ['subprocesses'],
        summary: 'Change a live subprocess: fields left out stay, null clears; steps using it show the change',
        params: IdParams,
        body: Type.Partial(Type.Object(SubprocessFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: SubprocessSchema, ...errors(404, 409) },
      },
    },
    async (request) => updateSubprocess(db, request.params.id, request.body, actorOf(request)),
  );

  for (const [method, url, operationId, summary, run] of [
    [
      'DELETE',
      '/api/subprocesses/:id',
      'deleteSubprocess',
      'Soft-delete a subprocess: it leaves the library and cannot be added again; steps using it stay (a subprocess is never hard-deleted)',
      deleteSubprocess,
    ],
    ['POST', '/api/subprocesses/:id/restore', 'restoreSubprocess', 'Restore a deleted subprocess to the library', restoreSubprocess],
  ] as const) {
    app.route({
      method,
      url,
      config: write,
      schema: { operationId, tags: ['subprocesses'], summary, params: IdParams, response: { 200: SubprocessSchema, ...errors(404, 409) } },
      handler: async (request) => run(db, request.params.id, actorOf(request)),
    });
  }

  // Processes.

  app.get(
    '/api/processes',
    {
      config: read,
      schema: {
        operationId: 'listProcesses',
        tags: ['processes'],
        summary:
          'Processes without their structure: q is a part of the name (any case); filter by status, by a variant or a subprocess they use; a page at a time with the total',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            status: Type.Optional(StatusSchema),
            variantId: Type.Optional(Id),
            subprocessId: Type.Optional(Id),
            includeDeleted: Type.Optional(Type.Boolean({ default: false })),
            sort: Type.Optional(Type.Union([Type.Literal('name'), Type.Literal('createdAt'), Type.Literal('updatedAt')], { default: 'name' })),
            direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), processes: Type.Array(Type.Object(ProcessSummarySchema)) }), ...errors() },
      },
    },
    async (request) => {
      const page = await listProcesses(db, request.query);
      return { total: page.total, processes: page.processes.map((p) => withActions(request, p)) };
    },
  );

  app.get(
    '/api/processes/statuses',
    {
      config: read,
      schema: {
        operationId: 'listProcessStatuses',
        tags: ['processes'],
        summary: 'The statuses a process can be in, in order, each with the words a person reads for it',
        response: {
          200: Type.Object({
            statuses: Type.Array(Type.Object({ status: StatusSchema, label: Type.String(), description: Type.String() })),
          }),
          ...errors(),
        },
      },
    },
    async () => ({ statuses: PROCESS_STATUSES.map((status) => ({ status, ...PROCESS_STATUS_INFO[status] })) }),
  );

  app.get(
    '/api/processes/cost-types',
    {
      config: read,
      schema: {
        operationId: 'listCostTypes',
        tags: ['processes'],
        summary: 'The kinds of cost item a step may have, in order',
        response: { 200: Type.Object({ costTypes: Type.Array(CostTypeSchema) }), ...errors() },
      },
    },
    async () => ({ costTypes: [...COST_TYPES] }),
  );

  app.post(
    '/api/processes',
    {
      config: write,
      schema: {
        operationId: 'createProcess',
        tags: ['processes'],
        summary:
          'Create a process as a draft, with its whole structure at once when given (steps in order, each with lines, groups and cost items; additional costs), in one transaction',
        body: Type.Object(
          {
            name: ProcessFields.name,
            description: Type.Optional(ProcessFields.description),
            processClass: Type.Optional(ProcessFields.processClass),
            salesPrice: Type.Optional(ProcessFields.salesPrice),
            outputVariantId: Type.Optional(ProcessFields.outputVariantId),
            outputQuantity: Type.Optional(ProcessFields.outputQuantity),
            lotSize: Type.Optional(ProcessFields.lotSize),
            targetMargin: Type.Optional(ProcessFields.targetMargin),
            steps: Type.Optional(Steps),
            additionalCosts: Type.Optional(AdditionalCosts),
          },
          { additionalProperties: false },
        ),
        response: { 201: ProcessSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(withActions(request, await createProcess(db, request.body, actorOf(request)))),
  );

  app.get(
    '/api/processes/:id',
    {
      config: read,
      schema: {
        operationId: 'getProcess',
        tags: ['processes'],
        summary:
          'One process, deleted or not, with its whole structure: steps in order, each with its variant lines, substitute groups and their alternatives, and cost items; additional costs; warnings',
        params: IdParams,
        response: { 200: ProcessSchema, ...errors(404) },
      },
    },
    async (request) => {
      const p = await getProcess(db, request.params.id);
      if (!p) throw new HttpError(404, 'NOT_FOUND', `no process ${request.params.id}`);
      return withActions(request, p);
    },
  );

  app.patch(
    '/api/processes/:id',
    {
      config: write,
      schema: {
        operationId: 'updateProcess',
        tags: ['processes'],
        summary:
          'Change a live process’s name, description, class, sales price or what it makes (output variant and quantity): fields left out stay, null clears',
        params: IdParams,
        body: Type.Partial(Type.Object(ProcessFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request) => withActions(request, await updateProcess(db, request.params.id, request.body, actorOf(request))),
  );

  app.put(
    '/api/processes/:id/structure',
    {
      config: write,
      schema: {
        operationId: 'replaceProcessStructure',
        tags: ['processes'],
        summary:
          'Replace a live process’s structure in one transaction: steps in the order given (a step with its stepId keeps what it leaves out; steps not listed are removed), additional costs replaced. Lots made earlier keep their frozen estimate',
        params: IdParams,
        body: Type.Object({ steps: Steps, additionalCosts: AdditionalCosts }, { additionalProperties: false }),
        response: { 200: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request) => withActions(request, await replaceStructure(db, request.params.id, request.body, actorOf(request))),
  );

  // The status moves: one route per move of PROCESS_MACHINE, with the move's permission.
  for (const [action, move] of offeredMoves(PROCESS_MACHINE)) {
    if (move.needsReason) throw new Error(`process move ${action} needs a reason, which no process move takes yet: give moveProcess a reason first`);
    app.post(
      `/api/processes/:id/${action}`,
      {
        config: { permission: move.permission },
        schema: {
          operationId: moveOperationId(action, 'Process'),
          tags: ['processes'],
          summary: `${move.summary} (from ${move.from.join(' or ')})`,
          params: IdParams,
          response: { 200: ProcessSchema, ...errors(404, 409) },
        },
      },
      async (request) => withActions(request, await moveProcess(db, request.params.id, action, actorOf(request))),
    );
  }

  for (const [method, url, operationId, summary, run] of [
    [
      'DELETE',
      '/api/processes/:id',
      'deleteProcess',
      'Soft-delete a process with no unfinished lots: it leaves lists and frees its name; lots that ran it keep it',
      deleteProcess,
    ],
    ['POST', '/api/processes/:id/restore', 'restoreProcess', 'Restore a deleted process, with the status it had', restoreProcess],
  ] as const) {
    app.route({
      method,
      url,
      config: write,
      schema: { operationId, tags: ['processes'], summary, params: IdParams, response: { 200: ProcessSchema, ...errors(404, 409) } },
      handler: async (request) => withActions(request, await run(db, request.params.id, actorOf(request))),
    });
  }

  app.post(
    '/api/processes/:id/copy',
    {
      config: write,
      schema: {
        operationId: 'copyProcess',
        tags: ['processes'],
        summary: 'Copy a process (deleted or not) as a new draft with another name: its fields, steps, lines, groups, cost items and additional costs',
        params: IdParams,
        body: Type.Object({ name: ProcessFields.name }, { additionalProperties: false }),
        response: { 201: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(withActions(request, await copyProcess(db, request.params.id, request.body.name, actorOf(request)))),
  );

  // Steps, one at a time.

  app.post(
    '/api/processes/:id/steps',
    {
      config: write,
      schema: {
        operationId: 'addProcessStep',
        tags: ['processes'],
        summary:
          'Add a step (a library subprocess) at a position (1-based, default last); later steps move down. Without costItems, the subprocess’s labour cost is proposed as a labour item',
        params: IdParams,
        body: Type.Object(
          { ...StepFields, subprocessId: Id, position: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) },
          { additionalProperties: false },
        ),
        response: { 201: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(withActions(request, await addStep(db, request.params.id, request.body, actorOf(request)))),
  );

  app.patch(
    '/api/processes/:id/steps/:stepId',
    {
      config: write,
      schema: {
        operationId: 'updateProcessStep',
        tags: ['processes'],
        summary: 'Change a step: what the body gives (subprocess, custom name, notes, lines, groups, cost items) is replaced, the rest stays',
        params: StepParams,
        body: Type.Object(StepFields, { additionalProperties: false, minProperties: 1 }),
        response: { 200: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request) => withActions(request, await updateStep(db, request.params.id, request.params.stepId, request.body, actorOf(request))),
  );

  app.delete(
    '/api/processes/:id/steps/:stepId',
    {
      config: write,
      schema: {
        operationId: 'removeProcessStep',
        tags: ['processes'],
        summary: 'Remove a step; later steps move up. Refused for the last step of an active process and for a step whose groups lots chose from',
        params: StepParams,
        response: { 200: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request) => withActions(request, await removeStep(db, request.params.id, request.params.stepId, actorOf(request))),
  );

  app.put(
    '/api/processes/:id/steps/order',
    {
      config: write,
      schema: {
        operationId: 'orderProcessSteps',
        tags: ['processes'],
        summary: 'Put the steps in this order (each of the process’s step ids exactly once); sequence numbers become 1..n',
        params: IdParams,
        body: Type.Object({ stepIds: Type.Array(Id, { maxItems: 500 }) }, { additionalProperties: false }),
        response: { 200: ProcessSchema, ...errors(404, 409) },
      },
    },
    async (request) => withActions(request, await reorderSteps(db, request.params.id, request.body.stepIds, actorOf(request))),
  );
};
