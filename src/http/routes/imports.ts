import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { omittableBody } from '../optional-body.ts';
import type { Database } from '../../db/types.ts';
import { createImportJob } from '../../app/imports/engine.ts';
import { previewImport } from '../../app/imports/preview.ts';
import { WhatIfSchema } from './costing.ts';
import { errorsCsv } from '../../app/imports/errors-csv.ts';
import { describeImportKinds } from '../../app/imports/kinds/index.ts';
import { getImportJob, listImportErrors, listImportJobs } from '../../app/imports/jobs.ts';
import type { ImportJob } from '../../app/imports/jobs.ts';
import { jobView, moveImportJob } from '../../app/imports/moves.ts';
import { offeredMoves } from '../../app/rules/machine.ts';
import { IMPORT_MACHINE, IMPORT_STATUSES, describeImportStatuses } from '../../app/imports/status.ts';
import type { ImportStatus } from '../../app/imports/status.ts';
import { actorOf, callerOf } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { ActionsSchema, IdParams, Literals, Page, Stamp, errors, moveOperationId } from '../schemas.ts';

/** The largest file the API takes (the command line has no limit). */
export const UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;

/** The content types a file may be sent as; the format itself is read from the bytes. */
const UPLOAD_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/octet-stream',
  'application/vnd.ms-excel', // what Windows browsers call a .csv file
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/**
 * The request body of an upload: the request stream itself, not read by the parser. A class
 * with a private field, so the hooks that walk a parsed body (input-checks.ts) see nothing in it.
 */
class UploadBody {
  readonly #stream: AsyncIterable<Buffer>;
  constructor(stream: AsyncIterable<Buffer>) {
    this.#stream = stream;
  }
  /** The body's bytes; HttpError 413 once more than `limit` have come. */
  async *bytes(limit: number): AsyncGenerator<Buffer> {
    let size = 0;
    for await (const chunk of this.#stream) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      yield chunk;
    }
  }
}

/**
 * Runs `fn` with the bytes, written to a temporary file first and read back from it (the file
 * removed afterwards). For PGlite: storing a job holds its one session, and a slow upload must
 * not hold it, so the upload has arrived whole before the job is stored.
 */
async function withSpooled<T>(bytes: AsyncIterable<Buffer>, fn: (stream: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `mtc-upload-${randomUUID()}`);
  try {
    await pipeline(Readable.from(bytes), createWriteStream(path, { mode: 0o600 }));
    return await fn(createReadStream(path, { highWaterMark: 1 << 20 }));
  } finally {
    await rm(path, { force: true });
  }
}

const tooLarge = (limit: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `the file is larger than ${limit / 1024 / 1024} MB: import it with mtc import FILE on the server, or split it`, {
    limitBytes: limit,
  });

const Status = Literals(IMPORT_STATUSES) satisfies { static: ImportStatus };
const Count = Type.Integer({ minimum: 0 });

const ImportJobSchema = Type.Object({
  id: Type.Integer(),
  importId: Type.String({ format: 'uuid' }),
  kind: Type.String(),
  status: Status,
  message: Type.Union([Type.String(), Type.Null()], { description: 'why it failed, how many rows were rejected, or why it was cancelled' }),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  fileName: Type.Union([Type.String(), Type.Null()]),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Null()]),
  sizeBytes: Type.Union([Count, Type.Null()]),
  awaitingStart: Type.Boolean({ description: 'uploaded without start=true: nothing runs until POST /api/imports/{id}/start' }),
  totalRows: Type.Integer({ description: 'data rows in the file (the header not counted), once counted; 0 before' }),
  processedRows: Type.Integer({ description: 'rows read and committed so far, accepted or rejected: where a resumed job goes on from' }),
  successCount: Count,
  failureCount: Count,
  worker: Type.Union([Type.String(), Type.Null()], { description: 'the server process running it, or that ran it last (host:pid:tag)' }),
  createdAt: Stamp,
  updatedAt: Stamp,
  startedAt: Type.Union([Stamp, Type.Null()]),
  finishedAt: Type.Union([Stamp, Type.Null()]),
  rowsPerSecond: Type.Union([Type.Number(), Type.Null()], { description: 'rows processed per second, from the first start to the last committed batch' }),
  etaSeconds: Type.Union([Type.Integer(), Type.Null()], { description: 'seconds left at that rate, while it runs' }),
  statusLabel: Type.String({ description: 'the status as a person reads it (“Waiting for a start” for a job awaiting its start)' }),
  ended: Type.Boolean({ description: 'the status is final: nothing more will happen to the job' }),
  actions: ActionsSchema,
});

