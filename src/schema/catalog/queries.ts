/**
 * The catalog queries `inspect` runs: one set-based expression per object kind, without
 * parameters (the lean client speaks only the simple protocol), each a JSON array. `inspect`
 * sends them as five statements ({@link INSPECT_QUERIES}), whatever the size of the schema;
 * {@link CATALOG_QUERIES} has each as a statement of its own, for timing
 * (bench/verify/profile.mjs). Text and JSON come back the same from node-postgres, PGlite and
 * the lean client, which returns every value as text.
 *
 * The kinds with a row per table, constraint, index, sequence or column answer arrays, not
 * objects (see the `*Row` types): without a key per value the answer is half the size, and
 * the server builds it with less CPU (5,000 tables: 12.6 MB as objects, 6.1 MB as arrays). The expensive calls are the pg_get_*def functions, which print what the model
 * compares; each is called once per object (pg_get_indexdef also once per key column).
 *
 * Every query that prints names (pg_get_*def, format_type, regclass in defaults) first sets
 * search_path to pg_catalog for its own transaction, in a one-time filter the executor
 * evaluates before it reads a row, so that every user object comes out schema-qualified
 * whatever the caller's search_path.
 */

import { isEngineRelation } from '../engine-tables.ts';

/** Evaluated once, before any row is produced (a pseudo-constant qual becomes a gating Result). */
const QUALIFY_NAMES = `(SELECT pg_catalog.set_config('search_path', 'pg_catalog', true)) IS NOT NULL`;

/** Not pg_catalog, information_schema, pg_toast, pg_temp_N or pg_toast_temp_N (no user schema may start with pg_). */
const userSchema = (n: string) => `${n}.nspname !~ '^pg_' AND ${n}.nspname <> 'information_schema'`;

/** Not a member of an extension (the extension is in the model, its objects are not). */
const notInExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

/** An ordinary or partitioned table of the user's: not the engine's own, not an extension's. */
const userTable = (c: string, n: string) =>
  `${c}.relkind IN ('r', 'p') AND ${userSchema(n)} AND ${notInExtension('pg_class', `${c}.oid`)}` +
  ` AND NOT ${isEngineRelation(`${n}.nspname`, `${c}.relname`)}`;

/** A JSON array of the rows of `select`, each an object keyed by its column names. */
const jsonRows = (select: string) => `(SELECT coalesce(pg_catalog.json_agg(r), '[]') FROM (${select}) r)`;

/** A JSON array with one array of `values` per row of `from` (a FROM clause and its WHERE). */
const jsonTuples = (values: string, from: string) => `(SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(${values})), '[]') ${from})`;

/** Column names of `attnums` (an int2vector or int2[]) of relation `rel`, in key order. */
const columnNames = (rel: string, attnums: string) =>
  `(SELECT coalesce(pg_catalog.json_agg(a.attname ORDER BY u.ord), '[]') FROM pg_catalog.unnest(${attnums}) WITH ORDINALITY u(attnum, ord)` +
  ` JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.attnum)`;

/** The caller's search_path, restored after the queries when they run inside the caller's transaction. */
export const SEARCH_PATH_QUERY = `SELECT pg_catalog.current_setting('search_path') AS search_path`;

export const restoreSearchPathQuery = (searchPath: string) =>
  `SELECT pg_catalog.set_config('search_path', '${searchPath.replace(/'/g, "''")}', true) AS search_path`;

