// Checks on every request's input that no route schema can express: text a column cannot
// store, and numbers that are not numbers at all (which the schema's coercion can make).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidInput } from './errors.ts';
import { fieldName } from './validation-words.ts';

/** NUL (PostgreSQL text cannot hold it) or half of a surrogate pair (not Unicode at all). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any body the JSON parser lets through (MAX_JSON_DEPTH): a walk stops there. */
const MAX_WALK_DEPTH = 256;

/**
 * The path of the first value in `value` (keys included) that `bad` picks, or null. A path is
 * made only for what is found: a walk over a megabyte of values allocates nothing per value.
 */
function findValue(value: unknown, bad: (v: unknown) => boolean, depth = 0): string[] | null {
  if (bad(value)) return [];
  if (depth > MAX_WALK_DEPTH || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findValue(value[i], bad, depth + 1);
      if (found) return [String(i), ...found];
    }
    return null;
  }
  for (const k of Object.keys(value)) {
    if (bad(k)) return [k];
    const found = findValue((value as Record<string, unknown>)[k], bad, depth + 1);
    if (found) return [k, ...found];
  }
  return null;
}

const PARTS = (request: FastifyRequest) =>
  [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ] as const;

/** The first bad value in the request's query, params or body: its part and its field (`steps[2].name`). */
function findInRequest(request: FastifyRequest, bad: (v: unknown) => boolean): { part: string; field: string } | null {
  for (const [part, value] of PARTS(request)) {
    const found = findValue(value, bad);
    if (found) return { part, field: fieldName(part, found.map((s) => `/${s}`).join('')) };
  }
  return null;
}

const unstorable = (v: unknown) => typeof v === 'string' && UNSTORABLE.test(v);
const notFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);

/**
 * Refuses, after validation, as 400 INVALID_INPUT naming the field's path:
 * - input that no text column can store: a NUL character or a lone surrogate anywhere in the
 *   query, params or body, instead of a database error later;
 * - a number that is infinite or not a number: "Infinity" or "1e999" for an integer parameter,
 *   which the schema's type coercion turns into Infinity and lets through where the schema has
 *   a default (a quirk of Ajv's), and the database would refuse with a 500.
 * After validation, so that what is walked is what the schema allowed (its lengths and counts),
 * never a megabyte of whatever a caller sent.
 */
export function installInputChecks(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const text = findInRequest(request, unstorable);
    if (text) {
      throw invalidInput(text.part, [
        { field: text.field, message: 'holds a character that cannot be stored (NUL, or half of a surrogate pair): take it out' },
      ]);
    }
    const number = findInRequest(request, notFinite);
    if (number) throw invalidInput(number.part, [{ field: number.field, message: 'write a finite number, such as 12 (not Infinity)' }]);
  });
}