const RowErrorSchema = Type.Object({
  rowNumber: Type.Integer({ description: 'the line (CSV) or worksheet row the row starts on; the header is row 1' }),
  field: Type.Union([Type.String(), Type.Null()], { description: 'the column at fault, or null for the row as a whole' }),
  message: Type.String(),
  rawRow: Type.Union([Type.String(), Type.Null()], { description: 'the row as it was read (cut at 4,000 characters)' }),
});

const FieldErrorSchema = Type.Object({
  field: Type.Union([Type.String(), Type.Null()], { description: 'the column at fault, or null for the row as a whole' }),
  message: Type.String(),
});
const PreviewSchema = Type.Object({
  kind: Type.String(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
  encoding: Type.Union([Type.String(), Type.Null()], { description: 'CSV: the encoding read with (declared or detected)' }),
  delimiter: Type.Union([Type.String(), Type.Null()], { description: 'CSV: the delimiter read with (declared or sniffed)' }),
  columns: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      header: Type.Union([Type.String(), Type.Null()], { description: 'the file’s header cell matched to the column, or null when the file has none' }),
      required: Type.Boolean(),
    }),
  ),
  ignoredColumns: Type.Array(Type.String(), { description: 'header cells no column reads' }),
  rows: Type.Array(
    Type.Object({
      rowNumber: Type.Integer(),
      values: Type.Record(Type.String(), Type.String()),
      errors: Type.Array(FieldErrorSchema),
      outcome: Type.Union([Type.String(), Type.Null()], { description: 'what importing the row would do; null when it would be rejected' }),
    }),
  ),
  problem: Type.Union([Type.String(), Type.Null()], { description: 'why the file cannot be imported at all (a missing column, an unreadable file), or null' }),
  margins: Type.Union(
    [
      Type.Composite([
        WhatIfSchema,
        Type.Object({
          rowsRead: Type.Integer({ description: 'the rows of the file written to find the margins (up to one batch of 2,000)' }),
          wholeFile: Type.Boolean({ description: 'false when the file has more rows than were read' }),
        }),
      ]),
      Type.Null(),
    ],
    { description: 'for a rates file: what importing it would do to every margin (as POST /api/rates/what-if answers); null for other kinds' },
  ),
});

/** The job as the caller sees it: with the moves their role may make on it now. */
const view = (request: FastifyRequest, job: ImportJob) => jobView(job, callerOf(request).user.role);

/** The body of a move that takes a reason (optional unless the move needs one). */
const reasonBody = (required: boolean) => {
  const reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'why; kept in the job’s message' });
  return Type.Object({ reason: required ? reason : Type.Optional(reason) }, { additionalProperties: false });
};

const notFound = (id: number) => new HttpError(404, 'NOT_FOUND', `no import job ${id}`, { jobId: id });

/** An import job's own 404 (IMPORT_NOT_FOUND from the module) as the API's NOT_FOUND. */
async function found<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { code?: unknown; details?: { jobId?: unknown } };
    if (e.code === 'IMPORT_NOT_FOUND') throw notFound(Number(e.details?.jobId));
    throw err;
  }
}

/** The charset of a Content-Type, when it names one: what the sender says the file is in. */
function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

/**
 * Import jobs over HTTP: upload a file (the raw bytes as the body) as a job that waits for a
 * start (to be previewed first) or starts at once, preview it, start it, follow its progress,
 * read its rejected rows (JSON pages or one CSV download) and cancel it. Jobs run in the
 * background on whichever `mtc serve` sharing the database takes them (src/app/imports/worker.ts).
 * Reading needs imports.read; uploading, previewing, starting and cancelling imports.run.
 * The moves (start, cancel) are one route each, generated from the job's state machine
 * (src/app/imports/status.ts); every job returned carries the moves its caller may make.
 * The app layer records the audit events of uploads and moves.
 */
