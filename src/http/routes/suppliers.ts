import { Type } from '@sinclair/typebox';
import type { TInteger, TNull, TUnion } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { compareSuppliers } from '../../app/suppliers/comparison.ts';
import { MAX_BREAKS, createRate, deactivateRate, getRate, rateHistory, updateRate } from '../../app/suppliers/rates.ts';
import { createSupplier, deleteSupplier, listSuppliers, requireSupplier, updateSupplier } from '../../app/suppliers/suppliers.ts';
import { actorOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { Day, Email, IdParams, Money, Name, Nullable, Page, Stamp, errors } from '../schemas.ts';

/** A quantity above zero with at most three decimals (numeric(12,3)). */
const Quantity = Type.String({ pattern: '^(?!0*(\\.0*)?$)\\d{1,9}(\\.\\d{1,3})?$', description: 'decimal string above zero, e.g. "100" or "2.5"' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. INR' });
const Gstin = Type.String({ pattern: '^[0-9]{2}[A-Z0-9]{10}[0-9A-Z]Z[0-9A-Z]$', description: 'GSTIN, 15 characters, e.g. 27AAPFU0939F1ZV' });
/** Days from an order to its delivery. */
const LeadTime = Type.Integer({ minimum: 0, maximum: 730, description: 'whole days from an order to its delivery, 0 to 730' });
/** A rate's lead time, or null for its supplier's default (nullable, as Nullable: a union would coerce null to 0). */
const RateLeadTime = { ...LeadTime, nullable: true } as unknown as TUnion<[TInteger, TNull]>;
/** A price break: from this many units bought (more than 1), this price each. */
const PriceBreakSchema = Type.Object(
  { fromQuantity: Quantity, costPerUnit: Money },
  { additionalProperties: false, description: 'from `fromQuantity` units bought (more than 1), `costPerUnit` each' },
);
const Breaks = Type.Array(PriceBreakSchema, {
  maxItems: MAX_BREAKS,
  description: `the rate's price breaks (at most ${MAX_BREAKS}); replaces the rate's set; [] removes them`,
});
const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+()\\-. ]+$' });

const SupplierSchema = Type.Object({
  supplierId: Type.Integer(),
  firmName: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  gstin: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  leadTimeDays: Type.Integer(),
  createdAt: Stamp,
  updatedAt: Stamp,
});
const SupplierFields = {
  address: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  gstin: Type.Optional(Nullable(Gstin)),
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(Phone)),
  leadTimeDays: Type.Optional(LeadTime),
};

const RateSchema = Type.Object({
  rateId: Type.Integer(),
  supplierId: Type.Integer(),
  firmName: Type.String(),
  variantId: Type.Integer(),
  costPerUnit: Type.String(),
  currency: Type.String(),
  minimumOrderQuantity: Type.String(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  breaks: Type.Array(Type.Object({ fromQuantity: Type.String(), costPerUnit: Type.String() })),
  leadTimeDays: Type.Union([Type.Integer(), Type.Null()]),
  packSize: Type.String(),
  createdAt: Stamp,
  updatedAt: Stamp,
});
/** The terms a rate's writes take (the what-if of a rate change takes them too). */
export const RateTermFields = {
  costPerUnit: Money,
  currency: Currency,
  minimumOrderQuantity: Quantity,
  effectiveFrom: Day,
  effectiveTo: Nullable(Day),
  isActive: Type.Boolean(),
  breaks: Breaks,
  leadTimeDays: RateLeadTime,
  packSize: Quantity,
};

/** Suppliers, what each charges per variant over time, and a variant's suppliers compared. Each write is one app function, which records its audit event. */
export const supplierRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'catalog.read' } as const;
  const write = { permission: 'catalog.write' } as const;

  app.get(
    '/api/suppliers',
    {
      config: read,
      schema: {
        operationId: 'listSuppliers',
        tags: ['suppliers'],
        summary: 'Suppliers by firm name, optionally those whose name contains `search` (any case), a page at a time',
        querystring: Type.Object({ search: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), ...Page }, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), suppliers: Type.Array(SupplierSchema) }), ...errors() },
      },
    },
    async (request) => listSuppliers(db, request.query),
  );

  app.get(
    '/api/suppliers/:id',
    {
      config: read,
      schema: { operationId: 'getSupplier', tags: ['suppliers'], summary: 'One supplier', params: IdParams, response: { 200: SupplierSchema, ...errors(404) } },
    },
    async (request) => requireSupplier(db, request.params.id),
  );

  app.post(
    '/api/suppliers',
    {
      config: write,
      schema: {
        operationId: 'createSupplier',
        tags: ['suppliers'],
        summary: 'Create a supplier (firm names are unique whatever their case)',
        body: Type.Object({ firmName: Name(255), ...SupplierFields }, { additionalProperties: false }),
        response: { 201: SupplierSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await createSupplier(db, request.body, actorOf(request))),
  );

  app.patch(
    '/api/suppliers/:id',
    {
      config: write,
      schema: {
        operationId: 'updateSupplier',
        tags: ['suppliers'],
        summary: 'Change a supplier’s fields (null clears an optional one)',
        params: IdParams,
        body: Type.Object({ firmName: Type.Optional(Name(255)), ...SupplierFields }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: SupplierSchema, ...errors(404, 409) },
      },
    },
    async (request) => updateSupplier(db, request.params.id, request.body, actorOf(request)),
  );

  app.delete(
    '/api/suppliers/:id',
    {
      config: write,
      schema: {
        operationId: 'deleteSupplier',
        tags: ['suppliers'],
        summary: 'Delete a supplier without rates; one with rates is refused (409 SUPPLIER_HAS_RATES): deactivate its rates instead',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteSupplier(db, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/suppliers/:id/rates',
    {
      config: read,
      schema: {
        operationId: 'listSupplierRates',
        tags: ['suppliers'],
        summary: 'Every rate of a supplier, newest effective date first',
        params: IdParams,
        response: { 200: Type.Array(RateSchema), ...errors(404) },
      },
    },
    async (request) => rateHistory(db, { supplierId: request.params.id }),
  );

  app.get(
    '/api/variants/:id/rates',
    {
      config: read,
      schema: {
        operationId: 'listVariantRates',
        tags: ['suppliers'],
        summary: 'A variant’s rate history: every rate, active or not, newest effective date first',
        params: IdParams,
        response: { 200: Type.Array(RateSchema), ...errors(404) },
      },
    },
    async (request) => rateHistory(db, { variantId: request.params.id }),
  );

  app.get(
    '/api/variants/:id/supplier-comparison',
    {
      config: read,
      schema: {
        operationId: 'compareVariantSuppliers',
        tags: ['suppliers'],
        summary:
          'A variant’s suppliers side by side: each one’s active rate in effect on `asOf` (default today), cheapest first, with the highest (worst-case costing) and lowest',
        params: IdParams,
        querystring: Type.Object({ asOf: Type.Optional(Day) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            variantId: Type.Integer(),
            asOf: Type.String(),
            rates: Type.Array(RateSchema),
            highest: Type.Union([RateSchema, Type.Null()]),
            lowest: Type.Union([RateSchema, Type.Null()]),
            currencies: Type.Array(Type.String()),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => compareSuppliers(db, request.params.id, request.query.asOf),
  );

  app.get(
    '/api/rates/:id',
    {
      config: read,
      schema: { operationId: 'getRate', tags: ['suppliers'], summary: 'One rate', params: IdParams, response: { 200: RateSchema, ...errors(404) } },
    },
    async (request) => {
      const rate = await getRate(db, request.params.id);
      if (!rate) throw new HttpError(404, 'NOT_FOUND', `no rate ${request.params.id}`);
      return rate;
    },
  );

  app.post(
    '/api/rates',
    {
      config: write,
      schema: {
        operationId: 'createRate',
        tags: ['suppliers'],
        summary:
          'Create a rate: what a supplier charges for a variant from a date, with its price breaks, lead time and pack size; active periods of one supplier and variant may not overlap (409 RATE_OVERLAP)',
        body: Type.Object(
          {
            supplierId: IdParams.properties.id,
            variantId: IdParams.properties.id,
            costPerUnit: Money,
            currency: Currency,
            minimumOrderQuantity: Type.Optional(Quantity),
            effectiveFrom: Day,
            effectiveTo: Type.Optional(Nullable(Day)),
            isActive: Type.Optional(Type.Boolean()),
            breaks: Type.Optional(Breaks),
            leadTimeDays: Type.Optional(RateLeadTime),
            packSize: Type.Optional(Quantity),
          },
          { additionalProperties: false },
        ),
        response: { 201: RateSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const terms = { minimumOrderQuantity: b.minimumOrderQuantity ?? '1', effectiveTo: b.effectiveTo ?? null, isActive: b.isActive ?? true };
      return reply.status(201).send(await createRate(db, { ...b, ...terms }, actorOf(request)));
    },
  );

  app.patch(
    '/api/rates/:id',
    {
      config: write,
      schema: {
        operationId: 'updateRate',
        tags: ['suppliers'],
        summary: 'Change a rate’s terms (its supplier and variant stay); `breaks` replaces its set of breaks; the overlap rule applies',
        params: IdParams,
        body: Type.Partial(Type.Object(RateTermFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: RateSchema, ...errors(404, 409) },
      },
    },
    async (request) => updateRate(db, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/rates/:id/deactivate',
    {
      config: write,
      schema: {
        operationId: 'deactivateRate',
        tags: ['suppliers'],
        summary: 'Deactivate a rate: it stays in the history but no longer counts in comparisons or costing',
        params: IdParams,
        response: { 200: RateSchema, ...errors(404) },
      },
    },
    async (request) => deactivateRate(db, request.params.id, actorOf(request)),
  );
};
