// How the API checks a request against its route's schema: quickly, and in full only when that
// is cheap.
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { holdDatesToStorableYears } from './formats.ts';

/**
 * What every validator does besides checking: numbers and booleans from query strings, defaults
 * filled in; and its errors carry the schema they broke (`verbose`), so that the error handler
 * can word them (validation-words.ts: a number's both bounds, the fields an object takes).
 */
const OPTIONS = { removeAdditional: false, coerceTypes: true, useDefaults: true, verbose: true } as const;

/**
 * Values (arrays, objects, strings, numbers…) an input may hold and still have every error
 * listed. Listing every error costs work for every wrong value (a hundred thousand wrong steps
 * are a hundred thousand errors); beyond this, an answer names the first error found.
 */
export const MAX_VALUES_LISTED_IN_FULL = 10_000;

/** The errors of a validation that stopped at the first one, marked so the error handler can say so. */
const FIRST_ONLY = Symbol('mtc.validation.firstOnly');

/** True when a validation's errors are only the first one found (the input was too large to list them all). */
export function isFirstErrorOnly(errors: unknown): boolean {
  return typeof errors === 'object' && errors !== null && FIRST_ONLY in errors;
}

/** True when `data` holds at most `max` values, itself included; it stops counting there. */
function holdsAtMost(data: unknown, max: number): boolean {
  const stack: unknown[] = [data];
  let seen = 1;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    seen += children.length;
    if (seen > max) return false;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return true;
}

type Validator = ReturnType<FastifySchemaCompiler<FastifySchema>> & ((data: unknown) => boolean);

/**
 * Validates each request in two passes: first stopping at the first error (Ajv without
 * allErrors, so a body of a hundred thousand wrong values costs one error), then, only for an
 * input that failed and is small (MAX_VALUES_LISTED_IN_FULL), again listing every error, so that a
 * person sees every field to fix at once. Both passes coerce and fill defaults the same way.
 */
export function installTwoPassValidation(app: FastifyInstance): void {
  const factory = AjvCompiler();
  const firstError = factory({}, { customOptions: { ...OPTIONS, allErrors: false }, onCreate: holdDatesToStorableYears });
  const everyError = factory({}, { customOptions: { ...OPTIONS, allErrors: true }, onCreate: holdDatesToStorableYears });
  app.setValidatorCompiler((route) => {
    const definition = { schema: route.schema, method: route.method, url: route.url, httpPart: route.httpPart ?? 'body' };
    // Compiled when a request first needs it: a server starts without compiling every route's
    // schemas (seconds), and a route no one calls costs nothing.
    let quick: Validator | undefined;
    let full: Validator | undefined;
    const validate: Validator = (data) => {
      quick ??= firstError(definition) as unknown as Validator;
      if (quick(data)) return true;
      if (holdsAtMost(data, MAX_VALUES_LISTED_IN_FULL)) {
        full ??= everyError(definition) as unknown as Validator;
        full(data);
        validate.errors = full.errors ?? quick.errors ?? null;
      } else {
        validate.errors = Object.assign([...(quick.errors ?? [])], { [FIRST_ONLY]: true });
      }
      return false;
    };
    return validate;
  });
}
