import { Type } from '@sinclair/typebox';
import type { TLiteral, TNull, TSchema, TString, TUnion } from '@sinclair/typebox';
import { PERMISSIONS, ROLES } from '../app/access/roles.ts';
import type { Permission, Role } from '../app/access/roles.ts';
import { COUNT_CAP } from '../app/paging.ts';

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

/**
 * The operationId of a state machine's move route (`close_short` of a purchase order:
 * `closeShortPurchaseOrder`): from the move's name in the machine's table, never from the path.
 */
export const moveOperationId = (action: string, entity: string): string => `${action.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}${entity}`;

/** A tuple of literal schemas, one per value (the union keeps each literal type). */
type LiteralsOf<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> } extends infer U extends TSchema[] ? U : never;

/** A union of string literals from a list declared once (statuses, roles): the schema never copies the list. */
export const Literals = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<LiteralsOf<T>>;

/** One of ROLES. */
export const RoleSchema = Literals(ROLES) satisfies { static: Role };

/** A permission name of the table in src/app/access/roles.ts. */
export const PermissionSchema = Type.Unsafe<Permission>({ type: 'string', enum: Object.keys(PERMISSIONS) });

/** What the caller may do next to an entity, from its state machine (src/app/rules/machine.ts): the web app offers exactly these. */
export const ActionsSchema = Type.Array(
  Type.Object({
    action: Type.String({ description: 'the move, also the last part of its route (POST …/:id/{action})' }),
    label: Type.String({ description: 'what a person reads on the button' }),
    to: Type.String({ description: 'the status the move leads to' }),
    needsReason: Type.Boolean({ description: 'the move’s body must carry a reason' }),
    confirm: Type.Union([Type.String(), Type.Null()], { description: 'a sentence to confirm before a move that cannot be undone' }),
  }),
  { description: 'the moves the caller may make now, given the status and the caller’s role' },
);

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

/** A list's total counted up to COUNT_CAP (src/app/paging.ts), and whether it stopped there. */
export const CappedTotal = {
  total: Type.Integer({ description: `how many match, counted up to ${COUNT_CAP.toLocaleString('en')}` }),
  totalCapped: Type.Boolean({ description: `true: ${COUNT_CAP.toLocaleString('en')} or more match, and total is ${COUNT_CAP.toLocaleString('en')}` }),
};

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
