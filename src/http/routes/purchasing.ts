import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { offeredMoves, nextActions } from '../../app/rules/machine.ts';
import {
  MAX_ORDER_LINES,
  addPurchaseOrderLine,
  changePurchaseOrder,
  changePurchaseOrderLine,
  createPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  openPurchaseOrders,
  removePurchaseOrderLine,
  transitionPurchaseOrder,
} from '../../app/purchasing/orders.ts';
import type { PurchaseOrderSummary } from '../../app/purchasing/orders.ts';
import { CHARGE_KINDS, CHARGE_SPREADS, MAX_RECEIPT_CHARGES } from '../../app/purchasing/charges.ts';
import { addReceiptCharge } from '../../app/purchasing/later-charges.ts';
import { MAX_RECEIPT_LINES, createGoodsReceipt, getGoodsReceipt, listGoodsReceipts, reverseGoodsReceipt } from '../../app/purchasing/receipts.ts';
import { LINES_EDITABLE, PO_MACHINE, PO_STATUSES, PO_STATUS_LABELS, PurchasingError, RECEIVABLE } from '../../app/purchasing/status.ts';
import { stockValue, stockValueTotal } from '../../app/items/value.ts';
import { supplierLedger, supplierVariantHistory } from '../../app/purchasing/ledger.ts';
import { createOrdersFromSuggestions, reorderSuggestions } from '../../app/purchasing/suggestions.ts';
import type { Database } from '../../db/types.ts';
import { actorOf, callerOf } from '../auth.ts';
import { HttpError, refusedInPart } from '../errors.ts';
import { ActionsSchema, Day, IdParams, Literals, Nullable, Page, Stamp, errors, moveOperationId } from '../schemas.ts';

const Id = IdParams.properties.id;
const Decimal = Type.String({ description: 'a decimal string, exact: never a JSON number' });
const Quantity = Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,3})?$', description: 'decimal string more than 0, at most 3 decimals, e.g. "12.5"' });
const Price = Type.String({ pattern: '^\\d{1,10}(\\.\\d{1,4})?$', description: 'decimal string: an amount ≥ 0, at most 4 decimals, e.g. "14.25"' });
const Percent = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,2})?$', description: 'decimal string: a percentage from 0 to 100, at most 2 decimals' });
const Amount = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,4})?$', description: 'decimal string: an amount ≥ 0, at most 4 decimals' });
const Text = (max: number) => Nullable(Type.String({ maxLength: max }));
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'why: kept with the change, trimmed of surrounding white space' });
const Status = Literals(PO_STATUSES);

