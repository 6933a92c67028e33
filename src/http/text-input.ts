import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

/** NUL (PostgreSQL text cannot hold it) or half of a surrogate pair (not Unicode at all). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string in `value` that text cannot store, or null. */
function findUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findUnstorable(v, `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findUnstorable(k, `${path}/${k}`) ?? findUnstorable(v, `${path}/${k}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Refuses, before validation, input that no text column can store: a NUL character or a
 * lone surrogate anywhere in the query, params or body is 400 INVALID_INPUT naming its
 * path, instead of a database error later.
 */
export function installTextInputCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['querystring', request.query], ['params', request.params], ['body', request.body]] as const) {
      const path = findUnstorable(value, part);
      if (path) {
        throw new HttpError(400, 'INVALID_INPUT', `invalid input: ${path} holds a character that cannot be stored (NUL, or half of a surrogate pair)`, {
          fields: [{ path, message: 'holds a character that cannot be stored' }],
        });
      }
    }
  });
}
