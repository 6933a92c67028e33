import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { CODES_SHOWN, SEARCH_LIMITS, createItem, deleteItem, findItems, getItem, listCategories, restoreItem, updateItem } from '../../app/items/items.ts';
import { MARK_LIMITS, createVariant, deleteVariant, getVariant, listVariants, restoreVariant, updateVariant } from '../../app/items/variants.ts';
import { LOOKUP_LIMITS, lookupVariants } from '../../app/items/lookup.ts';
import { lowStock, movementProblem, recordMovement, variantLedger } from '../../app/items/stock.ts';
import { actorOf } from '../auth.ts';
import { HttpError, invalidInput } from '../errors.ts';
import { CappedTotal, IdParams, Name, Nullable, Page, Stamp, errors } from '../schemas.ts';

/** A quantity as a decimal string (a JSON number is read as written: one with more decimals than allowed is refused, never rounded). */
const Quantity = Type.String({ pattern: '^-?\\d{1,9}(\\.\\d{1,3})?$', description: 'decimal, up to 3 places, e.g. "12.5"' });
const Threshold = Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,3})?$', description: 'decimal ≥ 0, up to 3 places' });
const Description = Nullable(Type.String({ maxLength: 10_000 }));

const ItemSchema = Type.Object({
  itemId: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
  model: Type.Union([Type.String(), Type.Null()]),
  variation: Type.Union([Type.String(), Type.Null()]),
  createdAt: Stamp,
  updatedAt: Stamp,
  deletedAt: Type.Union([Stamp, Type.Null()]),
});
/** An item in a list: with its live variants' stock per unit and their codes, so that two items of one name differ. */
const ListedItemSchema = Type.Object({
  ...ItemSchema.properties,
  stock: Type.Array(Type.Object({ unit: Type.String(), quantity: Type.String() }), {
    description: 'its live variants’ stock added up per unit (units are never added together); empty: no live variant',
  }),
  codes: Type.Array(Type.String(), { description: `its live variants’ codes, the first ${CODES_SHOWN}` }),
  moreCodes: Type.Integer({ description: 'how many more of its live variants have a code' }),
});
const ItemFields = {
  name: Name(255),
  description: Description,
  category: Nullable(Name(100)),
  model: Nullable(Name(255)),
  variation: Nullable(Name(255)),
};
const VariantSchema = Type.Object({
  variantId: Type.Integer(),
  itemId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  code: Type.Union([Type.String(), Type.Null()], { description: 'its code (SKU), unique among live variants whatever its case; null: none' }),
  barcode: Type.Union([Type.String(), Type.Null()], { description: 'its barcode as a scanner sends it, unique among live variants; null: none' }),
  stock: Type.String(),
  reorderThreshold: Type.String(),
  preferredSupplierId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the supplier reorder suggestions buy it from while it has a rate in effect; null: the one with the lowest rate',
  }),
  preferredSupplier: Type.Union([Type.String(), Type.Null()], { description: 'the preferred supplier’s firm name; null: none' }),
  createdAt: Stamp,
  updatedAt: Stamp,
  deletedAt: Type.Union([Stamp, Type.Null()]),
});
/** A code or barcode as typed, at most its limit (MARK_LIMITS): the app trims it, refuses white space inside, and takes empty as none. */
const Mark = (what: string, limit: number) =>
  Nullable(Type.String({ maxLength: limit, description: `${what}, trimmed; empty or null: none; no white space inside; unique among live variants` }));
const VariantFields = {
  color: Name(100),
  size: Name(100),
  unit: Name(20),
  reorderThreshold: Threshold,
  code: Mark(`the code (SKU), up to ${MARK_LIMITS.code} characters, whatever its case`, MARK_LIMITS.code),
  barcode: Mark(`the barcode as a scanner sends it, up to ${MARK_LIMITS.barcode} characters`, MARK_LIMITS.barcode),
};
const EntrySchema = Type.Object({
  id: Type.Integer(),
  variantId: Type.Integer(),
  type: Type.String(),
  quantity: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  unitCost: Type.Union([Type.String(), Type.Null()], {
    description: 'what one unit moved at: the price paid coming in, the average cost going out; null while the variant has no cost',
  }),
  value: Type.Union([Type.String(), Type.Null()], { description: 'the change of the variant’s stock value this row made, signed; null while it has no cost' }),
  notes: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
});
const IncludeDeleted = Type.Optional(Type.Boolean({ default: false, description: 'list deleted ones too' }));

/** The value, or 404 for the `what` with this id when there is none. */
function found<T>(value: T | null, what: string, id: number): T {
  if (value === null) throw new HttpError(404, 'NOT_FOUND', `no ${what} ${id}`);
  return value;
}