const LineSchema = Type.Object({
  lineId: Type.Integer(),
  lineNo: Type.Integer(),
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  quantity: Decimal,
  unitPrice: Decimal,
  taxRate: Decimal,
  discountRate: Decimal,
  receivedQuantity: Decimal,
  openQuantity: Decimal,
  net: Type.String({ description: 'quantity × unit price less the discount, exact' }),
  tax: Decimal,
  total: Decimal,
  notes: Type.Union([Type.String(), Type.Null()]),
});
const SummaryFields = {
  purchaseOrderId: Type.Integer(),
  poNumber: Type.String({ description: 'PO-YYYYMMDD-NNNNNN' }),
  supplierId: Type.Integer(),
  supplier: Type.String(),
  status: Status,
  statusLabel: Type.String(),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  orderDate: Day,
  expectedOn: Type.Union([Day, Type.Null()]),
  currency: Type.String(),
  notes: Type.Union([Type.String(), Type.Null()]),
  lineCount: Type.Integer(),
  net: Decimal,
  tax: Decimal,
  total: Type.String({ description: 'net + tax, exact: round only to show it' }),
  createdBy: Type.Union([Type.Integer(), Type.Null()], { description: 'the user who made the order (its buyer); null when made from the command line' }),
  createdByName: Type.Union([Type.String(), Type.Null()], { description: 'that user’s name, as the printed order shows it; null when there is none' }),
  createdAt: Stamp,
  updatedAt: Stamp,
  sentAt: Type.Union([Stamp, Type.Null()]),
  closedAt: Type.Union([Stamp, Type.Null()]),
  linesEditable: Type.Boolean({ description: 'lines may be added, changed or removed now (a draft)' }),
  receivable: Type.Boolean({ description: 'goods may be received against the order now' }),
  actions: ActionsSchema,
};
const SummarySchema = Type.Object(SummaryFields);
const OrderSchema = Type.Object({
  ...SummaryFields,
  lines: Type.Array(LineSchema),
  warnings: Type.Array(Type.Object({ lineNo: Type.Integer(), code: Type.String(), message: Type.String() })),
});
/** A line added or changed: the line as it is now, and its order (the order's own notes are not the line's). */
const LineChangeSchema = Type.Object({ line: LineSchema, order: OrderSchema });
const LineBody = Type.Object(
  {
    variantId: Id,
    quantity: Quantity,
    unitPrice: Type.Optional({
      ...Nullable(Price),
      description: 'decimal string, an amount ≥ 0 with at most 4 decimals; omitted or null: the supplier’s rate in effect on the order’s date',
    }),
    taxRate: Type.Optional(Percent),
    discountRate: Type.Optional(Percent),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
const ReceiptLineSchema = Type.Object({
  receiptLineId: Type.Integer(),
  poLineId: Type.Union([Type.Integer(), Type.Null()]),
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  quantity: Type.String({ description: 'negative in a reversing receipt' }),
  unitCost: Decimal,
  amount: Decimal,
  overReceiptReason: Type.Union([Type.String(), Type.Null()]),
  shares: Type.Array(Type.Object({ chargeId: Type.Integer(), amount: Decimal }), { description: 'the line’s share of each of the receipt’s charges' }),
  landedUnitCost: Type.String({
    description: 'unit cost + the line’s shares ÷ its quantity, exact (to 20 decimals when the division does not end): the ledger’s cost',
  }),
});
const ChargeSchema = Type.Object({
  chargeId: Type.Integer(),
  kind: Literals(CHARGE_KINDS),
  description: Type.Union([Type.String(), Type.Null()]),
  amount: Type.String({ description: 'the charge, exact; negative on a reversal' }),
  spread: Literals(CHARGE_SPREADS),
  addedLater: Type.Boolean({ description: 'added to the receipt after it was posted (a freight bill), as its own entry' }),
  billNumber: Type.Union([Type.String(), Type.Null()]),
  chargedOn: Day,
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
});
const ChargeAmount = Type.String({
  pattern: '^(?!0*(\\.0*)?$)\\d{1,12}(\\.\\d{1,4})?$',
  description: 'decimal string: an amount above 0, at most 4 decimals, e.g. "1250.50"',
});
/** A charge's terms, on a receipt as it is posted and added later alike. */
const ChargeTermsFields = {
  kind: Literals(CHARGE_KINDS, { description: 'freight, duty or other' }),
  description: Type.Optional(Text(500)),
  amount: ChargeAmount,
  spread: Literals(CHARGE_SPREADS, { description: 'by quantity, by value (quantity × unit cost), or by hand (manual: each line’s share in lines)' }),
};
const ReceiptFields = {
  receiptId: Type.Integer(),
  receiptNumber: Type.String({ description: 'GR-YYYYMMDD-NNNNNN' }),
  supplierId: Type.Integer(),
  supplier: Type.String(),
  purchaseOrderId: Type.Union([Type.Integer(), Type.Null()]),
  poNumber: Type.Union([Type.String(), Type.Null()]),
  billNumber: Type.Union([Type.String(), Type.Null()]),
  receivedOn: Day,
  taxPercentage: Decimal,
  discountPercentage: Decimal,
  discountAmount: Decimal,
  totalAmount: Type.String({ description: 'the lines’ quantity × unit cost, before discount and tax' }),
  grandTotal: Type.String({ description: 'what the bill says is payable (computed when not given)' }),
  reversesReceiptId: Type.Union([Type.Integer(), Type.Null()]),
  reversedByReceiptId: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Stamp,
};
const ReceiptSummarySchema = Type.Object(ReceiptFields);
const ReceiptSchema = Type.Object({
  ...ReceiptFields,
  lines: Type.Array(ReceiptLineSchema),
  charges: Type.Array(ChargeSchema),
  warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});

/** Any schema or null, for answers (a request's nullable string is schemas.ts's Nullable, which judges "" as the string it is). */
const NullOr = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const SuggestionSchema = Type.Object({
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  stock: Decimal,
  threshold: Type.String({ description: 'the variant’s reorder threshold' }),
  demand: Type.String({
    description:
      'what the lots in planning, ready and in progress planned to start within the lead time need of it (no planned start: today; a substitute group counts once chosen); without a supplier, every open lot',
  }),
  later: Type.String({ description: 'what the lots planned after the lead time need: not bought by this suggestion' }),
  laterFrom: NullOr(Day),
  onOrder: Type.String({ description: 'still open on orders in draft, sent or partially received' }),
  shortfall: Type.String({ description: 'threshold + demand − stock − on order, more than 0' }),
  minimumOrderQuantity: NullOr(Decimal),
  packSize: NullOr(Type.String({ description: 'the chosen rate’s pack size: the quantity is whole packs' })),
  quantity: Type.String({ description: '⌈max(shortfall, minimum order quantity) ÷ pack size⌉ × pack size' }),
  extra: NullOr(Type.String({ description: 'quantity − shortfall: what rounding to the minimum order and whole packs adds' })),
  leadTimeDays: NullOr(Type.Integer({ description: 'the chosen rate’s lead time, else its supplier’s default' })),
  orderBy: NullOr(
    Type.String({ format: 'date', description: 'the earliest planned start among the lots covered − the lead time (past: late); null when no lot is covered' }),
  ),
  supplierId: NullOr(Type.Integer()),
  supplier: NullOr(Type.String()),
  unitPrice: NullOr(Type.String({ description: 'the price at the break the quantity reaches (the rate’s own price below its first break)' })),
  ratePrice: NullOr(Type.String({ description: 'the rate’s own price, from 1' })),
  breakFrom: NullOr(Type.String({ description: 'the quantity from which unitPrice applies; null at the rate’s own price' })),
  currency: NullOr(Type.String({ description: 'the chosen rate’s currency' })),
  amount: NullOr(Type.String({ description: 'quantity × unit price' })),
  why: NullOr(
    Literals(['preferred supplier', 'lowest rate'] as const, { description: 'lowest rate: the lowest unit price at the quantity it would be bought in' }),
  ),
});
const LedgerVariantSchema = Type.Object({
  variantId: Type.Integer(),
  item: Type.String(),
  color: Type.String(),
  size: Type.String(),
  unit: Type.String(),
  orderedQuantity: Type.String({ description: 'on orders not cancelled' }),
  receivedQuantity: Type.String({ description: 'over all receipts, net of reversals' }),
  openQuantity: Type.String({ description: 'still to come on orders sent or partially received' }),
  lastPricePaid: NullOr(Type.String({ description: 'the unit cost of the last receipt that stands (neither a reversal nor reversed)' })),
  lastReceivedOn: NullOr(Day),
  rateInEffect: NullOr(Type.String({ description: 'the supplier’s active rate today' })),
  difference: NullOr(Type.String({ description: 'lastPricePaid − rateInEffect' })),
});

/** A module's input problems (`details.fields`, paths relative to the body) as the API spells them: 400 with `body/…` paths. */
async function withBodyPaths<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const fields =
      err instanceof PurchasingError && err.category === 'usage' ? (err.details.fields as { path: string; message: string }[] | undefined) : undefined;
    if (!fields) throw err;
    throw refusedInPart('body', (err as PurchasingError).code, (err as PurchasingError).details, fields);
  }
}

