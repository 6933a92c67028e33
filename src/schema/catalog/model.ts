/**
 * The schema as plain data: what `inspect` reads from a live database, what the snapshot
 * renders, what `compare` and `diff` work on. Nothing here knows how it was obtained.
 *
 * Conventions, so that one schema gives one model whatever the server version:
 * - every list is sorted by name (columns keep their table order: `position`);
 * - names are unquoted identifiers as PostgreSQL stores them; `schema` is always explicit;
 * - definitions are PostgreSQL's own rendering (pg_get_*def, format_type), normalised by
 *   the inspector so that versions agree (see normalize.ts);
 * - NOT NULL is a column property (PostgreSQL 18 also stores it as a constraint: not here);
 * - system schemas (pg_catalog, information_schema, pg_toast…) and the engine's own ledger
 *   are never in the model; objects that belong to an extension are not either (the
 *   extension is).
 */
export interface SchemaModel {
  schemas: string[];
  extensions: ExtensionModel[];
  enums: EnumModel[];
  sequences: SequenceModel[];
  tables: TableModel[];
  views: ViewModel[];
  functions: FunctionModel[];
}

export interface ExtensionModel {
  name: string;
  schema: string;
}

export interface EnumModel {
  schema: string;
  name: string;
  /** In their sort order. */
  values: string[];
}

export interface SequenceModel {
  schema: string;
  name: string;
  /** smallint, integer or bigint. */
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  /** The column that owns it (serial, identity, OWNED BY), if any. */
  ownedBy: { table: string; column: string } | null;
}

export interface TableModel {
  schema: string;
  name: string;
  columns: ColumnModel[];
  constraints: ConstraintModel[];
  indexes: IndexModel[];
  triggers: TriggerModel[];
}

export interface ColumnModel {
  name: string;
  /** 1-based order in the table, after dropped columns are skipped. */
  position: number;
  /** format_type(), e.g. `character varying(120)`, `numeric(12,2)`, `timestamp with time zone`. */
  type: string;
  notNull: boolean;
  /** The default expression as PostgreSQL prints it, or null. Not set for identity columns. */
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** A stored generated column's expression, or null. */
  generated: string | null;
}

export type ConstraintKind = 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclude';

export interface ConstraintModel {
  name: string;
  kind: ConstraintKind;
  /** pg_get_constraintdef(), normalised; two constraints with one definition are duplicates. */
  definition: string;
  columns: string[];
  /** For a foreign key. */
  references: { schema: string; table: string; columns: string[]; onUpdate: string; onDelete: string; match: string } | null;
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** False for a constraint added NOT VALID and not validated since. */
  validated: boolean;
}

export interface IndexModel {
  name: string;
  /** pg_get_indexdef(), normalised (schema-qualified table, no index name for comparison: see `shape`). */
  definition: string;
  /** The definition without the index's own name: two indexes with one shape are duplicates. */
  shape: string;
  unique: boolean;
  method: string;
  /** Column names, or expressions as printed, in key order. */
  keys: string[];
  /** The partial index predicate, or null. */
  predicate: string | null;
  /** The constraint this index implements (primary key, unique, exclude), or null. */
  constraint: string | null;
}

export interface TriggerModel {
  name: string;
  /** pg_get_triggerdef(), normalised. */
  definition: string;
  enabled: boolean;
}

export interface ViewModel {
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef(), normalised. */
  definition: string;
}

export interface FunctionModel {
  schema: string;
  name: string;
  /** pg_get_function_identity_arguments(), e.g. `p_id bigint, p_name text`. */
  arguments: string;
  /** pg_get_function_result(), e.g. `trigger`, `SETOF integer`. */
  returns: string;
  language: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  volatility: 'immutable' | 'stable' | 'volatile';
  /** The body (prosrc), with line endings normalised. */
  body: string;
  /** pg_get_functiondef(), normalised: the full CREATE statement. */
  definition: string;
}

/** An empty model. */
export function emptyModel(): SchemaModel {
  return { schemas: [], extensions: [], enums: [], sequences: [], tables: [], views: [], functions: [] };
}