/**
 * Items, their variants, categories and stock. Masters (model, variation, colour, size) are
 * given and shown by name, made on first use. Reads need catalog.read; item and variant writes
 * catalog.write; stock movements stock.write. Each write is one app function, which records its audit event.
 */
export const itemRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'catalog.read' } as const;
  const write = { permission: 'catalog.write' } as const;

  app.get(
    '/api/items',
    {
      config: read,
      schema: {
        operationId: 'listItems',
        tags: ['items'],
        summary: `Search items: words in q must each appear in the name, model, variation or category (case, accents and partial words do not matter), or start a variant’s code or be its barcode (the items of a variant whose code or barcode is a word come first); at most ${SEARCH_LIMITS.words} words of at most ${SEARCH_LIMITS.wordLength} characters`,
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            category: Type.Optional(Type.String({ maxLength: 100 })),
            model: Type.Optional(Type.String({ maxLength: 255 })),
            includeDeleted: IncludeDeleted,
            sort: Type.Optional(Type.Union([Type.Literal('name'), Type.Literal('createdAt')], { default: 'name' })),
            direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ ...CappedTotal, items: Type.Array(ListedItemSchema) }),
          ...errors(),
        },
      },
    },
    async (request) => findItems(db, request.query),
  );

  app.post(
    '/api/items',
    {
      config: write,
      schema: {
        operationId: 'createItem',
        tags: ['items'],
        summary: 'Create an item (model and variation by name, made when new)',
        body: Type.Object(
          {
            name: ItemFields.name,
            description: Type.Optional(ItemFields.description),
            category: Type.Optional(ItemFields.category),
            model: Type.Optional(ItemFields.model),
            variation: Type.Optional(ItemFields.variation),
          },
          { additionalProperties: false },
        ),
        response: { 201: ItemSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await createItem(db, request.body, actorOf(request))),
  );

  app.get(
    '/api/items/:id',
    {
      config: read,
      schema: { operationId: 'getItem', tags: ['items'], summary: 'One item, deleted or not', params: IdParams, response: { 200: ItemSchema, ...errors(404) } },
    },
    async (request) => found(await getItem(db, request.params.id), 'item', request.params.id),
  );

  app.patch(
    '/api/items/:id',
    {
      config: write,
      schema: {
        operationId: 'updateItem',
        tags: ['items'],
        summary: 'Change a live item: fields left out stay, null clears',
        params: IdParams,
        body: Type.Partial(Type.Object(ItemFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: ItemSchema, ...errors(404, 409) },
      },
    },
    async (request) => found(await updateItem(db, request.params.id, request.body, actorOf(request)), 'item', request.params.id),
  );

  for (const [method, url, operationId, summary, change] of [
    ['DELETE', '/api/items/:id', 'deleteItem', 'Soft-delete an item: it leaves lists and frees its name', deleteItem],
    ['POST', '/api/items/:id/restore', 'restoreItem', 'Restore a deleted item', restoreItem],
  ] as const) {
    app.route({
      method,
      url,
      config: write,
      schema: { operationId, tags: ['items'], summary, params: IdParams, response: { 200: ItemSchema, ...errors(404, 409) } },
      handler: async (request) => found(await change(db, request.params.id, actorOf(request)), 'item', request.params.id),
    });
  }

  app.get(
    '/api/categories',
    {
      config: read,
      schema: {
        operationId: 'listCategories',
        tags: ['items'],
        summary: 'The categories of live items, with how many items each has',
        response: { 200: Type.Array(Type.Object({ category: Type.String(), itemCount: Type.Integer() })), ...errors() },
      },
    },
    async () => listCategories(db),
  );

  app.get(
    '/api/items/:id/variants',
    {
      config: read,
      schema: {
        operationId: 'listItemVariants',
        tags: ['variants'],
        summary: 'An item’s variants',
        params: IdParams,
        querystring: Type.Object({ includeDeleted: IncludeDeleted }, { additionalProperties: false }),
        response: { 200: Type.Array(VariantSchema), ...errors(404) },
      },
    },
    async (request) => found(await listVariants(db, request.params.id, request.query.includeDeleted), 'item', request.params.id),
  );

  app.post(
    '/api/items/:id/variants',
    {
      config: write,
      schema: {
        operationId: 'createVariant',
        tags: ['variants'],
        summary: 'Add a variant (colour and size by name); it starts with no stock: record an opening balance',
        params: IdParams,
        body: Type.Object(
          {
            color: VariantFields.color,
            size: VariantFields.size,
            unit: Type.Optional(VariantFields.unit),
            reorderThreshold: Type.Optional(VariantFields.reorderThreshold),
            code: Type.Optional(VariantFields.code),
            barcode: Type.Optional(VariantFields.barcode),
          },
          { additionalProperties: false },
        ),
        response: { 201: VariantSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(found(await createVariant(db, request.params.id, request.body, actorOf(request)), 'item', request.params.id)),
  );

  app.get(
    '/api/variants',
    {
      config: read,
      schema: {
        operationId: 'findVariants',
        tags: ['variants'],
        summary:
          'Find live variants by what a person types in one box: item words (as the item search), words of a colour’s or size’s name, a code’s start, a barcode. The variant whose code (whatever its case) or barcode is the whole text comes first, marked exact',
        querystring: Type.Object(
          {
            q: Type.String({ minLength: 1, maxLength: 200 }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LOOKUP_LIMITS.limit, default: 20 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: LOOKUP_LIMITS.offset, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            variants: Type.Array(Type.Object({ ...VariantSchema.properties, exact: Type.Boolean({ description: 'its code or barcode is the whole text' }) })),
            more: Type.Boolean({ description: 'more variants match: page on with offset, or type more' }),
          }),
          ...errors(),
        },
      },
    },
    async (request) => lookupVariants(db, { q: request.query.q, limit: request.query.limit ?? 20, offset: request.query.offset ?? 0 }),
  );

  app.get(
    '/api/variants/:id',
    {
      config: read,
      schema: {
        operationId: 'getVariant',
        tags: ['variants'],
        summary: 'One variant, deleted or not',
        params: IdParams,
        response: { 200: VariantSchema, ...errors(404) },
      },
    },
    async (request) => found(await getVariant(db, request.params.id), 'variant', request.params.id),
  );

  app.patch(
    '/api/variants/:id',
    {
      config: write,
      schema: {
        operationId: 'updateVariant',
        tags: ['variants'],
        summary:
          'Change a live variant’s colour, size, unit, reorder threshold, code, barcode or preferred supplier (null: none; 400 SUPPLIER_NOT_FOUND for one there is not). Stock moves only through /api/stock/movements',
        params: IdParams,
        body: Type.Partial(Type.Object({ ...VariantFields, preferredSupplierId: Type.Union([IdParams.properties.id, Type.Null()]) }), {
          additionalProperties: false,
          minProperties: 1,
        }),
        response: { 200: VariantSchema, ...errors(404, 409) },
      },
    },
    async (request) => found(await updateVariant(db, request.params.id, request.body, actorOf(request)), 'variant', request.params.id),
  );

  for (const [method, url, operationId, summary, change] of [
    ['DELETE', '/api/variants/:id', 'deleteVariant', 'Soft-delete a variant with no stock', deleteVariant],
    ['POST', '/api/variants/:id/restore', 'restoreVariant', 'Restore a deleted variant', restoreVariant],
  ] as const) {
    app.route({
      method,
      url,
      config: write,
      schema: { operationId, tags: ['variants'], summary, params: IdParams, response: { 200: VariantSchema, ...errors(404, 409) } },
      handler: async (request) => found(await change(db, request.params.id, actorOf(request)), 'variant', request.params.id),
    });
  }

  app.get(
    '/api/variants/:id/ledger',
    {
      config: read,
      schema: {
        operationId: 'listVariantLedger',
        tags: ['stock'],
        summary: 'A variant’s stock ledger, newest first; its stock is the sum of every quantity',
        params: IdParams,
        querystring: Type.Object(Page, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), entries: Type.Array(EntrySchema) }), ...errors(404) },
      },
    },
    async (request) => found(await variantLedger(db, request.params.id, request.query), 'variant', request.params.id),
  );

  app.post(
    '/api/stock/movements',
    {
      config: { permission: 'stock.write' },
      schema: {
        operationId: 'recordStockMovement',
        tags: ['stock'],
        summary: 'Record a stock movement: opening (once, first), receipt, issue (quantities given positive), or adjustment (signed, with a reason)',
        body: Type.Object(
          {
            variantId: IdParams.properties.id,
            type: Type.Union([Type.Literal('opening'), Type.Literal('receipt'), Type.Literal('issue'), Type.Literal('adjustment')]),
            quantity: Quantity,
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ entry: EntrySchema, stockBefore: Type.String(), stockAfter: Type.String() }), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const problem = movementProblem(request.body);
      if (problem) throw invalidInput('body', [problem]);
      return reply.status(201).send(found(await recordMovement(db, request.body, actorOf(request)), 'variant', request.body.variantId));
    },
  );

  app.get(
    '/api/stock/low',
    {
      config: read,
      schema: {
        operationId: 'listLowStock',
        tags: ['stock'],
        summary: 'Live variants at or below their reorder threshold (a threshold of 0 is none), the furthest below first',
        querystring: Type.Object(Page, { additionalProperties: false }),
        response: { 200: Type.Object({ ...CappedTotal, variants: Type.Array(VariantSchema) }), ...errors() },
      },
    },
    async (request) => lowStock(db, request.query),
  );
};
