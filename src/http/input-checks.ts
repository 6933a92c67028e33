// Checks on every request's input that no route schema can express: text a column cannot
// store (before validation), and numbers that are not numbers at all (after the schema's
// coercion has made them).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/** NUL (PostgreSQL text cannot hold it) or half of a surrogate pair (not Unicode at all). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first value in `value` (keys included) that `bad` picks, or null. Walked with
 * a stack of its own, not by recursion: the JSON parser bounds a body's depth, and this must not
 * be the place where a deep one overflows the call stack anyway.
 */
function findValue(root: unknown, rootPath: string, bad: (v: unknown) => boolean): string | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (bad(value)) return path;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push([v, `${path}/${k}`], [k, `${path}/${k}`]);
      }
    }
  }
  return null;
}

const PARTS = (request: FastifyRequest) => [['querystring', request.query], ['params', request.params], ['body', request.body]] as const;

const unstorable = (v: unknown) => typeof v === 'string' && UNSTORABLE.test(v);
const notFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);

/**
 * Refuses, as 400 INVALID_INPUT naming the field's path:
 * - before validation, input that no text column can store: a NUL character or a lone
 *   surrogate anywhere in the query, params or body, instead of a database error later;
 * - after validation, a number that is infinite or not a number: "Infinity" or "1e999" for an
 *   integer parameter, which the schema's type coercion turns into Infinity and lets through
 *   where the schema has a default (a quirk of Ajv's), and the database would refuse with a 500.
 */
export function installInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of PARTS(request)) {
      const path = findValue(value, part, unstorable);
      if (path) {
        throw new HttpError(400, 'INVALID_INPUT', `invalid input: ${path} holds a character that cannot be stored (NUL, or half of a surrogate pair)`, {
          fields: [{ path, message: 'holds a character that cannot be stored' }],
        });
      }
    }
  });
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of PARTS(request)) {
      const path = findValue(value, part, notFinite);
      if (path) throw new HttpError(400, 'INVALID_INPUT', `invalid input: ${path} must be a finite number`, { fields: [{ path, message: 'must be a finite number' }] });
    }
  });
}
