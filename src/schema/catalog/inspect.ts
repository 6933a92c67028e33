import type { Queryable } from '../../db/types.ts';
import type {
  ColumnModel,
  ConstraintKind,
  ConstraintModel,
  FunctionModel,
  IndexModel,
  SchemaModel,
  SequenceModel,
  TableModel,
  TriggerModel,
  ViewModel,
} from './model.ts';
import {
  normalizeConstraintDef,
  normalizeExpression,
  normalizeFunctionDef,
  normalizeIndexDef,
  normalizeText,
  normalizeTriggerDef,
  normalizeViewDef,
  indexShape,
} from './normalize.ts';
import {
  type ColumnRow,
  type ConstraintRow,
  type IndexRow,
  INSPECT_QUERIES,
  SEARCH_PATH_QUERY,
  type SequenceRow,
  type TableRow,
  restoreSearchPathQuery,
} from './queries.ts';

/**
 * How many statements one `inspect` sends, whatever the size of the schema: reading the
 * caller's search_path, the catalog's (see INSPECT_QUERIES), restoring the search_path.
 */
export const INSPECT_QUERY_COUNT = INSPECT_QUERIES.length + 2;

/**
 * Reads the schema of a live database into a `SchemaModel`: user schemas only (no system
 * schema, no ledger, nothing an extension owns), every list sorted, definitions normalised
 * so that one schema gives one model on PostgreSQL 15 and 18. Sends a fixed number of
 * statements ({@link INSPECT_QUERY_COUNT}), none with parameters, so it runs over the lean
 * client too. Inside a transaction, the caller's search_path is left as it was.
 */
export async function inspect(q: Queryable): Promise<SchemaModel> {
  return buildModel(await inspectRaw(q));
}

/** The catalog's rows as the queries answer them, parsed but not yet a model (bench/verify/profile.mjs times the two apart). */
export async function inspectRaw(q: Queryable): Promise<RawCatalog> {
  const path = await q.query<{ search_path: string }>(SEARCH_PATH_QUERY);
  const searchPath = path.rows[0]?.search_path ?? '';
  const parts: Record<string, unknown> = {};
  try {
    // One after another: a transaction's client must not be sent a second query while it runs one.
    for (const { kinds, sql } of INSPECT_QUERIES) {
      const row = (await q.query<Record<string, string>>(sql)).rows[0];
      for (const kind of kinds) parts[kind] = JSON.parse(row?.[kind] ?? '[]');
    }
  } finally {
    await q.query(restoreSearchPathQuery(searchPath));
  }
  return parts as unknown as RawCatalog;
}

/**
 * What INSPECT_QUERIES answer: objects for the few, arrays for the many (queries.ts). The
 * model is built from the arrays directly (at 5,000 tables, an object per row in between
 * was a fifth of the client's work, most of it the garbage collector's).
 */
export interface RawCatalog {
  schemas: { name: string }[];
  extensions: { name: string; schema: string }[];
  enums: { schema: string; name: string; values: string[] | null }[];
  sequences: SequenceRow[];
  tables: TableRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  triggers: { schema: string; table: string; name: string; definition: string; enabled: boolean }[];
  functions: RawFunction[];
  views: { schema: string; name: string; materialized: boolean; definition: string }[];
}

interface RawFunction {
  schema: string;
  name: string;
  arguments: string;
  returns: string | null;
  language: string;
  kind: 'f' | 'p' | 'a' | 'w';
  volatility: 'i' | 's' | 'v';
  body: string | null;
  definition: string | null;
}

const CONSTRAINT_KINDS: Record<ConstraintRow[3], ConstraintKind> = {
  p: 'primary key',
  u: 'unique',
  c: 'check',
  f: 'foreign key',
  x: 'exclude',
};

/** pg_constraint's confupdtype/confdeltype, in the words of the SQL that sets them. */
const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

const MATCH_TYPES: Record<string, string> = { s: 'SIMPLE', f: 'FULL', p: 'PARTIAL' };

const FUNCTION_KINDS: Record<RawFunction['kind'], FunctionModel['kind']> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window',
};

const VOLATILITIES: Record<RawFunction['volatility'], FunctionModel['volatility']> = {
  i: 'immutable',
  s: 'stable',
  v: 'volatile',
};

/** Code point order: independent of the database's collation and of the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bySchemaAndName<T extends { schema: string; name: string }>(a: T, b: T): number {
  return compare(a.schema, b.schema) || compare(a.name, b.name);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return compare(a.name, b.name);
}

/** Groups rows by their table (`schema.table`): `place` gives a row's schema and table. */
function byTable<R, T>(rows: R[], place: (r: R) => readonly [string, string], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const [schema, table] = place(r);
    const key = `${schema}.${table}`;
    const list = out.get(key);
    if (list) list.push(map(r));
    else out.set(key, [map(r)]);
  }
  return out;
}