/** Each kind's JSON array, as an SQL expression. */
const CATALOG = {
  schemas: jsonRows(`
    SELECT n.nspname AS name
    FROM pg_catalog.pg_namespace n
    WHERE ${userSchema('n')} AND ${notInExtension('pg_namespace', 'n.oid')}`),

  // plpgsql is installed by initdb in every database: it is not part of anyone's schema.
  extensions: jsonRows(`
    SELECT x.extname AS name, n.nspname AS schema
    FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace
    WHERE x.extname <> 'plpgsql'`),

  enums: jsonRows(`
    SELECT n.nspname AS schema, t.typname AS name,
      (SELECT pg_catalog.json_agg(v.enumlabel ORDER BY v.enumsortorder) FROM pg_catalog.pg_enum v WHERE v.enumtypid = t.oid) AS values
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND ${userSchema('n')} AND ${notInExtension('pg_type', 't.oid')}`),

  // Owner: 'a' for serial and OWNED BY, 'i' for identity.
  sequences: jsonTuples(
    `n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL),
      s.seqstart::text, s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcycle, o.owner_table, o.owner_column`,
    `FROM pg_catalog.pg_sequence s
      JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN LATERAL (
        SELECT tc.relname AS owner_table, tn.nspname AS owner_schema, a.attname AS owner_column
        FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
          JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
        LIMIT 1) o ON true
    WHERE ${QUALIFY_NAMES} AND ${userSchema('n')} AND ${notInExtension('pg_class', 'c.oid')}
      AND NOT ${isEngineRelation('o.owner_schema', 'o.owner_table')}`,
  ),

  tables: jsonTuples(
    `n.nspname, c.relname,
      (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(
          a.attname,
          a.attnum,
          pg_catalog.format_type(a.atttypid, a.atttypmod),
          a.attnotnull,
          CASE WHEN a.attgenerated = '' AND a.attidentity = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
          CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
          CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END
        ) ORDER BY a.attnum), '[]')
        FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)`,
    `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${QUALIFY_NAMES} AND ${userTable('c', 'n')}`,
  ),

  // contype 'n' (PostgreSQL 18's NOT NULL constraints) and 't' (constraint triggers) are left out.
  constraints: jsonTuples(
    `n.nspname, c.relname, k.conname, k.contype, pg_catalog.pg_get_constraintdef(k.oid),
      ${columnNames('k.conrelid', 'k.conkey')}, fn.nspname, fc.relname,
      CASE WHEN k.contype = 'f' THEN ${columnNames('k.confrelid', 'k.confkey')} END,
      k.confupdtype, k.confdeltype, k.confmatchtype, k.condeferrable, k.condeferred, k.convalidated`,
    `FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
      LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
    WHERE ${QUALIFY_NAMES} AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND ${userTable('c', 'n')}`,
  ),

  indexes: jsonTuples(
    `n.nspname, c.relname, i.relname, pg_catalog.pg_get_indexdef(x.indexrelid), x.indisunique, am.amname,
      (SELECT pg_catalog.json_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k, true) ORDER BY k)
        FROM pg_catalog.generate_series(1, x.indnkeyatts) k),
      pg_catalog.pg_get_expr(x.indpred, x.indrelid, true),
      (SELECT k.conname FROM pg_catalog.pg_constraint k
        WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))`,
    `FROM pg_catalog.pg_index x
      JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_am am ON am.oid = i.relam
    WHERE ${QUALIFY_NAMES} AND ${userTable('c', 'n')}`,
  ),

  // Internal triggers implement foreign keys; they are the constraint, not triggers.
  triggers: jsonRows(`
    SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name,
      pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgenabled <> 'D' AS enabled
    FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${QUALIFY_NAMES} AND NOT t.tgisinternal AND ${userTable('c', 'n')}`),

  // pg_get_functiondef refuses aggregates.
  functions: jsonRows(`
    SELECT n.nspname AS schema, p.proname AS name,
      pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
      pg_catalog.pg_get_function_result(p.oid) AS returns,
      l.lanname AS language, p.prokind AS kind, p.provolatile AS volatility, p.prosrc AS body,
      CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition
    FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    WHERE ${QUALIFY_NAMES} AND ${userSchema('n')} AND ${notInExtension('pg_proc', 'p.oid')}`),

  views: jsonRows(`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
      pg_catalog.pg_get_viewdef(c.oid) AS definition
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${QUALIFY_NAMES} AND c.relkind IN ('v', 'm') AND ${userSchema('n')} AND ${notInExtension('pg_class', 'c.oid')}`),
} as const;

export type CatalogKind = keyof typeof CATALOG;

/** Each kind's query as a statement of its own, answering one row with one text column `data`. */
export const CATALOG_QUERIES = Object.fromEntries(Object.entries(CATALOG).map(([kind, json]) => [kind, `SELECT ${json}::text AS data`])) as Record<
  CatalogKind,
  string
>;

/** The kinds with a row per table, column, constraint, index or sequence: a statement each. */
const LARGE_KINDS: readonly CatalogKind[] = ['sequences', 'tables', 'constraints', 'indexes'];

/**
 * The statements `inspect` sends: the kinds of which a schema has few (schemas, extensions,
 * enums, triggers, functions, views) together in one, and each of the four large kinds in one
 * of its own. Each answers one row, with a text column per kind named after it. The large
 * kinds are not joined into that one statement although it would save round trips: one
 * statement keeps every pg_get_*def result in memory until it ends, and at 5,000 tables that
 * cost the server a third more CPU (measured: 1.04 s against 0.79 s).
 */