/**
 * Purchasing: purchase orders to suppliers and the goods received (src/app/purchasing). Reads
 * need purchasing.read; making, changing, sending, cancelling and closing orders
 * purchasing.order; receiving goods and reversing a receipt purchasing.receive (operators
 * receive). The order's moves are routes made from PO_MACHINE, and every order carries the
 * moves its caller may make (`actions`). Every write is an audited app-layer function.
 */
export const purchasingRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const read = { permission: 'purchasing.read' } as const;
  const order = { permission: 'purchasing.order' } as const;
  const receive = { permission: 'purchasing.receive' } as const;

  const view = <T extends PurchaseOrderSummary>(request: FastifyRequest, po: T) => ({
    ...po,
    statusLabel: PO_STATUS_LABELS[po.status],
    linesEditable: LINES_EDITABLE.includes(po.status),
    receivable: RECEIVABLE.includes(po.status),
    actions: nextActions(PO_MACHINE, po.status, callerOf(request).user.role),
  });
  const notFound = (id: number) => new HttpError(404, 'NOT_FOUND', `no purchase order ${id}`, { purchaseOrderId: id });

  app.get(
    '/api/purchase-orders',
    {
      config: read,
      schema: {
        operationId: 'listPurchaseOrders',
        tags: ['purchasing'],
        summary: 'Purchase orders, newest first: by status, supplier and q (a part of the number or the supplier’s name, any case), a page at a time',
        querystring: Type.Object(
          { status: Type.Optional(Status), supplierId: Type.Optional(Id), q: Type.Optional(Type.String({ maxLength: 200 })), ...Page },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), purchaseOrders: Type.Array(SummarySchema) }), ...errors() },
      },
    },
    async (request) => {
      const page = await listPurchaseOrders(db, request.query);
      return { total: page.total, purchaseOrders: page.purchaseOrders.map((po) => view(request, po)) };
    },
  );

  app.get(
    '/api/purchase-orders/statuses',
    {
      config: read,
      schema: {
        operationId: 'listPurchaseOrderStatuses',
        tags: ['purchasing'],
        summary: 'A purchase order’s statuses in order, each with its label and whether it is final',
        response: { 200: Type.Array(Type.Object({ name: Status, label: Type.String(), final: Type.Boolean() })), ...errors() },
      },
    },
    async () => PO_STATUSES.map((name) => ({ name, label: PO_STATUS_LABELS[name], final: PO_MACHINE.final.includes(name) })),
  );

  app.get(
    '/api/purchase-orders/open',
    {
      config: read,
      schema: {
        operationId: 'listOpenPurchaseOrders',
        tags: ['purchasing'],
        summary:
          'What is on order now: the orders waiting for goods by status (with their labels), the drafts, what is still to come in per currency (tax included, exact), and how many are past their expected day',
        response: {
          200: Type.Object({
            statuses: Type.Array(Type.Object({ status: Status, label: Type.String(), count: Type.Integer() })),
            drafts: Type.Integer(),
            amounts: Type.Array(Type.Object({ currency: Type.String(), open: Decimal })),
            overdue: Type.Integer(),
          }),
          ...errors(),
        },
      },
    },
    async () => {
      const open = await openPurchaseOrders(db);
      return { ...open, statuses: open.statuses.map((s) => ({ ...s, label: PO_STATUS_LABELS[s.status] })) };
    },
  );

  app.post(
    '/api/purchase-orders',
    {
      config: order,
      schema: {
        operationId: 'createPurchaseOrder',
        tags: ['purchasing'],
        summary:
          'Make a draft order to a supplier (numbered PO-YYYYMMDD-NNNNNN), with lines if given: a line without a unit price takes the supplier’s rate in effect on the order’s date; a quantity below the rate’s minimum order quantity is warned of in `warnings`',
        body: Type.Object(
          {
            supplierId: Id,
            orderDate: Type.Optional(Day),
            expectedOn: Type.Optional(Nullable(Day)),
            currency: Type.Optional(
              Type.String({ pattern: '^[A-Z]{3}$', description: 'three capital letters; the installation’s currency (GET /api/settings) when not given' }),
            ),
            notes: Type.Optional(Text(2000)),
            lines: Type.Optional(Type.Array(LineBody, { maxItems: MAX_ORDER_LINES })),
          },
          { additionalProperties: false },
        ),
        response: { 201: OrderSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(view(request, await withBodyPaths(() => createPurchaseOrder(db, request.body, actorOf(request))))),
  );

  app.get(
    '/api/purchase-orders/:id',
    {
      config: read,
      schema: {
        operationId: 'getPurchaseOrder',
        tags: ['purchasing'],
        summary: 'One order with its lines, what is open on each, and its totals',
        params: IdParams,
        response: { 200: OrderSchema, ...errors(404) },
      },
    },
    async (request) => {
      const po = await getPurchaseOrder(db, request.params.id);
      if (!po) throw notFound(request.params.id);
      return view(request, po);
    },
  );

  app.patch(
    '/api/purchase-orders/:id',
    {
      config: order,
      schema: {
        operationId: 'updatePurchaseOrder',
        tags: ['purchasing'],
        summary: 'Change the day an order is expected or its notes (until it is closed or cancelled)',
        params: IdParams,
        body: Type.Object({ expectedOn: Type.Optional(Nullable(Day)), notes: Type.Optional(Text(2000)) }, { additionalProperties: false }),
        response: { 200: OrderSchema, ...errors(404, 409) },
      },
    },
    async (request) => view(request, await withBodyPaths(() => changePurchaseOrder(db, request.params.id, request.body, actorOf(request)))),
  );

  app.post(
    '/api/purchase-orders/:id/lines',
    {
      config: order,
      schema: {
        operationId: 'addPurchaseOrderLine',
        tags: ['purchasing'],
        summary: 'Add a line to a draft order (409 PO_NOT_EDITABLE once it is sent): answers the new line and the whole order with its new totals',
        params: IdParams,
        body: LineBody,
        response: { 201: LineChangeSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const po = await withBodyPaths(() => addPurchaseOrderLine(db, request.params.id, request.body, actorOf(request)));
      const line = po.lines.reduce((a, b) => (b.lineNo > a.lineNo ? b : a));
      return reply.status(201).send({ line, order: view(request, po) });
    },
  );

  app.patch(
    '/api/purchase-orders/:id/lines/:lineId',
    {
      config: order,
      schema: {
        operationId: 'updatePurchaseOrderLine',
        tags: ['purchasing'],
        summary:
          'Change a line of a draft order: its quantity, unit price, tax rate, discount or notes; answers the line as it is now and the whole order with its new totals',
        params: Type.Object({ id: Id, lineId: Id }),
        body: Type.Object(
          {
            quantity: Type.Optional(Quantity),
            unitPrice: Type.Optional(Price),
            taxRate: Type.Optional(Percent),
            discountRate: Type.Optional(Percent),
            notes: Type.Optional(Text(2000)),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: LineChangeSchema, ...errors(404, 409) },
      },
    },
    async (request) => {
      const { id, lineId } = request.params;
      const po = await withBodyPaths(() => changePurchaseOrderLine(db, id, lineId, request.body, actorOf(request)));
      return { line: po.lines.find((l) => l.lineId === lineId)!, order: view(request, po) };
    },
  );

  app.delete(
    '/api/purchase-orders/:id/lines/:lineId',
    {
      config: order,
      schema: {
        operationId: 'removePurchaseOrderLine',
        tags: ['purchasing'],
        summary: 'Take a line off a draft order',
        params: Type.Object({ id: Id, lineId: Id }),
        response: { 200: OrderSchema, ...errors(404, 409) },
      },
    },
    async (request) => view(request, await removePurchaseOrderLine(db, request.params.id, request.params.lineId, actorOf(request))),
  );

  // One route per move a person makes, from the table: its permission, its summary, a reason when it needs one.
  for (const [action, move] of offeredMoves(PO_MACHINE)) {
    app.post(
      `/api/purchase-orders/:id/${action}`,
      {
        config: { permission: move.permission },
        schema: {
          operationId: moveOperationId(action, 'PurchaseOrder'),
          tags: ['purchasing'],
          summary: move.summary,
          params: IdParams,
          ...(move.needsReason ? { body: Type.Object({ reason: Reason }, { additionalProperties: false }) } : {}),
          response: { 200: OrderSchema, ...errors(404, 409) },
        },
      },
      async (request) => {
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? null;
        return view(request, await withBodyPaths(() => transitionPurchaseOrder(db, request.params.id, action, { reason }, actorOf(request))));
      },
    );
  }

  app.get(
    '/api/goods-receipts',
    {
      config: read,
      schema: {
        operationId: 'listGoodsReceipts',
        tags: ['purchasing'],
        summary:
          'Goods receipts, newest first: of a supplier, of an order, by q (a part of the receipt’s or bill’s number or the supplier’s name), a page at a time',
        querystring: Type.Object(
          { supplierId: Type.Optional(Id), purchaseOrderId: Type.Optional(Id), q: Type.Optional(Type.String({ maxLength: 200 })), ...Page },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), receipts: Type.Array(ReceiptSummarySchema) }), ...errors() },
      },
    },
    async (request) => listGoodsReceipts(db, request.query),
  );

  app.get(
    '/api/goods-receipts/:id',
    {
      config: read,
      schema: {
        operationId: 'getGoodsReceipt',
        tags: ['purchasing'],
        summary: 'One receipt with its lines',
        params: IdParams,
        response: { 200: ReceiptSchema, ...errors(404) },
      },
    },
    async (request) => {
      const r = await getGoodsReceipt(db, request.params.id);
      if (!r) throw new HttpError(404, 'NOT_FOUND', `no goods receipt ${request.params.id}`, { receiptId: request.params.id });
      return { ...r, warnings: [] };
    },
  );

  app.post(
    '/api/goods-receipts',
    {
      config: receive,
      schema: {
        operationId: 'createGoodsReceipt',
        tags: ['purchasing'],
        summary:
          'Receive goods, against an order (each line names its poLineId; the unit cost defaults to the line’s price less its discount) or on their own (supplierId, and each line its variantId and unitCost), with any freight, duty or other charges spread onto the lines by quantity, value or by hand (400 CHARGE_SHARES_DIFFER when shares by hand do not add up to the charge). Each line goes into stock at its landed unit cost, in one transaction; more than is open on an order line is refused (409 OVER_RECEIPT) unless overReceiptReason says why',
        body: Type.Object(
          {
            supplierId: Type.Optional(Id),
            purchaseOrderId: Type.Optional(Type.Union([Id, Type.Null()])),
            billNumber: Type.Optional(Text(255)),
            receivedOn: Type.Optional(Day),
            taxPercentage: Type.Optional(Percent),
            discountPercentage: Type.Optional(Percent),
            discountAmount: Type.Optional(Amount),
            grandTotal: Type.Optional(Nullable(Amount)),
            notes: Type.Optional(Text(2000)),
            lines: Type.Array(
              Type.Object(
                {
                  poLineId: Type.Optional(Id),
                  variantId: Type.Optional(Id),
                  quantity: Quantity,
                  unitCost: Type.Optional(Nullable(Price)),
                  overReceiptReason: Type.Optional(Text(2000)),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: MAX_RECEIPT_LINES },
            ),
            charges: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    ...ChargeTermsFields,
                    lines: Type.Optional(
                      Type.Array(
                        Type.Object(
                          { line: Type.Integer({ minimum: 0, description: 'the line’s position in lines, from 0' }), amount: Amount },
                          { additionalProperties: false },
                        ),
                        { maxItems: MAX_RECEIPT_LINES, description: 'by hand only: each line’s share; the shares add up to the charge exactly' },
                      ),
                    ),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: MAX_RECEIPT_CHARGES },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ReceiptSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await withBodyPaths(() => createGoodsReceipt(db, request.body, actorOf(request)))),
  );

  app.post(
    '/api/goods-receipts/:id/reverse',
    {
      config: receive,
      schema: {
        operationId: 'reverseGoodsReceipt',
        tags: ['purchasing'],
        summary:
          'Reverse a receipt, saying why: a new receipt takes back each line at the landed cost it came in at (its charges go back negated), from stock and from the order (409 STOCK_NEGATIVE when what it brought has been used since; 409 RECEIPT_REVERSED when it was reversed already)',
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 201: ReceiptSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await withBodyPaths(() => reverseGoodsReceipt(db, request.params.id, request.body.reason, actorOf(request)))),
  );

  app.post(
    '/api/goods-receipts/:id/charges',
    {
      config: receive,
      schema: {
        operationId: 'addGoodsReceiptCharge',
        tags: ['purchasing'],
        summary:
          'Add a charge that arrived later (a freight bill) to a posted receipt, as its own entry: spread onto the lines like a charge on the receipt, each share entering the ledger where the receipt’s goods did, so what was consumed since carries it (409 RECEIPT_REVERSED for a receipt reversed or a reversal)',
        params: IdParams,
        body: Type.Object(
          {
            ...ChargeTermsFields,
            billNumber: Type.Optional(Text(255)),
            chargedOn: Type.Optional(Day),
            lines: Type.Optional(
              Type.Array(Type.Object({ receiptLineId: Id, amount: Amount }, { additionalProperties: false }), {
                maxItems: MAX_RECEIPT_LINES,
                description: 'by hand only: each line’s share; the shares add up to the charge exactly',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ReceiptSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await withBodyPaths(() => addReceiptCharge(db, request.params.id, request.body, actorOf(request)))),
  );

  app.get(
    '/api/purchasing/suggestions',
    {
      config: read,
      schema: {
        operationId: 'listPurchaseSuggestions',
        tags: ['purchasing'],
        summary:
          'What to buy next: each live variant whose threshold + what the open lots planned to start within the supplier’s lead time need − stock − what is open on orders (drafts included) is more than 0, from its preferred supplier when that one has an active rate today, else from the one with the lowest unit price at the quantity (ties: the lower id), rounded up to the rate’s minimum order quantity and then to whole packs, at the price of the break reached, with the day to order by; grouped per supplier by name, and the variants no supplier has a rate for apart',
        querystring: Type.Object(
          {
            supplierId: Type.Optional(Id),
            q: Type.Optional(Type.String({ maxLength: 200, description: 'a part of the item’s name, any case' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            suppliers: Type.Array(
              Type.Object({
                supplierId: Type.Integer(),
                supplier: Type.String(),
                leadTimeDays: Type.Integer({ description: 'the supplier’s default lead time (each line says its own)' }),
                orderBy: NullOr(Type.String({ format: 'date', description: 'the earliest orderBy of its lines' })),
                lineCount: Type.Integer(),
                total: Type.String({ description: 'Σ amount, exact' }),
                lines: Type.Array(SuggestionSchema),
              }),
            ),
            withoutSupplier: Type.Array(SuggestionSchema),
          }),
          ...errors(),
        },
      },
    },
    async (request) => reorderSuggestions(db, request.query),
  );

  app.post(
    '/api/purchasing/suggestions/orders',
    {
      config: order,
      schema: {
        operationId: 'orderSuggestions',
        tags: ['purchasing'],
        summary:
          'Turn the suggestions (of these suppliers and variants; {} for all) into draft orders, one per supplier, at the suggested quantities (minimum order, whole packs) and the prices of the breaks they reach, in one transaction (409 NOTHING_TO_ORDER when no suggestion with a supplier matches)',
        body: Type.Object(
          {
            supplierIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
            variantIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ purchaseOrders: Type.Array(SummarySchema) }), ...errors(409) },
      },
    },
    async (request, reply) => {
      const made = await createOrdersFromSuggestions(db, request.body, actorOf(request));
      return reply.status(201).send({ purchaseOrders: made.map((po) => view(request, po)) });
    },
  );

  app.get(
    '/api/suppliers/:id/ledger',
    {
      config: read,
      schema: {
        operationId: 'getSupplierLedger',
        tags: ['purchasing'],
        summary:
          'A supplier’s ledger: its orders by status with the amounts ordered and still open, what it delivered (net of reversals), its on-time share (of the orders with an expected day that are received or closed, those whose last receipt came on or before that day), per variant what was ordered, received and is open with the last price paid against today’s rate, and its last 10 receipts',
        params: IdParams,
        response: {
          200: Type.Object({
            supplierId: Type.Integer(),
            supplier: Type.String(),
            orders: Type.Object({
              count: Type.Integer(),
              open: Type.Integer({ description: 'sent or partially received' }),
              byStatus: Type.Object(Object.fromEntries(PO_STATUSES.map((s) => [s, Type.Integer()]))),
              orderedAmount: Type.String({ description: 'Σ total of the orders not cancelled' }),
              openAmount: Type.String({ description: 'Σ open quantity × price less discount plus tax, on open orders' }),
            }),
            receipts: Type.Object({
              count: Type.Integer({ description: 'receipts that stand: neither a reversal nor reversed' }),
              receivedAmount: Type.String({ description: 'Σ the receipts’ totalAmount, net of reversals' }),
              lastReceivedOn: NullOr(Day),
            }),
            onTime: Type.Object({
              due: Type.Integer(),
              onTime: Type.Integer(),
              share: Nullable(Type.String({ description: 'onTime ÷ due to 3 decimals ("0.750"); null when nothing is due' })),
            }),
            variants: Type.Array(LedgerVariantSchema),
            recentReceipts: Type.Array(ReceiptSummarySchema),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => supplierLedger(db, request.params.id),
  );

  app.get(
    '/api/suppliers/:id/ledger/variants/:variantId',
    {
      config: read,
      schema: {
        operationId: 'listSupplierDeliveries',
        tags: ['purchasing'],
        summary: 'What a supplier delivered of one variant, newest first (reversals with a negative quantity), and its rate in effect today',
        params: Type.Object({ id: Id, variantId: Id }),
        querystring: Type.Object({ ...Page }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            rateInEffect: Nullable(Decimal),
            history: Type.Array(
              Type.Object({
                receiptId: Type.Integer(),
                receiptNumber: Type.String(),
                receivedOn: Day,
                poNumber: Nullable(Type.String()),
                billNumber: Nullable(Type.String()),
                quantity: Type.String({ description: 'negative in a reversing receipt' }),
                unitCost: Decimal,
              }),
            ),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => supplierVariantHistory(db, request.params.id, request.params.variantId, request.query),
  );

  app.get(
    '/api/stock/value/total',
    {
      config: read,
      schema: {
        operationId: 'getStockValueTotal',
        tags: ['purchasing'],
        summary:
          'What all stock is worth at the end of a day (UTC; today when not given): the total of GET /api/stock/value alone, with the variants that have stock and those whose stock has no cost yet (counted apart, never as worth 0)',
        querystring: Type.Object({ asOf: Type.Optional(Day) }, { additionalProperties: false }),
        response: { 200: Type.Object({ asOf: Day, value: Decimal, variants: Type.Integer(), unvaluedVariants: Type.Integer() }), ...errors() },
      },
    },
    async (request) => stockValueTotal(db, request.query),
  );

  app.get(
    '/api/stock/value',
    {
      config: read,
      schema: {
        operationId: 'listStockValue',
        tags: ['purchasing'],
        summary:
          'What stock is worth at the end of a day (UTC; today when not given), by moving weighted-average cost, per variant, item or category, the most valuable first, with the total; stock with no cost yet (from before costs were kept) is counted apart, never as worth 0',
        querystring: Type.Object(
          {
            asOf: Type.Optional(Day),
            by: Type.Optional(Literals(['variant', 'item', 'category'] as const, { description: 'variant when not given' })),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            asOf: Day,
            by: Type.String(),
            total: Type.Object({ value: Decimal, variants: Type.Integer(), unvaluedVariants: Type.Integer() }),
            count: Type.Integer(),
            rows: Type.Array(
              Type.Object({
                key: Type.String({ description: 'the variant’s or item’s id, or the category' }),
                name: Type.String(),
                stock: Type.Union([Decimal, Type.Null()], { description: 'per variant only' }),
                unit: Type.Union([Type.String(), Type.Null()]),
                value: Decimal,
                averageCost: Type.Union([Decimal, Type.Null()]),
                unvaluedVariants: Type.Integer(),
                unvaluedStock: Type.Union([Decimal, Type.Null()]),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async (request) => stockValue(db, { ...request.query, by: request.query.by ?? 'variant' }),
  );
};
