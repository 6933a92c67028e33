import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Database } from '../../db/types.ts';
import { exportCsv } from '../../app/imports/export.ts';
import { kindName } from '../../app/imports/kinds/index.ts';
import { PURCHASING_EXPORT_NAMES, purchasingExportCsv } from '../../app/purchasing/export.ts';
import { errors } from '../schemas.ts';

/**
 * Exports (imports.read): the rows of a kind of import as a CSV download in that import's own
 * columns, which POST /api/imports reads back as it is (the same file `mtc export` writes).
 * And (purchasing.read) purchase orders and goods receipts, a row per line, as reports.
 */
export const exportRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/exports/:kind.csv',
    {
      config: { permission: 'imports.read' },
      schema: {
        operationId: 'exportCatalog',
        tags: ['imports'],
        summary:
          'Items (with their variants), suppliers or supplier rates as one CSV download in the columns their import reads, so the file imports back as it is (into this MTC as a no-op); UTF-8 with a BOM, streamed; a cell starting with =, +, - or @ is prefixed with an apostrophe so that a spreadsheet does not run it, and the import takes it off',
        params: Type.Object({ kind: Type.String({ maxLength: 50, description: 'items, suppliers or rates (or supplier-rates)' }) }),
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV' }), ...errors() },
      },
    },
    async (request, reply) => {
      // An unknown kind is IMPORT_UNKNOWN_KIND (400, naming the kinds) here, before a byte is sent.
      const kind = kindName(request.params.kind);
      return sendCsv(reply, kind, exportCsv(db, kind));
    },
  );

  const purchasingOperationIds = {
    'purchase-orders': 'exportPurchaseOrders',
    'goods-receipts': 'exportGoodsReceipts',
    'receipt-charges': 'exportReceiptCharges',
  } as const;
  const purchasingSummaries = {
    'purchase-orders':
      'Every purchase order as one CSV download, a row per line with the order’s columns repeated (number, supplier, status, dates, currency, notes, then line, item, colour, size, unit, quantity, received, unit price, tax %, discount %, net, tax, total); amounts and quantities are the exact decimals held; a text cell starting with =, +, - or @ is prefixed with an apostrophe so that a spreadsheet does not run it; UTF-8 with a BOM, streamed',
    'goods-receipts':
      'Every goods receipt as one CSV download, a row per line with the receipt’s columns repeated (number, supplier, order, bill number, day received, the receipt it reverses, notes, tax %, discount, totals, then line, item, colour, size, unit, quantity, unit cost, amount, over-receipt reason, the line’s charges and landed unit cost); a reversal has negative quantities; exact decimals, guarded text cells, UTF-8 with a BOM, streamed',
    'receipt-charges':
      'Every charge on a receipt (freight, duty, other) as one CSV download, a row per charge and line (receipt, supplier, day received, kind, description, spread, added later, bill number, day charged, the charge, then line, item, colour, size, quantity, unit cost, the line’s share, its landed unit cost); a reversal’s charges are negative; exact decimals, guarded text cells, UTF-8 with a BOM, streamed',
  } as const;
  for (const name of PURCHASING_EXPORT_NAMES) {
    app.get(
      `/api/exports/${name}.csv`,
      {
        config: { permission: 'purchasing.read' },
        schema: {
          operationId: purchasingOperationIds[name],
          tags: ['purchasing'],
          summary: purchasingSummaries[name],
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'CSV' }), ...errors() },
        },
      },
      async (_request, reply) => sendCsv(reply, name, purchasingExportCsv(db, name)),
    );
  }
};

/** A CSV download: streamed as it is (the schema documents it; no serialiser touches it). */
function sendCsv(reply: FastifyReply, name: string, csv: AsyncGenerator<string>) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(Readable.from(csv) as unknown as string);
}