export const INSPECT_QUERIES: readonly { kinds: readonly CatalogKind[]; sql: string }[] = (() => {
  const small = (Object.keys(CATALOG) as CatalogKind[]).filter((k) => !LARGE_KINDS.includes(k));
  const statement = (kinds: readonly CatalogKind[]) => ({ kinds, sql: `SELECT ${kinds.map((k) => `${CATALOG[k]}::text AS ${k}`).join(',\n')}` });
  return [statement(small), ...LARGE_KINDS.map((k) => statement([k]))];
})();

/** A row of `sequences`: schema, name, type, start, increment, min, max, cycle, owner table, owner column. */
export type SequenceRow = [string, string, string, string, string, string, string, boolean, string | null, string | null];

/** A column of a `tables` row: name, attnum, type, not null, default, identity, generated expression. */
export type ColumnRow = [string, number, string, boolean, string | null, 'always' | 'by default' | null, string | null];

/** A row of `tables`: schema, name, columns in attnum order. */
export type TableRow = [string, string, ColumnRow[]];

/**
 * A row of `constraints`: schema, table, name, contype, definition, columns, referenced schema,
 * table and columns, confupdtype, confdeltype, confmatchtype, deferrable, deferred, validated.
 */
export type ConstraintRow = [
  string,
  string,
  string,
  'p' | 'u' | 'c' | 'f' | 'x',
  string,
  string[],
  string | null,
  string | null,
  string[] | null,
  string,
  string,
  string,
  boolean,
  boolean,
  boolean,
];

/** A row of `indexes`: schema, table, name, definition, unique, method, keys, predicate, constraint. */
export type IndexRow = [string, string, string, string, boolean, string, string[] | null, string | null, string | null];

/** The catalogs whose rows the model is printed from (pg_get_*def, format_type and the queries above read them). */
const MODEL_CATALOGS = [
  'pg_namespace',
  'pg_extension',
  'pg_type',
  'pg_enum',
  'pg_class',
  'pg_sequence',
  'pg_attribute',
  'pg_attrdef',
  'pg_constraint',
  'pg_index',
  'pg_trigger',
  'pg_proc',
  'pg_language',
  'pg_rewrite',
  'pg_depend',
  'pg_am',
  'pg_opclass',
  'pg_operator',
  'pg_collation',
] as const;

/** The settings that change how a definition's constants print (dates, intervals, floats, bytea, quoting). */
const PRINT_SETTINGS = [
  'DateStyle',
  'IntervalStyle',
  'TimeZone',
  'extra_float_digits',
  'bytea_output',
  'standard_conforming_strings',
  'quote_all_identifiers',
  'lc_monetary',
];

/**
 * What the catalog's state is, cheaply (no pg_get_*def: at 5,000 tables about a tenth of the
 * inspection's server time): `fingerprint` is an md5 over the transaction id that wrote each
 * row (xmin) of every catalog the model is read from, in the order they are stored, with this
 * run of the server (the postmaster's start time: a restore, a reset from a template or any
 * restart starts afresh), its version and the settings that change how constants print;
 * `server` names the database: the cluster's system identifier and the database's oid.
 *
 * Within one run of a server transaction ids are never reused, so an unchanged fingerprint
 * means no row of those catalogs has been written, added or removed since: the model would
 * come out the same. (pg_attribute's rows of system columns are left out: they are written
 * and removed with their table's pg_class row.) Changes that are not writes (VACUUM's in-place counters, a row moved
 * by VACUUM FULL) can only make it differ, never match by mistake.
 */
export const CATALOG_STATE_QUERY = `SELECT
  (SELECT pg_catalog.concat_ws('/', s.system_identifier, d.oid) FROM pg_catalog.pg_control_system() s, pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) AS server,
  pg_catalog.md5(pg_catalog.concat_ws('/', pg_catalog.pg_postmaster_start_time(), pg_catalog.current_setting('server_version_num'), ${PRINT_SETTINGS.map((s) => `pg_catalog.current_setting('${s}')`).join(', ')},
    ${MODEL_CATALOGS.map((c) => `(SELECT pg_catalog.string_agg(xmin::text, ',') FROM pg_catalog.${c}${c === 'pg_attribute' ? ' WHERE attnum > 0' : ''})`).join(',\n    ')})) AS fingerprint`;