export const importRoutes: FastifyPluginAsyncTypebox<{ db: Database; queued: () => void }> = async (app, { db, queued }) => {
  const read = { permission: 'imports.read' } as const;
  const runs = { permission: 'imports.run' } as const;

  // Within this plugin only: a file body is handed over as its stream, read as it is stored.
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, new UploadBody(payload)));

  app.post(
    '/api/imports',
    {
      config: runs,
      schema: {
        operationId: 'uploadImport',
        tags: ['imports'],
        summary:
          'Upload a file to import: the raw bytes of a CSV or XLSX file as the body (Content-Type text/csv, application/octet-stream or the XLSX type; at most 200 MB). The job waits for POST …/start unless start=true; the encoding (UTF-8, with or without BOM, or Windows-1252) and the delimiter are detected unless given',
        querystring: Type.Object(
          {
            kind: Type.String({ minLength: 1, maxLength: 50, description: 'what the rows are: items (items and variants), suppliers or supplier-rates' }),
            fileName: Type.String({
              minLength: 1,
              maxLength: 255,
              pattern: '\\S',
              description: 'the file’s name, kept with the job (an .xlsx name does not decide the format: the bytes do)',
            }),
            start: Type.Boolean({ default: false, description: 'run at once instead of waiting for POST …/start' }),
            encoding: Type.Optional(
              Type.String({ maxLength: 40, description: 'e.g. utf-8 or windows-1252; default: the Content-Type charset, else detected' }),
            ),
            delimiter: Type.Optional(Type.String({ maxLength: 10, description: 'one character, or comma, semicolon, tab, pipe; default: sniffed' })),
            sheet: Type.Optional(Type.String({ maxLength: 100, description: 'XLSX: the worksheet to read (default the first)' })),
          },
          { additionalProperties: false },
        ),
        // Documents the body for each file type; any value passes (the parser hands over the stream).
        body: { content: Object.fromEntries(UPLOAD_TYPES.map((t) => [t, { schema: { description: 'the file’s bytes: CSV or XLSX' } }])) },
        response: { 201: ImportJobSchema, ...errors(), 413: errors()[400]!, 415: errors()[400]! },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      if (!(body instanceof UploadBody)) {
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `send the file's bytes as the body, with Content-Type ${UPLOAD_TYPES.slice(0, 2).join(' or ')} or the XLSX type`,
          { accepted: UPLOAD_TYPES },
        );
      }
      const declaredLength = Number(request.headers['content-length']);
      if (Number.isFinite(declaredLength) && declaredLength > UPLOAD_LIMIT_BYTES) throw tooLarge(UPLOAD_LIMIT_BYTES);
      const { kind, fileName, start, encoding, delimiter, sheet } = request.query;
      const charset = encoding ?? charsetOf(request.headers['content-type']);
      const store = (stream: AsyncIterable<Buffer>) =>
        createImportJob(
          db,
          {
            kind,
            fileName,
            stream,
            options: { ...(charset ? { encoding: charset } : {}), ...(delimiter ? { delimiter } : {}), ...(sheet ? { sheet } : {}) },
            awaitingStart: !start,
          },
          actorOf(request),
        );
      const bytes = body.bytes(UPLOAD_LIMIT_BYTES);
      const { jobId, job } = await (db.concurrent ? store(bytes) : withSpooled(bytes, store));
      if (start) queued();
      return reply.status(201).header('location', `/api/imports/${jobId}`).send(view(request, job));
    },
  );

  app.get(
    '/api/imports/kinds',
    {
      config: read,
      schema: {
        operationId: 'listImportKinds',
        tags: ['imports'],
        summary: 'The kinds of import, each with what it is called, what a row makes, and the columns a file must and may have',
        response: {
          200: Type.Object({
            kinds: Type.Array(
              Type.Object({
                name: Type.String({ description: 'the API name of the kind (POST /api/imports?kind=…)' }),
                label: Type.String(),
                about: Type.String(),
                listPath: Type.String({ description: "the web app's page where the imported rows can be seen" }),
                required: Type.Array(Type.String()),
                optional: Type.Array(Type.String()),
              }),
            ),
          }),
          ...errors(),
        },
      },
    },
    async () => ({ kinds: describeImportKinds() }),
  );

  app.get(
    '/api/imports/statuses',
    {
      config: read,
      schema: {
        operationId: 'listImportStatuses',
        tags: ['imports'],
        summary: 'The statuses an import job can be in, in order, each with what a person reads and whether it is final',
        response: {
          200: Type.Object({
            statuses: Type.Array(Type.Object({ name: Status, label: Type.String(), final: Type.Boolean({ description: 'a job never leaves it' }) })),
          }),
          ...errors(),
        },
      },
    },
    async () => ({ statuses: describeImportStatuses() }),
  );

  app.get(
    '/api/imports',
    {
      config: read,
      schema: {
        operationId: 'listImports',
        tags: ['imports'],
        summary:
          'Import jobs, newest first, by status, kind, who uploaded them and q (a part of the file’s name or the job’s message, any case), a page at a time',
        querystring: Type.Object(
          {
            status: Type.Optional(Status),
            kind: Type.Optional(Type.String({ maxLength: 50 })),
            userId: Type.Optional(IdParams.properties.id),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), jobs: Type.Array(ImportJobSchema) }), ...errors() },
      },
    },
    async (request) => {
      const { total, jobs } = await listImportJobs(db, request.query);
      return { total, jobs: jobs.map((job) => view(request, job)) };
    },
  );

  app.get(
    '/api/imports/:id',
    {
      config: read,
      schema: {
        operationId: 'getImport',
        tags: ['imports'],
        summary: 'One job’s progress: status, counters (updated at least every second while it runs), rows per second and the time left',
        params: IdParams,
        response: { 200: ImportJobSchema, ...errors(404) },
      },
    },
    async (request) => {
      const job = await getImportJob(db, request.params.id);
      if (!job) throw notFound(request.params.id);
      return view(request, job);
    },
  );

  app.get(
    '/api/imports/:id/preview',
    {
      config: runs,
      schema: {
        operationId: 'previewImport',
        tags: ['imports'],
        summary: 'The first rows of the job’s file as they would be imported, each with its errors; nothing is written',
        params: IdParams,
        querystring: Type.Object({ rows: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }, { additionalProperties: false }),
        response: { 200: PreviewSchema, ...errors(404) },
      },
    },
    async (request) => found(() => previewImport(db, request.params.id, { rows: request.query.rows })),
  );

  // One route per move a person makes, from the table: its permission, its summary, a reason
  // body when it takes one (optional unless it needs one).
  for (const [action, move] of offeredMoves(IMPORT_MACHINE)) {
    const takesReason = move.needsReason || move.takesReason;
    app.post(
      `/api/imports/:id/${action}`,
      {
        config: { permission: move.permission },
        schema: {
          operationId: moveOperationId(action, 'Import'),
          tags: ['imports'],
          summary: move.summary,
          params: IdParams,
          ...(takesReason ? { body: reasonBody(move.needsReason) } : {}),
          response: { 200: ImportJobSchema, ...errors(404, 409) },
        },
        // A reason that is optional may come with no body at all.
        ...(takesReason && !move.needsReason ? { preValidation: omittableBody } : {}),
      },
      async (request) => {
        const reason = (request.body as { reason?: string } | undefined)?.reason;
        const job = await found(() => moveImportJob(db, request.params.id, action, actorOf(request), { reason }));
        queued();
        return view(request, job);
      },
    );
  }

  app.get(
    '/api/imports/:id/errors',
    {
      config: read,
      schema: {
        operationId: 'listImportErrors',
        tags: ['imports'],
        summary:
          'The job’s rejected rows in row order, one entry per problem (a row may have several), a page at a time; q keeps those whose field, message or row as read holds it (any case)',
        params: IdParams,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), ...Page }, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), errors: Type.Array(RowErrorSchema) }), ...errors(404) },
      },
    },
    async (request) => found(() => listImportErrors(db, request.params.id, request.query)),
  );

  app.get(
    '/api/imports/:id/errors.csv',
    {
      config: read,
      schema: {
        operationId: 'downloadImportErrors',
        tags: ['imports'],
        summary:
          'All of the job’s rejected rows as one CSV download (UTF-8 with a BOM: row, field, message, raw row); a cell starting with =, +, - or @ is prefixed with an apostrophe so that a spreadsheet does not run it',
        params: IdParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const job = await getImportJob(db, request.params.id);
      if (!job) throw notFound(request.params.id);
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="import-${job.id}-errors.csv"`)
          // A stream goes out as it is (the schema documents it; no serialiser touches it).
          .send(Readable.from(errorsCsv(db, job.id)) as unknown as string)
      );
    },
  );
};
