import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../db/types.ts';
import { exportCsv } from '../../app/imports/export.ts';
import { kindName } from '../../app/imports/kinds/index.ts';
import { errors } from '../schemas.ts';

/**
 * Exports (imports.read): the rows of a kind of import as a CSV download in that import's own
 * columns, which POST /api/imports reads back as it is (the same file `mtc export` writes).
 */
export const exportRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/api/exports/:kind.csv',
    {
      config: { permission: 'imports.read' },
      schema: {
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
      const csv = exportCsv(db, kind);
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${kind}.csv"`)
          // A stream goes out as it is (the schema documents it; no serialiser touches it).
          .send(Readable.from(csv) as unknown as string)
      );
    },
  );
};
