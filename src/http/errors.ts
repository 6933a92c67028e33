import type { FastifyError, FastifyInstance } from 'fastify';
import { MtcError } from '../errors.ts';
import { formatBytes } from './body-limits.ts';
import { isFirstErrorOnly } from './validation.ts';
import { describeProblems, fieldName, problemsMessage } from './validation-words.ts';
import type { AjvProblem, FieldProblem } from './validation-words.ts';

/** An error a route raises on purpose: its status, a stable code and a message a caller can act on. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.name = 'HttpError';
  }
}

/** The one shape of every error the API answers: `{error: {code, message, details}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const STATE_STATUS: Record<string, number> = { NOT_FOUND: 404 };

/** The invalid fields one answer lists at most (the errors about others are counted). */
export const MAX_FIELDS_LISTED = 20;

/** The answer to a path that names no route: the same for every method, before any body is read. */
export function notFoundBody(method: string, url: string): ErrorBody {
  return { error: { code: 'NOT_FOUND', message: `no route ${method} ${url.split('?')[0]}`, details: {} } };
}

/**
 * Installs the error handler: validation failures are 400 `INVALID_INPUT` with each field's
 * path; HttpErrors keep their status; MTC's own errors are 400 (usage) or 409 (state);
 * anything else is 500 with a generic message (logged with the request id, never sent: no
 * database text reaches a client).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | MtcError | Error, request, reply) => {
    const send = (status: number, code: string, message: string, details: Record<string, unknown> = {}) =>
      reply.status(status).send({ error: { code, message, details } } satisfies ErrorBody);
    if ('validation' in err && Array.isArray(err.validation)) {
      // A body of a million wrong values is one error listing the first few, not a megabyte of them.
      const { fields, more } = describeProblems((err as FastifyError).validationContext ?? 'body', err.validation as AjvProblem[], MAX_FIELDS_LISTED);
      return send(400, 'INVALID_INPUT', problemsMessage(fields, more, isFirstErrorOnly(err.validation)), {
        fields,
        ...(more > 0 ? { moreErrors: more } : {}),
      });
    }
    if (err instanceof HttpError) return send(err.status, err.code, err.message, withFieldNames(err.details));
    if (err instanceof MtcError)
      return send(err.category === 'usage' ? 400 : (STATE_STATUS[err.code] ?? 409), err.code, err.message, withFieldNames({ ...err.details }));
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const fastifyCode = (err as FastifyError).code;
      if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        const what =
          fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'it is empty (send {} for no fields, or no Content-Type)' : 'check its quotes, commas and brackets';
        return send(400, 'INVALID_JSON', `the body is not valid JSON: ${what}`);
      }
      const code = status === 429 ? 'RATE_LIMITED' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
      const message =
        status === 429
          ? 'too many requests: wait a minute and try again'
          : status === 413
            ? `the request body is larger than this route reads: ${formatBytes(request.routeOptions.bodyLimit)} of JSON; a file to import goes to POST /api/imports`
            : err.message;
      return send(status, code, message, status === 413 ? { limitBytes: request.routeOptions.bodyLimit } : {});
    }
    request.log.error({ err }, 'request failed');
    return send(500, 'INTERNAL', `internal error; the server log has it under request id ${request.id}`);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(notFoundBody(request.method, request.url));
  });
}

const PARTS = new Set(['body', 'querystring', 'params']);

/**
 * Details whose `fields` (a module's `{path, message}`) each also carry the field's name as a
 * person reads it (`lines[2].quantity`) and the request part it is in, as a schema's failure
 * does: the web app shows each field's sentence beside its input by that name.
 */
function withFieldNames(details: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(details.fields)) return details;
  const fields = details.fields.map((f: { path?: unknown; field?: unknown }) => {
    if (typeof f !== 'object' || f === null || typeof f.path !== 'string' || typeof f.field === 'string') return f;
    const [first = '', ...rest] = f.path.split('/');
    const part = PARTS.has(first) ? first : 'body';
    const inPart = PARTS.has(first) ? rest : [first, ...rest];
    return { ...f, field: fieldName(part, inPart.map((s) => `/${s}`).join('')), in: part };
  });
  return { ...details, fields };
}

/**
 * The 400 INVALID_INPUT of a check no schema can make (a route's or an input check's), in the
 * shape a schema's failure has: each field named, with a sentence saying what to write instead.
 */
export function invalidInput(part: string, problems: readonly { field: string; message: string }[]): HttpError {
  const fields: FieldProblem[] = problems.map((p) => ({
    field: p.field,
    path: `${part}/${p.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`,
    message: p.message,
    in: part,
    rules: [],
  }));
  return new HttpError(400, 'INVALID_INPUT', problemsMessage(fields), { fields });
}

/**
 * A module's refusal of input (`details.fields` with paths relative to `part`: `lines/0/quantity`)
 * as the API answers input problems: 400 with the module's code and details, each field named
 * (`lines[0].quantity`) with its `part/…` path, and a message of each field's name and sentence.
 */
export function refusedInPart(part: string, code: string, details: Record<string, unknown>, problems: readonly { path: string; message: string }[]): HttpError {
  const fields = problems.map((p) => {
    const inPart = p.path === part ? '' : p.path.replace(new RegExp(`^${part}/`), '');
    return { path: inPart === '' ? part : `${part}/${inPart}`, field: fieldName(part, inPart === '' ? '' : `/${inPart}`), message: p.message, in: part };
  });
  return new HttpError(400, code, problemsMessage(fields), { ...details, fields });
}