export function buildModel(raw: RawCatalog): SchemaModel {
  const constraints = byTable(raw.constraints, rowPlace, toConstraint);
  const indexes = byTable(raw.indexes, rowPlace, toIndex);
  const triggers = byTable(
    raw.triggers,
    (t) => [t.schema, t.table] as const,
    (t): TriggerModel => ({ name: t.name, definition: normalizeTriggerDef(t.definition), enabled: t.enabled }),
  );
  const tables = raw.tables.map(([schema, name, columns]): TableModel => {
    const key = `${schema}.${name}`;
    return {
      schema,
      name,
      columns: [...columns].sort((a, b) => a[1] - b[1]).map(toColumn),
      constraints: (constraints.get(key) ?? []).sort(byName),
      indexes: (indexes.get(key) ?? []).sort(byName),
      triggers: (triggers.get(key) ?? []).sort(byName),
    };
  });
  return {
    schemas: raw.schemas.map((s) => s.name).sort(compare),
    extensions: raw.extensions.map((e) => ({ name: e.name, schema: e.schema })).sort(byName),
    enums: raw.enums.map((e) => ({ schema: e.schema, name: e.name, values: e.values ?? [] })).sort(bySchemaAndName),
    sequences: raw.sequences.map(toSequence).sort(bySchemaAndName),
    tables: tables.sort(bySchemaAndName),
    views: raw.views.map(toView).sort(bySchemaAndName),
    functions: raw.functions.map(toFunction).sort((a, b) => bySchemaAndName(a, b) || compare(a.arguments, b.arguments)),
  };
}

/** A constraint's or index's schema and table (the first two values of its row). */
const rowPlace = (r: ConstraintRow | IndexRow) => [r[0], r[1]] as const;

function toColumn([name, , type, notNull, defaultValue, identity, generated]: ColumnRow, i: number): ColumnModel {
  return {
    name,
    position: i + 1,
    type,
    notNull,
    default: defaultValue === null ? null : normalizeExpression(defaultValue),
    identity,
    generated: generated === null ? null : normalizeExpression(generated),
  };
}

function toSequence([schema, name, type, start, increment, min, max, cycle, ownerTable, ownerColumn]: SequenceRow): SequenceModel {
  return {
    schema,
    name,
    type,
    start,
    increment,
    min,
    max,
    cycle,
    ownedBy: ownerTable !== null && ownerColumn !== null ? { table: ownerTable, column: ownerColumn } : null,
  };
}

function toConstraint([
  ,
  ,
  name,
  kind,
  definition,
  columns,
  refSchema,
  refTable,
  refColumns,
  onUpdate,
  onDelete,
  match,
  deferrable,
  deferred,
  validated,
]: ConstraintRow): ConstraintModel {
  return {
    name,
    kind: CONSTRAINT_KINDS[kind],
    definition: normalizeConstraintDef(definition),
    columns,
    references:
      kind === 'f' && refSchema !== null && refTable !== null
        ? {
            schema: refSchema,
            table: refTable,
            columns: refColumns ?? [],
            onUpdate: REFERENTIAL_ACTIONS[onUpdate] ?? onUpdate,
            onDelete: REFERENTIAL_ACTIONS[onDelete] ?? onDelete,
            match: MATCH_TYPES[match] ?? match,
          }
        : null,
    deferrable,
    initiallyDeferred: deferred,
    validated,
  };
}

function toIndex([, , name, printed, unique, method, keys, predicate, constraint]: IndexRow): IndexModel {
  const definition = normalizeIndexDef(printed);
  return {
    name,
    definition,
    shape: indexShape(definition, name),
    unique,
    method,
    keys: (keys ?? []).map(normalizeExpression),
    predicate: predicate === null ? null : normalizeExpression(predicate),
    constraint,
  };
}

function toView(v: RawCatalog['views'][number]): ViewModel {
  return { schema: v.schema, name: v.name, materialized: v.materialized, definition: normalizeViewDef(v.definition) };
}

function toFunction(f: RawFunction): FunctionModel {
  return {
    schema: f.schema,
    name: f.name,
    arguments: f.arguments,
    returns: f.returns ?? '',
    language: f.language,
    kind: FUNCTION_KINDS[f.kind],
    volatility: VOLATILITIES[f.volatility],
    body: normalizeText(f.body ?? ''),
    definition: f.definition === null ? '' : normalizeFunctionDef(f.definition),
  };
}
