import { Type } from '@sinclair/typebox';
import type { TNull, TSchema, TString, TUnion } from '@sinclair/typebox';
import type { Role } from '../app/access/roles.ts';

/** The error body every failing route answers with. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) }),
  },
  { $id: 'Error' },
);

/** The error responses of a route that needs a caller: 400, 401, 403 (and 404/409 when asked). */
export function errors(...more: (404 | 409)[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
  for (const s of more) out[s] = ErrorSchema;
  return out;
}

/** One of ROLES (spelled out: a union built from the array loses its literal types). */
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('planner'), Type.Literal('operator'), Type.Literal('viewer')]) satisfies {
  static: Role;
};

export const UserSchema = Type.Object({
  userId: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  hasPassword: Type.Boolean(),
  deactivatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

/** A name a person typed: trimmed of nothing, but never empty and never huge. */
export const Name = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const Password = Type.String({ minLength: 10, maxLength: 200 });

export const Email = Type.String({ minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+$' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
};

/**
 * A string or null, typed as the union it is but validated as one schema (`nullable`): under the
 * server's type coercion the null branch of a union turns "" into null, so an empty (invalid) phone
 * or end date would silently clear the field. Here "" is judged as the string it is.
 */
export const Nullable = <T extends TString>(t: T) => ({ ...t, nullable: true }) as unknown as TUnion<[T, TNull]>;

/** A moment, ISO-8601 in UTC. */
export const Stamp = Type.String({ format: 'date-time' });
/** A calendar day. */
export const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
/** A sum of money ≥ 0 as a decimal string with at most two decimals (numeric(12,2)); never a binary float. */
export const Money = Type.String({ pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: 'decimal string ≥ 0, at most 2 decimals, e.g. "12.50"' });
