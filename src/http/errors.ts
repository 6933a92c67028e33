import type { FastifyError, FastifyInstance } from 'fastify';
import { MtcError } from '../errors.ts';
import { FORMAT_WORDS } from './formats.ts';
import { formatBytes } from './body-limits.ts';
import { isFirstErrorOnly } from './validation.ts';

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
      const { fields, more } = validationFields(err as FastifyError);
      const rest = isFirstErrorOnly(err.validation)
        ? ' (the first error found: a body this large is not searched for more)'
        : more > 0
          ? `; and ${more} more errors about other fields`
          : '';
      return send(400, 'INVALID_INPUT', `invalid input: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}${rest}`, {
        fields,
        ...(more > 0 ? { moreErrors: more } : {}),
      });
    }
    if (err instanceof HttpError) return send(err.status, err.code, err.message, err.details);
    if (err instanceof MtcError) return send(err.category === 'usage' ? 400 : (STATE_STATUS[err.code] ?? 409), err.code, err.message, { ...err.details });
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

/**
 * Each invalid field once, with its path (`body/role`) and what is wrong, for the first
 * MAX_FIELDS_LISTED fields; the errors about further fields are only counted (a body of a
 * hundred thousand wrong values costs a count, not a hundred thousand messages). A field that
 * may be one of several things (a union) reads as the alternatives it missed joined by "or"
 * ("must match pattern … or must be null"), and a choice among constants as "must be one of: a, b, c".
 */
function validationFields(err: FastifyError): { fields: { path: string; message: string }[]; more: number } {
  const byPath = new Map<string, { choices: unknown[]; messages: string[]; union: boolean }>();
  let more = 0;
  for (const v of err.validation ?? []) {
    const params = (v.params ?? {}) as Record<string, unknown>;
    const extra =
      'missingProperty' in params ? `/${String(params.missingProperty)}` : 'additionalProperty' in params ? `/${String(params.additionalProperty)}` : '';
    const path = `${err.validationContext ?? 'body'}${v.instancePath || ''}${extra}`;
    let field = byPath.get(path);
    if (!field) {
      if (byPath.size >= MAX_FIELDS_LISTED) {
        more += 1;
        continue;
      }
      field = { choices: [], messages: [], union: false };
      byPath.set(path, field);
    }
    const format =
      v.keyword === 'format' && typeof params.format === 'string' && Object.hasOwn(FORMAT_WORDS, params.format) ? FORMAT_WORDS[params.format] : undefined;
    if (v.keyword === 'const') field.choices.push(params.allowedValue);
    else if (format !== undefined) field.messages.push(format);
    else if (v.keyword === 'anyOf') field.union = true;
    else if (!field.messages.includes(v.message ?? 'is not valid')) field.messages.push(v.message ?? 'is not valid');
  }
  const fields = [...byPath].map(([path, f]) => {
    const choice = f.choices.length > 0 ? [`must be one of: ${f.choices.map(String).join(', ')}`] : [];
    const parts = [...choice, ...f.messages];
    return { path, message: parts.length === 0 ? 'is not valid' : parts.join(f.union ? ' or ' : '; ') };
  });
  return { fields, more };
}
