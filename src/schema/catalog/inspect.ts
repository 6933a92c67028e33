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
import { type ConstraintRow, type IndexRow, INSPECT_QUERIES, SEARCH_PATH_QUERY, type SequenceRow, type TableRow, restoreSearchPathQuery } from './queries.ts';

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
  return fromAnswer(parts as unknown as Answer);
}

/** What INSPECT_QUERIES answer: objects for the few, arrays for the many (queries.ts). */
interface Answer {
  schemas: RawCatalog['schemas'];
  extensions: RawCatalog['extensions'];
  enums: RawCatalog['enums'];
  sequences: SequenceRow[];
  tables: TableRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  triggers: RawCatalog['triggers'];
  functions: RawCatalog['functions'];
  views: RawCatalog['views'];
}

function fromAnswer(a: Answer): RawCatalog {
  return {
    schemas: a.schemas,
    extensions: a.extensions,
    enums: a.enums,
    sequences: a.sequences.map(([schema, name, type, start, increment, min, max, cycle, owner_table, owner_column]) => ({
      schema,
      name,
      type,
      start,
      increment,
      min,
      max,
      cycle,
      owner_table,
      owner_column,
    })),
    tables: a.tables.map(([schema, name, columns]) => ({
      schema,
      name,
      columns: columns.map(([name, attnum, type, notNull, defaultValue, identity, generated]) => ({
        name,
        attnum,
        type,
        notNull,
        default: defaultValue,
        identity,
        generated,
      })),
    })),
    constraints: a.constraints.map(
      ([schema, table, name, kind, definition, columns, ref_schema, ref_table, ref_columns, on_update, on_delete, match, deferrable, deferred, validated]) => ({
        schema,
        table,
        name,
        kind,
        definition,
        columns,
        ref_schema,
        ref_table,
        ref_columns,
        on_update,
        on_delete,
        match,
        deferrable,
        deferred,
        validated,
      }),
    ),
    indexes: a.indexes.map(([schema, table, name, definition, unique, method, keys, predicate, constraint]) => ({
      schema,
      table,
      name,
      definition,
      unique,
      method,
      keys,
      predicate,
      constraint,
    })),
    triggers: a.triggers,
    functions: a.functions,
    views: a.views,
  };
}

export interface RawCatalog {
  schemas: { name: string }[];
  extensions: { name: string; schema: string }[];
  enums: { schema: string; name: string; values: string[] | null }[];
  sequences: {
    schema: string;
    name: string;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cycle: boolean;
    owner_table: string | null;
    owner_column: string | null;
  }[];
  tables: { schema: string; name: string; columns: RawColumn[] }[];
  constraints: RawConstraint[];
  indexes: RawIndex[];
  triggers: { schema: string; table: string; name: string; definition: string; enabled: boolean }[];
  functions: RawFunction[];
  views: { schema: string; name: string; materialized: boolean; definition: string }[];
}

interface RawColumn {
  name: string;
  attnum: number;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: 'always' | 'by default' | null;
  generated: string | null;
}

interface RawConstraint {
  schema: string;
  table: string;
  name: string;
  kind: 'p' | 'u' | 'c' | 'f' | 'x';
  definition: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  on_update: string;
  on_delete: string;
  match: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
}

interface RawIndex {
  schema: string;
  table: string;
  name: string;
  definition: string;
  unique: boolean;
  method: string;
  keys: string[] | null;
  predicate: string | null;
  constraint: string | null;
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

const CONSTRAINT_KINDS: Record<RawConstraint['kind'], ConstraintKind> = {
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

/** Groups rows by their table (`schema.table`). */
function byTable<R extends { schema: string; table: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const key = `${r.schema}.${r.table}`;
    const list = out.get(key);
    if (list) list.push(map(r));
    else out.set(key, [map(r)]);
  }
  return out;
}

export function buildModel(raw: RawCatalog): SchemaModel {
  const constraints = byTable(raw.constraints, toConstraint);
  const indexes = byTable(raw.indexes, toIndex);
  const triggers = byTable(raw.triggers, (t): TriggerModel => ({ name: t.name, definition: normalizeTriggerDef(t.definition), enabled: t.enabled }));
  const tables = raw.tables.map((t): TableModel => {
    const key = `${t.schema}.${t.name}`;
    return {
      schema: t.schema,
      name: t.name,
      columns: [...t.columns].sort((a, b) => a.attnum - b.attnum).map(toColumn),
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

function toColumn(c: RawColumn, i: number): ColumnModel {
  return {
    name: c.name,
    position: i + 1,
    type: c.type,
    notNull: c.notNull,
    default: c.default === null ? null : normalizeExpression(c.default),
    identity: c.identity,
    generated: c.generated === null ? null : normalizeExpression(c.generated),
  };
}

function toSequence(s: RawCatalog['sequences'][number]): SequenceModel {
  return {
    schema: s.schema,
    name: s.name,
    type: s.type,
    start: s.start,
    increment: s.increment,
    min: s.min,
    max: s.max,
    cycle: s.cycle,
    ownedBy: s.owner_table !== null && s.owner_column !== null ? { table: s.owner_table, column: s.owner_column } : null,
  };
}

function toConstraint(k: RawConstraint): ConstraintModel {
  return {
    name: k.name,
    kind: CONSTRAINT_KINDS[k.kind],
    definition: normalizeConstraintDef(k.definition),
    columns: k.columns,
    references:
      k.kind === 'f' && k.ref_schema !== null && k.ref_table !== null
        ? {
            schema: k.ref_schema,
            table: k.ref_table,
            columns: k.ref_columns ?? [],
            onUpdate: REFERENTIAL_ACTIONS[k.on_update] ?? k.on_update,
            onDelete: REFERENTIAL_ACTIONS[k.on_delete] ?? k.on_delete,
            match: MATCH_TYPES[k.match] ?? k.match,
          }
        : null,
    deferrable: k.deferrable,
    initiallyDeferred: k.deferred,
    validated: k.validated,
  };
}

function toIndex(x: RawIndex): IndexModel {
  const definition = normalizeIndexDef(x.definition);
  return {
    name: x.name,
    definition,
    shape: indexShape(definition, x.name),
    unique: x.unique,
    method: x.method,
    keys: (x.keys ?? []).map(normalizeExpression),
    predicate: x.predicate === null ? null : normalizeExpression(x.predicate),
    constraint: x.constraint,
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
